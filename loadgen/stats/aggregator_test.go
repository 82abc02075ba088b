package stats

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// genSamples returns n samples sent at rate per second from t0, with a mix
// of warm, cold and unknown starts, errors and throttles, and latencies
// spread over several orders of magnitude.
func genSamples(r *rand.Rand, n int, rate float64) []Sample {
	out := make([]Sample, n)
	for i := range out {
		s := Sample{
			Seq:       uint64(i),
			Timestamp: t0.Add(time.Duration(float64(i) / rate * float64(time.Second))),
			Code:      200,
			InFlight:  1 + r.IntN(20),
		}
		switch x := r.Float64(); {
		case x < 0.02:
			s.Outcome, s.Code, s.Reason = Throttled, 429, []string{"ReservedFunctionConcurrentInvocationLimitExceeded", "ConcurrentInvocationLimitExceeded"}[r.IntN(2)]
			s.Latency = time.Duration(2+r.IntN(5)) * time.Millisecond
		case x < 0.03:
			s.Outcome, s.Code = TransportError, 0
			s.Latency = time.Duration(r.IntN(30)) * time.Second
		default:
			s.Start = StartWarm
			if r.Float64() < 0.05 {
				s.Start = StartCold
				s.InitDuration = time.Duration(100_000+r.IntN(200_000)) * time.Microsecond
			}
			// Log-normal function duration around 50 ms.
			s.Duration = time.Duration(math.Exp(r.NormFloat64()*0.6+math.Log(50_000))) * time.Microsecond
			s.BilledDuration = (s.Duration + time.Millisecond - 1).Truncate(time.Millisecond)
			s.Latency = s.Duration + s.InitDuration + time.Duration(1000+r.IntN(4000))*time.Microsecond
			s.MemorySizeMB = 512
			s.MaxMemoryMB = 60 + r.IntN(40)
			if r.Float64() < 0.03 {
				s.Outcome = FunctionError
				s.ErrorType = []string{"Runtime.ExitError", "Error", ""}[r.IntN(3)]
			}
		}
		out[i] = s
	}
	return out
}

// nearestRank is the exact percentile with the rank HDR uses: the value at
// rank round(p/100 * n), at least 1.
func nearestRank(sorted []time.Duration, p float64) time.Duration {
	rank := int(p/100*float64(len(sorted)) + 0.5)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func checkDistribution(t *testing.T, name string, d Distribution, values []time.Duration) {
	t.Helper()
	if d.Count != int64(len(values)) {
		t.Fatalf("%s: count %d, want %d", name, d.Count, len(values))
	}
	if len(values) == 0 {
		return
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	var sum time.Duration
	for _, v := range sorted {
		sum += v
	}
	if d.Min != sorted[0] || d.Max != sorted[len(sorted)-1] {
		t.Errorf("%s: min/max %v/%v, want %v/%v", name, d.Min, d.Max, sorted[0], sorted[len(sorted)-1])
	}
	if want := sum / time.Duration(len(sorted)); d.Mean != want {
		t.Errorf("%s: mean %v, want %v", name, d.Mean, want)
	}
	for _, p := range []float64{0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100} {
		want := nearestRank(sorted, p)
		got := d.Percentile(p)
		// 3 significant digits: the bucket of v is at most v/1024 wide,
		// plus the microsecond unit.
		tol := time.Duration(float64(want)/1000) + 2*LatencyUnit
		if diff := got - want; diff < -tol || diff > tol {
			t.Errorf("%s: p%v = %v, want %v ± %v", name, p, got, want, tol)
		}
	}
}

func TestAggregatorMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	samples := genSamples(r, 50_000, 200)
	a := New()
	for i := range samples {
		a.Add(&samples[i])
	}
	s := a.Snapshot()

	var lat, warm, cold, unknown, dur, init, billed []time.Duration
	var ok, fe, thr, te, nCold, nWarm int64
	reasons := map[string]int64{}
	types := map[string]int64{}
	maxInFlight := 0
	for _, x := range samples {
		lat = append(lat, x.Latency)
		maxInFlight = max(maxInFlight, x.InFlight)
		switch x.Outcome {
		case OK:
			ok++
		case FunctionError:
			fe++
			k := x.ErrorType
			if k == "" {
				k = "unknown"
			}
			types[k]++
		case Throttled:
			thr++
			reasons[x.Reason]++
		case TransportError:
			te++
		}
		switch x.Start {
		case StartWarm:
			nWarm++
			warm = append(warm, x.Latency)
		case StartCold:
			nCold++
			cold = append(cold, x.Latency)
			init = append(init, x.InitDuration)
		default:
			unknown = append(unknown, x.Latency)
		}
		if x.Start != StartUnknown {
			dur = append(dur, x.Duration)
			billed = append(billed, x.BilledDuration)
		}
	}
	if s.Requests != int64(len(samples)) || s.OK != ok || s.FunctionErrors != fe || s.Throttles != thr || s.TransportErrors != te {
		t.Errorf("counts: %+v", s)
	}
	if s.ColdStarts != nCold || s.WarmStarts != nWarm || s.UnknownStarts != int64(len(unknown)) {
		t.Errorf("starts: cold %d warm %d unknown %d", s.ColdStarts, s.WarmStarts, s.UnknownStarts)
	}
	if s.MaxInFlight != maxInFlight || s.MemorySizeMB != 512 {
		t.Errorf("max in flight %d, memory %d", s.MaxInFlight, s.MemorySizeMB)
	}
	if len(s.ThrottleReasons) != len(reasons) {
		t.Errorf("throttle reasons %v, want %v", s.ThrottleReasons, reasons)
	}
	for k, v := range reasons {
		if s.ThrottleReasons[k] != v {
			t.Errorf("throttle reason %s: %d, want %d", k, s.ThrottleReasons[k], v)
		}
	}
	for k, v := range types {
		if s.ErrorTypes[k] != v {
			t.Errorf("error type %s: %d, want %d", k, s.ErrorTypes[k], v)
		}
	}
	checkDistribution(t, "latency", s.Latency, lat)
	checkDistribution(t, "warm", s.WarmLatency, warm)
	checkDistribution(t, "cold", s.ColdLatency, cold)
	checkDistribution(t, "unknown", s.UnknownLatency, unknown)
	checkDistribution(t, "duration", s.Duration, dur)
	checkDistribution(t, "init", s.InitDuration, init)
	checkDistribution(t, "billed", s.BilledDuration, billed)

	if got, want := s.Rate(), 200.0; math.Abs(got-want) > 0.1 {
		t.Errorf("rate %v, want %v", got, want)
	}
	if s.SuccessRatio()+s.ErrorRatio()+s.ThrottleRatio() != 1 {
		t.Errorf("ratios do not add up: %v %v %v", s.SuccessRatio(), s.ErrorRatio(), s.ThrottleRatio())
	}
	if s.MaxMemoryUsed.Count != int64(len(dur)) || s.MaxMemoryUsed.Min < 60 || s.MaxMemoryUsed.Max > 99 {
		t.Errorf("memory %+v", s.MaxMemoryUsed)
	}
}

func TestEmptyAggregator(t *testing.T) {
	a := New()
	s := a.Snapshot()
	if s.Requests != 0 || s.Latency.Percentile(99) != 0 || s.Rate() != 0 || s.SuccessRatio() != 0 || s.Elapsed() != 0 {
		t.Errorf("empty summary: %+v", s)
	}
	if len(a.Timeline(10)) != 0 {
		t.Error("empty timeline has points")
	}
	if p := a.Progress(); p.Requests != 0 || p.P99 != 0 {
		t.Errorf("empty progress: %+v", p)
	}
}

// TestMergeIsExact: two generators' aggregators merged give the
// percentiles, counts and timeline of one aggregator fed every sample, both
// for interleaved halves of one run and for two runs an hour apart.
func TestMergeIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	samples := genSamples(r, 40_000, 100)
	later := genSamples(r, 5_000, 100)
	for i := range later {
		later[i].Timestamp = later[i].Timestamp.Add(time.Hour)
	}

	all, a, b := New(), New(), New()
	for i := range samples {
		all.Add(&samples[i])
		if r.IntN(2) == 0 {
			a.Add(&samples[i])
		} else {
			b.Add(&samples[i])
		}
	}
	for i := range later {
		all.Add(&later[i])
		b.Add(&later[i])
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(a); err == nil {
		t.Error("merging an aggregator into itself succeeded")
	}
	want, got := all.Snapshot(), a.Snapshot()
	assertSameSummary(t, got, want)

	// Summary.Merge is exact too.
	sa, sb := New(), New()
	for i := range samples {
		if i%3 == 0 {
			sa.Add(&samples[i])
		} else {
			sb.Add(&samples[i])
		}
	}
	for i := range later {
		sb.Add(&later[i])
	}
	assertSameSummary(t, sa.Snapshot().Merge(sb.Snapshot()), want)

	gotTL, wantTL := a.Timeline(0), all.Timeline(0)
	if len(gotTL) != len(wantTL) {
		t.Fatalf("timeline: %d points, want %d", len(gotTL), len(wantTL))
	}
	for i := range wantTL {
		if gotTL[i] != wantTL[i] {
			t.Fatalf("timeline point %d: %+v, want %+v", i, gotTL[i], wantTL[i])
		}
	}
}

func assertSameSummary(t *testing.T, got, want Summary) {
	t.Helper()
	if got.Requests != want.Requests || got.OK != want.OK || got.Throttles != want.Throttles ||
		got.FunctionErrors != want.FunctionErrors || got.ColdStarts != want.ColdStarts ||
		got.WarmStarts != want.WarmStarts || !got.Start.Equal(want.Start) || !got.End.Equal(want.End) ||
		got.MaxInFlight != want.MaxInFlight || got.MemorySizeMB != want.MemorySizeMB {
		t.Errorf("counts differ:\n got %+v\nwant %+v", got, want)
	}
	for name, pair := range map[string][2]Distribution{
		"latency":  {got.Latency, want.Latency},
		"warm":     {got.WarmLatency, want.WarmLatency},
		"cold":     {got.ColdLatency, want.ColdLatency},
		"unknown":  {got.UnknownLatency, want.UnknownLatency},
		"duration": {got.Duration, want.Duration},
		"init":     {got.InitDuration, want.InitDuration},
		"billed":   {got.BilledDuration, want.BilledDuration},
	} {
		g, w := pair[0], pair[1]
		if g.Count != w.Count || g.Min != w.Min || g.Max != w.Max || g.Mean != w.Mean {
			t.Errorf("%s: %+v, want %+v", name, g, w)
		}
		for p := 0.0; p <= 100; p += 0.5 {
			if g.Percentile(p) != w.Percentile(p) {
				t.Errorf("%s p%v: %v, want %v", name, p, g.Percentile(p), w.Percentile(p))
			}
		}
		if g.Percentile(99.99) != w.Percentile(99.99) {
			t.Errorf("%s p99.99 differs", name)
		}
	}
	if got.MaxMemoryUsed.Percentile(50) != want.MaxMemoryUsed.Percentile(50) || got.MaxMemoryUsed.Count != want.MaxMemoryUsed.Count {
		t.Error("memory distributions differ")
	}
	for k, v := range want.ThrottleReasons {
		if got.ThrottleReasons[k] != v {
			t.Errorf("throttle reason %s: %d, want %d", k, got.ThrottleReasons[k], v)
		}
	}
}

// TestMemoryBound: 1,000,000 samples over an hour stay within MemoryBound,
// measured on the Go heap.
func TestMemoryBound(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("1,000,000 samples: run without -short and -race")
	}
	const n = 1_000_000
	r := rand.New(rand.NewPCG(5, 6))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	a := New()
	rate := float64(n) / 3600
	var s Sample
	for i := range n {
		s = Sample{
			Timestamp:      t0.Add(time.Duration(float64(i) / rate * float64(time.Second))),
			Start:          StartWarm,
			Duration:       time.Duration(math.Exp(r.NormFloat64()*0.5+math.Log(40_000))) * time.Microsecond,
			MemorySizeMB:   512,
			MaxMemoryMB:    70 + r.IntN(30),
			InFlight:       1 + r.IntN(10),
			BilledDuration: 41 * time.Millisecond,
		}
		if r.IntN(100) == 0 {
			s.Start = StartCold
			s.InitDuration = time.Duration(150+r.IntN(100)) * time.Millisecond
		}
		s.Latency = s.Duration + s.InitDuration + time.Duration(500+r.IntN(3000))*time.Microsecond
		a.Add(&s)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	estimate := a.MemoryBytes()
	t.Logf("after %d samples over 1h: heap %.2f MB, MemoryBytes %.2f MB, timeline %d points", n,
		float64(heap)/(1<<20), float64(estimate)/(1<<20), len(a.Timeline(0)))
	if heap > MemoryBound {
		t.Errorf("aggregator holds %d bytes, more than MemoryBound (%d)", heap, MemoryBound)
	}
	if estimate > MemoryBound {
		t.Errorf("MemoryBytes %d exceeds MemoryBound (%d)", estimate, MemoryBound)
	}
	if got := a.Snapshot().Requests; got != n {
		t.Errorf("requests %d", got)
	}
	runtime.KeepAlive(a)
}

// TestTimelineTenMinutes simulates a 10-minute run at a ramping rate, with
// answers arriving out of order (latency up to 12 s, beyond the open
// window), and checks each second against a brute-force count.
func TestTimelineTenMinutes(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	type exp struct {
		started, completed, cold, errors, throttles int64
		lat                                         []time.Duration
		inFlight                                    int
	}
	want := map[int64]*exp{}
	get := func(sec int64) *exp {
		if want[sec] == nil {
			want[sec] = &exp{}
		}
		return want[sec]
	}
	var samples []Sample
	for sec := range int64(600) {
		rate := 5 + int(sec/10) // 5/s ramping to 64/s
		for j := range rate {
			s := Sample{
				Timestamp: t0.Add(time.Duration(sec)*time.Second + time.Duration(j)*time.Second/time.Duration(rate)),
				Start:     StartWarm,
				Latency:   time.Duration(20+r.IntN(80)) * time.Millisecond,
				Duration:  15 * time.Millisecond,
				InFlight:  1 + r.IntN(rate),
			}
			switch {
			case r.IntN(100) == 0:
				s.Start = StartCold
				s.Latency += 300 * time.Millisecond
			case r.IntN(200) == 0:
				s.Latency = time.Duration(9+r.IntN(4)) * time.Second // late: beyond the open window
				s.Outcome, s.Start = TransportError, StartUnknown
			case sec > 400 && r.IntN(10) == 0:
				s.Outcome, s.Start = Throttled, StartUnknown
			}
			samples = append(samples, s)
			e := get(s.Timestamp.Unix())
			e.started++
			e.lat = append(e.lat, s.Latency)
			e.inFlight = max(e.inFlight, s.InFlight)
			if s.Start == StartCold {
				e.cold++
			}
			switch s.Outcome {
			case Throttled:
				e.throttles++
			case TransportError:
				e.errors++
			}
			get(s.Timestamp.Add(s.Latency).Unix()).completed++
		}
	}
	// Deliver in completion order, as the engine does.
	slices.SortStableFunc(samples, func(a, b Sample) int {
		return a.Timestamp.Add(a.Latency).Compare(b.Timestamp.Add(b.Latency))
	})
	a := New()
	var mid []Second
	for i := range samples {
		a.Add(&samples[i])
		if i == len(samples)/2 {
			mid = a.Timeline(30)
		}
	}
	if len(mid) != 30 || mid[29].Start.Before(mid[0].Start) {
		t.Errorf("live view: %d points", len(mid))
	}
	points := a.Timeline(0)
	if len(points) < 600 {
		t.Fatalf("%d points, want at least 600", len(points))
	}
	if last := a.Timeline(10); len(last) != 10 || last[9] != points[len(points)-1] {
		t.Errorf("Timeline(10) is not the tail of Timeline(0)")
	}
	for _, p := range points {
		if p.Width != time.Second {
			t.Fatalf("width %v", p.Width)
		}
		e := want[p.Start.Unix()]
		if e == nil {
			if p.Started != 0 || p.Completed != 0 {
				t.Errorf("%v: unexpected %+v", p.Start, p)
			}
			continue
		}
		if p.Started != e.started || p.Completed != e.completed || p.ColdStarts != e.cold ||
			p.Errors != e.errors || p.Throttles != e.throttles || p.MaxInFlight != e.inFlight {
			t.Errorf("%v: %+v, want %+v", p.Start, p, *e)
		}
		if p.Rate != float64(e.started) {
			t.Errorf("%v: rate %v", p.Start, p.Rate)
		}
		if e.started == 0 {
			continue
		}
		slices.Sort(e.lat)
		for _, q := range []struct {
			p   float64
			got time.Duration
		}{{50, p.P50}, {99, p.P99}} {
			w := nearestRank(e.lat, q.p)
			tol := time.Duration(float64(w)/100) + LatencyUnit // 2 digits
			if d := q.got - w; d < -tol || d > tol {
				t.Errorf("%v: p%v %v, want %v", p.Start, q.p, q.got, w)
			}
		}
	}
}

// TestTimelineCoarsens: a run longer than the slot limit doubles the slot
// width instead of growing, and keeps every count.
func TestTimelineCoarsens(t *testing.T) {
	a := New(TimelineSlots(100))
	var total int64
	for sec := range 450 {
		for j := range 3 {
			s := Sample{Timestamp: t0.Add(time.Duration(sec)*time.Second + time.Duration(j)*100*time.Millisecond),
				Latency: time.Duration(10+sec%7) * time.Millisecond, Start: StartWarm}
			a.Add(&s)
			total++
		}
	}
	points := a.Timeline(0)
	if len(points) > 100 {
		t.Fatalf("%d points, more than the limit", len(points))
	}
	var started, completed int64
	for _, p := range points {
		if p.Width != 8*time.Second {
			t.Fatalf("width %v, want 8s", p.Width)
		}
		if p.Start.Unix()%8 != 0 {
			t.Fatalf("slot at %v is not aligned", p.Start)
		}
		started += p.Started
		completed += p.Completed
		if p.Started > 0 && (p.P50 < 10*time.Millisecond || p.P99 > 17*time.Millisecond) {
			t.Errorf("%+v", p)
		}
	}
	if started != total || completed != total {
		t.Errorf("started %d completed %d, want %d", started, completed, total)
	}
	if p := points[1]; p.Rate != float64(p.Started)/8 {
		t.Errorf("rate %v for %d in 8s", p.Rate, p.Started)
	}
}

// TestTimelineOutOfOrderStart: a first sample later than the next ones
// (answers arrive in completion order) prepends slots.
func TestTimelineOutOfOrderStart(t *testing.T) {
	a := New()
	for _, off := range []time.Duration{5 * time.Second, 0, 2 * time.Second, 20 * time.Second} {
		s := Sample{Timestamp: t0.Add(off), Latency: time.Millisecond}
		a.Add(&s)
	}
	p := a.Timeline(0)
	if len(p) != 21 || !p[0].Start.Equal(t0) || p[0].Started != 1 || p[5].Started != 1 || p[20].Started != 1 {
		t.Errorf("%d points: first %+v", len(p), p[0])
	}
}

// TestConcurrentSnapshots runs Add in one goroutine and readers in others
// (run with -race).
func TestConcurrentSnapshots(t *testing.T) {
	samples := genSamples(rand.New(rand.NewPCG(9, 10)), 20_000, 1000)
	a := New()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				s := a.Snapshot()
				_ = s.Latency.Percentile(99)
				_ = a.Timeline(5)
				if p := a.Progress(); p.Requests < s.Requests {
					t.Error("progress went backwards")
				}
			}
		}()
	}
	for i := range samples {
		a.Add(&samples[i])
	}
	close(done)
	wg.Wait()
	if a.Snapshot().Requests != int64(len(samples)) {
		t.Error("lost samples")
	}
}

func TestKeyLimit(t *testing.T) {
	a := New(MaxKeys(3))
	for i := range 10 {
		s := Sample{Timestamp: t0, Outcome: FunctionError, ErrorType: string(rune('a' + i)), Start: StartWarm}
		a.Add(&s)
	}
	got := a.Snapshot().ErrorTypes
	if len(got) != 4 || got["other"] != 7 {
		t.Errorf("error types %v", got)
	}
}

func TestAddDoesNotAllocate(t *testing.T) {
	a := New()
	s := Sample{Timestamp: t0, Latency: 50 * time.Millisecond, Start: StartWarm, Duration: 45 * time.Millisecond,
		BilledDuration: 46 * time.Millisecond, MemorySizeMB: 128, MaxMemoryMB: 40, InFlight: 3}
	a.Add(&s) // first sample of the second: opens it
	allocs := testing.AllocsPerRun(1000, func() {
		s.Latency += time.Microsecond
		a.Add(&s)
	})
	if allocs != 0 {
		t.Errorf("Add allocates %v times", allocs)
	}
}

func BenchmarkAdd(b *testing.B) {
	samples := genSamples(rand.New(rand.NewPCG(11, 12)), 1<<16, 1000)
	a := New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		// 1,000 requests per second of run time, in order.
		s := &samples[i&(1<<16-1)]
		s.Timestamp = t0.Add(time.Duration(i) * time.Millisecond)
		a.Add(s)
	}
}

func BenchmarkSnapshot(b *testing.B) {
	samples := genSamples(rand.New(rand.NewPCG(13, 14)), 100_000, 1000)
	a := New()
	for i := range samples {
		a.Add(&samples[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = a.Snapshot()
	}
}

func BenchmarkProgress(b *testing.B) {
	samples := genSamples(rand.New(rand.NewPCG(13, 14)), 100_000, 1000)
	a := New()
	for i := range samples {
		a.Add(&samples[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = a.Progress()
	}
}

func BenchmarkTimeline60(b *testing.B) {
	samples := genSamples(rand.New(rand.NewPCG(13, 14)), 100_000, 1000)
	a := New()
	for i := range samples {
		a.Add(&samples[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = a.Timeline(60)
	}
}

// typicalSamples are what a warm Lambda function under load gives: latency
// around 50 ms, 1% cold starts around 350 ms.
func typicalSamples(r *rand.Rand, n int) []Sample {
	out := make([]Sample, n)
	for i := range out {
		s := Sample{Start: StartWarm, InFlight: 1 + r.IntN(50), MemorySizeMB: 512, MaxMemoryMB: 80 + r.IntN(5)}
		s.Duration = time.Duration(45_000+r.NormFloat64()*5_000) * time.Microsecond
		if r.IntN(100) == 0 {
			s.Start = StartCold
			s.InitDuration = time.Duration(250_000+r.NormFloat64()*30_000) * time.Microsecond
		}
		s.BilledDuration = (s.Duration + time.Millisecond - 1).Truncate(time.Millisecond)
		s.Latency = s.Duration + s.InitDuration + time.Duration(3_000+r.IntN(2_000))*time.Microsecond
		out[i] = s
	}
	return out
}

func BenchmarkAddTypical(b *testing.B) {
	samples := typicalSamples(rand.New(rand.NewPCG(15, 16)), 1<<16)
	a := New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s := &samples[i&(1<<16-1)]
		s.Timestamp = t0.Add(time.Duration(i) * time.Millisecond)
		a.Add(s)
	}
}

func BenchmarkSnapshotTypical(b *testing.B) {
	samples := typicalSamples(rand.New(rand.NewPCG(17, 18)), 100_000)
	a := New()
	for i := range samples {
		samples[i].Timestamp = t0.Add(time.Duration(i) * time.Millisecond)
		a.Add(&samples[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = a.Snapshot()
	}
}
