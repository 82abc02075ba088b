package invoke

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseTextReport(t *testing.T) {
	cold, ok := ParseReport("REPORT RequestId: 5c3e\tDuration: 3.01 ms\tBilled Duration: 114 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\tInit Duration: 110.10 ms\t")
	if !ok || cold.RequestID != "5c3e" || cold.Duration != 3010*time.Microsecond || cold.BilledDuration != 114*time.Millisecond ||
		cold.MemorySizeMB != 128 || cold.MaxMemoryUsedMB != 36 || cold.InitDuration != 110100*time.Microsecond || !cold.Cold() {
		t.Errorf("cold report %+v", cold)
	}
	warm, _ := ParseReport("REPORT RequestId: x\tDuration: 0.91 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB\t")
	if warm.Cold() || warm.Duration != 910*time.Microsecond {
		t.Errorf("warm report %+v", warm)
	}
	oom, _ := ParseReport("REPORT RequestId: x\tDuration: 812.40 ms\tBilled Duration: 813 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory")
	if oom.Status != "error" || oom.ErrorType != "Runtime.OutOfMemory" {
		t.Errorf("oom report %+v", oom)
	}
	snap, _ := ParseReport("REPORT RequestId: x\tDuration: 5.00 ms\tBilled Duration: 200 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 250.00 ms\tBilled Restore Duration: 150 ms")
	if !snap.Cold() || snap.RestoreDuration != 250*time.Millisecond {
		t.Errorf("SnapStart report %+v", snap)
	}
	if _, ok := ParseReport("START RequestId: x Version: $LATEST"); ok {
		t.Error("a START line parsed as a REPORT")
	}
}

func TestParseJSONReport(t *testing.T) {
	line := `{"time":"2026-11-27T10:00:00.000Z","type":"platform.report","record":{"requestId":"abc","metrics":{"durationMs":2.5,"billedDurationMs":3,"memorySizeMB":256,"maxMemoryUsedMB":40,"initDurationMs":87.25},"status":"success"}}`
	r, ok := ParseReport(line)
	if !ok || r.RequestID != "abc" || r.Duration != 2500*time.Microsecond || r.MemorySizeMB != 256 || !r.Cold() || r.InitDuration != 87250*time.Microsecond || r.Status != "" {
		t.Errorf("JSON report %+v %v", r, ok)
	}
	r, _ = ParseReport(`{"type":"platform.report","record":{"requestId":"t","metrics":{"durationMs":3000},"status":"timeout"}}`)
	if r.Cold() || r.Status != "timeout" {
		t.Errorf("JSON timeout %+v", r)
	}
}

func TestFindReportTakesTheLast(t *testing.T) {
	tail := "START RequestId: a Version: $LATEST\nhello\nEND RequestId: a\nREPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t\n"
	if r := FindReport(tail); r == nil || r.RequestID != "a" {
		t.Errorf("FindReport: %+v", r)
	}
	if FindReport("no report here\n") != nil {
		t.Error("found a report in a tail without one")
	}
}

// TestFindReportAfterFailedInit: AWS reports a failed (and retried) init
// in INIT_REPORT lines, not in the REPORT: the invocation is still cold.
func TestFindReportAfterFailedInit(t *testing.T) {
	tail := "REPORT RequestId: z\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t\n" +
		"cannot import\nINIT_REPORT Init Duration: 157.45 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError\n" +
		"cannot import\nINIT_REPORT Init Duration: 143.82 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError\n" +
		"START RequestId: a Version: $LATEST\nEND RequestId: a\n" +
		"REPORT RequestId: a\tDuration: 143.84 ms\tBilled Duration: 144 ms\tMemory Size: 128 MB\tMax Memory Used: 13 MB\tStatus: error\tError Type: Runtime.ImportModuleError\t\n"
	r := FindReport(tail)
	if r == nil || r.RequestID != "a" || !r.Cold() || r.InitDuration != 143820*time.Microsecond || r.ErrorType != "Runtime.ImportModuleError" {
		t.Errorf("FindReport after a failed init: %+v", r)
	}
	// An INIT_REPORT of an earlier invocation does not make a warm one cold.
	warm := "INIT_REPORT Init Duration: 157.45 ms\tPhase: init\tStatus: error\n" +
		"REPORT RequestId: z\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t\n" +
		"START RequestId: b Version: $LATEST\nEND RequestId: b\n" +
		"REPORT RequestId: b\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t\n"
	if r := FindReport(warm); r == nil || r.RequestID != "b" || r.Cold() {
		t.Errorf("FindReport of a warm invocation: %+v", r)
	}
}

func TestParseFunctionErrorShapes(t *testing.T) {
	cases := []struct {
		name, payload string
		typ, msg      string
		stack         []string
	}{
		{"go", `{"errorMessage":"boom","errorType":"errorString"}`, "errorString", "boom", nil},
		{"go panic", `{"errorMessage":"kaboom","errorType":"string","stackTrace":[{"path":"github.com/x/main.go","line":12,"label":"handler"}]}`,
			"string", "kaboom", []string{"github.com/x/main.go:12 handler"}},
		{"node", `{"errorType":"TypeError","errorMessage":"x is undefined","trace":["TypeError: x is undefined","    at handler (/var/task/index.js:3:9)"]}`,
			"TypeError", "x is undefined", []string{"at handler (/var/task/index.js:3:9)"}},
		{"python", `{"errorMessage":"division by zero","errorType":"ZeroDivisionError","requestId":"r","stackTrace":["  File \"/var/task/app.py\", line 2, in handler\n    return 1/0\n"]}`,
			"ZeroDivisionError", "division by zero", []string{`File "/var/task/app.py", line 2, in handler`, "return 1/0"}},
		{"lambda timeout", `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: r Error: Task timed out after 3.00 seconds"}`,
			"Sandbox.Timedout", "RequestId: r Error: Task timed out after 3.00 seconds", nil},
		{"not json", `upstream broke`, "", "upstream broke", nil},
	}
	for _, tc := range cases {
		fe := ParseFunctionError("Unhandled", []byte(tc.payload))
		if fe.Type != tc.typ || fe.Message != tc.msg || fmt.Sprint(fe.Stack) != fmt.Sprint(tc.stack) || fe.Kind != "Unhandled" {
			t.Errorf("%s: %+v", tc.name, fe)
		}
	}
}

func TestErrorsAndTarget(t *testing.T) {
	th := fmt.Errorf("invoke: %w", &ServiceError{Code: "TooManyRequestsException", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded", StatusCode: 429})
	if !IsThrottle(th) || IsNotFound(th) || !strings.Contains(th.Error(), "ReservedFunctionConcurrentInvocationLimitExceeded") {
		t.Errorf("throttle: %v", th)
	}
	if !IsNotFound(&ServiceError{Code: "ResourceNotFoundException"}) {
		t.Error("not found")
	}
	u := Unsupported(Target{Kind: RIE, Endpoint: "http://127.0.0.1:8080"}, "listing functions", "an RIE endpoint serves one function")
	if !errors.Is(u, ErrUnsupported) || u.Error() != "rie · 127.0.0.1:8080: listing functions not supported by this target; an RIE endpoint serves one function" {
		t.Errorf("unsupported: %v", u)
	}
	if s := (Target{Kind: AWS, Profile: "dev", Region: "eu-west-1"}).String(); s != "aws · dev · eu-west-1" {
		t.Errorf("target %q", s)
	}
}
