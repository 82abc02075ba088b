package httpfront

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Shared header values; net/http never modifies them, and their capacity
// is their length, so that an append by a middleware copies them.
var (
	ctJSON      = []string{"application/json"}[:1:1]
	ctPlainText = []string{"text/plain; charset=utf-8"}[:1:1]
	noSniff     = []string(nil) // Content-Type present but nil: no sniffing
)

// bodyInternalError is the body of a 502: a function that failed, or
// answered something that is not a valid response.
const bodyInternalError = "Internal Server Error"

// writeBadGateway answers 502 with AWS's body, as a Function URL does
// when the function fails or its response is malformed.
func writeBadGateway(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = ctJSON
	h["Content-Length"] = []string{strconv.Itoa(len(bodyInternalError))}
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write([]byte(bodyInternalError))
}

// writeError answers status with the body {"Message":msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	b := make([]byte, 0, len(msg)+16)
	b = append(b, `{"Message":`...)
	b = appendString(b, msg)
	b = append(b, '}')
	h := w.Header()
	h["Content-Type"] = ctJSON
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// usage is the first part of the help at /.
const usage = "lambench HTTP front: call a function as through its Function URL.\n\n" +
	"  http://HOST:PORT/<function>/<path>?<query>\n\n" +
	"invokes <function> with a Function URL event (payload format 2.0) for\n" +
	"/<path>?<query> and answers with its response.\n"

// help answers / (and any path without a function name) with 404 and a
// plain-text help.
func (h *Handler) help(w http.ResponseWriter) {
	var b strings.Builder
	b.WriteString(usage)
	if names, ok := h.functionNames(); ok {
		if len(names) == 0 {
			b.WriteString("\nNo functions.\n")
		} else {
			b.WriteString("\nFunctions:\n")
			for _, n := range names {
				b.WriteString("  ")
				b.WriteString(n)
				b.WriteByte('\n')
			}
		}
	}
	hdr := w.Header()
	hdr["Content-Type"] = ctPlainText
	hdr["Content-Length"] = []string{strconv.Itoa(b.Len())}
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(b.String()))
}

func (h *Handler) functionNames() ([]string, bool) {
	l, ok := h.inv.(FunctionLister)
	if !ok {
		return nil, false
	}
	return l.FunctionNames(), true
}

// invokeError answers an error from the Invoker.
func (h *Handler) invokeError(w http.ResponseWriter, function string, err error) {
	status := http.StatusInternalServerError
	var se StatusError
	if errors.As(err, &se) {
		if s := se.HTTPStatus(); s >= 400 && s <= 599 {
			status = s
		}
	}
	msg := err.Error()
	if status == http.StatusNotFound {
		msg = "Function not found: " + function + "."
		if names, ok := h.functionNames(); ok {
			if len(names) == 0 {
				msg += " There are no functions."
			} else {
				msg += " Functions: " + strings.Join(names, ", ") + "."
			}
		}
		msg += " Call a function with /<function>/<path>?<query>."
	}
	writeError(w, status, msg)
}

// reserved are the response headers a function cannot set: the hop-by-hop
// ones and Content-Length describe the connection or the body's framing,
// which the front owns, and x-amzn-RequestId is the front's.
var reserved = map[string]bool{
	"Connection":        true,
	"Content-Length":    true,
	"Keep-Alive":        true,
	"Proxy-Connection":  true,
	"Te":                true,
	"Trailer":           true,
	"Transfer-Encoding": true,
	"Upgrade":           true,
	"X-Amzn-Requestid":  true,
}

// response is a function's structured response: the raw JSON values of
// its members (nil when absent).
type response struct {
	statusCode, headers, body, isBase64Encoded, cookies []byte
}

// writeResponse turns the function's response payload into the HTTP
// response, as a Function URL does: see the package documentation.
func writeResponse(w http.ResponseWriter, st *request, payload []byte, sb *scratch) {
	if !json.Valid(payload) {
		writeBadGateway(w)
		return
	}
	i := skipSpace(payload, 0)
	var resp response
	if payload[i] == '{' {
		members(payload, i, func(key []byte, esc bool, v []byte) bool {
			switch {
			case keyIs(key, esc, "statusCode"):
				resp.statusCode = v
			case keyIs(key, esc, "headers"):
				resp.headers = v
			case keyIs(key, esc, "body"):
				resp.body = v
			case keyIs(key, esc, "isBase64Encoded"):
				resp.isBase64Encoded = v
			case keyIs(key, esc, "cookies"):
				resp.cookies = v
			}
			return true
		})
	}
	if resp.statusCode == nil || isNull(resp.statusCode) {
		// The inferred format: the payload is the body.
		h := w.Header()
		h["Content-Type"] = ctJSON
		h["Content-Length"] = st.header(1, strconv.Itoa(len(payload)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(payload)
		return
	}
	status, ok := parseStatus(resp.statusCode)
	if !ok {
		writeBadGateway(w)
		return
	}
	var body []byte
	switch {
	case resp.body == nil || isNull(resp.body):
	case resp.body[0] == '"':
		body, sb.out = stringValue(sb.out[:0], resp.body)
	default:
		writeBadGateway(w)
		return
	}
	switch {
	case resp.isBase64Encoded == nil || isNull(resp.isBase64Encoded):
	case string(resp.isBase64Encoded) == "false":
	case string(resp.isBase64Encoded) == "true":
		if len(body) > 0 {
			// Decode after the text (which may be in sb.out): into a
			// fresh part of the buffer.
			start := len(sb.out)
			out, err := base64.StdEncoding.AppendDecode(sb.out, body)
			if err != nil {
				writeBadGateway(w)
				return
			}
			sb.out = out
			body = out[start:]
		}
	default:
		writeBadGateway(w)
		return
	}

	// Validate everything before setting any header: a malformed
	// response must leave none behind.
	nh, ok := countHeaders(resp.headers)
	if !ok {
		writeBadGateway(w)
		return
	}
	nc, ok := countCookies(resp.cookies)
	if !ok {
		writeBadGateway(w)
		return
	}
	h := w.Header()
	if nh+nc > 0 {
		// One backing array for every header's value slice.
		vals := make([]string, 0, nh+nc)
		if nh > 0 {
			var kbuf [64]byte
			members(resp.headers, 0, func(key []byte, esc bool, v []byte) bool {
				if isNull(v) {
					return true
				}
				canon := headerKey(kbuf[:0], key, esc)
				name, ok := commonHeaders[string(canon)]
				if !ok {
					name = string(canon)
				}
				if reserved[name] {
					return true
				}
				vals = append(vals, headerValue(v))
				add(h, name, vals[len(vals)-1:])
				return true
			})
		}
		if nc > 0 {
			elements(resp.cookies, 0, func(v []byte) bool {
				vals = append(vals, headerValue(v))
				add(h, "Set-Cookie", vals[len(vals)-1:])
				return true
			})
		}
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = noSniff
	}
	if status != http.StatusNoContent && status != http.StatusNotModified {
		h["Content-Length"] = st.header(1, strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if len(body) > 0 && status != http.StatusNoContent && status != http.StatusNotModified {
		_, _ = w.Write(body)
	}
}

// add adds the one-value slice v to h[name] without copying it when it is
// the first value.
func add(h http.Header, name string, v []string) {
	if old, ok := h[name]; ok && len(old) > 0 {
		h[name] = append(old[:len(old):len(old)], v[0])
		return
	}
	h[name] = v[:1:1]
}

func isNull(v []byte) bool { return string(v) == "null" }

// parseStatus parses a statusCode: an integer from 200 to 599 (an
// informational 1xx is not a final response).
func parseStatus(v []byte) (int, bool) {
	if len(v) != 3 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 200 && n <= 599
}

// countHeaders checks the headers member: null, or an object whose values
// are strings, numbers, booleans or null, and whose names are valid
// header names. It returns the number of values.
func countHeaders(v []byte) (int, bool) {
	if v == nil || isNull(v) {
		return 0, true
	}
	if v[0] != '{' {
		return 0, false
	}
	n, ok := 0, true
	var kbuf [64]byte
	members(v, 0, func(key []byte, esc bool, val []byte) bool {
		name := key
		if esc {
			name = appendUnescaped(kbuf[:0], key)
		}
		if !validHeaderName(name) {
			ok = false
			return false
		}
		switch val[0] {
		case '{', '[':
			ok = false
			return false
		case 'n':
			return true
		}
		n++
		return true
	})
	return n, ok
}

// countCookies checks the cookies member: null, or an array of strings.
func countCookies(v []byte) (int, bool) {
	if v == nil || isNull(v) {
		return 0, true
	}
	if v[0] != '[' {
		return 0, false
	}
	n, ok := 0, true
	elements(v, 0, func(val []byte) bool {
		if val[0] != '"' {
			ok = false
			return false
		}
		n++
		return true
	})
	return n, ok
}

// headerKey appends the canonical form of a header name (raw JSON string
// content) to dst.
func headerKey(dst, key []byte, escaped bool) []byte {
	if escaped {
		key = appendUnescaped(dst, key)
		dst = key
	} else {
		dst = append(dst, key...)
	}
	upper := true
	for i, c := range dst {
		if upper && 'a' <= c && c <= 'z' {
			dst[i] = c - ('a' - 'A')
		} else if !upper && 'A' <= c && c <= 'Z' {
			dst[i] = c + ('a' - 'A')
		}
		upper = c == '-'
	}
	return dst
}

// headerValue returns a header value's text: a string's decoded content,
// or a number's or boolean's literal.
func headerValue(v []byte) string {
	if v[0] != '"' {
		return string(v)
	}
	var buf [256]byte
	text, _ := stringValue(buf[:0], v)
	return string(text)
}

// validHeaderName reports whether name is a valid HTTP header field name
// (an RFC 9110 token).
func validHeaderName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if int(c) >= len(tokenChars) || !tokenChars[c] {
			return false
		}
	}
	return true
}

var tokenChars = func() (t [127]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// commonHeaders interns the canonical names of common response headers,
// so that setting one does not allocate its name.
var commonHeaders = func() map[string]string {
	m := make(map[string]string)
	for _, n := range []string{
		"Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Origin",
		"Access-Control-Expose-Headers", "Access-Control-Max-Age",
		"Cache-Control", "Content-Disposition", "Content-Encoding",
		"Content-Language", "Content-Type", "Date", "Etag", "Expires",
		"Last-Modified", "Location", "Pragma", "Retry-After", "Server",
		"Set-Cookie", "Strict-Transport-Security", "Vary",
		"Www-Authenticate", "X-Content-Type-Options", "X-Frame-Options",
		"X-Request-Id",
	} {
		m[n] = n
	}
	return m
}()
