// Package loadview is the TUI's load screen: a form (the load's shape,
// rate or workers, duration or count, memory sizes to sweep, the event,
// thresholds), then a live dashboard of the run (progress, achieved rate,
// latency percentiles now and overall, per-second charts of latency,
// rate, in-flight requests, cold starts, errors and throttles; the step
// of a memory sweep), then the report, which can be saved as the same
// files `lambench load --report-dir` writes.
//
// The run is loadgen/job's, the one `lambench load` runs, in a goroutine
// the screen owns: Close (and a quit) cancels it and waits for a sweep to
// restore the function. The dashboard is redrawn from the run's live
// state four times a second, whatever the request rate.
//
// cmd/lambench plugs New into tui.Options.LoadScreen.
package loadview
