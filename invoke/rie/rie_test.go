package rie

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/invoke"
)

// rieInstall installs the RIE the tests run.
const rieInstall = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// findRIE finds aws-lambda-rie on PATH or in $(go env GOPATH)/bin, or
// fails the test saying how to install it.
func findRIE(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(dir, "bin", "aws-lambda-rie")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatalf("aws-lambda-rie is not installed (neither on PATH nor in $(go env GOPATH)/bin): install it with `%s`", rieInstall)
	return ""
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRIE runs an RIE with examples/hello-go as its bootstrap, in its own
// process group, killed and reaped at cleanup. It returns the endpoint and
// the RIE's output.
func startRIE(t *testing.T) (string, *syncBuffer) {
	t.Helper()
	rie := findRIE(t)
	bootstrap, err := testbin.Build(t.TempDir(), "./examples/hello-go", "bootstrap", "lambda.norpc")
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	out := &syncBuffer{}
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", freePort(t)), bootstrap)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_FUNCTION_NAME=hello-go", "AWS_LAMBDA_FUNCTION_TIMEOUT=10")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the RIE did not listen on %s within 10s; its output:\n%s", addr, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "http://" + addr, out
}

func TestRIE(t *testing.T) {
	endpoint, output := startRIE(t)
	c := New(endpoint, "hello-go")
	ctx := context.Background()

	if tg := c.Target(); tg.Kind != invoke.RIE || tg.Function != "hello-go" || tg.String() != "rie · "+strings.TrimPrefix(endpoint, "http://") {
		t.Errorf("Target %+v", tg)
	}
	r, err := c.Invoke(ctx, &invoke.Request{Function: "any-name", Payload: []byte(`{"name":"rie"}`), ClientContext: []byte(`{"custom":{}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Payload) != `{"message":"Hello, rie!"}` || r.StatusCode != 200 || r.Report != nil || r.TailKnown || r.LogTail != "" || r.Error != nil || r.Latency <= 0 {
		t.Errorf("invoke: %+v", r)
	}
	if _, known := r.Cold(); known {
		t.Error("cold start known without a log tail")
	}
	// The RIE uses the request id sent: its log shows it.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(output.String(), "REPORT RequestId: "+r.RequestID) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if r.RequestID == "" || !strings.Contains(output.String(), "START RequestId: "+r.RequestID) {
		t.Errorf("request id %q not in the RIE's output:\n%s", r.RequestID, output)
	}

	// A function error is a 200 payload like any other: Error stays nil.
	fe, err := c.Invoke(ctx, &invoke.Request{Payload: []byte(`not json`)})
	if err != nil || fe.Error != nil || !strings.Contains(string(fe.Payload), `"errorType"`) {
		t.Errorf("function error: %+v %v", fe, err)
	}

	// Concurrent callers: the client sends one at a time, so the RIE's
	// default mode neither refuses nor crashes.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Invoke(ctx, &invoke.Request{Payload: fmt.Appendf(nil, `{"name":"c%d"}`, i)})
			if err == nil && string(r.Payload) != fmt.Sprintf(`{"message":"Hello, c%d!"}`, i) {
				err = fmt.Errorf("payload %s", r.Payload)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent invoke: %v", err)
		}
	}

	for what, err := range map[string]error{
		"Event":     second(c.Invoke(ctx, &invoke.Request{Type: invoke.Event})),
		"DryRun":    second(c.Invoke(ctx, &invoke.Request{Type: invoke.DryRun})),
		"qualifier": second(c.Invoke(ctx, &invoke.Request{Qualifier: "3"})),
		"Functions": c.Functions(ctx, func(invoke.Function) error { return nil }),
		"Function":  second(c.Function(ctx, "hello-go")),
		"Logs":      c.Logs(ctx, "hello-go", invoke.LogOptions{}, func(invoke.LogEvent) {}),
	} {
		if !errors.Is(err, invoke.ErrUnsupported) || !strings.Contains(err.Error(), "; ") {
			t.Errorf("%s: %v", what, err)
		}
	}
	if _, err := c.Invoke(ctx, &invoke.Request{Qualifier: "$LATEST"}); err != nil {
		t.Errorf("$LATEST: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestRIEErrors(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Test") {
		case "busy":
			w.WriteHeader(http.StatusBadRequest)
		case "init":
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(`{"errorType":"Runtime.ExitError","errorMessage":"exit status 2"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer hs.Close()
	test := func(v string) *http.Client {
		return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			r.Header.Set("X-Test", v)
			return http.DefaultTransport.RoundTrip(r)
		})}
	}
	ctx := context.Background()
	var se *invoke.ServiceError
	_, err := New(hs.URL, "", WithHTTPClient(test("busy"))).Invoke(ctx, &invoke.Request{})
	if !errors.As(err, &se) || se.StatusCode != 400 || !strings.Contains(se.Message, "one at a time") {
		t.Errorf("busy: %v", err)
	}
	_, err = New(hs.URL, "", WithHTTPClient(test("init"))).Invoke(ctx, &invoke.Request{})
	if !errors.As(err, &se) || se.StatusCode != 502 || se.Code != "Runtime.ExitError" {
		t.Errorf("init failure: %v", err)
	}
	_, err = New(hs.URL, "").Invoke(ctx, &invoke.Request{})
	if !errors.As(err, &se) || se.StatusCode != 404 || !strings.Contains(err.Error(), InvokePath) {
		t.Errorf("not an RIE: %v", err)
	}
	hs.Close()
	_, err = New(hs.URL, "").Invoke(ctx, &invoke.Request{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the RIE at "+hs.URL+": ") || strings.Contains(err.Error(), "Post ") {
		t.Errorf("unreachable: %v", err)
	}

	// A caller waiting for the one slot gives up with its context.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()
	c := New(slow.URL, "")
	go c.Invoke(ctx, &invoke.Request{})
	time.Sleep(50 * time.Millisecond)
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Invoke(tctx, &invoke.Request{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a slot: %v", err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
