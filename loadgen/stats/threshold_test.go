package stats

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

func TestParseThreshold(t *testing.T) {
	for _, tc := range []struct {
		in     string
		metric string
		op     Op
		limit  float64
		kind   Kind
	}{
		{"p99<800ms", "p99", Less, 800, KindDuration},
		{"p50<=50ms", "p50", LessEqual, 50, KindDuration},
		{"errors<1%", "errors", Less, 0.01, KindRatio},
		{"throttles<5%", "throttles", Less, 0.05, KindRatio},
		{"cold_p50<300ms", "cold_p50", Less, 300, KindDuration},
		{"warm_p99<100ms", "warm_p99", Less, 100, KindDuration},
		{"cold_starts<10", "cold_starts", Less, 10, KindCount},
		{"success_ratio>99%", "success_ratio", Greater, 0.99, KindRatio},
		{"success_ratio>=0.995", "success_ratio", GreaterEqual, 0.995, KindRatio},
		{"init_p90<200ms", "init_p90", Less, 200, KindDuration},
		{"duration_p99<1.5s", "duration_p99", Less, 1500, KindDuration},
		{"max<2s", "max", Less, 2000, KindDuration},
		{"mean<75ms", "mean", Less, 75, KindDuration},
		{"rate>=49/s", "rate", GreaterEqual, 49, KindRate},
		{"rate > 49", "rate", Greater, 49, KindRate},
		{" p99.9 < 1s ", "p99.9", Less, 1000, KindDuration},
		{"latency_p99<300us", "p99", Less, 0.3, KindDuration},
		{"billed_mean<=100ms", "billed_mean", LessEqual, 100, KindDuration},
		{"memory_max<200MB", "memory_max", Less, 200, KindMemory},
		{"memory_p99<=180", "memory_p99", LessEqual, 180, KindMemory},
		{"P99<1s", "p99", Less, 1000, KindDuration},
	} {
		got, err := ParseThreshold(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.Metric != tc.metric || got.Op != tc.op || math.Abs(got.Limit-tc.limit) > 1e-9 || got.Kind != tc.kind {
			t.Errorf("%q: %+v, want %s %s %v kind %d", tc.in, got, tc.metric, tc.op, tc.limit, tc.kind)
		}
		if got.String() != strings.Join(strings.Fields(tc.in), "") {
			t.Errorf("%q: String %q", tc.in, got.String())
		}
	}
}

func TestParseThresholdErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"p99", "want METRIC OP VALUE"},
		{"p99=800ms", "want METRIC OP VALUE"},
		{"<800ms", "no metric"},
		{"p99<", "no value"},
		{"p99<800", "p99 is a duration: give a unit, e.g. 800ms"},
		{"p99<fast", "is not one"},
		{"errors<lots", "wants a count or a percentage"},
		{"success_ratio>150", "is a ratio"},
		{"rate>=fast/s", "requests per second"},
		{"memory_max<big", "is in MB"},
	} {
		_, err := ParseThreshold(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), tc.in) {
			t.Errorf("%q: error %q does not name the threshold", tc.in, err)
		}
	}
}

func TestUnknownMetricSuggestsClosest(t *testing.T) {
	for _, tc := range []struct{ in, first string }{
		{"p99x<800ms", "p99"},
		{"cold_p5<300ms", "cold_p50"}, // p5 is valid: not this case
		{"eror<1%", "errors"},
		{"cold_start<10", "cold_starts"},
		{"succes_ratio>99%", "success_ratio"},
		{"p101<1s", "p50"},
		{"wram_p99<100ms", "warm_p99"},
		{"throttle<5%", "throttles"},
	} {
		_, err := ParseThreshold(tc.in)
		if tc.in == "cold_p5<300ms" {
			if err != nil {
				t.Errorf("%q: %v (p5 is a percentile)", tc.in, err)
			}
			continue
		}
		var u *UnknownMetricError
		if !errors.As(err, &u) {
			t.Errorf("%q: error %v, want an UnknownMetricError", tc.in, err)
			continue
		}
		if u.Closest[0] != tc.first {
			t.Errorf("%q: closest %v, want %s first", tc.in, u.Closest, tc.first)
		}
		msg := err.Error()
		for _, want := range []string{tc.in, "closest valid metrics: " + tc.first, "valid metrics: pN", "success_ratio; rate"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q: message %q lacks %q", tc.in, msg, want)
			}
		}
	}
}

func TestParseThresholdsReportsAll(t *testing.T) {
	_, err := ParseThresholds([]string{"p99<1s", "p99<1", "bogus<1"})
	if err == nil || !strings.Contains(err.Error(), `"p99<1"`) || !strings.Contains(err.Error(), `"bogus<1"`) {
		t.Errorf("error %v", err)
	}
	ts, err := ParseThresholds([]string{"p99<1s", "errors<1%"})
	if err != nil || len(ts) != 2 {
		t.Errorf("%v %v", ts, err)
	}
}

func TestThresholdsFromTOML(t *testing.T) {
	var cfg struct {
		Thresholds []Threshold `toml:"thresholds"`
	}
	doc := `thresholds = ["p99<800ms", "errors<1%", "cold_starts<10"]`
	if err := toml.Unmarshal([]byte(doc), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Thresholds) != 3 || cfg.Thresholds[1].Kind != KindRatio || cfg.Thresholds[2].Limit != 10 {
		t.Errorf("%+v", cfg.Thresholds)
	}
	out, err := toml.Marshal(cfg)
	if err != nil || !strings.Contains(string(out), "'p99<800ms'") && !strings.Contains(string(out), `"p99<800ms"`) {
		t.Errorf("marshal: %s %v", out, err)
	}
	err = toml.Unmarshal([]byte(`thresholds = ["p99<800"]`), &cfg)
	if err == nil || !strings.Contains(err.Error(), "give a unit") {
		t.Errorf("bad TOML threshold: %v", err)
	}
}

// thresholdSummary: 100 requests, 1 s apart: 90 warm at 50..59 ms, 5 cold at
// 400 ms (init 250 ms), 3 function errors (warm), 2 throttles.
func thresholdSummary() Summary {
	a := New()
	for i := range 100 {
		s := Sample{Timestamp: t0.Add(time.Duration(i) * time.Second), Start: StartWarm,
			Latency: time.Duration(50+i%10) * time.Millisecond, Duration: 40 * time.Millisecond,
			BilledDuration: 40 * time.Millisecond, MemorySizeMB: 256, MaxMemoryMB: 100 + i%20}
		switch {
		case i < 5:
			s.Start, s.Latency, s.InitDuration = StartCold, 400*time.Millisecond, 250*time.Millisecond
		case i < 8:
			s.Outcome, s.ErrorType = FunctionError, "Error"
		case i < 10:
			s = Sample{Timestamp: s.Timestamp, Outcome: Throttled, Latency: 3 * time.Millisecond}
		}
		a.Add(&s)
	}
	return a.Snapshot()
}

func TestCheckThresholds(t *testing.T) {
	s := thresholdSummary()
	for _, tc := range []struct {
		in       string
		pass     bool
		measured float64
		miss     string
	}{
		{"p50<100ms", true, 55, ""},
		{"max<300ms", false, 400, "100ms over the limit (+33.3%)"},
		{"errors<1%", false, 0.03, "2.00% over the limit (+200%)"},
		{"errors<=3", true, 3, ""},
		{"throttles<5%", true, 0.02, ""},
		{"cold_starts<5", false, 5, "at the limit"},
		{"cold_starts<10", true, 5, ""},
		{"cold_p50<300ms", false, 400, "100ms over the limit (+33.3%)"},
		{"init_p90<200ms", false, 250, "50.0ms over the limit (+25%)"},
		{"success_ratio>99%", false, 0.95, "4.00% under the limit (-4%)"},
		{"rate>=1.2/s", false, 100.0 / 99, "0.2/s under the limit (-15.8%)"},
		{"rate>=1/s", true, 100.0 / 99, ""},
		{"memory_max<=119MB", true, 119, ""},
		{"duration_p99<=40ms", true, 40, ""},
		{"billed_mean>50ms", false, 40, "10.0ms under the limit (-20%)"},
	} {
		th, err := ParseThreshold(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		r := th.Check(s)
		if r.Pass != tc.pass || math.Abs(r.Measured-tc.measured) > 1e-3*math.Max(1, tc.measured) || r.MissText() != tc.miss {
			t.Errorf("%s: pass %v measured %v miss %q, want %v %v %q", tc.in, r.Pass, r.Measured, r.MissText(), tc.pass, tc.measured, tc.miss)
		}
	}
	ts, _ := ParseThresholds([]string{"p50<100ms", "errors<1%"})
	results, ok := CheckThresholds(ts, s)
	if ok || len(results) != 2 || !results[0].Pass {
		t.Errorf("%v %v", results, ok)
	}
	if got := results[1].String(); got != "errors<1%: FAIL: 3.00%, 2.00% over the limit (+200%)" {
		t.Errorf("String: %q", got)
	}
	if got := results[0].String(); got != "p50<100ms: pass (55.0ms)" {
		t.Errorf("String: %q", got)
	}
}

func TestThresholdWithoutDataFails(t *testing.T) {
	a := New()
	s := Sample{Timestamp: t0, Start: StartWarm, Latency: 10 * time.Millisecond}
	a.Add(&s)
	th, _ := ParseThreshold("cold_p50<300ms")
	r := th.Check(a.Snapshot())
	if r.Pass || !r.NoData || !strings.Contains(r.String(), "no data") {
		t.Errorf("%+v %s", r, r)
	}
}

func TestFormatMillis(t *testing.T) {
	for ms, want := range map[float64]string{0: "0ms", 0.345: "0.34ms", 61.23: "61.2ms", 812.4: "812ms", 1250: "1.25s", 125_000: "2m5s"} {
		if got := FormatMillis(ms); got != want {
			t.Errorf("%v: %q, want %q", ms, got, want)
		}
	}
}
