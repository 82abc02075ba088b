package loadview

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The charts are drawn with block characters, a cell per second: they
// read the same with and without colour, and at any size.

// eighths are the partial blocks, from none to a full cell.
var eighths = []rune{' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// columnChart draws values as columns height rows high, scaled so that
// top fills the chart: the solid part is base, a shaded part above it
// rises to tail (e.g. p50 solid, p99 shaded). tail may be nil. Rows are
// returned top first, each len(base) cells wide.
func columnChart(base, tail []float64, height int, top float64) []string {
	rows := make([]string, height)
	if top <= 0 {
		top = 1
	}
	for r := range height {
		row := height - 1 - r // from the bottom
		var b strings.Builder
		for i, v := range base {
			level := int(math.Round(v / top * float64(height*8)))
			t := 0
			if tail != nil {
				t = int(math.Round(tail[i] / top * float64(height*8)))
			}
			lo := row * 8
			switch {
			case level >= lo+8:
				b.WriteRune('█')
			case level > lo:
				b.WriteRune(eighths[level-lo])
			case t > lo:
				b.WriteRune('░')
			case row == 0 && v > 0:
				b.WriteRune('▁') // something, however small
			default:
				b.WriteRune(' ')
			}
		}
		rows[r] = b.String()
	}
	return rows
}

// sparkline draws values on one row, scaled to their maximum; a zero is
// blank, anything above zero at least a low block.
func sparkline(vals []float64) (string, float64) {
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range vals {
		switch {
		case v <= 0 || top <= 0:
			b.WriteRune(' ')
		default:
			b.WriteRune(eighths[max(1, int(math.Round(v/top*8)))])
		}
	}
	return b.String(), top
}

// hbar is a horizontal bar of v out of top, width cells at most.
func hbar(v, top float64, width int) string {
	if top <= 0 || v <= 0 || width <= 0 {
		return ""
	}
	n := v / top * float64(width)
	full := int(n)
	s := strings.Repeat("█", full)
	if part := int(math.Round((n - float64(full)) * 8)); part > 0 && full < width {
		s += string(eighths[part])
	}
	if s == "" {
		s = "▏"
	}
	return s
}

// chartTop is the top of the latency chart: the highest p50, or the p99
// most seconds stay under (the 80th percentile of the seconds' p99s),
// whichever is higher, rounded up by niceTop. A second of cold starts
// would otherwise set the scale and flatten every other second; columns
// above the top are drawn full.
func chartTop(p50, p99 []float64) float64 {
	top := 0.0
	for _, v := range p50 {
		top = max(top, v)
	}
	if len(p99) > 0 {
		s := slices.Clone(p99)
		slices.Sort(s)
		top = max(top, s[(len(s)-1)*8/10])
	}
	return niceTop(top)
}

// niceTop rounds a chart's top up to 1, 2 or 5 times a power of ten, so
// its axis label is a round number.
func niceTop(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// fmtDur writes a latency with 3 significant digits: 0.452ms, 4.52ms,
// 45.2ms, 452ms, 4.52s.
func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d <= 0:
		return "-"
	case ms < 1:
		return fmt.Sprintf("%.3fms", ms)
	case ms < 10:
		return fmt.Sprintf("%.2fms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1fms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.2fs", ms/1000)
	}
	return d.Round(100 * time.Millisecond).String()
}

// fmtMs is a chart's axis label for a value in milliseconds.
func fmtMs(ms float64) string {
	return fmtDur(time.Duration(ms * float64(time.Millisecond)))
}

// fmtClock writes an elapsed time as m:ss.
func fmtClock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// fmtUSD writes a price with enough digits for small amounts.
func fmtUSD(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 0.01:
		return fmt.Sprintf("$%.6f", v)
	case v < 100:
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

// fmtCount writes a count with thousands separators.
func fmtCount(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
