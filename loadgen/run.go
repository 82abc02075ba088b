package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/loadgen/stats"
)

// Defaults of RunOptions.
const (
	// DefaultTimeout bounds one request, answer included. It is longer
	// than vegeta's 30 s because a function may run up to 15 minutes;
	// raise it for functions slower than a minute.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxBody is how much of each answer is read: enough for an
	// error document, which is all the engine reads of a body.
	DefaultMaxBody = 4096
	// DefaultProgressInterval is how often Progress is called.
	DefaultProgressInterval = time.Second
	// DefaultAttackName names the attack in the results file.
	DefaultAttackName = "lambench"
	// DefaultDialTimeout bounds a connection's set-up.
	DefaultDialTimeout = 10 * time.Second
)

// RunOptions say what a run sends where, and where its results go.
type RunOptions struct {
	// Target is where requests go.
	Target Target
	// Plan says how many requests are sent, and when.
	Plan Plan
	// Source renders the body of each request (request n of the run,
	// warm-up included, from 0). When nil, every request sends Payload.
	Source events.Source
	// Payload is the body of every request when Source is nil; "{}" for
	// the Lambda API and the RIE when empty.
	Payload []byte

	// Aggregator receives the samples of the measured requests; a new one
	// when nil. Passing one lets a live view read its Snapshot and
	// Timeline while the run goes on.
	Aggregator *stats.Aggregator
	// Results, when set, receives every measured result in vegeta's own
	// encoding (results.bin: gob), as `vegeta attack` writes it, so that
	// `vegeta report` and `vegeta plot` read it. Bodies and headers (with
	// their log tails) are left out. It is written through a buffer and
	// flushed when Run returns; Run does not close it.
	Results io.Writer
	// Progress, when set, is called about every ProgressInterval from a
	// goroutine of its own, and once more when the run is over (with Done
	// set). It must not block for long.
	Progress func(Progress)
	// ProgressInterval defaults to DefaultProgressInterval.
	ProgressInterval time.Duration
	// OnSample, when set, is called with every measured sample after it
	// was aggregated, from the goroutine that aggregates, which waits for
	// it: it must be quick, and must not keep the pointer.
	OnSample func(*stats.Sample)

	// Timeout bounds each request (DefaultTimeout when zero).
	Timeout time.Duration
	// MaxBody is how many bytes of each answer are read
	// (DefaultMaxBody when zero; negative for no limit).
	MaxBody int64
	// Connections is how many idle connections are kept open per host
	// (vegeta's DefaultConnections for the open model, Plan.Workers for
	// the closed one, when zero).
	Connections int
	// MaxConnections caps the connections per host (zero: no cap).
	MaxConnections int
	// Workers is how many workers an open-model attack starts with
	// (vegeta's DefaultWorkers when zero); vegeta adds workers when all
	// are waiting on answers, up to MaxWorkers (zero: no cap).
	Workers, MaxWorkers uint64
	// Name names the attack in the results file (DefaultAttackName when
	// empty).
	Name string
}

// Progress is what a running load test reports about itself.
type Progress struct {
	// Progress counts the measured requests answered so far.
	stats.Progress
	// Warmup is set while the warm-up runs; its requests are not counted
	// in stats.Progress.
	Warmup bool
	// WarmupRequests counts the warm-up requests answered so far.
	WarmupRequests int64
	// InFlight is how many requests are in flight now.
	InFlight int
	// Done is set on the last call, when the run is over.
	Done bool
}

// ErrRender wraps the error of an event that could not be rendered; the
// run stops at it.
var ErrRender = errors.New("render the event")

// Run sends the plan's requests to the target with vegeta's attacker and
// returns their aggregated samples: first the warm-up, if the plan has
// one, whose requests are sent but not counted, then the plan itself.
//
// The open model (rates, ramps, steps, sine) paces requests whatever the
// answers; the closed model (Plan.Workers) runs that many workers, each
// sending its next request when its last one is answered. A request
// count (Plan.Requests) ends the run after that many requests.
//
// When ctx ends (Ctrl-C), Run stops sending, aborts the requests in
// flight (their results are dropped, not counted as failures) and returns
// promptly with what was gathered so far, and ctx's error. Run returns
// only once every goroutine it started has ended.
func Run(ctx context.Context, o RunOptions) (*stats.Aggregator, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	if o.Target.Signer != nil {
		if err := o.Target.Signer.check(ctx); err != nil {
			return nil, err
		}
	}
	agg := o.Aggregator
	if agg == nil {
		agg = stats.New()
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	r := &runner{o: o, agg: agg, cls: classifier{kind: o.Target.Kind}}
	r.tr = newTransport(runCtx, o.Target.Signer, transportOptions{
		idlePerHost: o.Connections,
		maxPerHost:  o.MaxConnections,
		dialTimeout: DefaultDialTimeout,
	})
	defer r.tr.close()
	r.client = &http.Client{
		Transport: r.tr,
		Timeout:   o.Timeout,
		// A redirect is an answer to count, not to follow (and a signed
		// request must not be replayed elsewhere).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	r.targeter = r.newTargeter()
	var bw *bufio.Writer
	if o.Results != nil {
		bw = bufio.NewWriterSize(o.Results, 64<<10)
		r.enc = vegeta.NewEncoder(bw)
	}

	var wg sync.WaitGroup
	progressDone := make(chan struct{})
	if o.Progress != nil {
		wg.Go(func() { r.reportProgress(progressDone) })
	}

	if w := o.Plan.warmup(); w != nil {
		r.warmup.Store(true)
		r.attack(runCtx, *w, r.discard)
		r.warmup.Store(false)
	}
	if runCtx.Err() == nil && r.renderErr.Load() == nil {
		r.attack(runCtx, o.Plan.main(), r.record)
	}

	close(progressDone)
	wg.Wait()
	if o.Progress != nil {
		o.Progress(r.progress(true))
	}

	var errs []error
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	if err := r.renderErr.Load(); err != nil {
		errs = append(errs, *err)
	}
	if bw != nil {
		if r.encErr == nil {
			r.encErr = bw.Flush()
		}
		if r.encErr != nil {
			errs = append(errs, fmt.Errorf("write the results: %w", r.encErr))
		}
	}
	return agg, errors.Join(errs...)
}

// fill checks the options and sets the defaults.
func (o *RunOptions) fill() error {
	if err := o.Target.validate(); err != nil {
		return err
	}
	if err := o.Plan.Validate(); err != nil {
		return err
	}
	if o.Target.Method == "" {
		o.Target.Method = http.MethodPost
	}
	if o.Source == nil && len(o.Payload) == 0 && o.Target.Kind != HTTP {
		o.Payload = []byte("{}")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = DefaultProgressInterval
	}
	if o.Connections <= 0 {
		o.Connections = vegeta.DefaultConnections
		if o.Plan.Workers > 0 {
			o.Connections = o.Plan.Workers
		}
	}
	if o.Workers == 0 {
		o.Workers = vegeta.DefaultWorkers
	}
	if o.MaxWorkers == 0 {
		o.MaxWorkers = vegeta.DefaultMaxWorkers
	}
	if o.Name == "" {
		o.Name = DefaultAttackName
	}
	return nil
}

// phase is one vegeta attack: the warm-up or the plan.
type phase struct {
	pacer    vegeta.Pacer
	duration time.Duration // 0: until the pacer or the limit stops
	limit    uint64        // requests; 0: no limit
	workers  int           // closed model: this many workers; 0: open
}

// main is the measured phase of the plan.
func (p Plan) main() phase {
	if len(p.Segments) > 0 && p.Workers == 0 {
		// The segments' pacer ends the attack after the last request due
		// (cut at the plan's duration): no duration for vegeta, which
		// drops a request due at the very end when its loop runs late on
		// a busy machine, so that a plan sends exactly its requests.
		segs := segmentsPacer(p.Segments)
		if p.Duration > 0 {
			segs = segs.truncate(p.Duration)
		}
		return phase{pacer: segs, limit: p.Requests}
	}
	return phase{pacer: p.pacer(), duration: p.Total(), limit: p.Requests, workers: p.Workers}
}

// warmup is the warm-up phase, nil without one: the plan's workers, or
// its starting rate, for Warmup or WarmupRequests (whichever ends first).
func (p Plan) warmup() *phase {
	if p.Warmup <= 0 && p.WarmupRequests == 0 {
		return nil
	}
	w := &phase{duration: p.Warmup, limit: p.WarmupRequests, workers: p.Workers}
	if p.Workers > 0 {
		w.pacer = vegeta.ConstantPacer{}
		return w
	}
	rate := p.startRate()
	d := p.Warmup
	if d <= 0 {
		// Long enough for the requests at that rate; the limit ends it.
		d = time.Duration((float64(p.WarmupRequests)/rate)*1.5*float64(time.Second)) + time.Second
	}
	w.pacer = segmentsPacer{{From: rate, To: rate, For: d}}
	w.duration = 0 // the pacer ends it (see main)
	return w
}

// startRate is the rate an open-model plan starts at (the first non-zero
// rate of a ramp from zero).
func (p Plan) startRate() float64 {
	if p.Sine != nil {
		return p.Sine.Mean
	}
	for _, s := range p.Segments {
		if s.From > 0 {
			return s.From
		}
		if s.To > 0 {
			return s.To
		}
	}
	return 1
}

// runner is the state of one Run.
type runner struct {
	o        RunOptions
	agg      *stats.Aggregator
	tr       *transport
	client   *http.Client
	targeter vegeta.Targeter

	// Owned by the goroutine that reads results.
	cls    classifier
	sample stats.Sample
	enc    vegeta.Encoder
	encErr error

	renderErr  atomic.Pointer[error]
	warmup     atomic.Bool
	warmupDone atomic.Int64
}

// newTargeter returns the targeter: the same method, URL and header for
// every request, and a body rendered for request n from the Source. The
// body is rendered into a buffer of the size the last ones needed: one
// allocation, which the request keeps until vegeta is done with it.
func (r *runner) newTargeter() vegeta.Targeter {
	t := r.o.Target
	src, payload := r.o.Source, r.o.Payload
	var n atomic.Uint64
	var size atomic.Int64
	size.Store(256)
	return func(tgt *vegeta.Target) error {
		tgt.Method, tgt.URL, tgt.Header = t.Method, t.URL, t.Header
		if src == nil {
			tgt.Body = payload
			return nil
		}
		buf, err := src.Render(make([]byte, 0, size.Load()), n.Add(1)-1)
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrRender, err)
			r.renderErr.CompareAndSwap(nil, &err)
			return err
		}
		if c := int64(cap(buf)); c > size.Load() {
			size.Store(c)
		}
		tgt.Body = buf
		return nil
	}
}

// attack runs one phase and hands each result to handle, in the order
// they come.
func (r *runner) attack(ctx context.Context, ph phase, handle func(*vegeta.Result)) {
	opts := []func(*vegeta.Attacker){
		vegeta.Client(r.client), // after it, options on vegeta's own transport would not apply
		vegeta.MaxBody(r.o.MaxBody),
	}
	if ph.workers > 0 {
		// The closed model is vegeta's "rate 0": a pacer that never waits
		// and a fixed set of workers, each taking the next tick when its
		// last request is answered.
		opts = append(opts, vegeta.Workers(uint64(ph.workers)), vegeta.MaxWorkers(uint64(ph.workers)))
	} else {
		opts = append(opts, vegeta.Workers(r.o.Workers), vegeta.MaxWorkers(r.o.MaxWorkers))
	}
	atk := vegeta.NewAttacker(opts...)
	pacer := &stoppablePacer{Pacer: ph.pacer, ctx: ctx, limit: ph.limit}
	results := atk.Attack(r.targeter, pacer, ph.duration, r.o.Name)

	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		select {
		case <-ctx.Done():
			atk.Stop()
			r.tr.abort()
		case <-done:
		}
	})
	for res := range results {
		switch {
		case res.Method == "":
			// The targeter failed (a render error): vegeta stops the
			// attack and reports it as a result; the error is Run's.
		case res.Code == 0 && ctx.Err() != nil:
			// Aborted by the cancel: not an answer of the target.
		default:
			handle(res)
		}
	}
	close(done)
	wg.Wait()
	pacer.stop()
}

// discard counts a warm-up result.
func (r *runner) discard(*vegeta.Result) { r.warmupDone.Add(1) }

// record classifies, aggregates and writes a measured result.
func (r *runner) record(res *vegeta.Result) {
	s := &r.sample
	r.cls.classify(res, s)
	s.InFlight = r.tr.inFlightAt(res.Seq)
	r.agg.Add(s)
	if r.o.OnSample != nil {
		r.o.OnSample(s)
	}
	if r.enc != nil && r.encErr == nil {
		// results.bin stays small and `vegeta report` needs neither.
		res.Body, res.Headers = nil, nil
		r.encErr = r.enc.Encode(res)
	}
}

func (r *runner) progress(done bool) Progress {
	return Progress{
		Progress:       r.agg.Progress(),
		Warmup:         r.warmup.Load(),
		WarmupRequests: r.warmupDone.Load(),
		InFlight:       int(r.tr.inFlight.Load()),
		Done:           done,
	}
}

func (r *runner) reportProgress(done <-chan struct{}) {
	t := time.NewTicker(r.o.ProgressInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.o.Progress(r.progress(false))
		case <-done:
			return
		}
	}
}

// stoppablePacer adds to a plan's pacer a request limit and a prompt stop:
// vegeta sleeps between requests in a time.Sleep that Stop cannot cut
// short, so waits longer than sleepSelf (a slow rate, a ramp from zero)
// are slept here, in a select that a cancel ends.
type stoppablePacer struct {
	vegeta.Pacer
	ctx   context.Context
	limit uint64
	timer *time.Timer
}

var _ vegeta.Pacer = (*stoppablePacer)(nil)

// sleepSelf is the shortest wait the pacer sleeps itself; shorter ones are
// vegeta's, as in a plain vegeta attack.
const sleepSelf = 10 * time.Millisecond

// Pace implements vegeta.Pacer. vegeta calls it from one goroutine.
func (p *stoppablePacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if (p.limit > 0 && hits >= p.limit) || p.ctx.Err() != nil {
		return 0, true
	}
	wait, stop := p.Pacer.Pace(elapsed, hits)
	if stop || wait < sleepSelf {
		return wait, stop
	}
	if p.timer == nil {
		p.timer = time.NewTimer(wait)
	} else {
		p.timer.Reset(wait)
	}
	select {
	case <-p.timer.C:
		return 0, false
	case <-p.ctx.Done():
		return 0, true
	}
}

func (p *stoppablePacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}
