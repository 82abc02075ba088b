package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// apiServer is a loopback server with the verifier in front of a trivial
// Lambda and CloudWatch Logs API. It counts the requests that got through.
func apiServer(t *testing.T, v *Verifier) (string, *atomic.Int64) {
	t.Helper()
	var served atomic.Int64
	writeJSON := func(w http.ResponseWriter, v any) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	list := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"Functions": []any{}})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2015-03-31/functions", list)
	mux.HandleFunc("GET /2015-03-31/functions/{$}", list)
	mux.HandleFunc("GET /2015-03-31/functions/{name}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"Configuration": map[string]any{"FunctionName": r.PathValue("name")}})
	})
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		body, err := io.ReadAll(r.Body) // the body the verifier read, put back
		if err != nil {
			t.Errorf("reading the body: %v", err)
		}
		w.Header().Set("X-Amz-Executed-Version", "$LATEST")
		_, _ = w.Write(body)
	})
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "Logs_20140328.DescribeLogGroups" {
			http.Error(w, "unexpected target", http.StatusBadRequest)
			return
		}
		writeJSON(w, map[string]any{"logGroups": []any{map[string]any{"logGroupName": "/aws/lambda/hello"}}})
	})
	srv := httptest.NewServer(v.Wrap(mux, nil))
	t.Cleanup(srv.Close)
	return srv.URL, &served
}

func sdkClient(url, akid, secret, token string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, token),
		Retryer:      aws.NopRetryer{},
	})
}

// wantAPIError checks err is the SDK's API error for code, sent with 403.
func wantAPIError(t *testing.T, err error, code, msgPrefix string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want API error %s", err, err, code)
	}
	if ae.ErrorCode() != code || !strings.HasPrefix(ae.ErrorMessage(), msgPrefix) {
		t.Errorf("got %s: %q, want %s: %q...", ae.ErrorCode(), ae.ErrorMessage(), code, msgPrefix)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Errorf("HTTP status: %v", err)
	}
}

func TestEndToEndSDK(t *testing.T) {
	url, served := apiServer(t, newVerifier(t))
	ctx := context.Background()

	c := sdkClient(url, testAKID, testSecret, "")
	for _, name := range []string{testARN, testARN + ":prod", "hello"} {
		out, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		if err != nil {
			t.Fatalf("GetFunction %s: %v", name, err)
		}
		if got := aws.ToString(out.Configuration.FunctionName); got != name {
			t.Errorf("GetFunction %s: handler saw %s", name, got)
		}
	}
	if _, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{MaxItems: aws.Int32(10), Marker: aws.String("a b+c/=")}); err != nil {
		t.Fatalf("ListFunctions: %v", err)
	}
	for _, payload := range [][]byte{[]byte(`{"name":"sdk"}`), nil, bytes.Repeat([]byte("x"), 6<<20)} {
		out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(testARN), Payload: payload})
		if err != nil {
			t.Fatalf("Invoke (%d bytes): %v", len(payload), err)
		}
		if out.StatusCode != 200 || !bytes.Equal(out.Payload, payload) {
			t.Errorf("Invoke (%d bytes): status %d, echoed %d bytes", len(payload), out.StatusCode, len(out.Payload))
		}
	}
	tc := sdkClient(url, "ASIATEMP", "temp-secret", "the-session-token")
	if _, err := tc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(testARN)}); err != nil {
		t.Errorf("with a session token: %v", err)
	}
	passed := served.Load()

	_, err := sdkClient(url, testAKID, "wrong-secret", "").GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(testARN)})
	wantAPIError(t, err, CodeInvalidSignature, MsgSignatureMismatch)
	_, err = sdkClient(url, testAKID, "wrong-secret", "").Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("hello"), Payload: []byte(`{}`)})
	wantAPIError(t, err, CodeInvalidSignature, MsgSignatureMismatch)
	_, err = sdkClient(url, "AKIDUNKNOWN", testSecret, "").Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(testARN)})
	wantAPIError(t, err, CodeUnrecognizedClient, MsgUnrecognizedClient)
	_, err = sdkClient(url, "ASIATEMP", "temp-secret", "").GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(testARN)})
	wantAPIError(t, err, CodeUnrecognizedClient, MsgUnrecognizedClient)

	// A client whose clock is 20 minutes behind the server's.
	skewed, _ := apiServer(t, newVerifier(t, func(c *Config) {
		c.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	}))
	_, err = sdkClient(skewed, testAKID, testSecret, "").GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(testARN)})
	wantAPIError(t, err, CodeInvalidSignature, "Signature expired: ")

	if n := served.Load(); n != passed {
		t.Errorf("%d refused requests reached the handler", n-passed)
	}
}

// awsCLI is the aws CLI on PATH. The end-to-end test needs it: without it
// the test fails, it does not skip.
func awsCLI(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Fatalf("the aws CLI is not on PATH (%v): TestEndToEndCLI checks that the verifier accepts what the real aws CLI v1 signs; install it (pip install awscli)", err)
	}
	return bin
}

// runCLI runs the aws CLI against url with only the given credentials:
// no profile, config file or instance metadata, one attempt.
func runCLI(t *testing.T, bin, url, akid, secret string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, append(args, "--endpoint-url", url, "--region", testRegion, "--output", "json")...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"AWS_ACCESS_KEY_ID="+akid, "AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard",
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestEndToEndCLI(t *testing.T) {
	// Each run of the CLI costs about a second of CPU (Python startup), so
	// the cases are the ones only the CLI can check: botocore's signing of
	// a rest-json GET, an ARN path, a body, and a JSON 1.1 POST, and the
	// error codes it reads from both protocols' error responses.
	bin := awsCLI(t)
	url, _ := apiServer(t, newVerifier(t))
	outFile := filepath.Join(t.TempDir(), "out.json")

	accepted := []struct {
		name string
		args []string
		want string
	}{
		{"list-functions", []string{"lambda", "list-functions"}, `"Functions": []`},
		{"get-function ARN", []string{"lambda", "get-function", "--function-name", testARN + ":prod"}, `"FunctionName": "` + testARN + `:prod"`},
		{"invoke", []string{"lambda", "invoke", "--function-name", testARN, "--payload", `{"from":"cli"}`, outFile}, `"StatusCode": 200`},
		{"describe-log-groups", []string{"logs", "describe-log-groups"}, `"logGroupName": "/aws/lambda/hello"`},
	}
	refused := []struct {
		name, akid, secret string
		args               []string
		want               [2]string // code, operation
		msg                string
	}{
		{"list-functions, wrong secret", testAKID, "wrong", []string{"lambda", "list-functions"},
			[2]string{CodeInvalidSignature, "ListFunctions"}, MsgSignatureMismatch},
		{"list-functions, unknown key", "AKIDUNKNOWN", testSecret, []string{"lambda", "list-functions"},
			[2]string{CodeUnrecognizedClient, "ListFunctions"}, MsgUnrecognizedClient},
		{"describe-log-groups, wrong secret", testAKID, "wrong", []string{"logs", "describe-log-groups"},
			[2]string{CodeInvalidSignature, "DescribeLogGroups"}, MsgSignatureMismatch},
		{"describe-log-groups, unknown key", "AKIDUNKNOWN", testSecret, []string{"logs", "describe-log-groups"},
			[2]string{CodeUnrecognizedClient, "DescribeLogGroups"}, MsgUnrecognizedClient},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, bin, url, testAKID, testSecret, c.args...)
			if err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(c.args, " "), err, stderr)
			}
			if !strings.Contains(stdout, c.want) {
				t.Errorf("aws %s printed %s, want %s", strings.Join(c.args, " "), stdout, c.want)
			}
		})
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, bin, url, c.akid, c.secret, c.args...)
			if err == nil {
				t.Fatalf("aws %s succeeded: %s", strings.Join(c.args, " "), stdout)
			}
			// botocore prints "An error occurred (Code) when calling the Op
			// operation (reached max retries: 0): message".
			code, op := c.want[0], c.want[1]
			if !strings.Contains(stderr, "An error occurred ("+code+") when calling the "+op+" operation") ||
				!strings.Contains(stderr, ": "+c.msg) {
				t.Errorf("aws %s: %v\n%s\nwant %s from %s: %s", strings.Join(c.args, " "), err, stderr, code, op, c.msg)
			}
		})
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(outFile); err != nil || string(b) != `{"from":"cli"}` {
			t.Errorf("invoke's output file: %q %v", b, err)
		}
	})
}
