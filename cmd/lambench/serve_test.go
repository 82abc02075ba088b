package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testbin"
)

func ownerOf(pid int) (string, error) { return emulator.OwnerID(pid) }

func TestServeFlags(t *testing.T) {
	io, _, _ := testStreams()
	var got *ServeOptions
	cmd := newServeCmd(io, &GlobalOptions{}, func(_ context.Context, o *ServeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--concurrency", "5", "--idle-timeout", "90s", "--log-limit", "8", "--region", "eu-west-1", "-o", "json", "-v"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:0" || got.Concurrency != 5 || got.IdleTimeout != 90*time.Second || got.LogLimitMB != 8 ||
		got.Region != "eu-west-1" || got.Output != "json" || !got.Verbose {
		t.Errorf("options %+v", got)
	}

	cmd = newServeCmd(io, &GlobalOptions{}, func(context.Context, *ServeOptions) error { return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--output", "yaml"},
		{"serve", "--nope"},
		{"serve", "--addr", "0.0.0.0:9001"},
		{"serve", "--addr", "nonsense"},
		{"frobnicate"},
	} {
		io, _, errOut := testStreams()
		if code := run(context.Background(), args, io); code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitUsage, errOut)
		}
		if !strings.Contains(errOut.String(), "lambench: ") {
			t.Errorf("%v: no error message: %q", args, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	io, out, _ := testStreams()
	if code := run(context.Background(), []string{"version"}, io); code != 0 || !strings.HasPrefix(out.String(), "lambench ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestConfigErrorIsReportedWithPosition(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lambench.toml")
	os.WriteFile(path, []byte("[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\nmemory = 5\n"), 0o644)
	io, _, errOut := testStreams()
	if code := run(context.Background(), []string{"serve", "--config", path, "--addr", "127.0.0.1:0"}, io); code != exitError {
		t.Errorf("exit %d", code)
	}
	if want := path + ":4:1: function \"x\": memory: 5 MB is outside 128 to 10240 MB"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q\nwant %q", errOut, want)
	}
}

// TestRunServe runs the serve command's logic in-process: it serves the
// file's functions, answers invokes, and stops cleanly on cancel.
func TestRunServe(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lambench.toml"), []byte("[[functions]]\nname = \"greeter\"\ncode = \"builtin:hello\"\nmemory = 256\n"), 0o644)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	t.Chdir(sub) // lambench.toml is found in the nearest parent

	io, out, errOut := testStreams()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts := &ServeOptions{IO: io, Global: &GlobalOptions{}, Addr: "127.0.0.1:0", Output: "text", IdleTimeout: time.Minute, LogLimitMB: 1, Region: "us-east-1", DemoExecutable: lambenchBin}
	go func() { done <- runServe(ctx, opts) }()
	waitUntil(t, "the banner", 30*time.Second, func() bool { return strings.Contains(out.String(), "Press Ctrl-C") })
	banner := out.String()
	endpoint := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(banner, "\n", 2)[0], "lambench local Lambda listening on "))
	if !strings.Contains(banner, "greeter") || !strings.Contains(banner, "aws lambda invoke --endpoint-url "+endpoint+" --function-name greeter") {
		t.Errorf("banner:\n%s", banner)
	}
	req, _ := http.NewRequest("POST", endpoint+"/2015-03-31/functions/greeter/invocations", strings.NewReader(`{"name":"t"}`))
	req.Header.Set("X-Amz-Log-Type", "Tail")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tail, _ := base64.StdEncoding.DecodeString(resp.Header.Get("X-Amz-Log-Result"))
	if resp.StatusCode != 200 || !strings.Contains(string(tail), "Memory Size: 256 MB") {
		t.Errorf("invoke: %d\n%s", resp.StatusCode, tail)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errOut.String(), "stopped: every function process has been reaped") {
		t.Errorf("stderr: %s", errOut)
	}
	owner, _ := ownerOf(os.Getpid())
	if left := emulator.ProcessesOwnedBy(owner); len(left) > 0 {
		t.Errorf("processes left: %v", left)
	}
}

// TestServeWithAWSCLI is the first acceptance point, with the real
// binary and the real aws CLI.
func TestServeWithAWSCLI(t *testing.T) {
	sp := startServe(t, t.TempDir())

	out, stderr, err := awsCLI(t, sp.endpoint, "lambda", "list-functions")
	if err != nil {
		t.Fatalf("list-functions: %v\n%s", err, stderr)
	}
	var list struct {
		Functions []struct{ FunctionName string }
	}
	json.Unmarshal([]byte(out), &list)
	var names []string
	for _, f := range list.Functions {
		names = append(names, f.FunctionName)
	}
	if strings.Join(names, ",") != "alloc,api,cpu,crash,echo,fail,hello,print,sleep" {
		t.Errorf("list-functions: %v", names)
	}

	outFile := filepath.Join(t.TempDir(), "out.json")
	for i, wantInit := range []bool{true, false} {
		out, stderr, err := awsCLI(t, sp.endpoint, "lambda", "invoke", "--function-name", "hello", "--payload", `{"name":"x"}`, "--log-type", "Tail", outFile)
		if err != nil {
			t.Fatalf("invoke: %v\n%s", err, stderr)
		}
		var res struct {
			StatusCode int
			LogResult  string
		}
		json.Unmarshal([]byte(out), &res)
		payload, _ := os.ReadFile(outFile)
		logs, _ := base64.StdEncoding.DecodeString(res.LogResult)
		if res.StatusCode != 200 || string(payload) != `{"message":"Hello, x!"}` {
			t.Errorf("invoke %d: %s %s", i, out, payload)
		}
		for _, want := range []string{"START RequestId: ", "END RequestId: ", "REPORT RequestId: "} {
			if !strings.Contains(string(logs), want) {
				t.Errorf("invoke %d: LogResult lacks %q:\n%s", i, want, logs)
			}
		}
		if got := strings.Contains(string(logs), "Init Duration"); got != wantInit {
			t.Errorf("invoke %d: Init Duration present = %v, want %v\n%s", i, got, wantInit, logs)
		}
	}

	_, stderr, err = awsCLI(t, sp.endpoint, "lambda", "get-function", "--function-name", "nope")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("get-function nope: %v %s", err, stderr)
	}
	if err := sp.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("serve exited with %v after SIGTERM\n%s", err, sp.stderr)
	}
	if left := emulator.ProcessesOwnedBy(sp.owner); len(left) > 0 {
		t.Errorf("processes left after SIGTERM: %v", left)
	}
}

// TestCrashedServeIsCleanedUpOnRestart kills `lambench serve` with SIGKILL:
// the kernel kills its direct children (parent-death signal), a grandchild
// survives, and the next `lambench serve` stops it.
func TestCrashedServeIsCleanedUpOnRestart(t *testing.T) {
	dir := t.TempDir()
	code := filepath.Join(dir, "fn")
	os.Mkdir(code, 0o755)
	os.WriteFile(filepath.Join(code, "bootstrap"), []byte("#!/bin/sh\nsleep 600 &\nexport _LAMBENCH_DEMO=hello\nexec "+lambenchBin+"\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "lambench.toml"), []byte("[[functions]]\nname = \"forks\"\ncode = \"fn\"\n"), 0o644)

	first := startServe(t, dir)
	resp, err := http.Post(first.endpoint+"/2015-03-31/functions/forks/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("invoke: %d", resp.StatusCode)
	}
	if n := len(emulator.ProcessesOwnedBy(first.owner)); n != 2 {
		t.Fatalf("want the bootstrap and its child, have %d processes", n)
	}
	first.stop(t, syscall.SIGKILL)
	waitUntil(t, "the bootstrap to die with its parent", 10*time.Second, func() bool {
		return len(emulator.ProcessesOwnedBy(first.owner)) == 1
	})

	second := startServe(t, dir)
	waitUntil(t, "the orphan to be stopped", 10*time.Second, func() bool {
		return len(emulator.ProcessesOwnedBy(first.owner)) == 0
	})
	second.stop(t, os.Interrupt)
}

// TestExampleConfig serves examples/lambench.toml as the README says, with
// the Go example built as its bootstrap: every example answers, and the
// Node.js and Python ones fail in their language's AWS error shape.
func TestExampleConfig(t *testing.T) {
	dir := t.TempDir()
	examples := filepath.Join(testbin.ModuleRoot(), "examples")
	if out, err := exec.Command("cp", "-r", filepath.Join(examples, "lambench.toml"), filepath.Join(examples, "hello-node"),
		filepath.Join(examples, "hello-python"), dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the examples: %v %s", err, out)
	}
	if _, err := testbin.Build(filepath.Join(dir, "hello-go"), "./examples/hello-go", "bootstrap", "lambda.norpc"); err != nil {
		t.Fatal(err)
	}
	sp := startServe(t, dir)
	invoke := func(fn, payload string) (http.Header, string) {
		t.Helper()
		resp, err := http.Post(sp.endpoint+"/2015-03-31/functions/"+fn+"/invocations", "application/json", strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.Header, string(body)
	}
	for fn, want := range map[string]string{
		"hello-go":     `{"message":"Hi, ex!"}`,
		"hello":        `{"message":"Hello, ex!"}`,
		"hello-node":   `"message":"Hello, ex!"`,
		"hello-python": `"message": "Hello, ex!"`,
	} {
		if _, body := invoke(fn, `{"name":"ex"}`); !strings.Contains(body, want) {
			t.Errorf("%s: %s, want %s", fn, body, want)
		}
	}
	h, body := invoke("hello-node", `{"name":"ex","fail":true}`)
	var nodeErr struct {
		ErrorType, ErrorMessage string
		Trace                   []string
	}
	if err := json.Unmarshal([]byte(body), &nodeErr); err != nil || h.Get("X-Amz-Function-Error") != "Unhandled" ||
		nodeErr.ErrorType != "TypeError" || nodeErr.ErrorMessage != "cannot greet ex: asked to fail" || len(nodeErr.Trace) < 2 {
		t.Errorf("Node.js error: %s", body)
	}
	h, body = invoke("hello-python", `{"name":"ex","fail":true}`)
	var pyErr struct {
		ErrorType, ErrorMessage, RequestID string
		StackTrace                         []string
	}
	if err := json.Unmarshal([]byte(body), &pyErr); err != nil || h.Get("X-Amz-Function-Error") != "Unhandled" ||
		pyErr.ErrorType != "ValueError" || pyErr.ErrorMessage != "cannot greet ex: asked to fail" ||
		pyErr.RequestID != h.Get("X-Amzn-Requestid") || len(pyErr.StackTrace) == 0 || !strings.Contains(pyErr.StackTrace[0], "app.py") {
		t.Errorf("Python error: %s", body)
	}
}
