package sweep

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/internal/testlocal"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/loadgen/stats"
)

var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// localClient serves the demo functions from an in-process local Lambda
// and returns a Lambda API client of it.
func localClient(t *testing.T) invoke.Client {
	_, c := testlocal.InProcess(t, lambenchBin, emulator.WithUpdateDelay(50*time.Millisecond))
	return c
}

// invokeOnce is a plan of one request: it records the REPORT's memory size.
func invokeOnce(c invoke.Client, fn string, sizes *[]int) func(context.Context, int, int) (*stats.Aggregator, error) {
	return func(ctx context.Context, step, mem int) (*stats.Aggregator, error) {
		agg := stats.New()
		r, err := c.Invoke(ctx, &invoke.Request{Function: fn})
		if err != nil {
			return agg, err
		}
		s := &stats.Sample{Timestamp: time.Now(), Latency: r.Latency, Code: 200}
		if r.Report != nil {
			s.Start, s.MemorySizeMB, s.Duration = stats.StartWarm, r.Report.MemorySizeMB, r.Report.Duration
			if r.Report.Cold() {
				s.Start = stats.StartCold
			}
			*sizes = append(*sizes, r.Report.MemorySizeMB)
		}
		agg.Add(s)
		return agg, nil
	}
}

func memoryOf(t *testing.T, c invoke.Client, fn string) int {
	t.Helper()
	f, err := c.Function(context.Background(), fn)
	if err != nil {
		t.Fatal(err)
	}
	return f.MemoryMB
}

func TestSweepChangesEachStepAndRestores(t *testing.T) {
	c := localClient(t)
	j := &Journal{Dir: t.TempDir()}
	var events []string
	var mems []int
	steps, err := Run(context.Background(), Options{
		Client: c, Function: "hello", MemoryMB: []int{256, 1024}, Journal: j,
		Run: func(ctx context.Context, step, mem int) (*stats.Aggregator, error) {
			if p, _ := j.Pending(); len(p) != 1 || p[0].Original.MemoryMB != 128 {
				t.Errorf("during the step, journal %+v", p)
			}
			return invokeOnce(c, "hello", &mems)(ctx, step, mem)
		},
		Event: func(s string) { events = append(events, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].MemoryMB != 256 || steps[1].Function.MemoryMB != 1024 {
		t.Errorf("steps %+v", steps)
	}
	if len(mems) != 2 || mems[0] != 256 || mems[1] != 1024 {
		t.Errorf("the functions ran at %v MB", mems)
	}
	for _, s := range steps {
		if snap := s.Agg.Snapshot(); snap.ColdStarts != 1 {
			t.Errorf("step %d MB: %d cold starts, want 1 (an update retires warm environments)", s.MemoryMB, snap.ColdStarts)
		}
	}
	if m := memoryOf(t, c, "hello"); m != 128 {
		t.Errorf("after the sweep: %d MB, want 128", m)
	}
	if p, _ := j.Pending(); len(p) != 0 {
		t.Errorf("journal after the sweep: %+v", p)
	}
	if !strings.Contains(strings.Join(events, "\n"), "restored hello to 128 MB") {
		t.Errorf("events: %q", events)
	}
}

// TestSweepRestoresOnCancelAndError: Ctrl-C in the middle of the second
// step, or a failing step, still leaves the function as it was.
func TestSweepRestoresOnCancelAndError(t *testing.T) {
	c := localClient(t)
	j := &Journal{Dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	steps, err := Run(ctx, Options{
		Client: c, Function: "sleep", MemoryMB: []int{256, 512, 1024}, Journal: j,
		Run: func(ctx context.Context, step, mem int) (*stats.Aggregator, error) {
			if step == 1 {
				cancel()
				<-ctx.Done()
				return stats.New(), ctx.Err()
			}
			return stats.New(), nil
		},
	})
	if !errors.Is(err, context.Canceled) || len(steps) != 2 {
		t.Errorf("cancelled sweep: %d steps, %v", len(steps), err)
	}
	if m := memoryOf(t, c, "sleep"); m != 128 {
		t.Errorf("after Ctrl-C: %d MB, want 128", m)
	}

	boom := errors.New("boom")
	_, err = Run(context.Background(), Options{
		Client: c, Function: "sleep", MemoryMB: []int{2048}, Journal: j,
		Run: func(ctx context.Context, step, mem int) (*stats.Aggregator, error) { return nil, boom },
	})
	if !errors.Is(err, boom) {
		t.Errorf("failing step: %v", err)
	}
	if m := memoryOf(t, c, "sleep"); m != 128 {
		t.Errorf("after a failing step: %d MB, want 128", m)
	}
	if p, _ := j.Pending(); len(p) != 0 {
		t.Errorf("journal: %+v", p)
	}
	// An invalid size fails before the plan runs, and restores.
	_, err = Run(context.Background(), Options{Client: c, Function: "sleep", MemoryMB: []int{64}, Journal: j,
		Run: func(context.Context, int, int) (*stats.Aggregator, error) { t.Error("ran at 64 MB"); return nil, nil }})
	if err == nil || !strings.Contains(err.Error(), "64 MB") {
		t.Errorf("64 MB: %v", err)
	}
}

// TestJournalRestoresAfterAKill: the journal written before the first
// change puts the function back after the process that changed it died;
// meanwhile a new sweep of it is refused.
func TestJournalRestoresAfterAKill(t *testing.T) {
	c := localClient(t)
	dir := t.TempDir()
	target := c.Target().String()
	killed := &Journal{Dir: dir}
	if err := killed.Record(Entry{Target: target, Function: "cpu", Original: Original{MemoryMB: 128, Timeout: time.Minute},
		Started: time.Now(), PID: 999999}); err != nil {
		t.Fatal(err)
	}
	mem := 1769
	if _, err := c.UpdateConfiguration(context.Background(), "cpu", invoke.ConfigUpdate{MemoryMB: &mem}); err != nil {
		t.Fatal(err)
	}
	// "lambench was killed": a new process finds the entry.
	j := &Journal{Dir: dir}
	_, err := Run(context.Background(), Options{Client: c, Function: "cpu", MemoryMB: []int{512}, Journal: j,
		Run: func(context.Context, int, int) (*stats.Aggregator, error) { t.Error("ran"); return nil, nil }})
	var pe *PendingError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "lambench restore cpu") {
		t.Fatalf("sweep with a pending restore: %v", err)
	}
	if m := memoryOf(t, c, "cpu"); m != 1769 {
		t.Errorf("the refused sweep changed the function: %d MB", m)
	}
	pending, err := j.Pending()
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending %v %v", pending, err)
	}
	if err := j.Restore(context.Background(), c, pending[0]); err != nil {
		t.Fatal(err)
	}
	if m := memoryOf(t, c, "cpu"); m != 128 {
		t.Errorf("after restore: %d MB", m)
	}
	if p, _ := j.Pending(); len(p) != 0 {
		t.Errorf("journal after restore: %+v", p)
	}

	// A restore meant for another target is refused, not misapplied.
	other := Entry{Target: "aws · prod · eu-west-1", Function: "cpu", Original: Original{MemoryMB: 256}}
	if err := j.Restore(context.Background(), c, other); err == nil || !strings.Contains(err.Error(), "is for aws · prod") {
		t.Errorf("restore to another target: %v", err)
	}
}

// TestForceColdMakesEachInvocationCold: the cold-only mode's change
// retires the warm environment, and the restore removes its variable.
func TestForceColdMakesEachInvocationCold(t *testing.T) {
	c := localClient(t)
	ctx := context.Background()
	for i := range 3 {
		if err := ForceCold(ctx, c, "hello", nil, uint64(i)); err != nil {
			t.Fatal(err)
		}
		r, err := c.Invoke(ctx, &invoke.Request{Function: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Report == nil || !r.Report.Cold() {
			t.Errorf("invocation %d after ForceCold not cold: %+v", i, r.Report)
		}
	}
	if err := restore(ctx, c, "hello", Original{MemoryMB: 128}); err != nil {
		t.Fatal(err)
	}
	f, _ := c.Function(ctx, "hello")
	if _, ok := f.Environment[ColdEnvVar]; ok {
		t.Errorf("%s left after restore: %v", ColdEnvVar, f.Environment)
	}
}
