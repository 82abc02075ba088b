package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fuzzers below drive the Lambda API handler and the Runtime API
// handler in-process (httptest recorders, no listener, no function
// process): one server per fuzz worker, cheap iterations.

// panicLog records whether the server logged a panic it recovered.
type panicLog struct {
	mu   sync.Mutex
	msgs []string
}

func (p *panicLog) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("panic")) {
		p.mu.Lock()
		p.msgs = append(p.msgs, string(b))
		p.mu.Unlock()
	}
	return len(b), nil
}

func (p *panicLog) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.msgs
	p.msgs = nil
	return m
}

// newFuzzServer makes a server whose functions cannot start a process:
// the demo executable does not exist, PATH is empty (no interpreters) and
// the functions reserve no concurrency (invokes throttle).
func newFuzzServer(tb testing.TB) (*Server, *panicLog) {
	tb.Helper()
	plog := &panicLog{}
	zero := 0
	dir := tb.TempDir()
	empty := dir + "/empty-path"
	if err := os.Mkdir(empty, 0o755); err != nil {
		tb.Fatal(err)
	}
	srv, err := New(
		WithDemoExecutable(dir+"/no-such-lambench"),
		WithPath(empty),
		WithWorkDir(dir),
		WithHotReload(false),
		WithCgroups(false),
		WithAsync(16, []time.Duration{time.Millisecond}, time.Second, 100*time.Millisecond),
		WithFunctions(
			Function{Name: "fuzz", Code: BuiltinPrefix + "hello", ReservedConcurrency: &zero, Timeout: 3 * time.Second},
			Function{Name: "other", Code: BuiltinPrefix + "sleep", ReservedConcurrency: &zero},
		),
		WithLogger(slog.New(slog.NewTextHandler(plog, &slog.HandlerOptions{Level: slog.LevelError}))),
	)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		srv.Close()
		if left := srv.OwnedProcesses(); len(left) > 0 {
			tb.Errorf("processes left behind: %v", left)
		}
	})
	return srv, plog
}

var fuzzMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}

// fuzzRequest builds a request from fuzzed parts, or nil when net/http
// would never hand such a request to a handler (an unparsable target, an
// invalid header).
func fuzzRequest(ctx context.Context, method uint8, path, headers string, body []byte) *http.Request {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if strings.ContainsAny(path, " \t\r\n#") || strings.ContainsRune(path, 0x7f) {
		return nil
	}
	for _, c := range []byte(path) {
		if c < 0x20 || c >= 0x80 {
			return nil
		}
	}
	req, err := http.NewRequestWithContext(ctx, fuzzMethods[int(method)%len(fuzzMethods)], "http://127.0.0.1:9001"+path, bytes.NewReader(body))
	if err != nil {
		return nil
	}
	req.RequestURI = path
	for _, line := range strings.Split(headers, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !validHeaderName(k) || strings.ContainsAny(v, "\r\n\x00") {
			return nil
		}
		req.Header.Add(k, v)
	}
	if cl := req.Header.Get("Content-Length"); cl != "" {
		// net/http takes the length from the header and reads that much.
		req.Header.Del("Content-Length")
	}
	return req
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range []byte(k) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// documented5xx are the server-side errors the Lambda API documents for
// the operations the local Lambda serves.
var documented5xx = map[string]bool{
	"ServiceException": true, "EC2UnexpectedException": true, "ENILimitReachedException": true,
	"ResourceNotReadyException": true, "InvalidRuntimeException": true, "InvalidZipFileException": true,
	"SnapStartTimeoutException": true, "RecursiveInvocationException": false,
}

// settle waits for the goroutines an iteration started to end: the count
// must come back near what it was.
func settle(t *testing.T, before int, what string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+4 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%s: %d goroutines, %d before:\n%s", what, runtime.NumGoroutine(), before, buf[:n])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// FuzzInvokeAPI sends arbitrary requests (method, path, headers, body) to
// the Lambda API handler (Invoke, the control plane, the Logs API): no
// panic, no 5xx but documented service errors, every error a JSON object
// named by x-amzn-ErrorType, no goroutine left running.
func FuzzInvokeAPI(f *testing.F) {
	for _, s := range []struct {
		method  uint8
		path    string
		headers string
		body    string
	}{
		{1, "/2015-03-31/functions/fuzz/invocations", "X-Amz-Log-Type: Tail", `{"a":1}`},
		{1, "/2015-03-31/functions/fuzz/invocations?Qualifier=$LATEST", "X-Amz-Invocation-Type: Event", `{}`},
		{1, "/2015-03-31/functions/fuzz/invocations", "X-Amz-Invocation-Type: DryRun\nX-Amz-Client-Context: eyJ9", ``},
		{1, "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:fuzz:$LATEST/invocations", "", `[]`},
		{1, "/2015-03-31/functions/123456789012:function:other/invocations?Qualifier=7", "X-Amz-Log-Type: None", `"x"`},
		{1, "/2015-03-31/functions/nope/invocations", "X-Amz-Invocation-Type: Bogus", `{`},
		{0, "/2015-03-31/functions", "", ``},
		{0, "/2015-03-31/functions/?MaxItems=1&Marker=xyz", "", ``},
		{0, "/2015-03-31/functions/fuzz", "", ``},
		{0, "/2015-03-31/functions/fuzz/configuration?Qualifier=$LATEST", "", ``},
		{0, "/2019-09-30/functions/fuzz/concurrency", "", ``},
		{2, "/2017-10-31/functions/other/concurrency", "Content-Type: application/json", `{"ReservedConcurrentExecutions": 0}`},
		{3, "/2017-10-31/functions/nope/concurrency", "", ``},
		{2, "/2015-03-31/functions/fuzz/configuration", "", `{"Timeout": 5, "MemorySize": 256, "Environment": {"Variables": {"A": "1"}}}`},
		{2, "/2015-03-31/functions/fuzz/code", "", `{"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}`},
		{1, "/2015-03-31/functions", "", `{"FunctionName": "new", "Runtime": "provided.al2023", "Handler": "x", "Role": "arn:aws:iam::123456789012:role/r", "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`},
		{1, "/2015-03-31/functions/", "", `{"FunctionName": 7}`},
		{3, "/2015-03-31/functions/nope", "", ``},
		{0, "/2016-08-19/account-settings", "", ``},
		{1, "/", "X-Amz-Target: Logs_20140328.FilterLogEvents\nContent-Type: application/x-amz-json-1.1", `{"logGroupName": "/aws/lambda/fuzz", "limit": 5}`},
		{1, "/", "X-Amz-Target: Logs_20140328.GetLogEvents", `{"logGroupName": "/aws/lambda/fuzz", "logStreamName": "x", "startFromHead": true}`},
		{1, "/", "X-Amz-Target: Logs_20140328.DescribeLogStreams", `{"logGroupName": "/aws/lambda/fuzz", "orderBy": "LastEventTime", "descending": true}`},
		{1, "/", "X-Amz-Target: Logs_20140328.DescribeLogGroups", `{"logGroupNamePrefix": "/aws/"}`},
		{1, "/", "X-Amz-Target: Nope", `{`},
		{0, "/lambench/v1/logs/tail?logGroupName=/aws/lambda/fuzz&since=1s", "", ``},
		{4, "/2015-03-31/functions/fuzz/invocations", "", ``},
		{0, "/%2e%2e/%ff", "", ``},
	} {
		f.Add(s.method, s.path, s.headers, []byte(s.body))
	}
	srv, plog := newFuzzServer(f)
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, method uint8, path, headers string, body []byte) {
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req := fuzzRequest(ctx, method, path, headers, body)
		if req == nil {
			return
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		cancel()
		res := w.Result()
		got, _ := io.ReadAll(res.Body)
		where := fmt.Sprintf("%s %s (headers %q, body %q): %d %s", req.Method, path, headers, body, res.StatusCode, got)
		if p := plog.take(); len(p) > 0 {
			t.Fatalf("%s: the server recovered a panic: %s", where, p)
		}
		if res.StatusCode >= 400 {
			var v map[string]any
			if err := json.Unmarshal(got, &v); err != nil && req.Method != "HEAD" {
				t.Fatalf("%s: an error body that is not a JSON object: %v", where, err)
			}
			code := res.Header.Get("X-Amzn-Errortype")
			if logsAPI := req.URL.Path == "/" || strings.HasPrefix(req.URL.Path, "/lambench/"); logsAPI && code == "" {
				// The CloudWatch Logs API is JSON 1.1: the code is the
				// body's __type, as the SDKs read it.
				code, _ = v["__type"].(string)
			}
			if code == "" {
				t.Fatalf("%s: an error without x-amzn-ErrorType", where)
			}
			if res.StatusCode >= 500 && !documented5xx[strings.SplitN(code, ":", 2)[0]] {
				t.Fatalf("%s: an undocumented server error %s", where, code)
			}
		}
		settle(t, before, where)
	})
}

// FuzzRuntimeAPI sends arbitrary requests to an execution environment's
// Runtime API handler, in each of the states a runtime can find it in:
// initialising, an event waiting for GET /next, an event delivered, a
// response posted. No panic (but the deliberate http.ErrAbortHandler), no
// 5xx, errors as JSON {errorMessage, errorType}, states that move only as
// the protocol says, no goroutine left running.
func FuzzRuntimeAPI(f *testing.F) {
	const id = "8f5b0c3e-11ee-4c2a-9c1d-2b8e5f3a7d10"
	for _, s := range []struct {
		state   uint8
		method  uint8
		path    string
		headers string
		body    string
	}{
		{1, 0, "/2018-06-01/runtime/invocation/next", "", ""},
		{2, 1, "/2018-06-01/runtime/invocation/" + id + "/response", "Content-Type: application/json", `{"ok":true}`},
		{2, 1, "/2018-06-01/runtime/invocation/" + id + "/error", "Lambda-Runtime-Function-Error-Type: Runtime.Custom", `{"errorMessage":"x","errorType":"Custom"}`},
		{2, 1, "/2018-06-01/runtime/invocation/" + id + "/error", "Lambda-Runtime-Function-Error-Type: not valid", `not json`},
		{2, 1, "/2018-06-01/runtime/invocation/" + id + "/response", "Trailer: Lambda-Runtime-Function-Error-Type", `partial`},
		{2, 1, "/2018-06-01/runtime/invocation/other-id/response", "", `{}`},
		{2, 0, "/2018-06-01/runtime/invocation/next", "", ""},
		{3, 0, "/2018-06-01/runtime/invocation/next", "", ""},
		{3, 1, "/2018-06-01/runtime/invocation/" + id + "/response", "", `{}`},
		{0, 1, "/2018-06-01/runtime/init/error", "Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError", `{"errorMessage":"no module","errorType":"Runtime.ImportModuleError"}`},
		{1, 1, "/2018-06-01/runtime/init/error", "", ``},
		{0, 1, "/2018-06-01/runtime/invocation//response", "", ``},
		{1, 1, "/2018-06-01/runtime/invocation/next", "", ``},
		{1, 0, "/2018-06-01/runtime/invocation/" + id + "/response", "", ``},
		{0, 0, "/2018-06-01/runtime/nope", "", ``},
	} {
		f.Add(s.state, s.method, s.path, s.headers, []byte(s.body))
	}
	srv, _ := newFuzzServer(f)
	fn := srv.function("fuzz")
	if fn == nil {
		f.Fatal("no function fuzz")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { pr.Close(); pw.Close() })
	var capt *capture
	f.Fuzz(func(t *testing.T, state, method uint8, path, headers string, body []byte) {
		before := runtime.NumGoroutine()
		e := newEnvironment(srv, fn)
		e.stream = srv.logs.Stream(logGroupName("fuzz"), e.streamName)
		if capt == nil {
			c, err := newCapture(pr, 0, e.emitLine)
			if err != nil {
				t.Fatal(err)
			}
			capt = c
		}
		capt.emit = e.emitLine
		e.capture = capt
		inv := &invocation{id: id, payload: []byte(`{"k":"v"}`), invokedARN: srv.functionARN("fuzz"), traceID: "Root=1-0-0",
			start: time.Now(), deadline: time.Now().Add(time.Minute), done: make(chan struct{})}
		stop := make(chan struct{})
		handedOver := make(chan bool, 1)
		state %= 4
		switch state {
		case 0: // initialising
		case 1: // ready: an event waits for GET /next
			e.readyAt = time.Now()
			go func() {
				select {
				case e.work <- inv:
					handedOver <- true
				case <-stop:
					handedOver <- false
				}
			}()
		case 2: // the event is with the runtime
			e.readyAt = time.Now()
			e.cur, inv.phase = inv, phaseDelivered
		case 3: // the runtime posted its response
			e.readyAt = time.Now()
			e.cur, inv.phase = inv, phaseDelivered
			inv.respond([]byte(`{}`))
		}
		// GET /next with nothing to hand over waits for work: the request
		// ends (the runtime hangs up) after a moment.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		req := fuzzRequest(ctx, method, path, headers, body)
		if req == nil {
			close(stop)
			return
		}
		if strings.Contains(headers, "Trailer") {
			req.Trailer = http.Header{"Lambda-Runtime-Function-Error-Type": {"Runtime.Custom"}, "Lambda-Runtime-Function-Error-Body": {"eyJ9"}}
		}
		where := fmt.Sprintf("state %d: %s %s (headers %q, body %q)", state, req.Method, path, headers, body)
		w := httptest.NewRecorder()
		aborted := func() (aborted bool) {
			defer func() {
				if v := recover(); v != nil {
					if v != http.ErrAbortHandler {
						t.Fatalf("%s: panic %v", where, v)
					}
					aborted = true
				}
			}()
			e.routes().ServeHTTP(w, req)
			return false
		}()
		cancel()
		close(stop)
		if state == 1 {
			<-handedOver
		}
		res := w.Result()
		got, _ := io.ReadAll(res.Body)
		where += fmt.Sprintf(": %d %s", res.StatusCode, got)
		if aborted {
			// Only a GET /next whose event could not be delivered aborts.
			e.mu.Lock()
			cur := e.cur
			e.mu.Unlock()
			if cur != nil {
				t.Fatalf("%s: aborted, yet the event was delivered", where)
			}
		} else if res.StatusCode >= 500 {
			t.Fatalf("%s: a server error", where)
		}
		routed := strings.HasPrefix(req.URL.Path, "/2018-06-01/runtime/invocation/") || req.URL.Path == "/2018-06-01/runtime/init/error"
		if routed && res.StatusCode >= 400 && res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			var v struct{ ErrorMessage, ErrorType string }
			if err := json.Unmarshal(got, &v); err != nil || v.ErrorType == "" || v.ErrorMessage == "" {
				t.Fatalf("%s: an error that is not {errorMessage, errorType}", where)
			}
		}
		if res.StatusCode == http.StatusAccepted && strings.HasSuffix(req.URL.Path, "/response") || strings.HasSuffix(req.URL.Path, "/error") && res.StatusCode == http.StatusAccepted && !strings.Contains(req.URL.Path, "/init/") {
			if state != 2 {
				t.Fatalf("%s: a response accepted in state %d", where, state)
			}
			e.mu.Lock()
			phase := inv.phase
			e.mu.Unlock()
			if phase != phaseResponded && phase != phaseFailed {
				t.Fatalf("%s: accepted, but the invocation is in phase %d", where, phase)
			}
		}
		e.kill()
		settle(t, before, where)
	})
}
