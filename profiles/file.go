package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/suggest"
)

// FileName is the configuration file lambench looks for.
const FileName = "lambench.toml"

// File is a parsed and validated lambench.toml.
type File struct {
	// Path is the file's absolute path.
	Path string
	// DefaultProfile is default_profile: the profile used when none is asked for.
	DefaultProfile string
	// Profiles are the [profiles.NAME] tables.
	Profiles map[string]Profile
	// Functions are the local Lambda's functions ([[functions]]), with
	// relative paths resolved against the file's directory.
	Functions []emulator.Function
	// FunctionProfiles maps a function to the AWS profile (aws_profile)
	// whose credentials it gets; the caller resolves them.
	FunctionProfiles map[string]string

	display string              // the path as the user gave it, for errors
	pos     map[string]position // where each key is written
}

// Error is a problem in a configuration file, located at file:line:col.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Find returns the path of lambench.toml in dir or its nearest parent
// directory, as git finds .git, or "" when there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, FileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads and validates the file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

type rawFile struct {
	DefaultProfile string                `toml:"default_profile"`
	Profiles       map[string]rawProfile `toml:"profiles"`
	Functions      []rawFunction         `toml:"functions"`
}

type rawProfile struct {
	Target     string `toml:"target"`
	Region     string `toml:"region"`
	AWSProfile string `toml:"aws_profile"`
	Endpoint   string `toml:"endpoint"`
	Function   string `toml:"function"`
}

type rawFunction struct {
	Name                string            `toml:"name"`
	Runtime             string            `toml:"runtime"`
	Handler             string            `toml:"handler"`
	Code                string            `toml:"code"`
	Command             any               `toml:"command"`
	Memory              int               `toml:"memory"`
	Timeout             int               `toml:"timeout"`
	Environment         map[string]string `toml:"environment"`
	ReservedConcurrency *int              `toml:"reserved_concurrency"`
	Description         string            `toml:"description"`
	Architecture        string            `toml:"architecture"`
	Schedule            string            `toml:"schedule"`
	MaxRetryAttempts    *int              `toml:"max_retry_attempts"`
	MaxEventAge         int               `toml:"max_event_age"`
	AWSProfile          string            `toml:"aws_profile"`
	AWSEndpointURL      string            `toml:"aws_endpoint_url"`
}

// keys lists the valid keys per table, for unknown-key suggestions.
var keys = map[string][]string{
	"":         {"default_profile", "profiles", "functions"},
	"profiles": {"target", "region", "aws_profile", "endpoint", "function"},
	"functions": {"name", "runtime", "handler", "code", "command", "memory", "timeout", "environment", "reserved_concurrency",
		"description", "architecture", "schedule", "max_retry_attempts", "max_event_age", "aws_profile", "aws_endpoint_url"},
}

// Parse validates data read from path.
func Parse(path string, data []byte) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	display := path
	pos, err := index(data)
	if err != nil {
		return nil, parserError(display, data, err)
	}
	var raw rawFile
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, decodeError(display, err)
	}
	f := &File{Path: abs, display: display, pos: pos, DefaultProfile: raw.DefaultProfile}
	if err := f.readProfiles(raw.Profiles); err != nil {
		return nil, err
	}
	if raw.DefaultProfile != "" {
		if _, ok := f.Profiles[raw.DefaultProfile]; !ok {
			return nil, f.errorAt("default_profile", fmt.Sprintf("default_profile %q names no [profiles.NAME] table%s", raw.DefaultProfile, f.profileHint(raw.DefaultProfile)))
		}
	}
	dir := filepath.Dir(abs)
	seen := map[string]int{}
	for i, rf := range raw.Functions {
		at := func(field string) (int, int) {
			if p, ok := pos[fmt.Sprintf("functions[%d].%s", i, field)]; ok {
				return p.line, p.col
			}
			p := pos[fmt.Sprintf("functions[%d]", i)]
			return p.line, p.col
		}
		fail := func(field, msg string) error {
			line, col := at(field)
			return &Error{File: display, Line: line, Col: col, Msg: msg}
		}
		fn, err := rf.function(dir)
		if err != nil {
			var fe *emulator.FieldError
			if errors.As(err, &fe) {
				return nil, fail(fe.Field, fmt.Sprintf("function %q: %v", rf.Name, err))
			}
			return nil, fail("command", err.Error())
		}
		if err := fn.Validate(); err != nil {
			var fe *emulator.FieldError
			if errors.As(err, &fe) {
				key, _, _ := strings.Cut(fe.Field, ".")
				return nil, fail(fe.Field, fmt.Sprintf("function %q: %s: %v", rf.Name, key, fe.Err))
			}
			return nil, fail("name", err.Error())
		}
		if prev, dup := seen[fn.Name]; dup {
			return nil, fail("name", fmt.Sprintf("function %q is defined twice (first as function #%d)", fn.Name, prev+1))
		}
		seen[fn.Name] = i
		f.Functions = append(f.Functions, fn)
		if rf.AWSProfile != "" {
			if f.FunctionProfiles == nil {
				f.FunctionProfiles = map[string]string{}
			}
			f.FunctionProfiles[fn.Name] = rf.AWSProfile
		}
	}
	return f, nil
}

// maxSeconds bounds a number of seconds in the file: time.Duration holds
// no more. (Validate then applies the real limits.)
const maxSeconds = math.MaxInt64 / int64(time.Second)

func (rf rawFunction) function(dir string) (emulator.Function, error) {
	// A count of seconds time.Duration cannot hold would wrap round into
	// a plausible value (timeout = 18446744077 became 3.29 s, and
	// max_event_age = 18446744134 a valid 60.29 s): refuse it here.
	for _, v := range []struct {
		key string
		n   int
	}{{"timeout", rf.Timeout}, {"max_event_age", rf.MaxEventAge}} {
		if int64(v.n) > maxSeconds || int64(v.n) < -maxSeconds {
			return emulator.Function{}, &emulator.FieldError{Field: v.key, Err: fmt.Errorf("%d seconds is out of range", v.n)}
		}
	}
	fn := emulator.Function{
		Name:                rf.Name,
		Runtime:             rf.Runtime,
		Handler:             rf.Handler,
		Code:                rf.Code,
		MemoryMB:            rf.Memory,
		Timeout:             time.Duration(rf.Timeout) * time.Second,
		Environment:         rf.Environment,
		ReservedConcurrency: rf.ReservedConcurrency,
		Description:         rf.Description,
		Architecture:        rf.Architecture,
		Schedule:            rf.Schedule,
		MaxRetryAttempts:    rf.MaxRetryAttempts,
		MaxEventAge:         time.Duration(rf.MaxEventAge) * time.Second,
		EndpointURL:         rf.AWSEndpointURL,
	}
	if fn.Code != "" && !strings.HasPrefix(fn.Code, emulator.BuiltinPrefix) && !filepath.IsAbs(fn.Code) {
		fn.Code = filepath.Join(dir, fn.Code)
	}
	switch c := rf.Command.(type) {
	case nil:
	case string:
		fn.Command = strings.Fields(c)
	case []any:
		for _, a := range c {
			s, ok := a.(string)
			if !ok {
				return fn, fmt.Errorf("function %q: command: every element must be a string", rf.Name)
			}
			fn.Command = append(fn.Command, s)
		}
	default:
		return fn, fmt.Errorf("function %q: command must be a string or an array of strings", rf.Name)
	}
	if rf.Command != nil && len(fn.Command) == 0 {
		return fn, fmt.Errorf("function %q: command is empty", rf.Name)
	}
	// A relative executable path is relative to the file, like code.
	if len(fn.Command) > 0 && strings.Contains(fn.Command[0], "/") && !filepath.IsAbs(fn.Command[0]) {
		fn.Command[0] = filepath.Join(dir, fn.Command[0])
	}
	if rf.Timeout < 0 {
		fn.Timeout = -time.Second
	}
	return fn, nil
}

type position struct{ line, col int }

// index maps every key path of the document (functions[0].memory,
// functions[1].environment.A) to where it is written.
func index(data []byte) (map[string]position, error) {
	var p unstable.Parser
	p.Reset(data)
	pos := map[string]position{}
	arrays := map[string]int{} // array-of-tables path -> elements so far
	var table string
	at := func(n *unstable.Node) position {
		s := p.Shape(n.Raw)
		return position{s.Start.Line, s.Start.Column}
	}
	// resolve turns a dotted key into a path, pointing parts that name an
	// array of tables at its last element, as TOML does.
	resolve := func(base string, it unstable.Iterator) (string, *unstable.Node) {
		path := base
		var first *unstable.Node
		for it.Next() {
			n := it.Node()
			if first == nil {
				first = n
			}
			if path != "" {
				path += "."
			}
			path += string(n.Data)
			if c, ok := arrays[path]; ok && !it.IsLast() {
				path += "[" + strconv.Itoa(c-1) + "]"
			}
		}
		return path, first
	}
	var keyValues func(base string, n *unstable.Node)
	keyValues = func(base string, n *unstable.Node) {
		path, first := resolve(base, n.Key())
		if first != nil {
			pos[path] = at(first)
		}
		if v := n.Value(); v.Kind == unstable.InlineTable {
			it := v.Children()
			for it.Next() {
				keyValues(path, it.Node())
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			path, first := resolve("", e.Key())
			table = path
			if first != nil {
				pos[path] = at(first)
			}
		case unstable.ArrayTable:
			path, first := resolve("", e.Key())
			n := arrays[path]
			arrays[path] = n + 1
			table = path + "[" + strconv.Itoa(n) + "]"
			if first != nil {
				pos[table] = at(first)
			}
		case unstable.KeyValue:
			keyValues(table, e)
		}
	}
	return pos, p.Error()
}

func parserError(file string, data []byte, err error) error {
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		var p unstable.Parser
		p.Reset(data)
		s := p.Shape(p.Range(pe.Highlight))
		return &Error{File: file, Line: s.Start.Line, Col: s.Start.Column, Msg: "invalid TOML: " + pe.Message}
	}
	return &Error{File: file, Msg: err.Error()}
}

func decodeError(file string, err error, top ...string) error {
	var sm *toml.StrictMissingError
	if errors.As(err, &sm) && len(sm.Errors) > 0 {
		de := sm.Errors[0]
		line, col := de.Position()
		key := de.Key()
		name := key[len(key)-1]
		table, where := "", ""
		if len(top) > 0 {
			table = top[0]
		}
		switch {
		case len(key) > 1 && key[0] == "scenario":
			table, where = "scenario", " in [[scenario]]"
		case len(key) > 1 && key[0] == "functions":
			table, where = "functions", " in [[functions]]"
		case len(key) == 3 && key[0] == "profiles":
			table, where = "profiles", " in [profiles."+key[1]+"]"
		}
		msg := fmt.Sprintf("unknown key %q%s", name, where)
		valid := keys[table]
		if s := suggest.Closest(name, valid); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		if len(valid) > 0 {
			msg += "; valid keys: " + strings.Join(sortedCopy(valid), ", ")
		}
		return &Error{File: file, Line: line, Col: col, Msg: msg}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := typeMismatch(strings.TrimPrefix(de.Error(), "toml: "))
		if k := de.Key(); len(k) > 0 {
			msg = strings.Join(k, ".") + ": " + msg
		}
		return &Error{File: file, Line: line, Col: col, Msg: msg}
	}
	return &Error{File: file, Msg: err.Error()}
}

var mismatchRE = regexp.MustCompile(`^cannot decode TOML (\w+) into .*?(?:of type )?([\w\[\]]+)$`)

// typeMismatch rewords go-toml's type errors in the user's terms.
func typeMismatch(msg string) string {
	m := mismatchRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{
		"int": "an integer", "string": "a string in quotes", "bool": "true or false",
		"map[string]string": "a table of strings",
	}[m[2]]
	if want == "" {
		return msg
	}
	return fmt.Sprintf("expected %s, found a TOML %s", want, m[1])
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
