package emulator

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestWarmEnvironmentKilledBeforeDeliveryIsRetried: an idle environment
// that is being killed when an invocation picks it gives the event to a
// new environment instead of failing it.
func TestWarmEnvironmentKilledBeforeDeliveryIsRetried(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("hello", "hello")})
	invokeHTTP(t, url, "hello", `{}`)
	fn := srv.function("hello")
	srv.sched.mu.Lock()
	env := fn.idle[0]
	srv.sched.mu.Unlock()
	env.kill() // still in the pool: the supervisor has not retired it yet
	r := invokeHTTP(t, url, "hello", `{"name":"again"}`)
	if r.status != 200 || string(r.body) != `{"message":"Hello, again!"}` || !strings.Contains(r.log, "Init Duration") {
		t.Errorf("got %d %s, want a cold start's answer:\n%s", r.status, r.body, r.log)
	}
	if strings.Count(r.log, "START RequestId") != 1 {
		t.Errorf("the tail holds another environment's lines:\n%s", r.log)
	}
}

// TestRuntimeHangingUpIsReplaced: a runtime that drops its GET /next can
// no longer be given work; its environment is stopped.
func TestRuntimeHangingUpIsReplaced(t *testing.T) {
	rt := startManualRuntime(t)
	call := rt.invokeAsync(`{}`)
	ev := rt.next()
	rt.post(ev.id, "response", `1`, 202)
	ctx, cancel := context.WithCancel(context.Background())
	next := make(chan struct{})
	go func() {
		defer close(next)
		req, _ := http.NewRequestWithContext(ctx, "GET", rt.api()+"/runtime/invocation/next", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-call
	// A second GET /next while one waits is refused.
	waitFor(t, "the environment to be idle", 5*time.Second, func() bool {
		st, _ := rt.srv.Environments("manual")
		return st.Idle == 1
	})
	if ev2, err := getNext(context.Background(), rt.api()); err != nil || ev2.status != 403 {
		t.Errorf("a second GET /next: %v %d %s", err, ev2.status, ev2.body)
	}
	cancel()
	<-next
	waitFor(t, "the environment to be stopped", 5*time.Second, func() bool {
		st, _ := rt.srv.Environments("manual")
		return st.Live == 0 && len(rt.srv.OwnedProcesses()) == 0
	})
}

// TestCloseDuringColdStart: Close while a function is still in init
// fails the invocation and leaves no process.
func TestCloseDuringColdStart(t *testing.T) {
	srv, err := New(WithDemoExecutable(lambenchBin), WithInitTimeout(time.Minute),
		WithFunctions(Function{Name: "slowinit", Command: []string{"/bin/sh", "-c", "exec sleep 600"}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	done := make(chan error, 1)
	go func() {
		_, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "slowinit"})
		done <- err
	}()
	waitFor(t, "the process to start", 5*time.Second, func() bool { return len(srv.OwnedProcesses()) == 1 })
	srv.Close()
	var ae *APIError
	select {
	case err := <-done:
		if !errors.As(err, &ae) || ae.Code != "ServiceException" {
			t.Errorf("invoke: %v, want ServiceException", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the invocation did not end at Close")
	}
	if left := srv.OwnedProcesses(); len(left) != 0 {
		t.Errorf("processes left: %v", left)
	}
}

// TestBackgroundWriterCannotHoldAnInvocation: a process that keeps
// printing after its response neither stalls the invocation nor Close,
// even when the writer has left the process group.
func TestBackgroundWriterCannotHoldAnInvocation(t *testing.T) {
	dir := t.TempDir()
	script := `yes chatter & setsid yes escaped & echo "$AWS_LAMBDA_RUNTIME_API" > ` + dir + `/addr.tmp && mv ` + dir + `/addr.tmp ` + dir + `/addr; exec sleep 600`
	srv, url := newTestServer(t, []Function{{Name: "chatty", Command: []string{"/bin/sh", "-c", script}, Timeout: 5 * time.Second}},
		WithLogLimit(1<<20))
	rt := &manualRuntime{t: t, srv: srv, url: url, addrFile: dir + "/addr", ctx: context.Background(), function: "chatty"}
	for range 3 {
		start := time.Now()
		call := rt.invokeAsync(`{}`)
		ev := rt.next()
		rt.post(ev.id, "response", `"ok"`, 202)
		rt.nextAsync()
		select {
		case r := <-call:
			if r.status != 200 || string(r.body) != `"ok"` || !strings.Contains(r.log, "REPORT RequestId: "+ev.id) {
				t.Fatalf("invoke: %d %s\n...%s", r.status, r.body, r.log[max(0, len(r.log)-300):])
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the invocation was held for %v by a background writer", time.Since(start))
		}
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close hung on a writer that left the process group")
	}
	if left := srv.OwnedProcesses(); len(left) != 0 {
		t.Errorf("processes left: %v", left)
	}

}
