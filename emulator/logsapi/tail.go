package logsapi

import (
	"container/heap"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/lambench/lambench/emulator/logstore"
)

// The types of the live tail's lines.
const (
	// TailStart is the first line: the tail is subscribed.
	TailStart = "start"
	// TailEvent is one log event.
	TailEvent = "event"
	// TailLive follows the replay of stored events (at once without
	// since): every later event is new.
	TailLive = "live"
	// TailHeartbeat is sent when nothing else was for the heartbeat interval.
	TailHeartbeat = "heartbeat"
	// TailMissed counts events the client will never see because it fell
	// behind; it comes before the events that follow the gap.
	TailMissed = "missed"
)

// TailLine is one line of the live tail, for clients to decode every line
// into; Type says which fields are set (see the package documentation).
type TailLine struct {
	// Type is TailStart, TailEvent, TailLive, TailHeartbeat or TailMissed.
	Type string `json:"type"`
	// Time is the server's clock (ms since the epoch) on every line but events.
	Time int64 `json:"time,omitempty"`
	// Groups are the groups tailed (start; empty: all groups).
	Groups []string `json:"groups,omitempty"`
	// Filter is the filter pattern (start).
	Filter string `json:"filter,omitempty"`
	// Since is the since parameter, if any (start).
	Since *int64 `json:"since,omitempty"`
	// Replayed counts the stored events sent before the live line (live).
	Replayed int64 `json:"replayed,omitempty"`
	// Count is the number of events skipped (missed).
	Count int64 `json:"count,omitempty"`
	// Group is an event's log group.
	Group string `json:"group,omitempty"`
	// Stream is an event's log stream.
	Stream string `json:"stream,omitempty"`
	// Timestamp is when an event was written (ms since the epoch).
	Timestamp int64 `json:"timestamp,omitempty"`
	// IngestionTime is when an event was stored (ms since the epoch).
	IngestionTime int64 `json:"ingestionTime,omitempty"`
	// Message is an event's message.
	Message string `json:"message,omitempty"`
	// ID is an event's ID: it increases with every event the local Lambda
	// stores, across streams and groups.
	ID uint64 `json:"id,omitempty"`
}

// The exact shapes written, one per line type.
type (
	startLine struct {
		Type   string   `json:"type"`
		Time   int64    `json:"time"`
		Groups []string `json:"groups"`
		Filter string   `json:"filter"`
		Since  *int64   `json:"since,omitempty"`
	}
	eventLine struct {
		Type          string `json:"type"`
		Group         string `json:"group"`
		Stream        string `json:"stream"`
		Timestamp     int64  `json:"timestamp"`
		IngestionTime int64  `json:"ingestionTime"`
		Message       string `json:"message"`
		ID            uint64 `json:"id"`
	}
	liveLine struct {
		Type     string `json:"type"`
		Time     int64  `json:"time"`
		Replayed int64  `json:"replayed"`
	}
	timeLine struct {
		Type string `json:"type"`
		Time int64  `json:"time"`
	}
	missedLine struct {
		Type  string `json:"type"`
		Time  int64  `json:"time"`
		Count int64  `json:"count"`
	}
)

// tail is one client's live tail.
type tail struct {
	s       *server
	w       http.ResponseWriter
	rc      *http.ResponseController
	enc     *json.Encoder
	groups  []string
	streams []string
	prefix  *string
	pattern *Pattern
	since   *int64
	// cursors holds, per stream, the index of the next event to consider.
	cursors map[*logstore.Stream]int64
}

func (s *server) serveTail(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	t := &tail{s: s, w: w, rc: http.NewResponseController(w), groups: q["group"], streams: q["stream"], cursors: map[*logstore.Stream]int64{}}
	for _, g := range t.groups {
		if err := checkGroupName(&g, "group"); err != nil {
			writeError(w, err)
			return
		}
	}
	if q.Has("streamPrefix") {
		p := q.Get("streamPrefix")
		t.prefix = &p
	}
	if len(t.streams) > 0 && t.prefix != nil {
		writeError(w, invalidParam("Cannot specify both stream and streamPrefix."))
		return
	}
	if f := q.Get("filter"); f != "" {
		p, err := ParsePattern(f)
		if err != nil {
			writeError(w, invalidParam("%s", err.Error()))
			return
		}
		t.pattern = p
	}
	if q.Has("since") {
		v, err := strconv.ParseInt(q.Get("since"), 10, 64)
		if err != nil || v < 0 {
			writeError(w, invalidParam("since must be a time in milliseconds since the epoch, not %q", q.Get("since")))
			return
		}
		t.since = &v
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	t.enc = json.NewEncoder(w)
	t.enc.SetEscapeHTML(false)
	t.run(r.Context())
}

// run streams until the client goes away or a write fails.
func (t *tail) run(ctx context.Context) {
	subGroup := ""
	if len(t.groups) == 1 {
		subGroup = t.groups[0]
	}
	// Subscribe before the first snapshot: every event stored after it
	// wakes the tail up, so nothing falls between the replay and the live
	// part. The subscription only wakes; events are read from the store
	// by position, so a wake-up it drops loses nothing.
	sub := t.s.store.Subscribe(subGroup, 1)
	defer sub.Close()

	groups := t.groups
	if groups == nil {
		groups = []string{}
	}
	filter := ""
	if t.pattern != nil {
		filter = t.pattern.String()
	}
	if t.write(startLine{Type: TailStart, Time: now(), Groups: groups, Filter: filter, Since: t.since}) != nil {
		return
	}
	views := t.snapshot()
	for _, v := range views {
		t.cursors[v.Stream()] = v.End()
		if t.since != nil {
			t.cursors[v.Stream()] = v.Start()
		}
	}
	replayed, err := t.send(views, 0)
	if err != nil || t.write(liveLine{Type: TailLive, Time: now(), Replayed: replayed}) != nil || t.rc.Flush() != nil {
		return
	}
	timer := time.NewTimer(t.s.cfg.heartbeat)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.s.cfg.done:
			return
		case <-sub.C:
			n, err := t.catchUp()
			if err != nil {
				return
			}
			if n > 0 {
				if t.rc.Flush() != nil {
					return
				}
				timer.Reset(t.s.cfg.heartbeat)
			}
		case <-timer.C:
			if t.write(timeLine{Type: TailHeartbeat, Time: now()}) != nil || t.rc.Flush() != nil {
				return
			}
			timer.Reset(t.s.cfg.heartbeat)
		}
	}
}

func now() int64 { return time.Now().UnixMilli() }

func (t *tail) write(v any) error { return t.enc.Encode(v) }

// snapshot returns views of the streams tailed.
func (t *tail) snapshot() []*logstore.StreamView {
	var views []*logstore.StreamView
	if len(t.groups) == 0 {
		views = t.s.store.Snapshot("")
	} else {
		for _, g := range slices.Compact(slices.Sorted(slices.Values(t.groups))) {
			views = append(views, t.s.store.Snapshot(g)...)
		}
	}
	return selectStreams(views, t.streams, t.prefix)
}

// catchUp sends what was stored since the last time; it returns how many
// lines it wrote.
func (t *tail) catchUp() (int64, error) {
	views := t.snapshot()
	var missed, pending int64
	seen := make(map[*logstore.Stream]bool, len(views))
	for _, v := range views {
		st := v.Stream()
		seen[st] = true
		cur, known := t.cursors[st]
		if !known {
			cur = 0 // a stream born after the tail started: all of it is new
		}
		if v.Start() > cur {
			missed += v.Start() - cur // evicted before we read them
			cur = v.Start()
		}
		t.cursors[st] = cur
		pending += v.End() - cur
	}
	for st, cur := range t.cursors {
		if !seen[st] {
			// Deleted (retired, then emptied by eviction) since: whatever
			// it held past the cursor is lost.
			missed += max(t.s.store.View(st).End()-cur, 0)
			delete(t.cursors, st)
		}
	}
	skip := max(pending-int64(t.s.cfg.maxLag), 0)
	missed += skip
	lines := int64(0)
	if missed > 0 {
		if err := t.write(missedLine{Type: TailMissed, Time: now(), Count: missed}); err != nil {
			return 0, err
		}
		lines++
	}
	n, err := t.send(views, skip)
	return lines + n, err
}

// send writes, in ID order, the events of views from each stream's
// cursor to the view's end, after skipping the first skip of them; the
// cursors advance. It returns how many events it wrote.
func (t *tail) send(views []*logstore.StreamView, skip int64) (int64, error) {
	m := &idMerge{}
	for _, v := range views {
		if cur := t.cursors[v.Stream()]; cur < v.End() {
			m.heads = append(m.heads, mergeHead{v: v, i: cur, id: v.At(cur).ID})
		}
	}
	heap.Init(m)
	var sent int64
	for m.Len() > 0 {
		h := &m.heads[0]
		ev := h.v.At(h.i)
		h.i++
		t.cursors[h.v.Stream()] = h.i
		if h.i < h.v.End() {
			h.id = h.v.At(h.i).ID
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
		}
		if skip > 0 {
			skip--
			continue
		}
		if t.since != nil && ev.Timestamp < *t.since || !t.pattern.Match(ev.Message) {
			continue
		}
		if err := t.write(eventLine{Type: TailEvent, Group: ev.Group, Stream: ev.Stream, Timestamp: ev.Timestamp, IngestionTime: ev.Ingestion, Message: ev.Message, ID: ev.ID}); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// idMerge merges streams' events by ID.
type idMerge struct{ heads []mergeHead }

type mergeHead struct {
	v  *logstore.StreamView
	i  int64
	id uint64
}

func (m *idMerge) Len() int           { return len(m.heads) }
func (m *idMerge) Less(i, j int) bool { return m.heads[i].id < m.heads[j].id }
func (m *idMerge) Swap(i, j int)      { m.heads[i], m.heads[j] = m.heads[j], m.heads[i] }
func (m *idMerge) Push(x any)         { m.heads = append(m.heads, x.(mergeHead)) }
func (m *idMerge) Pop() any {
	x := m.heads[len(m.heads)-1]
	m.heads = m.heads[:len(m.heads)-1]
	return x
}

// TailQuery builds the query string of a live tail request: the groups
// (none: all groups), an optional filter pattern, and since (ms since the
// epoch; 0: live events only, no replay).
func TailQuery(groups []string, filter string, since int64) string {
	v := url.Values{}
	if len(groups) > 0 {
		v["group"] = groups
	}
	if filter != "" {
		v.Set("filter", filter)
	}
	if since > 0 {
		v.Set("since", strconv.FormatInt(since, 10))
	}
	return v.Encode()
}
