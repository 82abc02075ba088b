package loadgen

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// transport is the engine's http.RoundTripper around an *http.Transport of
// its own. It signs requests (when the target has a Signer), counts the
// requests in flight, and can abort everything at once: a cancelled run
// closes every connection, so requests waiting on a slow function end
// immediately instead of at their timeout, at no cost per request (no
// per-request context).
type transport struct {
	base   *http.Transport
	signer *Signer
	conns  connSet

	inFlight atomic.Int64
	// sent[seq % len] holds seq<<inFlightBits | in-flight count when
	// request seq was sent, for the sample of its result.
	sent [sentSlots]atomic.Uint64
}

const (
	// sentSlots is how many requests' in-flight counts are kept: far more
	// than are ever in flight at once or waiting to be aggregated.
	sentSlots    = 1 << 14
	inFlightBits = 24
	inFlightMask = 1<<inFlightBits - 1
)

// seqHeader is the header vegeta numbers its requests with; the sequence
// number ties a request to its result.
const seqHeader = "X-Vegeta-Seq"

// transportOptions size the connection pool.
type transportOptions struct {
	idlePerHost int // idle connections kept per host
	maxPerHost  int // connections per host (0: no limit)
	dialTimeout time.Duration
}

func newTransport(ctx context.Context, signer *Signer, o transportOptions) *transport {
	t := &transport{signer: signer}
	t.conns.ctx = ctx
	dialer := &net.Dialer{Timeout: o.dialTimeout, KeepAlive: 30 * time.Second}
	t.conns.dial = dialer.DialContext
	t.base = &http.Transport{
		// No proxy: the target is addressed directly (a proxy would be
		// measured with it), and nothing below cmd reads the environment.
		Proxy:               nil,
		DialContext:         t.conns.DialContext,
		MaxIdleConns:        0, // no limit but per host
		MaxIdleConnsPerHost: o.idlePerHost,
		MaxConnsPerHost:     o.maxPerHost,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		// Lambda's answers are small and not compressed; asking for gzip
		// would only add a header and a decompressor.
		DisableCompression: true,
		ForceAttemptHTTP2:  false,
	}
	return t
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := t.inFlight.Add(1)
	defer t.inFlight.Add(-1)
	if v := req.Header[seqHeader]; len(v) == 1 {
		if seq, err := strconv.ParseUint(v[0], 10, 64); err == nil {
			t.sent[seq%sentSlots].Store(seq<<inFlightBits | uint64(min(n, inFlightMask)))
		}
	}
	if t.signer != nil {
		signed, err := t.signer.sign(req)
		if err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
		req = signed
	}
	return t.base.RoundTrip(req)
}

// inFlightAt returns how many requests were in flight when request seq was
// sent (itself included), or 0 when that is no longer known.
func (t *transport) inFlightAt(seq uint64) int {
	v := t.sent[seq%sentSlots].Load()
	if v>>inFlightBits != seq&(1<<(64-inFlightBits)-1) {
		return 0
	}
	return int(v & inFlightMask)
}

// abort ends every request in flight and refuses new connections.
func (t *transport) abort() { t.conns.closeAll() }

// close closes every connection once the run is over.
func (t *transport) close() {
	t.base.CloseIdleConnections()
	t.conns.closeAll()
}

// errAborted is the error of a dial after the run was cancelled.
var errAborted = errors.New("the load test was stopped")

// connSet dials and tracks the transport's connections, so that a
// cancelled run can close them all.
type connSet struct {
	ctx  context.Context
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	closed bool
}

// DialContext dials as the transport asks, unless the run is over.
func (s *connSet) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if s.ctx.Err() != nil {
		return nil, errAborted
	}
	c, err := s.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, set: s}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return nil, errAborted
	}
	if s.conns == nil {
		s.conns = make(map[*trackedConn]struct{})
	}
	s.conns[tc] = struct{}{}
	s.mu.Unlock()
	return tc, nil
}

func (s *connSet) remove(c *trackedConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// closeAll closes every connection and refuses new ones.
func (s *connSet) closeAll() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*trackedConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// trackedConn leaves its set when closed.
type trackedConn struct {
	net.Conn
	set  *connSet
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.set.remove(c) })
	return c.Conn.Close()
}
