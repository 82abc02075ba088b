package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"
)

// MaxCount is the largest count (records in one event) a template renders.
const MaxCount = 10000

// A Source renders the event of request n of a load test into dst
// (appending, as strconv.Append... do) and returns the extended buffer.
// Implementations are safe for concurrent use.
type Source interface {
	Render(dst []byte, n uint64) ([]byte, error)
}

// Fixed is a Source of the same event for every request: a payload given
// as it is (inline JSON, a file, a saved event).
type Fixed []byte

// Render implements Source.
func (f Fixed) Render(dst []byte, _ uint64) ([]byte, error) { return append(dst, f...), nil }

var (
	_ Source = Fixed(nil)
	_ Source = (*Renderer)(nil)
	_ Source = (*Mix)(nil)
)

// An Option configures Compile.
type Option func(*options)

type options struct {
	seed    uint64
	hasSeed bool
	clock   func() time.Time
}

// WithSeed makes the random values (ids, placeholders) a function of seed
// and the request number, so a run can be repeated exactly. Without it the
// seed is random.
func WithSeed(seed uint64) Option {
	return func(o *options) { o.seed, o.hasSeed = seed, true }
}

// WithClock sets the clock that timestamps requests (time.Now by default).
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// A Renderer renders one template with fixed parameter values, fast: what
// does not change between requests is rendered once by Compile, and Render
// evaluates only the placeholders, ids and timestamps of each request. A
// Renderer is safe for concurrent use.
type Renderer struct {
	t      *Template
	params []boundParam
	segs   []seg
	seed   uint64
	clock  func() time.Time
	pool   sync.Pool
}

// A seg is a piece of output: literal bytes, or an action evaluated per request.
type seg struct {
	lit      []byte
	e        *expr
	rec      int
	inString bool
}

// A boundParam is a parameter with its value for a Renderer.
type boundParam struct {
	name   string
	kind   Kind
	static []byte   // the value when it has no placeholders
	pat    *pattern // the value when it has
}

// Template is the template the renderer renders.
func (r *Renderer) Template() *Template { return r.t }

// Render appends the event of request n to dst. Placeholders and the values
// derived from them (md5 of a body, base64 of data...) are computed for n;
// ids and timestamps are new for each request. The JSON is not indented.
func (r *Renderer) Render(dst []byte, n uint64) ([]byte, error) {
	st := r.pool.Get().(*state)
	st.reset(n)
	var err error
	for i := range r.segs {
		s := &r.segs[i]
		if s.e == nil {
			dst = append(dst, s.lit...)
			continue
		}
		if dst, err = st.emit(dst, s.e, s.rec, s.inString); err != nil {
			break
		}
	}
	r.pool.Put(st)
	if err != nil {
		return dst, fmt.Errorf("render %s for request %d: %w", r.t.Name(), n, err)
	}
	return dst, nil
}

// Compile prepares the template for rendering many requests with the given
// values (over the defaults). Values may hold placeholders (see Placeholders),
// expanded per request. Errors are those of Render(values), found here once.
func (t *Template) Compile(values map[string]string, opts ...Option) (*Renderer, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if !o.hasSeed {
		o.seed = rand.Uint64()
	}
	if o.clock == nil {
		o.clock = time.Now
	}
	params, count, err := t.resolve(values)
	if err != nil {
		return nil, err
	}
	r := &Renderer{t: t, params: params, seed: o.seed, clock: o.clock}
	r.pool.New = func() any { return newState(r) }
	c := &compiler{r: r, count: count, st: newState(r)}
	c.st.reset(0)
	if err := c.flatten(t.prog.nodes, 0); err != nil {
		return nil, err
	}
	c.flush()
	r.segs = c.segs
	// Render once so that errors show now rather than in the middle of a
	// load test: a json parameter that is not what its function wants (also
	// in an action evaluated per request, which names its parameters as
	// folded ones do), or a user template that does not make valid JSON.
	st := newState(r)
	st.reset(1)
	var out []byte
	for i := range r.segs {
		s := &r.segs[i]
		if s.e == nil {
			out = append(out, s.lit...)
			continue
		}
		if out, err = st.emit(out, s.e, s.rec, s.inString); err != nil {
			return nil, t.actionError(s.e, params, err)
		}
	}
	if err := checkJSON(out); err != nil {
		return nil, t.jsonError(out, err, params, count)
	}
	return r, nil
}

// Render renders the event with the given values over the parameters'
// defaults, as pretty-printed JSON (2-space indent). Values may hold
// placeholders, expanded as for request 1. Keys are parameter names in any
// case, with - or _.
func (t *Template) Render(values map[string]string) ([]byte, error) {
	r, err := t.Compile(values)
	if err != nil {
		return nil, err
	}
	out, err := r.Render(nil, 1)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(out) + len(out)/2)
	if err := json.Indent(&buf, out, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func checkJSON(b []byte) error {
	var v any
	return json.Unmarshal(b, &v)
}

// resolve merges values over the defaults and checks them.
func (t *Template) resolve(values map[string]string) ([]boundParam, int, error) {
	params := make([]boundParam, len(t.Params))
	raw := make([]string, len(t.Params))
	for i, p := range t.Params {
		params[i] = boundParam{name: p.Name, kind: p.Kind}
		raw[i] = p.Default
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		i, ok := t.index[normKey(k)]
		if !ok {
			return nil, 0, &UnknownParamError{Template: t.Name(), Key: k, Valid: closest(k, t.paramNames())}
		}
		raw[i] = values[k]
	}
	count := 1
	for i := range params {
		p := &params[i]
		v, err := checkValue(p.kind, raw[i])
		if err != nil {
			return nil, 0, &ParamError{Template: t.Name(), Param: p.name, Value: raw[i], Err: err}
		}
		if pat, ok := v.(*pattern); ok {
			p.pat = pat
		} else {
			p.static = v.([]byte)
		}
		if t.prog.hasRecords && normKey(p.name) == "count" {
			if p.pat != nil {
				return nil, 0, &ParamError{Template: t.Name(), Param: p.name, Value: raw[i], Err: errors.New("count takes no placeholders")}
			}
			count, _ = strconv.Atoi(string(p.static))
			if count < 1 || count > MaxCount {
				return nil, 0, &ParamError{Template: t.Name(), Param: p.name, Value: raw[i], Err: fmt.Errorf("count must be from 1 to %d", MaxCount)}
			}
		}
	}
	return params, count, nil
}

// checkValue checks a value against a kind and returns it in canonical form
// ([]byte), or as a *pattern when it has placeholders.
func checkValue(kind Kind, s string) (any, error) {
	if hasPlaceholder(s) {
		pat, err := parsePattern(s, kind)
		if err != nil {
			return nil, err
		}
		if len(pat.parts) == 1 && pat.parts[0].kind == litPart {
			s = string(pat.parts[0].lit) // only {{"..."}} literals
		} else if len(pat.parts) == 0 {
			s = ""
		} else {
			if kind == JSON {
				// Validate the shape with one expansion; placeholders
				// inside strings are escaped, outside they are JSON values.
				st := &state{clock: time.Now}
				st.reset(1)
				if err := checkJSON(pat.expand(st, 0, 0, nil)); err != nil {
					return nil, fmt.Errorf("not valid JSON with its placeholders expanded: %v", err)
				}
			}
			return pat, nil
		}
	}
	switch kind {
	case Int:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, errors.New("not an integer")
		}
		return strconv.AppendInt(nil, n, 10), nil
	case Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return nil, errors.New("not a bool (true or false)")
		}
		return strconv.AppendBool(nil, b), nil
	case JSON:
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil {
			return nil, fmt.Errorf("not valid JSON: %s", describeJSONError([]byte(s), err))
		}
		return buf.Bytes(), nil
	}
	return []byte(s), nil
}

// describeJSONError adds the line and column to a JSON syntax error.
func describeJSONError(src []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(src, int(se.Offset)-1)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	return err.Error()
}

// A compiler flattens a program into segs, folding what is fixed.
type compiler struct {
	r     *Renderer
	count int
	st    *state
	segs  []seg
	lit   []byte
}

func (c *compiler) flush() {
	if len(c.lit) > 0 {
		c.segs = append(c.segs, seg{lit: c.lit})
		c.lit = nil
	}
}

func (c *compiler) flatten(ns []node, rec int) error {
	for i := range ns {
		n := &ns[i]
		switch n.kind {
		case litNode:
			c.lit = append(c.lit, n.text...)
		case emitNode:
			if !c.fixed(n.e) {
				c.flush()
				c.segs = append(c.segs, seg{e: n.e, rec: rec, inString: n.inString})
				continue
			}
			out, err := c.st.emit(c.lit, n.e, rec, n.inString)
			if err != nil {
				return c.r.t.actionError(n.e, c.r.params, err)
			}
			c.lit = out
		case rangeNode:
			for i := 0; i < c.count; i++ {
				if i > 0 {
					c.lit = append(c.lit, ',')
				}
				if err := c.flatten(n.body, i); err != nil {
					return err
				}
			}
		case ifNode:
			p := &c.r.params[n.e.args[0].param]
			if p.pat != nil {
				return &ParamError{Template: c.r.t.Name(), Param: p.name, Err: errors.New("this parameter decides the shape of the event; it takes no placeholders")}
			}
			branch := n.alt
			if truthy(p.static) {
				branch = n.body
			}
			if err := c.flatten(branch, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func truthy(v []byte) bool {
	s := string(v)
	return s != "" && s != "false" && s != "0" && s != "null" && s != `""` && s != "[]" && s != "{}"
}

// fixed reports whether e is the same for every request, so that compile
// can fold it.
func (c *compiler) fixed(e *expr) bool {
	if e.fn != nil && e.fn.volatile {
		return false
	}
	for i := range e.args {
		a := &e.args[i]
		switch {
		case a.sub != nil:
			if !c.fixed(a.sub) {
				return false
			}
		case a.field != "":
			if c.r.params[a.param].pat != nil {
				return false
			}
		}
	}
	return true
}

// actionError describes an error of a function: it names the parameters
// the action uses, or else where the action is.
func (t *Template) actionError(e *expr, params []boundParam, err error) error {
	var names []string
	var walk func(e *expr)
	walk = func(e *expr) {
		for _, a := range e.args {
			if a.sub != nil {
				walk(a.sub)
			} else if a.field != "" {
				names = append(names, params[a.param].name)
			}
		}
	}
	walk(e)
	if len(names) > 0 {
		return &ParamError{Template: t.Name(), Param: strings.Join(names, ", "), Err: err}
	}
	loc, _ := t.prog.tree.ErrorContext(&parse.TextNode{NodeType: parse.NodeText, Pos: e.pos})
	return fmt.Errorf("%s: %w", loc, err)
}

// jsonError explains why a rendered event is not JSON, pointing at the
// template's line and column (for user templates, whose text is the user's).
func (t *Template) jsonError(out []byte, err error, params []boundParam, count int) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: the rendered event is not valid JSON: %v", t.Name(), err)
	}
	loc := t.locate(int(se.Offset)-1, params, count)
	return fmt.Errorf("%s: the rendered event is not valid JSON: %v (near %q)", loc, err, excerpt(out, int(se.Offset)-1))
}

func excerpt(b []byte, off int) string {
	lo, hi := max(0, off-20), min(len(b), off+20)
	return string(b[lo:hi])
}

// locate renders the template without folding, with each piece tagged with
// its source position, and returns "file:line:col" of the output offset.
func (t *Template) locate(off int, params []boundParam, count int) string {
	r := &Renderer{t: t, params: params, clock: func() time.Time { return time.Unix(0, 0) }}
	st := newState(r)
	st.reset(1)
	var out []byte
	where := -1
	var walk func(ns []node, rec int)
	walk = func(ns []node, rec int) {
		for i := range ns {
			if where >= 0 {
				return
			}
			n := &ns[i]
			start := len(out)
			switch n.kind {
			case litNode:
				out = append(out, n.text...)
				if off < len(out) {
					where = int(n.pos) + off - start
				}
			case emitNode:
				out, _ = st.emit(out, n.e, rec, n.inString)
				if off < len(out) {
					where = int(n.pos)
				}
			case rangeNode:
				for j := 0; j < count && where < 0; j++ {
					if j > 0 {
						out = append(out, ',')
					}
					walk(n.body, j)
				}
			case ifNode:
				if truthy(params[n.e.args[0].param].static) {
					walk(n.body, rec)
				} else {
					walk(n.alt, rec)
				}
			}
		}
	}
	walk(t.prog.nodes, 0)
	if where < 0 {
		where = len(t.text)
	}
	line, col := lineCol([]byte(t.text), where)
	return fmt.Sprintf("%s:%d:%d", t.Source, line, col)
}

// A state is the scratch space of one Render call.
type state struct {
	vals   []boundParam
	n      uint64
	seed   uint64
	clock  func() time.Time
	now    time.Time
	hasNow bool
	// dyn memoizes the expansion of each parameter with placeholders for
	// the record dynRec, so that a body and its md5 agree.
	dyn    [][]byte
	dynRec []int
	bufs   [][]byte // a stack of argument buffers
	top    int
	numBuf [24]byte
}

func newState(r *Renderer) *state {
	return &state{vals: r.params, seed: r.seed, clock: r.clock,
		dyn: make([][]byte, len(r.params)), dynRec: make([]int, len(r.params))}
}

func (st *state) reset(n uint64) {
	st.n, st.hasNow, st.top = n, false, 0
	for i := range st.dynRec {
		st.dynRec[i] = -2
	}
}

func (st *state) time() time.Time {
	if !st.hasNow {
		st.now, st.hasNow = st.clock(), true
	}
	return st.now
}

// rng returns the random stream of a request, action key and record.
func (st *state) rng(key uint64, rec int) splitmix {
	return splitmix{s: mix64(st.seed ^ mix64(st.n^0x632be59bd9b4e019) ^ mix64(key) ^ mix64(uint64(rec+2)*0xd1b54a32d192ed03))}
}

// value returns a parameter's value for a record.
func (st *state) value(i, rec int) []byte {
	p := &st.vals[i]
	if p.pat == nil {
		return p.static
	}
	if st.dynRec[i] != rec {
		st.dyn[i] = p.pat.expand(st, i, rec, st.dyn[i][:0])
		st.dynRec[i] = rec
	}
	return st.dyn[i]
}

func (st *state) push() int {
	if st.top == len(st.bufs) {
		st.bufs = append(st.bufs, make([]byte, 0, 256))
	}
	st.top++
	return st.top - 1
}

// emit appends the value of e, escaped for where it sits.
func (st *state) emit(dst []byte, e *expr, rec int, inString bool) ([]byte, error) {
	if e.fn == nil && e.args[0].sub == nil {
		v, raw := st.operandValue(&e.args[0], rec)
		return appendValue(dst, v, raw, inString), nil
	}
	s := st.push()
	buf, raw, err := st.eval(e, rec, st.bufs[s][:0])
	st.bufs[s] = buf
	st.top--
	if err != nil {
		return dst, err
	}
	return appendValue(dst, buf, raw, inString), nil
}

func appendValue(dst, v []byte, raw, inString bool) []byte {
	switch {
	case inString:
		return appendEscaped(dst, v)
	case raw:
		return append(dst, v...)
	}
	dst = append(dst, '"')
	dst = appendEscaped(dst, v)
	return append(dst, '"')
}

// operandValue returns the value of a parameter or literal operand.
func (st *state) operandValue(a *operand, rec int) (v []byte, raw bool) {
	if a.field != "" {
		return st.value(a.param, rec), st.vals[a.param].kind != String
	}
	return a.lit, a.raw
}

// eval appends the value of e to dst and reports whether it is JSON.
func (st *state) eval(e *expr, rec int, dst []byte) ([]byte, bool, error) {
	if e.fn == nil {
		a := &e.args[0]
		if a.sub != nil {
			return st.eval(a.sub, rec, dst)
		}
		v, raw := st.operandValue(a, rec)
		return append(dst, v...), raw, nil
	}
	base := st.top
	for i := range e.args {
		s := st.push()
		a := &e.args[i]
		if a.sub != nil {
			buf, _, err := st.eval(a.sub, rec, st.bufs[s][:0])
			st.bufs[s] = buf
			if err != nil {
				st.top = base
				return dst, false, err
			}
		} else {
			v, _ := st.operandValue(a, rec)
			st.bufs[s] = append(st.bufs[s][:0], v...)
		}
	}
	out, err := e.fn.call(st, e, rec, dst, st.bufs[base:base+len(e.args)])
	st.top = base
	return out, e.fn.raw, err
}

// splitmix is the SplitMix64 generator: tiny, fast and good enough for ids.
type splitmix struct{ s uint64 }

func (r *splitmix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func hashBytes(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// Weighted is a Source with its share of a Mix.
type Weighted struct {
	// Source renders the events of this share.
	Source Source
	// Weight is the share's relative weight; it must be positive.
	Weight int
}

// A Mix renders each request from one of several sources, picked at random
// (as a function of the request number) in proportion to their weights.
type Mix struct {
	entries []Weighted
	cum     []uint64
	seed    uint64
}

// NewMix returns a Mix of the given sources.
func NewMix(seed uint64, entries ...Weighted) (*Mix, error) {
	if len(entries) == 0 {
		return nil, errors.New("a mix needs at least one event source")
	}
	m := &Mix{entries: entries, seed: seed}
	var total uint64
	for i, e := range entries {
		if e.Weight <= 0 || e.Source == nil {
			return nil, fmt.Errorf("mix entry %d: a source with a positive weight is required", i+1)
		}
		total += uint64(e.Weight)
		m.cum = append(m.cum, total)
	}
	return m, nil
}

// Pick returns the index of the entry that renders request n.
func (m *Mix) Pick(n uint64) int {
	total := m.cum[len(m.cum)-1]
	x := mix64(n^m.seed^0x2545f4914f6cdd1d) % total
	lo, hi := 0, len(m.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if x < m.cum[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Render appends the event of request n, rendered by the entry Pick(n) chooses.
func (m *Mix) Render(dst []byte, n uint64) ([]byte, error) {
	return m.entries[m.Pick(n)].Source.Render(dst, n)
}
