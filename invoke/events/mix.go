package events

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseMix builds a weighted mix of templates from entries written
// TEMPLATE=WEIGHT (e.g. "s3 put=3", "s3 delete=1"), each template looked up
// in reg and compiled with its defaults and opts; seed picks the template
// of each request (see NewMix). It also returns the mix's description,
// e.g. "mix of s3 put×3, s3 delete×1".
func ParseMix(reg *Registry, entries []string, seed uint64, opts ...Option) (*Mix, string, error) {
	var ws []Weighted
	var names []string
	for _, e := range entries {
		e = strings.TrimSpace(e)
		name, w, ok := strings.Cut(e, "=")
		weight, err := strconv.Atoi(strings.TrimSpace(w))
		if !ok || err != nil || weight <= 0 {
			return nil, "", fmt.Errorf("mix entry %q: write TEMPLATE=WEIGHT, e.g. \"s3 put=3\"", e)
		}
		t, err := reg.Lookup(strings.TrimSpace(name))
		if err != nil {
			return nil, "", err
		}
		r, err := t.Compile(nil, opts...)
		if err != nil {
			return nil, "", err
		}
		ws = append(ws, Weighted{Source: r, Weight: weight})
		names = append(names, fmt.Sprintf("%s×%d", t.Name(), weight))
	}
	mix, err := NewMix(seed, ws...)
	if err != nil {
		return nil, "", err
	}
	return mix, "mix of " + strings.Join(names, ", "), nil
}
