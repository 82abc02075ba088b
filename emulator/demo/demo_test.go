package demo

import (
	"context"
	"encoding/json"
	"testing"
)

func TestRegistry(t *testing.T) {
	names := Names()
	want := []string{"hello", "echo", "sleep", "cpu", "fail", "crash", "alloc", "api", "print"}
	if len(names) != len(want) {
		t.Fatalf("Names() = %v", names)
	}
	for i, n := range want {
		d, ok := Lookup(n)
		if names[i] != n || !ok || d.Timeout <= 0 || d.Description == "" || d.handler == nil {
			t.Errorf("demo %q: %+v", n, d)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) succeeded")
	}
	if Main("nope") != 2 {
		t.Error("Main of an unknown demo must return a usage exit status")
	}
}

func TestHandlers(t *testing.T) {
	if r, _ := hello(context.Background(), helloEvent{}); r.Message != "Hello, world!" {
		t.Errorf("hello default: %q", r.Message)
	}
	if r, _ := echo(json.RawMessage(`{"a":[1,2]}`)); string(r) != `{"a":[1,2]}` {
		t.Errorf("echo: %s", r)
	}
	zero := 0
	if r, _ := sleep(sleepEvent{MS: &zero}); r["slept_ms"] != 0 {
		t.Errorf("sleep: %v", r)
	}
	units := 3
	r, err := cpu(cpuEvent{Units: &units})
	if err != nil || r.Units != 3 || len(r.Digest) != 64 {
		t.Errorf("cpu: %+v %v", r, err)
	}
	r2, _ := cpu(cpuEvent{Units: &units})
	if r2.Digest != r.Digest {
		t.Errorf("cpu work is not deterministic")
	}
	if _, err := fail(failEvent{Message: "m"}); err == nil || err.Error() != "m" {
		t.Errorf("fail: %v", err)
	}
	mb := 2
	if a, err := alloc(allocEvent{MB: &mb}); err != nil || a["pages"] != 512 {
		t.Errorf("alloc: %v %v", a, err)
	}
	neg := -1
	if _, err := alloc(allocEvent{MB: &neg}); err == nil {
		t.Error("alloc of -1 MB succeeded")
	}
}
