package logsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRegexps is how many %regex% a filter pattern may hold, as on AWS.
const maxRegexps = 2

// Pattern is a parsed CloudWatch Logs filter pattern. Parse it once with
// ParsePattern and match it against any number of messages; it is safe
// for concurrent use. The nil *Pattern matches everything.
type Pattern struct {
	text string
	m    matcher // nil: everything matches
}

type matcher interface {
	match(msg string) bool
}

// PatternError reports a filter pattern that cannot be parsed. Its
// message follows AWS's where AWS has one (e.g. "Invalid character(s) in
// term '@'"), with a hint on how to write the pattern.
type PatternError struct {
	// Pattern is the pattern as given.
	Pattern string
	// Msg says what is wrong.
	Msg string
}

// Error returns the message.
func (e *PatternError) Error() string { return e.Msg }

func patternErr(p, format string, args ...any) *PatternError {
	return &PatternError{Pattern: p, Msg: fmt.Sprintf(format, args...)}
}

// ParsePattern parses a filter pattern: terms, "quoted phrases", ?terms,
// -terms and %regex%, or a JSON pattern { $.field = "value" }. An empty
// pattern matches everything. See the package documentation for the
// syntax. The error, if any, is a *PatternError.
func ParsePattern(text string) (*Pattern, error) {
	p := &Pattern{text: text}
	trimmed := strings.TrimSpace(text)
	var err error
	switch {
	case trimmed == "":
	case trimmed[0] == '{':
		if trimmed[len(trimmed)-1] != '}' {
			return nil, patternErr(text, "If a filter pattern starts with '{' it must end with '}'")
		}
		p.m, err = parseJSONPattern(text, trimmed[1:len(trimmed)-1])
	case trimmed[0] == '[':
		return nil, patternErr(text, "Invalid filter pattern: space-delimited patterns ([field1, field2, ...]) are not supported by the local Lambda; use terms, \"quoted phrases\", %%regex%% or a JSON pattern { $.field = value }")
	default:
		p.m, err = parseTermPattern(text)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// String returns the pattern as given.
func (p *Pattern) String() string {
	if p == nil {
		return ""
	}
	return p.text
}

// MatchesAll reports whether the pattern matches every message (it is
// empty or nil), which spares a caller the calls to Match.
func (p *Pattern) MatchesAll() bool { return p == nil || p.m == nil }

// Match reports whether a log message matches the pattern.
func (p *Pattern) Match(msg string) bool {
	if p == nil || p.m == nil {
		return true
	}
	return p.m.match(msg)
}

// term is one word, phrase or regex of an unstructured pattern.
type term struct {
	text string
	re   *regexp.Regexp
	all  bool // " " or "": matches everything, as AWS documents
}

func (t term) match(msg string) bool {
	switch {
	case t.all:
		return true
	case t.re != nil:
		return t.re.MatchString(msg)
	default:
		return strings.Contains(msg, t.text)
	}
}

// termPattern matches an unstructured event: every plain term, at least
// one ?term (when there are any) and no -term.
type termPattern struct {
	must, any, not []term
}

func (tp *termPattern) match(msg string) bool {
	for _, t := range tp.not {
		if t.match(msg) {
			return false
		}
	}
	for _, t := range tp.must {
		if !t.match(msg) {
			return false
		}
	}
	if len(tp.any) == 0 {
		return true
	}
	for _, t := range tp.any {
		if t.match(msg) {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func parseTermPattern(text string) (matcher, error) {
	tp := &termPattern{}
	regexps := 0
	s := text
	for i := 0; i < len(s); {
		if isSpace(s[i]) {
			i++
			continue
		}
		start := i
		kind := s[i]
		if kind == '?' || kind == '-' {
			i++
		} else {
			kind = 0
		}
		if i == len(s) || isSpace(s[i]) {
			return nil, patternErr(text, "Invalid character(s) in term '%c' (write ?TERM for any of several terms, -TERM to exclude one)", s[start])
		}
		var t term
		switch s[i] {
		case '"':
			phrase, n, err := parsePhrase(text, s[i:])
			if err != nil {
				return nil, err
			}
			i += n
			t = term{text: phrase, all: strings.TrimSpace(phrase) == ""}
		case '%':
			end := strings.IndexByte(s[i+1:], '%')
			if end < 0 {
				return nil, patternErr(text, "Invalid filter pattern: the regular expression %s is not closed with %%", s[i:])
			}
			re, err := compileRegex(text, s[i+1:i+1+end])
			if err != nil {
				return nil, err
			}
			if regexps++; regexps > maxRegexps {
				return nil, patternErr(text, "Invalid filter pattern: a filter pattern can hold at most %d regular expressions", maxRegexps)
			}
			i += end + 2
			t = term{re: re}
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
			word := s[i:j]
			if bad := invalidTermChars(word); bad != "" {
				return nil, patternErr(text, "Invalid character(s) in term '%s' (enclose terms with characters other than letters, digits and underscores in double quotes: \"%s\")", bad, strings.ReplaceAll(word, `"`, `\"`))
			}
			i = j
			t = term{text: word}
		}
		if i < len(s) && !isSpace(s[i]) {
			return nil, patternErr(text, "Invalid character(s) in term '%c' (separate terms with spaces)", s[i])
		}
		switch kind {
		case '?':
			tp.any = append(tp.any, t)
		case '-':
			tp.not = append(tp.not, t)
		default:
			tp.must = append(tp.must, t)
		}
	}
	if len(tp.must) == 0 && len(tp.any) == 0 && len(tp.not) == 0 {
		return nil, nil
	}
	return tp, nil
}

// parsePhrase reads a double-quoted phrase at the start of s, where \"
// and \\ stand for " and \. It returns the phrase and the bytes read.
func parsePhrase(text, s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				i++
			}
			b.WriteByte(s[i])
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, patternErr(text, "Invalid character(s) in term '\"' (the quoted phrase %s is not closed)", s)
}

// invalidTermChars returns the characters of an unquoted term that AWS
// requires to be quoted: anything but letters, digits and underscores.
func invalidTermChars(word string) string {
	var bad []rune
	for _, r := range word {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			continue
		}
		if !strings.ContainsRune(string(bad), r) {
			bad = append(bad, r)
		}
	}
	return string(bad)
}

// compileRegex compiles the inside of %...%, which AWS limits to letters,
// digits, the symbols :_#=@/;,- and the operators ^$?[]{}|\*+. (no
// groups, no multi-byte characters).
func compileRegex(text, expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, patternErr(text, "Invalid filter pattern: empty regular expression %%%%")
	}
	var bad []byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		ok := c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":_#=@/;,-^$?[]{}|\\*+.", c) >= 0)
		if !ok && bytes.IndexByte(bad, c) < 0 {
			bad = append(bad, c)
		}
	}
	if len(bad) > 0 {
		return nil, patternErr(text, "Invalid character(s) in term '%s' (a %%regex%% may hold only letters, digits, :_#=@/;,- and the operators ^$?[]{}|\\*+.)", bad)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, patternErr(text, "Invalid filter pattern: invalid regular expression %%%s%%: %v", expr, err)
	}
	return re, nil
}

// JSON patterns.

// jsonExpr is a JSON pattern's expression, evaluated against the decoded
// event.
type jsonExpr interface {
	eval(doc any) bool
}

type jsonPattern struct {
	expr jsonExpr
}

func (jp *jsonPattern) match(msg string) bool {
	i := 0
	for i < len(msg) && isSpace(msg[i]) {
		i++
	}
	if i == len(msg) || msg[i] != '{' {
		return false
	}
	d := json.NewDecoder(strings.NewReader(msg))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		return false
	}
	return jp.expr.eval(doc)
}

// jsonChain is conditions joined by && and ||, which CloudWatch evaluates
// from left to right with equal precedence (parentheses group).
type jsonChain struct {
	first jsonExpr
	ops   []string // "&&" or "||", one per rest
	rest  []jsonExpr
}

func (c *jsonChain) eval(doc any) bool {
	v := c.first.eval(doc)
	for i, e := range c.rest {
		if c.ops[i] == "&&" {
			v = v && e.eval(doc)
		} else {
			v = v || e.eval(doc)
		}
	}
	return v
}

// selector is a path into the event: $.a.b[0].
type selector struct {
	text  string
	steps []any // string keys and int indexes
}

func (s selector) resolve(doc any) (any, bool) {
	v := doc
	for _, step := range s.steps {
		switch k := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	return v, true
}

// jsonCond is one comparison: selector OP value, or a postfix test.
type jsonCond struct {
	sel   selector
	op    string // = != < <= > >=, or IS NULL, IS TRUE, IS FALSE, NOT EXISTS
	str   string // string value (a glob with *), or a number's text
	num   float64
	isNum bool
	re    *regexp.Regexp
}

func (c *jsonCond) eval(doc any) bool {
	v, found := c.sel.resolve(doc)
	switch c.op {
	case "NOT EXISTS":
		return !found
	case "IS NULL":
		return found && v == nil
	case "IS TRUE", "IS FALSE":
		b, ok := v.(bool)
		return found && ok && b == (c.op == "IS TRUE")
	}
	if !found {
		return false
	}
	if c.isNum {
		if n, ok := v.(json.Number); ok {
			f, err := n.Float64()
			if err != nil {
				return false
			}
			return compareNum(f, c.op, c.num)
		}
		if c.op != "=" && c.op != "!=" {
			return false
		}
	}
	s, ok := scalarText(v)
	if !ok {
		return false
	}
	var eq bool
	switch {
	case c.re != nil:
		eq = c.re.MatchString(s)
	case c.isNum:
		eq = s == c.str
	default:
		eq = globMatch(c.str, s)
	}
	return eq == (c.op == "=")
}

func compareNum(a float64, op string, b float64) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	default:
		return a >= b
	}
}

// scalarText is how a string comparison sees a JSON value.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// globMatch matches s against a pattern where * stands for any run of
// characters.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// jsonParser is a recursive-descent parser over the tokens of a JSON
// pattern's inside.
type jsonParser struct {
	text    string // the whole pattern, for errors
	toks    []jtok
	pos     int
	regexps int
}

type jtok struct {
	kind byte // '(' ')' '&' (&&) '|' (||) 'o' operator, 's' selector, 'q' quoted, 'r' regex, 'w' word
	val  string
}

func parseJSONPattern(text, inner string) (matcher, error) {
	toks, err := lexJSON(text, inner)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, patternErr(text, "Invalid filter pattern: the JSON pattern {} holds no condition; write { $.field = value }")
	}
	p := &jsonParser{text: text, toks: toks}
	e, err := p.chain()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, p.errAt("&& or || or the closing }")
	}
	return &jsonPattern{expr: e}, nil
}

func (p *jsonParser) errAt(want string) error {
	got := "the end of the pattern"
	if p.pos < len(p.toks) {
		got = "'" + p.toks[p.pos].val + "'"
	}
	return patternErr(p.text, "Invalid filter pattern: expected %s, found %s", want, got)
}

func (p *jsonParser) peek() (jtok, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return jtok{}, false
}

func (p *jsonParser) chain() (jsonExpr, error) {
	first, err := p.unit()
	if err != nil {
		return nil, err
	}
	c := &jsonChain{first: first}
	for {
		t, ok := p.peek()
		if !ok || (t.kind != '&' && t.kind != '|') {
			break
		}
		p.pos++
		e, err := p.unit()
		if err != nil {
			return nil, err
		}
		c.ops = append(c.ops, t.val)
		c.rest = append(c.rest, e)
	}
	if len(c.rest) == 0 {
		return first, nil
	}
	return c, nil
}

func (p *jsonParser) unit() (jsonExpr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, p.errAt("a condition")
	}
	if t.kind == '(' {
		p.pos++
		e, err := p.chain()
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); !ok || t.kind != ')' {
			return nil, p.errAt("')'")
		}
		p.pos++
		return e, nil
	}
	if t.kind != 's' {
		return nil, p.errAt("a selector such as $.field")
	}
	p.pos++
	sel, err := parseSelector(p.text, t.val)
	if err != nil {
		return nil, err
	}
	c := &jsonCond{sel: sel}
	t, ok = p.peek()
	if !ok {
		return nil, p.errAt("an operator after " + sel.text)
	}
	if t.kind == 'w' && (t.val == "IS" || t.val == "NOT") {
		p.pos++
		t2, ok := p.peek()
		if !ok || t2.kind != 'w' {
			return nil, p.errAt("NULL, TRUE, FALSE or EXISTS")
		}
		op := t.val + " " + t2.val
		switch op {
		case "IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS":
		default:
			return nil, patternErr(p.text, "Invalid filter pattern: unknown test %q (use IS NULL, IS TRUE, IS FALSE or NOT EXISTS)", op)
		}
		p.pos++
		c.op = op
		return c, nil
	}
	if t.kind != 'o' {
		return nil, p.errAt("an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after " + sel.text)
	}
	p.pos++
	c.op = t.val
	v, ok := p.peek()
	if !ok || (v.kind != 'q' && v.kind != 'r' && v.kind != 'w') {
		return nil, p.errAt("a value after " + sel.text + " " + c.op)
	}
	p.pos++
	numeric := c.op != "=" && c.op != "!="
	switch v.kind {
	case 'r':
		if numeric {
			return nil, patternErr(p.text, "Invalid filter pattern: %s compares numbers, not a %%regex%%", c.op)
		}
		re, err := compileRegex(p.text, v.val)
		if err != nil {
			return nil, err
		}
		if p.regexps++; p.regexps > maxRegexps {
			return nil, patternErr(p.text, "Invalid filter pattern: a filter pattern can hold at most %d regular expressions", maxRegexps)
		}
		c.re = re
	case 'q':
		if numeric {
			return nil, patternErr(p.text, "Invalid filter pattern: %s compares numbers, not the string \"%s\"", c.op, v.val)
		}
		c.str = v.val
	default:
		if f, err := strconv.ParseFloat(v.val, 64); err == nil {
			c.num, c.isNum, c.str = f, true, v.val
		} else if numeric {
			return nil, patternErr(p.text, "Invalid filter pattern: %s compares numbers, not %q", c.op, v.val)
		} else {
			c.str = v.val
		}
	}
	return c, nil
}

// parseSelector parses $.a.b[0][1].
func parseSelector(text, s string) (selector, error) {
	sel := selector{text: s}
	bad := func() (selector, error) {
		return selector{}, patternErr(text, "Invalid filter pattern: invalid selector %s (write $.field, $.parent.child or $.list[0])", s)
	}
	if s == "$" {
		return sel, nil
	}
	i := 1
	for i < len(s) {
		switch s[i] {
		case '.':
			j := i + 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			key := s[i+1 : j]
			if key == "" || key == "*" {
				return bad()
			}
			if strings.ContainsAny(key, `"'`) {
				return selector{}, patternErr(text, "Invalid character(s) in term '%s'", s[:i+2])
			}
			sel.steps = append(sel.steps, key)
			i = j
		case '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return bad()
			}
			n, err := strconv.Atoi(s[i+1 : i+j])
			if err != nil || n < 0 {
				return bad()
			}
			sel.steps = append(sel.steps, n)
			i += j + 1
		default:
			return bad()
		}
	}
	return sel, nil
}

// lexJSON splits the inside of a JSON pattern into tokens.
func lexJSON(text, s string) ([]jtok, error) {
	var toks []jtok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case c == '(' || c == ')':
			toks = append(toks, jtok{kind: c, val: string(c)})
			i++
		case strings.HasPrefix(s[i:], "&&"):
			toks = append(toks, jtok{kind: '&', val: "&&"})
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			toks = append(toks, jtok{kind: '|', val: "||"})
			i += 2
		case c == '!' || c == '<' || c == '>' || c == '=':
			op := string(c)
			if i+1 < len(s) && s[i+1] == '=' {
				op += "="
			}
			if op == "!" {
				return nil, patternErr(text, "Invalid filter pattern: '!' must be followed by '=' (write != )")
			}
			if op == "==" {
				op = "="
			}
			toks = append(toks, jtok{kind: 'o', val: op})
			i += len(op)
			if op == "=" && strings.HasPrefix(s[i:], "=") {
				i++
			}
		case c == '"':
			phrase, n, err := parsePhrase(text, s[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, jtok{kind: 'q', val: phrase})
			i += n
		case c == '%':
			end := strings.IndexByte(s[i+1:], '%')
			if end < 0 {
				return nil, patternErr(text, "Invalid filter pattern: the regular expression %s is not closed with %%", s[i:])
			}
			toks = append(toks, jtok{kind: 'r', val: s[i+1 : i+1+end]})
			i += end + 2
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && strings.IndexByte("()=!<>\"", s[j]) < 0 &&
				!strings.HasPrefix(s[j:], "&&") && !strings.HasPrefix(s[j:], "||") {
				j++
			}
			if j == i {
				return nil, patternErr(text, "Invalid character(s) in term '%c'", c)
			}
			kind := byte('w')
			if c == '$' {
				kind = 's'
				// A selector's quoted key ($."a-b") is what AWS rejects.
				if j < len(s) && s[j] == '"' {
					return nil, patternErr(text, "Invalid character(s) in term '%s\"'", s[i:j])
				}
			}
			toks = append(toks, jtok{kind: kind, val: s[i:j]})
			i = j
		}
	}
	return toks, nil
}
