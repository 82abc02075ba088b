package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	toml "github.com/pelletier/go-toml/v2"
)

// checkConfigError holds for every error of Parse and ParseSuite: it is an
// *Error naming the file, and where it has a line it has a column, both
// within the document.
func checkConfigError(t *testing.T, name string, data []byte, err error) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s: error %T %q is not a *profiles.Error", name, err, err)
	}
	if ce.File != name {
		t.Fatalf("error names the file %q, want %q: %v", ce.File, name, err)
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	switch {
	case ce.Line == 0 && ce.Col != 0:
		t.Fatalf("error has a column but no line: %v", err)
	case ce.Line < 0 || ce.Line > lines || (ce.Line > 0 && ce.Col < 1):
		t.Fatalf("error at %d:%d, outside the document's %d lines: %v", ce.Line, ce.Col, lines, err)
	}
	if ce.Line > 0 && !strings.HasPrefix(err.Error(), fmt.Sprintf("%s:%d:%d: ", name, ce.Line, ce.Col)) {
		t.Fatalf("error %q does not start with file:line:col", err)
	}
}

// FuzzParse parses arbitrary lambench.toml documents: no panic; errors are
// located (file:line:col); what parses keeps the numbers it was given.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		`default_profile = "dev"
[profiles.dev]
target = "local"
[profiles.prod]
target = "aws"
region = "eu-west-1"
aws_profile = "prod"
function = "orders"
[profiles.rie]
target = "rie"
endpoint = "http://127.0.0.1:9000"
`,
		`[[functions]]
name = "hello"
code = "builtin:hello"
[[functions]]
name = "sleep"
code = "builtin:sleep"
memory = 256
timeout = 10
reserved_concurrency = 8
environment = { A = "1" }
[functions.environment]
B = "2"
`,
		`[[functions]]
name = "cmd"
command = ["./fn/bootstrap", "--flag"]
schedule = "rate(1 minute)"
max_retry_attempts = 0
max_event_age = 3600
aws_profile = "dev"
`,
		"[[functions]]\nname = \"x\"\ncommand = \"\"\n",
		"[[functions]]\nname = \"x\"\ncommand = [1]\n",
		"[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\nmemory = \"big\"\n",
		"[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\ntimeout = 9223372037\n",
		"[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\nmax_event_age = 18446744074\n",
		"[[functions]]\nnmae = \"x\"\n",
		"[profiles.dev]\ntarget = \"mars\"\n",
		"default_profile = \"nope\"\n",
		"[profiles]\ndev = 1\n",
		"a = [\n",
		"[[functions]]\nname = \"a\"\ncode = \"builtin:hello\"\n[[functions]]\nname = \"a\"\ncode = \"builtin:hello\"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		const name = "lambench.toml"
		file, err := Parse(name, []byte(doc))
		if err != nil {
			checkConfigError(t, name, []byte(doc), err)
			return
		}
		// What parsed keeps its numbers: a timeout or an event age in
		// seconds that overflowed time.Duration must be an error, not a
		// different duration.
		var raw struct {
			Functions []struct {
				Timeout     int64 `toml:"timeout"`
				MaxEventAge int64 `toml:"max_event_age"`
			} `toml:"functions"`
		}
		if toml.Unmarshal([]byte(doc), &raw) != nil {
			return
		}
		for i, fn := range file.Functions {
			if i >= len(raw.Functions) {
				break
			}
			if r := raw.Functions[i].Timeout; r > 0 && fn.Timeout != time.Duration(r)*time.Second || fn.Timeout/time.Second != time.Duration(r) && r > 0 {
				t.Fatalf("function %q: timeout = %d parsed as %v", fn.Name, r, fn.Timeout)
			}
			if r := raw.Functions[i].MaxEventAge; r > 0 && fn.MaxEventAge/time.Second != time.Duration(r) {
				t.Fatalf("function %q: max_event_age = %d parsed as %v", fn.Name, r, fn.MaxEventAge)
			}
		}
	})
}

// FuzzParseSuite parses arbitrary bench suites: no panic; errors located.
func FuzzParseSuite(f *testing.F) {
	for _, s := range []string{
		"",
		`name = "nightly"
profile = "dev"
[thresholds]
p99 = "200ms"
[[scenario]]
name = "hello"
function = "hello"
event = "apigateway aws-proxy"
rate = 100
duration = "10s"
`,
		"[[scenario]]\nname = \"a\"\n",
		"[[scenario]]\nname = \"a\"\nfunction = \"f\"\nrate = -1\nduration = \"x\"\n",
		"[[scenario]]\nnmae = 1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		const name = "suite.toml"
		if _, err := ParseSuite(name, []byte(doc)); err != nil {
			checkConfigError(t, name, []byte(doc), err)
		}
	})
}

// TestParseSecondsOverflow: numbers of seconds too large for a
// time.Duration are errors at their key, not wrapped-round durations.
func TestParseSecondsOverflow(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\ntimeout = 18446744077\n", `lambench.toml:4:1: function "x": timeout: 18446744077 seconds is out of range`},
		{"[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\nmax_event_age = 18446744134\n", `lambench.toml:4:1: function "x": max_event_age: 18446744134 seconds is out of range`},
		{"[[functions]]\nname = \"x\"\ncode = \"builtin:hello\"\ntimeout = -9223372037\n", `lambench.toml:4:1: function "x": timeout: -9223372037 seconds is out of range`},
	} {
		_, err := Parse("lambench.toml", []byte(c.doc))
		if err == nil || err.Error() != c.want {
			t.Errorf("Parse(%q) = %v, want %s", c.doc, err, c.want)
		}
	}
}
