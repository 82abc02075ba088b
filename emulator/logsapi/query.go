package logsapi

import (
	"container/heap"
	"math"
	"slices"

	"github.com/lambench/lambench/emulator/logstore"
)

// filterQuery is one page of FilterLogEvents over snapshot views: the
// first `limit` matching events in (timestamp, ID) order (or the reverse)
// after a cursor, within a time range and MaxPageBytes.
//
// It reads the views without the store's lock, merging the streams: on
// streams whose events are in timestamp order (all of the local Lambda's
// in practice) it starts with a binary search and reads only as far as
// the page needs, plus the next matching event, which says whether there
// is more. A page thus costs about `limit` events, not a scan of the
// store; a selective pattern still reads the rest of the range once. A
// stream that is not in timestamp order is read whole and sorted.
type filterQuery struct {
	lo, hi   int64 // timestamps, inclusive
	pattern  *Pattern
	limit    int
	maxBytes int
	desc     bool
	after    *filterCursor // exclusive
}

// filterResult is a page: its events in order, which streams were read to
// the end of the range, and whether more events match.
type filterResult struct {
	events   []*logstore.Event
	complete []bool // per view
	more     bool
}

// before orders events in the query's direction.
func before(a, b *logstore.Event, desc bool) bool {
	if a.Timestamp != b.Timestamp {
		return (a.Timestamp < b.Timestamp) != desc
	}
	return a.ID != b.ID && (a.ID < b.ID) != desc
}

// source is one stream's matching events in the query's order, from the
// cursor to the end of the time range.
type source struct {
	view int
	head *logstore.Event
	// A sorted stream is read in place, run by run.
	segs [][]logstore.Event
	si   int // run
	j    int // event in the run
	// An unsorted one was read whole: its matching events, in order.
	rest []*logstore.Event
}

// advance moves to the source's next matching event; false when there is
// none.
func (s *source) advance(q *filterQuery, all bool) bool {
	if s.segs == nil {
		if len(s.rest) == 0 {
			s.head = nil
			return false
		}
		s.head, s.rest = s.rest[0], s.rest[1:]
		return true
	}
	for s.si >= 0 && s.si < len(s.segs) {
		seg := s.segs[s.si]
		for s.j >= 0 && s.j < len(seg) {
			ev := &seg[s.j]
			if q.desc {
				s.j--
				if ev.Timestamp < q.lo {
					s.si, s.head = -1, nil
					return false
				}
			} else {
				s.j++
				if ev.Timestamp > q.hi {
					s.si, s.head = -1, nil
					return false
				}
			}
			if !q.passed(ev) && (all || q.pattern.Match(ev.Message)) {
				s.head = ev
				return true
			}
		}
		if q.desc {
			if s.si--; s.si >= 0 {
				s.j = len(s.segs[s.si]) - 1
			}
		} else {
			s.si++
			s.j = 0
		}
	}
	s.head = nil
	return false
}

// passed reports an event at or before the cursor.
func (q *filterQuery) passed(ev *logstore.Event) bool {
	if q.after == nil {
		return false
	}
	c := logstore.Event{Timestamp: q.after.ts, ID: q.after.id}
	return !before(&c, ev, q.desc)
}

// merge is a heap of sources by their head event.
type merge struct {
	srcs []*source
	desc bool
}

func (m *merge) Len() int           { return len(m.srcs) }
func (m *merge) Less(i, j int) bool { return before(m.srcs[i].head, m.srcs[j].head, m.desc) }
func (m *merge) Swap(i, j int)      { m.srcs[i], m.srcs[j] = m.srcs[j], m.srcs[i] }
func (m *merge) Push(x any)         { m.srcs = append(m.srcs, x.(*source)) }
func (m *merge) Pop() any {
	x := m.srcs[len(m.srcs)-1]
	m.srcs = m.srcs[:len(m.srcs)-1]
	return x
}

// open returns view k's events in range and after the cursor, in order.
func (q *filterQuery) open(k int, v *logstore.StreamView, all bool) *source {
	src := &source{view: k}
	switch {
	case v.Sorted() && !q.desc:
		from := q.lo
		if q.after != nil {
			from = max(from, q.after.ts)
		}
		src.segs = v.Segments(v.SearchTime(from), v.End())
	case v.Sorted():
		to := q.hi
		if q.after != nil {
			to = min(to, q.after.ts)
		}
		end := v.End()
		if to < math.MaxInt64 {
			end = v.SearchTime(to + 1)
		}
		src.segs = v.Segments(v.Start(), end)
		src.si = len(src.segs) - 1
		if src.si >= 0 {
			src.j = len(src.segs[src.si]) - 1
		}
	default:
		for _, ev := range v.Events(v.Start(), v.End()) {
			if ev.Timestamp >= q.lo && ev.Timestamp <= q.hi && !q.passed(ev) && (all || q.pattern.Match(ev.Message)) {
				src.rest = append(src.rest, ev)
			}
		}
		slices.SortFunc(src.rest, func(a, b *logstore.Event) int {
			if before(a, b, q.desc) {
				return -1
			}
			return 1
		})
	}
	if src.segs == nil && src.rest == nil {
		src.rest = []*logstore.Event{} // nothing: advance ends at once
	}
	return src
}

func (q *filterQuery) run(views []*logstore.StreamView) filterResult {
	res := filterResult{complete: make([]bool, len(views))}
	m := &merge{desc: q.desc}
	all := q.pattern.MatchesAll()
	for k, v := range views {
		src := q.open(k, v, all)
		if src.advance(q, all) {
			m.srcs = append(m.srcs, src)
		} else {
			res.complete[k] = true
		}
	}
	heap.Init(m)
	bytes := 0
	for m.Len() > 0 {
		src := m.srcs[0]
		ev := src.head
		if src.advance(q, all) {
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
			res.complete[src.view] = true
		}
		size := len(ev.Message) + EventOverhead
		if len(res.events) == q.limit || (len(res.events) > 0 && bytes+size > q.maxBytes) {
			res.more = true
			res.complete[src.view] = false
			break
		}
		res.events = append(res.events, ev)
		bytes += size
	}
	return res
}
