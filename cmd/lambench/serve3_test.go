package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// servedJSON is serve's JSON startup line.
type servedJSON struct {
	Endpoint     string `json:"endpoint"`
	HTTPEndpoint string `json:"http_endpoint"`
}

// startServeJSON runs serve and returns its startup line too.
func startServeJSON(t *testing.T, dir string, args ...string) (*servedProcess, servedJSON) {
	t.Helper()
	sp := startServe(t, dir, args...)
	var v servedJSON
	json.Unmarshal([]byte(sp.startLine), &v)
	return sp, v
}

func zipFile(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, b := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(fs.FileMode(0o755))
		w, _ := zw.CreateHeader(h)
		w.Write(b)
	}
	zw.Close()
	f.Close()
}

// TestControlPlaneWithTheAWSCLI is issue 3's first acceptance point, with
// nothing but the aws CLI.
func TestControlPlaneWithTheAWSCLI(t *testing.T) {
	dir := t.TempDir()
	sp := startServe(t, dir)
	bin, err := testbin.Build(dir, "./examples/hello-go", "bootstrap", "lambda.norpc")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(bin)
	zipPath := filepath.Join(dir, "function.zip")
	zipFile(t, zipPath, map[string][]byte{"bootstrap": b})
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := awsCLI(t, sp.endpoint, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}
	report := func() string {
		out := run("lambda", "invoke", "--function-name", "cli-fn", "--payload", `{"name":"cli"}`, "--log-type", "Tail", filepath.Join(dir, "out.json"))
		var res struct{ LogResult string }
		json.Unmarshal([]byte(out), &res)
		logs, _ := base64.StdEncoding.DecodeString(res.LogResult)
		return string(logs)
	}
	run("lambda", "create-function", "--function-name", "cli-fn", "--runtime", "provided.al2023", "--handler", "bootstrap",
		"--role", "arn:aws:iam::123456789012:role/x", "--zip-file", "fileb://"+zipPath)
	run("lambda", "wait", "function-active-v2", "--function-name", "cli-fn")
	if logs := report(); !strings.Contains(logs, "Memory Size: 128 MB") {
		t.Errorf("first invoke:\n%s", logs)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "out.json")); string(got) != `{"message":"Hello, cli!"}` {
		t.Errorf("payload %s", got)
	}
	run("lambda", "update-function-configuration", "--function-name", "cli-fn", "--memory-size", "256")
	run("lambda", "wait", "function-updated-v2", "--function-name", "cli-fn")
	if logs := report(); !strings.Contains(logs, "Memory Size: 256 MB") {
		t.Errorf("after update-function-configuration:\n%s", logs)
	}
	run("lambda", "put-function-concurrency", "--function-name", "cli-fn", "--reserved-concurrent-executions", "5")
	if out := run("lambda", "get-function-concurrency", "--function-name", "cli-fn"); !strings.Contains(out, `"ReservedConcurrentExecutions": 5`) {
		t.Errorf("get-function-concurrency: %s", out)
	}
	run("lambda", "delete-function", "--function-name", "cli-fn")
	_, stderr, err := awsCLI(t, sp.endpoint, "lambda", "invoke", "--function-name", "cli-fn", filepath.Join(dir, "out.json"))
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("invoke after delete-function: %v %s", err, stderr)
	}
}

// TestRequireAuthWithTheAWSCLI: with --require-auth, the configured keys
// work and anything else gets 403.
func TestRequireAuthWithTheAWSCLI(t *testing.T) {
	sp := startServe(t, t.TempDir(), "--require-auth", "--credentials", "local:local")
	if _, stderr, err := awsCLI(t, sp.endpoint, "lambda", "list-functions"); err != nil {
		t.Errorf("the configured keys: %v %s", err, stderr)
	}
	for _, env := range [][]string{{"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=wrong"}, {"AWS_ACCESS_KEY_ID=other", "AWS_SECRET_ACCESS_KEY=local"}} {
		_, stderr, err := awsCLIEnv(t, sp.endpoint, env, "lambda", "list-functions")
		if err == nil || !(strings.Contains(stderr, "InvalidSignatureException") || strings.Contains(stderr, "UnrecognizedClientException")) {
			t.Errorf("keys %v: %v %s", env, err, stderr)
		}
	}
	resp, err := http.Get(sp.endpoint + "/2015-03-31/functions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("unsigned: %d", resp.StatusCode)
	}
}

// TestHTTPFrontWithCurl: the HTTP front answers any HTTP client.
func TestHTTPFrontWithCurl(t *testing.T) {
	_, v := startServeJSON(t, t.TempDir())
	if v.HTTPEndpoint == "" {
		t.Fatal("no http_endpoint in the startup line")
	}
	for path, want := range map[string]string{
		"/hello/anything?x=1": `{"message":"Hello, world!"}`,
		"/api/anything?x=1":   "Hello from GET /anything?x=1\n",
	} {
		resp, err := http.Get(v.HTTPEndpoint + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != want {
			t.Errorf("GET %s: %d %q, want %q\nthe function's log:\n%s", path, resp.StatusCode, body, want,
				functionLog(v.Endpoint, strings.Split(path, "/")[1]))
		}
	}
}

// functionLog is a function's log so far, from the local Lambda's
// CloudWatch Logs API, for a failure message.
func functionLog(endpoint, function string) string {
	req, err := http.NewRequest(http.MethodPost, endpoint+"/",
		strings.NewReader(`{"logGroupName":"/aws/lambda/`+function+`"}`))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Logs_20140328.FilterLogEvents")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var out struct{ Events []struct{ Message string } }
	b, _ := io.ReadAll(resp.Body)
	if json.Unmarshal(b, &out) != nil {
		return string(b)
	}
	var lines []string
	for _, e := range out.Events {
		lines = append(lines, strings.TrimRight(e.Message, "\n"))
	}
	return strings.Join(lines, "\n")
}

// TestFunctionCredentialsFromAProfile: aws_profile gives a function that
// profile's keys, and nothing else of the shell's.
func TestFunctionCredentialsFromAProfile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "credentials"), []byte("[dev]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = devsecret\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "config"), []byte("[profile dev]\nregion = eu-west-1\n"), 0o600)
	code := filepath.Join(dir, "fn")
	os.Mkdir(code, 0o755)
	os.WriteFile(filepath.Join(code, "bootstrap"), []byte("#!/bin/sh\nenv | grep '^AWS_ACCESS_KEY_ID=' || echo 'no AWS_ACCESS_KEY_ID'\nexport _LAMBENCH_DEMO=hello\nexec "+lambenchBin+"\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "lambench.toml"), []byte(`
[[functions]]
name = "with"
code = "fn"
aws_profile = "dev"

[[functions]]
name = "without"
code = "fn"
`), 0o644)
	sp := startServeEnv(t, dir, []string{"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_ACCESS_KEY_ID=AKIDOFTHESHELL", "AWS_SECRET_ACCESS_KEY=shell"})
	for fn, want := range map[string]string{"with": "AWS_ACCESS_KEY_ID=AKIDFROMPROFILE", "without": "no AWS_ACCESS_KEY_ID"} {
		req, _ := http.NewRequest("POST", sp.endpoint+"/2015-03-31/functions/"+fn+"/invocations", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Log-Type", "Tail")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		logs, _ := base64.StdEncoding.DecodeString(resp.Header.Get("X-Amz-Log-Result"))
		if !strings.Contains(string(logs), want) || strings.Contains(string(logs), "AKIDOFTHESHELL") {
			t.Errorf("%s: want %q in\n%s", fn, want, logs)
		}
	}
}

// TestAsyncAndLogsWithTheAWSCLI: an Event invoke of fail is retried and
// then recorded; aws logs filter-log-events finds START/END/REPORT.
func TestAsyncAndLogsWithTheAWSCLI(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "failures.jsonl")
	sp := startServe(t, dir, "--on-failure", dest)
	out, stderr, err := awsCLI(t, sp.endpoint, "lambda", "invoke", "--function-name", "fail", "--invocation-type", "Event",
		"--payload", `{"message":"async boom"}`, filepath.Join(dir, "out.json"))
	if err != nil || !strings.Contains(out, `"StatusCode": 202`) {
		t.Fatalf("Event invoke: %v %s %s", err, out, stderr)
	}
	var rec struct {
		RequestContext struct {
			Condition              string
			ApproximateInvokeCount int
		}
		ResponsePayload json.RawMessage
	}
	waitUntil(t, "the on-failure record", 30*time.Second, func() bool {
		b, err := os.ReadFile(dest)
		return err == nil && json.Unmarshal(b, &rec) == nil
	})
	if rec.RequestContext.Condition != "RetriesExhausted" || rec.RequestContext.ApproximateInvokeCount != 3 || !strings.Contains(string(rec.ResponsePayload), "async boom") {
		t.Errorf("on-failure record %+v", rec)
	}

	if _, stderr, err := awsCLI(t, sp.endpoint, "lambda", "invoke", "--function-name", "hello", filepath.Join(dir, "out.json")); err != nil {
		t.Fatal(stderr)
	}
	out, stderr, err = awsCLI(t, sp.endpoint, "logs", "filter-log-events", "--log-group-name", "/aws/lambda/hello")
	if err != nil {
		t.Fatalf("filter-log-events: %v %s", err, stderr)
	}
	for _, want := range []string{"START RequestId: ", "END RequestId: ", "REPORT RequestId: "} {
		if !strings.Contains(out, want) {
			t.Errorf("filter-log-events lacks %q:\n%s", want, out)
		}
	}
}

// TestServeBannerSaysHowToSign: with --require-auth the banner names the
// key to sign with and gives a signing curl; without, any keys will do.
func TestServeBannerSaysHowToSign(t *testing.T) {
	for _, signedBy := range []string{"", "AKIDEXAMPLE"} {
		var out bytes.Buffer
		printServeBanner(&IOStreams{Out: &out}, banner{endpoint: "http://127.0.0.1:9001", front: "http://127.0.0.1:9002",
			region: "us-east-1", names: []string{"hello"}, signedBy: signedBy})
		s := out.String()
		if signedBy == "" {
			hasAll(t, "open banner", s, "any credentials will do", "AWS_ACCESS_KEY_ID=local", "curl http://127.0.0.1:9002/hello/anything?x=1")
			continue
		}
		hasAll(t, "signed banner", s, "signed (SigV4) with the access key AKIDEXAMPLE", "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
			"curl --aws-sigv4 aws:amz:us-east-1:lambda", "http://127.0.0.1:9002/hello/anything?x=1")
		if strings.Contains(s, "any credentials will do") || strings.Contains(s, "AWS_ACCESS_KEY_ID=local") {
			t.Errorf("the signed banner offers keys that get 403:\n%s", s)
		}
	}
}
