package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParseNext checks that Parse never panics, that its errors are
// *Errors, that String round-trips, and that Next always returns a fire
// time of the schedule strictly after its argument, and for cron schedules
// within two days, the first one.
//
//	go test -fuzz FuzzParseNext ./emulator/schedule/
func FuzzParseNext(f *testing.F) {
	for _, expr := range []string{
		"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(7 days)", "rate(1 minutes)",
		"cron(0 12 * * ? *)", "cron(0/15 * * * ? *)", "cron(0 18 ? * MON-FRI *)",
		"cron(0 0 29 2 ? *)", "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)", "cron(0 0 1W * ? *)",
		"cron(0 0 31W * ? *)", "cron(0 9 ? * 3#2 *)", "cron(0 0 ? * 2#5 *)", "cron(15 10 ? * 6L 2025-2030)",
		"cron(50-10/5 22-2 28-3 NOV-FEB ? *)", "cron(0 0 ? * FRI-MON 2000/50)", "cron(0 0 ? * L *)",
		"cron(59 23 31 12 ? 2199)", "cron(0 12 * * * *)", "cron(0 0 ? * 3#1,6#3 *)", "cron(*/90 * * * ? *)",
		"at(2030-01-31T18:30:00)", "at(2027-02-29T00:00:00)", "", "cron(", "rate(", "at()",
	} {
		f.Add(expr, int64(1800000000), int64(0), false)
		f.Add(expr, int64(-5000000000), int64(1700000000), true)
	}
	f.Fuzz(func(t *testing.T, expr string, afterSec, startSec int64, hasStart bool) {
		s, err := Parse(expr)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.Expr != expr || !strings.HasPrefix(err.Error(), "schedule ") {
				t.Fatalf("Parse(%q) error %v is not a proper *Error", expr, err)
			}
			if s != (Schedule{}) {
				t.Fatalf("Parse(%q) returned a Schedule with its error", expr)
			}
			return
		}
		again, err := Parse(s.String())
		if err != nil || again != s {
			t.Fatalf("Parse(%q).String() = %q does not round-trip: %v", expr, s.String(), err)
		}

		// Times from year 1 to 9999, with a fraction of a second.
		const first, span = -62135596800, 315537897600
		after := time.Unix(first+mod(afterSec, span), mod(afterSec, 1e9))
		if hasStart {
			s.Start = time.Unix(first+mod(startSec, span), mod(startSec, 1e9))
		}
		for range 3 {
			next, ok := s.Next(after)
			if !ok {
				break
			}
			if !next.After(after) || next.Location() != time.UTC {
				t.Fatalf("%s (Start %v): Next(%v) = %v", s, s.Start, after, next)
			}
			switch s.Kind() {
			case Cron:
				if !bruteMatch(&s.cron, next) || (!s.Start.IsZero() && next.Before(s.Start)) {
					t.Fatalf("%s (Start %v): Next(%v) = %v does not match", s, s.Start, after, next)
				}
				from := after
				if !s.Start.IsZero() && from.Before(s.Start) {
					from = s.Start.Add(-time.Nanosecond)
				}
				if next.Sub(from) <= 48*time.Hour {
					if want, _ := bruteNext(&s.cron, from, next.Add(time.Minute)); !want.Equal(next) {
						t.Fatalf("%s (Start %v): Next(%v) = %v, want %v", s, s.Start, after, next, want)
					}
				}
			case Rate:
				if !s.Start.IsZero() {
					// next is Start plus a whole number of intervals (when
					// that fits a Duration), and the run before it is not
					// after after.
					since := next.Sub(s.Start)
					whole := since == 1<<63-1 || since%s.Interval() == 0
					prev := next.Add(-s.Interval())
					if since < 0 || !whole || (next.After(s.Start) && prev.After(after)) {
						t.Fatalf("%s (Start %v): Next(%v) = %v", s, s.Start, after, next)
					}
				}
			case At:
				if !next.Equal(s.at) {
					t.Fatalf("%s: Next(%v) = %v", s, after, next)
				}
			}
			after = next
		}
	})
}

// mod returns a mod m in [0, m).
func mod(a, m int64) int64 {
	r := a % m
	if r < 0 {
		r += m
	}
	return r
}
