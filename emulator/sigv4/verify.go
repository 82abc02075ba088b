package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// Algorithm is the only signing algorithm accepted.
	Algorithm = "AWS4-HMAC-SHA256"
	// DefaultMaxSkew is how far AWS lets a request's signing time be from
	// its own clock.
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxBodyBytes bounds the body the middleware reads to verify:
	// well above Lambda's 6 MB synchronous Invoke payload, so that the
	// handler, not the verifier, rejects a payload that is merely too big.
	DefaultMaxBodyBytes = 16 << 20
	// UnsignedPayload is the payload hash of a request whose body is not
	// signed. S3 accepts it; Lambda and Logs clients never send it.
	UnsignedPayload = "UNSIGNED-PAYLOAD"

	amzDateLayout     = "20060102T150405Z"
	terminator        = "aws4_request"
	maxPresignExpires = 7 * 24 * 60 * 60
	keyCacheMax       = 256
)

var unsignedPayload = []byte(UnsignedPayload)

// Credentials is one key pair the verifier accepts.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, when set, must come with every request signed with
	// this key (X-Amz-Security-Token, as temporary credentials send it).
	// When empty, a request carrying a session token is refused, as AWS
	// refuses a token it did not issue.
	SessionToken string
}

// Config configures a Verifier.
type Config struct {
	// Credentials are the accepted keys; at least one.
	Credentials []Credentials
	// Services are the accepted signing names (the SERVICE of the
	// credential scope). Empty means "lambda" and "logs", with ServiceOf
	// defaulting to LambdaOrLogs.
	Services []string
	// ServiceOf, when set, names the service a request must be scoped to,
	// as AWS requires a signature for the endpoint it is sent to. When nil
	// any of Services is accepted.
	ServiceOf func(*http.Request) string
	// Regions are the accepted regions of the credential scope; empty
	// accepts any.
	Regions []string
	// MaxSkew is how far the signing time may be from now; 0 means
	// DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxBodyBytes bounds the body Wrap and ReadAndVerify read; 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// AllowUnsignedPayload accepts X-Amz-Content-Sha256: UNSIGNED-PAYLOAD
	// (and presigned URLs signed with it). Off by default: the body would
	// then be unauthenticated, and no Lambda or Logs client sends it.
	AllowUnsignedPayload bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Identity is who signed a verified request, and for what scope. Its
// strings are slices of the request's headers.
type Identity struct {
	AccessKeyID string
	Region      string
	Service     string
	// Presigned is set for query-string (presigned URL) authentication.
	Presigned bool
}

// Verifier verifies SigV4-signed requests. It is safe for concurrent use.
type Verifier struct {
	creds         map[string]Credentials
	services      []string
	serviceOf     func(*http.Request) string
	regions       []string
	maxSkew       time.Duration
	maxBody       int64
	allowUnsigned bool
	now           func() time.Time

	keyMu sync.Mutex
	keys  atomic.Pointer[map[scopeKey][32]byte] // copy on write
}

type scopeKey struct{ akid, date, region, service string }

// LambdaOrLogs names the service a lambench API request is for: "logs" for
// CloudWatch Logs (X-Amz-Target Logs_20140328.*), "lambda" otherwise.
func LambdaOrLogs(r *http.Request) string {
	if t := r.Header["X-Amz-Target"]; len(t) > 0 && strings.HasPrefix(t[0], "Logs_") {
		return "logs"
	}
	return "lambda"
}

// New returns a Verifier for cfg.
func New(cfg Config) (*Verifier, error) {
	if len(cfg.Credentials) == 0 {
		return nil, errors.New("sigv4: no credentials")
	}
	v := &Verifier{
		creds:         make(map[string]Credentials, len(cfg.Credentials)),
		services:      slices.Clone(cfg.Services),
		serviceOf:     cfg.ServiceOf,
		regions:       slices.Clone(cfg.Regions),
		maxSkew:       cfg.MaxSkew,
		maxBody:       cfg.MaxBodyBytes,
		allowUnsigned: cfg.AllowUnsignedPayload,
		now:           cfg.Now,
	}
	for _, c := range cfg.Credentials {
		switch {
		case c.AccessKeyID == "" || c.SecretAccessKey == "":
			return nil, errors.New("sigv4: a credential needs an access key id and a secret access key")
		case strings.ContainsAny(c.AccessKeyID, "/ ,="):
			return nil, fmt.Errorf("sigv4: access key id %q holds a character a Credential cannot carry", c.AccessKeyID)
		}
		if _, dup := v.creds[c.AccessKeyID]; dup {
			return nil, fmt.Errorf("sigv4: access key id %q given twice", c.AccessKeyID)
		}
		v.creds[c.AccessKeyID] = c
	}
	if len(v.services) == 0 {
		v.services = []string{"lambda", "logs"}
		if v.serviceOf == nil {
			v.serviceOf = LambdaOrLogs
		}
	}
	if v.maxSkew <= 0 {
		v.maxSkew = DefaultMaxSkew
	}
	if v.maxBody <= 0 {
		v.maxBody = DefaultMaxBodyBytes
	}
	if v.now == nil {
		v.now = time.Now
	}
	empty := map[scopeKey][32]byte{}
	v.keys.Store(&empty)
	return v, nil
}

// parsed is what the Authorization header (or the presigned query) says.
type parsed struct {
	akid, scope              string // scope is DATE/REGION/SERVICE/aws4_request
	date, region, service    string
	signedHeaders, signature string
	amzDate                  string // the signing time as YYYYMMDD'T'HHMMSS'Z'
	dateBuf                  [16]byte
	t                        time.Time
	token                    string
	presigned                bool
	expires                  int64
}

// Verify checks r's signature, with body its complete body (nil or empty
// for none): it returns who signed it, or an *Error saying why AWS would
// refuse it. r.Body is not read. Verify does not allocate for a valid
// request once its signing key is cached.
func (v *Verifier) Verify(r *http.Request, body []byte) (Identity, error) {
	sum := sha256.Sum256(body)
	var hexSum [64]byte
	hex.Encode(hexSum[:], sum[:])
	id, e := v.verify(r, &hexSum)
	if e != nil {
		return Identity{}, e
	}
	return id, nil
}

func (v *Verifier) verify(r *http.Request, bodyHash *[64]byte) (Identity, *Error) {
	var p parsed
	if e := v.parse(r, &p); e != nil {
		return Identity{}, e
	}
	now := v.now()
	if p.presigned && p.expires > 0 {
		if p.t.After(now.Add(v.maxSkew)) {
			return Identity{}, errNotYetCurrent(p.t, now, v.maxSkew)
		}
		if end := p.t.Add(time.Duration(p.expires) * time.Second); now.After(end) {
			return Identity{}, errInvalid("Signature expired: %s is now earlier than %s (%s + %d sec.)",
				end.UTC().Format(amzDateLayout), now.UTC().Format(amzDateLayout), p.amzDate, p.expires)
		}
	} else if p.t.Before(now.Add(-v.maxSkew)) {
		return Identity{}, errExpired(p.t, now, v.maxSkew)
	} else if p.t.After(now.Add(v.maxSkew)) {
		return Identity{}, errNotYetCurrent(p.t, now, v.maxSkew)
	}

	cred, ok := v.creds[p.akid]
	if !ok {
		return Identity{}, errUnrecognized()
	}
	if cred.SessionToken != "" || p.token != "" {
		if !constantTimeEqual(p.token, cred.SessionToken) {
			return Identity{}, errUnrecognized()
		}
	}

	var want [32]byte
	if len(p.signature) != 2*len(want) {
		return Identity{}, errMismatch()
	}
	if !decodeHex(want[:], p.signature) {
		return Identity{}, errMismatch()
	}

	payload := bodyHash[:]
	if xcs := r.Header["X-Amz-Content-Sha256"]; len(xcs) > 0 && xcs[0] == UnsignedPayload {
		if !v.allowUnsigned {
			return Identity{}, errInvalid("The payload hash %s is not accepted: sign the payload.", UnsignedPayload)
		}
		payload = unsignedPayload
	}

	key := v.signingKey(&cred, &p)
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)

	// Canonicalisations clients differ on, tried only when the first fails:
	// aws-sdk-go-v2 signs the path as it is, botocore after removing dot
	// and empty segments (as AWS does); aws-sdk-go-v2 folds runs of spaces
	// in header values, botocore runs of any whitespace.
	path := wirePath(r)
	normalize := needsNormalizing(path)
	wsVariant := false
	for list := p.signedHeaders; list != ""; {
		var name string
		name, list, _ = strings.Cut(list, ";")
		if name == "" {
			return Identity{}, errIncomplete("SignedHeaders must not hold an empty header name: '%s'.", p.signedHeaders)
		}
		vals := headerValues(r, name, &s.host)
		if vals == nil {
			return Identity{}, errIncomplete("'%s' is named as a SignedHeader, but it does not exist in the HTTP request.", name)
		}
		for _, val := range vals {
			if hasOtherWhitespace(val) {
				wsVariant = true
			}
		}
	}
	for _, normalized := range [2]bool{normalize, false} {
		for _, allWS := range [2]bool{false, true} {
			if allWS && !wsVariant {
				continue
			}
			s.cr = v.appendCanonicalRequest(s, s.cr[:0], r, &p, path, normalized, allWS, payload)
			if p.matches(s, &key, &want) {
				return Identity{AccessKeyID: p.akid, Region: p.region, Service: p.service, Presigned: p.presigned}, nil
			}
		}
		if !normalize {
			break
		}
	}
	if p.presigned && v.allowUnsigned && string(payload) != UnsignedPayload {
		s.cr = v.appendCanonicalRequest(s, s.cr[:0], r, &p, path, normalize, false, unsignedPayload)
		if p.matches(s, &key, &want) {
			return Identity{AccessKeyID: p.akid, Region: p.region, Service: p.service, Presigned: true}, nil
		}
	}
	return Identity{}, errMismatch()
}

// matches computes the signature of the canonical request in s.cr and
// compares it with want in constant time.
func (p *parsed) matches(s *scratch, key, want *[32]byte) bool {
	crHash := sha256.Sum256(s.cr)
	b := append(s.sts[:0], Algorithm...)
	b = append(b, '\n')
	b = append(b, p.amzDate...)
	b = append(b, '\n')
	b = append(b, p.scope...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, crHash[:])
	s.sts = b
	got := hmacSHA256(&s.work, key[:], s.sts)
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func (v *Verifier) appendCanonicalRequest(s *scratch, b []byte, r *http.Request, p *parsed, path string, normalized, allWS bool, payload []byte) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	if normalized {
		s.path = appendNormalizedPath(s.path[:0], path)
		b = appendEscapedPath(b, s.path)
	} else {
		b = appendEscapedPath(b, path)
	}
	b = append(b, '\n')
	b = s.appendCanonicalQuery(b, r.URL.RawQuery, p.presigned)
	b = append(b, '\n')
	for list := p.signedHeaders; list != ""; {
		var name string
		name, list, _ = strings.Cut(list, ";")
		b = append(b, name...)
		b = append(b, ':')
		for i, val := range headerValues(r, name, &s.host) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendHeaderValue(b, val, allWS)
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, p.signedHeaders...)
	b = append(b, '\n')
	return append(b, payload...)
}

// signingKey returns HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
// service), "aws4_request"), cached per access key and scope.
func (v *Verifier) signingKey(c *Credentials, p *parsed) [32]byte {
	k := scopeKey{p.akid, p.date, p.region, p.service}
	if key, ok := (*v.keys.Load())[k]; ok {
		return key
	}
	var work []byte
	key := hmacSHA256(&work, []byte("AWS4"+c.SecretAccessKey), []byte(p.date))
	key = hmacSHA256(&work, key[:], []byte(p.region))
	key = hmacSHA256(&work, key[:], []byte(p.service))
	key = hmacSHA256(&work, key[:], []byte(terminator))

	v.keyMu.Lock()
	defer v.keyMu.Unlock()
	old := *v.keys.Load()
	next := make(map[scopeKey][32]byte, len(old)+1)
	if len(old) < keyCacheMax {
		for kk, vv := range old {
			next[kk] = vv
		}
	}
	next[scopeKey{strings.Clone(k.akid), strings.Clone(k.date), strings.Clone(k.region), strings.Clone(k.service)}] = key
	v.keys.Store(&next)
	return key
}

// parse reads the signature's parts from the Authorization header, or
// from the query string of a presigned URL, and checks everything about
// them but the signature itself.
func (v *Verifier) parse(r *http.Request, p *parsed) *Error {
	if auth := r.Header["Authorization"]; len(auth) > 0 {
		if e := v.parseHeader(r, auth[0], p); e != nil {
			return e
		}
	} else if hasPresignParams(r.URL.RawQuery) {
		if e := v.parseQuery(r, p); e != nil {
			return e
		}
	} else {
		return errMissing()
	}
	return v.checkScope(r, p)
}

func (v *Verifier) parseHeader(r *http.Request, h string, p *parsed) *Error {
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if scheme == Algorithm {
		for rest != "" {
			var part string
			part, rest, _ = strings.Cut(rest, ",")
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				return errIncomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, h)
			}
			switch k {
			case "Credential":
				cred, haveCred = val, true
			case "SignedHeaders":
				signed, haveSigned = val, true
			case "Signature":
				sig, haveSig = val, true
			}
		}
	}
	date, from := "", ""
	if d := r.Header["X-Amz-Date"]; len(d) > 0 {
		date, from = d[0], "x-amz-date"
	} else if d := r.Header["Date"]; len(d) > 0 {
		date, from = d[0], "date"
	}
	if !haveCred || !haveSigned || !haveSig || date == "" {
		var msg strings.Builder
		if !haveCred {
			msg.WriteString("Authorization header requires 'Credential' parameter. ")
		}
		if !haveSig {
			msg.WriteString("Authorization header requires 'Signature' parameter. ")
		}
		if !haveSigned {
			msg.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
		}
		if date == "" {
			msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		msg.WriteString("Authorization=")
		msg.WriteString(h)
		return &Error{Code: CodeIncompleteSignature, Message: msg.String(), Status: http.StatusForbidden}
	}
	if e := p.setCredential(cred); e != nil {
		return e
	}
	p.signedHeaders, p.signature = signed, sig
	if e := p.setDate(date, from); e != nil {
		return e
	}
	if !hasSignedHeader(signed, "host") {
		return errIncomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !hasSignedHeader(signed, from) {
		name := "X-Amz-Date"
		if from == "date" {
			name = "Date"
		}
		return errIncomplete("'%s' must be a 'SignedHeader' in the AWS Authorization.", name)
	}
	if t := r.Header["X-Amz-Security-Token"]; len(t) > 0 {
		p.token = t[0]
	}
	return nil
}

func hasPresignParams(q string) bool {
	return strings.Contains(q, "X-Amz-Signature=") || strings.Contains(q, "X-Amz-Algorithm=") ||
		strings.Contains(q, "X-Amz-Credential=")
}

// parseQuery reads a presigned URL's X-Amz-* parameters. It allocates (it
// parses the query), which is fine for a form load tests do not use.
func (v *Verifier) parseQuery(r *http.Request, p *parsed) *Error {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	p.presigned = true
	var missing []string
	get := func(k string) string {
		vals, ok := q[k]
		if !ok || len(vals) == 0 {
			missing = append(missing, k)
			return ""
		}
		return vals[0]
	}
	alg, cred, date := get("X-Amz-Algorithm"), get("X-Amz-Credential"), get("X-Amz-Date")
	signed, sig := get("X-Amz-SignedHeaders"), get("X-Amz-Signature")
	if len(missing) > 0 {
		return errIncomplete("AWS query-string parameters must include '%s'. Re-examine the query-string parameters.",
			strings.Join(missing, "', '"))
	}
	if alg != Algorithm {
		return errIncomplete("Unsupported AWS 'algorithm': '%s'", alg)
	}
	if e := p.setCredential(cred); e != nil {
		return e
	}
	p.signedHeaders, p.signature = signed, sig
	if e := p.setDate(date, "x-amz-date"); e != nil {
		return e
	}
	if exp, ok := q["X-Amz-Expires"]; ok && len(exp) > 0 {
		n, err := strconv.ParseInt(exp[0], 10, 64)
		if err != nil || n <= 0 || n > maxPresignExpires {
			return errIncomplete("X-Amz-Expires must be a whole number of seconds between 1 and %d, not '%s'.", maxPresignExpires, exp[0])
		}
		p.expires = n
	}
	if !hasSignedHeader(signed, "host") {
		return errIncomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if t := q["X-Amz-Security-Token"]; len(t) > 0 {
		p.token = t[0]
	} else if t := r.Header["X-Amz-Security-Token"]; len(t) > 0 {
		p.token = t[0]
	}
	return nil
}

// setCredential splits AKID/DATE/REGION/SERVICE/aws4_request.
func (p *parsed) setCredential(cred string) *Error {
	var parts [5]string
	rest, n := cred, 0
	for n < len(parts) {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			parts[n] = rest
			n++
			rest = ""
			break
		}
		parts[n] = rest[:i]
		rest = rest[i+1:]
		n++
	}
	if n != 5 || rest != "" || strings.Count(cred, "/") != 4 {
		return errIncomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", cred)
	}
	if parts[4] != terminator {
		return errInvalid("Credential should be scoped with a valid terminator: '%s', not '%s'.", terminator, parts[4])
	}
	p.akid, p.date, p.region, p.service = parts[0], parts[1], parts[2], parts[3]
	p.scope = cred[len(parts[0])+1:]
	return nil
}

// setDate parses the signing time from the x-amz-date (ISO 8601 basic) or
// date (HTTP date) value.
func (p *parsed) setDate(val, from string) *Error {
	if from == "x-amz-date" {
		t, ok := parseAmzDate(val)
		if !ok {
			return errIncomplete("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", val)
		}
		p.t, p.amzDate = t, val
	} else {
		t, err := http.ParseTime(val)
		if err != nil {
			return errIncomplete("Date must be in RFC 1123 format. Got '%s'.", val)
		}
		p.t = t.UTC()
		p.amzDate = string(p.t.AppendFormat(p.dateBuf[:0], amzDateLayout))
	}
	if p.date != p.amzDate[:8] {
		return errInvalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			p.date, p.amzDate[:8], from)
	}
	return nil
}

// parseAmzDate parses YYYYMMDD'T'HHMMSS'Z' without allocating.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != 16 || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, j int) (int, bool) {
		n := 0
		for ; i < j; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(4, 6)
	d, ok3 := num(6, 8)
	h, ok4 := num(9, 11)
	mi, ok5 := num(11, 13)
	sec, ok6 := num(13, 15)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // e.g. February 30
	}
	return t, true
}

// checkScope checks the credential scope's service and region.
func (v *Verifier) checkScope(r *http.Request, p *parsed) *Error {
	if v.serviceOf != nil {
		if want := v.serviceOf(r); p.service != want {
			return errInvalid("Credential should be scoped to correct service: '%s'. ", want)
		}
	} else if !slices.Contains(v.services, p.service) {
		return errInvalid("Credential should be scoped to correct service: '%s'. ", v.services[0])
	}
	if len(v.regions) > 0 && !slices.Contains(v.regions, p.region) {
		return errInvalid("Credential should be scoped to a valid region, not '%s'. ", p.region)
	}
	return nil
}

func hasSignedHeader(list, name string) bool {
	for list != "" {
		var h string
		h, list, _ = strings.Cut(list, ";")
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// decodeHex decodes the hex string s into dst, which must be len(s)/2
// long, without allocating.
func decodeHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		a, b := s[2*i], s[2*i+1]
		if !isHex(a) || !isHex(b) {
			return false
		}
		dst[i] = unhex(a)<<4 | unhex(b)
	}
	return true
}

// constantTimeEqual compares a and b in time that depends only on their
// lengths.
func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := 0; i < len(a); i++ {
		d |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(d, 0) == 1
}

// scratch holds the buffers one verification writes into; pooled, so a
// verification does not allocate.
type scratch struct {
	cr, sts, work, path, q []byte
	pairs                  []qpair
	host                   [1]string
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		cr:    make([]byte, 0, 1024),
		sts:   make([]byte, 0, 256),
		work:  make([]byte, 0, 512),
		q:     make([]byte, 0, 256),
		pairs: make([]qpair, 0, 16),
	}
}}
