package invoke

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// Report holds the figures of a REPORT line (text format) or a
// platform.report record (JSON log format).
type Report struct {
	RequestID string
	// Duration is the invocation's duration.
	Duration time.Duration
	// BilledDuration is what was billed (covering Init on cold starts since 2025).
	BilledDuration time.Duration
	// MemorySizeMB is the configured memory size.
	MemorySizeMB int
	// MaxMemoryUsedMB is the environment's peak memory.
	MaxMemoryUsedMB int
	// InitDuration is present only on a cold start.
	InitDuration time.Duration
	HasInit      bool
	// RestoreDuration and BilledRestoreDuration replace Init on SnapStart.
	RestoreDuration       time.Duration
	BilledRestoreDuration time.Duration
	// Status is "", "timeout" or "error"; ErrorType qualifies "error".
	Status    string
	ErrorType string
}

// Cold reports whether the invocation started a new execution
// environment: its REPORT has an Init (or Restore) Duration.
func (r *Report) Cold() bool { return r.HasInit || r.RestoreDuration > 0 }

// ParseReport parses one log line as a REPORT, in the text format
//
//	REPORT RequestId: ID\tDuration: 3.01 ms\tBilled Duration: 4 ms\t...
//
// or as a JSON platform.report record. It reports false for other lines.
func ParseReport(line string) (*Report, bool) {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "REPORT RequestId:") {
		return parseTextReport(line), true
	}
	if strings.HasPrefix(line, "{") && strings.Contains(line, `"platform.report"`) {
		return parseJSONReport(line)
	}
	return nil, false
}

// FindReport returns the last REPORT of a log tail, or nil. A REPORT
// without an Init Duration that follows an INIT_REPORT line (an init that
// failed, or timed out and was retried, within this invocation, which AWS
// reports only there) takes its Init Duration from the last such line:
// the invocation was a cold start.
func FindReport(tail string) *Report {
	lines := strings.Split(tail, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		r, ok := ParseReport(lines[i])
		if !ok {
			continue
		}
		if !r.Cold() {
			for j := i - 1; j >= 0; j-- {
				if strings.HasPrefix(lines[j], "REPORT RequestId:") {
					break // an earlier invocation's
				}
				if d, ok := parseInitReport(lines[j]); ok {
					r.InitDuration, r.HasInit = d, true
					break
				}
			}
		}
		return r
	}
	return nil
}

// parseInitReport reads the Init Duration of an INIT_REPORT line:
//
//	INIT_REPORT Init Duration: 157.45 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError
func parseInitReport(line string) (time.Duration, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "INIT_REPORT Init Duration: ")
	if !ok {
		return 0, false
	}
	v, _, _ := strings.Cut(rest, "\t")
	return parseMS(v), true
}

func parseTextReport(line string) *Report {
	r := &Report{}
	for _, field := range strings.Split(line, "\t") {
		key, value, ok := strings.Cut(strings.TrimSpace(field), ": ")
		if !ok {
			continue
		}
		switch key {
		case "REPORT RequestId":
			r.RequestID = value
		case "Duration":
			r.Duration = parseMS(value)
		case "Billed Duration":
			r.BilledDuration = parseMS(value)
		case "Memory Size":
			r.MemorySizeMB = parseMB(value)
		case "Max Memory Used":
			r.MaxMemoryUsedMB = parseMB(value)
		case "Init Duration":
			r.InitDuration, r.HasInit = parseMS(value), true
		case "Restore Duration":
			r.RestoreDuration = parseMS(value)
		case "Billed Restore Duration":
			r.BilledRestoreDuration = parseMS(value)
		case "Status":
			r.Status = value
		case "Error Type":
			r.ErrorType = value
		}
	}
	return r
}

func parseMS(v string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " ms"), 64)
	if err != nil {
		return 0
	}
	return msDuration(f)
}

// maxReportMS bounds the durations a report may carry (a year, far beyond
// Lambda's 15-minute timeout): a value past it, negative or not a number
// (NaN, Inf) reads as unknown, zero, rather than overflowing time.Duration
// into a negative figure that would poison the statistics.
const maxReportMS = 365 * 24 * 3600 * 1000

func msDuration(f float64) time.Duration {
	if !(f >= 0 && f <= maxReportMS) { // false for NaN too
		return 0
	}
	return time.Duration(math.Round(f * float64(time.Millisecond)))
}

func parseMB(v string) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " MB"))
	return nonNegative(n)
}

// nonNegative reads a negative memory figure as unknown (zero).
func nonNegative(n int) int { return max(n, 0) }

// parseJSONReport reads {"type":"platform.report","record":{"requestId":..,
// "metrics":{"durationMs":..,"billedDurationMs":..,"memorySizeMB":..,
// "maxMemoryUsedMB":..,"initDurationMs":..},"status":..,"errorType":..}}.
func parseJSONReport(line string) (*Report, bool) {
	var v struct {
		Type   string `json:"type"`
		Record struct {
			RequestID string `json:"requestId"`
			Status    string `json:"status"`
			ErrorType string `json:"errorType"`
			Metrics   struct {
				DurationMs              float64  `json:"durationMs"`
				BilledDurationMs        float64  `json:"billedDurationMs"`
				MemorySizeMB            int      `json:"memorySizeMB"`
				MaxMemoryUsedMB         int      `json:"maxMemoryUsedMB"`
				InitDurationMs          *float64 `json:"initDurationMs"`
				RestoreDurationMs       float64  `json:"restoreDurationMs"`
				BilledRestoreDurationMs float64  `json:"billedRestoreDurationMs"`
			} `json:"metrics"`
		} `json:"record"`
	}
	if json.Unmarshal([]byte(line), &v) != nil || v.Type != "platform.report" {
		return nil, false
	}
	m := v.Record.Metrics
	r := &Report{
		RequestID:             v.Record.RequestID,
		Duration:              msDuration(m.DurationMs),
		BilledDuration:        msDuration(m.BilledDurationMs),
		MemorySizeMB:          nonNegative(m.MemorySizeMB),
		MaxMemoryUsedMB:       nonNegative(m.MaxMemoryUsedMB),
		RestoreDuration:       msDuration(m.RestoreDurationMs),
		BilledRestoreDuration: msDuration(m.BilledRestoreDurationMs),
		ErrorType:             v.Record.ErrorType,
	}
	if m.InitDurationMs != nil {
		r.InitDuration, r.HasInit = msDuration(*m.InitDurationMs), true
	}
	if v.Record.Status != "" && v.Record.Status != "success" {
		r.Status = v.Record.Status
	}
	return r, true
}
