package emulator

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// sdkClient is aws-sdk-go-v2's Lambda client pointed at the local Lambda,
// with retries off as lambench uses it.
func sdkClient(url string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func TestSDKInvokeAndTypedErrors(t *testing.T) {
	_, url := newTestServer(t, []Function{
		demoFn("hello", "hello"),
		demoFn("busy", "sleep", withReserved(1)),
		demoFn("off", "echo", withReserved(0)),
	})
	c := sdkClient(url)
	ctx := context.Background()

	out, err := c.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String("hello"),
		Payload:      []byte(`{"name":"sdk"}`),
		LogType:      types.LogTypeTail,
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Payload) != `{"message":"Hello, sdk!"}` || out.StatusCode != 200 || out.FunctionError != nil {
		t.Errorf("Invoke: %d %s %v", out.StatusCode, out.Payload, out.FunctionError)
	}
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if !strings.Contains(string(tail), "REPORT RequestId: ") || aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Errorf("LogResult %q, ExecutedVersion %q", tail, aws.ToString(out.ExecutedVersion))
	}

	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(aws.ToString(nf.Message), "function:nope") {
		t.Errorf("unknown function: %T %v", err, err)
	}

	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("off")})
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) || tm.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded || aws.ToString(tm.RetryAfterSeconds) == "" {
		t.Errorf("throttle: %T %v", err, err)
	}

	// A real race for one reserved execution: the loser gets the typed throttle.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("busy"), Payload: []byte(`{"ms":300}`)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	throttled := 0
	for err := range errs {
		if errors.As(err, &tm) {
			throttled++
		} else if err != nil {
			t.Errorf("concurrent invoke: %v", err)
		}
	}
	if throttled == 0 || throttled == 4 {
		t.Errorf("%d of 4 concurrent invokes of a function reserved to 1 were throttled", throttled)
	}

	fe, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:hello"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || fe.StatusCode != 204 {
		t.Errorf("DryRun by ARN: %v", err)
	}
}

func TestSDKControlPlaneReadSide(t *testing.T) {
	var fs []Function
	for i := range 120 {
		fs = append(fs, demoFn(fmt.Sprintf("fn-%03d", i), "echo"))
	}
	conc := 5
	fs = append(fs, Function{
		Name: "configured", Code: BuiltinPrefix + "hello", MemoryMB: 512, Timeout: 7e9,
		Environment: map[string]string{"GREETING": "hi"}, ReservedConcurrency: &conc, Description: "a configured demo",
	})
	_, url := newTestServer(t, fs)
	c := sdkClient(url)
	ctx := context.Background()

	var names []string
	pages := 0
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Functions) > 50 {
			t.Errorf("page of %d functions; AWS sends at most 50", len(page.Functions))
		}
		pages++
		for _, f := range page.Functions {
			names = append(names, aws.ToString(f.FunctionName))
		}
	}
	if len(names) != 121 || pages != 3 || names[0] != "configured" || names[120] != "fn-119" {
		t.Errorf("listed %d functions in %d pages (first %q)", len(names), pages, names[0])
	}

	gf, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("configured")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := gf.Configuration
	if aws.ToInt32(cfg.MemorySize) != 512 || aws.ToInt32(cfg.Timeout) != 7 || cfg.Runtime != types.RuntimeProvidedal2023 ||
		cfg.Environment.Variables["GREETING"] != "hi" || aws.ToString(cfg.Description) != "a configured demo" ||
		cfg.State != types.StateActive || cfg.LastUpdateStatus != types.LastUpdateStatusSuccessful ||
		aws.ToString(cfg.FunctionArn) != "arn:aws:lambda:us-east-1:123456789012:function:configured" ||
		cfg.CodeSize == 0 || aws.ToString(cfg.CodeSha256) == "" || cfg.PackageType != types.PackageTypeZip ||
		len(cfg.Architectures) != 1 || aws.ToString(cfg.LoggingConfig.LogGroup) != "/aws/lambda/configured" {
		t.Errorf("GetFunction configuration: %+v", cfg)
	}
	if gf.Concurrency == nil || aws.ToInt32(gf.Concurrency.ReservedConcurrentExecutions) != 5 {
		t.Errorf("GetFunction concurrency: %+v", gf.Concurrency)
	}
	if _, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("fn-007")}); err != nil {
		t.Error(err)
	}
	gc, err := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("configured")})
	if err != nil || aws.ToInt32(gc.ReservedConcurrentExecutions) != 5 {
		t.Errorf("GetFunctionConcurrency: %v %+v", err, gc)
	}
	as, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil || as.AccountLimit.ConcurrentExecutions <= 0 || aws.ToInt64(&as.AccountUsage.FunctionCount) != 121 {
		t.Errorf("GetAccountSettings: %v %+v", err, as)
	}
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("GetFunction missing: %T %v", err, err)
	}
}
