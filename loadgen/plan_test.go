package loadgen

import (
	"math"
	"testing"
	"time"
)

// simulate counts the requests a pacer sends over d, as vegeta would
// drive it (ignoring the time requests take).
func simulate(p interface {
	Pace(time.Duration, uint64) (time.Duration, bool)
}, d time.Duration) (hits uint64, at []time.Duration) {
	var t time.Duration
	for {
		wait, stop := p.Pace(t, hits)
		if stop {
			return hits, at
		}
		t += wait
		if t > d {
			return hits, at
		}
		at = append(at, t)
		hits++
	}
}

func TestSegmentsPacer(t *testing.T) {
	cases := []struct {
		name string
		segs []Segment
		want float64
	}{
		{"constant", []Segment{{From: 50, To: 50, For: 10 * time.Second}}, 500},
		{"ramp", []Segment{{From: 0, To: 100, For: 10 * time.Second}}, 500},
		{"steps", []Segment{{From: 10, To: 10, For: 30 * time.Second}, {From: 50, To: 50, For: 30 * time.Second}}, 1800},
		{"ramp down", []Segment{{From: 100, To: 20, For: 5 * time.Second}}, 300},
	}
	for _, tc := range cases {
		p := segmentsPacer(tc.segs)
		hits, at := simulate(p, time.Hour)
		if math.Abs(float64(hits)-tc.want) > 1 {
			t.Errorf("%s: %d requests, want %v", tc.name, hits, tc.want)
		}
		if math.Abs(p.hits(Plan{Segments: tc.segs}.Total())-tc.want) > 1e-6 {
			t.Errorf("%s: hits(total) = %v", tc.name, p.hits(Plan{Segments: tc.segs}.Total()))
		}
		for i := 1; i < len(at); i++ {
			if at[i] < at[i-1] {
				t.Fatalf("%s: times go backwards", tc.name)
			}
		}
	}
	// The steps' rates hold in each step: requests in the second 30 s.
	p := segmentsPacer([]Segment{{From: 10, To: 10, For: 30 * time.Second}, {From: 50, To: 50, For: 30 * time.Second}})
	_, at := simulate(p, time.Hour)
	second := 0
	for _, a := range at {
		if a > 30*time.Second {
			second++
		}
	}
	if second < 1499 || second > 1501 {
		t.Errorf("%d requests in the 50/s step, want 1500", second)
	}
	// Behind schedule: send at once.
	if wait, _ := p.Pace(10*time.Second, 3); wait != 0 {
		t.Errorf("behind schedule waits %v", wait)
	}
}

func TestParseSteps(t *testing.T) {
	segs, err := ParseSteps("10/s for 30s, 1..100/s for 1m")
	if err != nil || len(segs) != 2 || segs[0] != (Segment{10, 10, 30 * time.Second}) || segs[1] != (Segment{1, 100, time.Minute}) {
		t.Errorf("%+v %v", segs, err)
	}
	for _, bad := range []string{"10 for 30s", "10/s", "x/s for 1s", "10/s for 0s"} {
		if _, err := ParseSteps(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestPlanValidateAndDescribe(t *testing.T) {
	if err := Constant(50, 10*time.Second).Validate(); err != nil {
		t.Error(err)
	}
	if got := Constant(50, 10*time.Second).ExpectedRequests(); got != 500 {
		t.Errorf("expected requests %d", got)
	}
	if err := (Plan{}).Validate(); err == nil {
		t.Error("an empty plan validated")
	}
	if err := Closed(4, 0, 0).Validate(); err == nil {
		t.Error("workers without a bound validated")
	}
	p := Plan{Sine: &Sine{Mean: 50, Amplitude: 20, Period: 30 * time.Second}, Duration: time.Minute}
	if err := p.Validate(); err != nil || p.ExpectedRequests() != 3000 {
		t.Errorf("sine: %v %d", err, p.ExpectedRequests())
	}
	if s := (Plan{Segments: []Segment{{10, 10, 30 * time.Second}, {1, 100, time.Minute}}, Warmup: 5 * time.Second}).String(); s != "10/s for 30s, 1..100/s for 1m0s, 5s warm-up" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseSine(t *testing.T) {
	s, err := ParseSine("10..50/1m")
	if err != nil || s != (Sine{Mean: 30, Amplitude: 20, Period: time.Minute}) {
		t.Errorf("ParseSine(10..50/1m) = %+v, %v", s, err)
	}
	for _, bad := range []string{"10..50", "50..10/1m", "0..50/1m", "a..b/1m", "10..50/x", "10..50/0s"} {
		if _, err := ParseSine(bad); err == nil {
			t.Errorf("ParseSine(%q) accepted", bad)
		}
	}
}

func TestSinePacerRate(t *testing.T) {
	p := Plan{Sine: &Sine{Mean: 12.5, Amplitude: 7.5, Period: 4 * time.Second}, Duration: 8 * time.Second}
	// Count the hits the pacer lets through in the plan's duration by
	// stepping its clock: two whole periods send Mean*8s = 100.
	pacer := p.pacer()
	var hits uint64
	for elapsed := time.Duration(0); elapsed < p.Duration; {
		wait, stop := pacer.Pace(elapsed, hits)
		if stop {
			t.Fatal("the sine pacer stopped")
		}
		if wait == 0 {
			hits++
			continue
		}
		elapsed += wait
	}
	if hits < 99 || hits > 101 {
		t.Errorf("%d hits in 8s of 12.5±7.5/s, want 100", hits)
	}
	if r := pacer.Rate(time.Second); r < 19.9 || r > 20.1 {
		t.Errorf("rate a quarter period in: %.2f/s, want the maximum 20", r)
	}
}

func TestSegmentsTruncate(t *testing.T) {
	sp := segmentsPacer{{From: 10, To: 10, For: time.Second}, {From: 0, To: 100, For: 10 * time.Second}}
	got := sp.truncate(6 * time.Second)
	want := segmentsPacer{{From: 10, To: 10, For: time.Second}, {From: 0, To: 50, For: 5 * time.Second}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("truncate(6s) = %v, want %v", got, want)
	}
	if got := sp.truncate(time.Minute); len(got) != 2 || got[1] != sp[1] {
		t.Errorf("truncate past the end changed the segments: %v", got)
	}
	// 10 in the first second, then 125 in the ramp to 50/s over 5 s.
	if h := got.hits(6 * time.Second); h != 135 {
		t.Errorf("hits of the truncated plan: %v", h)
	}
}
