package stats

import (
	"math"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// TestAWSPricingExample: AWS's pricing page example: 3 million requests a
// month of 1 second at 512 MB on x86_64 is 1,500,000 GB-s, $25.00 of
// compute, plus $0.60 of requests (before the free tier).
func TestAWSPricingExample(t *testing.T) {
	p := DefaultPrices()
	per, err := p.Invocation(X86_64, 512, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if total := per * 3e6; math.Abs(total-25.60) > 0.001 {
		t.Errorf("3M invocations cost $%.4f, want $25.60", total)
	}
	arm, _ := p.Invocation(Arm64, 512, time.Second)
	if want := 0.5*DefaultArmGBSecond + 0.2e-6; !near(arm, want) {
		t.Errorf("arm64: %v, want %v", arm, want)
	}
}

// TestPowerTuningExample: Power Tuning's documented output prices 128 MB at
// 100 ms billed (its older 100 ms granularity) at $0.0000002083 of compute.
func TestPowerTuningExample(t *testing.T) {
	a := New()
	for i := range 10 {
		s := Sample{Timestamp: t0.Add(time.Duration(i) * time.Second), Start: StartWarm, Latency: 5 * time.Millisecond,
			Duration: 2906 * time.Microsecond, BilledDuration: 100 * time.Millisecond, MemorySizeMB: 128}
		a.Add(&s)
	}
	c, err := DefaultPrices().Cost("", 0, a.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Known() || c.MemoryMB != 128 || c.Architecture != X86_64 || c.Invocations != 10 {
		t.Fatalf("%+v", c)
	}
	if got := math.Round(c.ComputePerInvocation*1e10) / 1e10; got != 0.0000002083 {
		t.Errorf("compute per invocation %v, want 0.0000002083", got)
	}
	if !near(c.PerInvocation, 0.125*0.1*DefaultX86GBSecond+0.2e-6) || !near(c.PerMillion, c.PerInvocation*1e6) {
		t.Errorf("%+v", c)
	}
	if !near(c.Total, 10*c.PerInvocation) {
		t.Errorf("total %v, want %v", c.Total, 10*c.PerInvocation)
	}
}

func TestCostUnknownWithoutReports(t *testing.T) {
	a := New()
	s := Sample{Timestamp: t0, Latency: time.Millisecond} // RIE: no tail
	a.Add(&s)
	c, err := DefaultPrices().Cost(X86_64, 0, a.Snapshot())
	if err != nil || c.Known() {
		t.Errorf("%+v %v", c, err)
	}
}

func TestPricesFromMap(t *testing.T) {
	p, err := PricesFromMap(map[string]float64{"arm64": 0.00001, "requests_per_1m": 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if p.GBSecond[Arm64] != 0.00001 || p.GBSecond[X86_64] != DefaultX86GBSecond || p.PerMillionRequests != 0.25 {
		t.Errorf("%+v", p)
	}
	if _, err := PricesFromMap(map[string]float64{"x86": 1}); err == nil || !strings.Contains(err.Error(), "valid prices are x86_64, arm64 and requests_per_1m") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := PricesFromMap(map[string]float64{"arm64": -1}); err == nil {
		t.Error("negative price accepted")
	}
	if _, err := p.Invocation("riscv", 128, time.Second); err == nil || !strings.Contains(err.Error(), "arm64, x86_64") {
		t.Errorf("unknown architecture: %v", err)
	}
}

// TestRecommendPowerTuningCases replays the cases of Power Tuning's
// analyzer tests (test/unit/test-lambda.js): average price and duration per
// power value, the strategy, the expected power.
func TestRecommendPowerTuningCases(t *testing.T) {
	type row struct {
		mem       int
		cost, dur float64
	}
	cands := func(rows ...row) []Candidate {
		var out []Candidate
		for _, r := range rows {
			out = append(out, Candidate{MemoryMB: r.mem, ComputeCost: r.cost, Cost: r.cost, Speed: time.Duration(r.dur * float64(time.Millisecond))})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		strategy Strategy
		opts     []RecommendOption
		rows     []row
		want     int
	}{
		{"cheapest", StrategyCost, nil, []row{{128, 100, 100}, {256, 200, 300}, {512, 30, 200}}, 512},
		{"cheapest, then fastest", StrategyCost, nil, []row{{128, 100, 100}, {256, 100, 90}, {512, 300, 200}}, 256},
		{"fastest", StrategySpeed, nil, []row{{128, 100, 300}, {256, 200, 200}, {512, 300, 100}}, 512},
		{"fastest, then cheapest", StrategySpeed, nil, []row{{128, 100, 200}, {256, 90, 200}, {512, 300, 400}}, 256},
		{"balanced weight 1", StrategyBalanced, []RecommendOption{BalancedWeight(1)}, []row{{128, 100, 100}, {256, 200, 300}, {512, 30, 200}}, 512},
		{"balanced weight 0", StrategyBalanced, []RecommendOption{BalancedWeight(0)}, []row{{128, 100, 300}, {256, 200, 200}, {512, 300, 100}}, 512},
		{"balanced default", StrategyBalanced, nil, []row{{128, 101, 300}, {256, 200, 200}, {512, 300, 101}}, 256},
		{"balanced 0.3", StrategyBalanced, []RecommendOption{BalancedWeight(0.3)}, []row{{128, 100, 300}, {256, 200, 200}, {512, 300, 100}, {1024, 1000, 50}}, 512},
	} {
		r, err := RecommendCandidates(cands(tc.rows...), tc.strategy, tc.opts...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if r.MemoryMB != tc.want {
			t.Errorf("%s: %d MB, want %d (%+v)", tc.name, r.MemoryMB, tc.want, r.Candidates)
		}
	}
	for _, bad := range []Strategy{"foobar", "Balanced", " ", "-"} {
		if _, err := RecommendCandidates(cands(row{128, 1, 1}), bad); err == nil {
			t.Errorf("strategy %q accepted", bad)
		}
	}
	// The default balanced case, worked: max cost 300, max duration 300;
	// 256 MB scores 0.5×200/300 + 0.5×200/300 = 0.667, 128 MB 0.668, 512 MB
	// 0.668.
	r, _ := RecommendCandidates(cands(row{128, 101, 300}, row{256, 200, 200}, row{512, 300, 101}), StrategyBalanced)
	if s := r.Candidates[1].Score; math.Abs(s-2.0/3) > 1e-9 {
		t.Errorf("score %v, want 2/3", s)
	}
}

// sweepStep simulates a step: n warm invocations whose durations are given
// by dur(i), billed to the next millisecond.
func sweepStep(t *testing.T, mem int, n int, dur func(i int) time.Duration, errorsEvery int) SweepStep {
	t.Helper()
	a := New()
	for i := range n {
		d := dur(i)
		s := Sample{Timestamp: t0.Add(time.Duration(i) * 100 * time.Millisecond), Start: StartWarm, Latency: d + 2*time.Millisecond,
			Duration: d, BilledDuration: (d + time.Millisecond - 1).Truncate(time.Millisecond), MemorySizeMB: mem}
		if errorsEvery > 0 && i%errorsEvery == 0 {
			s.Outcome = FunctionError
		}
		a.Add(&s)
	}
	sum := a.Snapshot()
	c, err := DefaultPrices().Cost(X86_64, mem, sum)
	if err != nil {
		t.Fatal(err)
	}
	return SweepStep{MemoryMB: mem, Summary: sum, Cost: c}
}

// TestRecommendOnPercentiles: 512 MB has the best mean duration but a slow
// tail (every 8th invocation takes 400 ms); on the p90 of duration 1024 MB
// is faster, which a mean-based choice would miss.
func TestRecommendOnPercentiles(t *testing.T) {
	steps := []SweepStep{
		sweepStep(t, 128, 200, func(int) time.Duration { return 400 * time.Millisecond }, 0),
		sweepStep(t, 512, 200, func(i int) time.Duration {
			if i%8 == 0 {
				return 400 * time.Millisecond
			}
			return 20 * time.Millisecond
		}, 0),
		sweepStep(t, 1024, 200, func(int) time.Duration { return 70 * time.Millisecond }, 0),
		sweepStep(t, 2048, 200, func(int) time.Duration { return 60 * time.Millisecond }, 10), // 10% errors
	}
	if steps[1].Summary.Duration.Mean >= steps[2].Summary.Duration.Mean {
		t.Fatal("the 512 MB step should have the better mean")
	}
	r, err := Recommend(steps, StrategySpeed)
	if err != nil {
		t.Fatal(err)
	}
	if r.MemoryMB != 1024 || r.SpeedMetric != "duration_p90" {
		t.Errorf("speed: %d MB on %s, want 1024 MB on duration_p90", r.MemoryMB, r.SpeedMetric)
	}
	if ex := r.Candidates[3].Excluded; !strings.Contains(ex, "errors 10.00% > 1.00%") {
		t.Errorf("2048 MB not excluded for errors: %q", ex)
	}
	if !strings.Contains(r.Reason(), "1024 MB is the fastest: duration_p90 70.0ms") {
		t.Errorf("reason %q", r.Reason())
	}

	r, _ = Recommend(steps, StrategyCost)
	// 128 MB: 0.125 GB × 0.4 s = 0.05 GB-s; 512 MB: 0.5 × 0.0675 s (mean) =
	// 0.03375 GB-s; 1024 MB: 1 × 0.07 = 0.07 GB-s.
	if r.MemoryMB != 512 {
		t.Errorf("cost: %d MB, want 512", r.MemoryMB)
	}
	r, _ = Recommend(steps, StrategyBalanced)
	// Normalised cost: 128 0.714, 512 0.482, 1024 1; speed (p90): 128 1,
	// 512 1, 1024 0.175 → scores 0.857, 0.741, 0.5875.
	if r.MemoryMB != 1024 || r.BalancedWeight != 0.5 {
		t.Errorf("balanced: %d MB weight %v, want 1024", r.MemoryMB, r.BalancedWeight)
	}
	r, _ = Recommend(steps, StrategySpeed, SpeedPercentile(50))
	if r.MemoryMB != 512 || r.SpeedMetric != "duration_p50" {
		t.Errorf("speed on p50: %d MB", r.MemoryMB)
	}
	if _, err := Recommend(steps[3:], StrategyCost); err == nil {
		t.Error("recommendation with every step excluded")
	}
}
