package logstore

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestStoreIsBounded(t *testing.T) {
	s := New(10_000)
	st := s.Stream("/aws/lambda/x", "2026/01/01/[$LATEST]0")
	st2 := s.Stream("/aws/lambda/y", "2026/01/01/[$LATEST]1")
	for i := range 1000 {
		s.Append(st, time.Now(), fmt.Sprintf("event %04d %s", i, strings.Repeat("x", 50)))
		if i%10 == 0 {
			s.Append(st2, time.Now(), "other")
		}
	}
	size, dropped := s.Size()
	if size > 10_000 || dropped == 0 {
		t.Fatalf("size %d, dropped %d", size, dropped)
	}
	evs := s.Events("/aws/lambda/x", "2026/01/01/[$LATEST]0")
	if last := evs[len(evs)-1].Message; !strings.HasPrefix(last, "event 0999") {
		t.Errorf("newest event lost: %q", last)
	}
	if first := evs[0].Message; strings.HasPrefix(first, "event 0000") {
		t.Errorf("oldest event kept")
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].ID <= evs[i-1].ID {
			t.Fatalf("event ids not increasing")
		}
	}
}

func TestRetiredStreamsAreDeletedOnceEmpty(t *testing.T) {
	s := New(5_000)
	for i := range 1000 {
		st := s.Stream("/aws/lambda/churn", fmt.Sprintf("2026/01/01/[$LATEST]%032d", i))
		s.Append(st, time.Now(), "START RequestId: x")
		s.Retire(st)
	}
	if n := len(s.Streams("/aws/lambda/churn")); n > 40 {
		t.Errorf("%d streams kept by a 5 kB store after 1,000 environments came and went", n)
	}
	size, _ := s.Size()
	if size > 5_000 {
		t.Errorf("size %d over the limit", size)
	}
	// A live (not retired) stream stays even when empty.
	live := s.Stream("/aws/lambda/live", "s")
	for i := range 200 {
		s.Append(s.Stream("/aws/lambda/other", "o"), time.Now(), fmt.Sprint(i, strings.Repeat("x", 100)))
	}
	if len(s.Streams("/aws/lambda/live")) != 1 || live == nil {
		t.Errorf("a live environment's stream was deleted")
	}
}
