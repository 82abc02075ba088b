// Package lambdaapi is lambench's backend for the Lambda API through
// aws-sdk-go-v2: real AWS, the built-in local Lambda, LocalStack, SAM's
// start-lambda, moto, a remote lambench serve. It is also the one place
// where the AWS SDK's own configuration (shared config and credentials
// files, AWS_PROFILE, SSO, AWS_ENDPOINT_URL...) is loaded.
//
// [New] returns a [Client], an invoke.Client: the Lambda API for
// functions and invocations, and for logs whichever of three ways the
// target allows (see [LogSource]): lambench's own push stream, CloudWatch
// Logs StartLiveTail, or FilterLogEvents polling.
package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go/logging"
)

// ConfigOptions select an AWS configuration.
type ConfigOptions struct {
	// Profile is the AWS shared-config profile; empty means the SDK's
	// default choice (AWS_PROFILE, else "default").
	Profile string
	// Region overrides the profile's region.
	Region string
	// Endpoint is the Lambda endpoint override, if any. On loopback (an
	// emulator on this machine) the instance metadata service is asked
	// once, without retries, so that a machine that is not an EC2
	// instance does not wait seconds for it before "no AWS credentials
	// found": the credentials found are the same.
	Endpoint string
}

// LoadConfig loads the AWS SDK configuration the standard way, as the aws
// CLI does.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	return loadConfig(ctx, o)
}

func loadConfig(ctx context.Context, o ConfigOptions, extra ...func(*config.LoadOptions) error) (aws.Config, error) {
	// The SDK's own log lines (e.g. "WARN falling back to IMDSv1" when no
	// credentials are configured) would come before lambench's message
	// saying the same thing with the next step; the errors are kept.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	opts = append(opts, extra...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err == nil && loopbackURL(o.Endpoint) {
		// The same instance metadata client the SDK would build (its
		// endpoint, mode and transport from this configuration), with
		// one attempt per request instead of the standard retries.
		md := imds.NewFromConfig(cfg, func(io *imds.Options) { io.Retryer = aws.NopRetryer{} })
		cfg, err = config.LoadDefaultConfig(ctx, append(opts, config.WithEC2RoleCredentialOptions(func(eo *ec2rolecreds.Options) {
			eo.Client = md
		}))...)
	}
	if err != nil {
		if o.Profile != "" {
			return aws.Config{}, fmt.Errorf("load AWS profile %q: %w (see %s, or `aws configure --profile %s`)", o.Profile, err, SharedConfigFile(), o.Profile)
		}
		return aws.Config{}, fmt.Errorf("load the AWS configuration: %w", err)
	}
	return cfg, nil
}

// loopbackURL reports whether u is an http(s) URL of this machine.
func loopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return false
	}
	h := p.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// SharedConfigFile names the AWS shared config file the SDK reads, for
// messages: AWS_CONFIG_FILE, else ~/.aws/config.
func SharedConfigFile() string {
	if env, err := config.NewEnvConfig(); err == nil && env.SharedConfigFile != "" {
		return env.SharedConfigFile
	}
	return "~/.aws/config"
}

// ProfileExists reports whether the AWS shared config or credentials
// files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/) have
// a profile of that name.
func ProfileExists(ctx context.Context, name string) bool {
	// LoadDefaultConfig, not LoadSharedConfigProfile, so that the files
	// are found as the SDK finds them (AWS_CONFIG_FILE...).
	_, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(name))
	var missing config.SharedConfigProfileNotExistError
	return !errors.As(err, &missing)
}
