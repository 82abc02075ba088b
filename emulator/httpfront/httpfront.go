package httpfront

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lambench/lambench/internal/requestid"
)

// MaxRequestBody is the largest request body accepted, in bytes: 6 MB, the
// Lambda limit on a synchronous invocation's payload. A larger body is
// answered with 413 before the function is invoked. The limit applies to
// the body; the event around it (headers, base64 expansion) can still make
// the invocation's payload too large, which the Invoker reports (413).
const MaxRequestBody = 6 * 1024 * 1024

// Invoker runs a function synchronously (a RequestResponse invocation).
type Invoker interface {
	// Invoke runs function with payload, the event (JSON), and returns
	// the function's response or error document.
	//
	// payload is allocated for this call and belongs to the Invoker,
	// which may keep it. ctx is the HTTP request's context; it carries
	// the request id put in the event (see [RequestIDFromContext]).
	//
	// A function that fails is not an error: it is a Result with
	// FunctionError set. An error is a failure to invoke: if it (or an
	// error it wraps) implements [StatusError], its status is the HTTP
	// status answered (404 for an unknown function, 429 when throttled,
	// 413 when the payload is too large, ...); any other error is 500.
	Invoke(ctx context.Context, function string, payload []byte) (Result, error)
}

// Result is the outcome of an invocation that ran.
type Result struct {
	// Payload is the function's response or, with FunctionError, its
	// error document. The Handler reads it while it writes the HTTP
	// response, and never modifies it.
	Payload []byte
	// FunctionError reports that the function failed: the Invoke API
	// would have set X-Amz-Function-Error.
	FunctionError bool
}

// StatusError is an error from an Invoker that carries the HTTP status to
// answer with. Statuses outside 400-599 are answered as 500.
type StatusError interface {
	error
	HTTPStatus() int
}

// FunctionLister is an optional interface of an Invoker: the names of the
// functions it can invoke, listed in the help at / and in the answer to a
// call of an unknown function.
type FunctionLister interface {
	FunctionNames() []string
}

// Handler is the HTTP front: an http.Handler that serves
// /<function>/<path>?<query> by invoking <function> with a Function URL
// event for /<path>?<query> and answering with its response. Create one
// with [New]; it is safe for concurrent use.
type Handler struct {
	inv Invoker
}

// New returns a Handler that invokes functions through inv.
func New(inv Invoker) *Handler {
	return &Handler{inv: inv}
}

type requestIDKey struct{}

// RequestIDFromContext returns the request id of the Handler's request
// whose context ctx is (or derives from): the event's
// requestContext.requestId and the x-amzn-RequestId response header. An
// Invoker can use it as the invocation's request id, as AWS does, so that
// the event, the HTTP response and the function's log lines agree.
func RequestIDFromContext(ctx context.Context) (string, bool) {
	if st, ok := ctx.Value(requestIDKey{}).(*request); ok {
		return st.id, true
	}
	return "", false
}

// request is what one request allocates for itself, in one allocation:
// the context given to the Invoker (which carries the request id) and the
// values of the response headers set by the front.
type request struct {
	context.Context
	id     string
	values [2]string // x-amzn-RequestId, Content-Length
}

// Value returns the request itself for requestIDKey, without allocating.
func (st *request) Value(key any) any {
	if _, ok := key.(requestIDKey); ok {
		return st
	}
	return st.Context.Value(key)
}

// header returns a header value slice of st's for v: the slot i of its
// values, with capacity 1 so that an append copies it.
func (st *request) header(i int, v string) []string {
	st.values[i] = v
	return st.values[i : i+1 : i+1]
}

// URLID returns the id of function's URL: the apiId and domainPrefix of
// its events. Like AWS's url-ids it is 32 characters of [a-z2-7]; it is
// derived from the name alone, so it is the same on every run.
func URLID(function string) string {
	if id, ok := urlIDs.Load(function); ok {
		return id.(string)
	}
	var b [32]byte
	sum := sha256.Sum256([]byte(function))
	// 160 bits of the hash, 5 bits a character.
	for i, j := 0, 0; i < 20; i += 5 {
		v := uint64(sum[i])<<32 | uint64(sum[i+1])<<24 | uint64(sum[i+2])<<16 | uint64(sum[i+3])<<8 | uint64(sum[i+4])
		for shift := 35; shift >= 0; shift -= 5 {
			b[j] = base32Lower[v>>uint(shift)&31]
			j++
		}
	}
	id := string(b[:])
	if urlIDCount.Load() < maxURLIDs {
		if _, loaded := urlIDs.LoadOrStore(function, id); !loaded {
			urlIDCount.Add(1)
		}
	}
	return id
}

const base32Lower = "abcdefghijklmnopqrstuvwxyz234567"

// urlIDs caches URLID: a hash a request is measurable on the hot path. The
// cache stops growing at maxURLIDs names, so that requests for ever new
// (unknown) names cannot grow it without bound.
var (
	urlIDs     sync.Map // function name -> URLID
	urlIDCount atomic.Int64
)

const maxURLIDs = 4096

// newRequestID returns a random UUID (version 4), as Lambda's request ids
// are.
func newRequestID() [36]byte { return requestid.New() }

// ServeHTTP serves one request: see the package documentation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.EscapedPath()
	if len(p) < 2 || p[0] != '/' || p[1] == '/' {
		h.help(w)
		return
	}
	seg, rawPath := p[1:], "/"
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg, rawPath = seg[:i], seg[i:]
	}
	function := seg
	if strings.IndexByte(seg, '%') >= 0 {
		if f, err := url.PathUnescape(seg); err == nil {
			function = f
		}
	}

	idArr := newRequestID()
	st := &request{Context: r.Context(), id: string(idArr[:])}
	hdr := w.Header()
	hdr["X-Amzn-Requestid"] = st.header(0, st.id)

	if r.ContentLength > MaxRequestBody {
		writeError(w, http.StatusRequestEntityTooLarge, msgTooLarge)
		return
	}
	sb := getBuf()
	defer putBuf(sb)
	body, err := readBody(sb.body[:0], r)
	sb.body = body
	if err != nil {
		if errors.Is(err, errTooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, msgTooLarge)
		} else {
			writeError(w, http.StatusBadRequest, "Could not read the request body: "+err.Error())
		}
		return
	}

	// The event is written straight into the payload, which the Invoker
	// gets to keep: sized by an estimate, it rarely grows.
	payload := appendEvent(make([]byte, 0, eventSize(r, body)), r, rawPath, function, st.id, body)
	res, err := h.inv.Invoke(st, function, payload)
	if err != nil {
		h.invokeError(w, function, err)
		return
	}
	if res.FunctionError {
		writeBadGateway(w)
		return
	}
	writeResponse(w, st, res.Payload, sb)
}

// scratch holds a request's reusable buffers.
type scratch struct {
	body []byte // the request body
	out  []byte // the decoded response body
}

// maxPooled is the largest buffer kept for reuse: a request with a body of
// megabytes should not pin that much memory per pooled scratch.
const maxPooled = 256 << 10

var bufPool = sync.Pool{New: func() any { return new(scratch) }}

func getBuf() *scratch { return bufPool.Get().(*scratch) }

func putBuf(s *scratch) {
	if cap(s.body) > maxPooled {
		s.body = nil
	}
	if cap(s.out) > maxPooled {
		s.out = nil
	}
	bufPool.Put(s)
}
