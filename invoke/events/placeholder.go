package events

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Placeholders are the per-request values a parameter's value may hold;
// they are expanded anew for each request the load tester renders:
//
//	{{seq}}            the request's sequence number n
//	{{uuid}}           a random UUID
//	{{random A B}}     a random integer from A to B inclusive
//	{{choice a|b|c}}   one of the listed values, picked at random
//	{{hex N}}          N random hex digits
//	{{now}}            the request's time, 2006-01-02T15:04:05.000Z
//	{{"text"}}         text as it is (write {{"{{"}} for a literal "{{")
//
// Random values are drawn per record: the records of one SQS batch get
// different uuids, while {{seq}} is the same for the whole request.
const placeholderHelp = `{{seq}}, {{uuid}}, {{random A B}}, {{choice a|b|c}}, {{hex N}}, {{now}}, {{"text"}}`

type partKind uint8

const (
	litPart partKind = iota
	seqPart
	uuidPart
	randomPart
	choicePart
	hexPart
	nowPart
)

// A pattern is a parameter value with placeholders.
type pattern struct {
	parts []part
}

type part struct {
	kind     partKind
	lit      []byte
	lo, hi   int64
	choices  [][]byte
	rawItems bool // choice items are JSON values, written as they are
	inString bool // json parameters: the placeholder sits inside a JSON string
	jsonKind bool // the parameter is of kind json
}

// hasPlaceholder reports whether s holds a placeholder.
func hasPlaceholder(s string) bool { return strings.Contains(s, "{{") }

// parsePattern parses a parameter value with placeholders.
func parsePattern(s string, kind Kind) (*pattern, error) {
	p := &pattern{}
	in := false
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			p.addLit(s, kind, &in)
			break
		}
		if i > 0 {
			p.addLit(s[:i], kind, &in)
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("placeholder %q is not closed with }}", s[i:])
		}
		pt, err := parsePart(strings.TrimSpace(s[i+2 : i+j]))
		if err != nil {
			return nil, err
		}
		pt.inString, pt.jsonKind = in, kind == JSON
		if pt.kind == litPart {
			p.addLit(string(pt.lit), kind, &in)
		} else {
			if err := checkPartKind(pt, kind); err != nil {
				return nil, err
			}
			p.parts = append(p.parts, pt)
		}
		s = s[i+j+2:]
	}
	return p, nil
}

func (p *pattern) addLit(s string, kind Kind, in *bool) {
	if kind == JSON {
		*in = scanString([]byte(s), *in)
	}
	if n := len(p.parts); n > 0 && p.parts[n-1].kind == litPart {
		p.parts[n-1].lit = append(p.parts[n-1].lit, s...)
		return
	}
	p.parts = append(p.parts, part{kind: litPart, lit: []byte(s)})
}

func parsePart(body string) (part, error) {
	name, rest, _ := strings.Cut(body, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case strings.HasPrefix(body, `"`):
		s, err := strconv.Unquote(body)
		if err != nil {
			return part{}, fmt.Errorf("placeholder {{%s}}: bad quoted text", body)
		}
		return part{kind: litPart, lit: []byte(s)}, nil
	case name == "seq" && rest == "":
		return part{kind: seqPart}, nil
	case name == "uuid" && rest == "":
		return part{kind: uuidPart}, nil
	case name == "now" && rest == "":
		return part{kind: nowPart}, nil
	case name == "random":
		a, b, _ := strings.Cut(rest, " ")
		lo, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		hi, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
		if err1 != nil || err2 != nil || lo > hi {
			return part{}, fmt.Errorf("placeholder {{%s}}: want {{random A B}} with integers A <= B", body)
		}
		return part{kind: randomPart, lo: lo, hi: hi}, nil
	case name == "hex":
		n, err := strconv.Atoi(rest)
		if err != nil || n <= 0 || n > 4096 {
			return part{}, fmt.Errorf("placeholder {{%s}}: want {{hex N}} with N from 1 to 4096", body)
		}
		return part{kind: hexPart, lo: int64(n)}, nil
	case name == "choice":
		if rest == "" {
			return part{}, fmt.Errorf("placeholder {{%s}}: want {{choice a|b|c}}", body)
		}
		pt := part{kind: choicePart, rawItems: true}
		for _, c := range strings.Split(rest, "|") {
			pt.choices = append(pt.choices, []byte(c))
			if !json.Valid([]byte(c)) {
				pt.rawItems = false
			}
		}
		return pt, nil
	}
	return part{}, fmt.Errorf("unknown placeholder {{%s}}; placeholders are %s", body, placeholderHelp)
}

// checkPartKind rejects placeholders that could make a value of the
// parameter's kind invalid.
func checkPartKind(pt part, kind Kind) error {
	switch kind {
	case Bool:
		if pt.kind != choicePart {
			return fmt.Errorf("a bool parameter takes only {{choice true|false}}")
		}
		for _, c := range pt.choices {
			if _, err := strconv.ParseBool(string(c)); err != nil {
				return fmt.Errorf("choice %q is not a bool", c)
			}
		}
	case Int:
		switch pt.kind {
		case seqPart, randomPart:
		case choicePart:
			for _, c := range pt.choices {
				if _, err := strconv.ParseInt(string(c), 10, 64); err != nil {
					return fmt.Errorf("choice %q is not an integer", c)
				}
			}
		default:
			return fmt.Errorf("an int parameter takes only {{seq}}, {{random A B}} and {{choice}} of integers")
		}
	}
	return nil
}

// expand appends the value of the pattern for a request and record.
func (p *pattern) expand(st *state, param, rec int, dst []byte) []byte {
	for i := range p.parts {
		pt := &p.parts[i]
		if pt.kind == litPart {
			dst = append(dst, pt.lit...)
			continue
		}
		// Text outside a JSON string of a json parameter becomes a string.
		quote := pt.jsonKind && !pt.inString && pt.kind != seqPart && pt.kind != randomPart &&
			!(pt.kind == choicePart && pt.rawItems)
		if quote {
			dst = append(dst, '"')
		}
		start := len(dst)
		r := st.rng(uint64(param+1)<<32|uint64(i+1), rec)
		switch pt.kind {
		case seqPart:
			dst = strconv.AppendUint(dst, st.n, 10)
		case uuidPart:
			dst = appendUUID(dst, r.next(), r.next())
		case randomPart:
			span := uint64(pt.hi - pt.lo + 1)
			v := r.next()
			if span != 0 {
				v %= span
			}
			dst = strconv.AppendInt(dst, pt.lo+int64(v), 10)
		case hexPart:
			dst, _ = appendRandom(dst, r, strconv.AppendInt(st.numBuf[:0], pt.lo, 10), "0123456789abcdef")
		case nowPart:
			dst, _ = appendTime(dst, st.time(), []byte("iso-ms"))
		case choicePart:
			dst = append(dst, pt.choices[r.next()%uint64(len(pt.choices))]...)
		}
		if pt.jsonKind && (pt.inString || quote) {
			// Escape in place: choice items may hold quotes.
			if needsEscape(dst[start:]) {
				esc := appendEscaped(nil, dst[start:])
				dst = append(dst[:start], esc...)
			}
		}
		if quote {
			dst = append(dst, '"')
		}
	}
	return dst
}

func needsEscape(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' {
			return true
		}
	}
	return false
}
