package loadgen

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PlanSpec is a plan as people write it: the flags of `lambench load`, the
// fields of the TUI's load form. Exactly one of Rate, Ramp, Steps, Sine
// and Workers says the load (none is allowed with ColdOnly), bounded by
// Duration and/or Requests.
type PlanSpec struct {
	// Rate is a constant rate, requests per second.
	Rate float64
	// Ramp is a linear ramp written FROM..TO (requests per second) over
	// Duration, e.g. "1..100".
	Ramp string
	// Steps is a sequence of rates (see ParseSteps), e.g.
	// "10/s for 30s, 1..50/s for 1m".
	Steps string
	// Sine is a sine wave written MIN..MAX/PERIOD (see ParseSine).
	Sine string
	// Workers is the closed model: this many workers back to back.
	Workers int
	// Duration and Requests bound the run.
	Duration time.Duration
	Requests uint64
	// Warmup and WarmupRequests are left out of the results.
	Warmup         time.Duration
	WarmupRequests uint64
	// ColdOnly is a cold-only run: with no load given, one worker and,
	// without a bound, 10 requests.
	ColdOnly bool
}

// DefaultColdOnlyRequests is how many requests a cold-only run sends when
// neither a duration nor a count bounds it.
const DefaultColdOnlyRequests = 10

// ParseRamp reads a ramp written FROM..TO in requests per second, e.g.
// "1..100" (a trailing "/s" is allowed).
func ParseRamp(s string) (from, to float64, err error) {
	a, b, ok := strings.Cut(s, "..")
	from, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	to, err2 := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(b), "/s"), 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("ramp %q: write FROM..TO, e.g. 1..100 (requests per second)", s)
	}
	return from, to, nil
}

// Plan builds and validates the plan. Its errors are one sentence each,
// naming the load by its kind ("a ramp needs a duration ...").
func (s PlanSpec) Plan() (Plan, error) {
	var p Plan
	modes := 0
	for _, set := range []bool{s.Rate > 0, s.Ramp != "", s.Steps != "", s.Sine != "", s.Workers > 0} {
		if set {
			modes++
		}
	}
	switch {
	case s.Rate < 0 || s.Workers < 0:
		return p, errors.New("a rate and a number of workers must be above 0")
	case modes == 0 && s.ColdOnly:
		p = Closed(1, s.Duration, s.Requests)
		if s.Requests == 0 && s.Duration == 0 {
			p.Requests = DefaultColdOnlyRequests
		}
	case modes == 0:
		return p, errors.New("say how much load: a rate, a ramp, steps, a sine wave or workers")
	case modes > 1:
		return p, errors.New("choose one of a rate, a ramp, steps, a sine wave and workers")
	case s.Rate > 0:
		if s.Duration == 0 && s.Requests == 0 {
			return p, errors.New("a rate needs a duration or a request count")
		}
		d := s.Duration
		if d == 0 {
			// Long enough for the count at that rate: the count ends it.
			d = time.Duration(float64(s.Requests)/s.Rate*float64(time.Second)) + time.Second
		}
		p = Constant(s.Rate, d)
	case s.Ramp != "":
		from, to, err := ParseRamp(s.Ramp)
		if err != nil {
			return p, err
		}
		if s.Duration == 0 {
			return p, errors.New("a ramp needs a duration: how long to go from FROM to TO")
		}
		p = Ramp(from, to, s.Duration)
	case s.Steps != "":
		segs, err := ParseSteps(s.Steps)
		if err != nil {
			return p, err
		}
		p = Plan{Segments: segs, Duration: s.Duration}
	case s.Sine != "":
		sine, err := ParseSine(s.Sine)
		if err != nil {
			return p, err
		}
		if s.Duration == 0 && s.Requests == 0 {
			return p, errors.New("a sine wave needs a duration or a request count")
		}
		p = Plan{Sine: &sine, Duration: s.Duration}
	case s.Workers > 0:
		p = Closed(s.Workers, s.Duration, s.Requests)
	}
	if s.Requests > 0 {
		p.Requests = s.Requests
	}
	p.Warmup, p.WarmupRequests = s.Warmup, s.WarmupRequests
	if err := p.Validate(); err != nil {
		return p, err
	}
	return p, nil
}
