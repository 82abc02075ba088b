package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

var reportRE = regexp.MustCompile(`^REPORT RequestId: ([0-9a-f-]{36})\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB\t(Init Duration: (\d+\.\d\d) ms\t)?(Status: (\w+)\t)?(Error Type: ([\w.]+)\t)?$`)

func TestInvokeColdThenWarm(t *testing.T) {
	_, url := newTestServer(t, []Function{demoFn("hello", "hello")})

	for i, wantCold := range []bool{true, false} {
		r := invokeHTTP(t, url, "hello", `{"name":"x"}`)
		if r.status != 200 {
			t.Fatalf("invoke %d: status %d: %s", i, r.status, r.body)
		}
		if got := string(r.body); got != `{"message":"Hello, x!"}` {
			t.Errorf("invoke %d: payload %s", i, got)
		}
		if r.header.Get("X-Amz-Function-Error") != "" {
			t.Errorf("invoke %d: unexpected function error header", i)
		}
		if v := r.header.Get("X-Amz-Executed-Version"); v != "$LATEST" {
			t.Errorf("X-Amz-Executed-Version = %q", v)
		}
		id := r.header.Get("X-Amzn-Requestid")
		ls := lines(r.log)
		start, greet, end, report := indexOfPrefix(ls, "START RequestId: "+id+" Version: $LATEST"),
			indexOfPrefix(ls, "greeting x (request "+id+")"), indexOfPrefix(ls, "END RequestId: "+id), len(ls)-1
		if start < 0 || greet < start || end < greet || end != report-1 {
			t.Fatalf("invoke %d: log tail out of order (start %d, greeting %d, end %d):\n%s", i, start, greet, end, r.log)
		}
		m := reportRE.FindStringSubmatch(ls[report])
		if m == nil {
			t.Fatalf("invoke %d: REPORT line not in AWS's format: %q", i, ls[report])
		}
		if m[1] != id || m[4] != "128" {
			t.Errorf("REPORT names request %s / memory %s, want %s / 128", m[1], m[4], id)
		}
		if mem := atoi(t, m[5]); mem < 2 || mem >= 128 {
			t.Errorf("Max Memory Used %d MB is not a measurement of a small Go process", mem)
		}
		if cold := m[6] != ""; cold != wantCold {
			t.Errorf("invoke %d: Init Duration present = %v, want %v: %s", i, cold, wantCold, ls[report])
		}
		// Billed Duration is Duration (plus Init on a cold start) rounded up.
		dur, _ := parseFloat(m[2])
		if wantCold {
			init, _ := parseFloat(m[7])
			dur += init
		}
		if billed := atoi(t, m[3]); float64(billed) < dur || float64(billed) > dur+1 {
			t.Errorf("Billed Duration %d ms does not round up %.2f ms", billed, dur)
		}
	}
}

func TestInvokeByARNAndQualifier(t *testing.T) {
	_, url := newTestServer(t, []Function{demoFn("echo", "echo")})
	for _, name := range []string{
		"arn:aws:lambda:us-east-1:123456789012:function:echo",
		"arn:aws:lambda:us-east-1:123456789012:function:echo:$LATEST",
		"123456789012:function:echo",
		"echo:$LATEST",
	} {
		r := invokeHTTP(t, url, name, `{"k":1}`)
		if r.status != 200 || string(r.body) != `{"k":1}` {
			t.Errorf("invoke %s: %d %s", name, r.status, r.body)
		}
	}
	r := invokeHTTP(t, url, "echo:prod", `{}`)
	if r.status != 404 || r.header.Get("X-Amzn-Errortype") != "ResourceNotFoundException" {
		t.Errorf("qualifier prod: %d %s %s", r.status, r.header.Get("X-Amzn-Errortype"), r.body)
	}
	resp, err := http.Post(url+"/2015-03-31/functions/echo/invocations?Qualifier=%24LATEST", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("Qualifier=$LATEST: %d", resp.StatusCode)
	}
	resp, err = http.Post(url+"/2015-03-31/functions/echo:$LATEST/invocations?Qualifier=prod", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "InvalidParameterValueException" {
		t.Errorf("conflicting qualifiers: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
}

func TestInvokeServiceErrors(t *testing.T) {
	_, url := newTestServer(t, []Function{demoFn("echo", "echo")})
	cases := []struct {
		name, function, payload string
		headers                 []string
		status                  int
		code, message           string
	}{
		{"unknown function", "nope", `{}`, nil, 404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"},
		{"payload over 6 MB", "echo", `"` + strings.Repeat("a", MaxSyncPayload) + `"`, nil, 413, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation"},
		{"payload not JSON", "echo", `{"a":`, nil, 400, "InvalidRequestContentException", "Could not parse request body into json"},
		{"bad invocation type", "echo", `{}`, []string{"X-Amz-Invocation-Type", "Sometimes"}, 400, "InvalidParameterValueException", "invocationType"},
		{"bad client context", "echo", `{}`, []string{"X-Amz-Client-Context", "not base64!"}, 400, "InvalidParameterValueException", "Client context"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := invokeHTTP(t, url, tc.function, tc.payload, tc.headers...)
			if r.status != tc.status || r.header.Get("X-Amzn-Errortype") != tc.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.status, r.header.Get("X-Amzn-Errortype"), tc.status, tc.code, r.body)
			}
			var body map[string]string
			if err := json.Unmarshal(r.body, &body); err != nil {
				t.Fatal(err)
			}
			msg := body["message"] + body["Message"]
			if !strings.Contains(msg, tc.message) || body["Type"] != "User" {
				t.Errorf("body %v, want Type User and a message containing %q", body, tc.message)
			}
		})
	}
}

func TestDryRunAndEmptyPayload(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("echo", "echo")})
	r := invokeHTTP(t, url, "echo", `{}`, "X-Amz-Invocation-Type", "DryRun")
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("DryRun: %d %q", r.status, r.body)
	}
	if st, _ := srv.Environments("echo"); st.Live != 0 {
		t.Errorf("DryRun started an environment: %+v", st)
	}
	r = invokeHTTP(t, url, "echo", ``)
	if r.status != 200 || string(r.body) != `{}` {
		t.Errorf("empty payload: %d %s, want the event {}", r.status, r.body)
	}
}

func TestClientContextReachesFunction(t *testing.T) {
	// The echo demo cannot see the client context, so play the runtime:
	// a manual runtime receives the headers as a function process would.
	rt := startManualRuntime(t)
	cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"k":"v"}}`))
	call := rt.invokeAsync("{}", "X-Amz-Client-Context", cc)
	ev := rt.next()
	if got := ev.header.Get("Lambda-Runtime-Client-Context"); got != `{"custom":{"k":"v"}}` {
		t.Errorf("Lambda-Runtime-Client-Context = %q", got)
	}
	rt.post(ev.id, "response", `"ok"`, 202)
	rt.nextAsync()
	if r := <-call; r.status != 200 || string(r.body) != `"ok"` {
		t.Errorf("invoke: %d %s", r.status, r.body)
	}
}

func TestFunctionErrors(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("fail", "fail")})

	r := invokeHTTP(t, url, "fail", `{"message":"boom"}`)
	if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "Unhandled" {
		t.Fatalf("handled error: %d %q", r.status, r.header.Get("X-Amz-Function-Error"))
	}
	var goErr struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
		StackTrace   []struct {
			Path  string `json:"path"`
			Line  int    `json:"line"`
			Label string `json:"label"`
		} `json:"stackTrace"`
	}
	if err := json.Unmarshal(r.body, &goErr); err != nil || goErr.ErrorMessage != "boom" || goErr.ErrorType != "errorString" {
		t.Errorf("Go error payload %s (%v)", r.body, err)
	}
	// aws-lambda-go logs the error it posts; the log has it before END.
	ls := lines(r.log)
	if i, end := indexOfContains(ls, `{"errorMessage":"boom"`), indexOfPrefix(ls, "END "); i < 0 || i > end {
		t.Errorf("logged error not before END:\n%s", r.log)
	}
	// A handled error leaves the environment warm.
	r = invokeHTTP(t, url, "fail", `{"message":"again"}`)
	if strings.Contains(r.log, "Init Duration") {
		t.Errorf("the environment was not reused after a handled error:\n%s", r.log)
	}

	// A panic reports a stack trace and the process exits: next is cold.
	r = invokeHTTP(t, url, "fail", `{"message":"kaboom","panic":true}`)
	if err := json.Unmarshal(r.body, &goErr); err != nil || goErr.ErrorMessage != "kaboom" || len(goErr.StackTrace) == 0 {
		t.Errorf("panic payload %s (%v): want a stackTrace", r.body, err)
	}
	waitFor(t, "the panicked process to be gone", 5*time.Second, func() bool {
		st, _ := srv.Environments("fail")
		return st.Live == 0
	})
	r = invokeHTTP(t, url, "fail", `{}`)
	if !strings.Contains(r.log, "Init Duration") {
		t.Errorf("invoke after a panic was not a cold start:\n%s", r.log)
	}
}

func TestTimeoutKillsAndReplacesEnvironment(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("slow", "sleep", withTimeout(time.Second))})
	start := time.Now()
	r := invokeHTTP(t, url, "slow", `{"ms":3000}`)
	// A functional bound, not a performance figure: the kill must come at
	// the deadline, long before the 3 s sleep would end.
	if took := time.Since(start); took >= 2500*time.Millisecond {
		t.Errorf("a 1 s timeout answered after %v", took)
	}
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" {
		t.Fatalf("no function error: %d %s", r.status, r.body)
	}
	id := r.header.Get("X-Amzn-Requestid")
	want := fmt.Sprintf(`{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: %s Error: Task timed out after 1.00 seconds"}`, id)
	if string(r.body) != want {
		t.Errorf("payload\n%s\nwant\n%s", r.body, want)
	}
	ls := lines(r.log)
	m := reportRE.FindStringSubmatch(ls[len(ls)-1])
	if m == nil || m[2] != "1000.00" || m[9] != "timeout" {
		t.Errorf("REPORT %q: want Duration 1000.00 ms and Status: timeout", ls[len(ls)-1])
	}
	if i := indexOfPrefix(ls, "END "); i < 1 || !strings.HasSuffix(ls[i-1], id+" Task timed out after 1.00 seconds") {
		t.Errorf("no 'Task timed out' line before END:\n%s", r.log)
	}
	if st, _ := srv.Environments("slow"); st.Live != 0 {
		t.Errorf("the timed-out environment is still alive: %+v", st)
	}
	r = invokeHTTP(t, url, "slow", `{"ms":1}`)
	if r.status != 200 || !strings.Contains(r.log, "Init Duration") {
		t.Errorf("invoke after a timeout: %d %s, want a cold start:\n%s", r.status, r.body, r.log)
	}
}

func TestProcessExitIsRuntimeExitError(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("crash", "crash")})
	r := invokeHTTP(t, url, "crash", `{"code":3}`)
	id := r.header.Get("X-Amzn-Requestid")
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + id + ` Error: Runtime exited with error: exit status 3"}`
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != want {
		t.Errorf("got %q %s\nwant %s", r.header.Get("X-Amz-Function-Error"), r.body, want)
	}
	ls := lines(r.log)
	if indexOfPrefix(ls, "crashing with exit status 3") < 0 {
		t.Errorf("the function's last line is missing:\n%s", r.log)
	}
	if m := reportRE.FindStringSubmatch(ls[len(ls)-1]); m == nil || m[9] != "error" || m[11] != "Runtime.ExitError" {
		t.Errorf("REPORT %q: want Status: error, Error Type: Runtime.ExitError", ls[len(ls)-1])
	}
	if st, _ := srv.Environments("crash"); st.Live != 0 {
		t.Errorf("crashed environment still counted: %+v", st)
	}
	// The next invoke starts a new environment (and crashes it again).
	r = invokeHTTP(t, url, "crash", `{"code":3}`)
	if !strings.Contains(r.log, "Init Duration") {
		t.Errorf("invoke after a crash was not cold:\n%s", r.log)
	}
}

// TestExitedProcessMemoryIsItsOwn: Max Memory Used of an environment whose
// process exited is the function's, not lambench's. A child's wait4
// ru_maxrss starts from its parent's peak (exec records the peak of the
// address space it replaces, and Go starts children with vfork), so it
// reported the local Lambda's own peak for every crash.
func TestExitedProcessMemoryIsItsOwn(t *testing.T) {
	ballast := make([]byte, 400<<20) // lifts this process's peak RSS above 400 MB
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	_, url := newTestServer(t, []Function{demoFn("crash", "crash", func(f *Function) { f.MemoryMB = 3008 })})
	for range 2 {
		r := invokeHTTP(t, url, "crash", `{"code":3}`)
		ls := lines(r.log)
		m := reportRE.FindStringSubmatch(ls[len(ls)-1])
		if m == nil {
			t.Fatalf("no REPORT line:\n%s", r.log)
		}
		if mem := atoi(t, m[5]); mem < 1 || mem > 100 {
			t.Errorf("Max Memory Used %d MB for a crashed demo (this process's peak is over 400 MB): not the function's own", mem)
		}
	}
	runtime.KeepAlive(ballast)
}

func TestIdleProcessDeathIsDetected(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("hello", "hello")})
	invokeHTTP(t, url, "hello", `{}`)
	pids := srv.OwnedProcesses()
	if len(pids) != 1 {
		t.Fatalf("want one function process, have %v", pids)
	}
	killGroup(pids[0])
	waitFor(t, "the dead environment to leave the pool", 5*time.Second, func() bool {
		st, _ := srv.Environments("hello")
		return st.Live == 0
	})
	r := invokeHTTP(t, url, "hello", `{}`)
	if r.status != 200 || !strings.Contains(r.log, "Init Duration") {
		t.Errorf("after the process died: %d %s, want a cold start:\n%s", r.status, r.body, r.log)
	}
}

func TestWarmReuseIsMostRecentlyUsedFirst(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("sleep", "sleep")})
	ctx := context.Background()
	// Two concurrent invocations make two environments.
	done := make(chan *InvokeOutput, 2)
	for range 2 {
		go func() {
			out, err := srv.Invoke(ctx, &InvokeInput{FunctionName: "sleep", Payload: []byte(`{"ms":200}`)})
			if err != nil {
				t.Error(err)
			}
			done <- out
		}()
	}
	<-done
	<-done
	if st, _ := srv.Environments("sleep"); st.Idle != 2 {
		t.Fatalf("want 2 idle environments, have %+v", st)
	}
	fn := srv.function("sleep")
	srv.sched.mu.Lock()
	mru := fn.idle[len(fn.idle)-1]
	srv.sched.mu.Unlock()
	out, err := srv.Invoke(ctx, &InvokeInput{FunctionName: "sleep", Payload: []byte(`{"ms":0}`), LogType: LogTypeTail})
	if err != nil || out.Report.Cold {
		t.Fatalf("warm invoke: %v cold=%v", err, out != nil && out.Report.Cold)
	}
	evs := srv.Logs().Events("/aws/lambda/sleep", mru.streamName)
	if last := evs[len(evs)-1].Message; !strings.HasPrefix(last, "REPORT RequestId: "+out.RequestID) {
		t.Errorf("the most recently used environment did not serve the invoke; its last line is %q", last)
	}
}

func TestIdleEnvironmentsAreReaped(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("hello", "hello")}, WithIdleTimeout(200*time.Millisecond))
	invokeHTTP(t, url, "hello", `{}`)
	if st, _ := srv.Environments("hello"); st.Idle != 1 {
		t.Fatalf("want one idle environment, have %+v", st)
	}
	waitFor(t, "the idle environment to be reaped", 5*time.Second, func() bool {
		st, _ := srv.Environments("hello")
		return st.Live == 0 && len(srv.OwnedProcesses()) == 0
	})
}

func TestInitFailures(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir+"/exits/bootstrap", "#!/bin/sh\necho 'cannot start: missing config' >&2\nexit 7\n")
	writeScript(t, dir+"/hangs/bootstrap", "#!/bin/sh\necho 'initializing forever'\nexec sleep 60\n")
	writeScript(t, dir+"/noexec/bootstrap", "#!/bin/sh\n")
	srv, url := newTestServer(t, []Function{
		{Name: "exits", Code: dir + "/exits"},
		{Name: "hangs", Code: dir + "/hangs"},
		{Name: "gone", Code: dir + "/noexec"},
	}, WithInitTimeout(300*time.Millisecond))

	r := invokeHTTP(t, url, "exits", `{}`)
	id := r.header.Get("X-Amzn-Requestid")
	if want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + id + ` Error: Runtime exited with error: exit status 7"}`; string(r.body) != want {
		t.Errorf("init exit: %s\nwant %s", r.body, want)
	}
	// As on AWS, the failed init is retried once within the invocation:
	// its output twice, each followed by its INIT_REPORT, then START.
	if !regexp.MustCompile(`^cannot start: missing config\nINIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError\n` +
		`cannot start: missing config\nINIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError\nSTART RequestId: ` + id).MatchString(r.log) {
		t.Errorf("init output and INIT_REPORTs missing from the tail before START:\n%s", r.log)
	}
	if !strings.Contains(r.log, "Status: error\tError Type: Runtime.ExitError") {
		t.Errorf("REPORT lacks the error status:\n%s", r.log)
	}

	r = invokeHTTP(t, url, "hangs", `{}`)
	if !strings.Contains(string(r.body), `"errorType":"Sandbox.Timedout"`) || r.header.Get("X-Amz-Function-Error") != "Unhandled" {
		t.Errorf("init that never calls next: %d %s", r.status, r.body)
	}
	if st, _ := srv.Environments("hangs"); st.Live != 0 {
		t.Errorf("hung environment kept: %+v", st)
	}

	// The bootstrap is removed after validation: the start fails.
	os.Remove(dir + "/noexec/bootstrap")
	r = invokeHTTP(t, url, "gone", `{}`)
	if !strings.Contains(string(r.body), `"errorType":"Runtime.InvalidEntrypoint"`) {
		t.Errorf("missing bootstrap: %d %s", r.status, r.body)
	}
}
