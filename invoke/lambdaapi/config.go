// Package lambdaapi is lambench's backend for the Lambda API through
// aws-sdk-go-v2: real AWS, the built-in local Lambda, LocalStack, SAM's
// start-lambda, moto. It is also the one place where the AWS SDK's own
// configuration (shared config and credentials files, AWS_PROFILE, SSO,
// AWS_ENDPOINT_URL...) is loaded.
package lambdaapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// ConfigOptions select an AWS configuration.
type ConfigOptions struct {
	// Profile is the AWS shared-config profile; empty means the SDK's
	// default choice (AWS_PROFILE, else "default").
	Profile string
	// Region overrides the profile's region.
	Region string
}

// LoadConfig loads the AWS SDK configuration the standard way, as the aws
// CLI does.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		if o.Profile != "" {
			return aws.Config{}, fmt.Errorf("load AWS profile %q: %w (see ~/.aws/config, or `aws configure --profile %s`)", o.Profile, err, o.Profile)
		}
		return aws.Config{}, fmt.Errorf("load the AWS configuration: %w", err)
	}
	return cfg, nil
}
