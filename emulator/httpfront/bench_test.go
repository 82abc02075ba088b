package httpfront

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// memInvoker answers every invocation with the same payload, in memory.
type memInvoker struct{ payload []byte }

func (m memInvoker) Invoke(_ context.Context, _ string, _ []byte) (Result, error) {
	return Result{Payload: m.payload}, nil
}

// discard is a ResponseWriter that keeps nothing but its header map.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header { return d.h }
func (d *discard) WriteHeader(s int)   { d.status = s }
func (d *discard) Write(b []byte) (int, error) {
	d.n += len(b)
	return len(b), nil
}

// roundTrip is one request through ServeHTTP, reusable without
// allocating: the request and its body reader are reset each time.
type roundTrip struct {
	h    *Handler
	req  *http.Request
	body *bytes.Reader
	raw  []byte
	w    *discard
}

func newRoundTrip(method, target, contentType string, body []byte, response string) *roundTrip {
	rt := &roundTrip{h: New(memInvoker{[]byte(response)}), raw: body, w: &discard{h: http.Header{}}}
	rt.body = bytes.NewReader(body)
	rt.req = httptest.NewRequest(method, target, io.NopCloser(rt.body))
	rt.req.ContentLength = int64(len(body))
	rt.req.RemoteAddr = "192.0.2.10:53124"
	rt.req.Host = "localhost:9001"
	rt.req.Header = http.Header{
		"User-Agent":      {"Go-http-client/1.1"},
		"Accept-Encoding": {"gzip"},
		"Accept":          {"*/*"},
	}
	if contentType != "" {
		rt.req.Header["Content-Type"] = []string{contentType}
	}
	if len(body) == 0 {
		rt.req.Body = http.NoBody
	}
	return rt
}

func (rt *roundTrip) run() {
	rt.body.Reset(rt.raw)
	clear(rt.w.h)
	rt.w.status, rt.w.n = 0, 0
	rt.h.ServeHTTP(rt.w, rt.req)
}

var benchCases = []struct {
	name                                       string
	method, target, contentType, body, respond string
}{
	{"GET/inferred", "GET", "/hello/items/42?verbose=1&tag=a&tag=b", "", "", `{"ok":true,"items":[1,2,3]}`},
	{"GET/structured", "GET", "/hello/items/42", "", "",
		`{"statusCode":200,"headers":{"content-type":"application/json","cache-control":"no-store"},"body":"{\"id\":42,\"name\":\"widget\"}"}`},
	{"POST/json-1KiB", "POST", "/hello/items", "application/json", `{"data":"` + strings.Repeat("x", 1000) + `"}`,
		`{"statusCode":201,"headers":{"content-type":"application/json"},"body":"{\"created\":true}"}`},
	{"POST/binary-1KiB", "POST", "/hello/upload", "application/octet-stream", strings.Repeat("\x00\xff", 512),
		`{"statusCode":200,"body":"AAEC","isBase64Encoded":true}`},
}

// BenchmarkServeHTTP is one request round trip through the handler with an
// in-memory Invoker: parsing the request, writing the event, reading the
// function's response and writing the HTTP response (to a ResponseWriter
// that discards it).
func BenchmarkServeHTTP(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			rt := newRoundTrip(bc.method, bc.target, bc.contentType, []byte(bc.body), bc.respond)
			rt.run()
			if rt.w.status/100 != 2 {
				b.Fatalf("status %d", rt.w.status)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rt.run()
			}
		})
	}
}

// BenchmarkLoopback is the same round trip over a loopback TCP connection,
// net/http server and client included, for scale.
func BenchmarkLoopback(b *testing.B) {
	srv := httptest.NewServer(New(memInvoker{[]byte(benchCases[0].respond)}))
	defer srv.Close()
	c := srv.Client()
	url := srv.URL + benchCases[0].target
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// TestAllocs bounds the allocations of a round trip, so that a change that
// adds some is noticed.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	for _, tc := range []struct {
		bench int
		max   float64
	}{
		{0, 3}, // GET, inferred response: request id, request, payload
		{1, 6}, // GET, structured response: + two header values and their slice
		{2, 5}, // POST JSON, structured response: + one header value and its slice
		{3, 3}, // POST binary, base64 response
	} {
		bc := benchCases[tc.bench]
		rt := newRoundTrip(bc.method, bc.target, bc.contentType, []byte(bc.body), bc.respond)
		if n := testing.AllocsPerRun(200, rt.run); n > tc.max {
			t.Errorf("%s: %v allocations a request, want at most %v", bc.name, n, tc.max)
		}
	}
}
