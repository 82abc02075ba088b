// Package report holds a finished load test (Run: its steps, each a
// memory size with its stats.Summary, cost and timeline; the thresholds'
// results; a sweep's recommendation) and renders it: WriteText (a terminal
// report in 80 columns, optional ANSI colour), WriteJSON (a stable schema,
// read back by ReadJSON), WriteMarkdown (report.md) and WriteHTML
// (report.html, self-contained, with inline SVG charts). Compare diffs two
// runs, as `lambench bench compare old.json new.json` shows, and says which
// differences are significant (see Compare for the tests).
//
// # JSON schema (lambench/report/v1)
//
// The document is one object. Durations are in milliseconds (floats,
// rounded to the microsecond), ratios are fractions between 0 and 1, times
// are RFC 3339 in UTC, prices are in USD. Every key is always present;
// a distribution without values is null. New keys may be added within v1;
// keys are never removed or renamed.
//
//	{
//	  "schema": "lambench/report/v1",
//	  "name": "sleep",                 // the run's name
//	  "target": "local",               // where the function ran
//	  "function": "sleep",
//	  "plan": "constant 50/s for 10s",
//	  "architecture": "x86_64",
//	  "start": "2025-03-01T12:00:00Z", // the run, wall clock
//	  "end": "2025-03-01T12:00:10.2Z",
//	  "duration_s": 10.2,
//
//	  // FIGURES of all steps together (the same keys as in a step):
//	  "first_sent": "...", "last_sent": "...", "last_answer": "...",
//	  "requests": 500,                  // sent
//	  "ok": 497,                        // answered without error
//	  "errors": 1,                      // function + service + transport errors
//	  "function_errors": 1, "service_errors": 0, "transport_errors": 0,
//	  "throttles": 2,                   // 429s
//	  "success_ratio": 0.994,           // ok / requests
//	  "error_ratio": 0.002, "throttle_ratio": 0.004,
//	  "cold_starts": 3, "warm_starts": 495,
//	  "unknown_starts": 2,              // no REPORT line (throttles, targets without tails)
//	  "cold_start_ratio": 0.006,
//	  "rate": 50.1,                     // achieved, requests/s (first to last sent)
//	  "throughput": 49.2,               // ok answers/s (first sent to last answer)
//	  "max_in_flight": 4,
//	  "memory_size_mb": 128,            // from REPORT lines; 0 if unknown or mixed
//	  "latency_ms": DIST,               // client round trip, all requests
//	  "warm_latency_ms": DIST, "cold_latency_ms": DIST,
//	  "unknown_latency_ms": DIST,       // requests without a REPORT line
//	  "init_ms": DIST,                  // Init Duration of cold starts
//	  "duration_ms": DIST,              // the function's Duration
//	  "billed_ms": DIST,                // Billed Duration
//	  "billed_ms_avg": 51.2,            // billed_ms.mean, for convenience
//	  "max_memory_used_mb": MEMDIST,
//	  "throttle_reasons": {"ReservedFunctionConcurrentInvocationLimitExceeded": 2},
//	  "error_types": {"Runtime.ExitError": 1},  // function errors by errorType
//	  "service_error_codes": {},
//
//	  "cost_total_usd": 0.0000151,      // the invocations of all steps
//	  "steps": [                        // one per memory size, in order
//	    {"memory_mb": 128,
//	     FIGURES...,
//	     "cost": {"known": true, "architecture": "x86_64", "memory_mb": 128,
//	              "invocations": 498, "billed_ms_avg": 51.2,
//	              "per_invocation_usd": 3.04e-7, "compute_per_invocation_usd": 1.04e-7,
//	              "per_1m_usd": 0.304, "total_usd": 0.000151},
//	     "cost_per_invocation_usd": 3.04e-7,
//	     "cost_per_1m_usd": 0.304}
//	  ],
//	  "thresholds": [                   // one per threshold and step checked
//	    {"threshold": "p99<800ms", "memory_mb": 0,   // 0: the whole run
//	     "metric": "p99", "op": "<", "limit": 800,
//	     "unit": "ms",                  // ms, MB, count, ratio or 1/s
//	     "pass": true, "no_data": false, "measured": 612.3,
//	     "miss": 0,                     // how far past the limit, in unit
//	     "miss_ratio": 0,               // miss / limit
//	     "text": "p99<800ms: pass (612ms)"}
//	  ],
//	  "thresholds_passed": true,
//	  "recommendation": null | {        // sweeps
//	    "strategy": "balanced", "balanced_weight": 0.5,
//	    "speed_metric": "duration_p90", "memory_mb": 512,
//	    "reason": "512 MB has the best balance ...",
//	    "candidates": [{"memory_mb": 128, "cost_per_invocation_usd": ...,
//	      "compute_per_invocation_usd": ..., "cost_per_1m_usd": ...,
//	      "speed_ms": ..., "error_ratio": ..., "score": ...,
//	      "excluded": ""}]              // why a size was not considered
//	  },
//	  "timeline": [                     // per second, all steps in order
//	    {"step": 0, "memory_mb": 128,
//	     "t": 0,                        // seconds from "start"
//	     "time": "2025-03-01T12:00:00Z", "width_s": 1,
//	     "started": 50, "rate": 50,     // sent in the second, per second
//	     "completed": 49,               // answers that arrived in the second
//	     "ok": 49, "errors": 0, "throttles": 1, "cold_starts": 3,
//	     "p50_ms": 61.2, "p99_ms": 312.5,  // of the requests sent in the second
//	     "in_flight_max": 4, "duration_ms_avg": 52.3}
//	  ]
//	}
//
// DIST is {"count", "min", "mean", "p50", "p90", "p95", "p99", "p999",
// "max", "stddev", "histogram"}: milliseconds, with the HDR histogram
// (microseconds, 3 significant digits) in the standard HdrHistogram V2
// compressed base64 encoding, which any HdrHistogram library decodes; it
// lets a reader compute any percentile, merge reports exactly and test
// differences (Compare). MEMDIST is the same in MB: {"count", "min",
// "mean", "p50", "p90", "p99", "max", "histogram"}.
//
// # Rendering
//
// The text report fits in 80 columns: the run, then per step the
// requests, success ratio, errors, throttles, cold starts, cost and a table
// of latency (all, warm, cold) and function durations (init, duration,
// billed) at p50, p90, p99, max and mean; for sweeps a table with a row per
// memory size and the recommendation first; the thresholds last, with
// pass or FAIL and the miss. Markdown has the same content as tables. The
// HTML report adds charts: latency over time (p50 and p99 per second),
// load over time (achieved rate, requests in flight, throttles and cold
// starts per second: the scaling curve), a latency histogram (log scale,
// stacked warm, cold and no report), cold vs warm latency, and for sweeps
// duration and cost by memory size.
package report
