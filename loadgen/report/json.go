package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

// SchemaVersion identifies the JSON report format; ReadJSON accepts
// reports of the same major version ("lambench/report/v1").
const SchemaVersion = "lambench/report/v1"

// jsonReport is the document (see the package doc for the schema).
type jsonReport struct {
	Schema       string    `json:"schema"`
	Name         string    `json:"name"`
	Target       string    `json:"target"`
	Function     string    `json:"function"`
	Plan         string    `json:"plan"`
	Architecture string    `json:"architecture"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	DurationS    float64   `json:"duration_s"`
	jsonFigures
	CostTotalUSD     float64             `json:"cost_total_usd"`
	Steps            []jsonStep          `json:"steps"`
	Thresholds       []jsonCheck         `json:"thresholds"`
	ThresholdsPassed bool                `json:"thresholds_passed"`
	Recommendation   *jsonRecommendation `json:"recommendation"`
	Timeline         []jsonPoint         `json:"timeline"`
}

// jsonFigures are the figures of a Summary.
type jsonFigures struct {
	FirstSent         time.Time        `json:"first_sent"`
	LastSent          time.Time        `json:"last_sent"`
	LastAnswer        time.Time        `json:"last_answer"`
	Requests          int64            `json:"requests"`
	OK                int64            `json:"ok"`
	Errors            int64            `json:"errors"`
	FunctionErrors    int64            `json:"function_errors"`
	ServiceErrors     int64            `json:"service_errors"`
	TransportErrors   int64            `json:"transport_errors"`
	Throttles         int64            `json:"throttles"`
	SuccessRatio      float64          `json:"success_ratio"`
	ErrorRatio        float64          `json:"error_ratio"`
	ThrottleRatio     float64          `json:"throttle_ratio"`
	ColdStarts        int64            `json:"cold_starts"`
	WarmStarts        int64            `json:"warm_starts"`
	UnknownStarts     int64            `json:"unknown_starts"`
	ColdStartRatio    float64          `json:"cold_start_ratio"`
	Rate              float64          `json:"rate"`
	Throughput        float64          `json:"throughput"`
	MaxInFlight       int              `json:"max_in_flight"`
	MemorySizeMB      int              `json:"memory_size_mb"`
	Latency           *jsonDist        `json:"latency_ms"`
	WarmLatency       *jsonDist        `json:"warm_latency_ms"`
	ColdLatency       *jsonDist        `json:"cold_latency_ms"`
	UnknownLatency    *jsonDist        `json:"unknown_latency_ms"`
	Init              *jsonDist        `json:"init_ms"`
	Duration          *jsonDist        `json:"duration_ms"`
	Billed            *jsonDist        `json:"billed_ms"`
	BilledAvg         float64          `json:"billed_ms_avg"`
	MaxMemoryUsed     *jsonMemDist     `json:"max_memory_used_mb"`
	ThrottleReasons   map[string]int64 `json:"throttle_reasons"`
	ErrorTypes        map[string]int64 `json:"error_types"`
	ServiceErrorCodes map[string]int64 `json:"service_error_codes"`
}

type jsonDist struct {
	Count     int64   `json:"count"`
	Min       float64 `json:"min"`
	Mean      float64 `json:"mean"`
	P50       float64 `json:"p50"`
	P90       float64 `json:"p90"`
	P95       float64 `json:"p95"`
	P99       float64 `json:"p99"`
	P999      float64 `json:"p999"`
	Max       float64 `json:"max"`
	StdDev    float64 `json:"stddev"`
	Histogram string  `json:"histogram,omitempty"`
}

type jsonMemDist struct {
	Count     int64   `json:"count"`
	Min       int     `json:"min"`
	Mean      float64 `json:"mean"`
	P50       int     `json:"p50"`
	P90       int     `json:"p90"`
	P99       int     `json:"p99"`
	Max       int     `json:"max"`
	Histogram string  `json:"histogram,omitempty"`
}

type jsonStep struct {
	MemoryMB int `json:"memory_mb"`
	jsonFigures
	Cost                 jsonCost `json:"cost"`
	CostPerInvocationUSD float64  `json:"cost_per_invocation_usd"`
	CostPer1MUSD         float64  `json:"cost_per_1m_usd"`
}

type jsonCost struct {
	Known                   bool    `json:"known"`
	Architecture            string  `json:"architecture"`
	MemoryMB                int     `json:"memory_mb"`
	Invocations             int64   `json:"invocations"`
	BilledMsAvg             float64 `json:"billed_ms_avg"`
	PerInvocationUSD        float64 `json:"per_invocation_usd"`
	ComputePerInvocationUSD float64 `json:"compute_per_invocation_usd"`
	Per1MUSD                float64 `json:"per_1m_usd"`
	TotalUSD                float64 `json:"total_usd"`
}

type jsonCheck struct {
	Threshold string  `json:"threshold"`
	MemoryMB  int     `json:"memory_mb"`
	Metric    string  `json:"metric"`
	Op        string  `json:"op"`
	Limit     float64 `json:"limit"`
	Unit      string  `json:"unit"`
	Pass      bool    `json:"pass"`
	NoData    bool    `json:"no_data"`
	Measured  float64 `json:"measured"`
	Miss      float64 `json:"miss"`
	MissRatio float64 `json:"miss_ratio"`
	Text      string  `json:"text"`
}

type jsonRecommendation struct {
	Strategy       string          `json:"strategy"`
	BalancedWeight float64         `json:"balanced_weight"`
	SpeedMetric    string          `json:"speed_metric"`
	MemoryMB       int             `json:"memory_mb"`
	Reason         string          `json:"reason"`
	Candidates     []jsonCandidate `json:"candidates"`
}

type jsonCandidate struct {
	MemoryMB                int     `json:"memory_mb"`
	CostPerInvocationUSD    float64 `json:"cost_per_invocation_usd"`
	ComputePerInvocationUSD float64 `json:"compute_per_invocation_usd"`
	CostPer1MUSD            float64 `json:"cost_per_1m_usd"`
	SpeedMs                 float64 `json:"speed_ms"`
	ErrorRatio              float64 `json:"error_ratio"`
	Score                   float64 `json:"score"`
	Excluded                string  `json:"excluded"`
}

type jsonPoint struct {
	Step          int       `json:"step"`
	MemoryMB      int       `json:"memory_mb"`
	T             float64   `json:"t"`
	Time          time.Time `json:"time"`
	WidthS        float64   `json:"width_s"`
	Started       int64     `json:"started"`
	Rate          float64   `json:"rate"`
	Completed     int64     `json:"completed"`
	OK            int64     `json:"ok"`
	Errors        int64     `json:"errors"`
	Throttles     int64     `json:"throttles"`
	ColdStarts    int64     `json:"cold_starts"`
	P50Ms         float64   `json:"p50_ms"`
	P99Ms         float64   `json:"p99_ms"`
	InFlightMax   int       `json:"in_flight_max"`
	DurationMsAvg float64   `json:"duration_ms_avg"`
}

// ms converts a duration to milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// fromMs converts milliseconds back to a duration.
func fromMs(v float64) time.Duration { return time.Duration(math.Round(v * 1e6)) }

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func encodeDist(d stats.Distribution) (*jsonDist, error) {
	if d.Count == 0 {
		return nil, nil
	}
	h, err := d.EncodeHistogram()
	if err != nil {
		return nil, err
	}
	return &jsonDist{
		Count: d.Count, Min: ms(d.Min), Mean: ms(d.Mean), Max: ms(d.Max), StdDev: ms(d.StdDev()),
		P50: ms(d.Percentile(50)), P90: ms(d.Percentile(90)), P95: ms(d.Percentile(95)),
		P99: ms(d.Percentile(99)), P999: ms(d.Percentile(99.9)), Histogram: h,
	}, nil
}

func decodeDist(j *jsonDist) (stats.Distribution, error) {
	if j == nil || j.Count == 0 {
		return stats.Distribution{}, nil
	}
	if j.Histogram != "" {
		return stats.DecodeDistribution(j.Histogram, fromMs(j.Min), fromMs(j.Max), fromMs(j.Mean))
	}
	return stats.DistributionFromPercentiles(j.Count, fromMs(j.Min), fromMs(j.Max), fromMs(j.Mean), map[float64]time.Duration{
		50: fromMs(j.P50), 90: fromMs(j.P90), 95: fromMs(j.P95), 99: fromMs(j.P99), 99.9: fromMs(j.P999),
	}), nil
}

func encodeMem(m stats.MemoryDistribution) (*jsonMemDist, error) {
	if m.Count == 0 {
		return nil, nil
	}
	h, err := m.EncodeHistogram()
	if err != nil {
		return nil, err
	}
	return &jsonMemDist{Count: m.Count, Min: m.Min, Max: m.Max, Mean: m.Mean,
		P50: m.Percentile(50), P90: m.Percentile(90), P99: m.Percentile(99), Histogram: h}, nil
}

func decodeMem(j *jsonMemDist) (stats.MemoryDistribution, error) {
	if j == nil || j.Count == 0 {
		return stats.MemoryDistribution{}, nil
	}
	if j.Histogram != "" {
		return stats.DecodeMemoryDistribution(j.Histogram, j.Min, j.Max, j.Mean)
	}
	return stats.MemoryDistributionFromFigures(j.Count, j.Min, j.Max, j.Mean), nil
}

func encodeFigures(s stats.Summary) (jsonFigures, error) {
	f := jsonFigures{
		FirstSent: utc(s.Start), LastSent: utc(s.LastStart), LastAnswer: utc(s.End),
		Requests: s.Requests, OK: s.OK, Errors: s.Errors(), FunctionErrors: s.FunctionErrors,
		ServiceErrors: s.ServiceErrors, TransportErrors: s.TransportErrors, Throttles: s.Throttles,
		SuccessRatio: s.SuccessRatio(), ErrorRatio: s.ErrorRatio(), ThrottleRatio: s.ThrottleRatio(),
		ColdStarts: s.ColdStarts, WarmStarts: s.WarmStarts, UnknownStarts: s.UnknownStarts,
		ColdStartRatio: s.ColdStartRatio(), Rate: round3(s.Rate()), Throughput: round3(s.Throughput()),
		MaxInFlight: s.MaxInFlight, MemorySizeMB: s.MemorySizeMB, BilledAvg: ms(s.BilledDuration.Mean),
		ThrottleReasons: orEmpty(s.ThrottleReasons), ErrorTypes: orEmpty(s.ErrorTypes), ServiceErrorCodes: orEmpty(s.ServiceErrorCodes),
	}
	var err error
	for _, d := range []struct {
		dst **jsonDist
		src stats.Distribution
	}{
		{&f.Latency, s.Latency}, {&f.WarmLatency, s.WarmLatency}, {&f.ColdLatency, s.ColdLatency},
		{&f.UnknownLatency, s.UnknownLatency}, {&f.Init, s.InitDuration}, {&f.Duration, s.Duration},
		{&f.Billed, s.BilledDuration},
	} {
		if *d.dst, err = encodeDist(d.src); err != nil {
			return f, err
		}
	}
	f.MaxMemoryUsed, err = encodeMem(s.MaxMemoryUsed)
	return f, err
}

func decodeFigures(f jsonFigures) (stats.Summary, error) {
	s := stats.Summary{
		Start: f.FirstSent, LastStart: f.LastSent, End: f.LastAnswer,
		Requests: f.Requests, OK: f.OK, FunctionErrors: f.FunctionErrors, ServiceErrors: f.ServiceErrors,
		TransportErrors: f.TransportErrors, Throttles: f.Throttles,
		ThrottleReasons: f.ThrottleReasons, ErrorTypes: f.ErrorTypes, ServiceErrorCodes: f.ServiceErrorCodes,
		ColdStarts: f.ColdStarts, WarmStarts: f.WarmStarts, UnknownStarts: f.UnknownStarts,
		MaxInFlight: f.MaxInFlight, MemorySizeMB: f.MemorySizeMB,
	}
	var err error
	for _, d := range []struct {
		dst  *stats.Distribution
		src  *jsonDist
		name string
	}{
		{&s.Latency, f.Latency, "latency_ms"}, {&s.WarmLatency, f.WarmLatency, "warm_latency_ms"},
		{&s.ColdLatency, f.ColdLatency, "cold_latency_ms"}, {&s.UnknownLatency, f.UnknownLatency, "unknown_latency_ms"},
		{&s.InitDuration, f.Init, "init_ms"}, {&s.Duration, f.Duration, "duration_ms"}, {&s.BilledDuration, f.Billed, "billed_ms"},
	} {
		if *d.dst, err = decodeDist(d.src); err != nil {
			return s, fmt.Errorf("%s: %w", d.name, err)
		}
	}
	if s.MaxMemoryUsed, err = decodeMem(f.MaxMemoryUsed); err != nil {
		return s, fmt.Errorf("max_memory_used_mb: %w", err)
	}
	return s, nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// unitOf names a threshold kind's unit in the JSON report.
func unitOf(k stats.Kind) string {
	switch k {
	case stats.KindDuration:
		return "ms"
	case stats.KindMemory:
		return "MB"
	case stats.KindCount:
		return "count"
	case stats.KindRatio:
		return "ratio"
	case stats.KindRate:
		return "1/s"
	}
	return ""
}

// WriteJSON writes the run as a JSON report (schema in the package doc),
// indented, with a final newline.
func WriteJSON(w io.Writer, r *Run) error {
	doc, err := toJSON(r)
	if err != nil {
		return fmt.Errorf("JSON report: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func toJSON(r *Run) (*jsonReport, error) {
	total, err := encodeFigures(r.Total())
	if err != nil {
		return nil, err
	}
	doc := &jsonReport{
		Schema: SchemaVersion, Name: r.Name, Target: r.Target, Function: r.Function, Plan: r.Plan,
		Architecture: string(r.Architecture), Start: utc(r.Start), End: utc(r.End),
		DurationS: round3(r.End.Sub(r.Start).Seconds()), jsonFigures: total,
		CostTotalUSD: r.TotalCost(), Steps: []jsonStep{}, Thresholds: []jsonCheck{},
		ThresholdsPassed: r.ThresholdsPassed(), Timeline: []jsonPoint{},
	}
	for i, s := range r.Steps {
		f, err := encodeFigures(s.Summary)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i, err)
		}
		c := s.Cost
		doc.Steps = append(doc.Steps, jsonStep{
			MemoryMB: s.MemoryMB, jsonFigures: f,
			Cost: jsonCost{Known: c.Known(), Architecture: string(c.Architecture), MemoryMB: c.MemoryMB,
				Invocations: c.Invocations, BilledMsAvg: ms(c.MeanBilled), PerInvocationUSD: c.PerInvocation,
				ComputePerInvocationUSD: c.ComputePerInvocation, Per1MUSD: c.PerMillion, TotalUSD: c.Total},
			CostPerInvocationUSD: c.PerInvocation, CostPer1MUSD: c.PerMillion,
		})
		for _, p := range s.Timeline {
			doc.Timeline = append(doc.Timeline, jsonPoint{
				Step: i, MemoryMB: s.MemoryMB, T: round3(p.Start.Sub(r.Start).Seconds()), Time: utc(p.Start),
				WidthS: p.Width.Seconds(), Started: p.Started, Rate: round3(p.Rate), Completed: p.Completed,
				OK: p.OK, Errors: p.Errors, Throttles: p.Throttles, ColdStarts: p.ColdStarts,
				P50Ms: ms(p.P50), P99Ms: ms(p.P99), InFlightMax: p.MaxInFlight, DurationMsAvg: ms(p.MeanDuration),
			})
		}
	}
	for _, c := range r.Thresholds {
		t := c.Threshold
		doc.Thresholds = append(doc.Thresholds, jsonCheck{
			Threshold: t.String(), MemoryMB: c.MemoryMB, Metric: t.Metric, Op: string(t.Op), Limit: t.Limit,
			Unit: unitOf(t.Kind), Pass: c.Pass, NoData: c.NoData, Measured: c.Measured, Miss: c.Miss,
			MissRatio: c.MissRatio, Text: c.ThresholdResult.String(),
		})
	}
	if rec := r.Recommendation; rec != nil {
		j := &jsonRecommendation{Strategy: string(rec.Strategy), BalancedWeight: rec.BalancedWeight,
			SpeedMetric: rec.SpeedMetric, MemoryMB: rec.MemoryMB, Reason: rec.Reason(), Candidates: []jsonCandidate{}}
		for _, c := range rec.Candidates {
			j.Candidates = append(j.Candidates, jsonCandidate{MemoryMB: c.MemoryMB, CostPerInvocationUSD: c.Cost,
				ComputePerInvocationUSD: c.ComputeCost, CostPer1MUSD: c.Cost * 1e6, SpeedMs: ms(c.Speed),
				ErrorRatio: c.ErrorRatio, Score: c.Score, Excluded: c.Excluded})
		}
		doc.Recommendation = j
	}
	return doc, nil
}

// ReadJSON reads a report written by WriteJSON (or by hand, to the same
// schema: without histograms, Percentile falls back on the stored
// percentiles and compare cannot test significance).
func ReadJSON(rd io.Reader) (*Run, error) {
	var doc jsonReport
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("read JSON report: %w", err)
	}
	if !strings.HasPrefix(doc.Schema, "lambench/report/v1") {
		return nil, fmt.Errorf("read JSON report: schema %q is not %s; is this a lambench report?", doc.Schema, SchemaVersion)
	}
	r := &Run{Name: doc.Name, Target: doc.Target, Function: doc.Function, Plan: doc.Plan,
		Architecture: stats.Architecture(doc.Architecture), Start: doc.Start, End: doc.End}
	for i, js := range doc.Steps {
		s, err := decodeFigures(js.jsonFigures)
		if err != nil {
			return nil, fmt.Errorf("read JSON report: step %d: %w", i, err)
		}
		c := js.Cost
		r.Steps = append(r.Steps, Step{MemoryMB: js.MemoryMB, Summary: s, Cost: stats.Cost{
			Architecture: stats.Architecture(c.Architecture), MemoryMB: c.MemoryMB, Invocations: c.Invocations,
			MeanBilled: fromMs(c.BilledMsAvg), PerInvocation: c.PerInvocationUSD,
			ComputePerInvocation: c.ComputePerInvocationUSD, PerMillion: c.Per1MUSD, Total: c.TotalUSD}})
	}
	for _, p := range doc.Timeline {
		if p.Step < 0 || p.Step >= len(r.Steps) {
			return nil, fmt.Errorf("read JSON report: timeline point at %v names step %d of %d", p.Time, p.Step, len(r.Steps))
		}
		r.Steps[p.Step].Timeline = append(r.Steps[p.Step].Timeline, stats.Second{
			Start: p.Time, Width: time.Duration(p.WidthS * float64(time.Second)), Started: p.Started, Rate: p.Rate,
			Completed: p.Completed, OK: p.OK, Errors: p.Errors, Throttles: p.Throttles, ColdStarts: p.ColdStarts,
			P50: fromMs(p.P50Ms), P99: fromMs(p.P99Ms), MaxInFlight: p.InFlightMax, MeanDuration: fromMs(p.DurationMsAvg),
		})
	}
	for _, jc := range doc.Thresholds {
		t, err := stats.ParseThreshold(jc.Threshold)
		if err != nil {
			return nil, fmt.Errorf("read JSON report: %w", err)
		}
		r.Thresholds = append(r.Thresholds, Check{MemoryMB: jc.MemoryMB, ThresholdResult: stats.ThresholdResult{
			Threshold: t, Pass: jc.Pass, NoData: jc.NoData, Measured: jc.Measured, Miss: jc.Miss, MissRatio: jc.MissRatio}})
	}
	if jr := doc.Recommendation; jr != nil {
		rec := &stats.Recommendation{Strategy: stats.Strategy(jr.Strategy), BalancedWeight: jr.BalancedWeight,
			SpeedMetric: jr.SpeedMetric, MemoryMB: jr.MemoryMB}
		for _, c := range jr.Candidates {
			rec.Candidates = append(rec.Candidates, stats.Candidate{MemoryMB: c.MemoryMB, Cost: c.CostPerInvocationUSD,
				ComputeCost: c.ComputePerInvocationUSD, Speed: fromMs(c.SpeedMs), ErrorRatio: c.ErrorRatio,
				Score: c.Score, Excluded: c.Excluded})
		}
		r.Recommendation = rec
	}
	return r, nil
}

// orEmpty makes a nil map an empty one, so the JSON has {} rather than null.
func orEmpty(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}
