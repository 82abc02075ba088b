package tui

import (
	"slices"
	"time"

	"github.com/lambench/lambench/invoke"
)

// Stats are the invocations the TUI made since lambench started, per
// function. Only the root model changes them (in Update).
type Stats struct {
	byFunction map[string]*FunctionStats
}

// FunctionStats summarise one function's invocations.
type FunctionStats struct {
	// Count is the number of invocations; Errors those that failed
	// (function error or service error); Cold those that were cold
	// starts.
	Count, Errors, Cold int
	// durations are the REPORT durations (the round trip when unknown).
	durations []time.Duration
}

// NewStats returns empty stats.
func NewStats() *Stats { return &Stats{byFunction: map[string]*FunctionStats{}} }

// Record adds an invocation's outcome.
func (s *Stats) Record(function string, res *invoke.Result, err error) {
	fs := s.byFunction[function]
	if fs == nil {
		fs = &FunctionStats{}
		s.byFunction[function] = fs
	}
	fs.Count++
	if err != nil || (res != nil && res.Error != nil) {
		fs.Errors++
	}
	if res == nil {
		return
	}
	if cold, known := res.Cold(); known && cold {
		fs.Cold++
	}
	d := res.Latency
	if res.Report != nil {
		d = res.Report.Duration
	}
	fs.durations = append(fs.durations, d)
}

// Function returns a function's stats (zero when it was not invoked).
func (s *Stats) Function(name string) FunctionStats {
	if fs := s.byFunction[name]; fs != nil {
		return *fs
	}
	return FunctionStats{}
}

// P50 is the median duration; false when there is none.
func (fs FunctionStats) P50() (time.Duration, bool) {
	if len(fs.durations) == 0 {
		return 0, false
	}
	d := slices.Clone(fs.durations)
	slices.Sort(d)
	return d[(len(d)-1)/2], true
}
