package logstore

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestViewIsStableWhileTheStreamMoves(t *testing.T) {
	s := New(20_000)
	st := s.Stream("/aws/lambda/x", "a")
	for i := range 100 {
		s.Append(st, time.UnixMilli(int64(1000+i)), fmt.Sprint("old ", i))
	}
	v := s.View(st)
	if v.Start() != 0 || v.End() != 100 || v.Len() != 100 || !v.Sorted() || v.LastID() != 100 {
		t.Fatalf("view [%d,%d) sorted %v last id %d", v.Start(), v.End(), v.Sorted(), v.LastID())
	}
	// Evict every old event and then some.
	for i := range 2000 {
		s.Append(st, time.UnixMilli(int64(5000+i)), fmt.Sprint("new ", i, strings.Repeat("x", 40)))
	}
	n := int64(0)
	for i, ev := range v.Events(0, 1000) {
		if i != n || ev.Message != fmt.Sprint("old ", i) || ev.Timestamp != 1000+i || v.At(i) != ev {
			t.Fatalf("event %d of the old view is now %+v", i, ev)
		}
		n++
	}
	if n != 100 {
		t.Fatalf("the old view yields %d events", n)
	}
	now := s.View(st)
	if now.Start() <= 100 || now.End() != 2100 {
		t.Fatalf("new view [%d,%d)", now.Start(), now.End())
	}
	if ev := now.At(now.End() - 1); ev.Message != "new 1999"+strings.Repeat("x", 40) {
		t.Errorf("newest %q", ev.Message)
	}
	var segs []string
	total := 0
	for _, seg := range now.Segments(2090, 2097) {
		segs = append(segs, seg[0].Message[:8])
		total += len(seg)
	}
	if total != 7 || segs[0] != "new 1990" {
		t.Errorf("segments %v, %d events", segs, total)
	}
	if now.Segments(3000, 4000) != nil || len(v.Segments(0, 100)) == 0 {
		t.Errorf("segments out of the view")
	}
	var back []int64
	for i := range now.Backward(2095, 3000) {
		back = append(back, i)
	}
	if fmt.Sprint(back) != "[2099 2098 2097 2096 2095]" {
		t.Errorf("backward %v", back)
	}
}

func TestSearch(t *testing.T) {
	s := New(0)
	st := s.Stream("/aws/lambda/x", "a")
	for i := range 3000 {
		s.Append(st, time.UnixMilli(int64(10*(i/3))), "m") // three events per timestamp
	}
	v := s.View(st)
	if got := v.SearchTime(100); got != 30 {
		t.Errorf("SearchTime(100) = %d, want 30", got)
	}
	if got := v.SearchTime(105); got != 33 {
		t.Errorf("SearchTime(105) = %d, want 33", got)
	}
	if got := v.SearchTime(1 << 40); got != 3000 {
		t.Errorf("SearchTime(past the end) = %d", got)
	}
	if got := v.SearchID(v.At(1234).ID); got != 1234 {
		t.Errorf("SearchID = %d", got)
	}
	if got := v.SearchID(v.LastID() + 1); got != v.End() {
		t.Errorf("SearchID(after the last) = %d", got)
	}
	s.Append(st, time.UnixMilli(5), "back in time")
	if s.View(st).Sorted() {
		t.Errorf("a stream with an older event after a newer one claims to be sorted")
	}
}

func TestViewOfADeletedStream(t *testing.T) {
	s := New(2_000)
	st := s.Stream("/aws/lambda/x", "gone")
	for range 5 {
		s.Append(st, time.Now(), "bye")
	}
	s.Retire(st)
	other := s.Stream("/aws/lambda/x", "other")
	for range 100 {
		s.Append(other, time.Now(), strings.Repeat("y", 100))
	}
	if len(s.Streams("/aws/lambda/x")) != 1 {
		t.Fatalf("the retired stream was not deleted")
	}
	v := s.View(st)
	if v.Start() != 5 || v.End() != 5 || v.Stream() != st {
		t.Errorf("view of the deleted stream [%d,%d)", v.Start(), v.End())
	}
	for _, sv := range s.Snapshot("/aws/lambda/x") {
		if sv.Stream() == st {
			t.Errorf("a snapshot shows the deleted stream")
		}
	}
}

func TestEvictedEventsAreReleased(t *testing.T) {
	s := New(50_000)
	st := s.Stream("/aws/lambda/x", "a")
	for i := range 100_000 {
		s.Append(st, time.Now(), fmt.Sprint(i, strings.Repeat("z", 30)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	held := 0
	for _, c := range st.chunks {
		held += cap(c.ev)
	}
	live := int(st.n - st.head)
	if held > live+2*maxChunk {
		t.Errorf("%d event slots held for %d live events", held, live)
	}
}

func TestGroupInfos(t *testing.T) {
	s := New(0)
	s.Append(s.Stream("/aws/lambda/b", "1"), time.Now(), "12345")
	s.Append(s.Stream("/aws/lambda/a", "1"), time.Now(), "123")
	s.Append(s.Stream("/aws/lambda/a", "2"), time.Now(), "1")
	infos := s.GroupInfos()
	if len(infos) != 2 || infos[0].Name != "/aws/lambda/a" || infos[0].Streams != 2 || infos[0].StoredEvents != 2 || infos[0].StoredBytes != 4 {
		t.Errorf("%+v", infos)
	}
	if g, ok := s.Group("/aws/lambda/b"); !ok || g.StoredBytes != 5 || g.Created == 0 {
		t.Errorf("%+v %v", g, ok)
	}
	if _, ok := s.Group("/aws/lambda/c"); ok {
		t.Errorf("a missing group was found")
	}
	if si := s.Streams("/aws/lambda/a"); si[0].StoredBytes+si[1].StoredBytes != 4 {
		t.Errorf("%+v", si)
	}
}

// TestReadersDoNotRaceWriters reads snapshots without the lock while
// writers append and evict; run it with -race.
func TestReadersDoNotRaceWriters(t *testing.T) {
	s := New(200_000)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 3 {
		wg.Go(func() {
			for e := 0; ; e++ {
				st := s.Stream("/aws/lambda/race", fmt.Sprint("env", w, "-", e/500))
				for i := range 500 {
					select {
					case <-stop:
						return
					default:
					}
					s.Append(st, time.Now(), fmt.Sprint(i, strings.Repeat("r", i%97)))
				}
				s.Retire(st)
			}
		})
	}
	deadline := time.Now().Add(time.Second)
	reads := 0
	for time.Now().Before(deadline) {
		for _, v := range s.Snapshot("") {
			var prev uint64
			n := 0
			for i, ev := range v.Events(v.Start(), v.End()) {
				if ev.ID <= prev || ev.Stream != v.Name() || v.At(i) != ev {
					t.Fatalf("stream %s index %d: %+v after id %d", v.Name(), i, ev, prev)
				}
				prev = ev.ID
				n++
			}
			if n != v.Len() {
				t.Fatalf("view of %d events yielded %d", v.Len(), n)
			}
			reads += n
		}
	}
	close(stop)
	wg.Wait()
	if reads == 0 {
		t.Fatal("read nothing")
	}
}

// BenchmarkSnapshot measures what a reader costs writers: the time the
// lock is held to snapshot a group of 20 streams holding 500,000 events.
func BenchmarkSnapshot(b *testing.B) {
	s := New(128 << 20)
	streams := make([]*Stream, 20)
	for i := range streams {
		streams[i] = s.Stream("/aws/lambda/big", fmt.Sprint("env", i))
	}
	for i := range 500_000 {
		s.Append(streams[i%20], time.Now(), "INFO request served in 12 ms by worker 7")
	}
	for b.Loop() {
		s.Snapshot("/aws/lambda/big")
	}
}

func BenchmarkAppend(b *testing.B) {
	s := New(0)
	st := s.Stream("/aws/lambda/x", "a")
	now := time.Now()
	for b.Loop() {
		s.Append(st, now, "INFO request served in 12 ms by worker 7")
	}
}

func TestSegmentsAndEventsAgree(t *testing.T) {
	s := New(30_000)
	st := s.Stream("/aws/lambda/x", "a")
	for i := range 5000 {
		s.Append(st, time.UnixMilli(int64(i)), fmt.Sprint(i, strings.Repeat("s", i%50)))
	}
	v := s.View(st)
	for from := v.Start() - 3; from < v.End()+3; from += 37 {
		for _, to := range []int64{from, from + 1, from + 100, from + 1000, v.End() + 5} {
			var a, b []uint64
			for _, ev := range v.Events(from, to) {
				a = append(a, ev.ID)
			}
			for _, seg := range v.Segments(from, to) {
				for i := range seg {
					b = append(b, seg[i].ID)
				}
			}
			var back []uint64
			for _, ev := range v.Backward(from, to) {
				back = append(back, ev.ID)
			}
			slices.Reverse(back)
			if !slices.Equal(a, b) || !slices.Equal(a, back) {
				t.Fatalf("[%d,%d): events %d, segments %d, backward %d", from, to, len(a), len(b), len(back))
			}
		}
	}
}
