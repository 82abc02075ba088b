package stats

import (
	"time"
	"unsafe"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Timeline defaults.
const (
	// DefaultTimelineSlots is how many timeline slots an Aggregator keeps:
	// 68 minutes at one-second resolution (an hour-long run, its ramp and
	// its last answers). A longer run doubles the width of
	// the slots (2 s, 4 s, ...) instead of growing, so memory stays bounded.
	DefaultTimelineSlots = 4096
	// openSlots is how many of the most recent slots record latency into a
	// dense histogram (allocation-free) before they are packed. A request
	// whose answer arrives more than openSlots slots after it was sent is
	// recorded into the packed histogram of its slot instead.
	openSlots = 8
)

// Second is one point of the timeline: the requests sent during [Start,
// Start+Width). Width is one second unless a long run coarsened the
// timeline.
type Second struct {
	// Start is the beginning of the slot (a whole Unix second).
	Start time.Time
	// Width is the slot's length: 1s, or a power of two seconds after
	// coarsening.
	Width time.Duration
	// Started is how many requests were sent in the slot.
	Started int64
	// Rate is the achieved rate: Started per second of Width.
	Rate float64
	// Completed is how many answers arrived in the slot (whenever they were
	// sent).
	Completed int64
	// OK, Errors and Throttles classify the requests sent in the slot:
	// Errors counts function, service and transport errors; Throttles the
	// 429s.
	OK, Errors, Throttles int64
	// ColdStarts counts cold starts among the requests sent in the slot.
	ColdStarts int64
	// P50 and P99 are latency percentiles of the requests sent in the slot
	// (2 significant digits: within 1%).
	P50, P99 time.Duration
	// MaxInFlight is the most requests in flight when one of the slot's
	// requests was sent.
	MaxInFlight int
	// MeanDuration is the mean function Duration of the slot's requests that
	// reported one (0 if none did).
	MeanDuration time.Duration
}

// slot accumulates one timeline point.
type slot struct {
	started, completed, ok, errors, throttles, cold int64
	durSum                                          time.Duration
	durCount                                        int64
	maxInFlight                                     int
	dense                                           *hdr.Histogram       // while open
	packed                                          *hdr.PackedHistogram // once sealed
	p50, p99                                        int64                // of packed, valid unless dirty
	dirty                                           bool
}

func (s *slot) empty() bool {
	return s.started == 0 && s.completed == 0
}

// addCounts adds o's counters (not its latency histogram) to s.
func (s *slot) addCounts(o *slot) {
	s.started += o.started
	s.completed += o.completed
	s.ok += o.ok
	s.errors += o.errors
	s.throttles += o.throttles
	s.cold += o.cold
	s.durSum += o.durSum
	s.durCount += o.durCount
	s.maxInFlight = max(s.maxInFlight, o.maxInFlight)
}

// timeline is the per-second record of a run: a slice of slots aligned on
// multiples of width (absolute Unix seconds, so two timelines merge slot
// by slot), of at most maxSlots slots.
type timeline struct {
	width    int64 // seconds, a power of two
	origin   int64 // Unix second of slots[0], a multiple of width
	slots    []slot
	maxSlots int
	high     int64   // latest start second seen (Unix)
	open     []int64 // Unix start seconds of the slots that hold a dense histogram
	pool     []*hdr.Histogram
}

func newTimeline(maxSlots int) timeline {
	return timeline{width: 1, maxSlots: max(maxSlots, 2)}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// index returns the slot of Unix second sec, growing, prepending or
// coarsening the timeline as needed.
func (t *timeline) index(sec int64) int {
	if len(t.slots) == 0 {
		t.origin = floorDiv(sec, t.width) * t.width
		if t.slots == nil {
			t.slots = make([]slot, 0, min(t.maxSlots, 64))
		}
		t.slots = append(t.slots, slot{})
		return 0
	}
	for {
		start := floorDiv(sec, t.width) * t.width
		end := t.origin + int64(len(t.slots))*t.width
		if start < t.origin {
			if (end-start)/t.width > int64(t.maxSlots) {
				t.coarsen()
				continue
			}
			n := int((t.origin - start) / t.width)
			grown := make([]slot, n+len(t.slots), max(n+len(t.slots), cap(t.slots)))
			copy(grown[n:], t.slots)
			t.slots = grown
			t.origin = start
			return 0
		}
		i := (start - t.origin) / t.width
		if i < int64(len(t.slots)) {
			return int(i)
		}
		if i >= int64(t.maxSlots) {
			t.coarsen()
			continue
		}
		for int64(len(t.slots)) <= i {
			t.slots = append(t.slots, slot{})
		}
		return int(i)
	}
}

func (t *timeline) slotStart(i int) int64 { return t.origin + int64(i)*t.width }

// add records one sample.
func (t *timeline) add(s *Sample) {
	if s.Timestamp.IsZero() {
		return
	}
	sec := s.Timestamp.Unix()
	if len(t.slots) == 0 || sec > t.high {
		t.high = sec
	}
	i := t.index(sec)
	sl := &t.slots[i]
	sl.started++
	switch s.Outcome {
	case OK:
		sl.ok++
	case Throttled:
		sl.throttles++
	default:
		sl.errors++
	}
	if s.Start == StartCold {
		sl.cold++
	}
	if s.Start != StartUnknown {
		sl.durSum += s.Duration
		sl.durCount++
	}
	sl.maxInFlight = max(sl.maxInFlight, s.InFlight)
	t.recordLatency(i, toUnits(s.Latency))
	t.sealOld()

	// Completion second: the answer may land in a later slot.
	if done := s.Timestamp.Add(s.Latency).Unix(); done != sec {
		t.slots[t.index(done)].completed++
	} else {
		sl.completed++
	}
}

// recordLatency records v into slot i: into its dense histogram if it is
// recent enough to be open, else into its packed one.
func (t *timeline) recordLatency(i int, v int64) {
	sl := &t.slots[i]
	if sl.dense != nil {
		_ = sl.dense.RecordValue(v)
		return
	}
	start := t.slotStart(i)
	if start > t.high-openSlots*t.width {
		if len(t.pool) == 0 {
			if len(t.open) >= openSlots {
				t.seal(t.open[0])
			}
			if len(t.pool) == 0 {
				t.pool = append(t.pool, newTimelineHist())
			}
		}
		sl.dense = t.pool[len(t.pool)-1]
		t.pool = t.pool[:len(t.pool)-1]
		t.open = append(t.open, start)
		_ = sl.dense.RecordValue(v)
		return
	}
	if sl.packed == nil {
		sl.packed = newTimelinePacked()
	}
	_ = sl.packed.RecordValue(v)
	sl.dirty = true
}

// sealOld packs the open slots that have fallen out of the open window.
func (t *timeline) sealOld() {
	limit := t.high - openSlots*t.width
	for len(t.open) > 0 {
		oldest := 0
		for j, s := range t.open {
			if s < t.open[oldest] {
				oldest = j
			}
		}
		if t.open[oldest] > limit {
			return
		}
		t.seal(t.open[oldest])
	}
}

// seal moves the dense histogram of the slot starting at Unix second start
// into its packed histogram and returns the dense one to the pool.
func (t *timeline) seal(start int64) {
	for j, s := range t.open {
		if s == start {
			t.open = append(t.open[:j], t.open[j+1:]...)
			break
		}
	}
	i := int((start - t.origin) / t.width)
	sl := &t.slots[i]
	if sl.dense == nil {
		return
	}
	if sl.packed == nil {
		sl.packed = newTimelinePacked()
	}
	sl.packed.MergeFrom(sl.dense)
	sl.dense.Reset()
	t.pool = append(t.pool, sl.dense)
	sl.dense = nil
	sl.dirty = true
}

func (t *timeline) sealAll() {
	for len(t.open) > 0 {
		t.seal(t.open[0])
	}
}

// coarsen doubles the width of the slots, merging them pairwise.
func (t *timeline) coarsen() {
	t.sealAll()
	w := t.width * 2
	origin := floorDiv(t.origin, w) * w
	end := t.origin + int64(len(t.slots))*t.width
	n := int((end - origin + w - 1) / w)
	merged := make([]slot, n, max(n, min(t.maxSlots, cap(t.slots))))
	for i := range t.slots {
		src := &t.slots[i]
		dst := &merged[(t.slotStart(i)-origin)/w]
		dst.addCounts(src)
		if src.packed != nil {
			if dst.packed == nil {
				dst.packed = src.packed // src is discarded
			} else {
				dst.packed.Merge(src.packed)
			}
			dst.dirty = true
		}
	}
	t.slots, t.width, t.origin = merged, w, origin
}

// merge adds o's slots to t, aligned on absolute time. o is not modified.
func (t *timeline) merge(o *timeline) {
	if len(o.slots) == 0 {
		return
	}
	for t.width < o.width {
		t.coarsen()
	}
	for i := range o.slots {
		src := &o.slots[i]
		if src.empty() {
			continue
		}
		j := t.index(o.slotStart(i))
		dst := &t.slots[j]
		dst.addCounts(src)
		if src.dense == nil && src.packed == nil {
			continue
		}
		if dst.dense != nil {
			if src.dense != nil {
				dst.dense.Merge(src.dense)
			}
			if src.packed != nil {
				src.packed.MergeInto(dst.dense)
			}
			continue
		}
		if dst.packed == nil {
			dst.packed = newTimelinePacked()
		}
		if src.dense != nil {
			dst.packed.MergeFrom(src.dense)
		}
		if src.packed != nil {
			dst.packed.Merge(src.packed)
		}
		dst.dirty = true
	}
	t.high = max(t.high, o.high)
}

var timelinePercentiles = []float64{50, 99}

// point computes slot i's Second, caching the percentiles of sealed slots.
func (t *timeline) point(i int) Second {
	sl := &t.slots[i]
	p := Second{
		Start:       time.Unix(t.slotStart(i), 0),
		Width:       time.Duration(t.width) * time.Second,
		Started:     sl.started,
		Rate:        float64(sl.started) / float64(t.width),
		Completed:   sl.completed,
		OK:          sl.ok,
		Errors:      sl.errors,
		Throttles:   sl.throttles,
		ColdStarts:  sl.cold,
		MaxInFlight: sl.maxInFlight,
	}
	if sl.durCount > 0 {
		p.MeanDuration = sl.durSum / time.Duration(sl.durCount)
	}
	if sl.packed != nil && sl.dirty {
		v := sl.packed.ValueAtPercentilesSlice(timelinePercentiles)
		sl.p50, sl.p99, sl.dirty = v[0], v[1], false
	}
	switch {
	case sl.dense != nil && sl.packed != nil && sl.packed.TotalCount() > 0:
		// Late answers of a reopened slot: combine both (rare).
		h := newTimelineHist()
		h.Merge(sl.dense)
		sl.packed.MergeInto(h)
		v := h.ValueAtPercentilesSlice(timelinePercentiles)
		p.P50, p.P99 = fromUnits(v[0]), fromUnits(v[1])
	case sl.dense != nil:
		v := sl.dense.ValueAtPercentilesSlice(timelinePercentiles)
		p.P50, p.P99 = fromUnits(v[0]), fromUnits(v[1])
	case sl.packed != nil:
		p.P50, p.P99 = fromUnits(sl.p50), fromUnits(sl.p99)
	}
	return p
}

// points returns the last n points (all of them if n <= 0).
func (t *timeline) points(n int) []Second {
	from := 0
	if n > 0 && n < len(t.slots) {
		from = len(t.slots) - n
	}
	out := make([]Second, 0, len(t.slots)-from)
	for i := from; i < len(t.slots); i++ {
		out = append(out, t.point(i))
	}
	return out
}

// bytes estimates the memory held by the timeline.
func (t *timeline) bytes() int {
	n := cap(t.slots) * int(unsafe.Sizeof(slot{}))
	for i := range t.slots {
		if p := t.slots[i].packed; p != nil {
			n += p.GetMemorySize()
		}
	}
	n += (len(t.open) + len(t.pool)) * newTimelineHistBytes
	return n
}

var newTimelineHistBytes = newTimelineHist().ByteSize()
