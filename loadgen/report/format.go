package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

// fmtDur renders a duration compactly (61.2ms, 1.25s).
func fmtDur(d time.Duration) string {
	return stats.FormatMillis(float64(d) / float64(time.Millisecond))
}

// fmtPct renders a ratio as a percentage (99.60%).
func fmtPct(r float64) string { return stats.KindRatio.Format(r) }

// fmtInt renders a count with thousands separators (1,000,000).
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// fmtUSD renders a price with 4 significant digits ($0.000002083,
// $2.083, $25.60).
func fmtUSD(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v >= 100:
		return "$" + strconv.FormatFloat(v, 'f', 2, 64)
	}
	decimals := max(2, int(math.Ceil(-math.Log10(v)))+3)
	return "$" + strconv.FormatFloat(v, 'f', decimals, 64)
}

// fmtRate renders requests per second (49.8/s).
func fmtRate(r float64) string { return stats.KindRate.Format(r) }

// fmtSigned renders a relative change (+6.7%, -0.3%, 0%).
func fmtSigned(pct float64) string {
	switch {
	case math.IsNaN(pct):
		return "n/a"
	case math.IsInf(pct, 1):
		return "+∞"
	case math.IsInf(pct, -1):
		return "-∞"
	case math.Abs(pct) < 0.005:
		return "0%"
	case math.Abs(pct) < 0.05:
		return strconv.FormatFloat(pct, 'f', 2, 64) + "%"
	}
	s := strconv.FormatFloat(pct, 'f', 1, 64) + "%"
	if pct > 0 {
		s = "+" + s
	}
	return s
}

// latencyRows are the distributions a report tables, in order: label and
// distribution; rows without values are kept (shown as "-") except the
// unknown-start one.
type distRow struct {
	group, label string
	d            stats.Distribution
}

func distRows(s stats.Summary) []distRow {
	rows := []distRow{
		{"Latency", "all", s.Latency},
		{"", "warm", s.WarmLatency},
		{"", "cold", s.ColdLatency},
	}
	if s.UnknownLatency.Count > 0 && s.UnknownLatency.Count != s.Latency.Count {
		rows = append(rows, distRow{"", "no report", s.UnknownLatency})
	}
	return append(rows,
		distRow{"Function", "init", s.InitDuration},
		distRow{"", "duration", s.Duration},
		distRow{"", "billed", s.BilledDuration},
	)
}

// distCols are the columns of a distribution table.
var distCols = []string{"count", "p50", "p90", "p99", "max", "mean"}

// distCells renders a distribution's columns.
func distCells(d stats.Distribution) []string {
	if d.Count == 0 {
		return []string{"0", "-", "-", "-", "-", "-"}
	}
	return []string{fmtInt(d.Count), fmtDur(d.Percentile(50)), fmtDur(d.Percentile(90)),
		fmtDur(d.Percentile(99)), fmtDur(d.Max), fmtDur(d.Mean)}
}

// memCells renders the Max Memory Used columns.
func memCells(m stats.MemoryDistribution) []string {
	if m.Count == 0 {
		return []string{"0", "-", "-", "-", "-", "-"}
	}
	return []string{fmtInt(m.Count), strconv.Itoa(m.Percentile(50)), strconv.Itoa(m.Percentile(90)),
		strconv.Itoa(m.Percentile(99)), strconv.Itoa(m.Max), strconv.FormatFloat(m.Mean, 'f', 1, 64)}
}

// memLabel names a step by its memory size.
func memLabel(mb int) string {
	if mb == 0 {
		return "memory unknown"
	}
	return strconv.Itoa(mb) + " MB"
}

// stepMemory is a step's memory size: its configured one, else the one its
// REPORT lines gave.
func stepMemory(s Step) int {
	if s.MemoryMB != 0 {
		return s.MemoryMB
	}
	return s.Summary.MemorySizeMB
}

// sortedKeys returns m's keys by descending count, then name.
func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortByCount(keys, m)
	return keys
}

func sortByCount(keys []string, m map[string]int64) {
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b))
	})
}
