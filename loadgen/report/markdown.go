package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// mdCell escapes a table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// mdTable writes a Markdown table; align has one of 'l' or 'r' per column.
func mdTable(w io.Writer, header []string, align string, rows [][]string) {
	cells := func(r []string) string {
		out := make([]string, len(r))
		for i, c := range r {
			out[i] = mdCell(c)
		}
		return "| " + strings.Join(out, " | ") + " |"
	}
	fmt.Fprintln(w, cells(header))
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
		if i < len(align) && align[i] == 'r' {
			seps[i] = "---:"
		}
	}
	fmt.Fprintln(w, "|"+strings.Join(seps, "|")+"|")
	for _, r := range rows {
		fmt.Fprintln(w, cells(r))
	}
	fmt.Fprintln(w)
}

// WriteMarkdown writes the report as Markdown (report.md): the content of
// the text report, as tables.
func WriteMarkdown(w io.Writer, r *Run) error {
	bw := bufio.NewWriter(w)
	title := r.Name
	if title == "" {
		title = r.Function
	}
	fmt.Fprintf(bw, "# lambench report: %s\n\n", title)
	meta := [][]string{}
	for _, m := range [][2]string{{"Function", r.Function}, {"Target", r.Target}, {"Plan", r.Plan}, {"Architecture", string(r.Architecture)}} {
		if m[1] != "" {
			meta = append(meta, []string{m[0], "`" + m[1] + "`"})
		}
	}
	meta = append(meta, []string{"Run", fmt.Sprintf("%s to %s (%s)", fmtTime(r.Start), fmtTime(r.End), r.End.Sub(r.Start).Round(100*time.Millisecond))})
	mdTable(bw, []string{"", ""}, "ll", meta)

	if r.IsSweep() {
		fmt.Fprintf(bw, "## Memory sweep\n\n")
		rows := [][]string{}
		for _, s := range r.Steps {
			sum := s.Summary
			mem := memLabel(stepMemory(s))
			if rec := r.Recommendation; rec != nil && rec.MemoryMB == stepMemory(s) {
				mem = "**" + mem + "** (recommended)"
			}
			row := []string{mem, fmtInt(sum.Requests), fmtPct(sum.SuccessRatio()), fmtInt(sum.ColdStarts), "-", "-", "-", "-", "-"}
			if sum.Latency.Count > 0 {
				row[4], row[5] = fmtDur(sum.Latency.Percentile(50)), fmtDur(sum.Latency.Percentile(99))
			}
			if sum.Duration.Count > 0 {
				row[6], row[7] = fmtDur(sum.Duration.Percentile(90)), fmtDur(sum.BilledDuration.Mean)
			}
			if s.Cost.Known() {
				row[8] = fmtUSD(s.Cost.PerMillion)
			}
			rows = append(rows, row)
		}
		mdTable(bw, []string{"Memory", "Requests", "Success", "Cold starts", "Latency p50", "Latency p99", "Duration p90", "Billed avg", "Cost per 1M"}, "lrrrrrrrr", rows)
		if rec := r.Recommendation; rec != nil {
			fmt.Fprintf(bw, "**Recommendation (%s):** %s.\n\n", rec.Strategy, rec.Reason())
			for _, c := range rec.Candidates {
				if c.Excluded != "" {
					fmt.Fprintf(bw, "- %s excluded: %s\n", memLabel(c.MemoryMB), c.Excluded)
				}
			}
			fmt.Fprintln(bw)
		}
	}

	for i, s := range r.Steps {
		if r.IsSweep() {
			fmt.Fprintf(bw, "## %s\n\n", memLabel(stepMemory(s)))
		} else {
			fmt.Fprintf(bw, "## Results\n\n")
		}
		writeStepMarkdown(bw, r, i)
	}
	if len(r.Steps) == 0 {
		fmt.Fprintf(bw, "No requests were sent.\n\n")
	}

	if len(r.Thresholds) > 0 {
		fmt.Fprintf(bw, "## Thresholds\n\n")
		rows := [][]string{}
		for _, c := range r.Thresholds {
			verdict := "pass"
			if !c.Pass {
				verdict = "**FAIL**"
			}
			measured := c.Threshold.Kind.Format(c.Measured)
			if c.NoData {
				measured = "no data"
			}
			step := "run"
			if c.MemoryMB != 0 {
				step = memLabel(c.MemoryMB)
			}
			rows = append(rows, []string{verdict, "`" + c.Threshold.String() + "`", step, measured, c.MissText()})
		}
		mdTable(bw, []string{"Result", "Threshold", "Step", "Measured", "Miss"}, "lllrl", rows)
	}
	return bw.Flush()
}

func writeStepMarkdown(w io.Writer, r *Run, i int) {
	s := r.Steps[i]
	sum := s.Summary
	mdTable(w, []string{"Requests", "Achieved rate", "OK", "Success", "Errors", "Throttles", "Cold starts", "Max in flight"}, "rrrrrrrr",
		[][]string{{fmtInt(sum.Requests), fmtRate(sum.Rate()), fmtInt(sum.OK), fmtPct(sum.SuccessRatio()),
			fmt.Sprintf("%s (%s)", fmtInt(sum.Errors()), fmtPct(sum.ErrorRatio())),
			fmt.Sprintf("%s (%s)", fmtInt(sum.Throttles), fmtPct(sum.ThrottleRatio())),
			fmt.Sprintf("%s (%s)", fmtInt(sum.ColdStarts), fmtPct(sum.ColdStartRatio())), fmt.Sprint(sum.MaxInFlight)}})

	rows := [][]string{}
	for _, row := range distRows(sum) {
		label := row.label
		if row.group != "" {
			label = "**" + row.group + "** " + label
		}
		rows = append(rows, append([]string{label}, distCells(row.d)...))
	}
	rows = append(rows, append([]string{"**Memory** used (MB)"}, memCells(sum.MaxMemoryUsed)...))
	mdTable(w, append([]string{""}, distCols...), "lrrrrrr", rows)

	if c := s.Cost; c.Known() {
		mdTable(w, []string{"Cost per invocation", "Cost per 1M", "Memory", "Architecture", "Billed avg", "Total"}, "rrrlrr",
			[][]string{{fmtUSD(c.PerInvocation), fmtUSD(c.PerMillion), memLabel(c.MemoryMB), string(c.Architecture),
				fmtDur(c.MeanBilled), fmtUSD(c.Total)}})
	} else {
		fmt.Fprintf(w, "Cost: unknown (no REPORT lines or memory size).\n\n")
	}
	for _, kv := range []struct {
		title string
		m     map[string]int64
	}{{"Throttle reason", sum.ThrottleReasons}, {"Function error type", sum.ErrorTypes}, {"Service error code", sum.ServiceErrorCodes}} {
		if len(kv.m) == 0 {
			continue
		}
		rows := [][]string{}
		for _, k := range sortedKeys(kv.m) {
			rows = append(rows, []string{"`" + k + "`", fmtInt(kv.m[k])})
		}
		mdTable(w, []string{kv.title, "Count"}, "lr", rows)
	}
	if si, p, ok := r.throttleOnset(); ok && si == i {
		fmt.Fprintf(w, "Throttling began %s after the start (%s sent, %d in flight).\n\n",
			p.Start.Sub(sum.Start.Truncate(time.Second)).Round(time.Second), fmtRate(p.Rate), p.MaxInFlight)
	}
	if rows, per := scalingCurve(s.Timeline, sum.Start, sum.LastStart); rows != nil {
		fmt.Fprintf(w, "Scaling curve")
		if per > 1 {
			fmt.Fprintf(w, " (%s)", scalingNote(per))
		}
		fmt.Fprintf(w, ":\n\n")
		mdTable(w, scalingHeader, "lrrrrrrr", rows)
	}
}
