package httpfront

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

var stringSeeds = []string{
	"", "plain", `"quoted" \back\slash/`, "ctl\x00\x01\x1f\x7f\n\r\t\b\f", "é日本😀",
	"\u2028\u2029", "bad\xffutf8\xc3", "\xed\xa0\x80 (a surrogate in UTF-8)", "<html>&amp;",
}

// FuzzAppendString checks appendString against encoding/json: the same
// string comes back.
func FuzzAppendString(f *testing.F) {
	for _, s := range stringSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ours := appendString(nil, s)
		if !json.Valid(ours) {
			t.Fatalf("appendString(%q) = %s: not valid JSON", s, ours)
		}
		var got, want string
		if err := json.Unmarshal(ours, &got); err != nil {
			t.Fatal(err)
		}
		theirs, _ := json.Marshal(s)
		if err := json.Unmarshal(theirs, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("appendString(%q) decodes to %q, encoding/json's to %q", s, got, want)
		}
		if b := appendString(nil, []byte(s)); !bytes.Equal(b, ours) {
			t.Fatalf("appendString of []byte %q = %s, of string %s", s, b, ours)
		}
	})
}

// FuzzAppendUnescaped checks appendUnescaped against encoding/json on
// every valid JSON string.
func FuzzAppendUnescaped(f *testing.F) {
	for _, s := range stringSeeds {
		b, _ := json.Marshal(s)
		f.Add(string(b[1 : len(b)-1]))
	}
	for _, s := range []string{`\ud83d\ude00`, `\ud83d`, `\ude00\ud83d`, `\ud83dx`, `\ud83d\u0041`, `\/\"\\\b\f\n\r\t`, `\u00E9\u00e9`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		quoted := []byte(`"` + raw + `"`)
		if !json.Valid(quoted) {
			return
		}
		var want string
		if err := json.Unmarshal(quoted, &want); err != nil {
			t.Fatal(err)
		}
		if got := string(appendUnescaped(nil, []byte(raw))); got != want {
			t.Fatalf("appendUnescaped(%s) = %q, encoding/json: %q", raw, got, want)
		}
		text, _ := stringValue(nil, quoted)
		if string(text) != want {
			t.Fatalf("stringValue(%s) = %q, encoding/json: %q", quoted, text, want)
		}
	})
}

// FuzzWriteResponse checks that any payload gets an answer, and that a
// structured response aws-lambda-go decodes is answered as it reads it.
func FuzzWriteResponse(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":201,"headers":{"Content-Type":"application/json"},"body":"{\"a\":1}","cookies":["a=1"],"isBase64Encoded":false}`,
		`{"statusCode":200,"body":"AAEC","isBase64Encoded":true}`,
		`{"statusCode":200,"headers":{"x":1,"y":null}}`,
		`"text"`, `[{"statusCode":200}]`, `{"a":[1,{"b":"]}"}],"statusCode":404}`, `{`, `{"statusCode":`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		w := &discard{h: http.Header{}}
		sb := getBuf()
		defer putBuf(sb)
		writeResponse(w, &request{}, payload, sb)
		if w.status < 200 || w.status > 599 {
			t.Fatalf("%s: status %d", payload, w.status)
		}
		if w.status == http.StatusBadGateway {
			return
		}
		if !json.Valid(payload) {
			t.Fatalf("%s: invalid JSON answered %d", payload, w.status)
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(payload, &probe) != nil || probe["statusCode"] == nil || string(probe["statusCode"]) == "null" {
			if w.status != 200 || w.n != len(payload) || w.h.Get("Content-Type") != "application/json" {
				t.Fatalf("%s: inferred format answered %d, %d bytes, %q", payload, w.status, w.n, w.h.Get("Content-Type"))
			}
			return
		}
		for k := range probe {
			for _, name := range []string{"statusCode", "headers", "body", "isBase64Encoded", "cookies"} {
				if k != name && strings.EqualFold(k, name) {
					return // encoding/json matches member names case-insensitively, a function URL does not
				}
			}
		}
		var resp events.LambdaFunctionURLResponse
		if err := json.Unmarshal(payload, &resp); err != nil {
			return // a shape aws-lambda-go would not take (e.g. a number header)
		}
		if resp.StatusCode != w.status {
			t.Fatalf("%s: status %d, aws-lambda-go reads %d", payload, w.status, resp.StatusCode)
		}
		body := []byte(resp.Body)
		if resp.IsBase64Encoded {
			body, _ = base64.StdEncoding.DecodeString(resp.Body)
		}
		if w.status != 204 && w.status != 304 && w.h.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Fatalf("%s: Content-Length %q, aws-lambda-go reads a body of %d bytes", payload, w.h.Get("Content-Length"), len(body))
		}
	})
}

// FuzzEvent checks that the event is valid JSON that carries the query,
// a header value and the body intact.
func FuzzEvent(f *testing.F) {
	f.Add("a=1&a=2&b=%41+c&&d", "value", []byte("body"), "text/plain")
	f.Add("x=%zz&y", "bad\xffutf8", []byte("\x00\xff"), "application/json")
	f.Add("", "", []byte(nil), "")
	f.Fuzz(func(t *testing.T, query, headerValue string, body []byte, contentType string) {
		r := httptest.NewRequest("POST", "/fn/p", nil)
		r.URL.RawQuery = query
		r.Header.Set("X-Value", headerValue)
		r.Header.Set("Content-Type", contentType)
		ev := appendEvent(nil, r, "/p", "fn", "id", body)
		var got events.LambdaFunctionURLRequest
		if err := json.Unmarshal(ev, &got); err != nil {
			t.Fatalf("%v\n%s", err, ev)
		}
		if utf8.ValidString(query) && got.RawQueryString != query {
			t.Fatalf("rawQueryString %q, want %q", got.RawQueryString, query)
		}
		if want, err := url.ParseQuery(query); err == nil && utf8.ValidString(query) {
			wantJoined := map[string]string{}
			for k, v := range want {
				wantJoined[k] = strings.Join(v, ",")
			}
			if len(wantJoined) == 0 {
				wantJoined = nil
			}
			if !maps.Equal(got.QueryStringParameters, wantJoined) && !(len(wantJoined) == 0 && len(got.QueryStringParameters) == 0) {
				t.Fatalf("%q: queryStringParameters %q, url.ParseQuery %q", query, got.QueryStringParameters, wantJoined)
			}
		}
		if utf8.ValidString(headerValue) && got.Headers["x-value"] != headerValue {
			t.Fatalf("x-value %q, want %q", got.Headers["x-value"], headerValue)
		}
		gotBody := []byte(got.Body)
		if got.IsBase64Encoded {
			gotBody, _ = base64.StdEncoding.DecodeString(got.Body)
		}
		if !bytes.Equal(gotBody, body) {
			t.Fatalf("body %q (base64 %v), want %q", gotBody, got.IsBase64Encoded, body)
		}
	})
}
