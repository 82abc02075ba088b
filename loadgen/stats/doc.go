// Package stats turns the samples of a load test into numbers: streaming
// HDR histograms of latency (overall, warm, cold, unknown start), function
// Duration, Init Duration, Billed Duration and Max Memory Used; counts by
// outcome, throttle reason, error type and start; a per-second timeline;
// exact merging of results from several runs or generators; thresholds;
// and the cost model with a memory-size recommendation.
//
// # Main types
//
//   - Sample: one request, filled by the engine.
//   - Aggregator: New() then Add(&sample) for each request; Snapshot()
//     returns a Summary, Progress() a cheaper live view, Timeline(n) the
//     last n seconds. Safe for one writer and concurrent readers.
//   - Summary and Distribution: what a run measured; any percentile.
//   - Second: one point of the timeline.
//   - Threshold: "p99<800ms", "errors<1%"... (see Threshold for the metric
//     names); Check gives a ThresholdResult with the miss.
//   - PriceTable and Cost: the price of invocations by architecture,
//     memory and billed duration.
//   - Recommend: the memory size of a sweep to pick, by strategy cost,
//     speed or balanced.
//
// # Memory
//
// Memory does not grow with the number of samples. An HDR histogram of
// durations from 1 µs to 1 hour at 3 significant digits has 23,552
// counters: 184 KB dense. The run's eight histograms are therefore kept
// sparse (hdrhistogram-go's PackedHistogram: about 6 bytes per populated
// bucket, a few KB to a few tens of KB for real latencies), which also makes
// a Snapshot a copy of a few KB rather than a scan of 1.5 MB. The timeline
// keeps one slot per second, each with a sparse 2-digit histogram (a
// dense one would be 26 KB; a second of typical latencies packs into
// about 0.5 KB); the 8 most recent seconds record into reused dense
// histograms, so answers arriving out of order cost nothing. After
// DefaultTimelineSlots slots (68 minutes) the slots double in width
// instead of growing. Distinct throttle reasons and error types are capped
// (DefaultMaxKeys). TestMemoryBound measures an Aggregator after 1,000,000
// samples over an hour against MemoryBound.
//
// # Precision
//
// Durations are recorded in microseconds. A percentile is the upper edge of
// the histogram bucket that holds it: never below the exact value (by more
// than the microsecond unit), at most 0.1% above it, and clamped to the
// exact minimum and maximum. Min, Max and Mean are exact. Timeline
// percentiles are within 1%.
//
// # Merging
//
// All histograms of a kind have the same settings, so they merge bucket by
// bucket: Aggregator.Merge and Summary.Merge give the percentiles an
// Aggregator fed all the samples would give. Timelines are aligned on
// absolute Unix seconds (slot boundaries are multiples of the slot width),
// so two generators' timelines merge slot by slot.
//
// # Cost and recommendation
//
// The price of an invocation is memory/1024 GB × billed seconds × the
// GB-second price of the architecture (x86_64 $0.0000166667, arm64
// $0.0000133334 by default) + the request price ($0.20 per million). A
// step's cost per invocation uses the mean Billed Duration, because the bill
// is linear in it.
//
// Recommend follows AWS Lambda Power Tuning's analyzer (cost: cheapest,
// then fastest; speed: fastest, then cheapest; balanced: the lowest
// w×cost/max(cost) + (1-w)×speed/max(speed), w = 0.5 by default), with two
// differences: speed is a percentile of the function's Duration (the 90th by
// default) instead of a trimmed mean, so a memory size with a slow tail is
// not taken for a fast one; and memory sizes where more than 1% of the
// requests failed are excluded (a size that runs out of memory is not
// cheap). The balanced cost term leaves out the request price, which is the
// same at every size.
package stats
