package logsapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator/logstore"
)

// bigEvents is the size of the store the benchmarks and the latency test
// query: about what the default 64 MB store holds of 60-byte lines.
const bigEvents = 500_000

var big struct {
	once   sync.Once
	store  *logstore.Store
	h      http.Handler
	errors int // events with ERROR
}

// bigStore fills a store like a busy function's: 20 environments writing
// in turn, one line a millisecond, one in a thousand an ERROR.
func bigStore() (*logstore.Store, http.Handler) {
	big.once.Do(func() {
		s := logstore.New(128 << 20) // room for the latency test's writes too
		streams := make([]*logstore.Stream, 20)
		for i := range streams {
			streams[i] = s.Stream(helloGroup, fmt.Sprintf("2026/01/01/[$LATEST]%032x", i))
		}
		for i := range bigEvents {
			level := "INFO"
			if i%1000 == 999 {
				level = "ERROR"
				big.errors++
			}
			s.Append(streams[i%len(streams)], time.UnixMilli(t0+int64(i)), fmt.Sprintf("%s request %07d served in %3d ms by worker", level, i, i%997))
		}
		big.store, big.h = s, Handler(s)
	})
	return big.store, big.h
}

// call serves one Logs API call in-process and decodes its answer.
func call(tb testing.TB, h http.Handler, op, body string, out any) {
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", TargetPrefix+op)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		tb.Fatalf("%s %s: %d %s", op, body, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			tb.Fatal(err)
		}
	}
}

type filterPage struct {
	Events    []filteredLogEvent `json:"events"`
	NextToken string             `json:"nextToken"`
}

func TestBigStoreQueries(t *testing.T) {
	s, h := bigStore()
	if _, dropped := s.Size(); dropped != 0 {
		t.Fatalf("the big store dropped %d events", dropped)
	}
	var page filterPage
	call(t, h, "FilterLogEvents", `{"logGroupName":"/aws/lambda/hello","filterPattern":"ERROR"}`, &page)
	if len(page.Events) != big.errors || page.NextToken != "" {
		t.Errorf("ERROR: %d events, want %d", len(page.Events), big.errors)
	}
	// Pages through the last 55,000 events, in order, 10,000 a page.
	n, pages := 0, 0
	token := ""
	prev := int64(-1)
	for {
		body := fmt.Sprintf(`{"logGroupName":"/aws/lambda/hello","startTime":%d`, t0+bigEvents-55_000)
		if token != "" {
			body += `,"nextToken":"` + token + `"`
		}
		page = filterPage{}
		call(t, h, "FilterLogEvents", body+"}", &page)
		for _, e := range page.Events {
			if e.Timestamp <= prev {
				t.Fatalf("timestamp %d after %d", e.Timestamp, prev)
			}
			prev = e.Timestamp
		}
		n += len(page.Events)
		pages++
		if token = page.NextToken; token == "" {
			break
		}
	}
	if n != 55_000 || pages != 6 || prev != t0+bigEvents-1 {
		t.Errorf("%d events in %d pages, the last at %d", n, pages, prev-t0)
	}
}

// TestAppendLatencyDuringQueries runs whole-store queries back to back
// while a function writes: a write must never wait for a query (the
// store's lock is held for a snapshot of a few thousand words, not for
// the scan). The bounds are generous; the point is that an Append takes
// nothing like a scan.
func TestAppendLatencyDuringQueries(t *testing.T) {
	s, h := bigStore()
	w := s.Stream("/aws/lambda/writer", "w")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var queries atomic.Int64
	var scanNanos atomic.Int64
	// One querier per core but the writer's.
	for range max(runtime.GOMAXPROCS(0)-1, 1) {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				began := time.Now()
				// Matches nothing: every call reads all 500,000 events.
				call(t, h, "FilterLogEvents", `{"logGroupName":"/aws/lambda/hello","filterPattern":"\"no such phrase\""}`, nil)
				scanNanos.Add(int64(time.Since(began)))
				queries.Add(1)
			}
		})
	}
	var lat []time.Duration
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) || queries.Load() < 4 {
		began := time.Now()
		s.Append(w, time.Now(), "a line written while queries run")
		lat = append(lat, time.Since(began))
		time.Sleep(20 * time.Microsecond)
	}
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	scan := time.Duration(scanNanos.Load() / queries.Load())
	p50, p99, worst := lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	t.Logf("%d appends during %d whole-store queries (%v each): p50 %v, p99 %v, max %v", len(lat), queries.Load(), scan, p50, p99, worst)
	if p99 > 20*time.Millisecond || worst > scan/2 && worst > 50*time.Millisecond {
		t.Errorf("Append p99 %v, max %v while queries take %v: writers wait for readers", p99, worst, scan)
	}
}

func BenchmarkFilterLogEvents(b *testing.B) {
	_, h := bigStore()
	var last filterPage
	call(b, h, "FilterLogEvents", `{"logGroupName":"/aws/lambda/hello","startTime":`+fmt.Sprint(t0+bigEvents-15_000)+`}`, &last)
	cases := []struct{ name, body string }{
		// The first 10,000 events (about 700 KB of JSON).
		{"first-page", `{"logGroupName":"/aws/lambda/hello"}`},
		// A page from a token deep into the store.
		{"page-from-token", `{"logGroupName":"/aws/lambda/hello","nextToken":"` + last.NextToken + `"}`},
		// Selective: every event is read, 500 match.
		{"term-500-hits", `{"logGroupName":"/aws/lambda/hello","filterPattern":"ERROR"}`},
		{"phrase-no-hit", `{"logGroupName":"/aws/lambda/hello","filterPattern":"\"no such phrase\""}`},
		{"terms-any-not", `{"logGroupName":"/aws/lambda/hello","filterPattern":"?ERROR ?WARN -worker"}`},
		{"regex", `{"logGroupName":"/aws/lambda/hello","filterPattern":"%request.00000[0-9]%"}`},
		{"json-on-text", `{"logGroupName":"/aws/lambda/hello","filterPattern":"{ $.level = \"ERROR\" }"}`},
		// One stream of 20, last minute.
		{"stream-time-range", `{"logGroupName":"/aws/lambda/hello","logStreamNames":["2026/01/01/[$LATEST]00000000000000000000000000000007"],"startTime":` + fmt.Sprint(t0+bigEvents-60_000) + `}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				call(b, h, "FilterLogEvents", c.body, nil)
			}
		})
	}
}

func BenchmarkGetLogEvents(b *testing.B) {
	_, h := bigStore()
	for b.Loop() {
		call(b, h, "GetLogEvents", `{"logGroupName":"/aws/lambda/hello","logStreamName":"2026/01/01/[$LATEST]00000000000000000000000000000003"}`, nil)
	}
}
