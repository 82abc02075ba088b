// Package stats aggregates the samples of a load test: streaming HDR
// histograms of latency (overall, warm, cold), function duration, init
// duration and billed duration, a per-second timeline, exact merging of
// results from several runs or generators, thresholds, and the cost model.
package stats
