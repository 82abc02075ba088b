package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lambench/lambench/internal/suggest"
)

// A Threshold is a pass/fail condition on one figure of a Summary, written
// METRIC OP VALUE, for example "p99<800ms", "errors<1%", "rate>=49/s".
//
// Metrics (ThresholdMetrics lists them):
//
//   - Durations: pN (any percentile, e.g. p50, p99, p99.9), min, max, mean
//     of the client latency of all requests; the same prefixed with warm_
//     or cold_ (latency of warm or cold starts), init_ (Init Duration),
//     duration_ (the function's Duration) or billed_ (Billed Duration), e.g.
//     cold_p50, init_p90, duration_p99, billed_mean. latency_p99 is p99.
//     VALUE is a Go duration: 800ms, 1.5s, 300us.
//   - Memory: memory_pN, memory_min, memory_max, memory_mean: Max Memory
//     Used in MB. VALUE is 200MB or 200.
//   - Counts: requests, errors (function, service and transport errors;
//     not throttles), function_errors, service_errors, transport_errors,
//     throttles, cold_starts. VALUE is a count (cold_starts<10) or a
//     percentage of the requests (errors<1%).
//   - success_ratio: the share of requests that succeeded, as a
//     percentage (99%) or a fraction (0.99).
//   - rate: the achieved request rate, requests per second (49/s or 49).
//
// OP is one of <, <=, >, >=. A threshold on a distribution without values
// (cold_p50 in a run without cold starts) fails: there is nothing to vouch
// for.
//
// A Threshold implements encoding.TextUnmarshaler, so a TOML list of
// strings decodes into a []Threshold.
type Threshold struct {
	// Metric is the canonical metric name, e.g. "p99", "cold_p50".
	Metric string
	// Op is the comparison.
	Op Op
	// Limit is the value compared with, in the unit of Kind: milliseconds,
	// MB, a count, a fraction (0.01 for 1%) or requests per second.
	Limit float64
	// Kind says what Limit and the measured value are.
	Kind Kind

	text string // as written, spaces removed
}

// Op is a threshold's comparison.
type Op string

// The comparisons.
const (
	Less         Op = "<"
	LessEqual    Op = "<="
	Greater      Op = ">"
	GreaterEqual Op = ">="
)

// holds reports whether measured op limit holds.
func (o Op) holds(measured, limit float64) bool {
	switch o {
	case Less:
		return measured < limit
	case LessEqual:
		return measured <= limit
	case Greater:
		return measured > limit
	case GreaterEqual:
		return measured >= limit
	}
	return false
}

// Kind is the kind of value a threshold compares.
type Kind int

// The kinds of values.
const (
	// KindDuration values are in milliseconds.
	KindDuration Kind = iota + 1
	// KindMemory values are in MB.
	KindMemory
	// KindCount values are counts of requests.
	KindCount
	// KindRatio values are fractions of the requests (0.01 is 1%).
	KindRatio
	// KindRate values are requests per second.
	KindRate
)

// Format renders a value of kind k as reports show it: 812.4ms, 1.25s,
// 128 MB, 42, 1.50%, 49.8/s.
func (k Kind) Format(v float64) string {
	switch k {
	case KindDuration:
		return FormatMillis(v)
	case KindMemory:
		return strconv.FormatFloat(v, 'f', -1, 64) + " MB"
	case KindCount:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case KindRatio:
		return formatPercent(v)
	case KindRate:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + "/s"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func formatPercent(v float64) string {
	p := v * 100
	switch {
	case p == 0 || p == 100:
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	case math.Abs(p) < 0.01:
		return strconv.FormatFloat(p, 'g', 2, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 2, 64) + "%"
}

// FormatMillis renders a duration given in milliseconds compactly:
// 0.35ms, 61.2ms, 812ms, 1.25s, 2m5s.
func FormatMillis(ms float64) string {
	switch a := math.Abs(ms); {
	case a == 0:
		return "0ms"
	case a < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case a < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	case a < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	case a < 60_000:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
	}
	return time.Duration(ms * float64(time.Millisecond)).Round(time.Second).String()
}

// String returns the threshold as written (without spaces).
func (t Threshold) String() string { return t.text }

// MarshalText implements encoding.TextMarshaler.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.text), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseThreshold.
func (t *Threshold) UnmarshalText(b []byte) error {
	p, err := ParseThreshold(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

// distribution families: metric prefix → the Summary's distribution.
var durationFamilies = []struct {
	prefix string
	pick   func(Summary) Distribution
}{
	{"", func(s Summary) Distribution { return s.Latency }},
	{"warm_", func(s Summary) Distribution { return s.WarmLatency }},
	{"cold_", func(s Summary) Distribution { return s.ColdLatency }},
	{"init_", func(s Summary) Distribution { return s.InitDuration }},
	{"duration_", func(s Summary) Distribution { return s.Duration }},
	{"billed_", func(s Summary) Distribution { return s.BilledDuration }},
}

const memoryPrefix = "memory_"

// count metrics: name → count.
var countMetrics = []struct {
	name  string
	count func(Summary) int64
}{
	{"requests", func(s Summary) int64 { return s.Requests }},
	{"errors", Summary.Errors},
	{"function_errors", func(s Summary) int64 { return s.FunctionErrors }},
	{"service_errors", func(s Summary) int64 { return s.ServiceErrors }},
	{"transport_errors", func(s Summary) int64 { return s.TransportErrors }},
	{"throttles", func(s Summary) int64 { return s.Throttles }},
	{"cold_starts", func(s Summary) int64 { return s.ColdStarts }},
}

const (
	metricSuccessRatio = "success_ratio"
	metricRate         = "rate"
)

var thresholdStats = []string{"p50", "p90", "p95", "p99", "p99.9", "min", "max", "mean"}

// ThresholdMetrics lists the metric names a threshold accepts, with
// p50, p90, p95, p99 and p99.9 standing for any percentile pN.
func ThresholdMetrics() []string {
	var out []string
	for _, f := range durationFamilies {
		for _, st := range thresholdStats {
			out = append(out, f.prefix+st)
		}
	}
	for _, st := range thresholdStats {
		out = append(out, memoryPrefix+st)
	}
	for _, c := range countMetrics {
		out = append(out, c.name)
	}
	return append(out, metricSuccessRatio, metricRate)
}

// metricSyntax is the list of valid metrics in words, for error messages.
const metricSyntax = "pN (any percentile, e.g. p99 or p99.9), min, max or mean of latency, " +
	"or the same prefixed with warm_, cold_, init_, duration_, billed_ or memory_; " +
	"requests, errors, function_errors, service_errors, transport_errors, throttles, cold_starts " +
	"(a count, or a percentage of requests); success_ratio; rate"

// UnknownMetricError is ParseThreshold's error for a metric it does not
// know. Closest lists the nearest valid names, closest first.
type UnknownMetricError struct {
	// Threshold is the threshold as written.
	Threshold string
	// Metric is the unknown metric.
	Metric string
	// Closest are the nearest valid metric names, closest first.
	Closest []string
}

// Error names the threshold, the unknown metric, the closest valid ones
// and the valid metrics.
func (e *UnknownMetricError) Error() string {
	return fmt.Sprintf("threshold %q: unknown metric %q; closest valid metrics: %s (valid metrics: %s)",
		e.Threshold, e.Metric, strings.Join(e.Closest, ", "), metricSyntax)
}

// ParseThreshold parses METRIC OP VALUE (spaces allowed), e.g. "p99<800ms".
// Its errors name the threshold and say what would be valid.
func ParseThreshold(s string) (Threshold, error) {
	text := strings.Join(strings.Fields(s), "")
	i := strings.IndexAny(text, "<>")
	if i < 0 {
		return Threshold{}, fmt.Errorf("threshold %q: want METRIC OP VALUE with OP one of <, <=, >, >=, e.g. p99<800ms", s)
	}
	metric, rest := strings.ToLower(text[:i]), text[i:]
	op := Op(rest[:1])
	if strings.HasPrefix(rest[1:], "=") {
		op += "="
	}
	value := rest[len(op):]
	if metric == "" {
		return Threshold{}, fmt.Errorf("threshold %q: no metric before %s; e.g. p99<800ms", s, op)
	}
	if value == "" {
		return Threshold{}, fmt.Errorf("threshold %q: no value after %s; e.g. p99<800ms", s, op)
	}
	kind, canonical, ok := metricKind(metric)
	if !ok {
		return Threshold{}, &UnknownMetricError{Threshold: s, Metric: metric, Closest: closestMetrics(metric, 5)}
	}
	t := Threshold{Metric: canonical, Op: op, Kind: kind, text: text}
	var err error
	t.Limit, t.Kind, err = parseLimit(kind, value)
	if err != nil {
		return Threshold{}, fmt.Errorf("threshold %q: %s %w", s, canonical, err)
	}
	return t, nil
}

// ParseThresholds parses each of list, reporting every invalid one.
func ParseThresholds(list []string) ([]Threshold, error) {
	out := make([]Threshold, 0, len(list))
	var errs []error
	for _, s := range list {
		t, err := ParseThreshold(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, t)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// metricKind resolves a metric name to its kind and canonical name.
func metricKind(m string) (Kind, string, bool) {
	if m == metricSuccessRatio {
		return KindRatio, m, true
	}
	if m == metricRate {
		return KindRate, m, true
	}
	for _, c := range countMetrics {
		if m == c.name {
			return KindCount, m, true
		}
	}
	if st, ok := strings.CutPrefix(m, memoryPrefix); ok {
		if validStat(st) {
			return KindMemory, m, true
		}
		return 0, "", false
	}
	m = strings.TrimPrefix(m, "latency_")
	for _, f := range durationFamilies {
		if f.prefix == "" {
			continue
		}
		if st, ok := strings.CutPrefix(m, f.prefix); ok {
			return KindDuration, m, validStat(st)
		}
	}
	return KindDuration, m, validStat(m)
}

// validStat reports whether st is min, max, mean or pN with 0 <= N <= 100.
func validStat(st string) bool {
	switch st {
	case "min", "max", "mean":
		return true
	}
	_, ok := percentileOf(st)
	return ok
}

func percentileOf(st string) (float64, bool) {
	n, ok := strings.CutPrefix(st, "p")
	if !ok || n == "" || strings.ContainsAny(n, "+-eE_") {
		return 0, false
	}
	p, err := strconv.ParseFloat(n, 64)
	if err != nil || p < 0 || p > 100 {
		return 0, false
	}
	return p, true
}

// parseLimit parses a threshold's value for a metric of kind k; a count
// metric written with % becomes a ratio.
func parseLimit(k Kind, v string) (float64, Kind, error) {
	num := func(s string) (float64, error) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		return f, nil
	}
	switch k {
	case KindDuration:
		d, err := time.ParseDuration(strings.ReplaceAll(v, "µ", "u"))
		if err != nil {
			if _, nerr := num(v); nerr == nil {
				return 0, k, fmt.Errorf("is a duration: give a unit, e.g. %sms", v)
			}
			return 0, k, fmt.Errorf("is a duration, and %q is not one (e.g. 800ms, 1.5s)", v)
		}
		return float64(d) / float64(time.Millisecond), k, nil
	case KindMemory:
		f, err := num(strings.TrimSuffix(strings.ToUpper(v), "MB"))
		if err != nil {
			return 0, k, fmt.Errorf("is in MB (e.g. 200MB): %w", err)
		}
		return f, k, nil
	case KindCount, KindRatio:
		if p, ok := strings.CutSuffix(v, "%"); ok {
			f, err := num(p)
			if err != nil {
				return 0, k, fmt.Errorf("wants a percentage: %w", err)
			}
			return f / 100, KindRatio, nil
		}
		f, err := num(v)
		if err != nil {
			return 0, k, fmt.Errorf("wants a count or a percentage (e.g. 10 or 1%%): %w", err)
		}
		if k == KindRatio && (f < 0 || f > 1) {
			return 0, k, fmt.Errorf("is a ratio: give a percentage (e.g. 99%%) or a fraction between 0 and 1")
		}
		return f, k, nil
	case KindRate:
		f, err := num(strings.TrimSuffix(v, "/s"))
		if err != nil {
			return 0, k, fmt.Errorf("is requests per second (e.g. 49/s): %w", err)
		}
		return f, k, nil
	}
	return 0, k, fmt.Errorf("has an unknown kind")
}

// Measure returns the threshold's metric in s, in the unit of t.Kind; ok
// is false when s has no data for it (an empty distribution, or no
// requests for a ratio).
func (t Threshold) Measure(s Summary) (v float64, ok bool) {
	m := t.Metric
	switch {
	case m == metricSuccessRatio:
		return s.SuccessRatio(), s.Requests > 0
	case m == metricRate:
		return s.Rate(), s.Requests > 1
	}
	for _, c := range countMetrics {
		if m == c.name {
			n := c.count(s)
			if t.Kind == KindRatio {
				return ratio(n, s.Requests), s.Requests > 0
			}
			return float64(n), true
		}
	}
	if st, isMem := strings.CutPrefix(m, memoryPrefix); isMem {
		d := s.MaxMemoryUsed
		if d.Count == 0 {
			return 0, false
		}
		switch st {
		case "min":
			return float64(d.Min), true
		case "max":
			return float64(d.Max), true
		case "mean":
			return d.Mean, true
		}
		p, _ := percentileOf(st)
		return float64(d.Percentile(p)), true
	}
	d, st := s.Latency, m
	for _, f := range durationFamilies {
		if f.prefix != "" && strings.HasPrefix(m, f.prefix) {
			d, st = f.pick(s), strings.TrimPrefix(m, f.prefix)
			break
		}
	}
	if d.Count == 0 {
		return 0, false
	}
	ms := func(x time.Duration) float64 { return float64(x) / float64(time.Millisecond) }
	switch st {
	case "min":
		return ms(d.Min), true
	case "max":
		return ms(d.Max), true
	case "mean":
		return ms(d.Mean), true
	}
	p, _ := percentileOf(st)
	return ms(d.Percentile(p)), true
}

// ThresholdResult is the outcome of checking one Threshold.
type ThresholdResult struct {
	// Threshold is the condition checked.
	Threshold Threshold
	// Pass is true when the condition held.
	Pass bool
	// NoData is true when the summary had nothing to measure (the
	// threshold then fails).
	NoData bool
	// Measured is the metric's value, in the unit of Threshold.Kind.
	Measured float64
	// Miss is how far Measured is past the limit, in the same unit (0 when
	// it passed): Measured-Limit for < and <=, Limit-Measured for > and >=.
	Miss float64
	// MissRatio is Miss relative to the limit (0.5: 50% past it); 0 when the
	// limit is 0.
	MissRatio float64
}

// Check measures the threshold's metric in s.
func (t Threshold) Check(s Summary) ThresholdResult {
	r := ThresholdResult{Threshold: t}
	v, ok := t.Measure(s)
	if !ok {
		r.NoData = true
		return r
	}
	r.Measured = v
	r.Pass = t.Op.holds(v, t.Limit)
	if !r.Pass {
		r.Miss = v - t.Limit
		if t.Op == Greater || t.Op == GreaterEqual {
			r.Miss = -r.Miss
		}
		if t.Limit != 0 {
			r.MissRatio = r.Miss / math.Abs(t.Limit)
		}
	}
	return r
}

// CheckThresholds checks each threshold against s; ok is true when all
// passed.
func CheckThresholds(ts []Threshold, s Summary) (results []ThresholdResult, ok bool) {
	ok = true
	for _, t := range ts {
		r := t.Check(s)
		ok = ok && r.Pass
		results = append(results, r)
	}
	return results, ok
}

// String describes the result in one line: "p99<800ms: pass (612ms)",
// "errors<1%: FAIL: 1.50%, 0.50% over the limit (+50%)".
func (r ThresholdResult) String() string {
	t := r.Threshold
	switch {
	case r.NoData:
		return fmt.Sprintf("%s: FAIL: no data (nothing measured for %s)", t, t.Metric)
	case r.Pass:
		return fmt.Sprintf("%s: pass (%s)", t, t.Kind.Format(r.Measured))
	}
	return fmt.Sprintf("%s: FAIL: %s, %s", t, t.Kind.Format(r.Measured), r.MissText())
}

// MissText says by how much a failed threshold missed: "388ms over the
// limit (+48.5%)", "1.2/s under the limit (-2.4%)", "at the limit".
func (r ThresholdResult) MissText() string {
	if r.Pass || r.NoData {
		return ""
	}
	if r.Miss == 0 {
		return "at the limit"
	}
	dir := "over"
	sign := "+"
	if r.Threshold.Op == Greater || r.Threshold.Op == GreaterEqual {
		dir, sign = "under", "-"
	}
	s := fmt.Sprintf("%s %s the limit", r.Threshold.Kind.Format(r.Miss), dir)
	if r.MissRatio != 0 {
		s += fmt.Sprintf(" (%s%s)", sign, strconv.FormatFloat(math.Round(r.MissRatio*1000)/10, 'f', -1, 64)+"%")
	}
	return s
}

// closestMetrics returns the n valid metric names nearest to m by edit
// distance, closest first.
func closestMetrics(m string, n int) []string {
	names := ThresholdMetrics()
	type scored struct {
		name string
		d    int
	}
	all := make([]scored, len(names))
	for i, name := range names {
		all[i] = scored{name, suggest.Distance(m, name)}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.d - b.d })
	out := make([]string, 0, n)
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	return out
}
