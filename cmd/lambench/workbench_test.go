package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// cli runs the lambench binary as a user would, in dir, with its own
// announcement directory and no AWS configuration of the machine's.
type cli struct {
	t          *testing.T
	dir        string
	runtimeDir string
	env        []string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, dir: t.TempDir(), runtimeDir: t.TempDir()}
}

type cliResult struct {
	out, err string
	code     int
}

func (c *cli) run(stdin string, args ...string) cliResult {
	c.t.Helper()
	cmd := exec.Command(lambenchBin, args...)
	cmd.Dir = c.dir
	cmd.Env = c.environ()
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return cliResult{o.String(), e.String(), code}
}

// environ is the environment of the commands c runs.
func (c *cli) environ() []string {
	env := append(os.Environ(), "LAMBENCH_RUNTIME_DIR="+c.runtimeDir, "NO_COLOR=1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PROFILE=", "LAMBENCH_PROFILE=",
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_REGION=", "AWS_DEFAULT_REGION=",
		"AWS_ENDPOINT_URL=", "AWS_EC2_METADATA_DISABLED=true") // never ask an instance metadata service
	return append(env, c.env...)
}

// must runs a command that must exit with code and returns its result.
func (c *cli) must(code int, args ...string) cliResult {
	c.t.Helper()
	r := c.run("", args...)
	if r.code != code {
		c.t.Fatalf("lambench %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, r.out, r.err)
	}
	return r
}

func hasAll(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q not in\n%s", what, w, got)
		}
	}
}

// TestWorkbenchLocalDefault: with no lambench.toml and no serve running,
// every workbench command works on the demo functions, each starting its
// own local Lambda.
func TestWorkbenchLocalDefault(t *testing.T) {
	c := newCLI(t)

	r := c.must(0, "functions")
	hasAll(t, "functions", r.out, "NAME", "hello", "provided.al2023", "128 MB", "fail")
	var fns []map[string]any
	if err := json.Unmarshal([]byte(c.must(0, "functions", "-o", "json").out), &fns); err != nil || len(fns) < 5 {
		t.Errorf("functions -o json: %v %v", fns, err)
	}

	r = c.must(0, "describe", "hello", "-o", "json")
	var d map[string]any
	if err := json.Unmarshal([]byte(r.out), &d); err != nil || d["FunctionName"] != "hello" || d["MemorySize"] != float64(128) {
		t.Errorf("describe -o json: %v %v", d, err)
	}

	r = c.must(0, "invoke", "hello", "--payload", `{"name":"cli"}`)
	hasAll(t, "invoke stdout", r.out, `"message": "Hello, cli!"`)
	hasAll(t, "invoke stderr", r.err, "REPORT RequestId:", "✓ ok · hello ·", "cold: init", "--payload")

	r = c.must(4, "invoke", "fail")
	hasAll(t, "function error", r.err, "errorString: the fail demo failed, as asked", "Unhandled error")
	if strings.Contains(r.err, "lambench: fail returned") {
		t.Errorf("the error is shown twice:\n%s", r.err)
	}

	r = c.run(`{"piped": [1, 2]}`, "invoke", "echo", "-o", "json")
	var res struct {
		Payload map[string]any `json:"payload"`
		Report  struct {
			Cold         bool `json:"cold"`
			MemorySizeMB int  `json:"memory_size_mb"`
		} `json:"report"`
		LogTail *string `json:"log_tail"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.out), &res) != nil || res.Payload["piped"] == nil || !res.Report.Cold || res.Report.MemorySizeMB != 128 || res.LogTail == nil {
		t.Errorf("stdin event, -o json: exit %d %+v\n%s%s", r.code, res, r.out, r.err)
	}

	r = c.must(0, "invoke", "echo", "--event", "sqs:receive-message", "--set", "body=hi", "--set", "count=3")
	if n := strings.Count(r.out, `"body": "hi"`); n != 3 {
		t.Errorf("3 SQS records echoed, got %d:\n%s", n, r.out)
	}

	r = c.must(0, "invoke", "hello", "--type", "Event")
	hasAll(t, "Event", r.err, "queued for asynchronous invocation (HTTP 202)")

	r = c.must(0, "logs", "hello")
	hasAll(t, "logs on a fresh local Lambda", r.err, "started for this command", "lambench serve")
}

// TestWorkbenchBadInput: each mistake gets one sentence and the next step.
func TestWorkbenchBadInput(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"invoke", "helo"}, 1, []string{`no function "helo"`, `did you mean "hello"`, "functions: alloc, api"}},
		{[]string{"invoke", "hello", "--qualifier", "live"}, 1, []string{`hello has no version or alias "live"`, "the local Lambda runs $LATEST only", "leave out --qualifier"}},
		{[]string{"describe", "nope"}, 1, []string{`no function "nope"`, "functions:"}},
		{[]string{"invoke", "echo", "--payload", `{"a":1,}`}, 1, []string{"line 1, column 8"}},
		{[]string{"invoke", "echo", "--event", "s3 putt"}, 1, []string{`no event template "s3 putt"`, `"s3 put"`}},
		{[]string{"invoke", "echo", "--event", "s3 put", "--set", "buckt=x"}, 1, []string{`no parameter "buckt"`, "did you mean bucket", "key, size"}},
		{[]string{"invoke", "echo", "--set", "a=b"}, 2, []string{"add --event TEMPLATE"}},
		{[]string{"invoke", "echo", "--payload", "{}", "--event", "s3 put"}, 2, []string{"give one event source"}},
		{[]string{"invoke", "echo", "--type", "Sync"}, 2, []string{"RequestResponse, Event or DryRun"}},
		{[]string{"events", "list", "--service", "sq"}, 2, []string{`did you mean "sqs"`}},
		{[]string{"events", "show", "s3"}, 1, []string{`no event template "s3"`}},
		{[]string{"invoke", "echo", "--saved", "nope"}, 1, []string{`no saved event "nope" for echo`}},
		{[]string{"functions", "--profile", "prod"}, 1, []string{`"prod"`, "nor an AWS profile"}},
		{[]string{"functions", "--target", "aws"}, 1, []string{"region"}},
		{[]string{"functions", "--target", "aws", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:9"}, 1, []string{"no AWS credentials found", "aws configure"}},
	} {
		r := c.run("", tc.args...)
		if r.code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, r.code, tc.code, r.err)
		}
		hasAll(t, strings.Join(tc.args, " "), r.err, tc.want...)
	}

	os.WriteFile(filepath.Join(c.dir, "lambench.toml"), []byte("[profiles.dev]\ntarget = \"locl\"\n"), 0o644)
	r := c.run("", "functions", "--profile", "dev")
	hasAll(t, "config error", r.err, "lambench.toml:2:", `did you mean "local"`)
	os.WriteFile(filepath.Join(c.dir, "bad.json"), []byte("{\n  \"a\": 1\n  \"b\": 2\n}"), 0o644)
	r = c.run("", "invoke", "echo", "--payload-file", "bad.json")
	hasAll(t, "payload file", r.err, "bad.json:3:3")
}

// TestWorkbenchEvents: templates listed, shown and rendered; events saved,
// listed, invoked with and deleted; user templates next to lambench.toml.
func TestWorkbenchEvents(t *testing.T) {
	c := newCLI(t)
	r := c.must(0, "events", "list")
	for _, name := range []string{"s3", "sqs", "sns", "apigateway", "dynamodb", "eventbridge", "cognito", "kinesis"} {
		hasAll(t, "events list", r.out, name+" ")
	}
	r = c.must(0, "events", "list", "--service", "sqs")
	if strings.Contains(r.out, "s3 ") || !strings.Contains(r.out, "receive-message") {
		t.Errorf("--service sqs:\n%s", r.out)
	}
	r = c.must(0, "events", "show", "s3", "put")
	hasAll(t, "show", r.out, "bucket", "example-bucket", "count", "events.S3Event")
	r = c.must(0, "events", "render", "s3:put", "--set", "bucket=uploads", "--set", "key=a b/c.jpg", "--set", "count=2")
	var s3 struct {
		Records []struct {
			S3 struct {
				Bucket struct{ Name, Arn string }
				Object struct{ Key string }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.out), &s3); err != nil || len(s3.Records) != 2 ||
		s3.Records[0].S3.Bucket.Arn != "arn:aws:s3:::uploads" || s3.Records[1].S3.Object.Key != "a+b/c.jpg" {
		t.Errorf("render: %v %+v", err, s3)
	}

	c.must(0, "events", "save", "echo", "big-order", "--event", "s3 put", "--set", "size=1048576")
	if _, err := os.Stat(filepath.Join(c.dir, ".lambench/events/echo/big-order.json")); err != nil {
		t.Error(err)
	}
	c.must(1, "events", "save", "echo", "big-order", "--payload", "{}")
	c.run(`{"from":"stdin"}`, "events", "save", "echo", "piped")
	r = c.must(0, "events", "saved", "echo")
	if r.out != "big-order\npiped\n" {
		t.Errorf("saved: %q", r.out)
	}
	r = c.must(0, "invoke", "echo", "--saved", "big-order")
	hasAll(t, "invoke --saved", r.out, `"size": 1048576`)
	hasAll(t, "invoke --saved", r.err, "saved event big-order")
	c.must(0, "events", "delete", "echo", "piped")
	if r = c.must(0, "events", "saved", "echo"); r.out != "big-order\n" {
		t.Errorf("after delete: %q", r.out)
	}

	// A user template next to lambench.toml, found from a subdirectory.
	os.WriteFile(filepath.Join(c.dir, "lambench.toml"), []byte("# functions: the demos\n"), 0o644)
	os.MkdirAll(filepath.Join(c.dir, ".lambench/templates/orders"), 0o755)
	os.WriteFile(filepath.Join(c.dir, ".lambench/templates/orders/created.json"), []byte(`{"orderId": "{{ .id }}", "total": {{ .total }}}`), 0o644)
	os.WriteFile(filepath.Join(c.dir, ".lambench/templates/orders/created.params.json"), []byte(`{"id": {"default": "o-1", "help": "order id"}, "total": {"default": "10", "kind": "int"}}`), 0o644)
	os.MkdirAll(filepath.Join(c.dir, "sub"), 0o755)
	c.dir = filepath.Join(c.dir, "sub")
	r = c.must(0, "events", "render", "orders", "created", "--set", "total=42")
	var order map[string]any
	if err := json.Unmarshal([]byte(r.out), &order); err != nil || order["orderId"] != "o-1" || order["total"] != float64(42) {
		t.Errorf("user template: %v %s %s", err, r.out, r.err)
	}
	r = c.must(0, "events", "saved", "echo")
	if r.out != "big-order\n" {
		t.Errorf("saved events next to lambench.toml: %q", r.out)
	}
}

// TestWorkbenchSharedServe: with `lambench serve` running, the local
// target's commands share it (warm starts, logs); --target aws --endpoint
// reaches it too.
func TestWorkbenchSharedServe(t *testing.T) {
	c := newCLI(t)
	sp := startServeEnv(t, c.dir, []string{"LAMBENCH_RUNTIME_DIR=" + c.runtimeDir})

	first := c.must(0, "invoke", "hello")
	second := c.must(0, "invoke", "hello")
	hasAll(t, "first invoke", first.err, "cold: init")
	hasAll(t, "second invoke", second.err, "· warm")
	r := c.must(0, "logs", "hello")
	if n := strings.Count(r.out, "REPORT"); n != 2 {
		t.Errorf("%d REPORT lines in the shared serve's logs, want 2:\n%s", n, r.out)
	}
	hasAll(t, "logs", r.out, "greeting world", "cold: init", "warm")

	// logs --follow shows new invocations live and ends cleanly on Ctrl-C.
	follow := exec.Command(lambenchBin, "logs", "hello", "--follow", "--since", "1s")
	follow.Dir = c.dir
	follow.Env = append(os.Environ(), "LAMBENCH_RUNTIME_DIR="+c.runtimeDir)
	fout, ferr := &testbin.Output{}, &testbin.Output{}
	follow.Stdout, follow.Stderr = fout, ferr
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	followed := make(chan error, 1)
	go func() { followed <- follow.Wait() }()
	t.Cleanup(func() { follow.Process.Kill(); <-followed })
	waitUntil(t, "logs --follow to connect", 10*time.Second, func() bool { return strings.Contains(ferr.String(), "push stream") })
	c.must(0, "invoke", "hello", "--payload", `{"name":"live"}`)
	waitUntil(t, "the followed invocation", 10*time.Second, func() bool { return strings.Contains(fout.String(), "greeting live") })
	follow.Process.Signal(os.Interrupt)
	select {
	case err := <-followed:
		followed <- err // for the cleanup
		if err != nil {
			t.Errorf("logs --follow after Ctrl-C: %v\n%s", err, ferr)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("logs --follow still running 10s after Ctrl-C")
	}

	// The same serve as any Lambda endpoint, from elsewhere.
	other := newCLI(t)
	ep := []string{"--target", "aws", "--endpoint", sp.endpoint, "--region", "us-east-1"}
	other.env = []string{"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y"}
	hasAll(t, "functions", other.must(0, append([]string{"functions"}, ep...)...).out, "hello", "sleep")
	hasAll(t, "describe", other.must(0, append([]string{"describe", "hello"}, ep...)...).out, "arn:aws:lambda:us-east-1:123456789012:function:hello")
	hasAll(t, "invoke", other.must(0, append([]string{"invoke", "hello"}, ep...)...).err, "· warm")
	r = other.must(0, append([]string{"logs", "hello"}, ep...)...)
	if n := strings.Count(r.out, "REPORT"); n != 4 {
		t.Errorf("%d REPORT lines through --endpoint, want 4:\n%s%s", n, r.out, r.err)
	}

	// --profile naming no lambench profile but an AWS one: the aws target
	// with that profile's credentials, region and endpoint_url.
	awsConfig := filepath.Join(other.dir, "aws-config")
	os.WriteFile(awsConfig, []byte("[profile dev]\nregion = us-east-1\nendpoint_url = "+sp.endpoint+
		"\naws_access_key_id = a\naws_secret_access_key = b\n"), 0o644)
	other.env = []string{"AWS_CONFIG_FILE=" + awsConfig}
	hasAll(t, "--profile dev (AWS)", other.must(0, "describe", "hello", "--profile", "dev").out, "arn:aws:lambda:us-east-1:123456789012:function:hello")
}

// TestWorkbenchMoto: moto standing in for AWS, functions created with the
// aws CLI: functions and describe work, invoke shows moto's answer as it
// is, logs says what moto does not support.
func TestWorkbenchMoto(t *testing.T) {
	url := testbin.StartMoto(t)
	// Without Docker, moto echoes the payload (set before creating
	// functions: changing the configuration resets moto's Lambda).
	resp, err := http.Post(url+"/moto-api/config", "application/json", strings.NewReader(`{"lambda":{"use_docker":false}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	dir := t.TempDir()
	zip := filepath.Join(dir, "f.zip")
	zipFile(t, zip, map[string][]byte{"h.py": []byte("def handler(e, c):\n    return e\n")})
	if _, e, err := awsCLI(t, url, "iam", "create-role", "--role-name", "r", "--assume-role-policy-document", "{}"); err != nil {
		t.Fatal(e)
	}
	if _, e, err := awsCLI(t, url, "lambda", "create-function", "--function-name", "pyfn", "--runtime", "python3.12",
		"--handler", "h.handler", "--role", "arn:aws:iam::123456789012:role/r", "--zip-file", "fileb://"+zip,
		"--environment", "Variables={SECRET=hunter2}"); err != nil {
		t.Fatal(e)
	}
	c := newCLI(t)
	c.env = []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1"}
	ep := []string{"--target", "aws", "--endpoint", url}
	hasAll(t, "functions", c.must(0, append([]string{"functions"}, ep...)...).out, "pyfn", "python3.12")
	r := c.must(0, append([]string{"describe", "pyfn"}, ep...)...)
	hasAll(t, "describe", r.out, "h.handler", "SECRET", "********")
	if strings.Contains(r.out, "hunter2") {
		t.Error("describe shows an environment value")
	}
	hasAll(t, "describe --show-values", c.must(0, append([]string{"describe", "pyfn", "--show-values"}, ep...)...).out, "hunter2")
	r = c.must(0, append([]string{"invoke", "pyfn", "--payload", `{"a":1}`}, ep...)...)
	hasAll(t, "invoke", r.out, `"a": 1`)
	hasAll(t, "invoke", r.err, "cold/warm unknown", "no log tail")
	// A load test on the aws target shows what it will send and what it may
	// cost, and without a terminal refuses above --max-cost unless --yes.
	r = c.must(1, append([]string{"load", "pyfn", "--rate", "1000", "--duration", "1h", "--max-cost", "0.5"}, ep...)...)
	hasAll(t, "load above --max-cost", r.err, "about 3600000 requests to pyfn at "+url+", priced as on AWS", "at most $23.2", "add --yes")
	r = c.must(0, append([]string{"load", "pyfn", "--rate", "20", "--requests", "10", "--payload", `{"a":1}`, "-o", "json"}, ep...)...)
	hasAll(t, "load below --max-cost", r.err, "about 10 requests to pyfn")
	if rep := parseLoadReport(t, r.out); rep.Requests != 10 || rep.SuccessRatio != 1 || rep.ColdStarts != 0 {
		t.Errorf("load on moto: %+v", rep)
	}
	r = c.run("", append([]string{"logs", "pyfn"}, ep...)...)
	hasAll(t, "logs", r.err, "FilterLogEvents")
	if r.code != 0 {
		hasAll(t, "logs", r.err, "does not support")
	}
}

// TestWorkbenchRIE: invoke through an AWS Runtime Interface Emulator
// running an aws-lambda-go bootstrap; what it cannot do is said so.
func TestWorkbenchRIE(t *testing.T) {
	url, _ := testbin.StartRIE(t)
	c := newCLI(t)
	ep := []string{"--target", "rie", "--endpoint", url}
	r := c.must(0, append([]string{"invoke", "hello-go", "--payload", `{"name":"rie"}`}, ep...)...)
	hasAll(t, "invoke", r.out, `"message": "Hello, rie!"`)
	hasAll(t, "invoke", r.err, "cold/warm unknown", "from rie")
	r = c.must(0, append([]string{"invoke", "hello-go", "--event", "s3 put"}, ep...)...)
	hasAll(t, "template through RIE", r.out, `"message"`)
	r = c.must(1, append([]string{"functions"}, ep...)...)
	hasAll(t, "functions", r.err, "not supported by this target")
	r = c.must(1, append([]string{"invoke", "hello-go", "--type", "Event"}, ep...)...)
	hasAll(t, "Event", r.err, "synchronously")
}
