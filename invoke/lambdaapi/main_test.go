package lambdaapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/invoke"
)

// lambenchBin is the lambench binary, built once: the local Lambda runs
// its demo functions as real function processes.
var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// testFunctions are the demos plus "off", reserved to 0 executions (every
// invoke is throttled), and "configured", with settings to read back.
func testFunctions() []emulator.Function {
	zero := 0
	two := 2
	return append(emulator.DemoFunctions(),
		emulator.Function{Name: "off", Code: emulator.BuiltinPrefix + "echo", ReservedConcurrency: &zero},
		emulator.Function{Name: "configured", Code: emulator.BuiltinPrefix + "hello", MemoryMB: 256, Timeout: 7 * time.Second,
			Environment: map[string]string{"GREETING": "Hi"}, ReservedConcurrency: &two, Description: "a configured demo"},
	)
}

// startLocal serves a real local Lambda on loopback until the test ends
// and returns its URL. At cleanup it fails the test if any process it
// started is left.
func startLocal(t testing.TB, opts ...emulator.Option) string {
	t.Helper()
	base := []emulator.Option{
		emulator.WithDemoExecutable(lambenchBin),
		emulator.WithFunctions(testFunctions()...),
		emulator.WithLogger(slog.New(slog.DiscardHandler)),
	}
	srv, err := emulator.New(append(base, opts...)...)
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
			t.Errorf("processes left behind: %v", left)
		}
	})
	return "http://" + ln.Addr().String()
}

// newClient makes a client or fails the test.
func newClient(t testing.TB, o Options) *Client {
	t.Helper()
	c, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// isolateAWSConfig points the AWS SDK at empty configuration: no shared
// files, no credentials or endpoints from the environment, no IMDS.
func isolateAWSConfig(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range os.Environ() {
		name, _, _ := strings.Cut(k, "=")
		if strings.HasPrefix(name, "AWS_") && name != "AWS_CONFIG_FILE" && name != "AWS_SHARED_CREDENTIALS_FILE" &&
			name != "AWS_EC2_METADATA_DISABLED" && name != "AWS_CA_BUNDLE" {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

// logCollector gathers what Logs emits and notices, safely across goroutines.
type logCollector struct {
	mu      sync.Mutex
	events  []invoke.LogEvent
	notices []string
	changed chan struct{}
}

func newLogCollector() *logCollector { return &logCollector{changed: make(chan struct{}, 1)} }

func (l *logCollector) emit(ev invoke.LogEvent) {
	l.mu.Lock()
	l.events = append(l.events, ev)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

func (l *logCollector) notice(s string) {
	l.mu.Lock()
	l.notices = append(l.notices, s)
	l.mu.Unlock()
}

func (l *logCollector) snapshot() ([]invoke.LogEvent, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]invoke.LogEvent(nil), l.events...), append([]string(nil), l.notices...)
}

// has reports whether an event's message starts with prefix.
func (l *logCollector) has(prefix string) bool {
	evs, _ := l.snapshot()
	for _, ev := range evs {
		if strings.HasPrefix(ev.Message, prefix) {
			return true
		}
	}
	return false
}

// waitFor waits until an event starting with prefix has come.
func (l *logCollector) waitFor(t testing.TB, prefix string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for !l.has(prefix) {
		select {
		case <-l.changed:
		case <-deadline:
			evs, notices := l.snapshot()
			t.Fatalf("no event %q after %v; notices %q; %d events", prefix, timeout, notices, len(evs))
		}
	}
}

// follow runs Logs with Follow in a goroutine; stop cancels it and
// returns its error, failing the test if it does not return promptly.
func follow(t testing.TB, c *Client, function string, opts invoke.LogOptions, l *logCollector) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	opts.Follow = true
	opts.Notice = l.notice
	done := make(chan error, 1)
	go func() { done <- c.Logs(ctx, function, opts, l.emit) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(3 * time.Second):
				err = errors.New("Logs did not return within 3s of its context ending")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// noticeContains reports whether a notice contains s.
func noticeContains(notices []string, s string) bool {
	for _, n := range notices {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
