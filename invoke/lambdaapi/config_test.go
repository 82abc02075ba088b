package lambdaapi

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lambench/lambench/invoke"
)

// TestEndpointFromEnvironment: the SDK's standard endpoint variables pick
// the endpoints of an AWS target, per service.
func TestEndpointFromEnvironment(t *testing.T) {
	url := startLocal(t)
	ctx := context.Background()
	isolateAWSConfig(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	t.Setenv("AWS_REGION", "eu-west-1")

	t.Setenv("AWS_ENDPOINT_URL_LAMBDA", url)
	c := newClient(t, Options{})
	if tg := c.Target(); tg.Kind != invoke.AWS || tg.Endpoint != url || tg.Region != "eu-west-1" {
		t.Errorf("Target %+v", tg)
	}
	if c.logsURL != url {
		t.Errorf("CloudWatch Logs at %q, not at the Lambda API's override", c.logsURL)
	}
	if _, err := c.Function(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	r, err := c.Invoke(ctx, &invoke.Request{Function: "hello"})
	if err != nil || r.Report == nil {
		t.Fatalf("invoke: %+v %v", r, err)
	}
	// An endpoint override that is a lambench serve: its push stream.
	l := newLogCollector()
	if err := c.Logs(ctx, "hello", invoke.LogOptions{Notice: l.notice}, l.emit); err != nil || !l.has("REPORT RequestId: "+r.RequestID) {
		t.Errorf("Logs: %v", err)
	}
	if _, notices := l.snapshot(); !noticeContains(notices, "push stream at "+strings.TrimPrefix(url, "http://")+": the endpoint is a lambench serve") {
		t.Errorf("notices %q", notices)
	}

	t.Setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:4566")
	if c := newClient(t, Options{}); c.endpoint != url || c.logsURL != "http://127.0.0.1:4566" {
		t.Errorf("per-service endpoints: lambda %q, logs %q", c.endpoint, c.logsURL)
	}
	os.Unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")
	os.Unsetenv("AWS_ENDPOINT_URL_LAMBDA")
	t.Setenv("AWS_ENDPOINT_URL", url)
	if c := newClient(t, Options{}); c.endpoint != url || c.logsURL != url {
		t.Errorf("AWS_ENDPOINT_URL: lambda %q, logs %q", c.endpoint, c.logsURL)
	}
	// The option wins over the environment.
	if c := newClient(t, Options{Endpoint: "http://127.0.0.1:9"}); c.endpoint != "http://127.0.0.1:9" || c.logsURL != "http://127.0.0.1:9" {
		t.Errorf("Endpoint option: lambda %q, logs %q", c.endpoint, c.logsURL)
	}
	// The local target reads no AWS configuration at all.
	if c := newClient(t, Options{Kind: invoke.Local, Endpoint: "http://127.0.0.1:9"}); c.region != DefaultRegion || c.endpoint != "http://127.0.0.1:9" {
		t.Errorf("local: region %q, endpoint %q", c.region, c.endpoint)
	}
}

// TestSharedConfigProfile: a profile of the shared config files gives the
// region, the credentials and the endpoints (endpoint_url and a services
// section), chosen by AWS_PROFILE or Options.Profile.
func TestSharedConfigProfile(t *testing.T) {
	url := startLocal(t)
	ctx := context.Background()
	isolateAWSConfig(t)
	writeFile(t, os.Getenv("AWS_CONFIG_FILE"), `[profile emu]
region = ap-south-1
endpoint_url = `+url+`

[profile emu-services]
region = us-west-2
services = local-lambda

[services local-lambda]
lambda =
  endpoint_url = `+url+`
`)
	writeFile(t, os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), `[emu]
aws_access_key_id = local
aws_secret_access_key = local

[emu-services]
aws_access_key_id = local
aws_secret_access_key = local
`)
	t.Setenv("AWS_PROFILE", "emu")
	c := newClient(t, Options{})
	if tg := c.Target(); tg.Profile != "emu" || tg.Region != "ap-south-1" || tg.Endpoint != url || c.logsURL != url ||
		tg.String() != "aws · emu · ap-south-1 · "+strings.TrimPrefix(url, "http://") {
		t.Errorf("AWS_PROFILE: %+v, logs at %q", tg, c.logsURL)
	}
	if _, err := c.Function(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if tg := c.Target(); tg.Account != "123456789012" {
		t.Errorf("account not learnt from an ARN: %+v", tg)
	}

	os.Unsetenv("AWS_PROFILE")
	c = newClient(t, Options{Profile: "emu-services"})
	if tg := c.Target(); tg.Profile != "emu-services" || tg.Region != "us-west-2" || tg.Endpoint != url {
		t.Errorf("services section: %+v", tg)
	}
	if _, err := c.Invoke(ctx, &invoke.Request{Function: "hello"}); err != nil {
		t.Fatal(err)
	}

	if !ProfileExists(ctx, "emu") || !ProfileExists(ctx, "emu-services") || ProfileExists(ctx, "missing") {
		t.Error("ProfileExists")
	}
	_, err := New(ctx, Options{Profile: "missing"})
	if err == nil || !strings.Contains(err.Error(), `load AWS profile "missing"`) || !strings.Contains(err.Error(), "aws configure --profile missing") {
		t.Errorf("missing profile: %v", err)
	}
}

// TestMissingCredentials: no credentials anywhere gives one sentence
// saying how to configure them, from every operation.
func TestMissingCredentials(t *testing.T) {
	isolateAWSConfig(t)
	ctx := context.Background()

	_, err := New(ctx, Options{})
	if err == nil || err.Error() != "no AWS region is set: pass --region, set AWS_REGION, or add a region to your AWS profile (`aws configure`)" {
		t.Errorf("no region: %v", err)
	}
	c := newClient(t, Options{Region: "eu-central-1"})
	want := "no AWS credentials found: configure them with `aws configure` (or `aws sso login`), set AWS_PROFILE or pass --aws-profile, or use the local target"
	_, ierr := c.Invoke(ctx, &invoke.Request{Function: "hello"})
	_, ferr := c.Function(ctx, "hello")
	for op, err := range map[string]error{
		"Functions": c.Functions(ctx, func(invoke.Function) error { return nil }),
		"Function":  ferr,
		"Invoke":    ierr,
		"Logs":      c.Logs(ctx, "hello", invoke.LogOptions{}, func(invoke.LogEvent) {}),
	} {
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v", op, err)
		}
	}
	// An SSO profile not logged in: how to log in.
	writeFile(t, os.Getenv("AWS_CONFIG_FILE"), `[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`)
	c = newClient(t, Options{Profile: "dev"})
	err = c.Functions(ctx, func(invoke.Function) error { return nil })
	t.Logf("SSO: %v", err)
	if err == nil || err.Error() != "the AWS SSO session of profile dev is not logged in or has expired: run `aws sso login --profile dev`" {
		t.Errorf("SSO profile without a token: %v", err)
	}

	// An endpoint override needs no region: emulators take any.
	if c := newClient(t, Options{Endpoint: "http://127.0.0.1:9"}); c.region != DefaultRegion {
		t.Errorf("region %q", c.region)
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: "http://127.0.0.1:1"})
	_, err := c.Invoke(context.Background(), &invoke.Request{Function: "hello"})
	if err == nil || err.Error() != "invoke hello: cannot reach http://127.0.0.1:1 (connect: connection refused): is its lambench serve still running? Start it again with `lambench serve --addr 127.0.0.1:1`" {
		t.Errorf("unreachable: %v", err)
	}
	var se *invoke.ServiceError
	if errors.As(err, &se) {
		t.Errorf("a connection failure taken for a service error: %v", se)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
