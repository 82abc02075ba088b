package lambdaapi

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/invoke"
)

// zipped is a deployment package holding one file.
func zipped(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestMoto: moto serves the control plane (ListFunctions, GetFunction,
// reserved concurrency) but runs functions only in Docker, returns an
// empty log tail, and writes log events the SDK cannot read.
func TestMoto(t *testing.T) {
	awsCLI := testbin.LookTool(t, "aws", "pip install awscli")
	url := testbin.StartMoto(t)
	isolateAWSConfig(t)
	ctx := context.Background()

	// moto checks that the role exists: make it with the aws CLI (the
	// module has no IAM client).
	cli := exec.Command(awsCLI, "--endpoint-url", url, "--region", "us-east-1", "iam", "create-role", "--role-name", "lambench-test",
		"--assume-role-policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	cli.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	if out, err := cli.CombinedOutput(); err != nil {
		t.Fatalf("aws iam create-role: %v\n%s", err, out)
	}
	sdk := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	_, err := sdk.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("moto-fn"),
		Runtime:      types.RuntimePython312,
		Handler:      aws.String("index.handler"),
		Role:         aws.String("arn:aws:iam::123456789012:role/lambench-test"),
		Code:         &types.FunctionCode{ZipFile: zipped(t, "index.py", "def handler(event, context):\n    return event\n")},
		MemorySize:   aws.Int32(256),
		Environment:  &types.Environment{Variables: map[string]string{"STAGE": "test"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("moto-fn"), ReservedConcurrentExecutions: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}

	c := newClient(t, Options{Endpoint: url, AccessKeyID: "test", SecretAccessKey: "test"})
	var names []string
	if err := c.Functions(ctx, func(f invoke.Function) error { names = append(names, f.Name); return nil }); err != nil || strings.Join(names, ",") != "moto-fn" {
		t.Errorf("Functions: %v %v", names, err)
	}
	f, err := c.Function(ctx, "moto-fn")
	if err != nil {
		t.Fatal(err)
	}
	if f.Runtime != "python3.12" || f.MemoryMB != 256 || f.Environment["STAGE"] != "test" || f.ReservedConcurrency == nil || *f.ReservedConcurrency != 3 ||
		f.LastModified.IsZero() || f.ARN != "arn:aws:lambda:us-east-1:123456789012:function:moto-fn" || f.State != "Active" {
		t.Errorf("Function: %+v", f)
	}

	// Before any invocation there is no log group: said, not failed.
	l := newLogCollector()
	if err := c.Logs(ctx, "moto-fn", invoke.LogOptions{Notice: l.notice}, l.emit); err != nil {
		t.Errorf("Logs before any invocation: %v", err)
	}
	_, notices := l.snapshot()
	t.Logf("notices: %q", notices)
	if !noticeContains(notices, "log group /aws/lambda/moto-fn does not exist") || !noticeContains(notices, "serves no lambench push stream") {
		t.Errorf("notices %q", notices)
	}

	// moto runs functions in Docker; without it the invocation "fails",
	// and either way the log tail it returns is empty: unknown.
	r, err := c.Invoke(ctx, &invoke.Request{Function: "moto-fn", Payload: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("moto invoke: status %d, error %+v, payload %s", r.StatusCode, r.Error, r.Payload)
	if r.TailKnown || r.Report != nil {
		t.Errorf("a tail from moto: %+v", r)
	}

	// The log events moto wrote for it carry fractional timestamps, which
	// the SDK alone cannot read: behind an endpoint override they are read.
	var got []invoke.LogEvent
	err = c.Logs(ctx, "moto-fn", invoke.LogOptions{}, func(ev invoke.LogEvent) { got = append(got, ev) })
	t.Logf("Logs after an invocation: %v, %d events", err, len(got))
	if err != nil || len(got) == 0 || got[0].Time.Year() < 2020 || got[0].Message == "" {
		t.Errorf("Logs: %v %+v", err, got)
	}
}
