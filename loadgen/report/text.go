package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lambench/lambench/loadgen/stats"
)

// TextOptions configures the text renderers.
type TextOptions struct {
	// Color adds ANSI colours (for a terminal that wants them; the caller
	// decides, e.g. from isatty and NO_COLOR).
	Color bool
}

// textWidth is the width the text report fits in.
const textWidth = 80

// style applies ANSI styles when enabled.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) bold(t string) string  { return s.wrap("1", t) }
func (s style) red(t string) string   { return s.wrap("1;31", t) }
func (s style) green(t string) string { return s.wrap("32", t) }
func (s style) dim(t string) string   { return s.wrap("2", t) }

// textTable is a table of plain text cells: the first column left-aligned,
// the others right-aligned.
type textTable struct {
	header []string
	rows   [][]string
	left   int // how many leading columns are left-aligned
}

func (t textTable) lines() []string {
	width := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var out []string
	for _, r := range append([][]string{t.header}, t.rows...) {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < max(t.left, 1) {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}

// wrapText breaks s into lines of at most width runes, the first prefixed
// by first and the others by indent.
func wrapText(s string, width int, first, indent string) []string {
	var lines []string
	line := first
	empty := true
	for _, w := range strings.Fields(s) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += w
		empty = false
	}
	return append(lines, line)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// WriteText writes the human report of a run, readable in 80 columns.
func WriteText(w io.Writer, r *Run, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	st := style{opts.Color}
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }

	title := r.Name
	if title == "" {
		title = r.Function
	}
	p("%s\n", st.bold("lambench report: "+title))
	meta := [][2]string{{"function", r.Function}, {"target", r.Target}, {"plan", r.Plan}}
	if r.Architecture != "" {
		meta = append(meta, [2]string{"arch", string(r.Architecture)})
	}
	meta = append(meta, [2]string{"run", fmt.Sprintf("%s to %s (%s)", fmtTime(r.Start),
		r.End.UTC().Format("15:04:05"), r.End.Sub(r.Start).Round(100*time.Millisecond))})
	for _, m := range meta {
		if m[1] != "" {
			for _, l := range wrapText(m[1], textWidth, fmt.Sprintf("  %-9s ", m[0]), strings.Repeat(" ", 12)) {
				p("%s\n", l)
			}
		}
	}

	if r.IsSweep() {
		writeSweepText(bw, r, st)
	}
	for i, s := range r.Steps {
		p("\n")
		if r.IsSweep() {
			p("%s\n", st.bold(fmt.Sprintf("-- %s %s", memLabel(stepMemory(s)), strings.Repeat("-", 60))))
		}
		writeStepText(bw, r, i, st)
	}
	if len(r.Steps) == 0 {
		p("\nNo requests were sent.\n")
	}
	if len(r.Thresholds) > 0 {
		writeThresholdsText(bw, r, st)
	}
	return bw.Flush()
}

func writeSweepText(w *bufio.Writer, r *Run, st style) {
	fmt.Fprintf(w, "\n%s\n", st.bold(fmt.Sprintf("Memory sweep: %d sizes", len(r.Steps))))
	t := textTable{header: []string{"  memory", "requests", "ok", "cold", "p50", "p99", "dur p90", "billed", "per 1M"}}
	rec := 0
	if r.Recommendation != nil {
		rec = r.Recommendation.MemoryMB
	}
	for _, s := range r.Steps {
		sum := s.Summary
		mark := "  "
		if rec != 0 && stepMemory(s) == rec {
			mark = "> "
		}
		cost := "-"
		if s.Cost.Known() {
			cost = fmtUSD(s.Cost.PerMillion)
		}
		row := []string{mark + memLabel(stepMemory(s)), fmtInt(sum.Requests), fmtPct(sum.SuccessRatio()),
			fmtInt(sum.ColdStarts), "-", "-", "-", "-", cost}
		if sum.Latency.Count > 0 {
			row[4], row[5] = fmtDur(sum.Latency.Percentile(50)), fmtDur(sum.Latency.Percentile(99))
		}
		if sum.Duration.Count > 0 {
			row[6], row[7] = fmtDur(sum.Duration.Percentile(90)), fmtDur(sum.BilledDuration.Mean)
		}
		t.rows = append(t.rows, row)
	}
	for _, l := range t.lines() {
		fmt.Fprintf(w, "%s\n", l)
	}
	fmt.Fprintf(w, "%s\n", st.dim("  (p50, p99: latency; dur p90: function Duration; billed: mean; cost per 1M)"))
	if rec := r.Recommendation; rec != nil {
		fmt.Fprintln(w)
		for _, l := range wrapText(rec.Reason()+".", textWidth, st.bold("Recommendation ("+string(rec.Strategy)+"):")+" ", "  ") {
			fmt.Fprintf(w, "%s\n", l)
		}
		for _, c := range rec.Candidates {
			if c.Excluded != "" {
				fmt.Fprintf(w, "  %s excluded: %s\n", memLabel(c.MemoryMB), c.Excluded)
			}
		}
	}
}

func writeStepText(w *bufio.Writer, r *Run, i int, st style) {
	s := r.Steps[i]
	sum := s.Summary
	line := func(label, text string) {
		for _, l := range wrapText(text, textWidth, st.bold(fmt.Sprintf("%-11s", label))+" ", strings.Repeat(" ", 12)) {
			fmt.Fprintf(w, "%s\n", l)
		}
	}
	line("Requests", fmt.Sprintf("%s sent, %s achieved, %s ok, max %d in flight, %s elapsed",
		fmtInt(sum.Requests), fmtRate(sum.Rate()), fmtInt(sum.OK), sum.MaxInFlight, sum.Elapsed().Round(100*time.Millisecond)))
	errs := fmt.Sprintf("errors %s (%s)", fmtInt(sum.Errors()), fmtPct(sum.ErrorRatio()))
	if sum.Errors() > 0 {
		errs = st.red(errs)
	}
	line("Success", fmt.Sprintf("%s, %s, throttles %s (%s)", fmtPct(sum.SuccessRatio()), errs,
		fmtInt(sum.Throttles), fmtPct(sum.ThrottleRatio())))
	line("Starts", fmt.Sprintf("cold %s (%s), warm %s, no report %s", fmtInt(sum.ColdStarts),
		fmtPct(sum.ColdStartRatio()), fmtInt(sum.WarmStarts), fmtInt(sum.UnknownStarts)))
	if c := s.Cost; c.Known() {
		line("Cost", fmt.Sprintf("%s per invocation, %s per 1M (%s, %s), %s in all",
			fmtUSD(c.PerInvocation), fmtUSD(c.PerMillion), memLabel(c.MemoryMB), c.Architecture, fmtUSD(c.Total)))
	} else {
		line("Cost", "unknown (no REPORT lines or memory size)")
	}

	fmt.Fprintln(w)
	t := textTable{header: append([]string{"", ""}, distCols...), left: 2}
	for _, row := range distRows(sum) {
		t.rows = append(t.rows, append([]string{row.group, row.label}, distCells(row.d)...))
	}
	t.rows = append(t.rows, append([]string{"Memory", "used (MB)"}, memCells(sum.MaxMemoryUsed)...))
	for _, l := range t.lines() {
		fmt.Fprintf(w, "%s\n", l)
	}

	if len(sum.ThrottleReasons)+len(sum.ErrorTypes)+len(sum.ServiceErrorCodes) > 0 {
		fmt.Fprintln(w)
	}
	if len(sum.ThrottleReasons) > 0 {
		line("Throttles", countsText(sum.ThrottleReasons))
	}
	if len(sum.ErrorTypes) > 0 {
		line("Errors", "function: "+countsText(sum.ErrorTypes))
	}
	if len(sum.ServiceErrorCodes) > 0 {
		line("Errors", "service: "+countsText(sum.ServiceErrorCodes))
	}
	if si, p, ok := r.throttleOnset(); ok && si == i {
		fmt.Fprintln(w)
		line("Scaling", fmt.Sprintf("throttling began %s after the start (%s sent, %d in flight)",
			p.Start.Sub(sum.Start.Truncate(time.Second)).Round(time.Second), fmtRate(p.Rate), p.MaxInFlight))
	}
	writeScalingText(w, s.Timeline, sum, st)
}

// maxScalingRows bounds the scaling curve of the reports.
const maxScalingRows = 12

// scalingHeader heads the scaling curve's columns.
var scalingHeader = []string{"time", "sent/s", "in flight", "cold", "throttled", "errors", "p50", "p99"}

// scalingCurve condenses a timeline to at most maxScalingRows rows, when
// there is a curve to see: the rate changed (a ramp, steps, a sine), or
// requests were throttled, or cold starts went on after the first second.
// per is the number of seconds a row covers; no rows, no curve. first and
// last are when the first and the last request were sent: the rate of a
// row counts only the part of its seconds the run covered.
func scalingCurve(tl []stats.Second, first, last time.Time) (rows [][]string, per int) {
	for len(tl) > 0 && tl[len(tl)-1].Started == 0 {
		tl = tl[:len(tl)-1] // the answers' tail: nothing sent
	}
	if len(tl) < 4 || !worthACurve(tl) {
		return nil, 0
	}
	per = (len(tl) + maxScalingRows - 1) / maxScalingRows
	start := tl[0].Start
	for i := 0; i < len(tl); i += per {
		g := tl[i:min(i+per, len(tl))]
		var sent, cold, thr, errs int64
		var width time.Duration
		inFlight := 0
		var p50s []time.Duration
		var p99 time.Duration
		for _, s := range g {
			sent += s.Started
			cold += s.ColdStarts
			thr += s.Throttles
			errs += s.Errors
			width += covered(s, first, last)
			inFlight = max(inFlight, s.MaxInFlight)
			if s.Started > 0 {
				p50s = append(p50s, s.P50)
				p99 = max(p99, s.P99)
			}
		}
		rate := "-"
		if width > 0 {
			rate = fmtRate(float64(sent) / width.Seconds())
		}
		p50, worst := "-", "-"
		if len(p50s) > 0 {
			slices.Sort(p50s)
			p50, worst = fmtDur(p50s[len(p50s)/2]), fmtDur(p99)
		}
		last := g[len(g)-1]
		rows = append(rows, []string{
			fmt.Sprintf("%s-%s", g[0].Start.Sub(start).Round(time.Second), last.Start.Add(last.Width).Sub(start).Round(time.Second)),
			rate, strconv.Itoa(inFlight), fmtInt(cold), fmtInt(thr), fmtInt(errs), p50, worst,
		})
	}
	return rows, per
}

// covered is the part of a timeline slot between first and last (a
// run's first and last second are partial); a zero first or last leaves
// the slot whole.
func covered(s stats.Second, first, last time.Time) time.Duration {
	from, to := s.Start, s.Start.Add(s.Width)
	if !first.IsZero() && first.After(from) {
		from = first
	}
	if !last.IsZero() && last.Before(to) && !last.Before(from) {
		to = last
	}
	// A slot in which requests were sent covers at least a millisecond.
	return max(to.Sub(from), time.Millisecond)
}

// scalingNote explains rows that cover several seconds.
func scalingNote(per int) string {
	return fmt.Sprintf("%d s a row; p50: the middle of the seconds' p50s, p99: the worst second's", per)
}

// writeScalingText writes the scaling curve, if there is one.
func writeScalingText(w *bufio.Writer, tl []stats.Second, sum stats.Summary, st style) {
	rows, per := scalingCurve(tl, sum.Start, sum.LastStart)
	if rows == nil {
		return
	}
	fmt.Fprintf(w, "\n%s\n", st.bold("Scaling curve"))
	for _, l := range (textTable{header: scalingHeader, rows: rows}).lines() {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if per > 1 {
		fmt.Fprintf(w, "  %s\n", st.dim("("+scalingNote(per)+")"))
	}
}

// worthACurve reports whether a timeline shows scaling: a rate that
// changed by half or more, a throttle, or cold starts after the first
// second.
func worthACurve(tl []stats.Second) bool {
	lo, hi := math.Inf(1), 0.0
	for i, s := range tl {
		if s.Throttles > 0 || (i > 0 && s.ColdStarts > 0) {
			return true
		}
		// The first and last seconds are partial.
		if i > 0 && i < len(tl)-1 {
			lo, hi = min(lo, s.Rate), max(hi, s.Rate)
		}
	}
	return hi > 0 && hi >= 1.5*lo
}

// countsText renders counts by key, most frequent first.
func countsText(m map[string]int64) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+" "+fmtInt(m[k]))
	}
	return strings.Join(parts, ", ")
}

func writeThresholdsText(w *bufio.Writer, r *Run, st style) {
	failed := 0
	for _, c := range r.Thresholds {
		if !c.Pass {
			failed++
		}
	}
	head := fmt.Sprintf("Thresholds: all %d passed", len(r.Thresholds))
	if failed > 0 {
		head = fmt.Sprintf("Thresholds: %d of %d failed", failed, len(r.Thresholds))
	}
	fmt.Fprintf(w, "\n%s\n", st.bold(head))
	sweep := r.IsSweep()
	t := textTable{header: []string{"", "threshold", "measured"}, left: 2}
	if sweep {
		t = textTable{header: []string{"", "", "threshold", "measured"}, left: 3}
	}
	var misses []string
	for _, c := range r.Thresholds {
		verdict := "pass"
		if !c.Pass {
			verdict = "FAIL"
		}
		where := ""
		if c.MemoryMB != 0 {
			where = memLabel(c.MemoryMB)
		}
		measured := c.Threshold.Kind.Format(c.Measured)
		if c.NoData {
			measured = "no data"
		}
		row := []string{verdict, c.Threshold.String(), measured}
		if sweep {
			row = []string{verdict, where, c.Threshold.String(), measured}
		}
		t.rows = append(t.rows, row)
		misses = append(misses, c.MissText())
	}
	for i, l := range t.lines() {
		if i == 0 {
			continue
		}
		c := r.Thresholds[i-1]
		if c.Pass {
			l = st.green("pass") + l[4:]
		} else {
			l = st.red("FAIL") + l[4:]
		}
		if m := misses[i-1]; m != "" {
			l += "  " + m
		}
		fmt.Fprintf(w, "  %s\n", l)
	}
}
