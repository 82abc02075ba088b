package stats

import (
	"errors"
	"maps"
	"sync"
	"time"
)

// DefaultMaxKeys is how many distinct throttle reasons, error types and
// service error codes an Aggregator counts separately; the rest count as
// "other", so that a function returning a new errorType per request cannot
// grow memory.
const DefaultMaxKeys = 64

// MemoryBound is the most memory an Aggregator with the default options
// may hold after 1,000,000 samples spread over an hour at typical Lambda
// latencies; TestMemoryBound measures it on the Go heap (about 6 MB: 3,601
// timeline slots of about 1.6 KB, most of it their sparse per-second
// histograms, plus about 100 KB for the run's histograms). More samples do
// not add to it: only a wider spread of latencies within each second does,
// up to the 3,072 buckets of a 2-digit histogram.
const MemoryBound = 10 << 20

// Aggregator turns samples into a Summary and a timeline, streaming: its
// memory does not grow with the number of samples (see MemoryBound).
//
// Add, Snapshot, Progress, Timeline and Merge are safe for concurrent use:
// the engine calls Add from one goroutine while a live view reads
// snapshots from another.
type Aggregator struct {
	mu sync.Mutex

	requests int64
	outcomes [TransportError + 1]int64
	starts   [StartCold + 1]int64

	throttleReasons keyCounts
	errorTypes      keyCounts
	serviceCodes    keyCounts

	latency  tracker
	byStart  [StartCold + 1]tracker // latency by Start
	duration tracker
	init     tracker
	billed   tracker
	memory   memTracker

	first, lastStart, end time.Time
	maxInFlight           int
	memorySizeMB          int

	tl timeline
}

// Option configures an Aggregator.
type Option func(*config)

type config struct {
	timelineSlots int
	maxKeys       int
}

// TimelineSlots sets how many timeline slots the Aggregator keeps before it
// doubles their width (default DefaultTimelineSlots).
func TimelineSlots(n int) Option { return func(c *config) { c.timelineSlots = n } }

// MaxKeys sets how many distinct throttle reasons, error types and service
// error codes are counted separately (default DefaultMaxKeys).
func MaxKeys(n int) Option { return func(c *config) { c.maxKeys = n } }

// New returns an empty Aggregator.
func New(opts ...Option) *Aggregator {
	c := config{timelineSlots: DefaultTimelineSlots, maxKeys: DefaultMaxKeys}
	for _, o := range opts {
		o(&c)
	}
	a := &Aggregator{
		throttleReasons: newKeyCounts(c.maxKeys),
		errorTypes:      newKeyCounts(c.maxKeys),
		serviceCodes:    newKeyCounts(c.maxKeys),
		latency:         newTracker(),
		duration:        newTracker(),
		init:            newTracker(),
		billed:          newTracker(),
		memory:          newMemTracker(),
		tl:              newTimeline(c.timelineSlots),
	}
	for i := range a.byStart {
		a.byStart[i] = newTracker()
	}
	return a
}

// Add records one sample: about 0.3 µs (BenchmarkAddTypical; 0.5 µs for
// latencies spread over four orders of magnitude) and no allocation, except
// when a histogram bucket is populated for the first time (its storage
// grows by doubling), once per timeline second (when a second is packed),
// and for a new throttle reason or error type.
func (a *Aggregator) Add(s *Sample) {
	start := s.Start
	if start < StartUnknown || start > StartCold {
		start = StartUnknown
	}
	outcome := s.Outcome
	if outcome < OK || outcome > TransportError {
		outcome = TransportError
	}

	a.mu.Lock()
	defer a.mu.Unlock()

	a.requests++
	a.outcomes[outcome]++
	a.starts[start]++
	switch outcome {
	case Throttled:
		a.throttleReasons.inc(s.Reason)
	case FunctionError:
		a.errorTypes.inc(s.ErrorType)
	case ServiceError:
		a.serviceCodes.inc(s.Reason)
	}

	a.latency.add(s.Latency)
	a.byStart[start].add(s.Latency)
	if start != StartUnknown {
		a.duration.add(s.Duration)
		a.billed.add(s.BilledDuration)
		a.memory.add(s.MaxMemoryMB)
		if s.MemorySizeMB > 0 {
			a.memorySizeMB = s.MemorySizeMB
		}
		if start == StartCold {
			a.init.add(s.InitDuration)
		}
	}

	if !s.Timestamp.IsZero() {
		if a.first.IsZero() || s.Timestamp.Before(a.first) {
			a.first = s.Timestamp
		}
		if s.Timestamp.After(a.lastStart) {
			a.lastStart = s.Timestamp
		}
		if done := s.Timestamp.Add(s.Latency); done.After(a.end) {
			a.end = done
		}
	}
	a.maxInFlight = max(a.maxInFlight, s.InFlight)
	a.tl.add(s)
}

// Snapshot returns the Summary of the samples added so far. Its cost does
// not depend on the number of samples: it copies the populated buckets of
// eight sparse histograms (about 20 µs at typical latencies; see
// BenchmarkSnapshotTypical), holding the lock meanwhile, so a live view may
// call it several times a second.
func (a *Aggregator) Snapshot() Summary {
	a.mu.Lock()
	defer a.mu.Unlock()
	return Summary{
		Start:             a.first,
		LastStart:         a.lastStart,
		End:               a.end,
		Requests:          a.requests,
		OK:                a.outcomes[OK],
		FunctionErrors:    a.outcomes[FunctionError],
		Throttles:         a.outcomes[Throttled],
		ServiceErrors:     a.outcomes[ServiceError],
		TransportErrors:   a.outcomes[TransportError],
		ThrottleReasons:   a.throttleReasons.snapshot(),
		ErrorTypes:        a.errorTypes.snapshot(),
		ServiceErrorCodes: a.serviceCodes.snapshot(),
		ColdStarts:        a.starts[StartCold],
		WarmStarts:        a.starts[StartWarm],
		UnknownStarts:     a.starts[StartUnknown],
		MaxInFlight:       a.maxInFlight,
		MemorySizeMB:      a.memorySizeMB,
		Latency:           a.latency.distribution(),
		WarmLatency:       a.byStart[StartWarm].distribution(),
		ColdLatency:       a.byStart[StartCold].distribution(),
		UnknownLatency:    a.byStart[StartUnknown].distribution(),
		Duration:          a.duration.distribution(),
		InitDuration:      a.init.distribution(),
		BilledDuration:    a.billed.distribution(),
		MaxMemoryUsed:     a.memory.distribution(),
	}
}

// Progress is a cheap live view of a run: counts and overall latency
// percentiles, without the distributions of a Summary.
type Progress struct {
	// Requests, OK, Errors (function, service and transport), Throttles and
	// ColdStarts count the samples so far.
	Requests, OK, Errors, Throttles, ColdStarts int64
	// P50 and P99 are overall latency percentiles so far.
	P50, P99 time.Duration
	// Rate is the achieved rate so far (see Summary.Rate).
	Rate float64
	// Elapsed is the time from the first request sent to the last answer.
	Elapsed time.Duration
}

var progressPercentiles = []float64{50, 99}

// Progress returns a Progress. It reads the latency histogram in place
// (about 2 µs), so it is much cheaper than Snapshot.
func (a *Aggregator) Progress() Progress {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := Progress{
		Requests:   a.requests,
		OK:         a.outcomes[OK],
		Errors:     a.outcomes[FunctionError] + a.outcomes[ServiceError] + a.outcomes[TransportError],
		Throttles:  a.outcomes[Throttled],
		ColdStarts: a.starts[StartCold],
	}
	if a.requests == 0 {
		return p
	}
	v := a.latency.hist.ValueAtPercentilesSlice(progressPercentiles)
	p.P50 = min(max(fromUnits(v[0]), a.latency.min), a.latency.max)
	p.P99 = min(max(fromUnits(v[1]), a.latency.min), a.latency.max)
	if d := a.lastStart.Sub(a.first); a.requests > 1 && d > 0 {
		p.Rate = float64(a.requests) / d.Seconds()
	}
	p.Elapsed = a.end.Sub(a.first)
	return p
}

// Timeline returns the last n points of the per-second timeline, oldest
// first (all of them when n <= 0). A second of the run without requests
// has zero counts. Its cost is proportional to the points returned (about
// 15 µs for 60).
func (a *Aggregator) Timeline(n int) []Second {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.tl.points(n)
}

// Merge adds the samples of o (another run, or another generator of the
// same run) to a, as if a had seen them: the percentiles of a's Summary are
// then those of one Aggregator fed all the samples, and timelines are
// merged second by second. o is not changed. Do not merge two Aggregators
// into each other concurrently.
func (a *Aggregator) Merge(o *Aggregator) error {
	if o == a {
		return errors.New("merge an aggregator into itself")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()

	a.memorySizeMB = mergeMemorySize(a.memorySizeMB, a.duration.count, o.memorySizeMB, o.duration.count)
	a.requests += o.requests
	for i := range a.outcomes {
		a.outcomes[i] += o.outcomes[i]
	}
	for i := range a.starts {
		a.starts[i] += o.starts[i]
	}
	a.throttleReasons.merge(&o.throttleReasons)
	a.errorTypes.merge(&o.errorTypes)
	a.serviceCodes.merge(&o.serviceCodes)
	a.latency.merge(&o.latency)
	for i := range a.byStart {
		a.byStart[i].merge(&o.byStart[i])
	}
	a.duration.merge(&o.duration)
	a.init.merge(&o.init)
	a.billed.merge(&o.billed)
	a.memory.merge(&o.memory)
	a.first = earliest(a.first, o.first)
	a.lastStart = latest(a.lastStart, o.lastStart)
	a.end = latest(a.end, o.end)
	a.maxInFlight = max(a.maxInFlight, o.maxInFlight)
	a.tl.merge(&o.tl)
	return nil
}

// MemoryBytes estimates the memory the Aggregator holds: histograms,
// timeline and counters. TestMemoryBound checks it against the Go heap.
func (a *Aggregator) MemoryBytes() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.memory.hist.GetMemorySize()
	for _, t := range []*tracker{&a.latency, &a.byStart[0], &a.byStart[1], &a.byStart[2], &a.duration, &a.init, &a.billed} {
		n += t.hist.GetMemorySize()
	}
	n += a.tl.bytes()
	for _, k := range []*keyCounts{&a.throttleReasons, &a.errorTypes, &a.serviceCodes} {
		for key := range k.m {
			n += len(key) + 48
		}
	}
	return n
}

// keyCounts counts strings, at most limit distinct ones.
type keyCounts struct {
	m     map[string]int64
	limit int
}

func newKeyCounts(limit int) keyCounts { return keyCounts{limit: max(limit, 1)} }

// Keys that stand for many.
const (
	keyUnknown = "unknown"
	keyOther   = "other"
)

func (k *keyCounts) inc(key string) { k.add(key, 1) }

func (k *keyCounts) add(key string, n int64) {
	if key == "" {
		key = keyUnknown
	}
	if k.m == nil {
		k.m = make(map[string]int64)
	}
	if _, ok := k.m[key]; !ok && len(k.m) >= k.limit {
		key = keyOther
	}
	k.m[key] += n
}

func (k *keyCounts) merge(o *keyCounts) {
	for key, n := range o.m {
		k.add(key, n)
	}
}

func (k *keyCounts) snapshot() map[string]int64 {
	if len(k.m) == 0 {
		return nil
	}
	return maps.Clone(k.m)
}
