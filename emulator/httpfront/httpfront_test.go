package httpfront

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// fakeInvoker records every invocation and answers with respond.
type fakeInvoker struct {
	mu      sync.Mutex
	calls   []call
	respond func(function string, payload []byte) (Result, error)
	names   []string
}

type call struct {
	function  string
	payload   []byte
	requestID string
}

func (f *fakeInvoker) Invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	id, _ := RequestIDFromContext(ctx)
	f.mu.Lock()
	f.calls = append(f.calls, call{function, payload, id})
	f.mu.Unlock()
	if f.respond == nil {
		return Result{Payload: []byte(`{"statusCode":200}`)}, nil
	}
	return f.respond(function, payload)
}

func (f *fakeInvoker) last(t *testing.T) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("the function was not invoked")
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeInvoker) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// listingInvoker is a fakeInvoker that can name its functions.
type listingInvoker struct{ *fakeInvoker }

func (l listingInvoker) FunctionNames() []string { return l.names }

type statusErr struct {
	status int
	msg    string
}

func (e *statusErr) Error() string   { return e.msg }
func (e *statusErr) HTTPStatus() int { return e.status }

func newServer(t *testing.T, inv Invoker) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(inv))
	t.Cleanup(srv.Close)
	return srv
}

type result struct {
	resp  *http.Response
	body  []byte
	event events.LambdaFunctionURLRequest
	raw   map[string]any // the event as generic JSON
	call  call
}

// do sends a request to srv and returns the answer and, when the function
// was invoked, the event it got.
func do(t *testing.T, srv *httptest.Server, f *fakeInvoker, req *http.Request) result {
	t.Helper()
	before := f.count()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	res := result{resp: resp, body: body}
	if f.count() > before {
		res.call = f.last(t)
		if !json.Valid(res.call.payload) {
			t.Fatalf("the event is not valid JSON: %s", res.call.payload)
		}
		if err := json.Unmarshal(res.call.payload, &res.event); err != nil {
			t.Fatalf("unmarshal the event into events.LambdaFunctionURLRequest: %v\n%s", err, res.call.payload)
		}
		if err := json.Unmarshal(res.call.payload, &res.raw); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkContext checks the request context fields every event has.
func checkContext(t *testing.T, srv *httptest.Server, res result, function, method, rawPath string) {
	t.Helper()
	ev := res.event
	host := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := net.SplitHostPort(host)
	rc := ev.RequestContext
	if ev.Version != "2.0" {
		t.Errorf("version = %q", ev.Version)
	}
	if ev.RawPath != rawPath {
		t.Errorf("rawPath = %q, want %q", ev.RawPath, rawPath)
	}
	if rc.AccountID != "anonymous" {
		t.Errorf("accountId = %q", rc.AccountID)
	}
	if rc.APIID != URLID(function) || rc.DomainPrefix != URLID(function) {
		t.Errorf("apiId = %q, domainPrefix = %q, want %q", rc.APIID, rc.DomainPrefix, URLID(function))
	}
	if rc.DomainName != host {
		t.Errorf("domainName = %q, want %q", rc.DomainName, host)
	}
	if rc.Authorizer != nil {
		t.Errorf("authorizer = %+v, want none", rc.Authorizer)
	}
	if rc.HTTP.Method != method {
		t.Errorf("http.method = %q, want %q", rc.HTTP.Method, method)
	}
	if rc.HTTP.Path != rawPath {
		t.Errorf("http.path = %q, want %q", rc.HTTP.Path, rawPath)
	}
	if rc.HTTP.Protocol != "HTTP/1.1" {
		t.Errorf("http.protocol = %q", rc.HTTP.Protocol)
	}
	if rc.HTTP.SourceIP != "127.0.0.1" {
		t.Errorf("http.sourceIp = %q", rc.HTTP.SourceIP)
	}
	if rc.HTTP.UserAgent != res.event.Headers["user-agent"] {
		t.Errorf("http.userAgent = %q, header %q", rc.HTTP.UserAgent, res.event.Headers["user-agent"])
	}
	if !uuidRE.MatchString(rc.RequestID) {
		t.Errorf("requestId = %q, not a UUID v4", rc.RequestID)
	}
	if got := res.resp.Header.Get("X-Amzn-RequestId"); got != rc.RequestID {
		t.Errorf("x-amzn-RequestId = %q, requestId %q", got, rc.RequestID)
	}
	if res.call.requestID != rc.RequestID {
		t.Errorf("RequestIDFromContext = %q, requestId %q", res.call.requestID, rc.RequestID)
	}
	if res.call.function != function {
		t.Errorf("invoked %q, want %q", res.call.function, function)
	}
	tm, err := time.Parse(timeLayout, rc.Time)
	if err != nil {
		t.Errorf("time %q: %v", rc.Time, err)
	} else if !strings.HasSuffix(rc.Time, " +0000") {
		t.Errorf("time %q is not UTC", rc.Time)
	}
	if d := time.Since(time.UnixMilli(rc.TimeEpoch)); d < 0 || d > time.Minute {
		t.Errorf("timeEpoch %d is %v from now", rc.TimeEpoch, d)
	}
	if tm.Unix() != rc.TimeEpoch/1000 {
		t.Errorf("time %q and timeEpoch %d disagree", rc.Time, rc.TimeEpoch)
	}
	for _, k := range []string{"routeKey"} {
		if res.raw[k] != "$default" {
			t.Errorf("%s = %v", k, res.raw[k])
		}
	}
	rcRaw := res.raw["requestContext"].(map[string]any)
	if rcRaw["routeKey"] != "$default" || rcRaw["stage"] != "$default" {
		t.Errorf("requestContext routeKey, stage = %v, %v", rcRaw["routeKey"], rcRaw["stage"])
	}
	h := ev.Headers
	if h["host"] != host {
		t.Errorf("host header = %q, want %q", h["host"], host)
	}
	if h["x-forwarded-proto"] != "http" || h["x-forwarded-port"] != port {
		t.Errorf("x-forwarded-proto, -port = %q, %q, want http, %s", h["x-forwarded-proto"], h["x-forwarded-port"], port)
	}
	if _, ok := h["cookie"]; ok {
		t.Errorf("the cookie header is among the headers")
	}
	for k := range h {
		if k != strings.ToLower(k) {
			t.Errorf("header name %q is not lower case", k)
		}
	}
}

func TestGETWithQuery(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	req := newRequest(t, "GET", srv.URL+"/hello/my/path?a=1&a=2&b=x+y&c=%41%2C&flag&a=3&&d=", nil)
	req.Header.Set("User-Agent", "lambench-test/1")
	req.Header.Set("Accept", "application/json")
	res := do(t, srv, f, req)
	if res.resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.resp.StatusCode, res.body)
	}
	checkContext(t, srv, res, "hello", "GET", "/my/path")
	ev := res.event
	if ev.RawQueryString != "a=1&a=2&b=x+y&c=%41%2C&flag&a=3&&d=" {
		t.Errorf("rawQueryString = %q", ev.RawQueryString)
	}
	want := map[string]string{"a": "1,2,3", "b": "x y", "c": "A,", "flag": "", "d": ""}
	if !reflect.DeepEqual(ev.QueryStringParameters, want) {
		t.Errorf("queryStringParameters = %v, want %v", ev.QueryStringParameters, want)
	}
	if ev.Headers["user-agent"] != "lambench-test/1" || ev.Headers["accept"] != "application/json" {
		t.Errorf("headers = %v", ev.Headers)
	}
	if ev.Headers["x-forwarded-for"] != "127.0.0.1" {
		t.Errorf("x-forwarded-for = %q", ev.Headers["x-forwarded-for"])
	}
	if ev.Body != "" || ev.IsBase64Encoded {
		t.Errorf("body = %q, isBase64Encoded %v", ev.Body, ev.IsBase64Encoded)
	}
	if _, ok := res.raw["body"]; ok {
		t.Error("a request without a body has a body member")
	}
	if ev.Cookies != nil {
		t.Errorf("cookies = %q", ev.Cookies)
	}
	// The query's keys in the order sent.
	if i, j := bytes.Index(res.call.payload, []byte(`"a":`)), bytes.Index(res.call.payload, []byte(`"flag":`)); i < 0 || j < i {
		t.Errorf("query keys out of order: %s", res.call.payload)
	}
}

func TestNoQueryNoPath(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	for _, p := range []string{"/hello", "/hello/", "/hello?", "/hello/?"} {
		res := do(t, srv, f, newRequest(t, "GET", srv.URL+p, nil))
		checkContext(t, srv, res, "hello", "GET", "/")
		if res.event.RawQueryString != "" || res.event.QueryStringParameters != nil {
			t.Errorf("%s: rawQueryString %q, queryStringParameters %v", p, res.event.RawQueryString, res.event.QueryStringParameters)
		}
		if _, ok := res.raw["queryStringParameters"]; ok {
			t.Errorf("%s: queryStringParameters present", p)
		}
	}
}

func TestManyQueryParameters(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	var q []string
	want := map[string]string{}
	for i := range 100 {
		k := "k" + strconv.Itoa(i%40)
		v := strconv.Itoa(i)
		q = append(q, k+"="+v)
		if want[k] != "" {
			want[k] += ","
		}
		want[k] += v
	}
	res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/hello?"+strings.Join(q, "&"), nil))
	if !reflect.DeepEqual(res.event.QueryStringParameters, want) {
		t.Errorf("queryStringParameters = %v, want %v", res.event.QueryStringParameters, want)
	}
}

func TestPOSTJSON(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	body := `{"message":"héllo \"quoted\"\n","n":[1,2]}` + "\u2028"
	req := newRequest(t, "POST", srv.URL+"/api/items", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res := do(t, srv, f, req)
	checkContext(t, srv, res, "api", "POST", "/items")
	if res.event.Body != body || res.event.IsBase64Encoded {
		t.Errorf("body = %q (base64 %v), want %q", res.event.Body, res.event.IsBase64Encoded, body)
	}
	if res.event.Headers["content-type"] != "application/json; charset=utf-8" {
		t.Errorf("content-type = %q", res.event.Headers["content-type"])
	}
	if res.event.Headers["content-length"] != strconv.Itoa(len(body)) {
		t.Errorf("content-length = %q", res.event.Headers["content-length"])
	}
}

func TestBodyEncoding(t *testing.T) {
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	for _, tc := range []struct {
		contentType string
		body        []byte
		base64      bool
	}{
		{"application/octet-stream", binary, true},
		{"image/png", []byte("\x89PNG\r\n"), true},
		{"", []byte("plain"), true},
		{"application/x-www-form-urlencoded", []byte("a=1&b=2"), true},
		{"multipart/form-data; boundary=x", []byte("--x--"), true},
		{"application/vnd.api+json", []byte(`{}`), true},
		{"text/plain", []byte("caf\xe9"), true}, // not UTF-8
		{"text/plain", []byte("café"), false},
		{"TEXT/HTML; charset=utf-8", []byte("<p>&</p>"), false},
		{"text/csv", []byte("a,b\n1,2\n"), false},
		{"application/json", []byte(`[1]`), false},
		{"application/xml", []byte(`<a/>`), false},
		{"application/javascript", []byte(`f()`), false},
	} {
		f := &fakeInvoker{}
		srv := newServer(t, f)
		req := newRequest(t, "PUT", srv.URL+"/fn/upload", bytes.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		res := do(t, srv, f, req)
		checkContext(t, srv, res, "fn", "PUT", "/upload")
		if res.event.IsBase64Encoded != tc.base64 {
			t.Errorf("%q: isBase64Encoded = %v, want %v", tc.contentType, res.event.IsBase64Encoded, tc.base64)
		}
		got := []byte(res.event.Body)
		if res.event.IsBase64Encoded {
			var err error
			if got, err = base64.StdEncoding.DecodeString(res.event.Body); err != nil {
				t.Errorf("%q: body is not base64: %v", tc.contentType, err)
			}
		}
		if !bytes.Equal(got, tc.body) {
			t.Errorf("%q: body = %q, want %q", tc.contentType, got, tc.body)
		}
	}
}

func TestCookiesAndRepeatedHeaders(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	req := newRequest(t, "GET", srv.URL+"/fn/", nil)
	req.Header.Add("Cookie", "a=1; b=2;c=3")
	req.Header.Add("Cookie", " d=4 ;")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("x-multi", "two, three")
	req.Header.Add("X-Multi", "four")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Add("X-Forwarded-For", "198.51.100.1")
	req.Header.Set("X-Forwarded-Proto", "https") // the front's, not the client's
	req.Header.Set("X-Quote", `say "hi"`+"\t\\")
	res := do(t, srv, f, req)
	checkContext(t, srv, res, "fn", "GET", "/")
	if want := []string{"a=1", "b=2", "c=3", "d=4"}; !reflect.DeepEqual(res.event.Cookies, want) {
		t.Errorf("cookies = %q, want %q", res.event.Cookies, want)
	}
	h := res.event.Headers
	if h["x-multi"] != "one,two, three,four" {
		t.Errorf("x-multi = %q", h["x-multi"])
	}
	if h["x-forwarded-for"] != "203.0.113.9,198.51.100.1, 127.0.0.1" {
		t.Errorf("x-forwarded-for = %q", h["x-forwarded-for"])
	}
	if h["x-quote"] != `say "hi"`+"\t\\" {
		t.Errorf("x-quote = %q", h["x-quote"])
	}
}

func TestPercentEncodedPath(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	for _, tc := range []struct{ path, function, rawPath string }{
		{"/fn/a%2Fb/c%20d", "fn", "/a%2Fb/c%20d"},
		{"/fn/%41%42", "fn", "/%41%42"},
		{"/fn/caf%C3%A9/x", "fn", "/caf%C3%A9/x"},
		{"/my%2Dfn/x", "my-fn", "/x"},
		{"/fn//double//", "fn", "//double//"},
		{"/fn/a+b", "fn", "/a+b"},
	} {
		res := do(t, srv, f, newRequest(t, "GET", srv.URL+tc.path, nil))
		if res.resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", tc.path, res.resp.StatusCode)
		}
		checkContext(t, srv, res, tc.function, "GET", tc.rawPath)
	}
}

func TestMethods(t *testing.T) {
	for _, m := range []string{"HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"} {
		f := &fakeInvoker{respond: func(string, []byte) (Result, error) {
			return Result{Payload: []byte(`{"statusCode":200,"headers":{"content-type":"text/plain"},"body":"hello"}`)}, nil
		}}
		srv := newServer(t, f)
		res := do(t, srv, f, newRequest(t, m, srv.URL+"/fn/x", nil))
		checkContext(t, srv, res, "fn", m, "/x")
		if res.resp.StatusCode != 200 {
			t.Errorf("%s: status %d", m, res.resp.StatusCode)
		}
		wantBody := "hello"
		if m == "HEAD" {
			wantBody = ""
		}
		if string(res.body) != wantBody || res.resp.ContentLength != 5 {
			t.Errorf("%s: body %q, Content-Length %d", m, res.body, res.resp.ContentLength)
		}
	}
}

func TestHelp(t *testing.T) {
	f := &fakeInvoker{names: []string{"alpha", "beta"}}
	srv := newServer(t, listingInvoker{f})
	for _, p := range []string{"/", "//x", ""} {
		res := do(t, srv, f, newRequest(t, "GET", srv.URL+p, nil))
		if res.resp.StatusCode != 404 {
			t.Errorf("%q: status %d", p, res.resp.StatusCode)
		}
		if ct := res.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%q: Content-Type %q", p, ct)
		}
		b := string(res.body)
		if !strings.Contains(b, "/<function>/<path>?<query>") || !strings.Contains(b, "alpha") || !strings.Contains(b, "beta") {
			t.Errorf("%q: help = %q", p, b)
		}
	}
	if f.count() != 0 {
		t.Error("the help invoked a function")
	}
	// Without a FunctionLister: no list.
	srv2 := newServer(t, f)
	res := do(t, srv2, f, newRequest(t, "GET", srv2.URL+"/", nil))
	if res.resp.StatusCode != 404 || strings.Contains(string(res.body), "alpha") {
		t.Errorf("status %d, help %q", res.resp.StatusCode, res.body)
	}
}

// respondWith returns a fakeInvoker answering with payload.
func respondWith(payload string, functionError bool) *fakeInvoker {
	return &fakeInvoker{respond: func(string, []byte) (Result, error) {
		return Result{Payload: []byte(payload), FunctionError: functionError}, nil
	}}
}

func TestStructuredResponse(t *testing.T) {
	bin := []byte{0, 1, 2, 0xff, 0xfe, 'x'}
	payload := `{
		"statusCode": 201,
		"headers": {"content-type": "application/octet-stream", "X-Custom": "a,b", "x-num": 42, "x-bool": true,
			"x-esc\u0061ped": "v\"\u00e9\ud83d\ude00", "content-length": "999", "transfer-encoding": "chunked", "x-null": null},
		"cookies": ["Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", "Cookie_2=Value2; Max-Age=78000"],
		"body": "` + base64.StdEncoding.EncodeToString(bin) + `",
		"isBase64Encoded": true,
		"extra": {"ignored": [1, "]"]}
	}`
	f := respondWith(payload, false)
	srv := newServer(t, f)
	res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/fn", nil))
	r := res.resp
	if r.StatusCode != 201 {
		t.Fatalf("status %d: %s", r.StatusCode, res.body)
	}
	if !bytes.Equal(res.body, bin) {
		t.Errorf("body = %q, want %q", res.body, bin)
	}
	if r.ContentLength != int64(len(bin)) {
		t.Errorf("Content-Length = %d", r.ContentLength)
	}
	for k, want := range map[string]string{
		"Content-Type":     "application/octet-stream",
		"X-Custom":         "a,b",
		"X-Num":            "42",
		"X-Bool":           "true",
		"X-Escaped":        "v\"é😀",
		"X-Amzn-Requestid": res.event.RequestContext.RequestID,
	} {
		if got := r.Header.Values(k); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if _, ok := r.Header["X-Null"]; ok {
		t.Error("a null header was sent")
	}
	if len(r.TransferEncoding) != 0 {
		t.Errorf("Transfer-Encoding = %v", r.TransferEncoding)
	}
	wantCookies := []string{"Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT", "Cookie_2=Value2; Max-Age=78000"}
	if got := r.Header.Values("Set-Cookie"); !reflect.DeepEqual(got, wantCookies) {
		t.Errorf("Set-Cookie = %q, want %q", got, wantCookies)
	}
}

func TestStructuredResponseText(t *testing.T) {
	for _, tc := range []struct {
		payload, body, contentType string
		status                     int
	}{
		// aws-lambda-go's sample response.
		{`{"statusCode":201,"headers":{"Content-Type":"application/json","My-Custom-Header":"Custom Value"},"body":"{ \"message\": \"Hello, world!\" }","isBase64Encoded":false}`,
			`{ "message": "Hello, world!" }`, "application/json", 201},
		{`{"statusCode":404}`, "", "", 404},
		{`{"statusCode":200,"body":null,"headers":null,"cookies":null,"isBase64Encoded":null}`, "", "", 200},
		{`{"statusCode":500,"body":"\u00e9\n\ud800x","isBase64Encoded":false}`, "é\n\ufffdx", "", 500},
		{`{"statusCode":302,"headers":{"location":"/elsewhere"}}`, "", "", 302},
		{`{"statusCode":200,"body":"","isBase64Encoded":true}`, "", "", 200},
		{` {"statusCode" : 599 , "body" : "x" } `, "x", "", 599},
	} {
		f := respondWith(tc.payload, false)
		srv := newServer(t, f)
		req := newRequest(t, "GET", srv.URL+"/fn", nil)
		resp, err := (&http.Transport{}).RoundTrip(req) // no redirects
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s: status %d body %q, want %d %q", tc.payload, resp.StatusCode, body, tc.status, tc.body)
		}
		if ct, ok := resp.Header["Content-Type"]; tc.contentType == "" && ok {
			t.Errorf("%s: Content-Type %q, want none", tc.payload, ct)
		} else if tc.contentType != "" && resp.Header.Get("Content-Type") != tc.contentType {
			t.Errorf("%s: Content-Type %q, want %q", tc.payload, resp.Header.Get("Content-Type"), tc.contentType)
		}
		if tc.status == 302 && resp.Header.Get("Location") != "/elsewhere" {
			t.Errorf("Location = %q", resp.Header.Get("Location"))
		}
	}
}

func TestInferredResponse(t *testing.T) {
	for _, payload := range []string{
		`"Hello, world!"`,
		`{"message":"Hello, world!"}`,
		`{"StatusCode":201,"body":"x"}`, // member names are case-sensitive
		`{"statusCode":null,"body":"x"}`,
		`42`,
		`[1,2]`,
		`null`,
		`true`,
		" \n{\"a\":{\"statusCode\":201}}\n",
	} {
		f := respondWith(payload, false)
		srv := newServer(t, f)
		res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/fn", nil))
		if res.resp.StatusCode != 200 || string(res.body) != payload {
			t.Errorf("%s: status %d body %q", payload, res.resp.StatusCode, res.body)
		}
		if ct := res.resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", payload, ct)
		}
	}
}

func TestBadGateway(t *testing.T) {
	check := func(name string, f *fakeInvoker) {
		t.Helper()
		srv := newServer(t, f)
		res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/fn", nil))
		if res.resp.StatusCode != 502 || string(res.body) != "Internal Server Error" {
			t.Errorf("%s: status %d body %q, want 502 Internal Server Error", name, res.resp.StatusCode, res.body)
		}
		if res.resp.Header.Get("X-Amzn-Requestid") == "" {
			t.Errorf("%s: no x-amzn-RequestId", name)
		}
		for _, h := range []string{"X-Custom", "Set-Cookie"} {
			if _, ok := res.resp.Header[h]; ok {
				t.Errorf("%s: %s leaked into the 502", name, h)
			}
		}
	}
	check("function error", respondWith(`{"errorMessage":"boom","errorType":"Error","trace":[]}`, true))
	check("function error with a valid response", respondWith(`{"statusCode":200,"body":"ok"}`, true))
	for _, payload := range []string{
		``,
		`not json`,
		`{"statusCode":200`,
		`{"statusCode":"200"}`,
		`{"statusCode":200.0}`,
		`{"statusCode":2e2}`,
		`{"statusCode":-200}`,
		`{"statusCode":99}`,
		`{"statusCode":100}`,
		`{"statusCode":600}`,
		`{"statusCode":1000}`,
		`{"statusCode":true}`,
		`{"statusCode":200,"body":{"a":1}}`,
		`{"statusCode":200,"body":123}`,
		`{"statusCode":200,"body":"!!!","isBase64Encoded":true}`,
		`{"statusCode":200,"body":"x","isBase64Encoded":"true"}`,
		`{"statusCode":200,"headers":[],"body":"x"}`,
		`{"statusCode":200,"headers":"x"}`,
		`{"statusCode":200,"headers":{"X-Custom":"ok","x":{"a":1}}}`,
		`{"statusCode":200,"headers":{"X-Custom":"ok","x":["a"]}}`,
		`{"statusCode":200,"headers":{"X-Custom":"ok","bad name":"x"}}`,
		`{"statusCode":200,"headers":{"X-Custom":"ok","":"x"}}`,
		`{"statusCode":200,"cookies":"a=1"}`,
		`{"statusCode":200,"headers":{"X-Custom":"ok"},"cookies":["a=1",2]}`,
	} {
		check(payload, respondWith(payload, false))
	}
}

func TestInvokerErrors(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{&statusErr{429, "TooManyRequestsException: Rate Exceeded."}, 429, "TooManyRequestsException: Rate Exceeded."},
		{&statusErr{413, "RequestTooLargeException: too large"}, 413, "RequestTooLargeException: too large"},
		{&statusErr{500, "ServiceException: broken"}, 500, "ServiceException: broken"},
		{fmt.Errorf("wrapped: %w", &statusErr{429, "throttled"}), 429, "wrapped: throttled"},
		{errors.New("plain"), 500, "plain"},
		{&statusErr{302, "odd"}, 500, "odd"},
		{&statusErr{404, "ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"}, 404,
			"Function not found: nope. Functions: alpha, beta. Call a function with /<function>/<path>?<query>."},
	} {
		f := &fakeInvoker{names: []string{"alpha", "beta"}, respond: func(string, []byte) (Result, error) { return Result{}, tc.err }}
		srv := newServer(t, listingInvoker{f})
		res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/nope/x", nil))
		if res.resp.StatusCode != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, res.resp.StatusCode, tc.status)
		}
		var body struct{ Message string }
		if err := json.Unmarshal(res.body, &body); err != nil || body.Message != tc.msg {
			t.Errorf("%v: body %s, want Message %q", tc.err, res.body, tc.msg)
		}
		if ct := res.resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%v: Content-Type %q", tc.err, ct)
		}
		if res.resp.Header.Get("X-Amzn-Requestid") != res.call.requestID {
			t.Errorf("%v: x-amzn-RequestId %q, invoked with %q", tc.err, res.resp.Header.Get("X-Amzn-Requestid"), res.call.requestID)
		}
	}
	// 404 without a FunctionLister: the function is named, no list.
	f := &fakeInvoker{respond: func(string, []byte) (Result, error) { return Result{}, &statusErr{404, "not found"} }}
	srv := newServer(t, f)
	res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/nope", nil))
	if res.resp.StatusCode != 404 || !strings.Contains(string(res.body), "Function not found: nope.") || strings.Contains(string(res.body), "Functions:") {
		t.Errorf("status %d body %s", res.resp.StatusCode, res.body)
	}
}

func TestBodyLimit(t *testing.T) {
	f := &fakeInvoker{}
	srv := newServer(t, f)
	post := func(body io.Reader) (*http.Response, []byte) {
		t.Helper()
		req := newRequest(t, "POST", srv.URL+"/fn", body)
		req.Header.Set("Content-Type", "text/plain")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	// Exactly the limit: invoked.
	body := bytes.Repeat([]byte{'x'}, MaxRequestBody)
	if resp, b := post(bytes.NewReader(body)); resp.StatusCode != 200 {
		t.Fatalf("a body of %d bytes: status %d: %s", len(body), resp.StatusCode, b)
	}
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal(f.last(t).payload, &ev); err != nil || ev.Body != string(body) {
		t.Errorf("the body of the limit's size did not arrive intact (%v)", err)
	}

	// One byte over, with a Content-Length and chunked: 413, not invoked.
	n := f.count()
	big := append(body, 'x')
	for _, chunked := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(big)
		if chunked {
			r = io.MultiReader(r) // hides the length
		}
		resp, b := post(r)
		if resp.StatusCode != 413 {
			t.Errorf("chunked %v: status %d, want 413", chunked, resp.StatusCode)
		}
		var msg struct{ Message string }
		if json.Unmarshal(b, &msg); !strings.Contains(msg.Message, "6291456") {
			t.Errorf("chunked %v: body %s", chunked, b)
		}
		if resp.Header.Get("X-Amzn-Requestid") == "" {
			t.Errorf("chunked %v: no x-amzn-RequestId", chunked)
		}
	}
	if f.count() != n {
		t.Error("a body over the limit was invoked")
	}
}

// keys returns the paths of every member of a JSON object, nested ones as
// parent.child.
func keys(prefix string, v any, into map[string]bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, child := range m {
		into[prefix+k] = true
		keys(prefix+k+".", child, into)
	}
}

// TestEventKeysMatchSample checks that the event has the members of
// aws-lambda-go's function URL request sample: all of them, but the
// authorizer (a function URL with auth type NONE has none), plus the
// members real events have that aws-lambda-go does not model.
func TestEventKeysMatchSample(t *testing.T) {
	sample, err := os.ReadFile(sampleRequestPath(t))
	if err != nil {
		t.Fatal(err)
	}
	var sampleJSON any
	if err := json.Unmarshal(sample, &sampleJSON); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	keys("", sampleJSON, want)
	for k := range want {
		if strings.HasPrefix(k, "requestContext.authorizer") {
			delete(want, k)
		}
	}
	for _, k := range []string{"routeKey", "requestContext.routeKey", "requestContext.stage"} {
		want[k] = true
	}
	// A sample's headers and query parameters are data, not schema.
	prune := func(m map[string]bool) {
		for k := range m {
			if strings.HasPrefix(k, "headers.") || strings.HasPrefix(k, "queryStringParameters.") {
				delete(m, k)
			}
		}
	}
	prune(want)

	f := &fakeInvoker{}
	srv := newServer(t, f)
	req := newRequest(t, "POST", srv.URL+"/fn/my/path?parameter1=value1&parameter1=value2&parameter2=value", strings.NewReader("Hello from client!"))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Add("Cookie", "cookie1; cookie2")
	res := do(t, srv, f, req)
	got := map[string]bool{}
	keys("", res.raw, got)
	prune(got)
	if !reflect.DeepEqual(got, want) {
		var missing, extra []string
		for k := range want {
			if !got[k] {
				missing = append(missing, k)
			}
		}
		for k := range got {
			if !want[k] {
				extra = append(extra, k)
			}
		}
		slices.Sort(missing)
		slices.Sort(extra)
		t.Errorf("event members differ from the sample's: missing %v, extra %v", missing, extra)
	}

	// The values the sample shows for the same request.
	var s events.LambdaFunctionURLRequest
	if err := json.Unmarshal(sample, &s); err != nil {
		t.Fatal(err)
	}
	ev := res.event
	if ev.RawPath != s.RawPath || ev.RawQueryString != s.RawQueryString || !reflect.DeepEqual(ev.Cookies, s.Cookies) ||
		!reflect.DeepEqual(ev.QueryStringParameters, s.QueryStringParameters) || ev.Body != s.Body ||
		ev.IsBase64Encoded != s.IsBase64Encoded || ev.RequestContext.HTTP.Method != s.RequestContext.HTTP.Method ||
		ev.RequestContext.HTTP.Path != s.RequestContext.HTTP.Path || ev.RequestContext.HTTP.Protocol != s.RequestContext.HTTP.Protocol {
		t.Errorf("event %+v\ndiffers from the sample %+v", ev, s)
	}
}

// sampleRequestPath is aws-lambda-go's events/testdata/lambda-urls-request.json
// in the module cache, or the copy in testdata when the go command cannot
// say where the module is.
func sampleRequestPath(t *testing.T) string {
	const copyPath = "testdata/lambda-urls-request.json"
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	if err != nil {
		t.Logf("go list: %v; using %s", err, copyPath)
		return copyPath
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "events", "testdata", "lambda-urls-request.json")
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Logf("%v; using %s", err, copyPath)
		return copyPath
	}
	if c, err := os.ReadFile(copyPath); err != nil || !bytes.Equal(c, orig) {
		t.Errorf("%s differs from %s: copy it again", copyPath, p)
	}
	return p
}

func TestURLID(t *testing.T) {
	id := URLID("hello")
	if !regexp.MustCompile(`^[a-z2-7]{32}$`).MatchString(id) {
		t.Errorf("URLID = %q", id)
	}
	if URLID("hello") != id || URLID("hello2") == id {
		t.Error("URLID is not a stable function of the name")
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		b := newRequestID()
		id := string(b[:])
		if !uuidRE.MatchString(id) || seen[id] {
			t.Fatalf("request id %q: malformed or repeated", id)
		}
		seen[id] = true
	}
}

func TestStripPrefix(t *testing.T) {
	f := &fakeInvoker{}
	srv := httptest.NewServer(http.StripPrefix("/url", New(f)))
	t.Cleanup(srv.Close)
	res := do(t, srv, f, newRequest(t, "GET", srv.URL+"/url/fn/a%2Fb?x=1", nil))
	if res.resp.StatusCode != 200 || res.call.function != "fn" || res.event.RawPath != "/a%2Fb" || res.event.RawQueryString != "x=1" {
		t.Errorf("status %d, function %q, rawPath %q, rawQueryString %q", res.resp.StatusCode, res.call.function, res.event.RawPath, res.event.RawQueryString)
	}
}

func TestRequestIDFromDerivedContext(t *testing.T) {
	var got string
	f := &fakeInvoker{respond: func(string, []byte) (Result, error) { return Result{Payload: []byte(`{}`)}, nil }}
	h := New(invokerFunc(func(ctx context.Context, fn string, p []byte) (Result, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		got, _ = RequestIDFromContext(context.WithValue(ctx, struct{}{}, 1))
		return f.Invoke(ctx, fn, p)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/fn", nil))
	if want := w.Header().Get("X-Amzn-Requestid"); got == "" || got != want {
		t.Errorf("RequestIDFromContext = %q, x-amzn-RequestId %q", got, want)
	}
	if _, ok := RequestIDFromContext(context.Background()); ok {
		t.Error("RequestIDFromContext found an id in a context without one")
	}
}

// invokerFunc adapts a function to Invoker.
type invokerFunc func(ctx context.Context, function string, payload []byte) (Result, error)

func (f invokerFunc) Invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	return f(ctx, function, payload)
}

func TestNoHost(t *testing.T) {
	r := httptest.NewRequest("GET", "/fn/x", nil)
	r.Host = ""
	r.TLS = nil
	var ev events.LambdaFunctionURLRequest
	if err := json.Unmarshal(appendEvent(nil, r, "/x", "fn", "id", nil), &ev); err != nil {
		t.Fatal(err)
	}
	if want := URLID("fn") + ".lambda-url.us-east-1.on.aws"; ev.RequestContext.DomainName != want {
		t.Errorf("domainName = %q, want %q", ev.RequestContext.DomainName, want)
	}
	if ev.Headers["x-forwarded-port"] != "80" {
		t.Errorf("x-forwarded-port = %q", ev.Headers["x-forwarded-port"])
	}
}
