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
