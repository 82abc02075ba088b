package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambench/lambench/invoke"
)

// DefaultRegion is the region of a local target, and of an endpoint
// override when no region is configured (LocalStack, moto and lambench
// serve all default to it).
const DefaultRegion = "us-east-1"

// DefaultLocalAccessKey is the dummy access key id (and secret) a local
// target signs with when Options gives no credentials: the local Lambda
// checks signatures only when started with --require-auth.
const DefaultLocalAccessKey = "local"

// Options configure a Client.
type Options struct {
	// Kind is invoke.Local for lambench's built-in local Lambda (a
	// `lambench serve`), which needs Endpoint, or invoke.AWS (the default
	// when empty): real AWS, or whatever speaks the Lambda API behind
	// Endpoint. (An RIE is package rie's.)
	//
	// A local target does not read the AWS configuration at all (no
	// profile, no environment): it signs with the static credentials
	// given, or dummy ones, in Region or DefaultRegion.
	Kind invoke.Kind
	// Profile is the AWS shared-config profile (--aws-profile); empty
	// means the SDK's choice: AWS_PROFILE, else "default".
	Profile string
	// Region overrides the profile's region (and AWS_REGION).
	Region string
	// Endpoint overrides the endpoint of both the Lambda and the
	// CloudWatch Logs API, e.g. http://127.0.0.1:9001 (lambench serve),
	// http://localhost:4566 (LocalStack), http://127.0.0.1:3001 (SAM's
	// start-lambda). Empty means the SDK's resolution: AWS_ENDPOINT_URL_LAMBDA
	// and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, else AWS_ENDPOINT_URL, else
	// the shared config's endpoint_url and services sections, else AWS.
	// When only the Lambda API is overridden that way, CloudWatch Logs is
	// read at the Lambda endpoint too (every emulator serves both on one
	// port).
	Endpoint string
	// AccessKeyID, when set, makes the client sign with these static
	// credentials instead of the SDK's credential chain: those a local
	// Lambda started with --require-auth accepts, LocalStack's "test".
	AccessKeyID string
	// SecretAccessKey goes with AccessKeyID.
	SecretAccessKey string
	// SessionToken goes with AccessKeyID, for temporary credentials.
	SessionToken string
	// Logs chooses how Logs reads logs; empty means LogsAuto.
	Logs LogSource
}

// Client is the invoke.Client of targets that speak the Lambda API. It is
// safe for concurrent use.
type Client struct {
	kind      invoke.Kind
	lambda    *lambda.Client
	logs      *cloudwatchlogs.Client
	creds     aws.CredentialsProvider
	http      *http.Client
	transport *http.Transport // closed by Close
	region    string
	profile   string
	endpoint  string // the Lambda API's endpoint override, if any
	logsURL   string // the CloudWatch Logs API's endpoint override, if any
	logSource LogSource

	tailRefused atomic.Bool // the target refused LogType Tail (SAM)

	mu      sync.Mutex
	account string // learnt from the ARNs the target returns
}

var _ invoke.Client = (*Client)(nil)

// New returns a client of the target o describes. For an AWS target it
// loads the AWS configuration the standard way (shared config and
// credentials files, AWS_PROFILE, SSO, AWS_REGION, AWS_ENDPOINT_URL...);
// credentials are resolved at the first request, and an error then says
// how to configure them.
func New(ctx context.Context, o Options) (*Client, error) {
	switch o.Logs {
	case "", LogsAuto, LogsStream, LogsLiveTail, LogsPoll:
	default:
		return nil, fmt.Errorf("unknown log source %q (want %s, %s, %s or %s)", o.Logs, LogsAuto, LogsStream, LogsLiveTail, LogsPoll)
	}
	var static aws.CredentialsProvider
	if o.AccessKeyID != "" {
		static = credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, o.SessionToken)
	}
	c := &Client{kind: o.Kind, logSource: o.Logs}
	if c.logSource == "" {
		c.logSource = LogsAuto
	}
	var cfg aws.Config
	switch o.Kind {
	case invoke.Local:
		if o.Endpoint == "" {
			return nil, errors.New("a local target needs the endpoint of its local Lambda")
		}
		if static == nil {
			static = credentials.NewStaticCredentialsProvider(DefaultLocalAccessKey, DefaultLocalAccessKey, "")
		}
		cfg = aws.Config{Region: o.Region, Credentials: aws.NewCredentialsCache(static)}
		if cfg.Region == "" {
			cfg.Region = DefaultRegion
		}
	case "", invoke.AWS:
		c.kind = invoke.AWS
		var extra []func(*config.LoadOptions) error
		if static != nil {
			extra = append(extra, config.WithCredentialsProvider(static))
		}
		var err error
		cfg, err = loadConfig(ctx, ConfigOptions{Profile: o.Profile, Region: o.Region, Endpoint: o.Endpoint}, extra...)
		if err != nil {
			return nil, err
		}
		c.profile = o.Profile
		if c.profile == "" {
			c.profile = envProfile(cfg)
		}
	default:
		return nil, fmt.Errorf("lambdaapi serves local and aws targets, not %q", o.Kind)
	}

	// One HTTP client for the SDK's requests and the push stream, with the
	// SDK's transport settings (e.g. AWS_CA_BUNDLE), owned so that Close
	// can close its connections.
	bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if cfg.HTTPClient == nil || ok {
		if bc == nil {
			bc = awshttp.NewBuildableClient()
		}
		c.transport = bc.GetTransport()
		c.http = &http.Client{Transport: c.transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		cfg.HTTPClient = c.http
	} else {
		c.http = &http.Client{Transport: doer{cfg.HTTPClient}}
	}
	c.build(cfg, o.Endpoint)
	c.region = cfg.Region
	if c.region == "" {
		if c.endpoint == "" {
			return nil, errors.New("no AWS region is set: pass --region, set AWS_REGION, or add a region to your AWS profile (`aws configure`)")
		}
		// Emulators do not care, but SigV4 needs a region.
		cfg.Region = DefaultRegion
		c.region = DefaultRegion
		c.build(cfg, o.Endpoint)
	}
	c.creds = cfg.Credentials
	return c, nil
}

// build makes the Lambda and CloudWatch Logs clients; endpoint, when set,
// overrides both. Otherwise each client resolves its endpoint from the
// configuration (AWS_ENDPOINT_URL_LAMBDA...), and CloudWatch Logs falls
// back on the Lambda API's override.
func (c *Client) build(cfg aws.Config, endpoint string) {
	c.lambda = lambda.NewFromConfig(cfg, func(lo *lambda.Options) {
		if endpoint != "" {
			lo.BaseEndpoint = aws.String(endpoint)
		}
	})
	c.endpoint = aws.ToString(c.lambda.Options().BaseEndpoint)
	c.logs = cloudwatchlogs.NewFromConfig(cfg, func(lo *cloudwatchlogs.Options) {
		switch {
		case endpoint != "":
			lo.BaseEndpoint = aws.String(endpoint)
		case lo.BaseEndpoint == nil && c.endpoint != "":
			lo.BaseEndpoint = aws.String(c.endpoint)
		}
	})
	c.logsURL = aws.ToString(c.logs.Options().BaseEndpoint)
	if c.logsURL != "" {
		c.logs = cloudwatchlogs.New(c.logs.Options(), func(lo *cloudwatchlogs.Options) {
			lo.APIOptions = append(lo.APIOptions, wholeMillis)
		})
	}
}

// envProfile is the profile the SDK chose from the environment (AWS_PROFILE).
func envProfile(cfg aws.Config) string {
	for _, s := range cfg.ConfigSources {
		if ec, ok := s.(config.EnvConfig); ok && ec.SharedConfigProfile != "" {
			return ec.SharedConfigProfile
		}
	}
	return ""
}

// Target describes the target.
func (c *Client) Target() invoke.Target {
	c.mu.Lock()
	defer c.mu.Unlock()
	return invoke.Target{Kind: c.kind, Endpoint: c.endpoint, Region: c.region, Profile: c.profile, Account: c.account}
}

// Close closes the client's idle connections. It starts and stops no
// process: a local target's server belongs to whoever started it.
func (c *Client) Close() error {
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
	return nil
}

// doer makes an aws.HTTPClient an http.RoundTripper.
type doer struct{ aws.HTTPClient }

func (d doer) RoundTrip(r *http.Request) (*http.Response, error) { return d.Do(r) }

// learnAccount records the account of an ARN the target returned.
func (c *Client) learnAccount(arn string) {
	a, ok := parseARN(arn)
	if !ok || a.account == "" {
		return
	}
	c.mu.Lock()
	c.account = a.account
	c.mu.Unlock()
}

// credentials resolves the credentials (cached by the SDK) so that a
// missing or broken setup is reported as one sentence saying what to do,
// rather than as an SDK error from deep inside a request.
func (c *Client) credentials(ctx context.Context) (aws.Credentials, error) {
	if c.creds == nil {
		return aws.Credentials{}, c.noCredentials(errors.New("no credentials provider"))
	}
	cr, err := c.creds.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return aws.Credentials{}, ctx.Err()
		}
		return aws.Credentials{}, c.noCredentials(err)
	}
	return cr, nil
}

// arn is the part of an ARN lambench uses.
type arn struct {
	partition, service, region, account, resource string
}

// parseARN splits arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
func parseARN(s string) (arn, bool) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return arn{}, false
	}
	return arn{partition: p[1], service: p[2], region: p[3], account: p[4], resource: p[5]}, true
}

// functionName returns the function name of a name, a partial ARN
// (ACCOUNT:function:NAME), a full ARN or NAME:QUALIFIER, without the
// qualifier: what its log group is named after.
func functionName(ref string) string {
	p := strings.Split(ref, ":")
	for i, s := range p {
		if s == "function" && i+1 < len(p) {
			return p[i+1]
		}
	}
	return p[0]
}

// msTime converts ms since the epoch.
func msTime(ms int64) time.Time { return time.UnixMilli(ms) }

// Signing gives what another HTTP client needs to reach the Lambda API
// as this one does (the load generator, which signs its own requests):
// the credentials (cached), the region, and the endpoint override ("" for
// AWS's own endpoint of the region).
func (c *Client) Signing() (creds aws.CredentialsProvider, region, endpoint string) {
	return c.creds, c.region, c.endpoint
}
