package stats

import (
	"fmt"
	"math"
	"sort"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Distribution summarises a set of durations: the exact count, extremes and
// mean, and an HDR histogram (microsecond units, 3 significant digits) for
// any percentile. Distributions of different runs merge exactly.
//
// A Distribution is a value; its histogram is never modified after it is
// built, so copies may be shared between goroutines.
type Distribution struct {
	// Count is the number of values.
	Count int64
	// Min is the smallest value, exact.
	Min time.Duration
	// Max is the largest value, exact.
	Max time.Duration
	// Mean is the arithmetic mean, exact to the nanosecond.
	Mean time.Duration

	sum  time.Duration
	hist *hdr.PackedHistogram // nil when Count == 0, or read back without one
	// fixed holds the percentiles of a Distribution read back without its
	// histogram (see DistributionFromPercentiles).
	fixed []fixedPercentile
}

type fixedPercentile struct {
	p float64
	v time.Duration
}

// StandardPercentiles are the percentiles reports show and store.
var StandardPercentiles = []float64{50, 90, 95, 99, 99.9}

// Percentile returns the value below which p percent of the values fall (p in
// [0, 100]), within the histogram's precision (0.1%) and never outside
// [Min, Max]. It is 0 for an empty distribution. For a distribution read
// back without a histogram, it is the nearest stored percentile at or above
// p (or Max).
func (d Distribution) Percentile(p float64) time.Duration {
	if d.Count == 0 {
		return 0
	}
	var v time.Duration
	switch {
	case d.hist != nil:
		v = fromUnits(d.hist.ValueAtPercentile(p))
	case p >= 100:
		v = d.Max
	default:
		v = d.Max
		for _, f := range d.fixed {
			if f.p >= p {
				v = f.v
				break
			}
		}
	}
	return min(max(v, d.Min), d.Max)
}

// StdDev is the standard deviation, estimated from the histogram (0 without
// one).
func (d Distribution) StdDev() time.Duration {
	if d.hist == nil || d.Count < 2 {
		return 0
	}
	return time.Duration(d.hist.StdDev() * float64(LatencyUnit))
}

// Sum is the total of the values.
func (d Distribution) Sum() time.Duration { return d.sum }

// HasHistogram reports whether the distribution carries its histogram (any
// percentile, bucket counts, significance tests) or only stored percentiles.
func (d Distribution) HasHistogram() bool { return d.hist != nil }

// Buckets calls fn for each populated histogram bucket in ascending order,
// with the bucket's lowest value and its count, until fn returns false.
func (d Distribution) Buckets(fn func(value time.Duration, count int64) bool) {
	if d.hist == nil {
		return
	}
	d.hist.ForEachBucket(func(v, c int64) bool { return fn(fromUnits(v), c) })
}

// CountAtOrBelow returns how many values are at or below v, at the
// histogram's precision (values in v's bucket count as at or below).
func (d Distribution) CountAtOrBelow(v time.Duration) int64 {
	var n int64
	limit := toUnits(v)
	if d.hist == nil {
		return 0
	}
	d.hist.ForEachBucket(func(b, c int64) bool {
		if b > limit {
			return false
		}
		n += c
		return true
	})
	return n
}

// Merge returns the distribution of the values of both d and o. Percentiles
// of the result equal those of a distribution that saw all values. If
// either lacks a histogram, so does the result (Percentile then returns
// Max).
func (d Distribution) Merge(o Distribution) Distribution {
	switch {
	case o.Count == 0:
		return d
	case d.Count == 0:
		return o
	}
	r := Distribution{
		Count: d.Count + o.Count,
		Min:   min(d.Min, o.Min),
		Max:   max(d.Max, o.Max),
		sum:   d.sum + o.sum,
	}
	r.Mean = r.sum / time.Duration(r.Count)
	if d.hist != nil && o.hist != nil {
		r.hist = d.hist.Clone()
		r.hist.Merge(o.hist)
	}
	return r
}

// EncodeHistogram returns the histogram in the standard HdrHistogram V2
// compressed, base64 encoding (values in microseconds), readable by any
// HdrHistogram implementation; "" when there is none.
func (d Distribution) EncodeHistogram() (string, error) {
	if d.hist == nil {
		return "", nil
	}
	b, err := d.hist.Encode()
	if err != nil {
		return "", fmt.Errorf("encode histogram: %w", err)
	}
	return string(b), nil
}

// DecodeDistribution rebuilds a Distribution from EncodeHistogram's output
// and the exact extremes and mean, as a report stores them. The count is the
// histogram's.
func DecodeDistribution(encoded string, minimum, maximum, mean time.Duration) (Distribution, error) {
	h, err := hdr.DecodePacked([]byte(encoded))
	if err != nil {
		return Distribution{}, fmt.Errorf("decode histogram: %w", err)
	}
	if h.SignificantFigures() != Digits || h.HighestTrackableValue() != maxUS || h.LowestTrackableValue() != 1 {
		return Distribution{}, fmt.Errorf("decode histogram: settings (1..%d, %d digits) differ from lambench's (1..%d, %d digits)",
			h.HighestTrackableValue(), h.SignificantFigures(), maxUS, Digits)
	}
	d := Distribution{Count: h.TotalCount(), Min: minimum, Max: maximum, Mean: mean}
	if d.Count == 0 {
		return Distribution{}, nil
	}
	d.sum = mean * time.Duration(d.Count)
	d.hist = h
	return d, nil
}

// DistributionFromPercentiles builds a Distribution without a histogram from
// stored figures (a report written by hand or by another tool).
// percentiles maps a percentile (e.g. 99) to its value.
func DistributionFromPercentiles(count int64, minimum, maximum, mean time.Duration, percentiles map[float64]time.Duration) Distribution {
	if count <= 0 {
		return Distribution{}
	}
	d := Distribution{Count: count, Min: minimum, Max: maximum, Mean: mean, sum: mean * time.Duration(count)}
	for p, v := range percentiles {
		d.fixed = append(d.fixed, fixedPercentile{p, v})
	}
	sort.Slice(d.fixed, func(i, j int) bool { return d.fixed[i].p < d.fixed[j].p })
	return d
}

// MemoryDistribution summarises the Max Memory Used of invocations, in MB.
type MemoryDistribution struct {
	// Count is the number of values.
	Count int64
	// Min is the smallest value, in MB.
	Min int
	// Max is the largest value, in MB.
	Max int
	// Mean is the arithmetic mean, in MB.
	Mean float64

	sum  int64
	hist *hdr.PackedHistogram
}

// Percentile returns the value below which p percent of the values fall, in
// MB (exact below 2048 MB, 0.1% above).
func (m MemoryDistribution) Percentile(p float64) int {
	if m.Count == 0 {
		return 0
	}
	v := m.Max
	if m.hist != nil {
		v = int(m.hist.ValueAtPercentile(p))
	}
	return min(max(v, m.Min), m.Max)
}

// StdDev is the standard deviation in MB, estimated from the histogram (0
// without one).
func (m MemoryDistribution) StdDev() float64 {
	if m.hist == nil || m.Count < 2 {
		return 0
	}
	return m.hist.StdDev()
}

// Merge returns the distribution of the values of both m and o.
func (m MemoryDistribution) Merge(o MemoryDistribution) MemoryDistribution {
	switch {
	case o.Count == 0:
		return m
	case m.Count == 0:
		return o
	}
	r := MemoryDistribution{Count: m.Count + o.Count, Min: min(m.Min, o.Min), Max: max(m.Max, o.Max), sum: m.sum + o.sum}
	r.Mean = float64(r.sum) / float64(r.Count)
	if m.hist != nil && o.hist != nil {
		r.hist = m.hist.Clone()
		r.hist.Merge(o.hist)
	}
	return r
}

// EncodeHistogram returns the histogram in HdrHistogram V2 compressed,
// base64 encoding (values in MB); "" when there is none.
func (m MemoryDistribution) EncodeHistogram() (string, error) {
	if m.hist == nil {
		return "", nil
	}
	b, err := m.hist.Encode()
	if err != nil {
		return "", fmt.Errorf("encode memory histogram: %w", err)
	}
	return string(b), nil
}

// DecodeMemoryDistribution rebuilds a MemoryDistribution from
// EncodeHistogram's output and the exact extremes and mean.
func DecodeMemoryDistribution(encoded string, minimum, maximum int, mean float64) (MemoryDistribution, error) {
	h, err := hdr.DecodePacked([]byte(encoded))
	if err != nil {
		return MemoryDistribution{}, fmt.Errorf("decode memory histogram: %w", err)
	}
	if h.TotalCount() == 0 {
		return MemoryDistribution{}, nil
	}
	return MemoryDistribution{Count: h.TotalCount(), Min: minimum, Max: maximum, Mean: mean,
		sum: int64(math.Round(mean * float64(h.TotalCount()))), hist: h}, nil
}

// MemoryDistributionFromFigures builds a MemoryDistribution without a
// histogram (Percentile then returns Max).
func MemoryDistributionFromFigures(count int64, minimum, maximum int, mean float64) MemoryDistribution {
	if count <= 0 {
		return MemoryDistribution{}
	}
	return MemoryDistribution{Count: count, Min: minimum, Max: maximum, Mean: mean, sum: int64(math.Round(mean * float64(count)))}
}

// tracker accumulates one distribution while a run goes on: a sparse
// histogram and the exact figures. Recording into an existing bucket is a
// binary search (with a last-hit cache) and allocates nothing; a new bucket
// is inserted in order, and the storage grows by doubling, so a run
// allocates a few dozen times per histogram in all. A snapshot copies only
// the populated buckets (a few KB), which is what keeps Snapshot cheap.
type tracker struct {
	hist     *hdr.PackedHistogram
	count    int64
	sum      time.Duration
	min, max time.Duration
}

func newTracker() tracker { return tracker{hist: newLatencyPacked()} }

func (t *tracker) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if t.count == 0 || d < t.min {
		t.min = d
	}
	if d > t.max {
		t.max = d
	}
	t.count++
	t.sum += d
	_ = t.hist.RecordValue(toUnits(d)) // in range by construction
}

func (t *tracker) merge(o *tracker) {
	if o.count == 0 {
		return
	}
	if t.count == 0 || o.min < t.min {
		t.min = o.min
	}
	t.max = max(t.max, o.max)
	t.count += o.count
	t.sum += o.sum
	t.hist.Merge(o.hist)
}

// distribution copies the tracker into a Distribution.
func (t *tracker) distribution() Distribution {
	if t.count == 0 {
		return Distribution{}
	}
	return t.distributionWith(t.hist.Clone())
}

// distributionWith returns the tracker's figures with histogram h.
func (t *tracker) distributionWith(h *hdr.PackedHistogram) Distribution {
	if t.count == 0 {
		return Distribution{}
	}
	return Distribution{Count: t.count, Min: t.min, Max: t.max, Mean: t.sum / time.Duration(t.count), sum: t.sum, hist: h}
}

// memTracker is tracker for Max Memory Used.
type memTracker struct {
	hist     *hdr.PackedHistogram
	count    int64
	sum      int64
	min, max int
}

func newMemTracker() memTracker { return memTracker{hist: newMemoryPacked()} }

func (t *memTracker) add(mb int) {
	mb = min(max(mb, 0), MemoryMaxMB)
	if t.count == 0 || mb < t.min {
		t.min = mb
	}
	t.max = max(t.max, mb)
	t.count++
	t.sum += int64(mb)
	_ = t.hist.RecordValue(int64(mb))
}

func (t *memTracker) merge(o *memTracker) {
	if o.count == 0 {
		return
	}
	if t.count == 0 || o.min < t.min {
		t.min = o.min
	}
	t.max = max(t.max, o.max)
	t.count += o.count
	t.sum += o.sum
	t.hist.Merge(o.hist)
}

func (t *memTracker) distribution() MemoryDistribution {
	if t.count == 0 {
		return MemoryDistribution{}
	}
	return MemoryDistribution{Count: t.count, Min: t.min, Max: t.max, Mean: float64(t.sum) / float64(t.count), sum: t.sum, hist: t.hist.Clone()}
}
