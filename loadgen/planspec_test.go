package loadgen

import (
	"strings"
	"testing"
	"time"
)

func TestPlanSpec(t *testing.T) {
	sec := time.Second
	cases := []struct {
		name    string
		spec    PlanSpec
		want    string // Plan.String()
		reqs    uint64 // ExpectedRequests
		wantErr string
	}{
		{"rate", PlanSpec{Rate: 20, Duration: 20 * sec}, "20/s for 20s", 400, ""},
		{"rate by count", PlanSpec{Rate: 10, Requests: 50}, "10/s for 6s, at most 50 requests", 50, ""},
		{"ramp", PlanSpec{Ramp: "1..100/s", Duration: 10 * sec}, "1..100/s for 10s", 505, ""},
		{"steps", PlanSpec{Steps: "10/s for 2s, 20/s for 1s"}, "10/s for 2s, 20/s for 1s", 40, ""},
		{"sine", PlanSpec{Sine: "10..30/1m", Duration: 30 * sec}, "sine 20±10/s over 1m0s for 30s", 600, ""},
		{"workers", PlanSpec{Workers: 4, Requests: 100}, "4 workers back to back, at most 100 requests", 100, ""},
		{"warm-up", PlanSpec{Rate: 5, Duration: 4 * sec, Warmup: sec}, "5/s for 4s, 1s warm-up", 20, ""},
		{"cold only", PlanSpec{ColdOnly: true}, "1 workers back to back, at most 10 requests", 10, ""},
		{"nothing", PlanSpec{}, "", 0, "say how much load"},
		{"two", PlanSpec{Rate: 1, Workers: 2, Duration: sec}, "", 0, "choose one"},
		{"rate unbounded", PlanSpec{Rate: 1}, "", 0, "a rate needs a duration"},
		{"ramp unbounded", PlanSpec{Ramp: "1..2"}, "", 0, "a ramp needs a duration"},
		{"bad ramp", PlanSpec{Ramp: "fast", Duration: sec}, "", 0, "write FROM..TO"},
		{"bad steps", PlanSpec{Steps: "10 for 2s"}, "", 0, "RATE/s for DURATION"},
		{"sine unbounded", PlanSpec{Sine: "1..2/1m"}, "", 0, "a sine wave needs"},
		{"workers unbounded", PlanSpec{Workers: 2}, "", 0, "workers need a duration"},
		{"negative", PlanSpec{Rate: -1, Duration: sec}, "", 0, "above 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.spec.Plan()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tc.want {
				t.Errorf("plan %q, want %q", got, tc.want)
			}
			if got := p.ExpectedRequests(); got != tc.reqs {
				t.Errorf("%d requests expected, want %d", got, tc.reqs)
			}
		})
	}
}

func TestParseRamp(t *testing.T) {
	from, to, err := ParseRamp(" 1.5 .. 20/s ")
	if err != nil || from != 1.5 || to != 20 {
		t.Errorf("%v %v %v", from, to, err)
	}
	if _, _, err := ParseRamp("20"); err == nil {
		t.Error("no error for 20")
	}
}
