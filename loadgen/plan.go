package loadgen

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Plan says how many requests a run sends, and when.
//
// Open model (requests arrive whatever the answers): a sequence of
// Segments, each a constant rate or a linear ramp for a while (a constant
// rate, a ramp and steps are all segment lists), or a Sine wave.
// Closed model: Workers > 0 workers invoking back to back.
type Plan struct {
	Segments []Segment
	Sine     *Sine
	Workers  int
	// Duration bounds the run; zero means the segments' total (open) or
	// until Requests are sent (closed).
	Duration time.Duration
	// Requests bounds the run by count; zero means no bound.
	Requests uint64
	// Warmup is left out of the results: requests sent in its first
	// Warmup (time) or first WarmupRequests.
	Warmup         time.Duration
	WarmupRequests uint64
}

// Segment is a stretch of an open-model plan: From requests/s rising (or
// falling) linearly to To over For. From == To is a constant rate.
type Segment struct {
	From, To float64
	For      time.Duration
}

// Sine is a sine-wave rate: Mean ± Amplitude requests/s over Period.
type Sine struct {
	Mean, Amplitude float64
	Period          time.Duration
}

// Constant is the plan of a constant rate for a duration.
func Constant(rate float64, d time.Duration) Plan {
	return Plan{Segments: []Segment{{From: rate, To: rate, For: d}}, Duration: d}
}

// Ramp is the plan of a rate rising linearly from one rate to another.
func Ramp(from, to float64, d time.Duration) Plan {
	return Plan{Segments: []Segment{{From: from, To: to, For: d}}, Duration: d}
}

// Closed is the closed-model plan: n workers back to back.
func Closed(workers int, d time.Duration, requests uint64) Plan {
	return Plan{Workers: workers, Duration: d, Requests: requests}
}

// stepRE is compiled when first used: every package's init runs in the
// demo functions' processes too (they are this binary).
var stepRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)(?:\s*(?:\.\.|->|to)\s*([0-9]+(?:\.[0-9]+)?))?\s*/s\s+for\s+([0-9a-zµ.]+)\s*$`)
})

// ParseSteps reads steps such as "10/s for 30s, 50/s for 30s" or, with
// ramps, "1..100/s for 1m, 100/s for 30s".
func ParseSteps(s string) ([]Segment, error) {
	var segs []Segment
	for _, part := range strings.Split(s, ",") {
		m := stepRE().FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("step %q: write RATE/s for DURATION (e.g. 10/s for 30s) or FROM..TO/s for DURATION", strings.TrimSpace(part))
		}
		from, err1 := strconv.ParseFloat(m[1], 64)
		to := from
		var err2 error
		if m[2] != "" {
			to, err2 = strconv.ParseFloat(m[2], 64)
		}
		d, err3 := time.ParseDuration(m[3])
		if err := errors.Join(err1, err2, err3); err != nil || d <= 0 {
			return nil, fmt.Errorf("step %q: %v", strings.TrimSpace(part), err)
		}
		segs = append(segs, Segment{From: from, To: to, For: d})
	}
	return segs, nil
}

// ParseSine reads a sine wave written MIN..MAX/PERIOD, e.g. "10..50/1m":
// the rate swings between MIN and MAX requests/s, once per PERIOD,
// starting at the mean and rising.
func ParseSine(s string) (Sine, error) {
	bad := fmt.Errorf("sine %q: write MIN..MAX/PERIOD, e.g. 10..50/1m (requests per second, once a minute)", s)
	rates, period, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Sine{}, bad
	}
	lo, hi, ok := strings.Cut(rates, "..")
	a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
	d, err3 := time.ParseDuration(strings.TrimSpace(period))
	if !ok || errors.Join(err1, err2, err3) != nil {
		return Sine{}, bad
	}
	if a <= 0 || b <= a || d <= 0 {
		return Sine{}, fmt.Errorf("sine %q: MIN must be above 0 and below MAX, and PERIOD above 0", s)
	}
	return Sine{Mean: (a + b) / 2, Amplitude: (b - a) / 2, Period: d}, nil
}

// Validate checks the plan.
func (p Plan) Validate() error {
	modes := 0
	if len(p.Segments) > 0 {
		modes++
	}
	if p.Sine != nil {
		modes++
	}
	if p.Workers > 0 {
		modes++
	}
	switch {
	case modes == 0:
		return errors.New("the plan has no rate, ramp, steps, sine or workers")
	case modes > 1:
		return errors.New("choose one of a rate (or ramp, or steps), a sine wave, and workers")
	case p.Workers > 0 && p.Duration <= 0 && p.Requests == 0:
		return errors.New("workers need a duration or a request count")
	case p.Sine != nil && (p.Sine.Period <= 0 || p.Sine.Mean <= 0 || p.Sine.Amplitude < 0 || p.Sine.Amplitude >= p.Sine.Mean):
		return errors.New("a sine wave needs a period, a mean rate above 0 and an amplitude below the mean")
	case p.Sine != nil && p.Duration <= 0 && p.Requests == 0:
		return errors.New("a sine wave needs a duration or a request count")
	}
	for _, s := range p.Segments {
		if s.From < 0 || s.To < 0 || s.For <= 0 || (s.From == 0 && s.To == 0) {
			return fmt.Errorf("%v/s..%v/s for %v is not a rate that sends requests", s.From, s.To, s.For)
		}
	}
	return nil
}

// Total is how long the plan runs when nothing else bounds it.
func (p Plan) Total() time.Duration {
	if p.Duration > 0 {
		return p.Duration
	}
	var d time.Duration
	for _, s := range p.Segments {
		d += s.For
	}
	return d
}

// ExpectedRequests estimates how many requests the plan sends (0 when
// unknown: a closed model without a count).
func (p Plan) ExpectedRequests() uint64 {
	n := uint64(0)
	switch {
	case len(p.Segments) > 0:
		n = uint64(math.Round(segmentsPacer(p.Segments).hits(p.Total())))
	case p.Sine != nil:
		n = uint64(math.Round(p.Sine.Mean * p.Total().Seconds()))
	}
	if p.Requests > 0 && (n == 0 || p.Requests < n) {
		n = p.Requests
	}
	return n
}

// String describes the plan, e.g. "50/s for 10s" or "8 workers for 1m".
func (p Plan) String() string {
	var s string
	switch {
	case p.Workers > 0:
		s = fmt.Sprintf("%d workers back to back", p.Workers)
	case p.Sine != nil:
		s = fmt.Sprintf("sine %g±%g/s over %v", p.Sine.Mean, p.Sine.Amplitude, p.Sine.Period)
	default:
		var parts []string
		for _, seg := range p.Segments {
			if seg.From == seg.To {
				parts = append(parts, fmt.Sprintf("%g/s for %v", seg.From, seg.For))
			} else {
				parts = append(parts, fmt.Sprintf("%g..%g/s for %v", seg.From, seg.To, seg.For))
			}
		}
		s = strings.Join(parts, ", ")
	}
	if p.Duration > 0 && (p.Workers > 0 || p.Sine != nil) {
		s += fmt.Sprintf(" for %v", p.Duration)
	}
	if p.Requests > 0 {
		s += fmt.Sprintf(", at most %d requests", p.Requests)
	}
	if p.Warmup > 0 {
		s += fmt.Sprintf(", %v warm-up", p.Warmup)
	}
	if p.WarmupRequests > 0 {
		s += fmt.Sprintf(", %d warm-up requests", p.WarmupRequests)
	}
	return s
}

// pacer turns the plan into vegeta's pacer.
func (p Plan) pacer() vegeta.Pacer {
	switch {
	case p.Workers > 0:
		return vegeta.ConstantPacer{} // as fast as the workers allow
	case p.Sine != nil:
		return vegeta.SinePacer{
			Period: p.Sine.Period,
			Mean:   vegeta.ConstantPacer{Freq: int(math.Round(p.Sine.Mean * 1000)), Per: 1000 * time.Second},
			Amp:    vegeta.ConstantPacer{Freq: int(math.Round(p.Sine.Amplitude * 1000)), Per: 1000 * time.Second},
		}
	}
	return segmentsPacer(p.Segments)
}

// segmentsPacer paces piecewise-linear rates; after the last segment it
// stops.
type segmentsPacer []Segment

var _ vegeta.Pacer = segmentsPacer(nil)

// hits is the number of requests due by elapsed t: the integral of the rate.
func (sp segmentsPacer) hits(t time.Duration) float64 {
	total := 0.0
	for _, s := range sp {
		d := min(t, s.For)
		if d <= 0 {
			break
		}
		x := d.Seconds()
		slope := (s.To - s.From) / s.For.Seconds()
		total += s.From*x + slope*x*x/2
		t -= s.For
	}
	return total
}

// truncate cuts the segments at d: those after it go, the one across it
// ends there (at the rate it has reached).
func (sp segmentsPacer) truncate(d time.Duration) segmentsPacer {
	var out segmentsPacer
	for _, s := range sp {
		if d <= 0 {
			break
		}
		if s.For > d {
			to := s.From + (s.To-s.From)*d.Seconds()/s.For.Seconds()
			s = Segment{From: s.From, To: to, For: d}
		}
		out = append(out, s)
		d -= s.For
	}
	return out
}

// Rate is the rate at elapsed t.
func (sp segmentsPacer) Rate(t time.Duration) float64 {
	for _, s := range sp {
		if t < s.For {
			return s.From + (s.To-s.From)*t.Seconds()/s.For.Seconds()
		}
		t -= s.For
	}
	return 0
}

// Pace says how long to wait before the next request, given the requests
// sent so far, by solving hits(t) = sent+1 for t.
func (sp segmentsPacer) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	want := float64(sent + 1)
	var start time.Duration
	acc := 0.0
	for _, s := range sp {
		seg := s.For.Seconds()
		full := (s.From + s.To) / 2 * seg
		if acc+full >= want {
			// Within this segment: From*x + k*x²/2 = want-acc.
			need := want - acc
			k := (s.To - s.From) / seg
			var x float64
			if math.Abs(k) < 1e-12 {
				x = need / s.From
			} else {
				disc := s.From*s.From + 2*k*need
				x = (-s.From + math.Sqrt(max(disc, 0))) / k
			}
			due := start + time.Duration(x*float64(time.Second))
			if due <= elapsed {
				return 0, false
			}
			return due - elapsed, false
		}
		acc += full
		start += s.For
	}
	return 0, true
}
