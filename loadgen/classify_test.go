package loadgen

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lambench/lambench/loadgen/stats"
)

func tailHeader(lines ...string) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Join(lines, "\n") + "\n"))
}

const (
	coldReport = "REPORT RequestId: 6f1c\tDuration: 51.20 ms\tBilled Duration: 52 ms\tMemory Size: 256 MB\tMax Memory Used: 20 MB\tInit Duration: 80.50 ms\t"
	warmReport = "REPORT RequestId: 6f1d\tDuration: 50.40 ms\tBilled Duration: 51 ms\tMemory Size: 256 MB\tMax Memory Used: 21 MB\t"
	jsonReport = `{"time":"2026-01-01T00:00:00Z","type":"platform.report","record":{"requestId":"6f1e","metrics":{"durationMs":3.5,"billedDurationMs":4,"memorySizeMB":512,"maxMemoryUsedMB":30,"initDurationMs":120.25},"status":"success"}}`
)

func TestClassify(t *testing.T) {
	ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		kind TargetKind
		res  vegeta.Result
		want stats.Sample
	}{{
		name: "cold",
		res:  vegeta.Result{Code: 200, Headers: http.Header{headerLogResult: {tailHeader("START RequestId: 6f1c", "hello", "END RequestId: 6f1c", coldReport)}}},
		want: stats.Sample{Code: 200, Outcome: stats.OK, Start: stats.StartCold, Duration: 51200 * time.Microsecond,
			BilledDuration: 52 * time.Millisecond, InitDuration: 80500 * time.Microsecond, MemorySizeMB: 256, MaxMemoryMB: 20},
	}, {
		name: "warm, REPORT not last",
		res:  vegeta.Result{Code: 200, Headers: http.Header{headerLogResult: {tailHeader(warmReport, "a line after it")}}},
		want: stats.Sample{Code: 200, Outcome: stats.OK, Start: stats.StartWarm, Duration: 50400 * time.Microsecond,
			BilledDuration: 51 * time.Millisecond, MemorySizeMB: 256, MaxMemoryMB: 21},
	}, {
		name: "JSON log format",
		res:  vegeta.Result{Code: 200, Headers: http.Header{headerLogResult: {tailHeader(`{"type":"platform.start"}`, jsonReport)}}},
		want: stats.Sample{Code: 200, Outcome: stats.OK, Start: stats.StartCold, Duration: 3500 * time.Microsecond,
			BilledDuration: 4 * time.Millisecond, InitDuration: 120250 * time.Microsecond, MemorySizeMB: 512, MaxMemoryMB: 30},
	}, {
		name: "tail cut before its REPORT",
		res:  vegeta.Result{Code: 200, Headers: http.Header{headerLogResult: {tailHeader("START RequestId: x", "some output")}}},
		want: stats.Sample{Code: 200, Outcome: stats.OK},
	}, {
		name: "function error",
		res: vegeta.Result{Code: 200, Body: []byte(`{"errorMessage":"boom","errorType":"TypeError","trace":["TypeError: boom","    at x"]}`),
			Headers: http.Header{headerFunctionError: {"Unhandled"}, headerLogResult: {tailHeader(warmReport)}}},
		want: stats.Sample{Code: 200, Outcome: stats.FunctionError, ErrorType: "TypeError", Start: stats.StartWarm,
			Duration: 50400 * time.Microsecond, BilledDuration: 51 * time.Millisecond, MemorySizeMB: 256, MaxMemoryMB: 21},
	}, {
		name: "failed init: cold, from its INIT_REPORT",
		res: vegeta.Result{Code: 200, Body: []byte(`{"errorMessage":"no module","errorType":"Runtime.ImportModuleError"}`),
			Headers: http.Header{headerFunctionError: {"Unhandled"}, headerLogResult: {tailHeader(
				"INIT_REPORT Init Duration: 157.45 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError",
				"INIT_REPORT Init Duration: 143.82 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError",
				"START RequestId: 6f1f", "END RequestId: 6f1f",
				"REPORT RequestId: 6f1f\tDuration: 143.84 ms\tBilled Duration: 144 ms\tMemory Size: 128 MB\tMax Memory Used: 13 MB\tStatus: error\tError Type: Runtime.ImportModuleError\t")}}},
		want: stats.Sample{Code: 200, Outcome: stats.FunctionError, ErrorType: "Runtime.ImportModuleError", Start: stats.StartCold,
			Duration: 143840 * time.Microsecond, BilledDuration: 144 * time.Millisecond, InitDuration: 143820 * time.Microsecond, MemorySizeMB: 128, MaxMemoryMB: 13},
	}, {
		name: "function error document cut by MaxBody",
		res: vegeta.Result{Code: 200, Body: []byte(`{"errorType": "Runtime.ExitError", "errorMessage":"` + strings.Repeat("x", 100)),
			Headers: http.Header{headerFunctionError: {"Unhandled"}}},
		want: stats.Sample{Code: 200, Outcome: stats.FunctionError, ErrorType: "Runtime.ExitError"},
	}, {
		name: "throttle",
		res: vegeta.Result{Code: 429, Body: []byte(`{"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}`),
			Headers: http.Header{headerErrorType: {"TooManyRequestsException"}}},
		want: stats.Sample{Code: 429, Outcome: stats.Throttled, Reason: "ReservedFunctionConcurrentInvocationLimitExceeded"},
	}, {
		name: "throttle without a reason",
		res:  vegeta.Result{Code: 429, Body: []byte(`Too Many Requests`)},
		want: stats.Sample{Code: 429, Outcome: stats.Throttled},
	}, {
		name: "service error from the header",
		res:  vegeta.Result{Code: 502, Headers: http.Header{headerErrorType: {"EC2ThrottledException:http://internal.amazon.com/coral/com.amazonaws.awslambda/"}}},
		want: stats.Sample{Code: 502, Outcome: stats.ServiceError, Reason: "EC2ThrottledException"},
	}, {
		name: "service error from __type",
		res:  vegeta.Result{Code: 400, Body: []byte(`{"__type":"com.amazonaws.lambda#InvalidRequestContentException","message":"x"}`)},
		want: stats.Sample{Code: 400, Outcome: stats.ServiceError, Reason: "InvalidRequestContentException"},
	}, {
		name: "service error with only a status",
		res:  vegeta.Result{Code: 503, Body: []byte(`{"Type":"Service","message":"x"}`)},
		want: stats.Sample{Code: 503, Outcome: stats.ServiceError, Reason: "HTTP 503"},
	}, {
		name: "redirect from the Lambda API",
		res:  vegeta.Result{Code: 307},
		want: stats.Sample{Code: 307, Outcome: stats.ServiceError, Reason: "HTTP 307"},
	}, {
		name: "transport error",
		res:  vegeta.Result{Error: "dial tcp 127.0.0.1:1: connect: connection refused"},
		want: stats.Sample{Outcome: stats.TransportError},
	}, {
		name: "RIE: an error document is an answer",
		kind: RIE,
		res:  vegeta.Result{Code: 200, Body: []byte(`{"errorMessage":"x","errorType":"errorString"}`)},
		want: stats.Sample{Code: 200, Outcome: stats.OK},
	}, {
		name: "RIE refusing a concurrent invoke",
		kind: RIE,
		res:  vegeta.Result{Code: 400, Body: []byte(`{"errorMessage":"ReserveFailed: AlreadyReserved","errorType":"ReserveFailed"}`)},
		want: stats.Sample{Code: 400, Outcome: stats.ServiceError, Reason: "HTTP 400"},
	}, {
		name: "HTTP redirect is an answer",
		kind: HTTP,
		res:  vegeta.Result{Code: 302},
		want: stats.Sample{Code: 302, Outcome: stats.OK},
	}, {
		name: "HTTP: a tail header is not asked for and not read",
		kind: HTTP,
		res:  vegeta.Result{Code: 200, Headers: http.Header{headerLogResult: {tailHeader(coldReport)}, headerFunctionError: {"Unhandled"}}},
		want: stats.Sample{Code: 200, Outcome: stats.OK},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c := classifier{kind: tc.kind}
			tc.res.Seq, tc.res.Timestamp, tc.res.Latency = 7, ts, 60*time.Millisecond
			tc.want.Seq, tc.want.Timestamp, tc.want.Latency = 7, ts, 60*time.Millisecond
			var got stats.Sample
			c.classify(&tc.res, &got)
			if got != tc.want {
				t.Errorf("got\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestScanStringMember(t *testing.T) {
	for doc, want := range map[string]string{
		`{"errorType":"A"}`:           "A",
		`{"errorType" : "B", "x":1}`:  "B",
		`{"errorType":"C`:             "",
		`{"errorType":"D\"E"}`:        "",
		`{"errorType":1}`:             "",
		`{"message":"errorType"}`:     "",
		`{"a":"x","errorType":"F.G"}`: "F.G",
	} {
		if got := scanStringMember([]byte(doc), "errorType"); got != want {
			t.Errorf("%s: %q, want %q", doc, got, want)
		}
	}
}

func TestInFlightSlots(t *testing.T) {
	tr := newTransport(t.Context(), nil, transportOptions{})
	for _, seq := range []uint64{0, 1, sentSlots + 5, 1 << 41} {
		tr.sent[seq%sentSlots].Store(seq<<inFlightBits | 42)
		if got := tr.inFlightAt(seq); got != 42 {
			t.Errorf("seq %d: %d", seq, got)
		}
		if got := tr.inFlightAt(seq + sentSlots); got != 0 {
			t.Errorf("seq %d read as seq %d: %d", seq, seq+sentSlots, got)
		}
	}
}
