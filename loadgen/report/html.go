package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

const htmlStyle = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #111827; margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #f3f4f6; }
th { text-align: left; color: #374151; font-weight: 600; background: #f9fafb; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.meta td { border: none; padding: 2px 10px 2px 0; }
table.meta td:first-child { color: #6b7280; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.card { border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .k { font-size: 12px; color: #6b7280; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { border: 1px solid #e5e7eb; border-radius: 6px; }
svg .ct { font-size: 13px; font-weight: 600; fill: #111827; }
svg .tl { font-size: 10px; fill: #6b7280; }
svg .al { font-size: 11px; fill: #374151; }
svg .lg { font-size: 11px; fill: #374151; }
.pass { color: #15803d; font-weight: 600; }
.fail { color: #b91c1c; font-weight: 600; }
.rec { background: #eff6ff; }
.note { color: #6b7280; font-size: 12px; }
`

// WriteHTML writes a self-contained report.html: inline CSS and SVG charts
// drawn here (latency over time, load over time, latency histogram, cold
// vs warm, and for sweeps duration and cost by memory size); no script, no
// network. The document is also well-formed XML.
func WriteHTML(w io.Writer, r *Run) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	title := r.Name
	if title == "" {
		title = r.Function
	}
	p("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	p("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	p("<title>lambench report: %s</title>\n<style>%s</style>\n</head>\n<body>\n", esc(title), htmlStyle)
	p("<h1>lambench report: %s</h1>\n<table class=\"meta\">\n", esc(title))
	for _, m := range [][2]string{{"Function", r.Function}, {"Target", r.Target}, {"Plan", r.Plan}, {"Architecture", string(r.Architecture)},
		{"Run", fmt.Sprintf("%s to %s (%s)", fmtTime(r.Start), fmtTime(r.End), r.End.Sub(r.Start).Round(100*time.Millisecond))}} {
		if m[1] != "" {
			p("<tr><td>%s</td><td>%s</td></tr>\n", esc(m[0]), esc(m[1]))
		}
	}
	p("</table>\n")

	total := r.Total()
	p("<div class=\"cards\">\n")
	card := func(k, v string) {
		p("<div class=\"card\"><div class=\"v\">%s</div><div class=\"k\">%s</div></div>\n", esc(v), esc(k))
	}
	card("requests", fmtInt(total.Requests))
	if !r.IsSweep() {
		card("achieved rate", fmtRate(total.Rate()))
	}
	card("success", fmtPct(total.SuccessRatio()))
	card("errors", fmtInt(total.Errors()))
	card("throttles", fmtInt(total.Throttles))
	card("cold starts", fmtInt(total.ColdStarts))
	if total.Latency.Count > 0 {
		card("latency p50", fmtDur(total.Latency.Percentile(50)))
		card("latency p99", fmtDur(total.Latency.Percentile(99)))
	}
	if !r.IsSweep() && len(r.Steps) == 1 && r.Steps[0].Cost.Known() {
		card("cost per 1M", fmtUSD(r.Steps[0].Cost.PerMillion))
	}
	p("</div>\n")

	if len(r.Thresholds) > 0 {
		writeThresholdsHTML(bw, r)
	}
	if r.IsSweep() {
		writeSweepHTML(bw, r)
	}

	p("<h2>Over time</h2>\n<div class=\"charts\">\n%s\n%s\n</div>\n", latencyOverTimeChart(r), loadOverTimeChart(r))
	p("<h2>Latency distribution</h2>\n<div class=\"charts\">\n%s\n%s\n</div>\n", latencyHistogramChart(total), coldWarmChart(total))

	for i, s := range r.Steps {
		if r.IsSweep() {
			p("<h2>%s</h2>\n", esc(memLabel(stepMemory(s))))
		} else {
			p("<h2>Results</h2>\n")
		}
		writeStepHTML(bw, r, i)
	}
	p("<p class=\"note\">Percentiles from HDR histograms (3 significant digits); per-second figures within 1%%. Written by lambench.</p>\n")
	p("</body>\n</html>\n")
	return bw.Flush()
}

// htmlTable writes a table; numeric columns (n[i]) are right-aligned.
func htmlTable(w io.Writer, header []string, numeric string, rows [][]string, rowClass func(i int) string) {
	fmt.Fprint(w, "<table>\n<tr>")
	for i, h := range header {
		cls := ""
		if i < len(numeric) && numeric[i] == 'n' {
			cls = ` class="n"`
		}
		fmt.Fprintf(w, "<th%s>%s</th>", cls, esc(h))
	}
	fmt.Fprint(w, "</tr>\n")
	for ri, r := range rows {
		cls := ""
		if rowClass != nil {
			if c := rowClass(ri); c != "" {
				cls = ` class="` + c + `"`
			}
		}
		fmt.Fprintf(w, "<tr%s>", cls)
		for i, c := range r {
			tcls := ""
			if i < len(numeric) && numeric[i] == 'n' {
				tcls = ` class="n"`
			}
			fmt.Fprintf(w, "<td%s>%s</td>", tcls, c) // cells are escaped by the callers
		}
		fmt.Fprint(w, "</tr>\n")
	}
	fmt.Fprint(w, "</table>\n")
}

func escAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = esc(c)
	}
	return out
}

func writeThresholdsHTML(w io.Writer, r *Run) {
	failed := 0
	var rows [][]string
	for _, c := range r.Thresholds {
		verdict := `<span class="pass">pass</span>`
		if !c.Pass {
			failed++
			verdict = `<span class="fail">FAIL</span>`
		}
		measured := c.Threshold.Kind.Format(c.Measured)
		if c.NoData {
			measured = "no data"
		}
		step := "run"
		if c.MemoryMB != 0 {
			step = memLabel(c.MemoryMB)
		}
		rows = append(rows, append([]string{verdict}, escAll([]string{c.Threshold.String(), step, measured, c.MissText()})...))
	}
	head := fmt.Sprintf("Thresholds: all %d passed", len(r.Thresholds))
	if failed > 0 {
		head = fmt.Sprintf("Thresholds: %d of %d failed", failed, len(r.Thresholds))
	}
	fmt.Fprintf(w, "<h2>%s</h2>\n", esc(head))
	htmlTable(w, []string{"Result", "Threshold", "Step", "Measured", "Miss"}, "...n.", rows, nil)
}

func writeSweepHTML(w io.Writer, r *Run) {
	fmt.Fprintf(w, "<h2>Memory sweep</h2>\n")
	var rows [][]string
	recIdx := -1
	for i, s := range r.Steps {
		sum := s.Summary
		if r.Recommendation != nil && r.Recommendation.MemoryMB == stepMemory(s) {
			recIdx = i
		}
		row := []string{memLabel(stepMemory(s)), fmtInt(sum.Requests), fmtPct(sum.SuccessRatio()), fmtInt(sum.ColdStarts), "-", "-", "-", "-", "-"}
		if sum.Latency.Count > 0 {
			row[4], row[5] = fmtDur(sum.Latency.Percentile(50)), fmtDur(sum.Latency.Percentile(99))
		}
		if sum.Duration.Count > 0 {
			row[6], row[7] = fmtDur(sum.Duration.Percentile(90)), fmtDur(sum.BilledDuration.Mean)
		}
		if s.Cost.Known() {
			row[8] = fmtUSD(s.Cost.PerMillion)
		}
		rows = append(rows, escAll(row))
	}
	htmlTable(w, []string{"Memory", "Requests", "Success", "Cold starts", "Latency p50", "Latency p99", "Duration p90", "Billed avg", "Cost per 1M"},
		".nnnnnnnn", rows, func(i int) string {
			if i == recIdx {
				return "rec"
			}
			return ""
		})
	if rec := r.Recommendation; rec != nil {
		fmt.Fprintf(w, "<p><b>Recommendation (%s):</b> %s.</p>\n", esc(string(rec.Strategy)), esc(rec.Reason()))
		for _, c := range rec.Candidates {
			if c.Excluded != "" {
				fmt.Fprintf(w, "<p class=\"note\">%s excluded: %s</p>\n", esc(memLabel(c.MemoryMB)), esc(c.Excluded))
			}
		}
	}
	fmt.Fprintf(w, "<div class=\"charts\">\n%s\n%s\n</div>\n", durationByMemoryChart(r), costByMemoryChart(r))
}

func writeStepHTML(w io.Writer, r *Run, i int) {
	s := r.Steps[i]
	sum := s.Summary
	htmlTable(w, []string{"Requests", "Achieved rate", "OK", "Success", "Errors", "Throttles", "Cold starts", "Max in flight"}, "nnnnnnnn",
		[][]string{escAll([]string{fmtInt(sum.Requests), fmtRate(sum.Rate()), fmtInt(sum.OK), fmtPct(sum.SuccessRatio()),
			fmt.Sprintf("%s (%s)", fmtInt(sum.Errors()), fmtPct(sum.ErrorRatio())),
			fmt.Sprintf("%s (%s)", fmtInt(sum.Throttles), fmtPct(sum.ThrottleRatio())),
			fmt.Sprintf("%s (%s)", fmtInt(sum.ColdStarts), fmtPct(sum.ColdStartRatio())), fmt.Sprint(sum.MaxInFlight)})}, nil)
	var rows [][]string
	for _, row := range distRows(sum) {
		label := esc(row.label)
		if row.group != "" {
			label = "<b>" + esc(row.group) + "</b> " + label
		}
		rows = append(rows, append([]string{label}, escAll(distCells(row.d))...))
	}
	rows = append(rows, append([]string{"<b>Memory</b> used (MB)"}, escAll(memCells(sum.MaxMemoryUsed))...))
	htmlTable(w, append([]string{""}, distCols...), ".nnnnnn", rows, nil)
	if c := s.Cost; c.Known() {
		htmlTable(w, []string{"Cost per invocation", "Cost per 1M", "Memory", "Architecture", "Billed avg", "Total"}, "nnn.nn",
			[][]string{escAll([]string{fmtUSD(c.PerInvocation), fmtUSD(c.PerMillion), memLabel(c.MemoryMB), string(c.Architecture),
				fmtDur(c.MeanBilled), fmtUSD(c.Total)})}, nil)
	} else {
		fmt.Fprint(w, "<p class=\"note\">Cost unknown (no REPORT lines or memory size).</p>\n")
	}
	for _, kv := range []struct {
		title string
		m     map[string]int64
	}{{"Throttle reason", sum.ThrottleReasons}, {"Function error type", sum.ErrorTypes}, {"Service error code", sum.ServiceErrorCodes}} {
		if len(kv.m) == 0 {
			continue
		}
		var rows [][]string
		for _, k := range sortedKeys(kv.m) {
			rows = append(rows, escAll([]string{k, fmtInt(kv.m[k])}))
		}
		htmlTable(w, []string{kv.title, "Count"}, ".n", rows, nil)
	}
	if si, p, ok := r.throttleOnset(); ok && si == i {
		fmt.Fprintf(w, "<p>Throttling began %s after the start (%s sent, %d in flight).</p>\n",
			esc(p.Start.Sub(sum.Start.Truncate(time.Second)).Round(time.Second).String()), esc(fmtRate(p.Rate)), p.MaxInFlight)
	}
}

// timelineOrigin is the time the timeline charts count from.
func timelineOrigin(r *Run) time.Time {
	if !r.Start.IsZero() {
		return r.Start.Truncate(time.Second)
	}
	for _, s := range r.Steps {
		if len(s.Timeline) > 0 {
			return s.Timeline[0].Start
		}
	}
	return time.Time{}
}

// timelineSpan returns the x range (seconds since the origin) of all steps.
func timelineSpan(r *Run, origin time.Time) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range r.Steps {
		for _, p := range s.Timeline {
			x := p.Start.Sub(origin).Seconds()
			lo, hi = min(lo, x), max(hi, x+p.Width.Seconds())
			ok = true
		}
	}
	return lo, hi, ok
}

func emptyChart(c *chart, msg string) string {
	c.xTicks, c.yTicks = nil, nil
	c.frame()
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" class="al" text-anchor="middle">%s</text>`, f1(c.w/2), f1(c.h/2), esc(msg))
	return c.svg()
}

// latencyOverTimeChart: p50 and p99 of the requests sent each second.
func latencyOverTimeChart(r *Run) string {
	c := newChart("Latency over time", "time since start", "latency")
	c.legend = []legendItem{{"p50", colP50}, {"p99", colP99}}
	origin := timelineOrigin(r)
	lo, hi, ok := timelineSpan(r, origin)
	if !ok {
		return emptyChart(c, "no timeline")
	}
	var top float64
	for _, s := range r.Steps {
		for _, p := range s.Timeline {
			top = max(top, float64(p.P99)/1e6)
		}
	}
	c.xTicks, c.xMin, c.xMax = linearTicks(lo, hi, 8, fmtSecTick)
	c.yTicks, c.yMin, c.yMax = linearTicks(0, max(top, 1), 5, fmtMsTick)
	c.frame()
	for _, s := range r.Steps {
		xs := make([]float64, len(s.Timeline))
		p50 := make([]float64, len(s.Timeline))
		p99 := make([]float64, len(s.Timeline))
		for i, p := range s.Timeline {
			xs[i] = p.Start.Sub(origin).Seconds() + p.Width.Seconds()/2
			p50[i], p99[i] = math.NaN(), math.NaN()
			if p.Started > 0 {
				p50[i], p99[i] = float64(p.P50)/1e6, float64(p.P99)/1e6
			}
		}
		c.polyline(xs, p99, colP99, 1.5, false)
		c.polyline(xs, p50, colP50, 1.5, false)
		if r.IsSweep() && len(s.Timeline) > 0 {
			c.vline(s.Timeline[0].Start.Sub(origin).Seconds(), memLabel(stepMemory(s)))
		}
	}
	return c.svg()
}

// loadOverTimeChart: the scaling curve: achieved rate, requests in flight,
// throttles and cold starts per second.
func loadOverTimeChart(r *Run) string {
	c := newChart("Load over time", "time since start", "per second / in flight")
	c.legend = []legendItem{{"rate", colRate}, {"in flight", colFlight}, {"throttles", colThrottle}, {"cold starts", colColdPt}}
	origin := timelineOrigin(r)
	lo, hi, ok := timelineSpan(r, origin)
	if !ok {
		return emptyChart(c, "no timeline")
	}
	var top float64
	for _, s := range r.Steps {
		for _, p := range s.Timeline {
			top = max(top, p.Rate, float64(p.MaxInFlight), float64(p.Throttles)/p.Width.Seconds())
		}
	}
	c.xTicks, c.xMin, c.xMax = linearTicks(lo, hi, 8, fmtSecTick)
	c.yTicks, c.yMin, c.yMax = linearTicks(0, max(top, 1), 5, fmtTick)
	c.frame()
	for _, s := range r.Steps {
		// Seconds before the first request or after the last one only hold
		// answers: leave them out of the rate line.
		tl := s.Timeline
		for len(tl) > 0 && tl[len(tl)-1].Started == 0 {
			tl = tl[:len(tl)-1]
		}
		for len(tl) > 0 && tl[0].Started == 0 {
			tl = tl[1:]
		}
		n := len(tl)
		xs, rate, flight := make([]float64, n), make([]float64, n), make([]float64, n)
		var tx, ty, cx, cy []float64
		for i, p := range tl {
			xs[i] = p.Start.Sub(origin).Seconds() + p.Width.Seconds()/2
			rate[i], flight[i] = p.Rate, float64(p.MaxInFlight)
			if p.Throttles > 0 {
				tx, ty = append(tx, xs[i]), append(ty, float64(p.Throttles)/p.Width.Seconds())
			}
			if p.ColdStarts > 0 {
				cx, cy = append(cx, xs[i]), append(cy, float64(p.ColdStarts)/p.Width.Seconds())
			}
		}
		c.polyline(xs, rate, colRate, 1.5, false)
		c.polyline(xs, flight, colFlight, 1.5, false)
		c.dots(tx, ty, colThrottle, 2.5)
		c.dots(cx, cy, colColdPt, 3)
	}
	return c.svg()
}

// latencyHistogramChart: counts of requests by latency on a log scale,
// stacked by start (warm, cold, no report).
func latencyHistogramChart(s stats.Summary) string {
	c := newChart("Latency histogram", "latency (log scale)", "requests")
	if s.Latency.Count == 0 || !s.Latency.HasHistogram() {
		return emptyChart(c, "no latency histogram")
	}
	lo := max(float64(s.Latency.Min)/1e6, 0.01)
	hi := max(float64(s.Latency.Max)/1e6, lo*2)
	const bins = 60
	logLo, logHi := math.Log10(lo), math.Log10(hi)
	width := (logHi - logLo) / bins
	parts := []struct {
		name, color string
		d           stats.Distribution
		counts      [bins]float64
	}{{"warm", colWarm, s.WarmLatency, [bins]float64{}}, {"cold", colCold, s.ColdLatency, [bins]float64{}}, {"no report", colUnknown, s.UnknownLatency, [bins]float64{}}}
	var totals [bins]float64
	for i := range parts {
		parts[i].d.Buckets(func(v time.Duration, n int64) bool {
			x := math.Log10(max(float64(v)/1e6, lo))
			b := min(max(int((x-logLo)/width), 0), bins-1)
			parts[i].counts[b] += float64(n)
			totals[b] += float64(n)
			return true
		})
		if parts[i].d.Count > 0 {
			c.legend = append(c.legend, legendItem{parts[i].name, parts[i].color})
		}
	}
	var top float64
	for _, t := range totals {
		top = max(top, t)
	}
	c.xLog, c.xMin, c.xMax = true, lo, hi
	c.xTicks = logTicks(lo, hi, fmtMsTick)
	c.yTicks, c.yMin, c.yMax = linearTicks(0, max(top, 1), 5, fmtTick)
	c.frame()
	plotW := c.w - c.left - c.right
	for b := range bins {
		x := c.left + float64(b)*plotW/bins
		bw := plotW/bins - 1
		edgeLo, edgeHi := math.Pow(10, logLo+float64(b)*width), math.Pow(10, logLo+float64(b+1)*width)
		var base float64
		for _, part := range parts {
			n := part.counts[b]
			if n == 0 {
				continue
			}
			c.bar(x, bw, base, base+n, part.color, fmt.Sprintf("%s to %s: %s %s", stats.FormatMillis(edgeLo), stats.FormatMillis(edgeHi), fmtInt(int64(n)), part.name))
			base += n
		}
	}
	return c.svg()
}

// coldWarmChart: warm and cold latency side by side at p50, p90, p99 and
// max, with their counts in the legend.
func coldWarmChart(s stats.Summary) string {
	title := "Cold vs warm latency"
	if s.InitDuration.Count > 0 {
		title += " (init p50 " + fmtDur(s.InitDuration.Percentile(50)) + ")"
	}
	c := newChart(title, "", "latency")
	series := []struct {
		name, color string
		d           stats.Distribution
	}{
		{fmt.Sprintf("warm %s (%s)", fmtInt(s.WarmLatency.Count), fmtPct(ratioOf(s.WarmLatency.Count, s.Requests))), colWarm, s.WarmLatency},
		{fmt.Sprintf("cold %s (%s)", fmtInt(s.ColdLatency.Count), fmtPct(ratioOf(s.ColdLatency.Count, s.Requests))), colCold, s.ColdLatency},
	}
	if s.WarmLatency.Count == 0 && s.ColdLatency.Count == 0 {
		return emptyChart(c, "no REPORT lines: cold and warm starts unknown")
	}
	cats := []string{"p50", "p90", "p99", "max"}
	value := func(d stats.Distribution, cat string) float64 {
		if d.Count == 0 {
			return 0
		}
		switch cat {
		case "max":
			return float64(d.Max) / 1e6
		case "p50":
			return float64(d.Percentile(50)) / 1e6
		case "p90":
			return float64(d.Percentile(90)) / 1e6
		}
		return float64(d.Percentile(99)) / 1e6
	}
	var top float64
	for _, sr := range series {
		c.legend = append(c.legend, legendItem{sr.name, sr.color})
		top = max(top, value(sr.d, "max"))
	}
	c.xMin, c.xMax = 0, float64(len(cats))
	for i, cat := range cats {
		c.xTicks = append(c.xTicks, tick{float64(i) + 0.5, cat})
	}
	c.yTicks, c.yMin, c.yMax = linearTicks(0, max(top, 1), 5, fmtMsTick)
	c.frame()
	slot := (c.w - c.left - c.right) / float64(len(cats))
	bw := slot * 0.35
	for i, cat := range cats {
		for j, sr := range series {
			v := value(sr.d, cat)
			x := c.left + float64(i)*slot + slot*0.15 + float64(j)*bw
			c.bar(x, bw-2, 0, v, sr.color, fmt.Sprintf("%s %s: %s", strings.Fields(sr.name)[0], cat, stats.FormatMillis(v)))
		}
	}
	return c.svg()
}

func ratioOf(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// sweepX places the memory sizes of a sweep evenly on the x axis.
func sweepX(c *chart, r *Run) []float64 {
	c.xMin, c.xMax = 0, float64(len(r.Steps))
	xs := make([]float64, len(r.Steps))
	for i, s := range r.Steps {
		xs[i] = float64(i) + 0.5
		c.xTicks = append(c.xTicks, tick{xs[i], memLabel(stepMemory(s))})
	}
	return xs
}

// durationByMemoryChart: the function's Duration p50 and p90 at each memory
// size (client latency when the target gave no REPORT lines).
func durationByMemoryChart(r *Run) string {
	useDuration := true
	for _, s := range r.Steps {
		if s.Summary.Requests > 0 && s.Summary.Duration.Count == 0 {
			useDuration = false
		}
	}
	name := "Duration by memory size"
	if !useDuration {
		name = "Latency by memory size"
	}
	c := newChart(name, "memory size", "duration")
	c.legend = []legendItem{{"p50", colP50}, {"p90", colP99}}
	xs := sweepX(c, r)
	p50, p90 := make([]float64, len(xs)), make([]float64, len(xs))
	var top float64
	for i, s := range r.Steps {
		d := s.Summary.Duration
		if !useDuration {
			d = s.Summary.Latency
		}
		p50[i], p90[i] = math.NaN(), math.NaN()
		if d.Count > 0 {
			p50[i], p90[i] = float64(d.Percentile(50))/1e6, float64(d.Percentile(90))/1e6
			top = max(top, p90[i])
		}
	}
	c.yTicks, c.yMin, c.yMax = linearTicks(0, max(top, 1), 5, fmtMsTick)
	c.frame()
	c.polyline(xs, p90, colP99, 2, false)
	c.dots(xs, p90, colP99, 3.5)
	c.polyline(xs, p50, colP50, 2, false)
	c.dots(xs, p50, colP50, 3.5)
	return c.svg()
}

// costByMemoryChart: cost per million invocations at each memory size; the
// recommended size is highlighted.
func costByMemoryChart(r *Run) string {
	c := newChart("Cost per 1M invocations by memory size", "memory size", "USD per 1M")
	c.legend = []legendItem{{"cost", colCost}}
	if r.Recommendation != nil {
		c.legend = append(c.legend, legendItem{"recommended", colP99})
	}
	xs := sweepX(c, r)
	var top float64
	for _, s := range r.Steps {
		if s.Cost.Known() {
			top = max(top, s.Cost.PerMillion)
		}
	}
	if top == 0 {
		return emptyChart(c, "cost unknown (no REPORT lines)")
	}
	c.yTicks, c.yMin, c.yMax = linearTicks(0, top*1.12, 5, func(v float64) string { return "$" + fmtTick(v) })
	c.frame()
	slot := (c.w - c.left - c.right) / float64(len(xs))
	for i, s := range r.Steps {
		if !s.Cost.Known() {
			continue
		}
		col := colCost
		if r.Recommendation != nil && r.Recommendation.MemoryMB == stepMemory(s) {
			col = colP99
		}
		x := c.left + float64(i)*slot + slot*0.25
		c.bar(x, slot*0.5, 0, s.Cost.PerMillion, col, fmt.Sprintf("%s: %s per 1M", memLabel(stepMemory(s)), fmtUSD(s.Cost.PerMillion)))
		fmt.Fprintf(&c.b, `<text x="%s" y="%s" class="tl" text-anchor="middle">%s</text>`, f1(x+slot*0.25), f1(c.py(s.Cost.PerMillion)-4), esc(fmtUSD(s.Cost.PerMillion)))
	}
	return c.svg()
}
