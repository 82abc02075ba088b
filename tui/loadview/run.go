package loadview

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/lambench/lambench/loadgen"
	"github.com/lambench/lambench/loadgen/job"
	"github.com/lambench/lambench/loadgen/report"
	"github.com/lambench/lambench/loadgen/stats"
)

const (
	// refreshInterval is how often the dashboard is redrawn while a run
	// goes on: 4 frames a second, however fast the samples come.
	refreshInterval = 250 * time.Millisecond
	// maxPoints is how many per-second points the live charts keep (the
	// aggregator's timeline is bounded too; the charts read its tail).
	maxPoints = 240
	// recentWindow is the stretch the "now" percentiles cover, and
	// recentCap the most samples kept for them (a ring).
	recentWindow = 2 * time.Second
	recentCap    = 4096
	// maxNotes is how many notes of the run (configuration changes,
	// restores) are kept.
	maxNotes = 6
	// closeWait is how long Close waits for a stopped run to end: long
	// enough for a sweep to restore the function's memory on AWS.
	closeWait = 15 * time.Second
)

// runner is one load test, run by job.Run in a goroutine the screen owns.
type runner struct {
	gen    int
	set    settings
	spec   job.Spec
	cancel context.CancelFunc
	done   chan struct{}
	live   *live
	// outcome and err are job.Run's results, written before done closes.
	outcome *job.Outcome
	err     error
}

// start runs the spec until it ends or ctx is cancelled.
func start(ctx context.Context, gen int, set settings, spec job.Spec) *runner {
	ctx, cancel := context.WithCancel(ctx)
	r := &runner{gen: gen, set: set, spec: spec, cancel: cancel, done: make(chan struct{}), live: newLive(len(spec.Memory))}
	go func() {
		defer close(r.done)
		r.outcome, r.err = job.Run(ctx, spec, job.Hooks{
			Step: r.live.stepHook, Progress: r.live.progress, Sample: r.live.sample, Note: r.live.note,
		})
	}()
	return r
}

// stop cancels the run; job.Run then restores a swept function.
func (r *runner) stop() { r.cancel() }

// wait waits for the run to end, at most d; it reports whether it ended.
func (r *runner) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.done:
		return true
	case <-t.C:
		return false
	}
}

// stepDone is a finished step of a sweep, as the dashboard lists it.
type stepDone struct {
	memoryMB           int
	requests, errors   int64
	p50, p99, duration time.Duration
}

// recentSample is a latency for the "now" percentiles.
type recentSample struct {
	at      time.Time // when the answer came
	latency time.Duration
}

// live is what the run's hooks write and the dashboard reads: the
// running step's own aggregator (fed by the Sample hook, so the
// dashboard can read percentiles and the timeline whenever it draws,
// independently of the engine's once-a-second Progress), the last
// Progress, and the notes.
type live struct {
	mu        sync.Mutex
	steps     int // memory sizes of a sweep; 1 otherwise
	step      int // counts from 1
	memoryMB  int
	stepStart time.Time
	agg       *stats.Aggregator
	prog      loadgen.Progress
	notes     []string
	finished  []stepDone
	recent    [recentCap]recentSample
	nRecent   int
}

func newLive(sizes int) *live {
	return &live{steps: max(sizes, 1), agg: stats.New()}
}

// stepHook is job.Hooks.Step. The step number it is given counts from 0
// in a sweep, so the live state counts the calls instead.
func (l *live) stepHook(_, _, memoryMB int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.step > 0 {
		l.finished = append(l.finished, stepOf(l.memoryMB, l.agg))
	}
	l.step++
	l.memoryMB = memoryMB
	l.stepStart = time.Now()
	l.agg = stats.New()
	l.prog = loadgen.Progress{}
	l.nRecent = 0
}

func stepOf(mem int, a *stats.Aggregator) stepDone {
	s := a.Snapshot()
	return stepDone{memoryMB: mem, requests: s.Requests, errors: s.Errors() + s.Throttles,
		p50: s.Latency.Percentile(50), p99: s.Latency.Percentile(99), duration: s.Duration.Percentile(90)}
}

func (l *live) progress(p loadgen.Progress) {
	l.mu.Lock()
	l.prog = p
	l.mu.Unlock()
}

func (l *live) sample(s *stats.Sample) {
	l.mu.Lock()
	agg := l.agg
	l.recent[l.nRecent%recentCap] = recentSample{at: s.Timestamp.Add(s.Latency), latency: s.Latency}
	l.nRecent++
	l.mu.Unlock()
	agg.Add(s)
}

func (l *live) note(n string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notes = append(l.notes, n)
	if len(l.notes) > maxNotes {
		l.notes = slices.Delete(l.notes, 0, len(l.notes)-maxNotes)
	}
}

// frame is one picture of a running test, made in a command (off the UI
// goroutine) and drawn by View.
type frame struct {
	at        time.Time
	step      int // 0 before the first step starts
	steps     int
	memoryMB  int
	elapsed   time.Duration // since the step started
	sum       stats.Summary // the step so far
	now       [3]time.Duration
	nowCount  int
	inFlight  int
	warmup    bool
	warmupN   int64
	timeline  []stats.Second
	notes     []string
	finished  []stepDone
	hasSample bool
}

// frame reads the live state.
func (l *live) frame(now time.Time) frame {
	l.mu.Lock()
	f := frame{
		at: now, step: l.step, steps: l.steps, memoryMB: l.memoryMB,
		inFlight: l.prog.InFlight, warmup: l.prog.Warmup, warmupN: l.prog.WarmupRequests,
		notes: slices.Clone(l.notes), finished: slices.Clone(l.finished),
	}
	if !l.stepStart.IsZero() {
		f.elapsed = now.Sub(l.stepStart)
	}
	var lat []time.Duration
	n := min(l.nRecent, recentCap)
	for i := range n {
		if r := l.recent[i]; now.Sub(r.at) <= recentWindow {
			lat = append(lat, r.latency)
		}
	}
	agg := l.agg
	l.mu.Unlock()

	f.sum = agg.Snapshot()
	f.hasSample = f.sum.Requests > 0
	f.timeline = agg.Timeline(maxPoints)
	if len(lat) > 0 {
		slices.Sort(lat)
		for i, p := range []float64{50, 90, 99} {
			f.now[i] = lat[min(int(p/100*float64(len(lat))), len(lat)-1)]
		}
		f.nowCount = len(lat)
	}
	return f
}

// finalText renders the finished run's text report (as `lambench load`
// prints it), without colour: the screen styles around it.
func finalText(run *report.Run) string {
	var b bytes.Buffer
	if err := report.WriteText(&b, run, report.TextOptions{}); err != nil {
		return "cannot render the report: " + err.Error()
	}
	return b.String()
}
