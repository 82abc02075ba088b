package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lambench/lambench/loadgen/stats"
)

// The benchmarks run the local Lambda in a process of its own (`lambench
// serve --no-limits`), so that the CPU time and memory of this process are
// the generator's alone. They measure the generator, not the function:
// without limits a 128 MB function is not held to 7% of a core, which at
// hundreds of requests a second would back requests up, start environment
// after environment and swamp a small machine with cold starts.
var (
	benchRate     = flag.Float64("loadgen.rate", 400, "BenchmarkGeneratorOverhead: requests per second")
	benchDuration = flag.Duration("loadgen.duration", 5*time.Second, "BenchmarkGeneratorOverhead: duration of each attack")
	benchRounds   = flag.Int("loadgen.rounds", 3, "BenchmarkGeneratorOverhead: attacks of each generator, interleaved")
	millionN      = flag.Uint64("loadgen.requests", 1_000_000, "BenchmarkMillionRequests: requests of the run")
	millionRate   = flag.Float64("loadgen.million-rate", 0, "BenchmarkMillionRequests: constant rate (0: closed model, -loadgen.workers back to back)")
	millionWork   = flag.Int("loadgen.workers", 8, "BenchmarkMillionRequests and BenchmarkThroughput: workers of the closed model")
)

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGeneratorOverhead compares the CPU time per request of this
// process for a plain vegeta attack (vegeta's defaults, results read and
// dropped) and for Run (classification and aggregation of every result)
// on the same unsigned target, the local Lambda's HTTP front invoking
// hello, at the same rate. The two alternate, -loadgen.rounds times each.
// "ratio" is lambench's CPU per request over vegeta's; the acceptance bar
// is 1.2.
//
//	go test -run '^$' -bench GeneratorOverhead -benchtime 1x ./loadgen/
func BenchmarkGeneratorOverhead(b *testing.B) {
	srv := startServe(b, "--no-limits")
	url := srv.HTTPEndpoint + "/hello/"
	body := []byte(`{"name":"bench"}`)
	header := http.Header{"Content-Type": {"application/json"}}
	target, err := HTTPTarget(http.MethodPost, url, header, nil)
	if err != nil {
		b.Fatal(err)
	}
	rate, d := *benchRate, *benchDuration
	// Start a few environments before measuring, back to back: a burst at
	// the full rate would start hundreds at once (each a process) and
	// swamp the machine.
	if _, err := Run(context.Background(), RunOptions{Target: target, Plan: Closed(4, 2*time.Second, 0), Payload: body}); err != nil {
		b.Fatal(err)
	}

	// Rate accuracy: requests sent per second between the first and the
	// last request (as vegeta and Summary.Rate compute it) over the rate asked.
	var vegetaRate, oursRate []float64
	raw := func() (requests int64, cpu time.Duration) {
		runtime.GC()
		start := cpuTime(b)
		var first, last time.Time
		defer func() {
			if d := last.Sub(first); requests > 1 && d > 0 {
				vegetaRate = append(vegetaRate, float64(requests)/d.Seconds()/rate)
			}
		}()
		atk := vegeta.NewAttacker()
		tr := vegeta.Targeter(func(t *vegeta.Target) error {
			t.Method, t.URL, t.Body, t.Header = http.MethodPost, url, body, header
			return nil
		})
		pacer := vegeta.ConstantPacer{Freq: int(rate), Per: time.Second}
		for r := range atk.Attack(tr, pacer, d, "vegeta") {
			if r.Code != 200 {
				b.Fatalf("vegeta: %d %s %s", r.Code, r.Error, r.Body)
			}
			if first.IsZero() || r.Timestamp.Before(first) {
				first = r.Timestamp
			}
			if r.Timestamp.After(last) {
				last = r.Timestamp
			}
			requests++
		}
		return requests, cpuTime(b) - start
	}
	ours := func() (requests int64, cpu time.Duration) {
		runtime.GC()
		start := cpuTime(b)
		agg, err := Run(context.Background(), RunOptions{Target: target, Plan: Constant(rate, d), Payload: body})
		cpu = cpuTime(b) - start
		if err != nil {
			b.Fatal(err)
		}
		s := agg.Snapshot()
		if s.OK != s.Requests {
			b.Fatalf("lambench: %d OK of %d", s.OK, s.Requests)
		}
		oursRate = append(oursRate, s.Rate()/rate)
		return s.Requests, cpu
	}

	var vegetaN, oursN int64
	var vegetaCPU, oursCPU time.Duration
	b.ResetTimer()
	for b.Loop() {
		for i := range *benchRounds {
			first, second := raw, ours
			if i%2 == 1 {
				first, second = ours, raw
			}
			n1, c1 := first()
			n2, c2 := second()
			if i%2 == 1 {
				n1, c1, n2, c2 = n2, c2, n1, c1
			}
			vegetaN += n1
			vegetaCPU += c1
			oursN += n2
			oursCPU += c2
			b.Logf("round %d: vegeta %d requests, %.0f cpu-ns/req; lambench %d requests, %.0f cpu-ns/req",
				i+1, n1, float64(c1)/float64(n1), n2, float64(c2)/float64(n2))
		}
	}
	v := float64(vegetaCPU) / float64(vegetaN)
	o := float64(oursCPU) / float64(oursN)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(v, "vegeta-cpu-ns/req")
	b.ReportMetric(o, "lambench-cpu-ns/req")
	b.ReportMetric(o/v, "ratio")
	mean := func(x []float64) float64 {
		var t float64
		for _, v := range x {
			t += v
		}
		return t / float64(max(len(x), 1))
	}
	b.ReportMetric(mean(vegetaRate), "vegeta-rate-accuracy")
	b.ReportMetric(mean(oursRate), "lambench-rate-accuracy")
}

// BenchmarkThroughput measures the most requests per second one generator
// gets from the local Lambda (in its own process, on the same machine):
// -loadgen.workers workers back to back invoking hello through the Lambda
// API (with the log tail, classified), and through the HTTP front.
func BenchmarkThroughput(b *testing.B) {
	srv := startServe(b, "--no-limits")
	api, err := LambdaTarget(srv.Endpoint, "hello", "", nil)
	if err != nil {
		b.Fatal(err)
	}
	front, err := HTTPTarget(http.MethodPost, srv.HTTPEndpoint+"/hello/", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		target Target
	}{{"lambda-api", api}, {"http-front", front}} {
		b.Run(tc.name, func(b *testing.B) {
			plan := Closed(*millionWork, 5*time.Second, 0)
			// Warm the environments.
			if _, err := Run(context.Background(), RunOptions{Target: tc.target, Plan: Closed(*millionWork, time.Second, 0)}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var s stats.Summary
			start := cpuTime(b)
			for b.Loop() {
				agg, err := Run(context.Background(), RunOptions{Target: tc.target, Plan: plan})
				if err != nil {
					b.Fatal(err)
				}
				s = agg.Snapshot()
			}
			cpu := cpuTime(b) - start
			if s.OK != s.Requests {
				b.Fatalf("%d OK of %d: %v", s.OK, s.Requests, s.ServiceErrorCodes)
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(s.Rate(), "req/s")
			b.ReportMetric(float64(cpu)/float64(s.Requests)/float64(b.N), "cpu-ns/req")
			b.ReportMetric(float64(s.Latency.Percentile(50))/1e6, "p50-ms")
		})
	}
}

// peakRSS reads this process's peak resident set size (VmHWM).
func peakRSS(tb testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// BenchmarkMillionRequests is the memory check: a run of
// -loadgen.requests (1,000,000) requests against hello through the Lambda
// API, every result classified from its log tail, aggregated and written
// to a results.bin file, while the local Lambda runs in its own process.
// It reports the peak RSS of this process (the generator), reset before
// the run (/proc/self/clear_refs), and how long the run took. The
// acceptance bar is 150 MB.
//
//	go test -run '^$' -bench MillionRequests -benchtime 1x -timeout 30m ./loadgen/
func BenchmarkMillionRequests(b *testing.B) {
	srv := startServe(b, "--no-limits")
	target, err := LambdaTarget(srv.Endpoint, "hello", "", nil)
	if err != nil {
		b.Fatal(err)
	}
	plan := Closed(*millionWork, 0, *millionN)
	if *millionRate > 0 {
		plan = Constant(*millionRate, time.Duration(float64(*millionN) / *millionRate * float64(time.Second)))
		plan.Requests = *millionN
	}
	plan.WarmupRequests = 100
	file, err := os.Create(filepath.Join(b.TempDir(), "results.bin"))
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()

	runtime.GC()
	// Writing 5 to clear_refs resets the peak RSS (Linux 4.0 and later).
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Fatal(err)
	}
	before := peakRSS(b)
	var peakHeap uint64
	lastLog := time.Now()
	b.ResetTimer()
	start := time.Now()
	var s stats.Summary
	for b.Loop() {
		agg, err := Run(context.Background(), RunOptions{
			Target:  target,
			Plan:    plan,
			Results: file,
			Progress: func(p Progress) {
				// Once a second: ReadMemStats stops the world briefly.
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peakHeap = max(peakHeap, ms.HeapInuse)
				if time.Since(lastLog) >= 15*time.Second {
					lastLog = time.Now()
					b.Logf("%d requests, %.0f/s, %d in flight, peak RSS %.1f MB, heap in use %.1f MB",
						p.Requests, p.Rate, p.InFlight, float64(peakRSS(b))/(1<<20), float64(ms.HeapInuse)/(1<<20))
				}
			},
		})
		if err != nil {
			b.Fatal(err)
		}
		s = agg.Snapshot()
	}
	took := time.Since(start)
	peak := peakRSS(b)
	info, _ := file.Stat()
	b.Logf("%d requests (%d OK, %d cold) in %v (%.0f/s); peak RSS %.1f MB (%.1f MB before the run); peak heap in use %.1f MB; results.bin %.1f MB",
		s.Requests, s.OK, s.ColdStarts, took.Round(time.Second), s.Rate(), float64(peak)/(1<<20), float64(before)/(1<<20),
		float64(peakHeap)/(1<<20), float64(info.Size())/(1<<20))
	if s.Requests != int64(*millionN) {
		b.Errorf("%d requests, want %d", s.Requests, *millionN)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
	b.ReportMetric(took.Seconds(), "seconds")
	b.ReportMetric(s.Rate(), "req/s")
	fmt.Fprintf(os.Stderr, "peak RSS %.1f MB for %d requests in %v\n", float64(peak)/(1<<20), s.Requests, took.Round(time.Second))
}
