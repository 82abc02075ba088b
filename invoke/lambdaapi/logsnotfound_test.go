package lambdaapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/invoke"
)

// TestLogsOfNoFunction: with neither the function nor its log group, Logs
// fails with the not-found error (so that the caller can list the
// functions); a deleted function's log group that is still there is read.
func TestLogsOfNoFunction(t *testing.T) {
	url := testbin.StartMoto(t)
	isolateAWSConfig(t)
	ctx := context.Background()
	cw := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := cw.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/gone")}); err != nil {
		t.Fatal(err)
	}
	// A group whose name begins the same does not count.
	if _, err := cw.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/nosuch-other")}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, Options{Endpoint: url, AccessKeyID: "test", SecretAccessKey: "test", Region: "us-east-1"})

	err := c.Logs(ctx, "nosuch", invoke.LogOptions{}, func(invoke.LogEvent) {})
	if !invoke.IsNotFound(err) {
		t.Errorf("Logs of no function and no log group: %v, want not found", err)
	}

	l := newLogCollector()
	if err := c.Logs(ctx, "gone", invoke.LogOptions{Notice: l.notice}, l.emit); err != nil {
		t.Errorf("Logs of a deleted function's log group: %v", err)
	}
	if _, notices := l.snapshot(); !noticeContains(notices, "function gone not found: reading log group /aws/lambda/gone anyway") {
		t.Errorf("notices %q", notices)
	}
}
