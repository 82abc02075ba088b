//go:build unix

package runtimes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The tests run the real node and python3 against a fake Runtime API.

const (
	testFunction = "fn-test"
	testARN      = "arn:aws:lambda:us-east-1:123456789012:function:fn-test"
	testStream   = "2024/01/02/[$LATEST]0123456789abcdef0123456789abcdef"
	waitLimit    = 20 * time.Second
)

// installed is where TestMain installed the clients.
var installed Paths

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambench-runtimes-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	installed, err = Install(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// --- fake Runtime API ---

type fakeEvent struct {
	id            string
	body          string
	deadline      time.Time
	trace         string
	clientContext string
	identity      string
}

type fakePost struct {
	kind    string // "response", "error" or "init"
	id      string
	header  http.Header
	trailer http.Header // set by streamed responses
	body    []byte
}

// fakeAPI serves the Runtime API: /next hands out queued events; every
// /response, /error and /init/error is recorded.
type fakeAPI struct {
	srv    *httptest.Server
	events chan fakeEvent
	posts  chan fakePost
	nexts  chan struct{} // one per GET /next received
	stop   chan struct{}

	// refuse, when set, answers /response and /error with this status
	// instead of 202, as the local Lambda answers 413 to a response too large.
	refuse atomic.Int32

	mu    sync.Mutex
	conns map[string]bool // client addresses seen
}

func newFakeAPI(t testing.TB) *fakeAPI { return newFakeAPIIdle(t, 0) }

// newFakeAPIIdle is newFakeAPI closing connections idle for longer than
// idle (0: never), as the local Lambda's server does after 30 s.
func newFakeAPIIdle(t testing.TB, idle time.Duration) *fakeAPI {
	t.Helper()
	f := &fakeAPI{
		events: make(chan fakeEvent, 16),
		posts:  make(chan fakePost, 16),
		nexts:  make(chan struct{}, 256),
		stop:   make(chan struct{}),
		conns:  map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", f.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		f.record(w, r, "response", r.PathValue("id"))
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", func(w http.ResponseWriter, r *http.Request) {
		f.record(w, r, "error", r.PathValue("id"))
	})
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		f.record(w, r, "init", "")
	})
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Config.IdleTimeout = idle
	f.srv.Start()
	t.Cleanup(func() {
		close(f.stop)
		f.srv.Close()
	})
	return f
}

func (f *fakeAPI) seen(r *http.Request) {
	f.mu.Lock()
	f.conns[r.RemoteAddr] = true
	f.mu.Unlock()
}

func (f *fakeAPI) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns)
}

func (f *fakeAPI) next(w http.ResponseWriter, r *http.Request) {
	f.seen(r)
	select {
	case f.nexts <- struct{}{}:
	default:
	}
	var ev fakeEvent
	select {
	case ev = <-f.events:
	case <-r.Context().Done():
		return
	case <-f.stop:
		return
	}
	h := w.Header()
	h["Lambda-Runtime-Aws-Request-Id"] = []string{ev.id}
	h["Lambda-Runtime-Deadline-Ms"] = []string{strconv.FormatInt(ev.deadline.UnixMilli(), 10)}
	h["Lambda-Runtime-Invoked-Function-Arn"] = []string{testARN}
	h["Lambda-Runtime-Trace-Id"] = []string{ev.trace}
	if ev.clientContext != "" {
		h["Lambda-Runtime-Client-Context"] = []string{ev.clientContext}
	}
	if ev.identity != "" {
		h["Lambda-Runtime-Cognito-Identity"] = []string{ev.identity}
	}
	h.Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, ev.body)
}

func (f *fakeAPI) record(w http.ResponseWriter, r *http.Request, kind, id string) {
	f.seen(r)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if code := int(f.refuse.Load()); code != 0 && kind != "init" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"errorType":"RequestEntityTooLarge","errorMessage":"too large"}`)
	} else {
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"status":"OK"}`)
	}
	f.posts <- fakePost{kind: kind, id: id, header: r.Header.Clone(), trailer: r.Trailer.Clone(), body: body}
}

var idCounter struct {
	sync.Mutex
	n int
}

func newRequestID() string {
	idCounter.Lock()
	defer idCounter.Unlock()
	idCounter.n++
	return fmt.Sprintf("c0ffee00-0000-4000-8000-%012d", idCounter.n)
}

// invoke queues an event (id and deadline filled in when empty) and
// returns what the runtime posted for it.
func (f *fakeAPI) invoke(t testing.TB, ev fakeEvent) (fakeEvent, fakePost) {
	t.Helper()
	if ev.id == "" {
		ev.id = newRequestID()
	}
	if ev.deadline.IsZero() {
		ev.deadline = time.Now().Add(30 * time.Second)
	}
	if ev.body == "" {
		ev.body = "{}"
	}
	if ev.trace == "" {
		ev.trace = "Root=1-5e1b4151-5ac6c58f5b5daa6532e4f2e4;Parent=1a2b3c4d5e6f7a8b;Sampled=0"
	}
	f.events <- ev
	p := f.waitPost(t)
	if p.id != ev.id {
		t.Fatalf("posted %s for request %q, want request %q", p.kind, p.id, ev.id)
	}
	return ev, p
}

func (f *fakeAPI) waitPost(t testing.TB) fakePost {
	t.Helper()
	select {
	case p := <-f.posts:
		return p
	case <-time.After(waitLimit):
		t.Fatalf("nothing posted to the Runtime API within %v", waitLimit)
	}
	return fakePost{}
}

// waitNext waits for the runtime's next GET /next.
func (f *fakeAPI) waitNext(t testing.TB) {
	t.Helper()
	select {
	case <-f.nexts:
	case <-time.After(waitLimit):
		t.Fatalf("the runtime did not ask for the next event within %v", waitLimit)
	}
}

// --- the function process ---

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

type proc struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// interpreter finds the interpreter for runtime; the tests need it.
func interpreter(t testing.TB, runtime string) Interpreter {
	t.Helper()
	in, err := Find(runtime)
	if err != nil {
		t.Fatalf("these tests run the real interpreter and cannot without it: %v", err)
	}
	return in
}

// start runs the client for runtime on the code in testdata/dir with
// handler, in the environment the local Lambda gives a function, with
// stdout and stderr captured together. Cleanup kills and reaps it.
func start(t testing.TB, api *fakeAPI, runtime, dir, handler string, extraEnv ...string) *proc {
	t.Helper()
	in := interpreter(t, runtime)
	code, err := filepath.Abs(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	argv := in.Argv(installed, 256)
	cmd := exec.Command(argv[0], argv[1:]...)
	// As the local Lambda starts it: argv[0] is the bare name, PATH the
	// function's default.
	cmd.Args[0] = filepath.Base(argv[0])
	cmd.Dir = code
	cmd.Env = append([]string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(api.srv.URL, "http://"),
		"_HANDLER=" + handler,
		"LAMBDA_TASK_ROOT=" + code,
		"AWS_LAMBDA_FUNCTION_NAME=" + testFunction,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + testFunction,
		"AWS_LAMBDA_LOG_STREAM_NAME=" + testStream,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_EXECUTION_ENV=AWS_Lambda_" + runtime,
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"PATH=/usr/local/bin:/usr/bin:/bin",
	}, in.Env(installed, code)...)
	cmd.Env = append(cmd.Env, extraEnv...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	p := &proc{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
		if t.Failed() {
			t.Logf("output of %s %s:\n%s", runtime, handler, out.String())
		}
	})
	return p
}

// waitExit waits for the process to exit and returns its exit code.
func (p *proc) waitExit(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(waitLimit):
		t.Fatalf("the process did not exit within %v", waitLimit)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("wait: %v", p.err)
	}
	return 0
}

func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// waitOutput waits until the captured output contains s, and returns it.
func (p *proc) waitOutput(t *testing.T, s string) string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		out := p.out.String()
		if strings.Contains(out, s) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("output never contained %q; it is:\n%s", s, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lines returns the output lines that contain s.
func (p *proc) lines(s string) []string {
	var got []string
	for _, l := range strings.Split(p.out.String(), "\n") {
		if strings.Contains(l, s) {
			got = append(got, l)
		}
	}
	return got
}

// --- assertions ---

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", body, err)
	}
	return m
}

func wantKeys(t *testing.T, m map[string]any, keys ...string) {
	t.Helper()
	if len(m) != len(keys) {
		t.Errorf("fields %v, want exactly %v", mapKeys(m), keys)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("field %q missing from %v", k, m)
		}
	}
}

func mapKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func stringList(t *testing.T, v any) []string {
	t.Helper()
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("%v (%T) is not an array", v, v)
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			t.Fatalf("element %d of %v is %T, not a string", i, v, e)
		}
		out[i] = s
	}
	return out
}

func wantKind(t *testing.T, p fakePost, kind string) {
	t.Helper()
	if p.kind != kind {
		t.Fatalf("posted to /%s (body %s), want /%s", p.kind, p.body, kind)
	}
}

func wantErrorTypeHeader(t *testing.T, p fakePost, want string) {
	t.Helper()
	if got := p.header.Get("Lambda-Runtime-Function-Error-Type"); got != want {
		t.Errorf("Lambda-Runtime-Function-Error-Type = %q, want %q", got, want)
	}
}
