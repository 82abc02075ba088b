package report

import (
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

// Run is a finished load test: what was tested, how, and what it measured,
// in one or more steps (one per memory size of a sweep).
type Run struct {
	// Name names the run (a scenario's name, or the function's).
	Name string
	// Target describes where the function ran, e.g. "local",
	// "aws eu-west-1 (profile dev)", "rie http://localhost:9000".
	Target string
	// Function is the function's name.
	Function string
	// Plan describes the load, e.g. "constant 50/s for 10s".
	Plan string
	// Architecture is the function's architecture (for pricing).
	Architecture stats.Architecture
	// Start and End are when the run began and ended (wall clock, including
	// the configuration updates between the steps of a sweep).
	Start, End time.Time
	// Steps are the run's steps in order: one for a plain run, one per
	// memory size for a sweep.
	Steps []Step
	// Thresholds are the thresholds' results.
	Thresholds []Check
	// Recommendation is the sweep's recommended memory size (nil for a run
	// that did not sweep).
	Recommendation *stats.Recommendation
}

// Step is one memory size of a run.
type Step struct {
	// MemoryMB is the function's memory size during the step (0 when not
	// known).
	MemoryMB int
	// Summary is what the step measured.
	Summary stats.Summary
	// Cost is the step's cost.
	Cost stats.Cost
	// Timeline is the step's per-second timeline.
	Timeline []stats.Second
}

// Check is one threshold's result, for one step or the whole run.
type Check struct {
	// MemoryMB is the memory size of the step checked; 0 for the whole run.
	MemoryMB int
	// ThresholdResult is the threshold, its measured value and its miss.
	stats.ThresholdResult
}

// NewStep makes a Step from a step's Aggregator: its Summary, its
// timeline, and its cost at memoryMB on arch with prices (memoryMB 0: the
// memory size the REPORT lines gave).
func NewStep(memoryMB int, a *stats.Aggregator, prices stats.PriceTable, arch stats.Architecture) (Step, error) {
	s := a.Snapshot()
	if memoryMB == 0 {
		memoryMB = s.MemorySizeMB
	}
	c, err := prices.Cost(arch, memoryMB, s)
	if err != nil {
		return Step{}, err
	}
	return Step{MemoryMB: memoryMB, Summary: s, Cost: c, Timeline: a.Timeline(0)}, nil
}

// Total returns the summary of all the steps together (exact: histograms
// merge).
func (r *Run) Total() stats.Summary {
	var t stats.Summary
	for _, s := range r.Steps {
		t = t.Merge(s.Summary)
	}
	return t
}

// TotalCost is the price of all the steps' invocations, in USD.
func (r *Run) TotalCost() float64 {
	var t float64
	for _, s := range r.Steps {
		t += s.Cost.Total
	}
	return t
}

// IsSweep reports whether the run has several steps.
func (r *Run) IsSweep() bool { return len(r.Steps) > 1 }

// CheckThresholds checks ts against each step (each memory size of a
// sweep: a threshold must hold at every size) and records the results in
// r.Thresholds. It reports whether all passed.
func (r *Run) CheckThresholds(ts []stats.Threshold) bool {
	r.Thresholds = nil
	ok := true
	for _, s := range r.Steps {
		mem := s.MemoryMB
		if !r.IsSweep() {
			mem = 0
		}
		results, pass := stats.CheckThresholds(ts, s.Summary)
		ok = ok && pass
		for _, res := range results {
			r.Thresholds = append(r.Thresholds, Check{MemoryMB: mem, ThresholdResult: res})
		}
	}
	return ok
}

// ThresholdsPassed reports whether every recorded threshold passed.
func (r *Run) ThresholdsPassed() bool {
	for _, c := range r.Thresholds {
		if !c.Pass {
			return false
		}
	}
	return true
}

// Recommend computes the recommendation among the steps and records it in
// r.Recommendation.
func (r *Run) Recommend(strategy stats.Strategy, opts ...stats.RecommendOption) error {
	steps := make([]stats.SweepStep, len(r.Steps))
	for i, s := range r.Steps {
		steps[i] = stats.SweepStep{MemoryMB: s.MemoryMB, Summary: s.Summary, Cost: s.Cost}
	}
	rec, err := stats.Recommend(steps, strategy, opts...)
	if err != nil {
		return err
	}
	r.Recommendation = &rec
	return nil
}

// throttleOnset finds the first second of the run with a throttle: the
// point of the scaling curve where the function stopped keeping up.
func (r *Run) throttleOnset() (step int, p stats.Second, ok bool) {
	for i, s := range r.Steps {
		for _, sec := range s.Timeline {
			if sec.Throttles > 0 {
				return i, sec, true
			}
		}
	}
	return 0, stats.Second{}, false
}
