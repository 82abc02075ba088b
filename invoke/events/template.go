package events

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lambench/lambench/internal/suggest"
)

// Kind is the kind of a parameter's value.
type Kind uint8

// The kinds of parameters.
const (
	// String is any text; the template escapes it where it goes.
	String Kind = iota
	// Int is a decimal integer.
	Int
	// Bool is true or false.
	Bool
	// JSON is a JSON document, such as an object of headers.
	JSON
)

// String returns the kind's name: string, int, bool or json.
func (k Kind) String() string {
	switch k {
	case Int:
		return "int"
	case Bool:
		return "bool"
	case JSON:
		return "json"
	}
	return "string"
}

// ParseKind parses a kind's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range []Kind{String, Int, Bool, JSON} {
		if strings.EqualFold(s, k.String()) {
			return k, nil
		}
	}
	return String, fmt.Errorf("unknown parameter kind %q (string, int, bool, json)", s)
}

// Param is a parameter of a template.
type Param struct {
	// Name is the parameter's name, as SAM spells it where SAM has it
	// (queue-name, account-id, restApiId). Values are matched to names in
	// any case and with - or _ alike.
	Name string
	// Default is the value used when none is given; empty for many
	// derived values, which the template then computes.
	Default string
	// Help says in one line what the parameter is.
	Help string
	// Kind is the kind of value the parameter takes.
	Kind Kind
}

// Template is an event template: the JSON document a service sends to a
// function, with parameters.
type Template struct {
	// Service is the service that sends the event, such as s3 or sqs.
	Service string
	// Event is the kind of event, such as put or receive-message.
	Event string
	// Description says in one line what the event is.
	Description string
	// Params are the template's parameters.
	Params []Param
	// GoType names the aws-lambda-go type the event unmarshals into, such as
	// "events.SQSEvent"; empty when aws-lambda-go has none.
	GoType string
	// Source is "built-in", or the path of a user template's file.
	Source string
	// Overrides is set on a user template that replaces the built-in
	// template of the same name.
	Overrides bool

	text  string
	prog  *program
	index map[string]int // normKey(name) → index in Params
}

// Name returns the template's name, "<service> <event>".
func (t *Template) Name() string { return t.Service + " " + t.Event }

// Param returns the parameter of the given name (any case, - or _).
func (t *Template) Param(name string) (Param, bool) {
	i, ok := t.index[normKey(name)]
	if !ok {
		return Param{}, false
	}
	return t.Params[i], true
}

// Text returns the template's source text.
func (t *Template) Text() string { return t.text }

func (t *Template) paramNames() []string {
	names := make([]string, len(t.Params))
	for i, p := range t.Params {
		names[i] = p.Name
	}
	return names
}

// newTemplate parses text and binds it to params. With strict set (built-in
// templates), every field must be a declared parameter and every parameter
// used; otherwise fields without a declaration become string (or, used
// outside JSON strings, json) parameters.
func newTemplate(service, event, desc, source, text string, params []Param, strict bool) (*Template, error) {
	prog, err := parseProgram(source, text)
	if err != nil {
		return nil, err
	}
	t := &Template{Service: service, Event: event, Description: desc, Source: source,
		text: text, prog: prog, index: map[string]int{}}
	t.Params = slices.Clone(params)
	for i, p := range t.Params {
		if _, dup := t.index[normKey(p.Name)]; dup {
			return nil, fmt.Errorf("%s: parameter %q declared twice", source, p.Name)
		}
		t.index[normKey(p.Name)] = i
	}
	used := map[string]bool{}
	for _, f := range prog.fields {
		k := normKey(f)
		used[k] = true
		if _, ok := t.index[k]; ok {
			continue
		}
		if strict {
			return nil, fmt.Errorf("%s: .%s is not a declared parameter", source, f)
		}
		p := Param{Name: f, Kind: String}
		if prog.outside[f] {
			p.Kind, p.Default = JSON, "null"
		}
		t.index[k] = len(t.Params)
		t.Params = append(t.Params, p)
	}
	if prog.hasRecords {
		used["count"] = true
		if _, ok := t.index["count"]; !ok {
			t.index["count"] = len(t.Params)
			t.Params = append(t.Params, Param{Name: "count", Default: "1", Kind: Int, Help: "records in the event"})
		}
	}
	for _, p := range t.Params {
		if !used[normKey(p.Name)] {
			if strict {
				return nil, fmt.Errorf("%s: parameter %q is not used", source, p.Name)
			}
		}
	}
	if err := prog.bind(func(f string) (int, bool) {
		i, ok := t.index[normKey(f)]
		return i, ok
	}); err != nil {
		return nil, err
	}
	return t, nil
}

// normKey folds a parameter name for matching: lower case, _ as -.
func normKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-")
}

// ParamError is a bad parameter value.
type ParamError struct {
	// Template is the template's name.
	Template string
	// Param is the parameter's name (several, comma-separated, when a
	// value derived from them failed).
	Param string
	// Value is the value given.
	Value string
	// Err says what is wrong with it.
	Err error
}

// Error describes the bad value, naming the template and parameter.
func (e *ParamError) Error() string {
	return fmt.Sprintf("%s: parameter %s: %v", e.Template, e.Param, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParamError) Unwrap() error { return e.Err }

// UnknownParamError is a value for a parameter the template does not have.
type UnknownParamError struct {
	// Template is the template's name.
	Template string
	// Key is the unknown key.
	Key string
	// Valid are the template's parameters, closest to Key first.
	Valid []string
}

// Error names the unknown key and lists the valid ones.
func (e *UnknownParamError) Error() string {
	if len(e.Valid) == 0 {
		return fmt.Sprintf("%s has no parameters (got %q)", e.Template, e.Key)
	}
	return fmt.Sprintf("%s has no parameter %q; did you mean %s? Its parameters are %s",
		e.Template, e.Key, e.Valid[0], strings.Join(e.Valid, ", "))
}

// UnknownTemplateError is a template name that is not in the registry.
type UnknownTemplateError struct {
	// Name is the name asked for.
	Name string
	// Suggestions are the closest template names, best first.
	Suggestions []string
}

// Error names the unknown template and the closest ones.
func (e *UnknownTemplateError) Error() string {
	msg := fmt.Sprintf("no event template %q", e.Name)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(quoteAll(e.Suggestions), " or ") + "?"
	}
	return msg + " (lambench events list shows them all)"
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// closest returns candidates sorted best first (case-insensitive, - and _
// alike): the same name, then those that begin with s, then those that
// contain it, then the rest; within each by edit distance, then by name.
func closest(s string, candidates []string) []string {
	type scored struct {
		name    string
		rank, d int
	}
	k := normKey(s)
	list := make([]scored, 0, len(candidates))
	for _, c := range candidates {
		nc := normKey(c)
		rank := 3
		switch {
		case nc == k:
			rank = 0
		case k != "" && strings.HasPrefix(nc, k):
			rank = 1
		case k != "" && strings.Contains(nc, k):
			rank = 2
		}
		list = append(list, scored{c, rank, suggest.Distance(k, nc)})
	}
	slices.SortStableFunc(list, func(a, b scored) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.name
	}
	return out
}

func sortStrings(s []string) { slices.Sort(s) }
