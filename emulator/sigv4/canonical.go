package sigv4

import (
	"bytes"
	"crypto/sha256"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

const upperHex = "0123456789ABCDEF"

// unreserved are the RFC 3986 characters SigV4 never escapes.
var unreserved = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['.'], t['_'], t['~'] = true, true, true, true
	return t
}()

// appendEscapedPath escapes every byte of p but the unreserved ones and
// '/', with upper-case hex. p is the path as it came over the wire, still
// percent-encoded, so an escape in it is escaped again ('%' becomes "%25"):
// the double encoding SigV4 uses for every service but S3, and what
// aws-sdk-go-v2 (httpbinding.EscapePath over URL.EscapedPath) and botocore
// (quote(path, safe='/~') over the quoted URL path) both sign. A Lambda
// ARN, sent as arn%3Aaws%3Alambda..., is signed as arn%253Aaws%253Alambda...
func appendEscapedPath[S string | []byte](dst []byte, p S) []byte {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if unreserved[c] || c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// wirePath is r's path exactly as the client sent it: the part of the
// request line before '?'. URL.Path is decoded and URL.EscapedPath may
// re-encode it differently, so neither is what the client signed.
func wirePath(r *http.Request) string {
	u := r.RequestURI
	if u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	if u != "" && u != "*" && r.URL != nil && r.URL.Opaque == "" {
		// Absolute form (a request to a proxy): the path is after the host.
		if i := strings.Index(u, "://"); i >= 0 {
			rest := u[i+3:]
			if j := strings.IndexAny(rest, "/?"); j >= 0 && rest[j] == '/' {
				rest = rest[j:]
				if k := strings.IndexByte(rest, '?'); k >= 0 {
					rest = rest[:k]
				}
				return rest
			}
			return "/"
		}
	}
	if r.URL == nil {
		return "/"
	}
	return r.URL.EscapedPath()
}

// needsNormalizing reports whether removeDotSegments would change p.
func needsNormalizing(p string) bool {
	if p == "" {
		return true
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		seg := p[i+1:]
		if j := strings.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
			if seg == "" {
				return true // "//"
			}
		}
		if seg == "." || seg == ".." {
			return true
		}
	}
	return p[0] != '/' && (p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../"))
}

// appendNormalizedPath appends p with dot segments and empty segments
// removed, keeping a leading and a trailing '/': RFC 3986 section 5.2.4
// as botocore applies it (AWS services other than S3 also fold "//").
func appendNormalizedPath(dst []byte, p string) []byte {
	if p == "" {
		return append(dst, '/')
	}
	start := len(dst)
	if p[0] == '/' {
		dst = append(dst, '/')
	}
	base := len(dst)
	segs := 0
	for rest := p; rest != ""; {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		switch seg {
		case "", ".":
		case "..":
			if segs > 0 {
				segs--
				i := bytes.LastIndexByte(dst[base:], '/')
				if i < 0 {
					dst = dst[:base]
				} else {
					dst = dst[:base+i]
				}
			}
		default:
			if segs > 0 {
				dst = append(dst, '/')
			}
			dst = append(dst, seg...)
			segs++
		}
	}
	if segs > 0 && p[len(p)-1] == '/' {
		dst = append(dst, '/')
	}
	if len(dst) == start {
		dst = append(dst, '/')
	}
	return dst
}

// qpair locates an encoded query key and value in scratch.q.
type qpair struct{ k0, k1, v0, v1 int }

// appendCanonicalQuery appends the canonical query string of raw: every
// key=value pair decoded as url.ParseQuery does ('+' is a space; a pair
// with a bad escape or a ';' is dropped, as Go's parser drops it),
// re-encoded with SigV4's encoding (unreserved bytes as they are, every
// other byte %XX, so a space is %20), and sorted by key, then value.
// With presigned set the X-Amz-Signature pair is left out.
func (s *scratch) appendCanonicalQuery(dst []byte, raw string, presigned bool) []byte {
	if raw == "" {
		return dst
	}
	s.q = s.q[:0]
	s.pairs = s.pairs[:0]
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.IndexByte(pair, ';') >= 0 {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		mark := len(s.q)
		var p qpair
		var ok bool
		p.k0 = len(s.q)
		if s.q, ok = appendRequeried(s.q, k); !ok {
			s.q = s.q[:mark]
			continue
		}
		p.k1 = len(s.q)
		if presigned && string(s.q[p.k0:p.k1]) == "X-Amz-Signature" {
			s.q = s.q[:mark]
			continue
		}
		p.v0 = len(s.q)
		if s.q, ok = appendRequeried(s.q, v); !ok {
			s.q = s.q[:mark]
			continue
		}
		p.v1 = len(s.q)
		s.pairs = append(s.pairs, p)
	}
	q := s.q
	slices.SortFunc(s.pairs, func(a, b qpair) int {
		if c := bytes.Compare(q[a.k0:a.k1], q[b.k0:b.k1]); c != 0 {
			return c
		}
		return bytes.Compare(q[a.v0:a.v1], q[b.v0:b.v1])
	})
	for i, p := range s.pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, q[p.k0:p.k1]...)
		dst = append(dst, '=')
		dst = append(dst, q[p.v0:p.v1]...)
	}
	return dst
}

// appendRequeried decodes one query component and appends it SigV4-encoded.
func appendRequeried(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return dst, false
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		case '+':
			c = ' '
		}
		if unreserved[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// headerValues returns the values of the header named by the lower-case
// signed-header name: r.Host for host, r.TransferEncoding for
// transfer-encoding (net/http moves both out of r.Header), else r.Header's,
// with r.ContentLength for a content-length a hand-made request lacks.
func headerValues(r *http.Request, name string, buf *[1]string) []string {
	switch name {
	case "host":
		if r.Host == "" {
			return nil
		}
		buf[0] = r.Host
		return buf[:]
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return r.TransferEncoding
		}
	case "content-length":
		if v, ok := r.Header["Content-Length"]; ok {
			return v
		}
		if r.ContentLength >= 0 {
			buf[0] = strconv.FormatInt(r.ContentLength, 10)
			return buf[:]
		}
	}
	// Look the name up in its canonical MIME form without allocating: the
	// compiler does not copy string(b) in a map index.
	var kb [64]byte
	if len(name) <= len(kb) {
		b := kb[:len(name)]
		upper := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
			upper = c == '-'
		}
		if v, ok := r.Header[string(b)]; ok {
			return v
		}
	} else if v, ok := r.Header[textproto.CanonicalMIMEHeaderKey(name)]; ok {
		return v
	}
	for k, v := range r.Header { // a key net/http left as it came
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// appendHeaderValue appends v trimmed and with runs of spaces folded to
// one (SigV4's Trimall, as aws-sdk-go-v2 does it); with allWhitespace any
// run of whitespace becomes one space, as botocore's ' '.join(v.split())
// does it.
func appendHeaderValue(dst []byte, v string, allWhitespace bool) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || allWhitespace && (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			if !space {
				dst = append(dst, ' ')
			}
			space = true
			continue
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

func hasOtherWhitespace(v string) bool {
	return strings.ContainsAny(strings.TrimSpace(v), "\t\n\r\v\f")
}

// hmacSHA256 is HMAC-SHA256(key, msg), using *work as its buffer so that
// it does not allocate once the buffer has grown.
func hmacSHA256(work *[]byte, key, msg []byte) [32]byte {
	var k [sha256.BlockSize]byte
	if len(key) > sha256.BlockSize {
		h := sha256.Sum256(key)
		copy(k[:], h[:])
	} else {
		copy(k[:], key)
	}
	b := (*work)[:0]
	for _, c := range k {
		b = append(b, c^0x36)
	}
	b = append(b, msg...)
	inner := sha256.Sum256(b)
	b = b[:0]
	for _, c := range k {
		b = append(b, c^0x5c)
	}
	b = append(b, inner[:]...)
	*work = b
	return sha256.Sum256(b)
}
