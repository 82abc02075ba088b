package emulator

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// lambenchBin is the lambench binary, built once: the local Lambda runs
// its demo functions as real function processes.
var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// newTestServer starts a local Lambda serving fs on a loopback port. At
// cleanup it closes the server and fails the test if any process it
// started is still alive.
func newTestServer(t testing.TB, fs []Function, opts ...Option) (*Server, string) {
	t.Helper()
	base := []Option{
		WithDemoExecutable(lambenchBin),
		WithFunctions(fs...),
		WithLogger(slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))),
	}
	srv, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if left := srv.OwnedProcesses(); len(left) > 0 {
			t.Errorf("processes left behind after Close: %v", left)
		}
	})
	return srv, "http://" + ln.Addr().String()
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// demoFn configures a builtin demo function.
func demoFn(name, demo string, mods ...func(*Function)) Function {
	f := Function{Name: name, Code: BuiltinPrefix + demo}
	for _, m := range mods {
		m(&f)
	}
	return f
}

func withTimeout(d time.Duration) func(*Function) { return func(f *Function) { f.Timeout = d } }
func withReserved(n int) func(*Function)          { return func(f *Function) { f.ReservedConcurrency = &n } }

type httpResult struct {
	status int
	header http.Header
	body   []byte
	log    string // decoded X-Amz-Log-Result
}

// invokeHTTP calls the Invoke API over HTTP with LogType Tail; extra
// headers come as name, value pairs.
func invokeHTTP(t testing.TB, url, function, payload string, headers ...string) httpResult {
	t.Helper()
	r, err := doInvoke(url, function, payload, headers...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func indexOfPrefix(ls []string, prefix string) int {
	for i, l := range ls {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

func writeScript(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

func indexOfContains(ls []string, sub string) int {
	for i, l := range ls {
		if strings.Contains(l, sub) {
			return i
		}
	}
	return -1
}

// httpTestServer serves h on a loopback port until the test ends.
func httpTestServer(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func nodeHandler(version int) string {
	return fmt.Sprintf("exports.handler = async () => ({ version: %d });\n", version)
}
