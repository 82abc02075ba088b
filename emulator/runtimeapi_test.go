package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// manualRuntime plays a function's runtime from the test: the function
// process only publishes its AWS_LAMBDA_RUNTIME_API and sleeps, and the
// test speaks the Runtime API itself, so every protocol case can be driven.
type manualRuntime struct {
	t        *testing.T
	srv      *Server
	url      string
	addrFile string
	ctx      context.Context
	function string
	pending  chan event // the GET /next issued by nextAsync, like a runtime's loop
}

func startManualRuntime(t *testing.T, opts ...Option) *manualRuntime {
	dir := t.TempDir()
	addr := dir + "/addr"
	fn := Function{
		Name:    "manual",
		Command: []string{"/bin/sh", "-c", `echo "$AWS_LAMBDA_RUNTIME_API" > ` + addr + `.tmp && mv ` + addr + `.tmp ` + addr + `; exec sleep 600`},
		Timeout: 5 * time.Second,
	}
	srv, url := newTestServer(t, []Function{fn}, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &manualRuntime{t: t, srv: srv, url: url, addrFile: addr, ctx: ctx, function: fn.Name}
}

// invokeAsync invokes the function in the background.
func (m *manualRuntime) invokeAsync(payload string, headers ...string) <-chan httpResult {
	c := make(chan httpResult, 1)
	go func() {
		r, err := doInvoke(m.url, m.function, payload, headers...)
		if err != nil {
			m.t.Error(err)
		}
		c <- r
	}()
	return c
}

func (m *manualRuntime) api() string {
	m.t.Helper()
	var addr []byte
	waitFor(m.t, "the runtime to publish its address", 5*time.Second, func() bool {
		var err error
		addr, err = os.ReadFile(m.addrFile)
		return err == nil && len(addr) > 0
	})
	return "http://" + strings.TrimSpace(string(addr)) + "/2018-06-01"
}

type event struct {
	id     string
	header http.Header
	body   string
	status int
}

// next returns the next event: the answer to the GET /next that
// nextAsync left waiting, or a new GET /next.
func (m *manualRuntime) next() event {
	m.t.Helper()
	if m.pending != nil {
		ev := <-m.pending
		m.pending = nil
		return ev
	}
	ev, err := getNext(m.ctx, m.api())
	if err != nil {
		m.t.Fatal(err)
	}
	return ev
}

// nextAsync ends the current invocation as a runtime does: it asks for the
// next event, whose answer the following next() returns.
func (m *manualRuntime) nextAsync() {
	api := m.api()
	m.pending = make(chan event, 1)
	go func(c chan event) {
		ev, _ := getNext(m.ctx, api)
		c <- ev
	}(m.pending)
}

func getNext(ctx context.Context, api string) (event, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", api+"/runtime/invocation/next", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return event{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return event{id: resp.Header.Get("Lambda-Runtime-Aws-Request-Id"), header: resp.Header, body: string(b), status: resp.StatusCode}, nil
}

// post sends a response or error body and checks the status.
func (m *manualRuntime) post(id, kind, body string, wantStatus int, headers ...string) string {
	m.t.Helper()
	return m.postReader(id, kind, strings.NewReader(body), wantStatus, nil, headers...)
}

func (m *manualRuntime) postReader(id, kind string, body io.Reader, wantStatus int, trailer http.Header, headers ...string) string {
	m.t.Helper()
	path := "/runtime/invocation/" + id + "/" + kind
	if id == "" {
		path = "/runtime/init/error"
	}
	req, _ := http.NewRequestWithContext(m.ctx, "POST", m.api()+path, body)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	req.Trailer = trailer
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		m.t.Fatalf("POST %s: status %d, want %d: %s", path, resp.StatusCode, wantStatus, b)
	}
	return string(b)
}

func doInvoke(url, function, payload string, headers ...string) (httpResult, error) {
	req, err := http.NewRequest("POST", url+"/2015-03-31/functions/"+function+"/invocations", strings.NewReader(payload))
	if err != nil {
		return httpResult{}, err
	}
	req.Header.Set("X-Amz-Log-Type", "Tail")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return httpResult{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	r := httpResult{status: resp.StatusCode, header: resp.Header, body: body}
	if lr := resp.Header.Get("X-Amz-Log-Result"); lr != "" {
		b, _ := base64.StdEncoding.DecodeString(lr)
		r.log = string(b)
	}
	return r, err
}

func errorOf(t *testing.T, body string) (errType, msg string) {
	t.Helper()
	var v struct{ ErrorType, ErrorMessage string }
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not an error body: %s", body)
	}
	return v.ErrorType, v.ErrorMessage
}

func TestRuntimeAPINextDeliversEventAndHeaders(t *testing.T) {
	rt := startManualRuntime(t)
	call := rt.invokeAsync(`{"k":"v"}`)
	before := time.Now()
	ev := rt.next()
	if ev.status != 200 || ev.body != `{"k":"v"}` {
		t.Fatalf("next: %d %s", ev.status, ev.body)
	}
	h := ev.header
	deadline, err := strconv.ParseInt(h.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if err != nil {
		t.Fatalf("Lambda-Runtime-Deadline-Ms %q", h.Get("Lambda-Runtime-Deadline-Ms"))
	}
	if d := time.UnixMilli(deadline).Sub(before); d < 4*time.Second || d > 6*time.Second {
		t.Errorf("deadline is %v away, want about the 5 s timeout", d)
	}
	if got := h.Get("Lambda-Runtime-Invoked-Function-Arn"); got != "arn:aws:lambda:us-east-1:123456789012:function:manual" {
		t.Errorf("Invoked-Function-Arn %q", got)
	}
	if got := h.Get("Lambda-Runtime-Trace-Id"); !strings.HasPrefix(got, "Root=1-") || !strings.Contains(got, ";Parent=") {
		t.Errorf("Trace-Id %q", got)
	}
	if h.Get("Content-Type") != "application/json" || h.Get("Lambda-Runtime-Client-Context") != "" {
		t.Errorf("Content-Type %q, Client-Context %q", h.Get("Content-Type"), h.Get("Lambda-Runtime-Client-Context"))
	}
	if got := rt.post(ev.id, "response", `{"answer":42}`, 202); got != `{"status":"OK"}` {
		t.Errorf("response body %s", got)
	}
	// The invocation is complete only when the runtime asks for more work.
	select {
	case r := <-call:
		t.Fatalf("invoke returned before the runtime's next GET /next: %d %s", r.status, r.body)
	case <-time.After(100 * time.Millisecond):
	}
	rt.nextAsync()
	r := <-call
	if r.status != 200 || string(r.body) != `{"answer":42}` || r.header.Get("X-Amzn-Requestid") != ev.id {
		t.Errorf("invoke: %d %s (request %s, runtime saw %s)", r.status, r.body, r.header.Get("X-Amzn-Requestid"), ev.id)
	}
}

func TestRuntimeAPIStateErrors(t *testing.T) {
	rt := startManualRuntime(t)
	call := rt.invokeAsync(`{}`)
	ev := rt.next()

	typ, _ := errorOf(t, rt.post("00000000-0000-4000-8000-000000000000", "response", `{}`, 400))
	if typ != "InvalidRequestID" {
		t.Errorf("unknown id: %s", typ)
	}
	if nx, _ := getNext(rt.ctx, rt.api()); nx.status != 403 {
		t.Errorf("GET /next before responding: %d %s, want 403", nx.status, nx.body)
	} else if typ, _ := errorOf(t, nx.body); typ != "InvalidStateTransition" {
		t.Errorf("GET /next before responding: %s", typ)
	}
	typ, _ = errorOf(t, rt.post("", "", `{"errorMessage":"late","errorType":"Runtime.Late"}`, 403))
	if typ != "InvalidStateTransition" {
		t.Errorf("init error after init: %s", typ)
	}
	rt.post(ev.id, "response", `1`, 202)
	for _, kind := range []string{"response", "error"} {
		typ, _ = errorOf(t, rt.post(ev.id, kind, `2`, 403))
		if typ != "InvalidStateTransition" {
			t.Errorf("second %s: %s", kind, typ)
		}
	}
	rt.nextAsync()
	if r := <-call; string(r.body) != "1" {
		t.Errorf("invoke returned %s, want the first response", r.body)
	}
	// A stale id (the finished invocation) is unknown now.
	typ, _ = errorOf(t, rt.post(ev.id, "response", `3`, 400))
	if typ != "InvalidRequestID" {
		t.Errorf("stale id: %s", typ)
	}
}

func TestRuntimeAPIErrorPassedThroughUnchanged(t *testing.T) {
	rt := startManualRuntime(t)
	for _, body := range []string{
		`{"errorType":"TypeError","errorMessage":"x is undefined","trace":["TypeError: x is undefined","    at handler (/var/task/index.js:3:9)"]}`,
		`{"errorMessage":"division by zero","errorType":"ZeroDivisionError","requestId":"r","stackTrace":["  File \"/var/task/app.py\", line 2, in handler\n"]}`,
	} {
		call := rt.invokeAsync(`{}`)
		ev := rt.next()
		rt.post(ev.id, "error", body, 202, "Lambda-Runtime-Function-Error-Type", "Function.Unhandled")
		rt.nextAsync()
		r := <-call
		if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != body {
			t.Errorf("got %d %q %s\nwant %s", r.status, r.header.Get("X-Amz-Function-Error"), r.body, body)
		}
		if strings.Contains(r.log, "Status:") {
			t.Errorf("a handled function error is not a platform error:\n%s", r.log)
		}
	}
}

func TestRuntimeAPIResponseLimit(t *testing.T) {
	rt := startManualRuntime(t)
	// Exactly the limit is accepted, sent chunked as aws-lambda-go sends it.
	call := rt.invokeAsync(`{}`)
	ev := rt.next()
	big := `"` + strings.Repeat("a", MaxResponseBytes-2) + `"`
	rt.postReader(ev.id, "response", io.MultiReader(strings.NewReader(big)), 202, nil)
	rt.nextAsync()
	if r := <-call; r.status != 200 || len(r.body) != MaxResponseBytes {
		t.Errorf("response of exactly %d bytes: %d, %d bytes", MaxResponseBytes, r.status, len(r.body))
	}

	// One byte more is refused with 413, and the caller gets Function.ResponseSizeTooLarge.
	call = rt.invokeAsync(`{}`)
	ev = rt.next()
	typ, _ := errorOf(t, rt.postReader(ev.id, "response", io.MultiReader(strings.NewReader(big+" ")), 413, nil))
	if typ != "RequestEntityTooLarge" {
		t.Errorf("oversized response: %s", typ)
	}
	rt.nextAsync()
	r := <-call
	typ, msg := errorOf(t, string(r.body))
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" || typ != "Function.ResponseSizeTooLarge" ||
		msg != "Response payload size exceeded maximum allowed payload size (6291556 bytes)." {
		t.Errorf("caller got %q %s", r.header.Get("X-Amz-Function-Error"), r.body)
	}
}

func TestRuntimeAPIErrorInTrailers(t *testing.T) {
	rt := startManualRuntime(t)
	call := rt.invokeAsync(`{}`)
	ev := rt.next()
	errBody := `{"errorMessage":"reader broke","errorType":"errorString"}`
	trailer := http.Header{"Lambda-Runtime-Function-Error-Type": nil, "Lambda-Runtime-Function-Error-Body": nil}
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"partial":`))
		trailer.Set("Lambda-Runtime-Function-Error-Type", "Function.ReadError")
		trailer.Set("Lambda-Runtime-Function-Error-Body", base64.StdEncoding.EncodeToString([]byte(errBody)))
		pw.Close()
	}()
	rt.postReader(ev.id, "response", pr, 202, trailer)
	rt.nextAsync()
	r := <-call
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != errBody {
		t.Errorf("got %q %s, want the error from the trailers", r.header.Get("X-Amz-Function-Error"), r.body)
	}
}

func TestRuntimeAPIInitError(t *testing.T) {
	rt := startManualRuntime(t)
	call := rt.invokeAsync(`{}`)
	body := `{"errorMessage":"Cannot find module 'index'","errorType":"Runtime.ImportModuleError"}`
	// As on AWS, the failed init is retried once within the invocation,
	// in a new environment, which fails the same way.
	first := rt.api()
	rt.post("", "", body, 202, "Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError")
	waitFor(t, "the retried init's environment", 5*time.Second, func() bool { return rt.api() != first })
	rt.post("", "", body, 202, "Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError")
	r := <-call
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != body {
		t.Errorf("got %q %s", r.header.Get("X-Amz-Function-Error"), r.body)
	}
	if !strings.Contains(r.log, "Status: error\tError Type: Runtime.ImportModuleError") {
		t.Errorf("REPORT lacks the init error:\n%s", r.log)
	}
	for _, phase := range []string{"init", "invoke"} {
		if !strings.Contains(r.log, "\tPhase: "+phase+"\tStatus: error\tError Type: Runtime.ImportModuleError\n") {
			t.Errorf("no INIT_REPORT of phase %s:\n%s", phase, r.log)
		}
	}
	waitFor(t, "the failed environment to be gone", 5*time.Second, func() bool {
		st, _ := rt.srv.Environments("manual")
		return st.Live == 0
	})
	// An invalid error type header becomes Runtime.Unknown.
	if got := headerErrorType(http.Header{"Lambda-Runtime-Function-Error-Type": {"oops"}}); got != "Runtime.Unknown" {
		t.Errorf("invalid error type header -> %q", got)
	}
	_ = fmt.Sprint
}

func TestValidErrorType(t *testing.T) {
	for in, want := range map[string]bool{
		"Runtime.ExitError": true, "Function.ResponseSizeTooLarge": true, "Runtime.X": false, "Runtime.": false,
		"Runtime.exitError": false, "Other.ExitError": false, "Runtime.Exit_Error": false, "": false, "Runtime.Ab": true,
	} {
		if got := validErrorType(in); got != want {
			t.Errorf("validErrorType(%q) = %v", in, got)
		}
	}
}
