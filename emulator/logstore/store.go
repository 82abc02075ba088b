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

// Chunk sizes, in events: a stream's chunks start small (most environments
// write a few lines) and double up to maxChunk.
const (
	minChunk = 8
	maxChunk = 512
)

// A stream's first chunk is replaced by a copy of its live part once this
// many of its bytes, or most of it (and at least compactEvents events),
// are evicted: evicted events cannot be cleared in place (a reader may be
// looking at them), so this bounds the memory they hold.
const (
	compactBytes  = 64 << 10
	compactEvents = 64
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
	// Group and Name name the stream.
	Group, Name string
	// Created is when the stream was created; FirstEvent and LastEvent
	// are the timestamps of its first and newest events ever (zero before
	// any). All are in ms since the epoch.
	Created, FirstEvent, LastEvent int64
	// LastIngestion is when its newest event was stored (ms since the epoch).
	LastIngestion int64
	// StoredEvents counts the events it holds now.
	StoredEvents int
	// StoredBytes is the size of the stored events' messages.
	StoredBytes int64
}

// GroupInfo describes a log group.
type GroupInfo struct {
	// Name is the group's name, /aws/lambda/NAME.
	Name string
	// Created is when the group's first stream was created, in ms since the epoch.
	Created int64
	// Streams counts the group's streams.
	Streams int
	// StoredEvents counts the events stored in the group's streams.
	StoredEvents int64
	// StoredBytes is the size of those events' messages.
	StoredBytes int64
}

// Store keeps the log groups, streams and events of the local Lambda in
// memory. Its size is bounded: when the events' bytes exceed the limit the
// oldest events, whatever their stream, are dropped, and the streams of
// environments that are gone are deleted once empty. Writers never block
// on readers: subscribers that fall behind lose events (and are told how
// many), functions never wait, and readers scan snapshots without the lock.
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
	events  int64 // stored events
	bytes   int64 // their messages' bytes
}

// Stream is one log stream, written through the Store.
//
// Its events live in chunks; an event's absolute index is its position
// among all the events ever appended to the stream, so that an index
// stays valid as older events are evicted.
type Stream struct {
	group    *logGroup
	name     string
	created  int64
	chunks   []chunk // chunks[0] holds the event at index head
	head     int64   // index of the oldest stored event
	n        int64   // index of the next event: events ever appended
	lastID   uint64  // ID of the newest event ever appended
	bytes    int64   // message bytes of the stored events
	headDead int64   // message bytes of evicted events still in chunks[0]
	first    int64
	last     int64
	lastTS   int64 // timestamp of the newest event, to notice disorder
	unsorted bool  // some event has an older timestamp than the one before
	lastIng  int64
	retired  bool // its environment is gone: it is deleted once empty
}

// chunk holds consecutive events of a stream from index start. Its slots
// below len(ev) are never written again once a view may see them.
type chunk struct {
	start int64
	ev    []Event
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
	if st.retired && st.head == st.n && st.group.streams[st.name] == st {
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
	if len(st.chunks) == 0 || len(st.chunks[len(st.chunks)-1].ev) == cap(st.chunks[len(st.chunks)-1].ev) {
		size := minChunk
		if k := len(st.chunks); k > 0 {
			size = min(max(2*cap(st.chunks[k-1].ev), minChunk), maxChunk)
		}
		st.chunks = append(st.chunks, chunk{start: st.n, ev: make([]Event, 0, size)})
	}
	c := &st.chunks[len(st.chunks)-1]
	c.ev = append(c.ev, ev) // a slot past every view's end
	if st.first == 0 {
		st.first = ev.Timestamp
	}
	if st.n > 0 && ev.Timestamp < st.lastTS {
		st.unsorted = true
	}
	st.n++
	st.lastID = ev.ID
	st.last, st.lastTS, st.lastIng = ev.Timestamp, ev.Timestamp, ev.Ingestion
	st.bytes += int64(len(msg))
	st.group.events++
	st.group.bytes += int64(len(msg))
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
	c := &st.chunks[0]
	n := int64(len(c.ev[st.head-c.start].Message))
	s.size -= n + eventOverhead
	st.bytes -= n
	st.group.events--
	st.group.bytes -= n
	st.head++
	st.headDead += n
	dead := st.head - c.start
	switch {
	case dead == int64(len(c.ev)):
		// Every event of the first chunk is gone: drop the chunk (if it
		// was the last one, the next append opens a new one).
		st.chunks[0] = chunk{}
		st.chunks = st.chunks[1:]
		if len(st.chunks) == 0 {
			st.chunks = nil
		}
		st.headDead = 0
	case st.headDead >= compactBytes || (dead >= compactEvents && dead*2 >= int64(len(c.ev))):
		// Views may still read the old chunk; give the stream a copy of
		// its live part so that the evicted messages can be freed. The
		// copy is full, so appends open a new chunk.
		live := make([]Event, len(c.ev)-int(dead))
		copy(live, c.ev[dead:])
		*c = chunk{start: st.head, ev: live}
		st.headDead = 0
	}
	if st.head == st.n {
		s.deleteIfEmptyLocked(st)
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

// GroupInfos describes every log group, in name order.
func (s *Store) GroupInfos() []GroupInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]GroupInfo, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Group describes one log group; ok is false when there is no such group.
func (s *Store) Group(name string) (info GroupInfo, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[name]
	if g == nil {
		return GroupInfo{}, false
	}
	return g.info(), true
}

func (g *logGroup) info() GroupInfo {
	return GroupInfo{Name: g.name, Created: g.created, Streams: len(g.streams), StoredEvents: g.events, StoredBytes: g.bytes}
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
		out = append(out, st.info())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Created != out[j].Created {
			return out[i].Created < out[j].Created
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (st *Stream) info() StreamInfo {
	return StreamInfo{
		Group: st.group.name, Name: st.name, Created: st.created,
		FirstEvent: st.first, LastEvent: st.last, LastIngestion: st.lastIng,
		StoredEvents: int(st.n - st.head), StoredBytes: st.bytes,
	}
}

// Events returns a copy of the stored events of one stream, oldest first.
func (s *Store) Events(group, stream string) []Event {
	s.mu.Lock()
	g := s.groups[group]
	if g == nil || g.streams[stream] == nil {
		s.mu.Unlock()
		return nil
	}
	v := g.streams[stream].viewLocked()
	s.mu.Unlock()
	out := make([]Event, 0, v.end-v.start)
	for _, ev := range v.Events(v.start, v.end) {
		out = append(out, *ev)
	}
	return out
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
