package lambdaapi

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/emulator/sigv4"
	"github.com/lambench/lambench/invoke"
)

func TestLocalFunctions(t *testing.T) {
	url := startLocal(t)
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url})
	ctx := context.Background()

	var names []string
	err := c.Functions(ctx, func(f invoke.Function) error {
		names = append(names, f.Name)
		if f.ARN == "" || f.Runtime == "" || f.MemoryMB == 0 || f.Timeout == 0 || f.LogGroup != "/aws/lambda/"+f.Name || f.Raw == nil {
			t.Errorf("listed function not filled: %+v", f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"configured", "hello", "fail", "off"}
	for _, w := range want {
		if !slices.Contains(names, w) {
			t.Errorf("Functions gave %v, without %s", names, w)
		}
	}
	stop := errors.New("enough")
	n := 0
	if err := c.Functions(ctx, func(invoke.Function) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Functions did not stop at fn's error: %v after %d", err, n)
	}

	f, err := c.Function(ctx, "configured")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "configured" || f.MemoryMB != 256 || f.Timeout != 7*time.Second || f.Environment["GREETING"] != "Hi" ||
		f.ReservedConcurrency == nil || *f.ReservedConcurrency != 2 || f.Description != "a configured demo" ||
		f.State != "Active" || f.LastModified.IsZero() || f.Version != "$LATEST" || f.PackageType != "Zip" ||
		(f.Architecture != "x86_64" && f.Architecture != "arm64") || f.CodeSHA256 == "" || f.LogGroup != "/aws/lambda/configured" {
		t.Errorf("Function: %+v", f)
	}
	if raw, ok := f.Raw.(*types.FunctionConfiguration); !ok || *raw.FunctionName != "configured" {
		t.Errorf("Raw is %T", f.Raw)
	}
	if tg := c.Target(); tg.Kind != invoke.Local || tg.Endpoint != url || tg.Region != DefaultRegion || tg.Account == "" {
		t.Errorf("Target %+v", tg)
	}
	if hello, err := c.Function(ctx, "hello"); err != nil || hello.ReservedConcurrency != nil {
		t.Errorf("unreserved function: %+v %v", hello, err)
	}

	_, err = c.Function(ctx, "nope")
	var se *invoke.ServiceError
	if !invoke.IsNotFound(err) || !errors.As(err, &se) || se.StatusCode != 404 || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown function: %v", err)
	}
}

func TestLocalInvoke(t *testing.T) {
	url := startLocal(t)
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url})
	ctx := context.Background()

	cold, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Payload: []byte(`{"name":"cold"}`), ClientContext: []byte(`{"custom":{"k":"v"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(cold.Payload) != `{"message":"Hello, cold!"}` || cold.StatusCode != 200 || cold.Error != nil || cold.RequestID == "" ||
		cold.ExecutedVersion != "$LATEST" || cold.Latency <= 0 || !cold.TailKnown || !strings.Contains(cold.LogTail, "START RequestId: "+cold.RequestID) {
		t.Errorf("cold invoke: %+v", cold)
	}
	if isCold, known := cold.Cold(); !isCold || !known || cold.Report.RequestID != cold.RequestID || cold.Report.InitDuration <= 0 || cold.Report.MemorySizeMB != 128 {
		t.Errorf("cold Report: %+v", cold.Report)
	}
	warm, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Payload: []byte(`{"name":"warm"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if isCold, known := warm.Cold(); isCold || !known || warm.Report.Duration <= 0 {
		t.Errorf("warm Report: %+v", warm.Report)
	}
	quiet, err := c.Invoke(ctx, &invoke.Request{Function: "hello", NoTail: true})
	if err != nil || quiet.TailKnown || quiet.Report != nil || quiet.LogTail != "" {
		t.Errorf("NoTail: %+v %v", quiet, err)
	}
	if _, known := quiet.Cold(); known {
		t.Error("a result without a tail knows whether it was cold")
	}

	failed, err := c.Invoke(ctx, &invoke.Request{Function: "fail", Payload: []byte(`{"message":"boom"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if failed.Error == nil || failed.Error.Kind != "Unhandled" || failed.Error.Message != "boom" || failed.Error.Type != "errorString" || failed.StatusCode != 200 {
		t.Errorf("function error: %+v", failed.Error)
	}
	panicked, err := c.Invoke(ctx, &invoke.Request{Function: "fail", Payload: []byte(`{"message":"kaboom","panic":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	if panicked.Error == nil || panicked.Error.Message != "kaboom" || len(panicked.Error.Stack) == 0 {
		t.Errorf("panic: %+v", panicked.Error)
	}

	_, err = c.Invoke(ctx, &invoke.Request{Function: "off"})
	var se *invoke.ServiceError
	if !invoke.IsThrottle(err) || !errors.As(err, &se) || se.StatusCode != 429 || se.Reason != "ReservedFunctionConcurrentInvocationLimitExceeded" || se.Code != "TooManyRequestsException" {
		t.Errorf("throttle: %#v", err)
	}
	_, err = c.Invoke(ctx, &invoke.Request{Function: "nope"})
	if !invoke.IsNotFound(err) || !strings.HasPrefix(err.Error(), "invoke nope: ResourceNotFoundException") {
		t.Errorf("unknown function: %v", err)
	}

	ev, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Type: invoke.Event, Payload: []byte(`{}`)})
	if err != nil || ev.StatusCode != 202 || ev.TailKnown {
		t.Errorf("Event: %+v %v", ev, err)
	}
	dry, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Type: invoke.DryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Errorf("DryRun: %+v %v", dry, err)
	}
	q, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Qualifier: "$LATEST"})
	if err != nil || q.ExecutedVersion != "$LATEST" {
		t.Errorf("qualified: %+v %v", q, err)
	}
}

func TestLocalLogsStream(t *testing.T) {
	url := startLocal(t)
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url})
	ctx := context.Background()
	start := time.Now()

	first, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Payload: []byte(`{"name":"before"}`)})
	if err != nil {
		t.Fatal(err)
	}
	l := newLogCollector()
	stop := follow(t, c, "hello", invoke.LogOptions{Since: start}, l)
	l.waitFor(t, "REPORT RequestId: "+first.RequestID, 10*time.Second)
	second, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Payload: []byte(`{"name":"after"}`)})
	if err != nil {
		t.Fatal(err)
	}
	l.waitFor(t, "REPORT RequestId: "+second.RequestID, 10*time.Second)
	if err := stop(); err != nil {
		t.Errorf("a follow ended by its context: %v", err)
	}
	evs, notices := l.snapshot()
	t.Logf("notices: %q", notices)
	if !noticeContains(notices, "streaming from the local Lambda's push stream") {
		t.Errorf("notices %q", notices)
	}
	for _, ev := range evs {
		if ev.Group != "/aws/lambda/hello" || ev.Stream == "" || ev.ID == "" || ev.Time.Before(start.Add(-time.Second)) {
			t.Errorf("event %+v", ev)
		}
	}
	if r, ok := evs[len(evs)-1].Report(); !ok || r.RequestID != second.RequestID {
		t.Errorf("last event %+v", evs[len(evs)-1])
	}

	// Without Follow: the history, then the end.
	h := newLogCollector()
	if err := c.Logs(ctx, "hello", invoke.LogOptions{Since: start, Notice: h.notice, Filter: "REPORT"}, h.emit); err != nil {
		t.Fatal(err)
	}
	hevs, _ := h.snapshot()
	if len(hevs) != 2 || !h.has("REPORT RequestId: "+first.RequestID) || !h.has("REPORT RequestId: "+second.RequestID) {
		t.Errorf("history with a filter: %+v", hevs)
	}
}

func TestLocalLogsPolling(t *testing.T) {
	url := startLocal(t)
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url, Logs: LogsPoll})
	ctx := context.Background()
	start := time.Now()

	l := newLogCollector()
	stop := follow(t, c, "hello", invoke.LogOptions{Since: start}, l)
	// The group does not exist until the first invocation: the poller waits.
	time.Sleep(300 * time.Millisecond)
	r, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Payload: []byte(`{"name":"poll"}`)})
	if err != nil {
		t.Fatal(err)
	}
	l.waitFor(t, "REPORT RequestId: "+r.RequestID, 10*time.Second)
	r2, err := c.Invoke(ctx, &invoke.Request{Function: "hello", Payload: []byte(`{"name":"again"}`)})
	if err != nil {
		t.Fatal(err)
	}
	l.waitFor(t, "REPORT RequestId: "+r2.RequestID, 10*time.Second)
	if err := stop(); err != nil {
		t.Error(err)
	}
	evs, notices := l.snapshot()
	t.Logf("notices: %q", notices)
	if !noticeContains(notices, "polling FilterLogEvents every 1s-5s: as configured") || !noticeContains(notices, "does not exist yet") {
		t.Errorf("notices %q", notices)
	}
	seen := map[string]bool{}
	for _, ev := range evs {
		if seen[ev.ID] {
			t.Errorf("event delivered twice: %+v", ev)
		}
		seen[ev.ID] = true
	}
	if len(evs) != 8 { // START, a line, END, REPORT per invocation
		t.Errorf("%d events: %+v", len(evs), evs)
	}

	h := newLogCollector()
	if err := c.Logs(ctx, "hello", invoke.LogOptions{Since: start, Notice: h.notice}, h.emit); err != nil {
		t.Fatal(err)
	}
	if hevs, _ := h.snapshot(); len(hevs) != 8 {
		t.Errorf("history: %d events", len(hevs))
	}
	// A group that never existed, without Follow: nothing, and why.
	n := newLogCollector()
	if err := c.Logs(ctx, "off", invoke.LogOptions{Notice: n.notice}, n.emit); err != nil {
		t.Fatal(err)
	}
	if _, notices := n.snapshot(); !noticeContains(notices, "log group /aws/lambda/off does not exist") {
		t.Errorf("notices %q", notices)
	}
}

func TestLocalRequireAuth(t *testing.T) {
	url := startLocal(t, emulator.WithAuth(sigv4.Credentials{AccessKeyID: "AKIDLAMBENCHTEST", SecretAccessKey: "right-secret"}))
	ctx := context.Background()

	good := newClient(t, Options{Kind: invoke.Local, Endpoint: url, AccessKeyID: "AKIDLAMBENCHTEST", SecretAccessKey: "right-secret"})
	if _, err := good.Function(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	r, err := good.Invoke(ctx, &invoke.Request{Function: "hello"})
	if err != nil || r.Report == nil {
		t.Fatalf("signed invoke: %+v %v", r, err)
	}
	l := newLogCollector()
	if err := good.Logs(ctx, "hello", invoke.LogOptions{Notice: l.notice}, l.emit); err != nil || !l.has("REPORT RequestId: "+r.RequestID) {
		t.Errorf("signed log stream: %v", err)
	}
	poll := newClient(t, Options{Kind: invoke.Local, Endpoint: url, AccessKeyID: "AKIDLAMBENCHTEST", SecretAccessKey: "right-secret", Logs: LogsPoll})
	l = newLogCollector()
	if err := poll.Logs(ctx, "hello", invoke.LogOptions{Notice: l.notice}, l.emit); err != nil || !l.has("REPORT RequestId: "+r.RequestID) {
		t.Errorf("signed FilterLogEvents: %v", err)
	}

	for name, o := range map[string]Options{
		"wrong secret": {Kind: invoke.Local, Endpoint: url, AccessKeyID: "AKIDLAMBENCHTEST", SecretAccessKey: "wrong"},
		"unknown key":  {Kind: invoke.Local, Endpoint: url, AccessKeyID: "AKIDSOMEONEELSE", SecretAccessKey: "right-secret"},
	} {
		bad := newClient(t, o)
		_, ferr := bad.Function(ctx, "hello")
		_, ierr := bad.Invoke(ctx, &invoke.Request{Function: "hello"})
		lerr := bad.Logs(ctx, "hello", invoke.LogOptions{}, func(invoke.LogEvent) {})
		perr := newClient(t, Options{Kind: o.Kind, Endpoint: o.Endpoint, AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey, Logs: LogsPoll}).
			Logs(ctx, "hello", invoke.LogOptions{}, func(invoke.LogEvent) {})
		t.Logf("%s: %v", name, ierr)
		for op, err := range map[string]error{"Function": ferr, "Invoke": ierr, "Logs": lerr, "Logs (poll)": perr} {
			var se *invoke.ServiceError
			if err == nil || !strings.HasPrefix(err.Error(), "the AWS credentials were refused (") || !strings.Contains(err.Error(), "lambench serve --require-auth") ||
				!errors.As(err, &se) || se.StatusCode != 403 && se.StatusCode != 400 {
				t.Errorf("%s, %s: %v", name, op, err)
			}
		}
	}
}

func TestLogsContextEndsPromptly(t *testing.T) {
	url := startLocal(t)
	fake := httptest.NewServer(&fakeCloudWatchLogs{base: time.Now().UnixMilli()})
	defer fake.Close()
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"stream", Options{Kind: invoke.Local, Endpoint: url}},
		{"poll", Options{Kind: invoke.Local, Endpoint: url, Logs: LogsPoll}},
		{"live tail", Options{Endpoint: fake.URL, AccessKeyID: "x", SecretAccessKey: "x", Logs: LogsLiveTail}},
	} {
		before := runtime.NumGoroutine()
		c, err := New(context.Background(), tc.o)
		if err != nil {
			t.Fatal(err)
		}
		if tc.o.Logs == LogsLiveTail {
			disableHostPrefix(c)
		}
		l := newLogCollector()
		stop := follow(t, c, "hello", invoke.LogOptions{}, l)
		time.Sleep(300 * time.Millisecond)
		began := time.Now()
		if err := stop(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if d := time.Since(began); d > time.Second {
			t.Errorf("%s: Logs took %v to return after cancel", tc.name, d)
		}
		if _, notices := l.snapshot(); len(notices) == 0 {
			t.Errorf("%s: no notice", tc.name)
		}
		c.Close()
		settled(t, tc.name, before)
	}
	// Without Follow, a context that ends first is an error.
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Logs(ctx, "hello", invoke.LogOptions{}, func(invoke.LogEvent) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled history: %v", err)
	}
}

// settled waits for the goroutines to fall back to n, or fails the test
// with their stacks.
func settled(t *testing.T, what string, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("%s: %d goroutines left, %d before:\n%s", what, runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLocalLogsServerStops: a follow whose local Lambda stops ends with
// an error saying so.
func TestLocalLogsServerStops(t *testing.T) {
	srv, err := emulator.New(emulator.WithDemoExecutable(lambenchBin), emulator.WithFunctions(testFunctions()...))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url})
	l := newLogCollector()
	done := make(chan error, 1)
	go func() {
		done <- c.Logs(context.Background(), "hello", invoke.LogOptions{Follow: true, Notice: l.notice}, l.emit)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for _, notices := l.snapshot(); len(notices) == 0; _, notices = l.snapshot() {
		if time.Now().After(deadline) {
			t.Fatal("the follow did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	srv.Close()
	<-served
	select {
	case err := <-done:
		if err == nil || err.Error() != "the local Lambda at "+strings.TrimPrefix(url, "http://")+" closed the log stream (it stopped)" {
			t.Errorf("Logs: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Logs did not return after the local Lambda stopped")
	}
}
