package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

// Comparison defaults.
const (
	// DefaultAlpha is the significance level (benchstat's).
	DefaultAlpha = 0.05
	// DefaultMinChange is the smallest relative change reported as
	// significant: with hundreds of thousands of requests a test detects
	// differences smaller than the histograms' resolution (0.1%) and than
	// anything that matters, and requests of a load test are not
	// independent (a warm pool, a noisy neighbour), which makes p-values
	// optimistic.
	DefaultMinChange = 0.01
)

// Comparison is the difference between two reports, step by step (steps
// are matched by memory size, else by position), as `lambench bench
// compare old.json new.json` shows it.
type Comparison struct {
	// Old and New name the two reports.
	Old, New string
	// Alpha is the significance level.
	Alpha float64
	// MinChange is the smallest relative change called significant.
	MinChange float64
	// Steps are the matched steps.
	Steps []StepComparison
	// OnlyOld and OnlyNew are the memory sizes of steps found in one report
	// only.
	OnlyOld, OnlyNew []int
}

// StepComparison compares one step of each report.
type StepComparison struct {
	// MemoryMB is the steps' memory size (0 when unknown).
	MemoryMB int
	// Rows are the metrics compared.
	Rows []Delta
}

// Delta is one metric of a step in both reports.
type Delta struct {
	// Metric names the figure, e.g. "latency p99".
	Metric string
	// Unit is the unit of Old and New: "ms", "ratio", "count", "1/s",
	// "MB" or "USD".
	Unit string
	// Old and New are the figure in each report.
	Old, New float64
	// Change is (New-Old)/Old: +0.05 is 5% more (±Inf when Old is 0 and New
	// is not, NaN when both are 0).
	Change float64
	// P is the p-value of the test (NaN when no test applies).
	P float64
	// Test names the test: "mann-whitney", "quantile", "welch",
	// "two-proportion z", "fisher", or "" (counts and extremes are not
	// tested).
	Test string
	// Significant is true when P < Alpha and |Change| >= MinChange.
	Significant bool
	// LowerIsBetter says which direction is an improvement.
	LowerIsBetter bool
	// Verdict is "better", "worse", "~" (no significant difference) or ""
	// (not tested).
	Verdict string
}

// CompareOption configures Compare.
type CompareOption func(*Comparison)

// Alpha sets the significance level (default DefaultAlpha).
func Alpha(a float64) CompareOption { return func(c *Comparison) { c.Alpha = a } }

// MinChange sets the smallest relative change called significant (default
// DefaultMinChange).
func MinChange(r float64) CompareOption { return func(c *Comparison) { c.MinChange = r } }

// Names sets the names of the two reports in the output (e.g. their paths).
func Names(old, new string) CompareOption {
	return func(c *Comparison) { c.Old, c.New = old, new }
}

// Compare compares two runs. How significance is decided, metric by metric:
//
//   - ratios (success, errors, throttles, cold starts): a two-proportion
//     z-test on the counts, or Fisher's exact test when an expected count is
//     below 5;
//   - medians (p50): the Mann-Whitney U test of the whole distributions,
//     computed from the HDR histograms stored in the reports (values in one
//     bucket are ties), as benchstat does on raw samples;
//   - other percentiles (p90, p99): Mood's median test generalised to the
//     quantile: at the pooled distribution's percentile, the shares of each
//     run at or below it, compared with the two-proportion test;
//   - means (latency, billed duration, memory used, and cost per 1M, which
//     is proportional to the mean billed duration at equal memory): Welch's
//     t-test with standard deviations from the histograms;
//   - counts, rates and maxima: not tested (a single number).
//
// A difference is significant when p < Alpha and the change is at least
// MinChange. With about 25 metrics per step, about one in twenty
// comparisons of identical runs will show a significant difference at
// α = 0.05 (as with benchstat): look at the size of the change too.
func Compare(old, new *Run, opts ...CompareOption) *Comparison {
	c := &Comparison{Old: "old", New: "new", Alpha: DefaultAlpha, MinChange: DefaultMinChange}
	for _, o := range opts {
		o(c)
	}
	byMemory := distinctMemories(old) && distinctMemories(new)
	used := make([]bool, len(new.Steps))
	for i, os := range old.Steps {
		j := -1
		if byMemory {
			for k, ns := range new.Steps {
				if stepMemory(ns) == stepMemory(os) {
					j = k
				}
			}
		} else if i < len(new.Steps) {
			j = i
		}
		if j < 0 {
			c.OnlyOld = append(c.OnlyOld, stepMemory(os))
			continue
		}
		used[j] = true
		c.Steps = append(c.Steps, c.compareSteps(os, new.Steps[j]))
	}
	for j, ns := range new.Steps {
		if !used[j] {
			c.OnlyNew = append(c.OnlyNew, stepMemory(ns))
		}
	}
	return c
}

// distinctMemories reports whether every step has a known, distinct memory
// size.
func distinctMemories(r *Run) bool {
	seen := map[int]bool{}
	for _, s := range r.Steps {
		m := stepMemory(s)
		if m == 0 || seen[m] {
			return false
		}
		seen[m] = true
	}
	return true
}

func (c *Comparison) compareSteps(o, n Step) StepComparison {
	sc := StepComparison{MemoryMB: stepMemory(n)}
	so, sn := o.Summary, n.Summary
	add := func(metric, unit string, ov, nv, p float64, test string, lower bool) {
		d := Delta{Metric: metric, Unit: unit, Old: ov, New: nv, P: p, Test: test, LowerIsBetter: lower}
		switch {
		case ov == 0 && nv == 0:
			d.Change = math.NaN()
		case ov == 0:
			d.Change = math.Inf(1)
			if nv < 0 {
				d.Change = math.Inf(-1)
			}
		default:
			d.Change = (nv - ov) / math.Abs(ov)
		}
		if !math.IsNaN(p) && test != "" {
			changed := math.IsInf(d.Change, 0) || (!math.IsNaN(d.Change) && math.Abs(d.Change) >= c.MinChange)
			d.Significant = p < c.Alpha && changed
			switch {
			case !d.Significant:
				d.Verdict = "~"
			case (nv < ov) == lower:
				d.Verdict = "better"
			default:
				d.Verdict = "worse"
			}
		} else {
			d.P, d.Test = math.NaN(), ""
		}
		sc.Rows = append(sc.Rows, d)
	}
	none := math.NaN()
	add("requests", "count", float64(so.Requests), float64(sn.Requests), none, "", false)
	add("rate", "1/s", round3(so.Rate()), round3(sn.Rate()), none, "", false)
	ratio := func(metric string, xo, xn int64, lower bool) {
		p, test := twoProportion(xo, so.Requests, xn, sn.Requests)
		add(metric, "ratio", ratioOf(xo, so.Requests), ratioOf(xn, sn.Requests), p, test, lower)
	}
	ratio("success ratio", so.OK, sn.OK, false)
	ratio("error ratio", so.Errors(), sn.Errors(), true)
	ratio("throttle ratio", so.Throttles, sn.Throttles, true)
	ratio("cold start ratio", so.ColdStarts, sn.ColdStarts, true)

	durMs := func(d time.Duration) float64 { return float64(d) / 1e6 }
	dist := func(name string, do, dn stats.Distribution, pcts []float64, withMean, withMax bool) {
		if do.Count == 0 && dn.Count == 0 {
			return
		}
		if withMean {
			p := math.NaN()
			if do.HasHistogram() && dn.HasHistogram() {
				p = welch(do.Count, durMs(do.Mean), durMs(do.StdDev()), dn.Count, durMs(dn.Mean), durMs(dn.StdDev()))
			}
			add(name+" mean", "ms", durMs(do.Mean), durMs(dn.Mean), p, "welch", true)
		}
		for _, q := range pcts {
			label := name + " p" + strconv.FormatFloat(q, 'f', -1, 64)
			if q == 50 {
				add(label, "ms", durMs(do.Percentile(q)), durMs(dn.Percentile(q)), mannWhitney(do, dn), "mann-whitney", true)
			} else {
				add(label, "ms", durMs(do.Percentile(q)), durMs(dn.Percentile(q)), quantileTest(do, dn, q), "quantile", true)
			}
		}
		if withMax {
			add(name+" max", "ms", durMs(do.Max), durMs(dn.Max), none, "", true)
		}
	}
	dist("latency", so.Latency, sn.Latency, []float64{50, 90, 99}, true, true)
	dist("warm latency", so.WarmLatency, sn.WarmLatency, []float64{50, 99}, false, false)
	dist("cold latency", so.ColdLatency, sn.ColdLatency, []float64{50, 99}, false, false)
	dist("init", so.InitDuration, sn.InitDuration, []float64{50, 90}, false, false)
	dist("duration", so.Duration, sn.Duration, []float64{50, 90, 99}, false, false)
	dist("billed", so.BilledDuration, sn.BilledDuration, nil, true, false)
	if o.Cost.Known() || n.Cost.Known() {
		p := math.NaN()
		bo, bn := so.BilledDuration, sn.BilledDuration
		if o.Cost.MemoryMB == n.Cost.MemoryMB && o.Cost.Architecture == n.Cost.Architecture && bo.HasHistogram() && bn.HasHistogram() {
			p = welch(bo.Count, durMs(bo.Mean), durMs(bo.StdDev()), bn.Count, durMs(bn.Mean), durMs(bn.StdDev()))
		}
		add("cost per 1M", "USD", o.Cost.PerMillion, n.Cost.PerMillion, p, "welch", true)
	}
	if mo, mn := so.MaxMemoryUsed, sn.MaxMemoryUsed; mo.Count > 0 || mn.Count > 0 {
		p := math.NaN()
		if mo.Count > 1 && mn.Count > 1 {
			p = welch(mo.Count, mo.Mean, mo.StdDev(), mn.Count, mn.Mean, mn.StdDev())
		}
		add("memory used mean", "MB", mo.Mean, mn.Mean, p, "welch", true)
	}
	return sc
}

// Regressions returns the rows that got significantly worse, with their
// step's memory size.
func (c *Comparison) Regressions() []StepDelta {
	var out []StepDelta
	for _, s := range c.Steps {
		for _, d := range s.Rows {
			if d.Verdict == "worse" {
				out = append(out, StepDelta{MemoryMB: s.MemoryMB, Delta: d})
			}
		}
	}
	return out
}

// StepDelta is a Delta with its step's memory size.
type StepDelta struct {
	// MemoryMB is the step's memory size.
	MemoryMB int
	Delta
}

// formatValue renders a compared figure.
func formatValue(unit string, v float64) string {
	switch unit {
	case "ms":
		return stats.FormatMillis(v)
	case "ratio":
		return fmtPct(v)
	case "count":
		return fmtInt(int64(v))
	case "1/s":
		return fmtRate(v)
	case "MB":
		return strconv.FormatFloat(v, 'f', 1, 64)
	case "USD":
		return fmtUSD(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// formatP renders a p-value.
func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return ""
	case p < 0.001:
		return "<0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

// WriteComparisonText writes the comparison as benchstat-like tables, one
// per step: metric, old, new, change, p-value, verdict.
func WriteComparisonText(w io.Writer, c *Comparison, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	st := style{opts.Color}
	fmt.Fprintf(bw, "%s\n", st.bold(fmt.Sprintf("lambench compare: %s vs %s", c.Old, c.New)))
	fmt.Fprintf(bw, "%s\n", st.dim(fmt.Sprintf("significant: p < %s and a change of at least %s", strconv.FormatFloat(c.Alpha, 'f', -1, 64), fmtPct(c.MinChange))))
	for _, s := range c.Steps {
		t := textTable{header: []string{memLabel(s.MemoryMB), "old", "new", "change", "p", ""}}
		for _, d := range s.Rows {
			change := fmtSigned(d.Change * 100)
			if math.IsNaN(d.Change) {
				change = ""
			}
			t.rows = append(t.rows, []string{"  " + d.Metric, formatValue(d.Unit, d.Old), formatValue(d.Unit, d.New), change, formatP(d.P), d.Verdict})
		}
		fmt.Fprintln(bw)
		for i, l := range t.lines() {
			switch {
			case i == 0:
				l = st.bold(l)
			case s.Rows[i-1].Verdict == "worse":
				l = st.red(l)
			case s.Rows[i-1].Verdict == "better":
				l = st.green(l)
			}
			fmt.Fprintf(bw, "%s\n", l)
		}
	}
	for _, m := range c.OnlyOld {
		fmt.Fprintf(bw, "\n%s is only in %s\n", memLabel(m), c.Old)
	}
	for _, m := range c.OnlyNew {
		fmt.Fprintf(bw, "\n%s is only in %s\n", memLabel(m), c.New)
	}
	reg := c.Regressions()
	fmt.Fprintln(bw)
	if len(reg) == 0 {
		fmt.Fprintf(bw, "No significant regression.\n")
	} else {
		fmt.Fprintf(bw, "%s\n", st.red(fmt.Sprintf("%d significant regressions.", len(reg))))
	}
	for _, l := range wrapText("tests: ratios: two-proportion z (Fisher's exact when counts are small); p50: Mann-Whitney U; p90, p99: quantile test; means: Welch's t", textWidth, "", "  ") {
		fmt.Fprintf(bw, "%s\n", st.dim(l))
	}
	return bw.Flush()
}

// jsonDelta is a Delta in JSON, with null for NaN.
type jsonDelta struct {
	Memory        int      `json:"memory_mb"`
	Metric        string   `json:"metric"`
	Unit          string   `json:"unit"`
	Old           float64  `json:"old"`
	New           float64  `json:"new"`
	Change        *float64 `json:"change"`
	P             *float64 `json:"p"`
	Test          string   `json:"test"`
	Significant   bool     `json:"significant"`
	LowerIsBetter bool     `json:"lower_is_better"`
	Verdict       string   `json:"verdict"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// WriteComparisonJSON writes the comparison as JSON: {"old", "new",
// "alpha", "min_change", "rows": [{"memory_mb", "metric", "unit", "old",
// "new", "change" (relative, null when undefined), "p" (null when not
// tested), "test", "significant", "lower_is_better", "verdict"}],
// "only_old", "only_new", "regressions"}.
func WriteComparisonJSON(w io.Writer, c *Comparison) error {
	doc := struct {
		Old         string      `json:"old"`
		New         string      `json:"new"`
		Alpha       float64     `json:"alpha"`
		MinChange   float64     `json:"min_change"`
		Rows        []jsonDelta `json:"rows"`
		OnlyOld     []int       `json:"only_old"`
		OnlyNew     []int       `json:"only_new"`
		Regressions int         `json:"regressions"`
	}{Old: c.Old, New: c.New, Alpha: c.Alpha, MinChange: c.MinChange, Rows: []jsonDelta{},
		OnlyOld: append([]int{}, c.OnlyOld...), OnlyNew: append([]int{}, c.OnlyNew...), Regressions: len(c.Regressions())}
	for _, s := range c.Steps {
		for _, d := range s.Rows {
			doc.Rows = append(doc.Rows, jsonDelta{Memory: s.MemoryMB, Metric: d.Metric, Unit: d.Unit, Old: d.Old, New: d.New,
				Change: finite(d.Change), P: finite(d.P), Test: d.Test, Significant: d.Significant,
				LowerIsBetter: d.LowerIsBetter, Verdict: d.Verdict})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
