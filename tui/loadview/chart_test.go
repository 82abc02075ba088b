package loadview

import "testing"

func TestChartTopIgnoresASpike(t *testing.T) {
	// 19 steady seconds and one of cold starts: the scale follows the
	// steady ones.
	p50 := make([]float64, 20)
	p99 := make([]float64, 20)
	for i := range p50 {
		p50[i], p99[i] = 53, 56
	}
	p50[0], p99[0] = 100, 215
	if top := chartTop(p50, p99); top != 100 {
		t.Errorf("top %v, want 100 (not 500 for the cold second)", top)
	}
	// A p50 above the p99s' 80th percentile still fits.
	p50[3] = 150
	if top := chartTop(p50, p99); top != 200 {
		t.Errorf("top %v, want 200", top)
	}
	if top := chartTop(nil, nil); top != 1 {
		t.Errorf("empty: %v", top)
	}
}

func TestEventSourceKinds(t *testing.T) {
	for _, tc := range []struct{ event, name string }{
		{"{}", "empty event {}"},
		{`{"a":1}`, "inline event"},
		{"s3 put", "template s3 put"},
		{"mix: s3 put=3, s3 delete=1", "mix of s3 put×3, s3 delete×1"},
	} {
		src, name, err := eventSource(settings{event: tc.event}, nil, nil, "f")
		if err != nil || name != tc.name {
			t.Errorf("%q: %q, %v", tc.event, name, err)
			continue
		}
		if b, err := src.Render(nil, 3); err != nil || len(b) == 0 {
			t.Errorf("%q renders %q, %v", tc.event, b, err)
		}
	}
	if _, _, err := eventSource(settings{event: "mix: s3 put"}, nil, nil, "f"); err == nil {
		t.Error("a mix entry without a weight was accepted")
	}
}
