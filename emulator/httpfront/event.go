package httpfront

import (
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

var errTooLarge = errors.New("request body too large")

var msgTooLarge = "Request must be smaller than " + strconv.Itoa(MaxRequestBody) + " bytes for the InvokeFunction operation"

// readBody appends r's body to dst, up to MaxRequestBody bytes (it
// stops reading, with errTooLarge, once past them).
func readBody(dst []byte, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return dst, nil
	}
	if r.ContentLength > 0 {
		// One byte more than announced, so that the read that meets
		// the end has room and needs no growing.
		dst = slices.Grow(dst, int(r.ContentLength)+1)
	}
	for {
		if len(dst) == cap(dst) {
			dst = slices.Grow(dst, 4096)
		}
		n, err := r.Body.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if len(dst) > MaxRequestBody {
			return dst, errTooLarge
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}

// timeLayout is the format of requestContext.time.
const timeLayout = "02/Jan/2006:15:04:05 -0700"

// appendEvent appends the Function URL event (payload format 2.0) of r.
func appendEvent(b []byte, r *http.Request, rawPath, function, id string, body []byte) []byte {
	rawQuery := r.URL.RawQuery
	b = append(b, `{"version":"2.0","routeKey":"$default","rawPath":`...)
	b = appendString(b, rawPath)
	b = append(b, `,"rawQueryString":`...)
	b = appendString(b, rawQuery)

	// cookies: the Cookie headers' pairs; the Cookie header is not
	// among the headers.
	cookies := r.Header["Cookie"]
	n := 0
	for _, v := range cookies {
		for v != "" {
			var c string
			c, v, _ = strings.Cut(v, ";")
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			if n == 0 {
				b = append(b, `,"cookies":[`...)
			} else {
				b = append(b, ',')
			}
			b = appendString(b, c)
			n++
		}
	}
	if n > 0 {
		b = append(b, ']')
	}

	sourceIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(sourceIP); err == nil {
		sourceIP = host
	}

	// headers: names in lower case, a repeated header's values joined
	// with ','. host, x-forwarded-for, x-forwarded-proto and
	// x-forwarded-port are set as the Function URL's front end sets them.
	b = append(b, `,"headers":{`...)
	first := true
	var forwardedFor []string
	for name, vals := range r.Header {
		switch name {
		case "Cookie", "Host", "X-Forwarded-Proto", "X-Forwarded-Port":
			continue
		case "X-Forwarded-For":
			forwardedFor = vals
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendLowerString(b, name)
		b = append(b, ':', '"')
		b = appendJoined(b, vals, ",")
		b = append(b, '"')
	}
	if !first {
		b = append(b, ',')
	}
	b = append(b, `"host":`...)
	b = appendString(b, r.Host)
	b = append(b, `,"x-forwarded-for":"`...)
	if len(forwardedFor) > 0 {
		b = appendJoined(b, forwardedFor, ",")
		b = append(b, ", "...)
	}
	b = appendEscaped(b, sourceIP)
	b = append(b, '"')
	b = append(b, `,"x-forwarded-port":"`...)
	b = appendPort(b, r)
	if r.TLS != nil {
		b = append(b, `","x-forwarded-proto":"https"}`...)
	} else {
		b = append(b, `","x-forwarded-proto":"http"}`...)
	}

	if rawQuery != "" {
		b = appendQuery(b, rawQuery)
	}

	urlID := URLID(function)
	b = append(b, `,"requestContext":{"accountId":"anonymous","apiId":"`...)
	b = append(b, urlID...)
	b = append(b, `","domainName":`...)
	if r.Host != "" {
		b = appendString(b, r.Host)
	} else {
		b = append(b, '"')
		b = append(b, urlID...)
		b = append(b, `.lambda-url.us-east-1.on.aws"`...)
	}
	b = append(b, `,"domainPrefix":"`...)
	b = append(b, urlID...)
	b = append(b, `","http":{"method":`...)
	b = appendString(b, r.Method)
	b = append(b, `,"path":`...)
	b = appendString(b, rawPath)
	b = append(b, `,"protocol":`...)
	b = appendString(b, r.Proto)
	b = append(b, `,"sourceIp":`...)
	b = appendString(b, sourceIP)
	b = append(b, `,"userAgent":`...)
	var ua string
	if v := r.Header["User-Agent"]; len(v) > 0 {
		ua = v[0]
	}
	b = appendString(b, ua)
	b = append(b, `},"requestId":"`...)
	b = append(b, id...)
	b = append(b, `","routeKey":"$default","stage":"$default","time":"`...)
	now := time.Now()
	b = appendTime(b, now)
	b = append(b, `","timeEpoch":`...)
	b = strconv.AppendInt(b, now.UnixMilli(), 10)
	b = append(b, '}')

	if len(body) > 0 {
		b = append(b, `,"body":`...)
		if isText(r.Header["Content-Type"]) && utf8.Valid(body) {
			b = appendString(b, body)
			b = append(b, `,"isBase64Encoded":false}`...)
		} else {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, body)
			b = append(b, `","isBase64Encoded":true}`...)
		}
	} else {
		b = append(b, `,"isBase64Encoded":false}`...)
	}
	return b
}

// formattedTime is requestContext.time for one second.
type formattedTime struct {
	unix int64
	text string
}

var lastTime atomic.Pointer[formattedTime]

// appendTime appends t as requestContext.time. Formatting a time is
// measurable on the hot path: it is done once a second.
func appendTime(b []byte, t time.Time) []byte {
	sec := t.Unix()
	ft := lastTime.Load()
	if ft == nil || ft.unix != sec {
		ft = &formattedTime{sec, t.UTC().Format(timeLayout)}
		lastTime.Store(ft)
	}
	return append(b, ft.text...)
}

// eventSize estimates the size of appendEvent's output, generously.
func eventSize(r *http.Request, body []byte) int {
	n := 768 + 2*len(r.Host) + len(r.RemoteAddr) + 2*len(r.URL.RawPath) + len(r.URL.Path) + 3*len(r.URL.RawQuery)
	for name, vals := range r.Header {
		n += len(name) + 6
		for _, v := range vals {
			n += len(v) + len(v)/8 + 1
		}
	}
	if len(body) > 0 {
		n += base64.StdEncoding.EncodedLen(len(body)) + 2
	}
	return n
}

// appendJoined appends vals joined with sep, escaped for a JSON string,
// without the quotes.
func appendJoined(b []byte, vals []string, sep string) []byte {
	for i, v := range vals {
		if i > 0 {
			b = append(b, sep...)
		}
		b = appendEscaped(b, v)
	}
	return b
}

// appendPort appends the port the client connected to: the listener's,
// else the Host header's, else the scheme's.
func appendPort(b []byte, r *http.Request) []byte {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
		return strconv.AppendInt(b, int64(a.Port), 10)
	}
	if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" {
		return append(b, port...)
	}
	if r.TLS != nil {
		return append(b, "443"...)
	}
	return append(b, "80"...)
}

// appendQuery appends ,"queryStringParameters":{...}: the decoded
// parameters of the raw query in the order sent, the values of a repeated
// key joined with ',' in the order sent. A key without '=' has the value
// "". A key or value that does not decode (a bad %-escape) is passed as
// sent.
func appendQuery(b []byte, rawQuery string) []byte {
	b = append(b, `,"queryStringParameters":{`...)
	// Up to maxLinearParams parameters (most queries), on the stack.
	var arr [maxLinearParams]param
	ps := arr[:0]
	for rest := rawQuery; rest != ""; {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		if kv == "" {
			continue
		}
		if len(ps) == len(arr) {
			return appendQueryMap(b, rawQuery)
		}
		k, v, _ := strings.Cut(kv, "=")
		ps = append(ps, param{key: unescapeQuery(k), value: v})
	}
	first := true
	for i, p := range ps {
		if p.done {
			continue // written with its key's first occurrence
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, p.key)
		b = append(b, ':', '"')
		b = appendEscaped(b, unescapeQuery(p.value))
		for j := i + 1; j < len(ps); j++ {
			if !ps[j].done && ps[j].key == p.key {
				b = append(b, ',')
				b = appendEscaped(b, unescapeQuery(ps[j].value))
				ps[j].done = true
			}
		}
		b = append(b, '"')
	}
	return append(b, '}')
}

// param is a query parameter: its decoded key and its raw value.
type param struct {
	key, value string
	done       bool // written with an earlier parameter of the same key
}

// maxLinearParams is the number of parameters from which a map collects a
// repeated key's values: below it, they are found by comparing every pair
// of keys, which is faster and does not allocate.
const maxLinearParams = 32

// appendQueryMap is appendQuery for queries with many parameters.
func appendQueryMap(b []byte, rawQuery string) []byte {
	var keys []string
	vals := make(map[string][]string)
	for rest := rawQuery; rest != ""; {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key := unescapeQuery(k)
		if _, ok := vals[key]; !ok {
			keys = append(keys, key)
		}
		vals[key] = append(vals[key], unescapeQuery(v))
	}
	for i, key := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, key)
		b = append(b, ':', '"')
		b = appendJoined(b, vals[key], ",")
		b = append(b, '"')
	}
	return append(b, '}')
}

func unescapeQuery(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// isText reports whether a body of this Content-Type is passed as text:
// text/* and application/json, application/xml and
// application/javascript, as AWS does. Anything else, including no
// Content-Type and application/x-www-form-urlencoded, is base64-encoded.
func isText(contentType []string) bool {
	if len(contentType) == 0 {
		return false
	}
	mt := contentType[0]
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(mt)
	if len(mt) > 5 && strings.EqualFold(mt[:5], "text/") {
		return true
	}
	return strings.EqualFold(mt, "application/json") ||
		strings.EqualFold(mt, "application/xml") ||
		strings.EqualFold(mt, "application/javascript")
}
