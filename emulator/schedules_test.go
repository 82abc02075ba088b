package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/lambench/lambench/emulator/sigv4"
)

// TestScheduleInvokesWithAScheduledEvent uses a one-time at() schedule a
// few seconds ahead; the event lands in the on-failure file of a function
// that always fails, so the test can read the payload it got.
func TestScheduleInvokesWithAScheduledEvent(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "on-failure.jsonl")
	at := time.Now().UTC().Add(2 * time.Second).Truncate(time.Second)
	zero := 0
	_, _ = newTestServer(t, []Function{{
		Name: "tick", Code: BuiltinPrefix + "fail", MaxRetryAttempts: &zero,
		Schedule: "at(" + at.Format("2006-01-02T15:04:05") + ")",
	}}, WithOnFailure(dest))
	waitFor(t, "the scheduled invocation", 15*time.Second, func() bool { return len(readRecords(t, dest)) == 1 })
	var ev struct {
		DetailType string    `json:"detail-type"`
		Source     string    `json:"source"`
		Account    string    `json:"account"`
		Region     string    `json:"region"`
		Time       time.Time `json:"time"`
		Resources  []string  `json:"resources"`
		Detail     any       `json:"detail"`
	}
	rec := readRecords(t, dest)[0]
	if err := json.Unmarshal(rec.RequestPayload, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.DetailType != "Scheduled Event" || ev.Source != "aws.events" || ev.Account != DefaultAccountID || ev.Region != DefaultRegion ||
		!ev.Time.Equal(at) || len(ev.Resources) != 1 || !strings.HasSuffix(ev.Resources[0], ":rule/lambench-tick-schedule") {
		t.Errorf("scheduled event %s", rec.RequestPayload)
	}
}

func TestInvalidScheduleIsRejected(t *testing.T) {
	_, err := New(WithDemoExecutable(lambenchBin), WithFunctions(Function{Name: "x", Code: BuiltinPrefix + "echo", Schedule: "rate(5 minute)"}))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "schedule" || !strings.Contains(err.Error(), "plural") && !strings.Contains(err.Error(), "singular") {
		t.Errorf("got %v", err)
	}
}

func TestScalingLimitThrottlesNewEnvironments(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("sleep", "sleep")}, WithScalingLimit(2))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "sleep", Payload: []byte(`{"ms":500}`)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	throttled := 0
	for err := range errs {
		var ae *APIError
		if errors.As(err, &ae) && ae.Reason == ReasonFunctionInvocationRateLimitExceeded {
			throttled++
		} else if err != nil {
			t.Error(err)
		}
	}
	if throttled != 2 {
		t.Errorf("%d of 4 concurrent first invocations throttled, want 2 (2 new environments allowed)", throttled)
	}
}

func TestRequireAuth(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("echo", "echo")},
		WithAuth(sigv4.Credentials{AccessKeyID: "AKIDLOCAL", SecretAccessKey: "s3cr3t"}))
	signed := func(id, secret string) *lambda.Client {
		return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Retryer: aws.NopRetryer{},
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
	}
	ctx := context.Background()
	if out, err := signed("AKIDLOCAL", "s3cr3t").Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("echo"), Payload: []byte(`[1]`)}); err != nil || string(out.Payload) != `[1]` {
		t.Errorf("the right keys: %v", err)
	}
	for _, tc := range []struct{ id, secret, code string }{
		{"AKIDLOCAL", "wrong", "InvalidSignatureException"},
		{"AKIDOTHER", "s3cr3t", "UnrecognizedClientException"},
	} {
		_, err := signed(tc.id, tc.secret).ListFunctions(ctx, &lambda.ListFunctionsInput{})
		var ae smithy.APIError
		var re interface{ HTTPStatusCode() int }
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code || !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
			t.Errorf("keys %s/%s: %v, want 403 %s", tc.id, tc.secret, err, tc.code)
		}
	}
	resp, err := http.Get(url + "/2015-03-31/functions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
	front := httpTestServer(t, srv.HTTPFront())
	if resp, err := http.Get(front + "/echo/"); err != nil || resp.StatusCode != 403 {
		t.Errorf("unsigned request to the HTTP front: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}

}
