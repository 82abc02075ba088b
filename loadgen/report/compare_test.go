package report

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/loadgen/stats"
)

func TestNormalAndStudent(t *testing.T) {
	for _, tc := range []struct{ got, want float64 }{
		{normalTwoSided(1.959964), 0.05},
		{normalTwoSided(0), 1},
		{studentTwoSided(2.228139, 10), 0.05}, // qt(0.975, 10)
		{studentTwoSided(3.182446, 3), 0.05},  // qt(0.975, 3)
		{studentTwoSided(2.845340, 20), 0.01}, // qt(0.995, 20)
		{studentTwoSided(1.959964, 1e7), 0.05},
		{studentTwoSided(0, 5), 1},
	} {
		if math.Abs(tc.got-tc.want) > 1e-5 {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}

func TestFisherExact(t *testing.T) {
	// Fisher's lady tasting tea: [[3, 1], [1, 3]], two-sided p = 0.4857.
	if p := fisherExact(3, 1, 1, 3); math.Abs(p-0.485714) > 1e-5 {
		t.Errorf("tea: %v", p)
	}
	// [[10, 0], [0, 10]]: p = 2/C(20,10) = 1.0825e-5.
	if p := fisherExact(10, 0, 0, 10); math.Abs(p-1.0825e-5) > 1e-8 {
		t.Errorf("separated: %v", p)
	}
}

func TestTwoProportion(t *testing.T) {
	// 45/100 vs 60/100: pooled 0.525, z = -2.1239, p = 0.0337.
	p, test := twoProportion(45, 100, 60, 100)
	if test != "two-proportion z" || math.Abs(p-0.03368) > 1e-4 {
		t.Errorf("%v %s", p, test)
	}
	// 0 errors in 1,000 vs 3 in 1,000: expected counts are small: Fisher.
	p, test = twoProportion(0, 1000, 3, 1000)
	if test != "fisher" || math.Abs(p-0.25) > 1e-3 {
		t.Errorf("%v %s", p, test)
	}
	if p, _ := twoProportion(5, 0, 5, 10); !math.IsNaN(p) {
		t.Errorf("no requests: %v", p)
	}
}

// distOf makes a Distribution from whole-millisecond values (each in its
// own histogram bucket, so histogram ties are exactly the values' ties).
func distOf(ms []int) stats.Distribution {
	a := stats.New()
	for i, v := range ms {
		s := stats.Sample{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), Latency: time.Duration(v) * time.Millisecond}
		a.Add(&s)
	}
	return a.Snapshot().Latency
}

// bruteMannWhitney computes the U test from raw values: average ranks,
// tie-corrected variance, continuity correction.
func bruteMannWhitney(x, y []int) float64 {
	type obs struct {
		v     int
		fromX bool
	}
	var all []obs
	for _, v := range x {
		all = append(all, obs{v, true})
	}
	for _, v := range y {
		all = append(all, obs{v, false})
	}
	slices.SortFunc(all, func(a, b obs) int { return a.v - b.v })
	var rx, ties float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		rank := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			if all[k].fromX {
				rx += rank
			}
		}
		t := float64(j - i)
		ties += t*t*t - t
		i = j
	}
	n1, n2 := float64(len(x)), float64(len(y))
	n := n1 + n2
	u := rx - n1*(n1+1)/2
	sigma := math.Sqrt(n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1))))
	z := (math.Abs(u-n1*n2/2) - 0.5) / sigma
	return math.Erfc(math.Max(z, 0) / math.Sqrt2)
}

func TestMannWhitneyFromHistograms(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, shift := range []int{0, 1, 3, 10} {
		var x, y []int
		for range 300 {
			x = append(x, 40+r.IntN(30))
		}
		for range 250 {
			y = append(y, 40+shift+r.IntN(30))
		}
		got, want := mannWhitney(distOf(x), distOf(y)), bruteMannWhitney(x, y)
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("shift %d: p %v, brute force %v", shift, got, want)
		}
		if shift == 10 && got > 1e-6 {
			t.Errorf("shift 10: p %v, want tiny", got)
		}
	}
	if p := mannWhitney(distOf([]int{1, 2}), distOf([]int{3, 4, 5, 6, 7})); !math.IsNaN(p) {
		t.Errorf("too few values: %v", p)
	}
}

func TestQuantileTest(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	var base, same, slowTail []int
	for range 4000 {
		base = append(base, 50+r.IntN(20))
		same = append(same, 50+r.IntN(20))
		v := 50 + r.IntN(20)
		if r.IntN(20) == 0 {
			v += 200 // 5% slow: p99 moves, p50 barely
		}
		slowTail = append(slowTail, v)
	}
	if p := quantileTest(distOf(base), distOf(same), 99); p < 0.05 {
		t.Errorf("same distribution: p99 p = %v", p)
	}
	if p := quantileTest(distOf(base), distOf(slowTail), 99); p > 1e-6 {
		t.Errorf("slow tail: p99 p = %v", p)
	}
}

// compareRuns builds two single-step runs of n requests whose latency is
// scaled by factor and whose error rate is errRate in the second.
func compareRuns(t *testing.T, n int, factor, errRate float64, seed uint64) (*Run, *Run) {
	mk := func(seed uint64, factor, errRate float64) *Run {
		r := rand.New(rand.NewPCG(seed, 99))
		a := stats.New()
		for i := range n {
			d := time.Duration(float64(40*time.Millisecond) * factor * math.Exp(0.25*r.NormFloat64()))
			s := stats.Sample{Timestamp: t0.Add(time.Duration(i) * 10 * time.Millisecond), Start: stats.StartWarm,
				Duration: d, BilledDuration: (d + time.Millisecond - 1).Truncate(time.Millisecond), MemorySizeMB: 512,
				Latency: d + time.Duration(2000+r.IntN(1000))*time.Microsecond, MaxMemoryMB: 80 + r.IntN(10)}
			if i%200 == 0 {
				s.Start, s.InitDuration = stats.StartCold, time.Duration(200+r.IntN(50))*time.Millisecond
				s.Latency += s.InitDuration
			}
			if r.Float64() < errRate {
				s.Outcome = stats.FunctionError
			}
			a.Add(&s)
		}
		return &Run{Name: "api", Function: "api", Steps: []Step{mustStep(t, 512, a)}, Start: t0, End: t0.Add(time.Duration(n) * 10 * time.Millisecond)}
	}
	return mk(seed, 1, 0.002), mk(seed+1, factor, errRate)
}

func rowOf(t *testing.T, c *Comparison, metric string) Delta {
	t.Helper()
	for _, d := range c.Steps[0].Rows {
		if d.Metric == metric {
			return d
		}
	}
	t.Fatalf("no row %q", metric)
	return Delta{}
}

func TestCompareSignificant(t *testing.T) {
	old, new := compareRuns(t, 5000, 1.1, 0.02, 1) // 10% slower, 2% errors instead of 0.2%
	c := Compare(old, new, Names("old.json", "new.json"))
	for _, m := range []string{"latency p50", "latency p90", "latency p99", "latency mean", "duration p50", "billed mean", "cost per 1M", "error ratio", "success ratio"} {
		d := rowOf(t, c, m)
		if !d.Significant || d.Verdict != "worse" {
			t.Errorf("%s: %+v, want a significant regression", m, d)
		}
	}
	if d := rowOf(t, c, "latency p50"); math.Abs(d.Change-0.1) > 0.03 || d.Test != "mann-whitney" {
		t.Errorf("latency p50 change %v (%s)", d.Change, d.Test)
	}
	if d := rowOf(t, c, "latency p99"); d.Test != "quantile" {
		t.Errorf("latency p99 test %s", d.Test)
	}
	if d := rowOf(t, c, "requests"); d.Test != "" || d.Verdict != "" || !math.IsNaN(d.P) {
		t.Errorf("requests are not tested: %+v", d)
	}
	if len(c.Regressions()) < 9 {
		t.Errorf("%d regressions", len(c.Regressions()))
	}
	// The other way round, the same rows are improvements.
	back := Compare(new, old)
	if d := rowOf(t, back, "latency p99"); d.Verdict != "better" {
		t.Errorf("reverse: %+v", d)
	}
}

func TestCompareNotSignificant(t *testing.T) {
	old, new := compareRuns(t, 5000, 1, 0.002, 7) // same distribution, another seed
	c := Compare(old, new)
	for _, d := range c.Steps[0].Rows {
		if d.Significant {
			t.Errorf("%s: %+v is significant between two runs of the same distribution", d.Metric, d)
		}
	}
	for _, m := range []string{"latency p50", "latency p99", "error ratio", "duration p90"} {
		if d := rowOf(t, c, m); d.Verdict != "~" {
			t.Errorf("%s: verdict %q", m, d.Verdict)
		}
	}
	// A tiny but real shift is below MinChange: not reported.
	old, new = compareRuns(t, 20000, 1.005, 0.002, 7)
	if d := rowOf(t, Compare(old, new), "latency mean"); d.Significant {
		t.Errorf("a 0.5%% change is reported: %+v", d)
	}
}

// TestCompareFromJSON: reports read back compare as the runs do (the
// histograms travel in the JSON).
func TestCompareFromJSON(t *testing.T) {
	old, new := compareRuns(t, 3000, 1.1, 0.02, 3)
	rt := func(r *Run) *Run {
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		back, err := ReadJSON(&b)
		if err != nil {
			t.Fatal(err)
		}
		return back
	}
	direct, viaJSON := Compare(old, new), Compare(rt(old), rt(new))
	for i, d := range direct.Steps[0].Rows {
		j := viaJSON.Steps[0].Rows[i]
		if d.Metric != j.Metric || d.Verdict != j.Verdict || (math.Abs(d.P-j.P) > 1e-6 && !(math.IsNaN(d.P) && math.IsNaN(j.P))) {
			t.Errorf("%s: %+v vs %+v from JSON", d.Metric, d, j)
		}
	}
}

func TestCompareMatchesStepsByMemory(t *testing.T) {
	sweep := exampleSweep(t)
	other := exampleSweep(t)
	other.Steps = []Step{other.Steps[2], other.Steps[0]} // 1769 and 128 MB, in another order
	c := Compare(sweep, other)
	if len(c.Steps) != 2 || c.Steps[0].MemoryMB != 128 || c.Steps[1].MemoryMB != 1769 || len(c.OnlyOld) != 1 || c.OnlyOld[0] != 512 {
		t.Errorf("steps %+v, only old %v, only new %v", c.Steps, c.OnlyOld, c.OnlyNew)
	}
	if d := rowOf(t, c, "latency p50"); d.Change != 0 || d.Significant {
		t.Errorf("identical steps differ: %+v", d)
	}
}

func TestComparisonOutput(t *testing.T) {
	old, new := compareRuns(t, 2000, 1.1, 0.02, 5)
	c := Compare(old, new, Names("old.json", "new.json"))
	out := render(t, func(w io.Writer) error { return WriteComparisonText(w, c, TextOptions{}) })
	golden(t, "compare.txt", out)
	s := string(out)
	for _, want := range []string{"lambench compare: old.json vs new.json", "512 MB", "latency p99", "worse", "significant regressions"} {
		if !strings.Contains(s, want) {
			t.Errorf("comparison lacks %q:\n%s", want, s)
		}
	}
	for i, l := range strings.Split(s, "\n") {
		if len([]rune(l)) > textWidth {
			t.Errorf("line %d is too wide: %q", i+1, l)
		}
	}
	var doc struct {
		Rows []struct {
			Metric  string   `json:"metric"`
			P       *float64 `json:"p"`
			Verdict string   `json:"verdict"`
		} `json:"rows"`
		Regressions int `json:"regressions"`
	}
	raw := render(t, func(w io.Writer) error { return WriteComparisonJSON(w, c) })
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Regressions == 0 || len(doc.Rows) == 0 || doc.Rows[0].P != nil {
		t.Errorf("comparison JSON: %s", raw)
	}
}
