package events

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseMix(t *testing.T) {
	reg := NewRegistry()
	mix, name, err := ParseMix(reg, []string{"s3 put=3", " sqs receive-message = 1 "}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if name != "mix of s3 put×3, sqs receive-message×1" {
		t.Errorf("name %q", name)
	}
	// Both kinds come out, about 3:1, each valid JSON.
	var s3, sqs int
	var buf []byte
	for i := range uint64(400) {
		buf, err = mix.Render(buf[:0], i)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf) {
			t.Fatalf("request %d: not JSON: %s", i, buf)
		}
		switch {
		case strings.Contains(string(buf), `"aws:s3"`):
			s3++
		case strings.Contains(string(buf), `"aws:sqs"`):
			sqs++
		}
	}
	if s3+sqs != 400 || s3 < 250 || sqs < 60 {
		t.Errorf("%d s3, %d sqs of 400 (weights 3:1)", s3, sqs)
	}
	for _, bad := range [][]string{{"s3 put"}, {"s3 put=0"}, {"s3 put=x"}, {"nope nope=1"}, {}} {
		if _, _, err := ParseMix(reg, bad, 1); err == nil {
			t.Errorf("ParseMix(%q) accepted", bad)
		}
	}
}
