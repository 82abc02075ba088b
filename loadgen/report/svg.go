package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn as inline SVG by this file: no script, no library, so
// report.html opens anywhere, offline.

// Colours of the charts.
const (
	colP50      = "#2563eb" // blue
	colP99      = "#ea580c" // orange
	colWarm     = "#3b82f6"
	colCold     = "#f97316"
	colUnknown  = "#9ca3af"
	colRate     = "#2563eb"
	colFlight   = "#16a34a"
	colThrottle = "#dc2626"
	colColdPt   = "#f97316"
	colCost     = "#7c3aed"
	colGrid     = "#e5e7eb"
	colAxis     = "#6b7280"
)

// tick is an axis graduation.
type tick struct {
	v     float64
	label string
}

// chart is the frame of a 2-D chart: size, plot area, scales and axes.
type chart struct {
	w, h                   float64
	left, right, top, bot  float64
	title, xLabel, yLabel  string
	xMin, xMax, yMin, yMax float64
	xLog                   bool
	xTicks, yTicks         []tick
	legend                 []legendItem
	b                      strings.Builder
}

type legendItem struct{ name, color string }

func newChart(title, xLabel, yLabel string) *chart {
	return &chart{w: 560, h: 270, left: 62, right: 16, top: 46, bot: 44, title: title, xLabel: xLabel, yLabel: yLabel}
}

func (c *chart) px(v float64) float64 {
	lo, hi := c.xMin, c.xMax
	if c.xLog {
		v, lo, hi = math.Log10(max(v, 1e-9)), math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		return c.left
	}
	return c.left + (v-lo)/(hi-lo)*(c.w-c.left-c.right)
}

func (c *chart) py(v float64) float64 {
	if c.yMax == c.yMin {
		return c.h - c.bot
	}
	return c.h - c.bot - (v-c.yMin)/(c.yMax-c.yMin)*(c.h-c.top-c.bot)
}

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func esc(s string) string { return html.EscapeString(s) }

// frame draws the background, grid, axes, ticks, labels, title and legend.
func (c *chart) frame() {
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`,
		f1(c.w), f1(c.h), f1(c.w), f1(c.h), esc(c.title))
	fmt.Fprintf(&c.b, `<title>%s</title>`, esc(c.title))
	fmt.Fprintf(&c.b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`, f1(c.w), f1(c.h))
	fmt.Fprintf(&c.b, `<text x="%s" y="18" class="ct">%s</text>`, f1(c.left), esc(c.title))
	x0, x1, y0, y1 := c.left, c.w-c.right, c.h-c.bot, c.top
	for _, t := range c.yTicks {
		y := c.py(t.v)
		fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(x0), f1(y), f1(x1), f1(y), colGrid)
		fmt.Fprintf(&c.b, `<text x="%s" y="%s" class="tl" text-anchor="end">%s</text>`, f1(x0-6), f1(y+4), esc(t.label))
	}
	for _, t := range c.xTicks {
		x := c.px(t.v)
		fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(x), f1(y0), f1(x), f1(y0+4), colAxis)
		fmt.Fprintf(&c.b, `<text x="%s" y="%s" class="tl" text-anchor="middle">%s</text>`, f1(x), f1(y0+16), esc(t.label))
	}
	fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(x0), f1(y0), f1(x1), f1(y0), colAxis)
	fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(x0), f1(y0), f1(x0), f1(y1), colAxis)
	if c.xLabel != "" {
		fmt.Fprintf(&c.b, `<text x="%s" y="%s" class="al" text-anchor="middle">%s</text>`, f1((x0+x1)/2), f1(c.h-6), esc(c.xLabel))
	}
	if c.yLabel != "" {
		fmt.Fprintf(&c.b, `<text x="14" y="%s" class="al" text-anchor="middle" transform="rotate(-90 14 %s)">%s</text>`,
			f1((y0+y1)/2), f1((y0+y1)/2), esc(c.yLabel))
	}
	// Legend, right-aligned under the title.
	x := c.w - c.right
	for i := len(c.legend) - 1; i >= 0; i-- {
		l := c.legend[i]
		x -= float64(len(l.name))*6.2 + 22
		fmt.Fprintf(&c.b, `<rect x="%s" y="25" width="10" height="10" fill="%s"/>`, f1(x), l.color)
		fmt.Fprintf(&c.b, `<text x="%s" y="34" class="lg">%s</text>`, f1(x+14), esc(l.name))
	}
}

func (c *chart) svg() string {
	c.b.WriteString(`</svg>`)
	return c.b.String()
}

// polyline draws a line through the points; NaN y values break it.
func (c *chart) polyline(xs, ys []float64, color string, width float64, dashed bool) {
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			dash := ""
			if dashed {
				dash = ` stroke-dasharray="5 3"`
			}
			fmt.Fprintf(&c.b, `<polyline fill="none" stroke="%s" stroke-width="%s"%s points="%s"/>`, color, f1(width), dash, strings.Join(seg, " "))
		} else if len(seg) == 1 {
			xy := strings.Split(seg[0], ",")
			fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="2" fill="%s"/>`, xy[0], xy[1], color)
		}
		seg = seg[:0]
	}
	for i := range xs {
		if math.IsNaN(ys[i]) {
			flush()
			continue
		}
		seg = append(seg, f1(c.px(xs[i]))+","+f1(c.py(ys[i])))
	}
	flush()
}

// dots draws a marker at each point.
func (c *chart) dots(xs, ys []float64, color string, r float64) {
	for i := range xs {
		if !math.IsNaN(ys[i]) {
			fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`, f1(c.px(xs[i])), f1(c.py(ys[i])), f1(r), color)
		}
	}
}

// bar draws a rectangle from y0 to y1 (data units) between pixel x and
// x+w.
func (c *chart) bar(x, w, y0, y1 float64, color, tip string) {
	top, bottom := c.py(y1), c.py(y0)
	if bottom-top < 0.5 {
		return
	}
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s">`, f1(x), f1(top), f1(max(w, 0.5)), f1(bottom-top), color)
	if tip != "" {
		fmt.Fprintf(&c.b, `<title>%s</title>`, esc(tip))
	}
	c.b.WriteString(`</rect>`)
}

// vline draws a vertical marker with a label at the top.
func (c *chart) vline(x float64, label string) {
	px := c.px(x)
	fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-dasharray="2 3"/>`, f1(px), f1(c.top), f1(px), f1(c.h-c.bot), colAxis)
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" class="tl">%s</text>`, f1(px+3), f1(c.top+10), esc(label))
}

// niceStep returns a round step (1, 2 or 5 × 10^k) giving about n
// intervals over span.
func niceStep(span float64, n int) float64 {
	if span <= 0 || n <= 0 {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		return mag
	case f <= 2:
		return 2 * mag
	case f <= 5:
		return 5 * mag
	}
	return 10 * mag
}

// linearTicks returns round ticks covering [lo, hi] and the extended range.
func linearTicks(lo, hi float64, n int, format func(float64) string) ([]tick, float64, float64) {
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep(hi-lo, n)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	var ts []tick
	for v := lo; v <= hi+step/2; v += step {
		v := math.Round(v/step) * step
		ts = append(ts, tick{v, format(v)})
	}
	return ts, lo, hi
}

// logTicks returns ticks at 1, 2 and 5 × 10^k within [lo, hi].
func logTicks(lo, hi float64, format func(float64) string) []tick {
	var ts []tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo && v <= hi {
				ts = append(ts, tick{v, format(v)})
			}
		}
	}
	return ts
}

// fmtTick renders a number for an axis: 0, 2.5, 40, 1.2k, 3M.
func fmtTick(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// fmtMsTick renders milliseconds for an axis: 0.5ms, 40ms, 1.5s.
func fmtMsTick(v float64) string {
	if v >= 1000 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "s"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "ms"
}

// fmtSecTick renders seconds for a time axis: 0s, 30s, 2m, 1m30s.
func fmtSecTick(v float64) string {
	s := int(math.Round(v))
	if s < 60 && s > -60 {
		return strconv.Itoa(s) + "s"
	}
	if s%60 == 0 {
		return strconv.Itoa(s/60) + "m"
	}
	return fmt.Sprintf("%dm%ds", s/60, s%60)
}
