package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"name", "runtime", "memory", "timeout", "reserved_concurrency"}
	for _, tc := range []struct{ in, want string }{
		{"memroy", "memory"},
		{"Memory", "memory"},
		{"timout", "timeout"},
		{"reserved_concurency", "reserved_concurrency"},
		{"colour", ""},
		{"", ""},
	} {
		if got := Closest(tc.in, keys); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no candidates = %q", got)
	}
}

func TestClosestPrefersAPrefixOnATie(t *testing.T) {
	services := []string{"s3", "ses", "sns", "sqs"}
	if got := Closest("sq", services); got != "sqs" {
		t.Errorf("Closest(sq) = %q, want sqs", got)
	}
	if got := Closest("s4", services); got != "s3" {
		t.Errorf("Closest(s4) = %q, want s3", got)
	}
}
