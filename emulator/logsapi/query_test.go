package logsapi

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator/logstore"
)

// TestQueryAgainstBruteForce pages through random stores, sorted and
// unsorted streams alike, and compares every result with a plain sort.
func TestQueryAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 30 {
		s := logstore.New(0)
		var all []logstore.Event
		for k := range 1 + rng.IntN(5) {
			st := s.Stream(helloGroup, fmt.Sprint("s", k))
			unsorted := k == 2
			ts := int64(1000)
			for i := range rng.IntN(300) {
				if unsorted {
					ts = 1000 + rng.Int64N(500)
				} else {
					ts += rng.Int64N(3) // ties too
				}
				level := []string{"INFO", "ERROR", "WARN"}[rng.IntN(3)]
				s.Append(st, time.UnixMilli(ts), fmt.Sprintf("%s %d %s", level, i, strings.Repeat("x", rng.IntN(40))))
			}
			all = append(all, s.Events(helloGroup, fmt.Sprint("s", k))...)
		}
		views := s.Snapshot(helloGroup)
		for _, desc := range []bool{false, true} {
			for _, pattern := range []string{"", "ERROR", "?WARN ?ERROR -\"1 \""} {
				p, err := ParsePattern(pattern)
				if err != nil {
					t.Fatal(err)
				}
				lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
				if rng.IntN(2) == 0 {
					lo, hi = 1000+rng.Int64N(200), 1200+rng.Int64N(300)
				}
				var want []*logstore.Event
				for i := range all {
					ev := &all[i]
					if ev.Timestamp >= lo && ev.Timestamp <= hi && p.Match(ev.Message) {
						want = append(want, ev)
					}
				}
				slices.SortFunc(want, func(a, b *logstore.Event) int {
					if before(a, b, desc) {
						return -1
					}
					return 1
				})
				q := filterQuery{lo: lo, hi: hi, pattern: p, limit: 1 + rng.IntN(40), maxBytes: 200 + rng.IntN(2000), desc: desc}
				var got []*logstore.Event
				for pages := 0; ; pages++ {
					res := q.run(views)
					if len(res.events) > q.limit || pages > 10_000 {
						t.Fatalf("round %d: page of %d events, limit %d", round, len(res.events), q.limit)
					}
					size := 0
					for _, ev := range res.events {
						size += len(ev.Message) + EventOverhead
					}
					if size > q.maxBytes && len(res.events) > 1 {
						t.Fatalf("round %d: page of %d bytes, max %d", round, size, q.maxBytes)
					}
					got = append(got, res.events...)
					if !res.more {
						if slices.Contains(res.complete, false) {
							t.Fatalf("round %d: last page with a stream not searched completely", round)
						}
						break
					}
					if len(res.events) == 0 {
						t.Fatalf("round %d: an empty page with more to come", round)
					}
					last := res.events[len(res.events)-1]
					q.after = &filterCursor{desc: desc, ts: last.Timestamp, id: last.ID}
				}
				if len(got) != len(want) {
					t.Fatalf("round %d desc %v pattern %q: %d events, want %d", round, desc, pattern, len(got), len(want))
				}
				for i := range got {
					if got[i].ID != want[i].ID {
						t.Fatalf("round %d desc %v pattern %q: event %d is id %d, want %d", round, desc, pattern, i, got[i].ID, want[i].ID)
					}
				}
			}
		}
	}
}
