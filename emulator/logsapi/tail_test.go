package logsapi

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator/logstore"
)

// tailServer serves Handler and counts the requests in flight, to see
// tails end.
type tailServer struct {
	*httptest.Server
	active atomic.Int64
}

func newTailServer(t *testing.T, s *logstore.Store, opts ...Option) *tailServer {
	ts := &tailServer{}
	h := Handler(s, opts...)
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.active.Add(1)
		defer ts.active.Add(-1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// waitIdle waits for every request to have ended.
func (ts *tailServer) waitIdle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for ts.active.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d tail handlers still running after their clients went away", ts.active.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tailClient reads a tail one line at a time: a line is read from the
// connection only when the test asks for it, so a test that stops asking
// is a client that stops reading.
type tailClient struct {
	t      *testing.T
	cancel context.CancelFunc
	lines  chan TailLine
	done   chan struct{}
}

func openTail(t *testing.T, base, query string) *tailClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+TailPath+"?"+query, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		b, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("tail: %d %s", resp.StatusCode, b)
	}
	c := &tailClient{t: t, cancel: cancel, lines: make(chan TailLine), done: make(chan struct{})}
	go func() {
		defer close(c.lines)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var l TailLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("line %q: %v", sc.Text(), err)
				return
			}
			select {
			case c.lines <- l:
			case <-c.done:
				return
			}
		}
	}()
	t.Cleanup(c.close)
	return c
}

func (c *tailClient) close() {
	c.cancel()
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

func (c *tailClient) next() TailLine {
	c.t.Helper()
	select {
	case l, ok := <-c.lines:
		if !ok {
			c.t.Fatal("the tail ended")
		}
		return l
	case <-time.After(20 * time.Second):
		c.t.Fatal("no tail line for 20 s")
	}
	return TailLine{}
}

// until reads lines up to and including the first of type typ; it
// returns the events read.
func (c *tailClient) until(typ string) []TailLine {
	c.t.Helper()
	var evs []TailLine
	for {
		l := c.next()
		if l.Type == typ {
			return evs
		}
		if l.Type == TailEvent {
			evs = append(evs, l)
		}
	}
}

func ids(s *logstore.Store, group string) []uint64 {
	var out []uint64
	for _, v := range s.Snapshot(group) {
		for _, ev := range v.Events(v.Start(), v.End()) {
			out = append(out, ev.ID)
		}
	}
	slices.Sort(out)
	return out
}

func TestTailReplayThenLiveHasNoGapAndNoDuplicate(t *testing.T) {
	s := logstore.New(0)
	ts := newTailServer(t, s, WithTailMaxLag(1<<30)) // never skip: all must arrive
	streams := []*logstore.Stream{s.Stream(helloGroup, "a"), s.Stream(helloGroup, "b")}
	for i := range 2000 {
		s.Append(streams[i%2], time.UnixMilli(t0+int64(i)), fmt.Sprint("stored ", i))
	}
	// Writers keep appending (and open a new stream) while the tail
	// replays and goes live.
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range 2 {
		wg.Go(func() {
			<-start
			st := s.Stream(helloGroup, fmt.Sprint("new", w))
			for i := range 3000 {
				s.Append(st, time.Now(), fmt.Sprint("live ", w, " ", i))
				s.Append(streams[i%2], time.Now(), fmt.Sprint("old stream ", w, " ", i))
				if i%500 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	s.Append(s.Stream("/aws/lambda/other", "x"), time.Now(), "another group")
	close(start)
	c := openTail(t, ts.URL, TailQuery([]string{helloGroup}, "", 1))
	first := c.next()
	if first.Type != TailStart || !slices.Equal(first.Groups, []string{helloGroup}) || first.Since == nil || *first.Since != 1 || first.Time == 0 {
		t.Fatalf("first line %+v", first)
	}
	wg.Wait()
	want := ids(s, helloGroup)
	var got []uint64
	lives := 0
	for len(got) < len(want) {
		l := c.next()
		switch l.Type {
		case TailEvent:
			if l.Group != helloGroup || l.Stream == "" || l.Timestamp == 0 || l.IngestionTime == 0 || l.Message == "" {
				t.Fatalf("event %+v", l)
			}
			got = append(got, l.ID)
		case TailLive:
			lives++
			if l.Replayed < 2000 {
				t.Errorf("replayed %d, want at least the 2,000 stored before", l.Replayed)
			}
		case TailMissed:
			t.Fatalf("missed %d events with room for all", l.Count)
		}
	}
	if lives != 1 {
		t.Errorf("%d live lines", lives)
	}
	if !slices.Equal(got, want) {
		for i := range got {
			if i >= len(want) || got[i] != want[i] {
				t.Fatalf("event %d: id %d, want %d (a gap or a duplicate)", i, got[i], want[min(i, len(want)-1)])
			}
		}
	}
}

func TestTailFilterAndSince(t *testing.T) {
	s := logstore.New(0)
	ts := newTailServer(t, s)
	st := s.Stream(helloGroup, "a")
	s.Append(st, time.UnixMilli(t0), "ERROR too old")
	s.Append(st, time.UnixMilli(t0+10), "ERROR recent one")
	s.Append(st, time.UnixMilli(t0+20), "INFO recent")
	c := openTail(t, ts.URL, TailQuery([]string{helloGroup}, `ERROR -"skip me"`, t0+5))
	if l := c.next(); l.Type != TailStart || l.Filter != `ERROR -"skip me"` {
		t.Fatalf("start %+v", l)
	}
	replay := c.until(TailLive)
	if len(replay) != 1 || replay[0].Message != "ERROR recent one" || replay[0].Timestamp != t0+10 || replay[0].Stream != "a" {
		t.Fatalf("replay %+v", replay)
	}
	s.Append(st, time.Now(), "INFO live")
	s.Append(st, time.Now(), "ERROR skip me")
	s.Append(s.Stream(helloGroup, "b"), time.Now(), "ERROR live in a new stream")
	if l := c.next(); l.Type != TailEvent || l.Message != "ERROR live in a new stream" || l.Stream != "b" {
		t.Fatalf("live %+v", l)
	}
}

func TestTailAllGroupsWithoutSince(t *testing.T) {
	s := logstore.New(0)
	ts := newTailServer(t, s)
	s.Append(s.Stream("/aws/lambda/one", "x"), time.Now(), "before the tail")
	c := openTail(t, ts.URL, "")
	if l := c.next(); l.Type != TailStart || len(l.Groups) != 0 {
		t.Fatalf("start %+v", l)
	}
	if evs := c.until(TailLive); len(evs) != 0 {
		t.Fatalf("replayed %+v without since", evs)
	}
	s.Append(s.Stream("/aws/lambda/one", "x"), time.Now(), "one")
	s.Append(s.Stream("/aws/lambda/two", "y"), time.Now(), "two")
	a, b := c.next(), c.next()
	if a.Group != "/aws/lambda/one" || a.Message != "one" || b.Group != "/aws/lambda/two" || b.Message != "two" || a.ID >= b.ID {
		t.Errorf("events %+v %+v", a, b)
	}
	// Only some streams.
	c2 := openTail(t, ts.URL, "group=/aws/lambda/one&group=/aws/lambda/two&streamPrefix=y")
	c2.until(TailLive)
	s.Append(s.Stream("/aws/lambda/one", "x"), time.Now(), "not this stream")
	s.Append(s.Stream("/aws/lambda/two", "y"), time.Now(), "this stream")
	if l := c2.next(); l.Message != "this stream" {
		t.Errorf("stream prefix: %+v", l)
	}
}

func TestTailHeartbeat(t *testing.T) {
	s := logstore.New(0)
	ts := newTailServer(t, s, WithHeartbeat(30*time.Millisecond))
	c := openTail(t, ts.URL, "group=/aws/lambda/quiet")
	c.until(TailLive)
	for range 3 {
		if l := c.next(); l.Type != TailHeartbeat || l.Time == 0 {
			t.Fatalf("%+v", l)
		}
	}
}

func TestTailBadRequests(t *testing.T) {
	ts := newTailServer(t, logstore.New(0))
	for _, q := range []string{
		"filter=" + url.QueryEscape("user@example.com"),
		"since=yesterday",
		"since=-1",
		"group=" + url.QueryEscape("bad group"),
		"stream=a&streamPrefix=b",
	} {
		resp, err := http.Get(ts.URL + TailPath + "?" + q)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 400 || body["__type"] != "InvalidParameterException" || body["message"] == "" {
			t.Errorf("%s: %d %v", q, resp.StatusCode, body)
		}
	}
	if got := TailQuery([]string{"/aws/lambda/a", "/aws/lambda/b"}, `"x y"`, 5); got != "filter=%22x+y%22&group=%2Faws%2Flambda%2Fa&group=%2Faws%2Flambda%2Fb&since=5" {
		t.Errorf("TailQuery %s", got)
	}
}

// TestTailSlowClient stops reading while functions write: Append must not
// slow down, the client must be told exactly how many events it lost,
// and it must then catch up with the present.
func TestTailSlowClient(t *testing.T) {
	s := logstore.New(4 << 20)
	ts := newTailServer(t, s, WithTailMaxLag(2000))
	st := s.Stream(helloGroup, "a")
	c := openTail(t, ts.URL, "group="+url.QueryEscape(helloGroup))
	c.until(TailLive)

	// The client reads nothing from here on.
	const n = 100_000
	msg := strings.Repeat("m", 150)
	var worst time.Duration
	began := time.Now()
	for i := range n {
		t0 := time.Now()
		s.Append(st, time.Now(), fmt.Sprint(i, " ", msg))
		worst = max(worst, time.Since(t0))
	}
	took := time.Since(began)
	t.Logf("%d appends while the client read nothing: %v, the slowest %v", n, took, worst)
	if worst > 250*time.Millisecond {
		t.Errorf("an Append took %v while a tail client was not reading", worst)
	}
	_, dropped := s.Size()
	if dropped == 0 {
		t.Fatalf("the store evicted nothing: the test does not exercise eviction")
	}
	lastID := s.View(st).LastID()

	// Now it reads again: every event is either received or counted.
	var received, missed int64
	var prev uint64
	for prev != lastID {
		l := c.next()
		switch l.Type {
		case TailEvent:
			if l.ID <= prev {
				t.Fatalf("event %d after %d", l.ID, prev)
			}
			prev = l.ID
			received++
		case TailMissed:
			if l.Count <= 0 {
				t.Fatalf("missed %+v", l)
			}
			missed += l.Count
		}
	}
	t.Logf("received %d, told of %d missed", received, missed)
	if missed == 0 {
		t.Errorf("a client that stopped reading for %d events missed none", n)
	}
	if received+missed != n {
		t.Errorf("received %d + missed %d = %d, want %d", received, missed, received+missed, n)
	}
}

// TestTailEndsWithItsClient checks that a tail handler returns when its
// client goes away, whether it was waiting for events or blocked writing
// to a client that stopped reading.
func TestTailEndsWithItsClient(t *testing.T) {
	s := logstore.New(0)
	ts := newTailServer(t, s)
	idle := openTail(t, ts.URL, "group="+url.QueryEscape(helloGroup))
	idle.until(TailLive)
	stuck := openTail(t, ts.URL, "group="+url.QueryEscape(helloGroup))
	stuck.until(TailLive)
	// Fill stuck's connection until its handler blocks writing.
	st := s.Stream(helloGroup, "a")
	msg := strings.Repeat("z", 1000)
	for i := range 30_000 {
		s.Append(st, time.Now(), fmt.Sprint(i, msg))
	}
	for range 50 {
		idle.next()
	}
	if ts.active.Load() != 2 {
		t.Fatalf("%d handlers running", ts.active.Load())
	}
	idle.close()
	stuck.close()
	ts.waitIdle(t)
	// Appends still work, and nobody is left subscribed to them.
	s.Append(st, time.Now(), "after")
}

func TestTailEndsWhenTheServerIsDone(t *testing.T) {
	s := logstore.New(0)
	done := make(chan struct{})
	ts := newTailServer(t, s, WithDone(done))
	c := openTail(t, ts.URL, "group="+url.QueryEscape(helloGroup))
	c.until(TailLive)
	close(done)
	select {
	case _, ok := <-c.lines:
		if ok {
			t.Fatal("a line after the server was done")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the tail did not end when the server was done")
	}
	ts.waitIdle(t)
}
