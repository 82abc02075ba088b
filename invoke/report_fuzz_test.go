package invoke

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
)

// checkReportSane holds for every report the parser returns: figures are
// never negative (a REPORT line or record that is not a number, or one out
// of range, reads as unknown: zero).
func checkReportSane(t *testing.T, line string, r *Report) {
	t.Helper()
	if r == nil {
		t.Fatalf("ParseReport(%q) reported true with a nil report", line)
	}
	for name, d := range map[string]time.Duration{
		"Duration": r.Duration, "BilledDuration": r.BilledDuration, "InitDuration": r.InitDuration,
		"RestoreDuration": r.RestoreDuration, "BilledRestoreDuration": r.BilledRestoreDuration,
	} {
		if d < 0 {
			t.Errorf("ParseReport(%q): %s = %v, negative", line, name, d)
		}
	}
	if r.MemorySizeMB < 0 || r.MaxMemoryUsedMB < 0 {
		t.Errorf("ParseReport(%q): memory %d / %d MB, negative", line, r.MemorySizeMB, r.MaxMemoryUsedMB)
	}
}

// FuzzParseReport feeds arbitrary log lines and tails to the REPORT
// parser (text and JSON formats): it must not panic, and what it returns
// must be sane.
func FuzzParseReport(f *testing.F) {
	for _, s := range []string{
		"REPORT RequestId: 5c3e\tDuration: 3.01 ms\tBilled Duration: 114 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\tInit Duration: 110.10 ms\t",
		"REPORT RequestId: x\tDuration: 0.91 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB\t",
		"REPORT RequestId: x\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB\tStatus: timeout",
		"REPORT RequestId: x\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB\tStatus: error\tError Type: Runtime.ExitError",
		"REPORT RequestId: s\tDuration: 1.00 ms\tBilled Duration: 300 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 250.50 ms\tBilled Restore Duration: 299 ms",
		"REPORT RequestId: x\tDuration: NaN ms\tBilled Duration: -1 ms\tMemory Size: -128 MB",
		`{"time":"2024-01-01T00:00:00.000Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":3.01,"billedDurationMs":4,"memorySizeMB":128,"maxMemoryUsedMB":36,"initDurationMs":110.1},"status":"success"}}`,
		`{"type":"platform.report","record":{"requestId":"r2","metrics":{"durationMs":3000,"billedDurationMs":3000,"memorySizeMB":128,"maxMemoryUsedMB":36},"status":"timeout"}}`,
		`{"type":"platform.report","record":{"requestId":"r3","status":"error","errorType":"Runtime.ExitError","metrics":{"durationMs":1e300}}}`,
		"START RequestId: x Version: $LATEST\nhello\nEND RequestId: x\nREPORT RequestId: x\tDuration: 1.00 ms\t",
		"",
		"REPORT RequestId:",
		"{\"platform.report\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if r, ok := ParseReport(line); ok {
			checkReportSane(t, line, r)
		} else if r != nil {
			t.Fatalf("ParseReport(%q) = %+v, false", line, r)
		}
		if r := FindReport(line); r != nil {
			checkReportSane(t, line, r)
		}
	})
}

// FuzzReportRoundTrip formats a report as the local Lambda writes its
// REPORT line (emulator.Report.String) and as a JSON platform.report
// record, parses both back and wants the same figures.
func FuzzReportRoundTrip(f *testing.F) {
	f.Add("5c3e", int64(301), int64(114), 128, 36, true, int64(11010), "", "")
	f.Add("8f5b-11ee", int64(300000), int64(3000), 128, 12, false, int64(0), "timeout", "")
	f.Add("x", int64(1200), int64(13), 10240, 9000, false, int64(0), "error", "Runtime.ExitError")
	f.Add("id with spaces", int64(0), int64(0), 0, 0, true, int64(0), "", "")
	f.Fuzz(func(t *testing.T, id string, durCentiMS, billedMS int64, mem, maxMem int, cold bool, initCentiMS int64, status, errType string) {
		// The figures as the local Lambda has them: durations to the
		// hundredth of a millisecond (what %.2f keeps), billed to the
		// millisecond, within a day; a request id, status and error type
		// as one field each (no tab, no line break, no surrounding space).
		const day = 24 * 3600 * 100_000
		if durCentiMS < 0 || durCentiMS > day || initCentiMS < 0 || initCentiMS > day ||
			billedMS < 0 || billedMS > day || mem < 0 || maxMem < 0 || mem > 1<<20 || maxMem > 1<<20 {
			return
		}
		for _, s := range []string{id, status, errType} {
			if strings.ContainsAny(s, "\t\r\n\v\f\u0085\u00a0\u1680\u2028\u2029\u202f\u205f\u3000") || s != strings.TrimSpace(s) ||
				strings.Contains(s, ": ") || !utf8Valid(s) {
				return
			}
		}
		if status == "success" { // the JSON format's word for none
			return
		}
		want := emulator.Report{
			RequestID:       id,
			Duration:        time.Duration(durCentiMS) * 10 * time.Microsecond,
			BilledDuration:  time.Duration(billedMS) * time.Millisecond,
			MemorySizeMB:    mem,
			MaxMemoryUsedMB: maxMem,
			Cold:            cold,
			Status:          status,
			ErrorType:       errType,
		}
		if cold {
			want.InitDuration = time.Duration(initCentiMS) * 10 * time.Microsecond
		}
		check := func(format, line string) {
			got, ok := ParseReport(line)
			if !ok {
				t.Fatalf("%s: ParseReport(%q) = false", format, line)
			}
			checkReportSane(t, line, got)
			if got.RequestID != want.RequestID || got.Duration != want.Duration || got.BilledDuration != want.BilledDuration ||
				got.MemorySizeMB != want.MemorySizeMB || got.MaxMemoryUsedMB != want.MaxMemoryUsedMB ||
				got.Cold() != want.Cold || got.InitDuration != want.InitDuration ||
				got.Status != want.Status || got.ErrorType != want.ErrorType {
				t.Fatalf("%s: %q parsed as %+v, want %+v", format, line, got, want)
			}
			if r := FindReport("START RequestId: " + id + " Version: $LATEST\n" + line + "\n"); r == nil || *r != *got {
				t.Fatalf("%s: FindReport of a tail ending in %q = %+v, want %+v", format, line, r, got)
			}
		}
		check("text", want.String())

		metrics := map[string]any{
			"durationMs":       float64(durCentiMS) / 100,
			"billedDurationMs": billedMS,
			"memorySizeMB":     mem,
			"maxMemoryUsedMB":  maxMem,
		}
		if cold {
			metrics["initDurationMs"] = float64(initCentiMS) / 100
		}
		record := map[string]any{"requestId": id, "metrics": metrics, "status": "success"}
		if status != "" {
			record["status"] = status
		}
		if errType != "" {
			record["errorType"] = errType
		}
		b, err := json.Marshal(map[string]any{"time": "2024-01-01T00:00:00.000Z", "type": "platform.report", "record": record})
		if err != nil {
			t.Fatal(err)
		}
		check("json", string(b))
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
