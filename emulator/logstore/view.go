package logstore

import (
	"iter"
	"slices"
	"sort"
)

// StreamView is a read-only view of one stream's events at one instant.
// It is read without the store's lock and never changes: events appended
// later are not in it, and events evicted later stay readable through it
// (it keeps them in memory until it is dropped).
//
// Events are addressed by their index in the stream, counted from the
// stream's first event ever: the view holds the indexes [Start, End).
// Start is the number of the stream's events evicted before the view was
// taken, so an index taken from one view means the same event in any
// later view of the same stream.
type StreamView struct {
	st     *Stream
	info   StreamInfo
	chunks []chunk
	start  int64
	end    int64
	lastID uint64
	sorted bool
}

// viewLocked takes a view of st; the store's lock is held. It copies only
// the chunk headers.
func (st *Stream) viewLocked() *StreamView {
	return &StreamView{
		st:     st,
		info:   st.info(),
		chunks: slices.Clone(st.chunks),
		start:  st.head,
		end:    st.n,
		lastID: st.lastID,
		sorted: !st.unsorted,
	}
}

// Snapshot returns views of the streams of group ("" for every group),
// all taken at the same instant, oldest stream first (as Streams orders
// them). It returns nil when there is no such group. The lock is held
// only to copy a few words per stream and per chunk of 512 events.
func (s *Store) Snapshot(group string) []*StreamView {
	s.mu.Lock()
	var out []*StreamView
	for name, g := range s.groups {
		if group != "" && name != group {
			continue
		}
		for _, st := range g.streams {
			out = append(out, st.viewLocked())
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].info, out[j].info
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Created != b.Created {
			return a.Created < b.Created
		}
		return a.Name < b.Name
	})
	return out
}

// View returns a view of one stream, even one deleted from its group
// since (its view is then empty, with Start = End = the number of events
// it ever held).
func (s *Store) View(st *Stream) *StreamView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return st.viewLocked()
}

// Stream returns the stream viewed: views of the same stream return the
// same pointer, which tells a stream from a later one of the same name.
func (v *StreamView) Stream() *Stream { return v.st }

// Info describes the stream as it was when the view was taken.
func (v *StreamView) Info() StreamInfo { return v.info }

// Group returns the stream's log group name.
func (v *StreamView) Group() string { return v.info.Group }

// Name returns the stream's name.
func (v *StreamView) Name() string { return v.info.Name }

// Start returns the index of the oldest event in the view (the number of
// the stream's events evicted before it was taken).
func (v *StreamView) Start() int64 { return v.start }

// End returns the index after the newest event in the view (the number of
// events ever appended to the stream when it was taken).
func (v *StreamView) End() int64 { return v.end }

// Len returns the number of events in the view.
func (v *StreamView) Len() int { return int(v.end - v.start) }

// LastID returns the ID of the newest event ever appended to the stream
// when the view was taken (0 if none), whether or not it is still stored.
func (v *StreamView) LastID() uint64 { return v.lastID }

// Sorted reports whether the stream's events are in timestamp order
// (every event's timestamp at least the one before it), which makes
// SearchTime valid. Events are always in ID order.
func (v *StreamView) Sorted() bool { return v.sorted }

// chunkOf returns the position in v.chunks of the chunk holding index i.
func (v *StreamView) chunkOf(i int64) int {
	return sort.Search(len(v.chunks), func(k int) bool {
		c := v.chunks[k]
		return c.start+int64(len(c.ev)) > i
	})
}

// At returns the event at index i, which must be in [Start, End). The
// event is shared: do not modify it.
func (v *StreamView) At(i int64) *Event {
	if i < v.start || i >= v.end {
		panic("logstore: index out of the view")
	}
	c := v.chunks[v.chunkOf(i)]
	return &c.ev[i-c.start]
}

// Events iterates over the events with indexes in [from, to), clamped to
// the view, oldest first. The events are shared: do not modify them.
func (v *StreamView) Events(from, to int64) iter.Seq2[int64, *Event] {
	from, to = max(from, v.start), min(to, v.end)
	return func(yield func(int64, *Event) bool) {
		if from >= to {
			return
		}
		for k := v.chunkOf(from); k < len(v.chunks); k++ {
			c := v.chunks[k]
			for j := from - c.start; j < int64(len(c.ev)); j++ {
				if from >= to {
					return
				}
				if !yield(from, &c.ev[j]) {
					return
				}
				from++
			}
		}
	}
}

// Backward iterates over the events with indexes in [from, to), clamped
// to the view, newest first. The events are shared: do not modify them.
func (v *StreamView) Backward(from, to int64) iter.Seq2[int64, *Event] {
	from, to = max(from, v.start), min(to, v.end)
	return func(yield func(int64, *Event) bool) {
		if from >= to {
			return
		}
		i := to - 1
		for k := v.chunkOf(i); k >= 0; k-- {
			c := v.chunks[k]
			for j := i - c.start; j >= 0; j-- {
				if i < from {
					return
				}
				if !yield(i, &c.ev[j]) {
					return
				}
				i--
			}
		}
	}
}

// Segments returns the events with indexes in [from, to), clamped to the
// view, oldest first, as runs of consecutive events: the fastest way
// through a view. The runs share the store's memory: do not modify them.
func (v *StreamView) Segments(from, to int64) [][]Event {
	from, to = max(from, v.start), min(to, v.end)
	if from >= to {
		return nil
	}
	var out [][]Event
	for k := v.chunkOf(from); k < len(v.chunks) && v.chunks[k].start < to; k++ {
		c := v.chunks[k]
		lo, hi := max(from-c.start, 0), min(to-c.start, int64(len(c.ev)))
		out = append(out, c.ev[lo:hi:hi])
	}
	return out
}

// SearchID returns the index of the first event with an ID at least id
// (End if none). IDs increase along a stream, so it is always valid.
func (v *StreamView) SearchID(id uint64) int64 {
	n := sort.Search(int(v.end-v.start), func(k int) bool { return v.At(v.start+int64(k)).ID >= id })
	return v.start + int64(n)
}

// SearchTime returns the index of the first event with a timestamp at
// least ts (End if none). It is valid only when the view is Sorted.
func (v *StreamView) SearchTime(ts int64) int64 {
	n := sort.Search(int(v.end-v.start), func(k int) bool { return v.At(v.start+int64(k)).Timestamp >= ts })
	return v.start + int64(n)
}
