package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lambench/lambench/loadgen/stats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// stepSpec describes a simulated step.
type stepSpec struct {
	memoryMB      int
	rate          int           // requests per second
	seconds       int           // how long
	duration      time.Duration // typical function Duration
	spread        float64       // relative spread of the duration
	cold          int           // cold starts at the beginning
	throttleAfter int           // second from which some requests are throttled (0: never)
	errors        int           // function errors (spread out)
	noTail        bool          // a target without log tails
}

// simulate runs a step through an Aggregator with a fixed seed, from start.
func simulate(t testing.TB, seed uint64, start time.Time, sp stepSpec) *stats.Aggregator {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	a := stats.New()
	n := sp.rate * sp.seconds
	inFlight := 0
	for i := range n {
		s := stats.Sample{
			Seq:          uint64(i),
			Timestamp:    start.Add(time.Duration(i) * time.Second / time.Duration(sp.rate)),
			Code:         200,
			Start:        stats.StartWarm,
			MemorySizeMB: sp.memoryMB,
		}
		d := time.Duration(float64(sp.duration) * (1 + sp.spread*r.NormFloat64()))
		d = max(d, time.Millisecond)
		s.Duration = d
		s.BilledDuration = (d + time.Millisecond - 1).Truncate(time.Millisecond)
		s.MaxMemoryMB = 30 + sp.memoryMB/20 + r.IntN(5)
		s.Latency = d + time.Duration(2000+r.IntN(3000))*time.Microsecond
		if i < sp.cold {
			s.Start = stats.StartCold
			s.InitDuration = time.Duration(180+r.IntN(60)) * time.Millisecond
			s.Latency += s.InitDuration
		}
		sec := i / sp.rate
		if sp.throttleAfter > 0 && sec >= sp.throttleAfter && r.IntN(4) == 0 {
			s = stats.Sample{Seq: s.Seq, Timestamp: s.Timestamp, Code: 429, Outcome: stats.Throttled,
				Reason: "ReservedFunctionConcurrentInvocationLimitExceeded", Latency: time.Duration(3+r.IntN(3)) * time.Millisecond}
		}
		if sp.errors > 0 && i%(n/sp.errors) == n/sp.errors/2 && s.Outcome == stats.OK {
			s.Outcome, s.ErrorType = stats.FunctionError, "Runtime.ExitError"
		}
		if sp.noTail {
			s.Start, s.Duration, s.BilledDuration, s.InitDuration, s.MaxMemoryMB, s.MemorySizeMB = stats.StartUnknown, 0, 0, 0, 0, 0
		}
		inFlight = 1 + int(float64(sp.rate)*s.Latency.Seconds()) + r.IntN(2)
		s.InFlight = inFlight
		a.Add(&s)
	}
	return a
}

func mustStep(t testing.TB, mem int, a *stats.Aggregator) Step {
	t.Helper()
	s, err := NewStep(mem, a, stats.DefaultPrices(), stats.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustThresholds(t testing.TB, list ...string) []stats.Threshold {
	t.Helper()
	ts, err := stats.ParseThresholds(list)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// exampleRun: `lambench load sleep --rate 50 --duration 10s` on the local
// target: 500 requests, 3 cold starts, a function error, throttling from
// the 8th second.
func exampleRun(t testing.TB) *Run {
	a := simulate(t, 1, t0, stepSpec{memoryMB: 128, rate: 50, seconds: 10, duration: 55 * time.Millisecond,
		spread: 0.08, cold: 3, throttleAfter: 8, errors: 1})
	r := &Run{Name: "sleep", Target: "local", Function: "sleep", Plan: "constant 50/s for 10s",
		Architecture: stats.X86_64, Start: t0, End: t0.Add(10*time.Second + 300*time.Millisecond)}
	r.Steps = []Step{mustStep(t, 0, a)}
	r.CheckThresholds(mustThresholds(t, "p99<800ms", "errors<0.1%", "cold_p50<300ms", "throttles<5%"))
	return r
}

// exampleSweep: `lambench load cpu --memory 128,512,1769 --rate 5
// --duration 10s`: duration falls as memory rises; each step starts cold.
func exampleSweep(t testing.TB) *Run {
	specs := []stepSpec{
		{memoryMB: 128, rate: 5, seconds: 10, duration: 820 * time.Millisecond, spread: 0.05, cold: 1},
		{memoryMB: 512, rate: 5, seconds: 10, duration: 205 * time.Millisecond, spread: 0.05, cold: 1},
		{memoryMB: 1769, rate: 5, seconds: 10, duration: 62 * time.Millisecond, spread: 0.05, cold: 1},
	}
	r := &Run{Name: "cpu sweep", Target: "local", Function: "cpu", Plan: "constant 5/s for 10s",
		Architecture: stats.X86_64, Start: t0}
	start := t0
	for i, sp := range specs {
		a := simulate(t, uint64(10+i), start.Add(2*time.Second), sp)
		r.Steps = append(r.Steps, mustStep(t, sp.memoryMB, a))
		start = start.Add(15 * time.Second)
	}
	r.End = start
	r.CheckThresholds(mustThresholds(t, "p99<800ms", "errors<1%"))
	if err := r.Recommend(stats.StrategyBalanced); err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func render(t *testing.T, f func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTextGolden(t *testing.T) {
	for name, r := range map[string]*Run{"run": exampleRun(t), "sweep": exampleSweep(t)} {
		out := render(t, func(w io.Writer) error { return WriteText(w, r, TextOptions{}) })
		golden(t, name+".txt", out)
		for i, l := range strings.Split(string(out), "\n") {
			if n := utf8.RuneCountInString(l); n > textWidth {
				t.Errorf("%s line %d is %d columns wide: %q", name, i+1, n, l)
			}
		}
		if bytes.Contains(out, []byte("\x1b[")) {
			t.Errorf("%s: colour codes without Color", name)
		}
	}
	coloured := render(t, func(w io.Writer) error { return WriteText(w, exampleRun(t), TextOptions{Color: true}) })
	if !bytes.Contains(coloured, []byte("\x1b[1;31mFAIL\x1b[0m")) {
		t.Error("no red FAIL with Color")
	}
}

func TestMarkdownGolden(t *testing.T) {
	golden(t, "run.md", render(t, func(w io.Writer) error { return WriteMarkdown(w, exampleRun(t)) }))
	golden(t, "sweep.md", render(t, func(w io.Writer) error { return WriteMarkdown(w, exampleSweep(t)) }))
}

func TestTextContent(t *testing.T) {
	out := string(render(t, func(w io.Writer) error { return WriteText(w, exampleRun(t), TextOptions{}) }))
	for _, want := range []string{
		"500 sent", "cold 3 (0.60%)", "throttles", "ReservedFunctionConcurrentInvocationLimitExceeded",
		"Runtime.ExitError 1", "Latency", "warm", "cold", "init", "billed", "per 1M",
		"FAIL  errors<0.1%", "over the limit", "pass  p99<800ms", "throttling began 8s after the start",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	// The scaling curve: the throttles of the last two seconds, and no row
	// for the second after the last request, in which nothing was sent.
	if !regexp.MustCompile(`(?m)^  8s-9s +50/s +5 +0 +18 +0 `).MatchString(out) || strings.Contains(out, "10s-11s") {
		t.Errorf("no scaling curve, or a wrong one:\n%s", out)
	}
	sweep := string(render(t, func(w io.Writer) error { return WriteText(w, exampleSweep(t), TextOptions{}) }))
	for _, want := range []string{"Memory sweep: 3 sizes", "> 1769 MB", "Recommendation (balanced):", "-- 1769 MB", "FAIL  128 MB   p99<800ms"} {
		if !strings.Contains(sweep, want) {
			t.Errorf("sweep report lacks %q:\n%s", want, sweep)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for name, r := range map[string]*Run{"run": exampleRun(t), "sweep": exampleSweep(t)} {
		first := render(t, func(w io.Writer) error { return WriteJSON(w, r) })
		back, err := ReadJSON(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		second := render(t, func(w io.Writer) error { return WriteJSON(w, back) })
		if !bytes.Equal(first, second) {
			t.Errorf("%s: JSON differs after a round trip:\n%s\n---\n%s", name, first, second)
		}
		// The figures survive, percentiles included (from the histograms).
		for i := range r.Steps {
			a, b := r.Steps[i].Summary, back.Steps[i].Summary
			if a.Requests != b.Requests || a.ColdStarts != b.ColdStarts || a.Throttles != b.Throttles || a.MaxInFlight != b.MaxInFlight {
				t.Errorf("%s step %d: counts differ", name, i)
			}
			for _, p := range []float64{50, 90, 99, 99.9, 37.5} {
				if d := a.Latency.Percentile(p) - b.Latency.Percentile(p); d < -time.Microsecond || d > time.Microsecond {
					t.Errorf("%s step %d: p%v %v vs %v", name, i, p, a.Latency.Percentile(p), b.Latency.Percentile(p))
				}
			}
			if len(back.Steps[i].Timeline) != len(r.Steps[i].Timeline) {
				t.Errorf("%s step %d: timeline %d points, want %d", name, i, len(back.Steps[i].Timeline), len(r.Steps[i].Timeline))
			}
		}
		if len(back.Thresholds) != len(r.Thresholds) || back.ThresholdsPassed() != r.ThresholdsPassed() {
			t.Errorf("%s: thresholds differ", name)
		}
		// Renderers give the same output from the report read back.
		a := render(t, func(w io.Writer) error { return WriteText(w, r, TextOptions{}) })
		b := render(t, func(w io.Writer) error { return WriteText(w, back, TextOptions{}) })
		if !bytes.Equal(a, b) {
			t.Errorf("%s: text report differs when rendered from JSON:\n%s\n---\n%s", name, a, b)
		}
	}
}

// TestJSONSchema checks the keys the schema promises.
func TestJSONSchema(t *testing.T) {
	var doc map[string]any
	raw := render(t, func(w io.Writer) error { return WriteJSON(w, exampleSweep(t)) })
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "name", "target", "function", "plan", "start", "end", "requests", "success_ratio",
		"throttles", "cold_starts", "latency_ms", "warm_latency_ms", "cold_latency_ms", "init_ms", "duration_ms",
		"billed_ms", "billed_ms_avg", "steps", "thresholds", "timeline", "recommendation", "throttle_reasons"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if doc["schema"] != SchemaVersion {
		t.Errorf("schema %v", doc["schema"])
	}
	lat := doc["latency_ms"].(map[string]any)
	for _, k := range []string{"p50", "p90", "p99", "max", "histogram"} {
		if _, ok := lat[k]; !ok {
			t.Errorf("latency_ms has no %q", k)
		}
	}
	steps := doc["steps"].([]any)
	if len(steps) != 3 {
		t.Fatalf("%d steps", len(steps))
	}
	step := steps[1].(map[string]any)
	for _, k := range []string{"memory_mb", "requests", "success_ratio", "throttles", "cold_starts", "latency_ms",
		"warm_latency_ms", "cold_latency_ms", "init_ms", "billed_ms_avg", "cost_per_1m_usd"} {
		if _, ok := step[k]; !ok {
			t.Errorf("step has no %q", k)
		}
	}
	if step["memory_mb"].(float64) != 512 || step["warm_latency_ms"] == nil {
		t.Errorf("step: %v", step["memory_mb"])
	}
	if rec := doc["recommendation"].(map[string]any); rec["memory_mb"].(float64) == 0 {
		t.Error("no recommended memory size")
	}
	// An empty distribution is null.
	var single map[string]any
	_ = json.Unmarshal(render(t, func(w io.Writer) error { return WriteJSON(w, exampleRun(t)) }), &single)
	if single["recommendation"] != nil {
		t.Error("a plain run has a recommendation")
	}
}

func TestReadJSONErrors(t *testing.T) {
	if _, err := ReadJSON(strings.NewReader(`{"schema": "something/else"}`)); err == nil || !strings.Contains(err.Error(), "lambench report") {
		t.Errorf("foreign schema: %v", err)
	}
	if _, err := ReadJSON(strings.NewReader(`{`)); err == nil {
		t.Error("truncated JSON accepted")
	}
	// A hand-written report without histograms still reads, with its
	// stored percentiles.
	doc := `{"schema": "lambench/report/v1", "steps": [{"memory_mb": 256, "requests": 10, "ok": 10,
		"latency_ms": {"count": 10, "min": 10, "mean": 20, "p50": 19, "p90": 30, "p95": 31, "p99": 35, "p999": 35, "max": 35}}]}`
	r, err := ReadJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Steps[0].Summary.Latency.Percentile(90); got != 30*time.Millisecond {
		t.Errorf("p90 %v", got)
	}
}

// TestHTMLWellFormed parses report.html as XML and counts its charts.
func TestHTMLWellFormed(t *testing.T) {
	for name, r := range map[string]*Run{"run": exampleRun(t), "sweep": exampleSweep(t), "empty": {Name: "empty"}} {
		out := render(t, func(w io.Writer) error { return WriteHTML(w, r) })
		if *update && name != "empty" {
			_ = os.WriteFile(filepath.Join(os.TempDir(), "lambench-"+name+".html"), out, 0o644)
		}
		s := string(out)
		if !strings.HasPrefix(s, "<!DOCTYPE html>\n") {
			t.Fatalf("%s: no doctype", name)
		}
		for _, banned := range []string{"<script", "http://", "https://", "@import", "url("} {
			if strings.Contains(strings.ReplaceAll(s, `xmlns="http://www.w3.org/2000/svg"`, ""), banned) {
				t.Errorf("%s: report.html refers to the network or runs a script (%q)", name, banned)
			}
		}
		dec := xml.NewDecoder(strings.NewReader(strings.TrimPrefix(s, "<!DOCTYPE html>\n")))
		dec.Strict = true
		svgs, polylines, rects := 0, 0, 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed: %v", name, err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch se.Name.Local {
				case "svg":
					svgs++
				case "polyline":
					polylines++
				case "rect":
					rects++
				}
			}
		}
		want := 4
		if r.IsSweep() {
			want = 6
		}
		if svgs != want {
			t.Errorf("%s: %d charts, want %d", name, svgs, want)
		}
		if name != "empty" && (polylines < 4 || rects < 20) {
			t.Errorf("%s: %d lines and %d bars: charts look empty", name, polylines, rects)
		}
	}
}

func TestTotalMergesSteps(t *testing.T) {
	r := exampleSweep(t)
	total := r.Total()
	var n int64
	for _, s := range r.Steps {
		n += s.Summary.Requests
	}
	if total.Requests != n || total.MemorySizeMB != 0 || total.ColdStarts != 3 {
		t.Errorf("total %d requests, memory %d, cold %d", total.Requests, total.MemorySizeMB, total.ColdStarts)
	}
	if math.Abs(r.TotalCost()-(r.Steps[0].Cost.Total+r.Steps[1].Cost.Total+r.Steps[2].Cost.Total)) > 1e-15 {
		t.Error("total cost")
	}
}
