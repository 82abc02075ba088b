package schedule

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // for America/New_York on machines without a zone database
)

// utc parses a "2006-01-02T15:04:05" or "2006-01-02T15:04" UTC time.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	layout := "2006-01-02T15:04:05"
	if len(s) == len("2006-01-02T15:04") {
		layout = "2006-01-02T15:04"
	}
	v, err := time.Parse(layout, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustParse(t testing.TB, expr string) Schedule {
	t.Helper()
	s, err := Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fires returns the first n fire times of s after after, stopping early
// with "none" when there are no more.
func fires(s Schedule, after time.Time, n int) []string {
	var out []string
	for range n {
		next, ok := s.Next(after)
		if !ok {
			return append(out, "none")
		}
		if next.Location() != time.UTC {
			return append(out, "not UTC: "+next.String())
		}
		if !next.After(after) {
			return append(out, "not after: "+next.String())
		}
		out = append(out, next.Format("2006-01-02T15:04:05"))
		after = next
	}
	return out
}

// Every expected time below was worked out by hand from a calendar.
func TestNextCron(t *testing.T) {
	tests := []struct {
		expr, after string
		want        []string
	}{
		// Plain times, and strictly after.
		{"cron(0 12 * * ? *)", "2027-01-01T00:00", []string{"2027-01-01T12:00:00", "2027-01-02T12:00:00", "2027-01-03T12:00:00"}},
		{"cron(0 12 * * ? *)", "2027-01-01T12:00", []string{"2027-01-02T12:00:00"}},
		{"cron(0 12 * * ? *)", "2027-01-01T11:59:59.999999999", []string{"2027-01-01T12:00:00"}},
		{"cron(* * * * ? *)", "2027-01-01T12:00:30", []string{"2027-01-01T12:01:00", "2027-01-01T12:02:00"}},
		{"cron(* * * * ? *)", "2026-12-31T23:59", []string{"2027-01-01T00:00:00"}},
		{"cron(0/15 * * * ? *)", "2027-01-01T10:50", []string{"2027-01-01T11:00:00", "2027-01-01T11:15:00", "2027-01-01T11:30:00"}},
		{"cron(5/20 * * * ? *)", "2027-01-01T10:46", []string{"2027-01-01T11:05:00", "2027-01-01T11:25:00", "2027-01-01T11:45:00", "2027-01-01T12:05:00"}},
		{"cron(50-5/5 * * * ? *)", "2027-01-01T10:44", []string{"2027-01-01T10:50:00", "2027-01-01T10:55:00", "2027-01-01T11:00:00", "2027-01-01T11:05:00", "2027-01-01T11:50:00"}},
		// Minutes run out in the current hour: the next listed hour.
		{"cron(0,30 9,10 * * ? *)", "2027-01-01T09:31", []string{"2027-01-01T10:00:00", "2027-01-01T10:30:00", "2027-01-02T09:00:00"}},
		{"cron(30 9,17 * * ? *)", "2027-01-01T17:30", []string{"2027-01-02T09:30:00", "2027-01-02T17:30:00"}},
		{"cron(0 22-1 * * ? *)", "2027-01-01T01:30", []string{"2027-01-01T22:00:00", "2027-01-01T23:00:00", "2027-01-02T00:00:00", "2027-01-02T01:00:00", "2027-01-02T22:00:00"}},
		// 1 January 2027 is a Friday.
		{"cron(0 18 ? * MON-FRI *)", "2027-01-01T18:00", []string{"2027-01-04T18:00:00", "2027-01-05T18:00:00"}},
		{"cron(0 0 ? * FRI-MON *)", "2027-01-01T00:00", []string{"2027-01-02T00:00:00", "2027-01-03T00:00:00", "2027-01-04T00:00:00", "2027-01-08T00:00:00"}},
		{"cron(0 0 ? * 1,7 *)", "2027-01-01T00:00", []string{"2027-01-02T00:00:00", "2027-01-03T00:00:00", "2027-01-09T00:00:00"}},
		{"cron(0 0 ? * L *)", "2027-01-01T00:00", []string{"2027-01-02T00:00:00", "2027-01-09T00:00:00"}},
		// Months, wrapping ranges and steps.
		{"cron(0 0 1 NOV-FEB ? *)", "2027-02-01T00:00", []string{"2027-11-01T00:00:00", "2027-12-01T00:00:00", "2028-01-01T00:00:00", "2028-02-01T00:00:00", "2028-11-01T00:00:00"}},
		{"cron(0 0 1 */5 ? *)", "2027-01-01T00:00", []string{"2027-06-01T00:00:00", "2027-11-01T00:00:00", "2028-01-01T00:00:00"}},
		{"cron(0 0 31 * ? *)", "2027-01-31T00:00", []string{"2027-03-31T00:00:00", "2027-05-31T00:00:00", "2027-07-31T00:00:00", "2027-08-31T00:00:00"}},
		{"cron(0 0 28-2 * ? *)", "2027-02-27T00:00", []string{"2027-02-28T00:00:00", "2027-03-01T00:00:00", "2027-03-02T00:00:00", "2027-03-28T00:00:00"}},
		// Leap years: 2100 is not one, 2000 was.
		{"cron(0 0 29 2 ? *)", "2027-01-01T00:00", []string{"2028-02-29T00:00:00", "2032-02-29T00:00:00"}},
		{"cron(0 0 29 2 ? *)", "2096-03-01T00:00", []string{"2104-02-29T00:00:00"}},
		{"cron(0 0 29 2 ? *)", "1999-01-01T00:00", []string{"2000-02-29T00:00:00", "2004-02-29T00:00:00"}},
		{"cron(0 0 30 2 ? *)", "2027-01-01T00:00", []string{"none"}},
		// L: the last day of the month.
		{"cron(0 0 L * ? *)", "2028-01-31T00:00", []string{"2028-02-29T00:00:00", "2028-03-31T00:00:00", "2028-04-30T00:00:00"}},
		{"cron(0 0 L 2 ? *)", "2027-01-01T00:00", []string{"2027-02-28T00:00:00", "2028-02-29T00:00:00", "2029-02-28T00:00:00"}},
		{"cron(0 0 L 2 ? 2100)", "2027-01-01T00:00", []string{"2100-02-28T00:00:00", "none"}},
		{"cron(59 23 L 12 ? *)", "2027-12-31T23:58", []string{"2027-12-31T23:59:00", "2028-12-31T23:59:00"}},
		// LW: the last weekday. 31 Jan 2027 and 28 Feb 2027 are Sundays, 30 Apr
		// 2028 is a Sunday, 28 Feb 2100 is a Sunday, 31 Oct 2027 is a Sunday.
		{"cron(0 0 LW * ? *)", "2027-01-01T00:00", []string{"2027-01-29T00:00:00", "2027-02-26T00:00:00", "2027-03-31T00:00:00", "2027-04-30T00:00:00"}},
		{"cron(0 0 LW 4 ? 2028)", "2027-01-01T00:00", []string{"2028-04-28T00:00:00", "none"}},
		{"cron(0 0 LW 2 ? 2100)", "2027-01-01T00:00", []string{"2100-02-26T00:00:00"}},
		{"cron(0 0 LW 10 ? 2027)", "2027-01-01T00:00", []string{"2027-10-29T00:00:00"}},
		// W at month boundaries. 1 May 2027 is a Saturday: 1W is Monday the
		// 3rd, not Friday 30 April. 1 Aug 2027 is a Sunday: Monday the 2nd.
		{"cron(0 0 1W 5 ? 2027)", "2027-01-01T00:00", []string{"2027-05-03T00:00:00", "none"}},
		{"cron(0 0 1W 8 ? 2027)", "2027-01-01T00:00", []string{"2027-08-02T00:00:00"}},
		// 1 Apr 2028 is a Saturday and 30 Apr 2028 a Sunday: 30W is Friday the
		// 28th, not Monday 1 May.
		{"cron(0 0 1W 4 ? 2028)", "2027-01-01T00:00", []string{"2028-04-03T00:00:00"}},
		{"cron(0 0 30W 4 ? 2028)", "2027-01-01T00:00", []string{"2028-04-28T00:00:00"}},
		// 31 Jan 2027 is a Sunday: Friday the 29th. 31 Jul 2027 is a Saturday:
		// Friday the 30th. Months without a 31st are skipped.
		{"cron(0 0 31W * ? 2027)", "2027-01-01T00:00", []string{"2027-01-29T00:00:00", "2027-03-31T00:00:00", "2027-05-31T00:00:00", "2027-07-30T00:00:00", "2027-08-31T00:00:00", "2027-10-29T00:00:00", "2027-12-31T00:00:00", "none"}},
		// 15 May 2027 is a Saturday: Friday the 14th; 15 Aug 2027 a Sunday:
		// Monday the 16th.
		{"cron(0 9 15W 5,8 ? 2027)", "2027-01-01T00:00", []string{"2027-05-14T09:00:00", "2027-08-16T09:00:00", "none"}},
		{"cron(0 9 15W * ? 2027)", "2027-05-14T09:00", []string{"2027-06-15T09:00:00"}},
		// 30W in February does not exist: skipped, not moved.
		{"cron(0 0 30W * ? 2027)", "2027-01-31T00:00", []string{"2027-03-30T00:00:00"}},
		// # : the nth weekday. Tuesdays of January 2027 are the 5th and 12th.
		{"cron(0 9 ? * 3#2 *)", "2027-01-01T00:00", []string{"2027-01-12T09:00:00", "2027-02-09T09:00:00", "2027-03-09T09:00:00"}},
		{"cron(0 9 ? * TUE#2 *)", "2027-01-12T09:00", []string{"2027-02-09T09:00:00"}},
		{"cron(0 9 ? * 2#1 *)", "2027-01-01T00:00", []string{"2027-01-04T09:00:00", "2027-02-01T09:00:00", "2027-03-01T09:00:00"}},
		// A fifth Monday exists only in some months: March, May, August and
		// November of 2027.
		{"cron(0 0 ? * 2#5 2027)", "2027-01-01T00:00", []string{"2027-03-29T00:00:00", "2027-05-31T00:00:00", "2027-08-30T00:00:00", "2027-11-29T00:00:00", "none"}},
		// A fifth Sunday in February needs a leap year starting on a Sunday:
		// 2032 is the next one.
		{"cron(0 0 ? 2 1#5 *)", "2027-01-01T00:00", []string{"2032-02-29T00:00:00"}},
		// nL: the last given weekday.
		{"cron(0 0 ? * 5L 2027)", "2027-01-01T00:00", []string{"2027-01-28T00:00:00", "2027-02-25T00:00:00", "2027-03-25T00:00:00"}},
		{"cron(15 10 ? * 6L 2027)", "2027-03-26T10:15", []string{"2027-04-30T10:15:00", "2027-05-28T10:15:00"}},
		{"cron(0 0 ? * 1L 2027)", "2027-10-01T00:00", []string{"2027-10-31T00:00:00", "2027-11-28T00:00:00"}},
		// Years.
		{"cron(0 0 1 1 ? 2030-2031)", "2027-01-01T00:00", []string{"2030-01-01T00:00:00", "2031-01-01T00:00:00", "none"}},
		{"cron(0 0 1 1 ? 2000/50)", "2027-01-01T00:00", []string{"2050-01-01T00:00:00", "2100-01-01T00:00:00", "2150-01-01T00:00:00", "none"}},
		{"cron(0 0 1 1 ? 2020)", "2027-01-01T00:00", []string{"none"}},
		{"cron(59 23 31 12 ? 2199)", "2199-12-31T23:58", []string{"2199-12-31T23:59:00", "none"}},
		{"cron(* * * * ? *)", "2199-12-31T23:59", []string{"none"}},
		{"cron(* * * * ? *)", "2500-01-01T00:00", []string{"none"}},
		{"cron(* * * * ? *)", "1900-06-15T10:00", []string{"1970-01-01T00:00:00", "1970-01-01T00:01:00"}},
		{"cron(0 0 1 1 ? 1970)", "1969-12-31T23:59:59", []string{"1970-01-01T00:00:00", "none"}},
	}
	for _, tt := range tests {
		s := mustParse(t, tt.expr)
		got := fires(s, utc(t, tt.after), len(tt.want))
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s after %s:\n got %v\nwant %v", tt.expr, tt.after, got, tt.want)
		}
	}
}

func TestNextNonUTC(t *testing.T) {
	// 10:10 in India (+05:30) is 04:40 UTC; the next whole UTC hour is 05:00,
	// which India calls 10:30.
	india := time.FixedZone("IST", 5*3600+1800)
	after := time.Date(2027, 3, 14, 10, 10, 0, 0, india)
	s := mustParse(t, "cron(0 * * * ? *)")
	got, ok := s.Next(after)
	want := utc(t, "2027-03-14T05:00")
	if !ok || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Next(%v) = %v, %v; want %v", after, got, ok, want)
	}

	// 23:30 on Monday 4 January 2027 at UTC-5 is already Tuesday in UTC, so
	// a Monday schedule's next run is the following Monday.
	ny := time.FixedZone("EST", -5*3600)
	after = time.Date(2027, 1, 4, 23, 30, 0, 0, ny)
	s = mustParse(t, "cron(0 12 ? * MON *)")
	if got, _ := s.Next(after); !got.Equal(utc(t, "2027-01-11T12:00")) {
		t.Errorf("Next(%v) = %v, want 2027-01-11T12:00Z", after, got)
	}

	// Daylight saving time does not move UTC schedules: across the US
	// change on 14 March 2027 the runs stay 24 hours apart.
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	{
		s = mustParse(t, "cron(0 12 * * ? *)")
		after = time.Date(2027, 3, 13, 12, 0, 0, 0, loc)
		got := fires(s, after, 3)
		want := []string{"2027-03-14T12:00:00", "2027-03-15T12:00:00", "2027-03-16T12:00:00"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("across DST: got %v, want %v", got, want)
		}
	}
}

func TestNextCronStart(t *testing.T) {
	s := mustParse(t, "cron(0 12 * * ? *)")
	s.Start = utc(t, "2027-06-01T12:00")
	if got := fires(s, utc(t, "2027-01-01T00:00"), 2); strings.Join(got, " ") != "2027-06-01T12:00:00 2027-06-02T12:00:00" {
		t.Errorf("Start on a fire time: got %v", got)
	}
	s.Start = utc(t, "2027-06-01T12:00:01")
	if got := fires(s, utc(t, "2027-01-01T00:00"), 1); got[0] != "2027-06-02T12:00:00" {
		t.Errorf("Start just after a fire time: got %v", got)
	}
	// after later than Start: Start does not matter.
	if got := fires(s, utc(t, "2028-01-01T00:00"), 1); got[0] != "2028-01-01T12:00:00" {
		t.Errorf("after past Start: got %v", got)
	}
}

func TestNextRate(t *testing.T) {
	s := mustParse(t, "rate(5 minutes)")
	s.Start = utc(t, "2027-01-01T10:02:30")
	tests := []struct{ after, want string }{
		{"2026-01-01T00:00:00", "2027-01-01T10:02:30"}, // before Start: Start is the first run
		{"2027-01-01T10:02:29", "2027-01-01T10:02:30"},
		{"2027-01-01T10:02:30", "2027-01-01T10:07:30"}, // strictly after
		{"2027-01-01T10:07:29", "2027-01-01T10:07:30"},
		{"2027-01-01T10:07:30", "2027-01-01T10:12:30"},
		{"2027-01-02T10:02:31", "2027-01-02T10:07:30"},
		{"2400-01-01T00:00:00", "2400-01-01T00:02:30"}, // 373 years on: beyond time.Duration
	}
	for _, tt := range tests {
		got, ok := s.Next(utc(t, tt.after))
		if !ok || !got.Equal(utc(t, tt.want)) || got.Location() != time.UTC {
			t.Errorf("rate(5 minutes) from 10:02:30, Next(%s) = %v, %v; want %s", tt.after, got, ok, tt.want)
		}
	}

	// Start keeps its fraction of a second and its run times are UTC.
	s = mustParse(t, "rate(1 hour)")
	s.Start = time.Date(2027, 1, 1, 10, 0, 0, 250, time.FixedZone("X", 3600))
	got, _ := s.Next(time.Date(2027, 1, 1, 9, 0, 0, 250, time.UTC))
	if want := time.Date(2027, 1, 1, 10, 0, 0, 250, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Next = %v, want %v", got, want)
	}
	got, _ = s.Next(time.Date(2027, 1, 1, 9, 0, 0, 249, time.UTC))
	if want := time.Date(2027, 1, 1, 9, 0, 0, 250, time.UTC); !got.Equal(want) {
		t.Errorf("Next = %v, want %v", got, want)
	}

	// Without Start: one interval after the given time.
	s = mustParse(t, "rate(1 day)")
	after := time.Date(2027, 1, 1, 10, 0, 0, 0, time.FixedZone("X", -3600))
	if got, ok := s.Next(after); !ok || !got.Equal(after.Add(24*time.Hour)) || got.Location() != time.UTC {
		t.Errorf("Next(%v) without Start = %v, %v", after, got, ok)
	}

	// At the end of representable time there is no next run.
	endOfTime := time.Unix(1<<63-1-62135596800, 999999999)
	if got, ok := s.Next(endOfTime); ok {
		t.Errorf("Next(end of time) = %v, true", got)
	}
	s.Start = utc(t, "2027-01-01T00:00")
	if got, ok := s.Next(endOfTime); ok {
		t.Errorf("Next(end of time) from Start = %v, true", got)
	}
}

func TestNextAt(t *testing.T) {
	s := mustParse(t, "at(2030-01-31T18:30:00)")
	s.Start = utc(t, "2031-01-01T00:00") // ignored by at schedules
	want := utc(t, "2030-01-31T18:30:00")
	if got, ok := s.Next(utc(t, "2027-01-01T00:00")); !ok || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Next before = %v, %v", got, ok)
	}
	if got, ok := s.Next(want.Add(-time.Nanosecond)); !ok || !got.Equal(want) {
		t.Errorf("Next just before = %v, %v", got, ok)
	}
	for _, after := range []time.Time{want, want.Add(time.Second), utc(t, "2100-01-01T00:00")} {
		if got, ok := s.Next(after); ok {
			t.Errorf("Next(%v) = %v, true; want none", after, got)
		}
	}
}

// TestNextAgainstBruteForce compares Next with a day-by-day search that
// evaluates the day rules independently, on random expressions and times.
func TestNextAgainstBruteForce(t *testing.T) {
	options := [numFields][]string{
		fMinutes:    {"0", "*", "*/15", "5/20", "10-20", "50-5", "0,30", "59"},
		fHours:      {"0", "*", "*/6", "9-17", "22-2", "12", "23"},
		fDayOfMonth: {"*", "1", "15", "L", "LW", "1W", "15W", "30W", "31W", "31", "29", "1-7", "28-3", "1/10", "30,31"},
		fMonth:      {"*", "2", "JAN-MAR", "NOV-FEB", "*/3", "FEB,APR,JUN", "12"},
		fDayOfWeek:  {"*", "MON-FRI", "FRI-MON", "1", "L", "6L", "1L", "2#1", "2#5", "7#5", "SUN,SAT", "3#2", "1#5"},
		fYear:       {"*", "2027", "2025-2030", "2028/4", "2020,2024,2100"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(f int) string { return options[f][rng.IntN(len(options[f]))] }
	n := 2000
	if testing.Short() {
		n = 200
	}
	found := 0
	for range n {
		f := make([]string, numFields)
		for i := range f {
			f[i] = pick(i)
		}
		if rng.IntN(2) == 0 {
			f[fDayOfWeek] = "?"
		} else {
			f[fDayOfMonth] = "?"
		}
		expr := "cron(" + strings.Join(f, " ") + ")"
		s := mustParse(t, expr)
		after := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(6 * 365 * 24 * time.Hour))))
		horizon := after.AddDate(3, 0, 0)
		want, wantOK := bruteNext(&s.cron, after, horizon)
		if wantOK {
			found++
		}
		got, gotOK := s.Next(after)
		switch {
		case wantOK && (!gotOK || !got.Equal(want)):
			t.Errorf("%s Next(%v) = %v, %v; want %v", expr, after, got, gotOK, want)
		case !wantOK && gotOK && got.Before(horizon):
			t.Errorf("%s Next(%v) = %v; want nothing before %v", expr, after, got, horizon)
		case gotOK && !bruteMatch(&s.cron, got):
			t.Errorf("%s Next(%v) = %v, which does not match", expr, after, got)
		}
	}
	if found < n/2 {
		t.Errorf("only %d of %d random schedules fired within the horizon; the test is too weak", found, n)
	}
}

// bruteNext returns the first matching minute after after and before
// horizon, scanning day by day and minute by minute.
func bruteNext(c *cronSpec, after, horizon time.Time) (time.Time, bool) {
	t := after.UTC().Truncate(time.Minute).Add(time.Minute)
	for t.Before(horizon) {
		if !bruteMatchDay(c, t) {
			y, m, d := t.Date()
			t = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if bruteMatch(c, t) {
			return t, true
		}
		t = t.Add(time.Minute)
	}
	return time.Time{}, false
}

// bruteMatch reports whether the minute t matches c.
func bruteMatch(c *cronSpec, t time.Time) bool {
	return t.Second() == 0 && t.Nanosecond() == 0 && t.Location() == time.UTC &&
		c.minutes&(1<<t.Minute()) != 0 && c.hours&(1<<t.Hour()) != 0 && bruteMatchDay(c, t)
}

// bruteMatchDay reports whether t's day matches c's year, month and day
// rules, written out plainly rather than as day masks.
func bruteMatchDay(c *cronSpec, t time.Time) bool {
	y, m, d := t.Date()
	if y < minYear || y > maxYear || !c.years.has(y-minYear) || c.months&(1<<m) == 0 {
		return false
	}
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	wd := func(day int) time.Weekday { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC).Weekday() }
	isWeekday := func(day int) bool {
		return day >= 1 && day <= last && wd(day) != time.Saturday && wd(day) != time.Sunday
	}
	switch c.days {
	case daysOfMonth:
		return c.daySet&(1<<d) != 0
	case lastDay:
		return d == last
	case lastWeekday:
		if !isWeekday(d) {
			return false
		}
		for later := d + 1; later <= last; later++ {
			if isWeekday(later) {
				return false
			}
		}
		return true
	case nearestWeekday:
		if c.n > last {
			return false
		}
		for dist := 0; dist <= 2; dist++ {
			for _, cand := range []int{c.n - dist, c.n + dist} {
				if isWeekday(cand) {
					return d == cand
				}
			}
		}
		return false
	case daysOfWeek:
		return c.daySet&(1<<(int(wd(d))+1)) != 0
	case lastOfWeekday:
		return int(wd(d))+1 == c.n && d+7 > last
	case nthWeekday:
		return int(wd(d))+1 == c.n && (d-1)/7+1 == c.k
	}
	return false
}
