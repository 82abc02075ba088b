package stats

import (
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram settings. Every histogram of one kind has the same settings in
// every Aggregator, so histograms of different runs and generators merge
// exactly (HDR histograms merge bucket by bucket at equal settings).
const (
	// LatencyUnit is the resolution of duration histograms: values are
	// recorded in microseconds.
	LatencyUnit = time.Microsecond
	// LatencyMax is the largest duration a histogram tracks; longer values
	// (beyond Lambda's 15-minute limit, so only a generator stall) are
	// recorded as LatencyMax.
	LatencyMax = time.Hour
	// Digits is the precision, in significant decimal digits, of the run's
	// duration and memory histograms: a percentile is exact to within 0.1%.
	// At these settings a dense histogram takes about 184 KB.
	Digits = 3
	// TimelineDigits is the precision of the per-second latency histograms
	// of the timeline: 1%, plenty for a chart, and 8 times smaller.
	TimelineDigits = 2
	// MemoryMaxMB is the largest Max Memory Used a histogram tracks (Lambda
	// allows up to 10,240 MB).
	MemoryMaxMB = 16384
)

// maxUS is LatencyMax in histogram units.
const maxUS = int64(LatencyMax / LatencyUnit)

// toUnits converts a duration to histogram units, clamped to the tracked
// range.
func toUnits(d time.Duration) int64 {
	us := int64(d / LatencyUnit)
	switch {
	case us < 0:
		return 0
	case us > maxUS:
		return maxUS
	}
	return us
}

// fromUnits converts histogram units back to a duration.
func fromUnits(us int64) time.Duration { return time.Duration(us) * LatencyUnit }

func newLatencyHist() *hdr.Histogram { return hdr.New(1, maxUS, Digits) }

func newLatencyPacked() *hdr.PackedHistogram { return hdr.NewPacked(1, maxUS, Digits) }

func newTimelineHist() *hdr.Histogram { return hdr.New(1, maxUS, TimelineDigits) }

func newTimelinePacked() *hdr.PackedHistogram { return hdr.NewPacked(1, maxUS, TimelineDigits) }

func newMemoryHist() *hdr.Histogram { return hdr.New(1, MemoryMaxMB, Digits) }

func newMemoryPacked() *hdr.PackedHistogram { return hdr.NewPacked(1, MemoryMaxMB, Digits) }
