package events

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"text/template/parse"
)

// The template language is the syntax of text/template, lowered to a small
// program that lambench evaluates itself: the values are strings, so the
// load tester can fold everything fixed once and evaluate only what changes
// per request, without reflection.
//
// Supported: text; {{.param}}; {{fn arg...}} with fields, string, number and
// bool literals and parenthesised calls as arguments; pipelines
// ({{.body | md5}}); {{if .param}}...{{else}}...{{end}} on a parameter
// without placeholders; and {{range .records}}...{{end}}, which repeats its
// body once per record of the count parameter, comma-separated.
//
// Where an action sits decides how its value is written: inside a JSON
// string, escaped as string content; outside, a text value becomes a quoted
// JSON string and a JSON value (int, bool and json parameters, functions
// that return JSON) is written as it is.

// A program is a parsed template.
type program struct {
	name  string
	tree  *parse.Tree
	nodes []node
	// fields are the parameter names the template refers to, in order of
	// first use; outside records whether one was used outside a JSON string.
	fields  []string
	outside map[string]bool
	// hasRecords is set when the template has a {{range .records}}.
	hasRecords bool
}

type nodeKind uint8

const (
	litNode nodeKind = iota
	emitNode
	rangeNode
	ifNode
)

type node struct {
	kind     nodeKind
	text     []byte    // litNode
	pos      parse.Pos // where the node starts in the source
	e        *expr     // emitNode, and the condition of an ifNode
	inString bool      // emitNode: the action sits inside a JSON string
	body     []node    // rangeNode, ifNode
	alt      []node    // ifNode: the else branch
}

// An expr is a function call, or with fn nil the value of its one operand.
type expr struct {
	fn   *function
	args []operand
	pos  parse.Pos
	key  uint64 // distinguishes the random values of different actions
}

// An operand is a parameter, a literal or a nested call.
type operand struct {
	field string // parameter name as written, "" if not a parameter
	param int    // parameter index, set when bound to a template
	lit   []byte
	raw   bool // literal is JSON (a number or a bool), not text
	sub   *expr
}

// parseProgram parses src; every field it uses is a parameter.
func parseProgram(name, src string) (*program, error) {
	trees, err := parse.Parse(name, src, "", "", funcNames())
	if err != nil {
		return nil, cleanParseError(err)
	}
	if len(trees) != 1 {
		return nil, fmt.Errorf("%s: {{define}} and {{block}} are not supported", name)
	}
	p := &program{name: name, tree: trees[name], outside: map[string]bool{}}
	if p.tree == nil || p.tree.Root == nil {
		return nil, fmt.Errorf("%s: empty template", name)
	}
	in := false
	p.nodes, in, err = p.lowerList(p.tree.Root, in, false)
	if err != nil {
		return nil, err
	}
	if in {
		return nil, fmt.Errorf("%s: a JSON string is not closed", name)
	}
	return p, nil
}

// cleanParseError drops the "template: " prefix so errors read as file:line: message.
func cleanParseError(err error) error {
	return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "template: "))
}

func (p *program) errorf(n parse.Node, format string, args ...any) error {
	loc, _ := p.tree.ErrorContext(n)
	return fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, args...))
}

func (p *program) lowerList(l *parse.ListNode, in, inRange bool) ([]node, bool, error) {
	if l == nil {
		return nil, in, nil
	}
	var out []node
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			out = append(out, node{kind: litNode, text: n.Text, pos: n.Pos})
			in = scanString(n.Text, in)
		case *parse.CommentNode:
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 {
				return nil, in, p.errorf(n, "variables are not supported")
			}
			e, err := p.lowerPipe(n.Pipe, in)
			if err != nil {
				return nil, in, err
			}
			out = append(out, node{kind: emitNode, e: e, inString: in, pos: n.Pos})
		case *parse.IfNode:
			e, err := p.lowerPipe(n.Pipe, in)
			if err != nil {
				return nil, in, err
			}
			if e.fn != nil || e.args[0].field == "" {
				return nil, in, p.errorf(n, "{{if}} takes one parameter, as in {{if .name}}")
			}
			body, inBody, err := p.lowerList(n.List, in, inRange)
			if err != nil {
				return nil, in, err
			}
			alt, inAlt, err := p.lowerList(n.ElseList, in, inRange)
			if err != nil {
				return nil, in, err
			}
			if inBody != inAlt {
				return nil, in, p.errorf(n, "the branches of {{if}} leave a JSON string open differently")
			}
			in = inBody
			out = append(out, node{kind: ifNode, e: e, body: body, alt: alt, pos: n.Pos})
		case *parse.RangeNode:
			if inRange || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 || n.ElseList != nil {
				return nil, in, p.errorf(n, "only {{range .records}}...{{end}} is supported")
			}
			f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
			if !ok || len(f.Ident) != 1 || f.Ident[0] != "records" {
				return nil, in, p.errorf(n, "only {{range .records}}...{{end}} is supported")
			}
			if in {
				return nil, in, p.errorf(n, "{{range .records}} inside a JSON string")
			}
			body, inBody, err := p.lowerList(n.List, in, true)
			if err != nil {
				return nil, in, err
			}
			if inBody {
				return nil, in, p.errorf(n, "the body of {{range .records}} leaves a JSON string open")
			}
			p.hasRecords = true
			out = append(out, node{kind: rangeNode, body: body, pos: n.Pos})
		default:
			return nil, in, p.errorf(n, "%s is not supported in event templates", n)
		}
	}
	return out, in, nil
}

func (p *program) lowerPipe(pipe *parse.PipeNode, in bool) (*expr, error) {
	var prev *expr
	for i, cmd := range pipe.Cmds {
		e, err := p.lowerCommand(cmd, in)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			if e.fn == nil {
				return nil, p.errorf(cmd, "only a function can follow | in a pipeline")
			}
			e.args = append(e.args, operand{sub: prev})
		}
		if e.fn != nil {
			if err := e.fn.checkArgs(len(e.args)); err != nil {
				return nil, p.errorf(cmd, "%v", err)
			}
		}
		prev = e
	}
	return prev, nil
}

func (p *program) lowerCommand(cmd *parse.CommandNode, in bool) (*expr, error) {
	e := &expr{pos: cmd.Pos}
	args := cmd.Args
	if id, ok := args[0].(*parse.IdentifierNode); ok {
		e.fn = functions[id.Ident]
		args = args[1:]
		if e.fn == nil {
			return nil, p.errorf(cmd, "function %q not defined", id.Ident)
		}
	} else if len(args) > 1 {
		return nil, p.errorf(cmd, "%s is not a function", args[0])
	}
	for _, a := range args {
		op, err := p.lowerOperand(a, in)
		if err != nil {
			return nil, err
		}
		e.args = append(e.args, op)
	}
	if e.fn != nil {
		// An explicit key (a trailing string literal) makes two actions
		// share a random value; otherwise each action gets its own.
		e.key = uint64(cmd.Pos)*0x9e3779b97f4a7c15 + 1
		if e.fn.keyed && len(e.args) > 0 {
			if last := e.args[len(e.args)-1]; last.lit != nil && !last.raw {
				e.key = hashBytes(last.lit)
			}
		}
	}
	return e, nil
}

func (p *program) lowerOperand(a parse.Node, in bool) (operand, error) {
	switch a := a.(type) {
	case *parse.FieldNode:
		if len(a.Ident) != 1 {
			return operand{}, p.errorf(a, "%s: nested fields are not supported", a)
		}
		name := a.Ident[0]
		if name == "records" {
			return operand{}, p.errorf(a, ".records is only for {{range .records}}")
		}
		p.addField(name, !in)
		return operand{field: name}, nil
	case *parse.StringNode:
		return operand{lit: []byte(a.Text)}, nil
	case *parse.NumberNode:
		return operand{lit: []byte(a.Text), raw: true}, nil
	case *parse.BoolNode:
		return operand{lit: []byte(strconv.FormatBool(a.True)), raw: true}, nil
	case *parse.PipeNode:
		if len(a.Decl) > 0 {
			return operand{}, p.errorf(a, "variables are not supported")
		}
		e, err := p.lowerPipe(a, in)
		if err != nil {
			return operand{}, err
		}
		return operand{sub: e}, nil
	case *parse.IdentifierNode:
		f := functions[a.Ident]
		if f == nil {
			return operand{}, p.errorf(a, "function %q not defined", a.Ident)
		}
		if err := f.checkArgs(0); err != nil {
			return operand{}, p.errorf(a, "%v", err)
		}
		return operand{sub: &expr{fn: f, pos: a.Pos, key: uint64(a.Pos)*0x9e3779b97f4a7c15 + 1}}, nil
	}
	return operand{}, p.errorf(a, "%s is not supported here", a)
}

func (p *program) addField(name string, outside bool) {
	if _, seen := p.outside[name]; !seen {
		p.fields = append(p.fields, name)
		p.outside[name] = false
	}
	if outside {
		p.outside[name] = true
	}
}

// scanString reports whether the end of text is inside a JSON string, given
// whether its start is.
func scanString(text []byte, in bool) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		}
	}
	return in
}

// bind resolves the field names of every operand to parameter indexes.
func (p *program) bind(index func(field string) (int, bool)) error {
	var bindExpr func(e *expr) error
	bindExpr = func(e *expr) error {
		for i := range e.args {
			a := &e.args[i]
			if a.sub != nil {
				if err := bindExpr(a.sub); err != nil {
					return err
				}
				continue
			}
			if a.field == "" {
				continue
			}
			j, ok := index(a.field)
			if !ok {
				loc, _ := p.tree.ErrorContext(&parse.TextNode{NodeType: parse.NodeText, Pos: e.pos})
				return fmt.Errorf("%s: unknown parameter .%s", loc, a.field)
			}
			a.param = j
		}
		return nil
	}
	var bindList func(ns []node) error
	bindList = func(ns []node) error {
		for i := range ns {
			n := &ns[i]
			if n.e != nil {
				if err := bindExpr(n.e); err != nil {
					return err
				}
			}
			if err := bindList(n.body); err != nil {
				return err
			}
			if err := bindList(n.alt); err != nil {
				return err
			}
		}
		return nil
	}
	return bindList(p.nodes)
}

// lineCol converts a byte offset of src to a 1-based line and column.
func lineCol(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	line = 1 + bytes.Count(src[:off], []byte{'\n'})
	col = off + 1
	if i := bytes.LastIndexByte(src[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}
