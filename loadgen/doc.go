// Package loadgen is lambench's load tester: it drives Lambda functions
// with vegeta's attacker (open model: constant, ramp, steps, sine; closed
// model: N workers back to back), classifies every response with what
// only Lambda knows (cold or warm start from the tail's REPORT line,
// function errors, throttles and their reason, billed duration, memory),
// aggregates it in streaming HDR histograms and a per-second timeline,
// sweeps memory sizes (restoring the function afterwards, whatever
// happens), prices the runs, checks thresholds and writes reports.
package loadgen
