package stats

import (
	"maps"
	"time"
)

// Summary is what a run (or part of one) measured: counts, ratios and
// distributions. It is a value computed by Aggregator.Snapshot; Summaries
// of different runs or generators merge exactly with Merge.
type Summary struct {
	// Start is when the first request was sent.
	Start time.Time
	// LastStart is when the last request was sent.
	LastStart time.Time
	// End is when the last answer arrived.
	End time.Time

	// Requests is the number of requests sent (and answered or failed).
	Requests int64
	// OK counts the requests the function answered without error.
	OK int64
	// FunctionErrors counts answers with X-Amz-Function-Error.
	FunctionErrors int64
	// Throttles counts 429 TooManyRequestsException answers.
	Throttles int64
	// ServiceErrors counts other error answers of the service.
	ServiceErrors int64
	// TransportErrors counts requests without an answer.
	TransportErrors int64
	// ThrottleReasons counts throttles by Reason ("unknown" when none was
	// given, "other" past the Aggregator's key limit).
	ThrottleReasons map[string]int64
	// ErrorTypes counts function errors by errorType.
	ErrorTypes map[string]int64
	// ServiceErrorCodes counts service errors by error code.
	ServiceErrorCodes map[string]int64

	// ColdStarts, WarmStarts and UnknownStarts classify the requests by how
	// their invocation started; UnknownStarts are those without a REPORT
	// (throttles, errors before the function ran, targets without tails).
	ColdStarts, WarmStarts, UnknownStarts int64
	// MaxInFlight is the most requests in flight at once (client side).
	MaxInFlight int
	// MemorySizeMB is the function's memory size as REPORT lines gave it (0
	// when unknown or when merged summaries differ).
	MemorySizeMB int

	// Latency is the client's round trip of every request.
	Latency Distribution
	// WarmLatency, ColdLatency and UnknownLatency split Latency by start.
	WarmLatency, ColdLatency, UnknownLatency Distribution
	// Duration is the function's Duration from REPORT lines.
	Duration Distribution
	// InitDuration is the Init Duration of cold starts.
	InitDuration Distribution
	// BilledDuration is the Billed Duration from REPORT lines.
	BilledDuration Distribution
	// MaxMemoryUsed is Max Memory Used from REPORT lines.
	MaxMemoryUsed MemoryDistribution
}

// Errors counts the requests that failed other than by a throttle:
// function, service and transport errors.
func (s Summary) Errors() int64 { return s.FunctionErrors + s.ServiceErrors + s.TransportErrors }

func ratio(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// SuccessRatio is OK / Requests (0 without requests). SuccessRatio +
// ErrorRatio + ThrottleRatio = 1.
func (s Summary) SuccessRatio() float64 { return ratio(s.OK, s.Requests) }

// ErrorRatio is Errors() / Requests.
func (s Summary) ErrorRatio() float64 { return ratio(s.Errors(), s.Requests) }

// ThrottleRatio is Throttles / Requests.
func (s Summary) ThrottleRatio() float64 { return ratio(s.Throttles, s.Requests) }

// ColdStartRatio is ColdStarts / Requests.
func (s Summary) ColdStartRatio() float64 { return ratio(s.ColdStarts, s.Requests) }

// Rate is the achieved request rate, requests per second between the first
// and the last request sent (as vegeta computes it); 0 with fewer than two
// requests.
func (s Summary) Rate() float64 {
	d := s.LastStart.Sub(s.Start)
	if s.Requests < 2 || d <= 0 {
		return 0
	}
	return float64(s.Requests) / d.Seconds()
}

// Throughput is successful answers per second between the first request and
// the last answer.
func (s Summary) Throughput() float64 {
	d := s.End.Sub(s.Start)
	if d <= 0 {
		return 0
	}
	return float64(s.OK) / d.Seconds()
}

// Elapsed is the time from the first request to the last answer.
func (s Summary) Elapsed() time.Duration {
	if s.Requests == 0 {
		return 0
	}
	return s.End.Sub(s.Start)
}

func mergeCounts(a, b map[string]int64) map[string]int64 {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	r := make(map[string]int64, len(a)+len(b))
	maps.Copy(r, a)
	for k, v := range b {
		r[k] += v
	}
	return r
}

func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Merge returns the summary of the requests of both s and o (for example two
// generators of one run, or the steps of a sweep). Percentiles of the
// result equal those of a summary of all the samples. MaxInFlight is the
// larger of the two (generators running side by side would add up, runs one
// after the other would not; the larger is the safe lower bound).
func (s Summary) Merge(o Summary) Summary {
	if o.Requests == 0 {
		return s
	}
	if s.Requests == 0 {
		return o
	}
	r := Summary{
		Start:             earliest(s.Start, o.Start),
		LastStart:         latest(s.LastStart, o.LastStart),
		End:               latest(s.End, o.End),
		Requests:          s.Requests + o.Requests,
		OK:                s.OK + o.OK,
		FunctionErrors:    s.FunctionErrors + o.FunctionErrors,
		Throttles:         s.Throttles + o.Throttles,
		ServiceErrors:     s.ServiceErrors + o.ServiceErrors,
		TransportErrors:   s.TransportErrors + o.TransportErrors,
		ThrottleReasons:   mergeCounts(s.ThrottleReasons, o.ThrottleReasons),
		ErrorTypes:        mergeCounts(s.ErrorTypes, o.ErrorTypes),
		ServiceErrorCodes: mergeCounts(s.ServiceErrorCodes, o.ServiceErrorCodes),
		ColdStarts:        s.ColdStarts + o.ColdStarts,
		WarmStarts:        s.WarmStarts + o.WarmStarts,
		UnknownStarts:     s.UnknownStarts + o.UnknownStarts,
		MaxInFlight:       max(s.MaxInFlight, o.MaxInFlight),
		Latency:           s.Latency.Merge(o.Latency),
		WarmLatency:       s.WarmLatency.Merge(o.WarmLatency),
		ColdLatency:       s.ColdLatency.Merge(o.ColdLatency),
		UnknownLatency:    s.UnknownLatency.Merge(o.UnknownLatency),
		Duration:          s.Duration.Merge(o.Duration),
		InitDuration:      s.InitDuration.Merge(o.InitDuration),
		BilledDuration:    s.BilledDuration.Merge(o.BilledDuration),
		MaxMemoryUsed:     s.MaxMemoryUsed.Merge(o.MaxMemoryUsed),
	}
	r.MemorySizeMB = mergeMemorySize(s.MemorySizeMB, s.Duration.Count, o.MemorySizeMB, o.Duration.Count)
	return r
}

// mergeMemorySize combines the memory sizes of two sets of samples: 0
// means unknown when the set has no REPORT line (reports == 0), and mixed
// sizes otherwise.
func mergeMemorySize(a int, aReports int64, b int, bReports int64) int {
	switch {
	case a == b:
		return a
	case a == 0 && aReports == 0:
		return b
	case b == 0 && bReports == 0:
		return a
	}
	return 0
}
