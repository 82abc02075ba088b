//go:build unix

package runtimes

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const nodeRuntime = "nodejs20.x"

// nodeLine matches one console line: TIMESTAMP\tREQUEST_ID\tLEVEL\tmessage.
var nodeLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([^\t]+)\t(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t(.*)$`)

func TestNodeServesInvocationsInARow(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, nodeRuntime, "node/cjs", "index.echo")
	api.waitNext(t)
	for i := range 5 {
		body := `{"n":` + strconv.Itoa(i) + `,"s":"héllo"}`
		_, post := api.invoke(t, fakeEvent{body: body})
		wantKind(t, post, "response")
		want := `{"echo":` + body + `}`
		if string(post.body) != want {
			t.Errorf("invocation %d: body %s, want %s", i, post.body, want)
		}
		if ct := post.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		api.waitNext(t)
	}
	if !p.alive() {
		t.Fatal("the process exited")
	}
	if n := api.connections(); n != 1 {
		t.Errorf("the client used %d connections for 5 invocations, want 1 kept alive", n)
	}
	if out := p.out.String(); out != "" {
		t.Errorf("the client printed %q; it should print nothing of its own", out)
	}
}

func TestNodeHandlerStyles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dir, handler, event, want string
	}{
		{"node/cjs", "index.sync", `{}`, `null`},
		{"node/cjs", "index.callback", `{"n":7}`, `{"via":"callback","n":7}`},
		{"node/cjs", "index.nested.deeper.fn", `{}`, `"nested export"`},
		{"node/esm", "app.handler", `{"x":1}`, ``}, // checked below
		{"node/typemodule", "index.handler", `{"y":2}`, `{"type":"module","isEsm":true,"event":{"y":2}}`},
		{"node/nested", "src/api.handler", `{"name":"lambda"}`, `"hello lambda"`},
		{"node/typemodule", "legacy.handler", `{}`, `{"legacy":true,"isCjs":true}`},
		{"node/cjs", "index.done", `{}`, `"done called"`},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.dir+"/"+c.handler, "/", "_"), func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			start(t, api, nodeRuntime, c.dir, c.handler)
			ev, post := api.invoke(t, fakeEvent{body: c.event})
			wantKind(t, post, "response")
			if c.handler == "app.handler" {
				m := decode(t, post.body)
				if m["module"] != "esm" || m["requestId"] != ev.id {
					t.Errorf("ES module handler answered %s", post.body)
				}
				return
			}
			if string(post.body) != c.want {
				t.Errorf("body %s, want %s", post.body, c.want)
			}
		})
	}
}

func TestNodeContext(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	start(t, api, nodeRuntime, "node/cjs", "index.context")
	ev, post := api.invoke(t, fakeEvent{
		deadline:      time.Now().Add(10 * time.Second),
		clientContext: `{"custom":{"k":"v"},"env":{"platform":"test"}}`,
		identity:      `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
	})
	wantKind(t, post, "response")
	var got struct {
		AwsRequestID       string         `json:"awsRequestId"`
		FunctionName       string         `json:"functionName"`
		FunctionVersion    string         `json:"functionVersion"`
		InvokedFunctionArn string         `json:"invokedFunctionArn"`
		MemoryLimitInMB    any            `json:"memoryLimitInMB"`
		LogGroupName       string         `json:"logGroupName"`
		LogStreamName      string         `json:"logStreamName"`
		Remaining          float64        `json:"remaining"`
		ClientContext      map[string]any `json:"clientContext"`
		Identity           map[string]any `json:"identity"`
		CallbackWaits      bool           `json:"callbackWaitsForEmptyEventLoop"`
		TraceEnv           string         `json:"traceEnv"`
		Cwd                string         `json:"cwd"`
	}
	if err := json.Unmarshal(post.body, &got); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"awsRequestId", got.AwsRequestID, ev.id},
		{"functionName", got.FunctionName, testFunction},
		{"functionVersion", got.FunctionVersion, "$LATEST"},
		{"invokedFunctionArn", got.InvokedFunctionArn, testARN},
		{"memoryLimitInMB", got.MemoryLimitInMB, "256"}, // a string, as on AWS
		{"logGroupName", got.LogGroupName, "/aws/lambda/" + testFunction},
		{"logStreamName", got.LogStreamName, testStream},
		{"callbackWaitsForEmptyEventLoop", got.CallbackWaits, true},
		{"_X_AMZN_TRACE_ID", got.TraceEnv, ev.trace},
		{"clientContext.custom.k", got.ClientContext["custom"].(map[string]any)["k"], "v"},
		{"identity.cognitoIdentityId", got.Identity["cognitoIdentityId"], "id-1"},
		{"identity.cognitoIdentityPoolId", got.Identity["cognitoIdentityPoolId"], "pool-1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	// getRemainingTimeInMillis is the deadline header minus now.
	if got.Remaining <= 5000 || got.Remaining > 10000 {
		t.Errorf("getRemainingTimeInMillis() = %v, want a little under 10000", got.Remaining)
	}
	if !strings.HasSuffix(got.Cwd, "testdata/node/cjs") {
		t.Errorf("cwd %q is not the task root", got.Cwd)
	}
}

// checkNodeError checks the AWS shape {"errorType","errorMessage","trace"}
// and the error type header, and returns the trace.
func checkNodeError(t *testing.T, post fakePost, errorType, errorMessage string) []string {
	t.Helper()
	m := decode(t, post.body)
	wantKeys(t, m, "errorType", "errorMessage", "trace")
	if m["errorType"] != errorType {
		t.Errorf("errorType = %v, want %q", m["errorType"], errorType)
	}
	if m["errorMessage"] != errorMessage {
		t.Errorf("errorMessage = %v, want %q", m["errorMessage"], errorMessage)
	}
	wantErrorTypeHeader(t, post, errorType)
	return stringList(t, m["trace"])
}

func TestNodeInvokeErrors(t *testing.T) {
	t.Parallel()
	t.Run("thrown", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		p := start(t, api, nodeRuntime, "node/cjs", "index.throws")
		ev, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
		trace := checkNodeError(t, post, "TypeError", "bad thing")
		if len(trace) < 2 || trace[0] != "TypeError: bad thing" || !strings.Contains(trace[1], "testdata/node/cjs/index.js:") {
			t.Errorf("trace %q: want the stack, line by line, from the handler", trace)
		}
		if xr := post.header.Get("Lambda-Runtime-Function-XRay-Error-Cause"); !strings.Contains(xr, `"type":"TypeError"`) {
			t.Errorf("X-Ray cause header %q", xr)
		}
		// Logged as "Invoke Error" with the error as JSON.
		out := p.waitOutput(t, "\tInvoke Error \t")
		line := p.lines("Invoke Error")[0]
		m := nodeLine.FindStringSubmatch(line)
		if m == nil || m[1] != ev.id || m[2] != "ERROR" || !strings.HasPrefix(m[3], `Invoke Error `+"\t"+`{"errorType":"TypeError","errorMessage":"bad thing","stack":["TypeError: bad thing",`) {
			t.Errorf("error log line %q (output %q)", line, out)
		}
		// The process keeps serving.
		api.waitNext(t)
		_, post = api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
	})
	t.Run("callback", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, nodeRuntime, "node/cjs", "index.callbackError")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
		checkNodeError(t, post, "Error", "callback failed")
	})
	t.Run("string", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, nodeRuntime, "node/cjs", "index.rejectString")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
		if trace := checkNodeError(t, post, "string", "plain string"); len(trace) != 0 {
			t.Errorf("trace %q, want []", trace)
		}
	})
	t.Run("unstringifiable", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, nodeRuntime, "node/cjs", "index.circular")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
		checkNodeError(t, post, "Error", "Unable to stringify response body")
	})
	t.Run("neverSettles", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		p := start(t, api, nodeRuntime, "node/cjs", "index.neverSettles")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
		m := decode(t, post.body)
		if m["errorType"] != "Runtime.NodeJsExit" {
			t.Errorf("errorType %v, want Runtime.NodeJsExit", m["errorType"])
		}
		wantErrorTypeHeader(t, post, "Runtime.NodeJsExit")
		api.waitNext(t)
		if !p.alive() {
			t.Error("the process exited")
		}
	})
}

func TestNodeUnhandledRejection(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, nodeRuntime, "node/cjs", "index.unhandled")
	_, post := api.invoke(t, fakeEvent{})
	wantKind(t, post, "error")
	trace := checkNodeError(t, post, "Runtime.UnhandledPromiseRejection", "Error: nobody caught me")
	if len(trace) == 0 || trace[0] != "Runtime.UnhandledPromiseRejection: Error: nobody caught me" {
		t.Errorf("trace %q", trace)
	}
	if code := p.waitExit(t); code != 128 {
		t.Errorf("exit code %d, want 128", code)
	}
	if l := p.lines("\tERROR\tUnhandled Promise Rejection \t{\"errorType\":\"Runtime.UnhandledPromiseRejection\""); len(l) != 1 {
		t.Errorf("no Unhandled Promise Rejection log line in %q", p.out.String())
	}
}

func TestNodeUncaughtException(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, nodeRuntime, "node/cjs", "index.uncaught")
	_, post := api.invoke(t, fakeEvent{})
	wantKind(t, post, "error")
	checkNodeError(t, post, "RangeError", "thrown from a timer")
	if code := p.waitExit(t); code != 129 {
		t.Errorf("exit code %d, want 129", code)
	}
	if l := p.lines("\tERROR\tUncaught Exception \t{\"errorType\":\"RangeError\""); len(l) != 1 {
		t.Errorf("no Uncaught Exception log line in %q", p.out.String())
	}
}

func TestNodeCallbackWaitsForEmptyEventLoop(t *testing.T) {
	t.Parallel()
	t.Run("true", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		p := start(t, api, nodeRuntime, "node/cjs", "index.callbackWaits")
		begin := time.Now()
		_, post := api.invoke(t, fakeEvent{body: `{"wait":true,"delayMs":400}`})
		wantKind(t, post, "response")
		if d := time.Since(begin); d < 350*time.Millisecond {
			t.Errorf("answered after %v, before the 400 ms timer left the event loop", d)
		}
		p.waitOutput(t, "\tINFO\ttimer fired")
	})
	t.Run("false", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		p := start(t, api, nodeRuntime, "node/cjs", "index.callbackWaits")
		begin := time.Now()
		_, post := api.invoke(t, fakeEvent{body: `{"wait":false,"delayMs":4000}`})
		wantKind(t, post, "response")
		if d := time.Since(begin); d > 3*time.Second {
			t.Errorf("answered after %v: it waited for the timer", d)
		}
		if strings.Contains(p.out.String(), "timer fired") {
			t.Error("the timer fired before the answer")
		}
	})
}

func TestNodeConsoleFormat(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, nodeRuntime, "node/cjs", "index.logs")
	ev, post := api.invoke(t, fakeEvent{})
	wantKind(t, post, "response")
	p.waitOutput(t, "nested")
	want := []struct{ level, msg string }{
		{"INFO", "plain log"},
		{"INFO", "info formatted"},
		{"WARN", "warn line"},
		{"ERROR", "error line"},
		{"DEBUG", "debug line"},
		{"INFO", "line one\rline two"}, // one message stays one line
		{"INFO", "{ nested: { a: 1 } }"},
	}
	lines := strings.Split(strings.TrimSuffix(p.out.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d: %q", len(lines), len(want), lines)
	}
	for i, w := range want {
		m := nodeLine.FindStringSubmatch(lines[i])
		if m == nil {
			t.Errorf("line %q is not TIMESTAMP\\tREQUEST_ID\\tLEVEL\\tmessage", lines[i])
			continue
		}
		if m[1] != ev.id || m[2] != w.level || m[3] != w.msg {
			t.Errorf("line %q: want request %s, level %s, message %q", lines[i], ev.id, w.level, w.msg)
		}
	}
}

func TestNodeLogLevelAndJSONFormat(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, nodeRuntime, "node/cjs", "index.logs", "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL=WARN")
	ev, _ := api.invoke(t, fakeEvent{})
	p.waitOutput(t, "error line")
	lines := strings.Split(strings.TrimSuffix(p.out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want the WARN and ERROR lines only, got %q", lines)
	}
	for i, level := range []string{"WARN", "ERROR"} {
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
			t.Fatalf("line %q: %v", lines[i], err)
		}
		if rec["level"] != level || rec["requestId"] != ev.id || rec["timestamp"] == nil {
			t.Errorf("record %v", rec)
		}
	}
}

func TestNodeInitErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, dir, handler, errorType, messagePrefix string
	}{
		{"ImportModuleError", "node/cjs", "missing.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'missing'"},
		{"HandlerNotFound", "node/cjs", "index.nope", "Runtime.HandlerNotFound", "index.nope is undefined or not exported"},
		{"NotAFunction", "node/cjs", "index.notAFunction", "Runtime.HandlerNotFound", "index.notAFunction is not a function"},
		{"MalformedHandlerName", "node/cjs", "index", "Runtime.MalformedHandlerName", "Bad handler"},
		{"RelativePath", "node/cjs", "../cjs/index.echo", "Runtime.MalformedHandlerName", "'../cjs/index.echo' is not a valid handler name."},
		{"UserCodeSyntaxError", "node/syntax", "index.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected token"},
		{"ThrowsWhileLoading", "node/initthrow", "index.handler", "Error", "failed while loading"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			p := start(t, api, nodeRuntime, c.dir, c.handler)
			post := api.waitPost(t)
			wantKind(t, post, "init")
			m := decode(t, post.body)
			wantKeys(t, m, "errorType", "errorMessage", "trace")
			if m["errorType"] != c.errorType {
				t.Errorf("errorType %v, want %s", m["errorType"], c.errorType)
			}
			msg, _ := m["errorMessage"].(string)
			if !strings.HasPrefix(msg, c.messagePrefix) {
				t.Errorf("errorMessage %q, want it to start with %q", msg, c.messagePrefix)
			}
			trace := stringList(t, m["trace"])
			if len(trace) == 0 || !strings.HasPrefix(trace[0], c.errorType+": ") {
				t.Errorf("trace %q", trace)
			}
			wantErrorTypeHeader(t, post, c.errorType)
			if code := p.waitExit(t); code != 129 {
				t.Errorf("exit code %d, want 129", code)
			}
			// Logged before any request: the request id is "undefined".
			want := "\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"" + c.errorType + "\""
			if len(p.lines(want)) != 1 {
				t.Errorf("no %q line in %q", want, p.out.String())
			}
		})
	}
}

func TestNodeResponseStreaming(t *testing.T) {
	t.Parallel()
	t.Run("ok", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, nodeRuntime, "node/stream", "index.handler")
		ev, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "response")
		if m := post.header.Get("Lambda-Runtime-Function-Response-Mode"); m != "streaming" {
			t.Errorf("Lambda-Runtime-Function-Response-Mode = %q", m)
		}
		if ct := post.header.Get("Content-Type"); ct != "application/vnd.awslambda.http-integration-response" {
			t.Errorf("Content-Type = %q", ct)
		}
		want := `{"statusCode":201,"headers":{"x-request":"` + ev.id + `"}}` + strings.Repeat("\x00", 8) + "hello world"
		if string(post.body) != want {
			t.Errorf("body %q, want %q", post.body, want)
		}
		if et := post.trailer.Get("Lambda-Runtime-Function-Error-Type"); et != "" {
			t.Errorf("error trailer %q on a success", et)
		}
		api.waitNext(t)
		_, post = api.invoke(t, fakeEvent{})
		wantKind(t, post, "response")
	})
	t.Run("fails", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, nodeRuntime, "node/stream", "index.fails")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "response")
		if string(post.body) != "partial" || post.header.Get("Content-Type") != "text/plain" {
			t.Errorf("body %q, Content-Type %q", post.body, post.header.Get("Content-Type"))
		}
		if et := post.trailer.Get("Lambda-Runtime-Function-Error-Type"); et != "Error" {
			t.Errorf("error type trailer %q, want Error", et)
		}
		raw, err := base64.StdEncoding.DecodeString(post.trailer.Get("Lambda-Runtime-Function-Error-Body"))
		if err != nil {
			t.Fatal(err)
		}
		m := decode(t, raw)
		if m["errorType"] != "Error" || m["errorMessage"] != "failed mid-stream" {
			t.Errorf("error body trailer %s", raw)
		}
		api.waitNext(t)
	})
}
