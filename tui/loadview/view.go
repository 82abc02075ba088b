package loadview

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/lambench/lambench/loadgen/job"
	"github.com/lambench/lambench/loadgen/report"
	"github.com/lambench/lambench/loadgen/stats"
	"github.com/lambench/lambench/tui"
)

// labelWidth is the form's label column, marker included.
const labelWidth = 14

// View renders the body. It only formats what Update stored.
func (s *Screen) View() string {
	var out string
	switch s.state {
	case stateRunning, stateStopping:
		out = s.dashboardView()
	case stateDone:
		out = s.doneView()
	default:
		out = s.formView()
	}
	return clip(out, s.width, s.height)
}

// clip cuts the body to the screen's size.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = lipgloss.NewStyle().MaxWidth(w).Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

func (s *Screen) header() string {
	st := s.c.Styles
	h := st.Title.Render("Load test · " + s.function)
	if fn := s.fn; fn != nil && fn.MemoryMB > 0 {
		h += st.Muted.Render(fmt.Sprintf(" · %d MB · timeout %v · %s", fn.MemoryMB, fn.Timeout, orDefault(fn.Architecture, "x86_64")))
	}
	return h
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Screen) formView() string {
	st := s.c.Styles
	f := s.form
	var b strings.Builder
	b.WriteString(s.header() + "\n\n")
	for i := range f.fields {
		fl := &f.fields[i]
		marker := "  "
		label := fl.label
		if i == f.focus && f.editing {
			marker = st.Accent.Render("› ")
			label = st.Bold.Render(fmt.Sprintf("%-*s", labelWidth-2, label))
		} else {
			label = st.Muted.Render(fmt.Sprintf("%-*s", labelWidth-2, label))
		}
		b.WriteString(marker + label)
		if fl.choices != nil {
			var parts []string
			for j, c := range fl.choices {
				switch {
				case j == fl.choice && i == f.focus && f.editing:
					parts = append(parts, st.Selected.Render(" "+c+" "))
				case j == fl.choice:
					parts = append(parts, st.Bold.Render("["+c+"]"))
				default:
					parts = append(parts, st.Muted.Render(" "+c+" "))
				}
			}
			b.WriteString(strings.Join(parts, ""))
			if i == f.focus && f.editing {
				b.WriteString(st.Muted.Render("  ←/→"))
			}
		} else {
			b.WriteString(fl.input.View())
		}
		b.WriteString("\n")
		if fl.err != "" {
			b.WriteString(strings.Repeat(" ", labelWidth) + st.Error.Render("✗ "+fl.err) + "\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(s.planLine() + "\n")
	if c := s.costLine(); c != "" {
		b.WriteString(c + "\n")
	}
	switch {
	case s.state == statePreparing:
		b.WriteString(st.Muted.Render("reading "+s.function+" and the event…") + "\n")
	case s.state == stateConfirm:
		p := s.pending
		q := fmt.Sprintf("This run sends about %s requests and may cost up to %s (above %s) if every one ran for the full timeout. Run it? (y/n)",
			fmtCount(int64(p.requests)), fmtUSD(p.worst), fmtUSD(s.o.MaxCost))
		if p.requests == 0 {
			q = "This run sends an unknown number of requests (workers without a count): its cost has no bound. Run it? (y/n)"
		}
		b.WriteString(st.Warn.Width(s.width).Render(q) + "\n")
	case s.formErr != "":
		b.WriteString(st.Error.Width(s.width).Render(s.formErr) + "\n")
	case !f.editing:
		b.WriteString(st.Muted.Render("enter start · e edit") + "\n")
	}
	return b.String()
}

// planLine says what the form will run.
func (s *Screen) planLine() string {
	st := s.c.Styles
	if !s.setOK {
		return st.Muted.Render("(the plan is not complete)")
	}
	n := s.set.plan.ExpectedRequests()
	line := s.set.plan.String()
	if k := len(s.set.memory); k > 0 {
		line += fmt.Sprintf(" at each of %d memory sizes", k)
		n *= uint64(k)
	}
	if n > 0 {
		line += fmt.Sprintf(" · about %s requests", fmtCount(int64(n)))
	}
	return st.Accent.Render(line)
}

// costLine is the worst case of the form's run on a target that bills.
func (s *Screen) costLine() string {
	st := s.c.Styles
	if s.c.Client == nil || !job.CostsMoney(s.c.Client.Target()) || !s.setOK {
		return ""
	}
	if s.fn == nil {
		return st.Muted.Render("cost: reading the function…")
	}
	worst, _, err := job.WorstCase(s.fn, s.set.plan.ExpectedRequests(), s.set.memory, s.o.Prices)
	if err != nil {
		return st.Error.Render("cost: " + err.Error())
	}
	line := fmt.Sprintf("on AWS: at most %s if every request ran for the full timeout of %v", fmtUSD(worst), s.fn.Timeout)
	if worst > s.o.MaxCost {
		return st.Warn.Render(line + " (asks first)")
	}
	return st.Muted.Render(line)
}

// dashboardView is the live view of a run.
func (s *Screen) dashboardView() string {
	st := s.c.Styles
	r := s.run
	f := s.frame
	w := s.width
	var lines []string

	// Title: what runs, the step of a sweep, the clock.
	title := st.Title.Render(s.function) + st.Muted.Render(" · "+r.set.plan.String())
	if len(r.spec.Memory) > 0 && f.step > 0 {
		title += st.Bold.Render(fmt.Sprintf(" · %d MB (%d/%d)", f.memoryMB, f.step, f.steps))
	}
	switch {
	case s.state == stateStopping:
		title += st.Warn.Render(" · stopping…")
	case f.warmup:
		title += st.Warn.Render(fmt.Sprintf(" · warming up (%d)", f.warmupN))
	}
	lines = append(lines, title)

	// Progress of the step.
	total := r.set.plan.Total()
	frac, right := 0.0, ""
	if want := r.set.plan.ExpectedRequests(); r.set.plan.Requests > 0 && r.set.plan.Duration == 0 && want > 0 {
		frac = float64(f.sum.Requests) / float64(want)
		right = fmt.Sprintf("%s/%s requests", fmtCount(f.sum.Requests), fmtCount(int64(want)))
	} else if total > 0 {
		frac = float64(f.elapsed) / float64(total)
		right = fmt.Sprintf("%s / %s", fmtClock(min(f.elapsed, total)), fmtClock(total))
	}
	frac = min(max(frac, 0), 1)
	barW := max(w-len(right)-8, 10)
	filled := int(frac * float64(barW))
	bar := st.Accent.Render(strings.Repeat("█", filled)) + st.Muted.Render(strings.Repeat("░", barW-filled))
	lines = append(lines, fmt.Sprintf("%s %3.0f%% %s", bar, frac*100, right))

	// Counters.
	sum := f.sum
	lines = append(lines, fmt.Sprintf("%s %s  %s %s  %s %d  %s %s  %s %s  %s %s",
		st.Muted.Render("requests"), st.Bold.Render(fmtCount(sum.Requests)),
		st.Muted.Render("rate"), st.Bold.Render(fmt.Sprintf("%.1f/s", sum.Rate())),
		st.Muted.Render("in flight"), f.inFlight,
		st.Muted.Render("errors"), countStyle(st.Error, sum.Errors()).Render(fmtCount(sum.Errors())),
		st.Muted.Render("throttles"), countStyle(st.Warn, sum.Throttles).Render(fmtCount(sum.Throttles)),
		st.Muted.Render("cold"), st.Bold.Render(fmtCount(sum.ColdStarts))))

	// Percentiles: the last seconds, and the step so far.
	pct := func(label string, p50, p90, p99 time.Duration) string {
		return st.Muted.Render(label) + fmt.Sprintf(" p50 %s  p90 %s  p99 %s", st.Bold.Render(fmtDur(p50)), fmtDur(p90), fmtDur(p99))
	}
	nowLine := pct("now", f.now[0], f.now[1], f.now[2])
	if f.nowCount == 0 {
		nowLine = st.Muted.Render("now") + " -"
	}
	lat := sum.Latency
	lines = append(lines, nowLine+"   "+pct("all", lat.Percentile(50), lat.Percentile(90), lat.Percentile(99)))

	// Finished steps of a sweep.
	for _, d := range f.finished {
		lines = append(lines, st.OK.Render("✓ ")+fmt.Sprintf("%d MB: %s requests, p50 %s, p99 %s, duration p90 %s",
			d.memoryMB, fmtCount(d.requests), fmtDur(d.p50), fmtDur(d.p99), fmtDur(d.duration)))
	}

	// Notes (configuration changes, restores).
	notes := f.notes
	if s.state != stateStopping && len(notes) > 2 {
		notes = notes[len(notes)-2:]
	}
	var noteLines []string
	for _, n := range notes {
		noteLines = append(noteLines, st.Muted.Render("· "+n))
	}

	// Charts take what is left.
	const sparkRows = 5
	chartH := s.height - len(lines) - len(noteLines) - sparkRows - 2 // caption and axis
	const axisW = 8
	cw := max(w-axisW-1, 10)
	tl := f.timeline
	if len(tl) > cw {
		tl = tl[len(tl)-cw:]
	}
	if chartH >= 2 {
		lines = append(lines, s.latencyChart(tl, chartH, axisW)...)
	}
	lines = append(lines, s.sparklines(tl, axisW)...)
	lines = append(lines, noteLines...)
	return strings.Join(lines, "\n")
}

func countStyle(bad lipgloss.Style, n int64) lipgloss.Style {
	if n > 0 {
		return bad.Bold(true)
	}
	return lipgloss.Style{}
}

// latencyChart is p50 (solid) and p99 (shaded) per second.
func (s *Screen) latencyChart(tl []stats.Second, height, axisW int) []string {
	st := s.c.Styles
	p50 := make([]float64, len(tl))
	p99 := make([]float64, len(tl))
	for i, sec := range tl {
		p50[i] = float64(sec.P50) / float64(time.Millisecond)
		p99[i] = float64(sec.P99) / float64(time.Millisecond)
	}
	top := chartTop(p50, p99)
	rows := columnChart(p50, p99, height, top)
	out := []string{st.Muted.Render(fmt.Sprintf("%-*s", axisW, "latency")) + st.Accent.Render("█") + st.Muted.Render(" p50 per second  ") + st.Muted.Render("░ p99")}
	for i, row := range rows {
		label, tick := "", "│"
		if i == 0 {
			label, tick = fmtMs(top), "┤"
		}
		out = append(out, st.Muted.Render(fmt.Sprintf("%*s%s", axisW-1, label, tick))+st.Accent.Render(row))
	}
	ago := ""
	if len(tl) > 1 {
		ago = fmt.Sprintf("-%ds", len(tl)-1)
	}
	out = append(out, st.Muted.Render(fmt.Sprintf("%*s└%s now", axisW-1, ago, strings.Repeat("─", len(tl)))))
	return out
}

// sparklines are the per-second counts: sent, in flight, cold starts,
// errors, throttles.
func (s *Screen) sparklines(tl []stats.Second, axisW int) []string {
	st := s.c.Styles
	last := func(f func(stats.Second) float64) float64 {
		// The last whole second: the current one is still filling.
		if n := len(tl); n >= 2 {
			return f(tl[n-2])
		} else if n == 1 {
			return f(tl[0])
		}
		return 0
	}
	sum := s.frame.sum
	series := []struct {
		label string
		style lipgloss.Style
		val   func(stats.Second) float64
		right func(top float64, val func(stats.Second) float64) string
	}{
		{"sent/s", st.Accent, func(x stats.Second) float64 { return x.Rate },
			func(_ float64, v func(stats.Second) float64) string { return fmt.Sprintf("%g/s", roundTo(last(v), 1)) }},
		{"inflight", st.Accent, func(x stats.Second) float64 { return float64(x.MaxInFlight) },
			func(top float64, _ func(stats.Second) float64) string { return fmt.Sprintf("max %g", top) }},
		{"cold", st.Cold, func(x stats.Second) float64 { return float64(x.ColdStarts) },
			func(float64, func(stats.Second) float64) string { return fmtCount(sum.ColdStarts) + " in all" }},
		{"errors", st.Error, func(x stats.Second) float64 { return float64(x.Errors) },
			func(float64, func(stats.Second) float64) string { return fmtCount(sum.Errors()) + " in all" }},
		{"throttle", st.Warn, func(x stats.Second) float64 { return float64(x.Throttles) },
			func(float64, func(stats.Second) float64) string { return fmtCount(sum.Throttles) + " in all" }},
	}
	var out []string
	for _, se := range series {
		vals := make([]float64, len(tl))
		for i, sec := range tl {
			vals[i] = se.val(sec)
		}
		line, top := sparkline(vals)
		out = append(out, st.Muted.Render(fmt.Sprintf("%-*s", axisW, se.label))+" "+se.style.Render(line)+st.Muted.Render(" "+se.right(top, se.val)))
	}
	return out
}

func roundTo(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

// doneView is the finished run: a headline, then the report (scrolls).
func (s *Screen) doneView() string {
	st := s.c.Styles
	run := s.outcome.Run
	t := run.Total()
	var head string
	switch {
	case s.runErr != nil:
		head = st.Warn.Render("■ stopped") + st.Muted.Render(" · the report covers what ran")
	case !s.outcome.Passed:
		head = st.Error.Render("✗ done · a threshold failed")
	default:
		head = st.OK.Render("✓ done")
	}
	head += fmt.Sprintf(" · %s · %s requests · p50 %s · p99 %s · cold %s",
		s.function, fmtCount(t.Requests), fmtDur(t.Latency.Percentile(50)), fmtDur(t.Latency.Percentile(99)), fmtCount(t.ColdStarts))
	sub := st.Muted.Render("w save reports · r run again · e edit · ↑/↓ scroll")
	if s.savedDir != "" {
		sub = st.OK.Render("saved in "+s.savedDir) + st.Muted.Render(" · r run again · e edit · ↑/↓ scroll")
	}
	if n := len(s.last.notes); n > 0 && len(s.run.spec.Memory) > 0 {
		sub = st.Muted.Render(s.last.notes[n-1]+" · ") + sub
	}
	if s.saving {
		sub = s.saveDir.View()
	}
	return head + "\n" + sub + "\n" + s.report.View()
}

// resultContent is the scrolling part of the finished view: for a sweep,
// bars of duration and cost against memory, then the text report.
func (s *Screen) resultContent(text string) string {
	var b strings.Builder
	if run := s.outcome.Run; run.IsSweep() {
		b.WriteString(sweepBars(s.c.Styles, run, s.width))
		b.WriteString("\n")
	}
	b.WriteString(text)
	return b.String()
}

// sweepBars charts each memory size's function duration (p90; latency
// p90 when the target gave no REPORT lines) and cost per 1M invocations,
// the recommended size marked.
func sweepBars(st *tui.Styles, run *report.Run, width int) string {
	rec := 0
	if run.Recommendation != nil {
		rec = run.Recommendation.MemoryMB
	}
	type row struct {
		mem      int
		dur      time.Duration
		cost     float64
		costKnow bool
	}
	var rows []row
	topDur, topCost := 0.0, 0.0
	for _, step := range run.Steps {
		d := step.Summary.Duration.Percentile(90)
		if step.Summary.Duration.Count == 0 {
			d = step.Summary.Latency.Percentile(90)
		}
		r := row{mem: step.MemoryMB, dur: d, cost: step.Cost.PerMillion, costKnow: step.Cost.Known()}
		topDur = max(topDur, float64(d))
		if r.costKnow {
			topCost = max(topCost, r.cost)
		}
		rows = append(rows, r)
	}
	barW := max((width-12-2*10)/2, 6)
	var b strings.Builder
	b.WriteString(st.Title.Render(fmt.Sprintf("%-11s %-*s %s", "memory", barW+10, "duration p90", "cost per 1M")) + "\n")
	for _, r := range rows {
		mark := "  "
		if r.mem == rec {
			mark = st.OK.Render("> ")
		}
		dur := hbar(float64(r.dur), topDur, barW)
		cost, costText := "", "-"
		if r.costKnow {
			cost, costText = hbar(r.cost, topCost, barW), fmtUSD(r.cost)
		}
		durCell := fmt.Sprintf("%-*s", barW, dur)
		costCell := fmt.Sprintf("%-*s", barW, cost)
		b.WriteString(fmt.Sprintf("%s%-9s %s %-9s %s %s\n", mark, fmt.Sprintf("%d MB", r.mem),
			st.Accent.Render(durCell), fmtDur(r.dur), st.Warn.Render(costCell), costText))
	}
	if rc := run.Recommendation; rc != nil {
		b.WriteString(st.OK.Render(fmt.Sprintf("> recommended (%s): %d MB", rc.Strategy, rc.MemoryMB)) + "\n")
	}
	return b.String()
}
