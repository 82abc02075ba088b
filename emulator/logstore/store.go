// Package logstore keeps the local Lambda's function logs in memory, as
// CloudWatch Logs would hold them: log groups (/aws/lambda/NAME), one
// stream per execution environment, events in order. The store is bounded
// in bytes (the oldest events go first), never blocks its writers, and
// feeds live subscribers.
package logstore

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultLimit is the default number of bytes of log events the local
// Lambda keeps in memory; beyond it the oldest events are dropped.
const DefaultLimit = 64 << 20

// eventOverhead approximates the memory an event costs besides its
// message; streamOverhead what a stream costs besides its events.
const (
	eventOverhead  = 64
	streamOverhead = 256
)

// Event is one log line of a function, as CloudWatch Logs stores it.
type Event struct {
	// Group is the log group, /aws/lambda/NAME.
	Group string
	// Stream is the log stream, YYYY/MM/DD/[$LATEST]<32 hex>: one per execution environment.
	Stream string
	// Timestamp is when the line was written, in milliseconds since the epoch.
	Timestamp int64
	// Ingestion is when the line was stored, in milliseconds since the epoch.
	Ingestion int64
	// Message is the line without its newline.
	Message string
	// ID increases with every stored event across the store.
	ID uint64
}

// StreamInfo describes a log stream.
type StreamInfo struct {
	Group, Name                    string
	Created, FirstEvent, LastEvent int64 // ms since the epoch; zero when empty
	LastIngestion                  int64
	StoredEvents                   int
}

// Store keeps the log groups, streams and events of the local Lambda in
// memory. Its size is bounded: when the events' bytes exceed the limit the
// oldest events, whatever their stream, are dropped, and the streams of
// environments that are gone are deleted once empty. Writers never block
// on readers: subscribers that fall behind lose events (and are told how
// many), functions never wait.
type Store struct {
	mu      sync.Mutex
	limit   int64
	size    int64
	dropped int64
	seq     uint64
	groups  map[string]*logGroup
	fifo    []*Stream // one entry per stored event, oldest first, from head
	head    int
	subs    map[*Subscription]struct{}
}

type logGroup struct {
	name    string
	created int64
	streams map[string]*Stream
}

// Stream is one log stream, written through the Store.
type Stream struct {
	group      *logGroup
	name       string
	created    int64
	events     []Event
	head       int // events[:head] were dropped
	first      int64
	last       int64
	lastIngest int64
	retired    bool // its environment is gone: it is deleted once empty
}

// New returns a store keeping at most limit bytes of events
// (DefaultLimit when limit <= 0).
func New(limit int64) *Store {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Store{limit: limit, groups: map[string]*logGroup{}, subs: map[*Subscription]struct{}{}}
}

// Stream returns the stream, creating it and its group as needed.
func (s *Store) Stream(group, name string) *Stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UnixMilli()
	g := s.groups[group]
	if g == nil {
		g = &logGroup{name: group, created: now, streams: map[string]*Stream{}}
		s.groups[group] = g
	}
	st := g.streams[name]
	if st == nil {
		st = &Stream{group: g, name: name, created: now}
		g.streams[name] = st
		s.size += streamOverhead
	}
	return st
}

// Retire marks a stream whose environment is gone: once its last event
// is dropped, the stream goes too, so that a run of short-lived
// environments cannot grow the store without bound.
func (s *Store) Retire(st *Stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.retired = true
	s.deleteIfEmptyLocked(st)
	for s.size > s.limit && s.head < len(s.fifo) {
		s.evictOldest()
	}
}

func (s *Store) deleteIfEmptyLocked(st *Stream) {
	if st.retired && st.head == len(st.events) && st.group.streams[st.name] == st {
		delete(st.group.streams, st.name)
		s.size -= streamOverhead
	}
}

// Append stores one line written at ts.
func (s *Store) Append(st *Stream, ts time.Time, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	ev := Event{
		Group:     st.group.name,
		Stream:    st.name,
		Timestamp: ts.UnixMilli(),
		Ingestion: time.Now().UnixMilli(),
		Message:   msg,
		ID:        s.seq,
	}
	st.events = append(st.events, ev)
	if st.first == 0 {
		st.first = ev.Timestamp
	}
	st.last, st.lastIngest = ev.Timestamp, ev.Ingestion
	s.fifo = append(s.fifo, st)
	s.size += int64(len(msg)) + eventOverhead
	for s.size > s.limit && s.head < len(s.fifo) {
		s.evictOldest()
	}
	for sub := range s.subs {
		sub.offer(ev)
	}
}

func (s *Store) evictOldest() {
	st := s.fifo[s.head]
	s.fifo[s.head] = nil
	s.head++
	if s.head > 4096 && s.head*2 > len(s.fifo) {
		s.fifo = slices.Clone(s.fifo[s.head:])
		s.head = 0
	}
	ev := &st.events[st.head]
	s.size -= int64(len(ev.Message)) + eventOverhead
	*ev = Event{}
	st.head++
	switch {
	case st.head == len(st.events):
		st.events, st.head = nil, 0
		s.deleteIfEmptyLocked(st)
	case st.head > 1024 && st.head*2 > len(st.events):
		st.events = slices.Clone(st.events[st.head:])
		st.head = 0
	}
	s.dropped++
}

// Size returns the bytes held and the number of events dropped so far to
// stay within the limit.
func (s *Store) Size() (bytes, dropped int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size, s.dropped
}

// Groups lists the log group names in order.
func (s *Store) Groups() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.groups))
	for name := range s.groups {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Streams lists the streams of a group, oldest first.
func (s *Store) Streams(group string) []StreamInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[group]
	if g == nil {
		return nil
	}
	out := make([]StreamInfo, 0, len(g.streams))
	for _, st := range g.streams {
		out = append(out, StreamInfo{
			Group: group, Name: st.name, Created: st.created,
			FirstEvent: st.first, LastEvent: st.last, LastIngestion: st.lastIngest,
			StoredEvents: len(st.events) - st.head,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Created != out[j].Created {
			return out[i].Created < out[j].Created
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Events returns a copy of the stored events of one stream, oldest first.
func (s *Store) Events(group, stream string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[group]
	if g == nil || g.streams[stream] == nil {
		return nil
	}
	st := g.streams[stream]
	return slices.Clone(st.events[st.head:])
}

// Subscribe returns a subscription that receives every event stored from
// now on in the given group ("" for all groups). Its channel holds up to
// buffer events; when it is full, new events are dropped for this
// subscriber and counted. Close it when done.
func (s *Store) Subscribe(group string, buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	c := make(chan Event, buffer)
	sub := &Subscription{C: c, c: c, group: group, store: s}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	return sub
}

// Subscription is a live feed of a Store's new events.
type Subscription struct {
	// C receives the events. It is closed by Close.
	C <-chan Event

	c       chan Event
	group   string
	store   *Store
	dropped atomic.Int64
	once    sync.Once
}

func (sub *Subscription) offer(ev Event) {
	if sub.group != "" && sub.group != ev.Group {
		return
	}
	select {
	case sub.c <- ev:
	default:
		sub.dropped.Add(1)
	}
}

// Dropped returns how many events this subscriber missed because its
// channel was full.
func (sub *Subscription) Dropped() int64 { return sub.dropped.Load() }

// Close ends the subscription and closes C. It is safe to call twice.
func (sub *Subscription) Close() {
	sub.once.Do(func() {
		sub.store.mu.Lock()
		delete(sub.store.subs, sub)
		sub.store.mu.Unlock()
		close(sub.c)
	})
}
