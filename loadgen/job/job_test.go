package job

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/internal/testlocal"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/loadgen"
	"github.com/lambench/lambench/loadgen/report"
	"github.com/lambench/lambench/loadgen/stats"
	"github.com/lambench/lambench/loadgen/sweep"
)

var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// startClient runs the local Lambda in a process of its own and returns a
// Lambda API client of it.
func startClient(t *testing.T) invoke.Client { return testlocal.Serve(t, lambenchBin) }

func TestRunPlainWritesReports(t *testing.T) {
	c := startClient(t)
	fn, err := c.Function(context.Background(), "sleep")
	if err != nil {
		t.Fatal(err)
	}
	th, err := stats.ParseThresholds([]string{"errors<1%", "p50<1ms"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	var mu sync.Mutex
	var steps, samples, progress int
	out, err := Run(context.Background(), Spec{
		Client: c, Function: fn, Plan: loadgen.Closed(2, 0, 20), Source: events.Fixed(`{"ms":5}`), SourceName: "ms 5",
		Thresholds: th, Prices: stats.DefaultPrices(), ReportDir: dir,
	}, Hooks{
		Step:     func(step, n, mem int) { mu.Lock(); steps++; mu.Unlock() },
		Sample:   func(*stats.Sample) { mu.Lock(); samples++; mu.Unlock() },
		Progress: func(loadgen.Progress) { mu.Lock(); progress++; mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	s := out.Run.Total()
	if s.Requests != 20 || s.OK != 20 || s.ColdStarts+s.WarmStarts != 20 || s.ColdStarts == 0 {
		t.Errorf("%d requests, %d ok, %d cold, %d warm", s.Requests, s.OK, s.ColdStarts, s.WarmStarts)
	}
	if steps != 1 || samples != 20 || progress == 0 {
		t.Errorf("hooks: %d steps, %d samples, %d progress reports", steps, samples, progress)
	}
	// A 5 ms function cannot answer within 1 ms: that threshold fails.
	if out.Passed || len(out.Run.Thresholds) != 2 || out.Run.Thresholds[0].Pass != true || out.Run.Thresholds[1].Pass {
		t.Errorf("thresholds: passed %v, %+v", out.Passed, out.Run.Thresholds)
	}
	if !strings.HasSuffix(out.Run.Plan, " · ms 5") || out.Run.Function != "sleep" || out.Run.Name != "sleep" {
		t.Errorf("plan %q", out.Run.Plan)
	}
	for _, name := range []string{"report.json", "report.md", "report.html", "results.bin"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	back, err := report.ReadJSON(mustOpen(t, filepath.Join(dir, "report.json")))
	if err != nil || back.Total().Requests != 20 {
		t.Errorf("report.json: %v", err)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A cold-only sweep: every sample cold, a step per size, the memory size
// restored, a recommendation.
func TestRunColdOnlySweepRestores(t *testing.T) {
	c := startClient(t)
	ctx := context.Background()
	fn, err := c.Function(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	j := &sweep.Journal{Dir: t.TempDir()}
	var notes []string
	out, err := Run(ctx, Spec{
		Client: c, Function: fn, Plan: loadgen.Closed(1, 0, 3), Source: events.Fixed(`{}`),
		Memory: []int{128, 512}, ColdOnly: true, Journal: j, Prices: stats.DefaultPrices(), Strategy: stats.StrategyCost,
	}, Hooks{Note: func(s string) { notes = append(notes, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if out.Err != nil {
		t.Fatal(out.Err)
	}
	if len(out.Run.Steps) != 2 {
		t.Fatalf("%d steps", len(out.Run.Steps))
	}
	for _, st := range out.Run.Steps {
		if st.Summary.Requests != 3 || st.Summary.ColdStarts != 3 {
			t.Errorf("%d MB: %d requests, %d cold", st.MemoryMB, st.Summary.Requests, st.Summary.ColdStarts)
		}
	}
	if out.Run.Recommendation == nil {
		t.Error("no recommendation")
	}
	after, err := c.Function(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	if after.MemoryMB != fn.MemoryMB {
		t.Errorf("memory %d MB after the sweep, was %d", after.MemoryMB, fn.MemoryMB)
	}
	if pending, err := j.Pending(); err != nil || len(pending) != 0 {
		t.Errorf("journal: %v %v", pending, err)
	}
	if len(notes) == 0 {
		t.Error("no notes")
	}
}

// A cancelled run returns what it measured, with the context's error, and
// the function restored.
func TestRunCancelledSweep(t *testing.T) {
	c := startClient(t)
	fn, err := c.Function(context.Background(), "sleep")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, err := Run(ctx, Spec{
		Client: c, Function: fn, Plan: loadgen.Constant(20, time.Minute), Source: events.Fixed(`{"ms":1}`),
		Memory: []int{256, 512}, Prices: stats.DefaultPrices(),
	}, Hooks{Progress: func(p loadgen.Progress) {
		if p.Requests >= 10 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(out.Err, context.Canceled) || len(out.Run.Steps) != 1 || out.Run.Steps[0].Summary.Requests < 10 {
		t.Errorf("err %v, %d steps", out.Err, len(out.Run.Steps))
	}
	after, err := c.Function(context.Background(), "sleep")
	if err != nil || after.MemoryMB != fn.MemoryMB {
		t.Errorf("memory %v after a cancelled sweep, was %d (%v)", after, fn.MemoryMB, err)
	}
}

func TestValidate(t *testing.T) {
	fn := &invoke.Function{Name: "f"}
	for _, s := range []Spec{
		{Function: fn, Plan: loadgen.Constant(1, time.Second), Memory: []int{64}},
		{Function: fn},
		{Plan: loadgen.Constant(1, time.Second)},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v validated", s)
		}
	}
}
