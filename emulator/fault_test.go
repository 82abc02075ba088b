package emulator

// Fault injection (issue 7): functions and clients misbehaving in ways a
// real deployment sees. Each test checks that the caller gets Lambda's
// answer, that the local Lambda stays usable, and that nothing leaks.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bootstrapPID returns the pid of the process the environment started
// (its process group leader), for the one live environment of fn.
func bootstrapPID(t *testing.T, srv *Server, fn string) int {
	t.Helper()
	srv.sched.mu.Lock()
	var envs []*environment
	for e := range srv.sched.all {
		if e.fn.name == fn && e.state != stateDead {
			envs = append(envs, e)
		}
	}
	srv.sched.mu.Unlock()
	if len(envs) != 1 {
		t.Fatalf("want one live environment of %s, have %d", fn, len(envs))
	}
	envs[0].mu.Lock()
	defer envs[0].mu.Unlock()
	return envs[0].pid
}

// TestFaultProcessKilledMidInvoke: SIGKILL from outside (the OOM killer,
// an operator) to a function process in the middle of an invocation. The
// caller gets Runtime.ExitError at once, the child the function had
// started dies with it, and the next invocation is a cold start.
func TestFaultProcessKilledMidInvoke(t *testing.T) {
	// The bootstrap starts a child, then becomes the sleep demo.
	fn := Function{Name: "forks", Command: []string{"/bin/sh", "-c", "export _LAMBENCH_DEMO=sleep; sleep 600 & exec " + lambenchBin},
		Timeout: 30 * time.Second}
	srv, url := newTestServer(t, []Function{fn})
	call := make(chan httpResult, 1)
	go func() {
		r, err := doInvoke(url, "forks", `{"ms":20000}`)
		if err != nil {
			t.Error(err)
		}
		call <- r
	}()
	waitFor(t, "the invocation to run", 10*time.Second, func() bool {
		st, _ := srv.Environments("forks")
		return st.Busy == 1 && st.Idle == 0 && len(srv.OwnedProcesses()) == 2 && startLinesAny(srv, "forks") == 1
	})
	pid := bootstrapPID(t, srv, "forks")
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var r httpResult
	select {
	case r = <-call:
	case <-time.After(10 * time.Second):
		t.Fatal("the caller was not answered after its function process was killed")
	}
	id := r.header.Get("X-Amzn-Requestid")
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + id + ` Error: Runtime exited with error: signal: killed"}`
	if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != want {
		t.Errorf("got %d %q %s\nwant %s", r.status, r.header.Get("X-Amz-Function-Error"), r.body, want)
	}
	if !strings.Contains(r.log, "Status: error\tError Type: Runtime.ExitError\t") {
		t.Errorf("REPORT lacks the exit:\n%s", r.log)
	}
	waitFor(t, "the environment and its child to be gone", 10*time.Second, func() bool {
		st, _ := srv.Environments("forks")
		return st.Live == 0 && len(srv.OwnedProcesses()) == 0
	})
	r = invokeHTTP(t, url, "forks", `{"ms":1}`)
	if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "" || !strings.Contains(r.log, "Init Duration") {
		t.Errorf("the next invoke: %d %s, want a cold start:\n%s", r.status, r.body, r.log)
	}
}

// startLinesAny counts the START lines in a function's logs.
func startLinesAny(srv *Server, function string) int {
	n := 0
	for _, st := range srv.Logs().Streams("/aws/lambda/" + function) {
		for _, ev := range srv.Logs().Events("/aws/lambda/"+function, st.Name) {
			if strings.HasPrefix(ev.Message, "START RequestId: ") {
				n++
			}
		}
	}
	return n
}

// TestFaultInitHangsIsBoundedAndReported: a runtime that never asks for
// its first event (and started a child meanwhile) is stopped at the init
// timeout; as on AWS, the init is then retried within the invocation,
// bounded by the function's timeout, in a new environment. When that
// hangs too, the caller gets Sandbox.Timedout after the function's
// timeout, the log has the first init's INIT_REPORT (Phase: init, Status:
// timeout) and a REPORT with Status: timeout, nothing is left running and
// nothing is reused. (The default bound is DefaultInitTimeout, 10 s as on
// AWS; TestInitFailures covers the plain case.)
func TestFaultInitHangsIsBoundedAndReported(t *testing.T) {
	if DefaultInitTimeout != 10*time.Second {
		t.Errorf("DefaultInitTimeout = %v, want AWS's 10 s", DefaultInitTimeout)
	}
	fn := Function{Name: "stuck", Command: []string{"/bin/sh", "-c", "echo 'loading...'; sleep 600 & exec sleep 600"}, Timeout: 2 * time.Second}
	srv, url := newTestServer(t, []Function{fn}, WithInitTimeout(500*time.Millisecond))
	for i := range 2 {
		start := time.Now()
		r := invokeHTTP(t, url, "stuck", `{}`)
		// A functional bound: init timeout + function timeout, not more.
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("invoke %d: a hung init answered after %v", i, took)
		}
		id := r.header.Get("X-Amzn-Requestid")
		want := `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ` + id + ` Error: Task timed out after 2.00 seconds"}`
		if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != want {
			t.Errorf("invoke %d: %d %s\nwant %s", i, r.status, r.body, want)
		}
		ls := lines(r.log)
		initReport := indexOfPrefix(ls, "INIT_REPORT Init Duration: ")
		if indexOfPrefix(ls, "loading...") != 0 || initReport < 0 || !strings.HasSuffix(ls[initReport], "\tPhase: init\tStatus: timeout") ||
			indexOfPrefix(ls[initReport:], "loading...") < 0 || indexOfPrefix(ls, "START RequestId: "+id) < initReport ||
			indexOfContains(ls, id+" Task timed out after 2.00 seconds") < 0 || indexOfPrefix(ls, "END RequestId: "+id) != len(ls)-2 {
			t.Errorf("invoke %d: tail\n%s", i, r.log)
		}
		m := reportRE.FindStringSubmatch(ls[len(ls)-1])
		if m == nil || m[9] != "timeout" || m[6] != "" {
			t.Errorf("invoke %d: REPORT %q: want Status: timeout and no Init Duration", i, ls[len(ls)-1])
		}
		waitFor(t, "the hung environments and their children to be gone", 10*time.Second, func() bool {
			st, _ := srv.Environments("stuck")
			return st.Live == 0 && len(srv.OwnedProcesses()) == 0
		})
	}
}

// TestFaultSlowInitSucceedsWithinTheFunctionTimeout: an init longer than
// the init phase's bound but shorter than the function's timeout answers
// the first invocation, as on AWS: the retried init runs within it.
func TestFaultSlowInitSucceedsWithinTheFunctionTimeout(t *testing.T) {
	fn := Function{Name: "slow", Command: []string{"/bin/sh", "-c", "sleep 1; export _LAMBENCH_DEMO=hello; exec " + lambenchBin}, Timeout: 30 * time.Second}
	_, url := newTestServer(t, []Function{fn}, WithInitTimeout(300*time.Millisecond))
	r := invokeHTTP(t, url, "slow", `{"name":"late"}`)
	if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "" || string(r.body) != `{"message":"Hello, late!"}` {
		t.Fatalf("slow init: %d %s\n%s", r.status, r.body, r.log)
	}
	ls := lines(r.log)
	if i := indexOfPrefix(ls, "INIT_REPORT Init Duration: "); i < 0 || !strings.HasSuffix(ls[i], "\tPhase: init\tStatus: timeout") {
		t.Errorf("no INIT_REPORT of the timed-out init:\n%s", r.log)
	}
	if m := reportRE.FindStringSubmatch(ls[len(ls)-1]); m == nil || m[7] == "" || m[9] != "" {
		t.Errorf("REPORT %q: want the retried init's Init Duration and no error status", ls[len(ls)-1])
	}
	// The environment that finally started is warm.
	if r := invokeHTTP(t, url, "slow", `{}`); strings.Contains(r.log, "Init Duration") {
		t.Errorf("second invoke was not warm:\n%s", r.log)
	}
}

// TestFaultTenMegabyteLine: a function printing one 10 MB line, on stdout
// and on stderr. The invocation completes; the line is cut into events of
// at most the line cap; the capture never buffers more than one cap; the
// log store keeps to its limit; the tail is 4 KB ending with REPORT.
func TestFaultTenMegabyteLine(t *testing.T) {
	const logLimit = 2 << 20
	// At 128 MB a function gets 7% of a core, and printing 10 MB takes it
	// seconds: 1,769 MB (one core) keeps the test about the log pipeline.
	srv, _ := newTestServer(t, []Function{demoFn("print", "print", withTimeout(time.Minute), func(f *Function) { f.MemoryMB = 1769 })}, WithLogLimit(logLimit))
	ctx := context.Background()
	out, err := srv.Invoke(ctx, &InvokeInput{FunctionName: "print", Payload: []byte(`{"lines":1}`)}) // warm it up
	if err != nil || out.FunctionError != "" {
		t.Fatalf("warm-up: %v %s", err, out.Payload)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, payload := range []string{`{"lines":1,"size":10485760}`, `{"lines":2,"size":10485760,"stderr":true}`} {
		start := time.Now()
		out, err := srv.Invoke(ctx, &InvokeInput{FunctionName: "print", Payload: []byte(payload), LogType: LogTypeTail})
		t.Logf("%s took %v", payload, time.Since(start))
		if err != nil || out.FunctionError != "" {
			t.Fatalf("%s: %v %s", payload, err, out.Payload)
		}
		tail := string(out.LogResult)
		if len(tail) != TailBytes || !strings.Contains(tail, "\nEND RequestId: "+out.RequestID+"\nREPORT RequestId: "+out.RequestID) ||
			!strings.HasSuffix(tail, "\t\n") {
			t.Errorf("%s: tail of %d bytes ends %q", payload, len(tail), tail[max(0, len(tail)-300):])
		}
	}
	fn := srv.function("print")
	srv.sched.mu.Lock()
	env := fn.idle[0]
	srv.sched.mu.Unlock()
	env.capture.mu.Lock()
	held := cap(env.capture.partial)
	env.capture.mu.Unlock()
	if held > 2*DefaultMaxLineBytes {
		t.Errorf("the capture holds a %d-byte buffer, more than a line cap of %d", held, DefaultMaxLineBytes)
	}
	stored, longest := 0, 0
	for _, st := range srv.Logs().Streams("/aws/lambda/print") {
		for _, ev := range srv.Logs().Events("/aws/lambda/print", st.Name) {
			stored += len(ev.Message)
			longest = max(longest, len(ev.Message))
		}
	}
	if stored > logLimit+DefaultMaxLineBytes || longest > DefaultMaxLineBytes {
		t.Errorf("the log store holds %d bytes (limit %d), its longest event %d bytes", stored, logLimit, longest)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 16<<20 {
		t.Errorf("20 MB of logs left the heap %d MB larger", grew>>20)
	}
}

// startFaultRuntime is startManualRuntime with the function's timeout.
func startFaultRuntime(t *testing.T, timeout time.Duration) *manualRuntime {
	dir := t.TempDir()
	addr := dir + "/addr"
	fn := Function{
		Name:    "manual",
		Command: []string{"/bin/sh", "-c", `echo "$AWS_LAMBDA_RUNTIME_API" > ` + addr + `.tmp && mv ` + addr + `.tmp ` + addr + `; exec sleep 600`},
		Timeout: timeout,
	}
	srv, url := newTestServer(t, []Function{fn})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &manualRuntime{t: t, srv: srv, url: url, addrFile: addr, ctx: ctx, function: fn.Name}
}

// rawPost writes a request head and part of its body on a new
// connection, then closes it: a runtime dying in the middle of a post.
func rawPost(t *testing.T, api, path, head, body string) {
	t.Helper()
	host := strings.TrimPrefix(strings.TrimSuffix(api, "/2018-06-01"), "http://")
	c, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /2018-06-01%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%s\r\n%s", path, host, head, body)
	// Give the server time to start on the body, so the close lands mid-read.
	time.Sleep(50 * time.Millisecond)
	c.Close()
}

// TestFaultRuntimeDropsConnectionMidResponse: a runtime whose connection
// closes while it posts its response (a declared length not reached, a
// chunked body cut off). The truncated body is not taken as the answer:
// the invocation stays open, so the runtime may post again; a runtime
// that never does is stopped at the function's timeout.
func TestFaultRuntimeDropsConnectionMidResponse(t *testing.T) {
	// A long timeout for the cut posts (a busy machine must not time them
	// out), a short one for the runtime that never posts again.
	rt := startFaultRuntime(t, 15*time.Second)
	for _, cut := range []struct{ head, body string }{
		{"Content-Length: 100\r\n", `{"partial":`},
		{"Transfer-Encoding: chunked\r\n", "b\r\n{\"partial\":\r\n"},
	} {
		call := rt.invokeAsync(`{}`)
		ev := rt.next()
		rawPost(t, rt.api(), "/runtime/invocation/"+ev.id+"/response", cut.head, cut.body)
		rt.post(ev.id, "response", `{"whole":true}`, 202)
		rt.nextAsync()
		select {
		case r := <-call:
			if r.status != 200 || string(r.body) != `{"whole":true}` || r.header.Get("X-Amz-Function-Error") != "" {
				t.Errorf("%q: the caller got %d %s, want the second, whole response", cut.head, r.status, r.body)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q: no answer", cut.head)
		}
	}
	// Cut off, and never posting again: the timeout ends it.
	rt = startFaultRuntime(t, 2*time.Second)
	call := rt.invokeAsync(`{}`)
	ev := rt.next()
	rawPost(t, rt.api(), "/runtime/invocation/"+ev.id+"/response", "Content-Length: 100\r\n", `{"partial":`)
	select {
	case r := <-call:
		if typ, _ := errorOf(t, string(r.body)); typ != "Sandbox.Timedout" || !strings.Contains(r.log, "Status: timeout") {
			t.Errorf("the caller got %d %s\n%s", r.status, r.body, r.log)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("a runtime that dropped its post held the invocation past its timeout")
	}
	waitFor(t, "the environment to be stopped", 10*time.Second, func() bool {
		st, _ := rt.srv.Environments("manual")
		return st.Live == 0 && len(rt.srv.OwnedProcesses()) == 0
	})
}

// TestFaultRuntimeAnswersTwiceAtOnce: two responses for one invocation
// posted at the same moment (a runtime's retry racing its first try).
// Exactly one is accepted (202) and is what the caller gets; the other is
// refused with InvalidStateTransition. (TestRuntimeAPIStateErrors covers
// answering twice in sequence, and a stale or unknown request id.)
func TestFaultRuntimeAnswersTwiceAtOnce(t *testing.T) {
	rt := startFaultRuntime(t, 10*time.Second)
	for round := range 20 {
		call := rt.invokeAsync(`{}`)
		ev := rt.next()
		api := rt.api()
		type answer struct {
			body   string
			status int
			typ    string
		}
		answers := make([]answer, 2)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := fmt.Sprintf(`{"answer":%d}`, i)
				resp, err := http.Post(api+"/runtime/invocation/"+ev.id+"/response", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				answers[i] = answer{body: body, status: resp.StatusCode}
				if resp.StatusCode != 202 {
					answers[i].typ, _ = errorOf(t, string(b))
				}
			}()
		}
		wg.Wait()
		rt.nextAsync()
		r := <-call
		var won []string
		for _, a := range answers {
			switch {
			case a.status == 202:
				won = append(won, a.body)
			case a.status != 403 || a.typ != "InvalidStateTransition":
				t.Errorf("round %d: the second answer got %d %s", round, a.status, a.typ)
			}
		}
		if len(won) != 1 || string(r.body) != won[0] {
			t.Fatalf("round %d: accepted %v, the caller got %s", round, won, r.body)
		}
	}
}

// TestFaultClientDisconnectsMidInvoke: callers that hang up while their
// function runs. The invocation runs to its end (as on AWS), its
// environment goes back to the pool, the next invoke is warm, and neither
// processes nor goroutines pile up.
func TestFaultClientDisconnectsMidInvoke(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("sleep", "sleep")})
	invokeHTTP(t, url, "sleep", `{"ms":1}`)
	http.DefaultClient.CloseIdleConnections()
	waitFor(t, "the server to settle", 5*time.Second, func() bool { st, _ := srv.Environments("sleep"); return st.Idle == 1 })
	base := runtime.NumGoroutine()
	for i := range 10 {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", url+"/2015-03-31/functions/sleep/invocations", strings.NewReader(`{"ms":300}`))
		tr := &http.Transport{}
		done := make(chan error, 1)
		go func() {
			resp, err := tr.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		waitFor(t, "the invocation to run", 10*time.Second, func() bool { st, _ := srv.Environments("sleep"); return st.Busy == 1 })
		cancel()
		if err := <-done; err == nil {
			t.Fatalf("round %d: the cancelled request succeeded", i)
		}
		tr.CloseIdleConnections()
		waitFor(t, "the environment to finish and be idle again", 10*time.Second, func() bool {
			st, _ := srv.Environments("sleep")
			return st.Idle == 1 && st.Live == 1
		})
	}
	if n := len(srv.Logs().Streams("/aws/lambda/sleep")); n != 1 {
		t.Errorf("%d log streams: the abandoned invocations started new environments", n)
	}
	if n := startLinesAny(srv, "sleep"); n != 11 {
		t.Errorf("%d invocations ran, want 11", n)
	}
	r := invokeHTTP(t, url, "sleep", `{"ms":1}`)
	if r.status != 200 || strings.Contains(r.log, "Init Duration") {
		t.Errorf("the next invoke: %d %s, want a warm start:\n%s", r.status, r.body, r.log)
	}
	if pids := srv.OwnedProcesses(); len(pids) != 1 {
		t.Errorf("function processes %v, want the one warm environment", pids)
	}
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base+5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base+5 {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after 10 abandoned invocations, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
