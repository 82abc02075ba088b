package schedule

import (
	"testing"
	"time"
)

// sparse lists expressions that fire rarely or never, the cases where a
// minute-by-minute search would take millions of steps.
var sparse = []struct{ name, expr string }{
	{"leap-day", "cron(0 0 29 2 ? *)"},
	{"fifth-sunday-of-february", "cron(0 0 ? 2 1#5 *)"},
	{"last-year", "cron(59 23 31 12 ? 2199)"},
	{"never", "cron(0 0 30 2 ? *)"},
	{"nearest-weekday", "cron(0 0 31W * ? *)"},
	{"every-minute", "cron(* * * * ? *)"},
	{"rate", "rate(7 days)"},
}

func BenchmarkNext(b *testing.B) {
	after := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, bm := range sparse {
		s := mustParse(b, bm.expr)
		s.Start = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Next(after)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("cron(0/5 8-17 ? * MON-FRI 2025-2030)")
	}
}

// TestNextSparseIsCheap guards against a minute-by-minute search: Next on
// schedules that are years apart, or never fire, must not allocate and
// must finish in well under the time such a search would take.
func TestNextSparseIsCheap(t *testing.T) {
	after := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, bm := range sparse {
		s := mustParse(t, bm.expr)
		if allocs := testing.AllocsPerRun(10, func() { s.Next(after) }); allocs != 0 {
			t.Errorf("%s: Next allocates %v times", bm.expr, allocs)
		}
	}
	// A minute-by-minute search from 2027 to 2199 is 90 million steps; a
	// search by month is under 2,100. Allow a generous second, even under
	// the race detector, for 100 calls.
	s := mustParse(t, "cron(0 0 30 2 ? *)")
	start := time.Now()
	for range 100 {
		if _, ok := s.Next(after); ok {
			t.Fatal("cron(0 0 30 2 ? *) fired")
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("100 calls of Next on a schedule that never fires took %v", d)
	}
}
