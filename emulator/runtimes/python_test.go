//go:build unix

package runtimes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const pythonRuntime = "python3.11"

// pythonLine matches one root-logger line: [LEVEL]\tTIMESTAMP\tREQUEST_ID\tmessage.
var pythonLine = regexp.MustCompile(`^\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([^\t]*)\t(.*)$`)

func TestPythonServesInvocationsInARow(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, pythonRuntime, "python/app", "lambda_function.hello")
	api.waitNext(t)
	for i := range 5 {
		name := "n" + strconv.Itoa(i)
		_, post := api.invoke(t, fakeEvent{body: `{"name":"` + name + `"}`})
		wantKind(t, post, "response")
		m := decode(t, post.body)
		if m["hello"] != name {
			t.Errorf("invocation %d answered %s", i, post.body)
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

func TestPythonPackages(t *testing.T) {
	t.Parallel()
	for _, handler := range []string{"pkg.mod.handler", "pkg/mod.handler"} {
		t.Run(strings.ReplaceAll(handler, "/", "_"), func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			start(t, api, pythonRuntime, "python/app", handler)
			_, post := api.invoke(t, fakeEvent{})
			wantKind(t, post, "response")
			if string(post.body) != `{"module": "pkg.mod"}` {
				t.Errorf("body %s", post.body)
			}
		})
	}
}

func TestPythonContext(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	start(t, api, pythonRuntime, "python/app", "lambda_function.context_fields")
	ev, post := api.invoke(t, fakeEvent{
		deadline:      time.Now().Add(10 * time.Second),
		clientContext: `{"custom":{"k":"v"},"env":{},"client":{"app_title":"app"}}`,
		identity:      `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
	})
	wantKind(t, post, "response")
	m := decode(t, post.body)
	code, _ := filepath.Abs("testdata/python/app")
	checks := map[string]any{
		"aws_request_id":       ev.id,
		"function_name":        testFunction,
		"function_version":     "$LATEST",
		"invoked_function_arn": testARN,
		"memory_limit_in_mb":   "256", // a string, as on AWS
		"log_group_name":       "/aws/lambda/" + testFunction,
		"log_stream_name":      testStream,
		"client_app_title":     "app",
		"identity_id":          "id-1",
		"identity_pool":        "pool-1",
		"trace_env":            ev.trace,
		"cwd":                  code,
		"sys_path0":            code,
	}
	for k, want := range checks {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	// PYTHONHOME pinned the interpreter's own library, then was dropped.
	if m["pythonhome"] != nil {
		t.Errorf("the function sees PYTHONHOME=%v", m["pythonhome"])
	}
	in := interpreter(t, pythonRuntime)
	if home, _, _ := strings.Cut(in.Home, ":"); !strings.HasPrefix(m["stdlib"].(string), home) {
		t.Errorf("standard library from %v, not from the interpreter's prefix %s", m["stdlib"], home)
	}
	if cc, _ := m["client_custom"].(map[string]any); cc["k"] != "v" {
		t.Errorf("client_context.custom = %v", m["client_custom"])
	}
	// get_remaining_time_in_millis() is the deadline header minus now.
	if r, _ := m["remaining"].(float64); r <= 5000 || r > 10000 {
		t.Errorf("get_remaining_time_in_millis() = %v, want a little under 10000", m["remaining"])
	}
}

// checkPythonError checks the AWS shape
// {"errorMessage","errorType","requestId","stackTrace"} and the error type
// header, and returns the stack trace.
func checkPythonError(t *testing.T, post fakePost, errorType, errorMessage, requestID string) []string {
	t.Helper()
	m := decode(t, post.body)
	wantKeys(t, m, "errorMessage", "errorType", "requestId", "stackTrace")
	if m["errorType"] != errorType {
		t.Errorf("errorType = %v, want %q", m["errorType"], errorType)
	}
	if m["errorMessage"] != errorMessage {
		t.Errorf("errorMessage = %v, want %q", m["errorMessage"], errorMessage)
	}
	if m["requestId"] != requestID {
		t.Errorf("requestId = %v, want %q", m["requestId"], requestID)
	}
	wantErrorTypeHeader(t, post, errorType)
	return stringList(t, m["stackTrace"])
}

func TestPythonRaise(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, pythonRuntime, "python/app", "lambda_function.fail")
	ev, post := api.invoke(t, fakeEvent{body: `{"value":3}`})
	wantKind(t, post, "error")
	trace := checkPythonError(t, post, "ValueError", "bad value: 3", ev.id)
	file, _ := filepath.Abs("testdata/python/app/lambda_function.py")
	callLine := lineOf(t, file, `    helper(event["value"])`)
	raiseLine := lineOf(t, file, `    raise ValueError("bad value: %s" % value)`)
	// As traceback.format_list gives them, without the client's frames.
	want := []string{
		`  File "` + file + `", line ` + callLine + `, in fail` + "\n" + `    helper(event["value"])` + "\n",
		`  File "` + file + `", line ` + raiseLine + `, in helper` + "\n" + `    raise ValueError("bad value: %s" % value)` + "\n",
	}
	if len(trace) != len(want) {
		t.Fatalf("stackTrace %q, want %q", trace, want)
	}
	for i := range want {
		if trace[i] != want[i] {
			t.Errorf("stackTrace[%d] = %q, want %q", i, trace[i], want[i])
		}
	}
	if xr := post.header.Get("Lambda-Runtime-Function-XRay-Error-Cause"); !strings.Contains(xr, `"type": "ValueError"`) {
		t.Errorf("X-Ray cause header %q", xr)
	}
	// Logged as one line: [ERROR] type: message, then the traceback joined by \r.
	out := p.waitOutput(t, "[ERROR] ValueError")
	wantLog := "[ERROR] ValueError: bad value: 3\rTraceback (most recent call last):\r" +
		"\u00a0\u00a0File \"" + file + "\", line " + callLine + ", in fail\r\u00a0\u00a0\u00a0\u00a0helper(event[\"value\"])\r" +
		"\u00a0\u00a0File \"" + file + "\", line " + raiseLine + ", in helper\r\u00a0\u00a0\u00a0\u00a0raise ValueError(\"bad value: %s\" % value)\n"
	if !strings.Contains(out, wantLog) {
		t.Errorf("output %q lacks %q", out, wantLog)
	}
	api.waitNext(t)
	if !p.alive() {
		t.Error("the process exited after a handler error")
	}
}

func TestPythonMarshalling(t *testing.T) {
	t.Parallel()
	t.Run("MarshalError", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, pythonRuntime, "python/app", "lambda_function.not_serialisable")
		ev, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "error")
		trace := checkPythonError(t, post, "Runtime.MarshalError",
			"Unable to marshal response: Object of type set is not JSON serializable", ev.id)
		if len(trace) != 0 {
			t.Errorf("stackTrace %q, want []", trace)
		}
	})
	t.Run("Decimal", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, pythonRuntime, "python/app", "lambda_function.decimals")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "response")
		want := `{"price": 12.50, "ratio": 0.1, "text": "caf\u00e9"}`
		if string(post.body) != want {
			t.Errorf("body %s, want %s", post.body, want)
		}
	})
	t.Run("Python312Unicode", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		// python3.12 and later answer UTF-8 unescaped; the interpreter
		// may be older here, the client follows AWS_EXECUTION_ENV.
		start(t, api, "python3.12", "python/app", "lambda_function.decimals")
		_, post := api.invoke(t, fakeEvent{})
		want := `{"price": 12.50, "ratio": 0.1, "text": "café"}`
		if string(post.body) != want {
			t.Errorf("body %s, want %s", post.body, want)
		}
	})
	t.Run("Bytes", func(t *testing.T) {
		t.Parallel()
		api := newFakeAPI(t)
		start(t, api, pythonRuntime, "python/app", "lambda_function.raw_bytes")
		_, post := api.invoke(t, fakeEvent{})
		wantKind(t, post, "response")
		if string(post.body) != "\x00raw" || post.header.Get("Content-Type") != "application/unknown" {
			t.Errorf("body %q, Content-Type %q", post.body, post.header.Get("Content-Type"))
		}
	})
}

func TestPythonLogging(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, pythonRuntime, "python/app", "lambda_function.logs")
	ev, post := api.invoke(t, fakeEvent{})
	wantKind(t, post, "response")
	p.waitOutput(t, "two\rlines")
	lines := strings.Split(strings.TrimSuffix(p.out.String(), "\n"), "\n")
	if len(lines) != 4 || lines[0] != "printed line" {
		t.Fatalf("output lines %q: want the print() line then three records", lines)
	}
	want := []struct{ level, msg string }{
		{"INFO", "info record formatted"},
		{"WARNING", "warning record"},
		{"ERROR", "two\rlines"}, // one record stays one line
	}
	for i, w := range want {
		m := pythonLine.FindStringSubmatch(lines[i+1])
		if m == nil {
			t.Errorf("line %q is not [LEVEL]\\tTIMESTAMP\\tREQUEST_ID\\tmessage", lines[i+1])
			continue
		}
		if m[1] != w.level || m[2] != ev.id || m[3] != w.msg {
			t.Errorf("line %q: want level %s, request %s, message %q", lines[i+1], w.level, ev.id, w.msg)
		}
	}
}

func TestPythonJSONLogFormat(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	p := start(t, api, pythonRuntime, "python/app", "lambda_function.logs", "AWS_LAMBDA_LOG_FORMAT=JSON")
	ev, _ := api.invoke(t, fakeEvent{})
	p.waitOutput(t, "two")
	recs := p.lines(`"level": "WARNING"`)
	if len(recs) != 1 {
		t.Fatalf("no WARNING record in %q", p.out.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(recs[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["message"] != "warning record" || rec["requestId"] != ev.id || rec["logger"] != "root" {
		t.Errorf("record %v", rec)
	}
}

func TestPythonInitErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, dir, handler, errorType, message string
		trace                                  bool // a non-empty stackTrace
	}{
		{"ImportModuleError", "python/app", "missing_module.handler", "Runtime.ImportModuleError",
			"Unable to import module 'missing_module': No module named 'missing_module'", false},
		{"ImportInsideModule", "python/app", "broken_import.handler", "Runtime.ImportModuleError",
			"Unable to import module 'broken_import': No module named 'module_that_does_not_exist'", false},
		{"HandlerNotFound", "python/app", "lambda_function.nope", "Runtime.HandlerNotFound",
			"Handler 'nope' missing on module 'lambda_function'", false},
		{"MalformedHandlerName", "python/app", "nodot", "Runtime.MalformedHandlerName",
			"Bad handler 'nodot': not enough values to unpack (expected 2, got 1)", false},
		{"BuiltInModuleConflict", "python/app", "sys.handler", "Runtime.BuiltInModuleConflict",
			"Cannot use built-in module sys as a handler module", false},
		{"UserCodeSyntaxError", "python/syntax", "bad.handler", "Runtime.UserCodeSyntaxError",
			"Syntax error in module 'bad': ", true}, // the rest depends on the Python version
		{"RaisesWhileLoading", "python/initraise", "boom.handler", "RuntimeError", "config missing", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			p := start(t, api, pythonRuntime, c.dir, c.handler)
			post := api.waitPost(t)
			wantKind(t, post, "init")
			m := decode(t, post.body)
			wantKeys(t, m, "errorMessage", "errorType", "requestId", "stackTrace")
			if m["errorType"] != c.errorType {
				t.Errorf("errorType = %v, want %q", m["errorType"], c.errorType)
			}
			if msg, _ := m["errorMessage"].(string); !strings.HasPrefix(msg, c.message) {
				t.Errorf("errorMessage = %q, want %q", msg, c.message)
			}
			if m["requestId"] != "" {
				t.Errorf("requestId = %v, want \"\" before any invocation", m["requestId"])
			}
			wantErrorTypeHeader(t, post, c.errorType)
			trace := stringList(t, m["stackTrace"])
			if c.trace != (len(trace) > 0) {
				t.Errorf("stackTrace %q", trace)
			}
			for _, e := range trace {
				if strings.Contains(e, "bootstrap.py") {
					t.Errorf("stackTrace shows the client's own frame: %q", e)
				}
			}
			if code := p.waitExit(t); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			out := p.out.String()
			if !strings.Contains(out, "[ERROR] "+c.errorType+": "+c.message) || !strings.Contains(out, "\rTraceback (most recent call last):") {
				t.Errorf("no error line in %q", out)
			}
			if !strings.Contains(out, "[WARNING]\t") || !strings.Contains(out, "\t\tLAMBDA_WARNING: Unhandled exception.") {
				t.Errorf("no LAMBDA_WARNING line in %q", out)
			}
		})
	}
}

// lineOf returns the number of the line of file that is exactly text.
func lineOf(t *testing.T, file, text string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if l == text {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatalf("%s has no line %q", file, text)
	return ""
}
