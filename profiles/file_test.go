package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFunctions(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fn", "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	doc := `
# demo functions and one of our own
[[functions]]
name = "hello"
code = "builtin:hello"

[[functions]]
name = "sleep"
code = "builtin:sleep"
memory = 256
timeout = 10
reserved_concurrency = 8
environment = { A = "1" }

[[functions]]
name = "mine"
code = "fn"
description = "my function"
architecture = "arm64"

[functions.environment]
LEVEL = "debug"

[[functions]]
name = "cmd"
command = ["./fn/bootstrap", "--flag with space"]

[[functions]]
name = "cmd2"
command = "python3 -u app.py"
schedule = "cron(0 12 * * ? *)"
max_retry_attempts = 0
max_event_age = 3600
aws_profile = "dev"
aws_endpoint_url = "http://127.0.0.1:5000"
`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Functions) != 5 {
		t.Fatalf("%d functions", len(f.Functions))
	}
	s := f.Functions[1]
	if s.MemoryMB != 256 || s.Timeout != 10*time.Second || *s.ReservedConcurrency != 8 || s.Environment["A"] != "1" {
		t.Errorf("sleep: %+v", s)
	}
	m := f.Functions[2]
	if m.Code != filepath.Join(dir, "fn") || m.Environment["LEVEL"] != "debug" || m.Architecture != "arm64" || m.Description != "my function" {
		t.Errorf("mine: %+v", m)
	}
	if c := f.Functions[3].Command; len(c) != 2 || c[0] != filepath.Join(dir, "fn/bootstrap") || c[1] != "--flag with space" {
		t.Errorf("command array: %q", c)
	}
	c2 := f.Functions[4]
	if strings.Join(c2.Command, "|") != "python3|-u|app.py" {
		t.Errorf("command string: %q", c2.Command)
	}
	if c2.Schedule != "cron(0 12 * * ? *)" || *c2.MaxRetryAttempts != 0 || c2.MaxEventAge != time.Hour ||
		c2.EndpointURL != "http://127.0.0.1:5000" || f.FunctionProfiles["cmd2"] != "dev" {
		t.Errorf("cmd2: %+v, profiles %v", c2, f.FunctionProfiles)
	}
	if f.Path != path {
		t.Errorf("Path %q", f.Path)
	}
}

func TestParseErrorsPointAtTheMistake(t *testing.T) {
	fn := "[[functions]]\nname = \"a\"\ncode = \"builtin:hello\"\n"
	cases := []struct {
		name, doc, want string
	}{
		{"unknown key with suggestion", fn + "memroy = 256\n", `lambench.toml:4:1: unknown key "memroy" in [[functions]] (did you mean "memory"?); valid keys: architecture, aws_endpoint_url, aws_profile, code,`},
		{"unknown top-level key", "colour = 1\n", `lambench.toml:1:1: unknown key "colour"; valid keys: default_profile, functions, profiles`},
		{"wrong type", fn + "memory = \"big\"\n", `lambench.toml:4:10: functions.memory: expected an integer, found a TOML string`},
		{"float timeout", fn + "timeout = 0.5\n", `lambench.toml:4:11: functions.timeout: expected an integer, found a TOML float`},
		{"memory out of range", fn + "memory = 64\n", `lambench.toml:4:1: function "a": memory: 64 MB is outside 128 to 10240 MB`},
		{"timeout out of range", fn + "timeout = 901\n", `lambench.toml:4:1: function "a": timeout: 15m1s must be whole seconds from 1 to 900`},
		{"negative timeout", fn + "timeout = -1\n", `lambench.toml:4:1: function "a": timeout:`},
		{"unknown builtin, second function", fn + "\n[[functions]]\nname = \"b\"\ncode = \"builtin:helo\"\n", `lambench.toml:7:1: function "b": code: unknown builtin "helo" (valid: hello, echo,`},
		{"reserved variable", fn + "environment = { A = \"1\", AWS_REGION = \"x\" }\n", `lambench.toml:4:26: function "a": environment: AWS_REGION is reserved`},
		{"duplicate name", fn + "\n[[functions]]\nname = \"a\"\ncode = \"builtin:echo\"\n", `lambench.toml:6:1: function "a" is defined twice (first as function #1)`},
		{"syntax", "[[functions]\nname = \"a\"\n", `lambench.toml:1:12: invalid TOML: expected ']]' to close array table name`},
		{"missing code dir", "[[functions]]\nname = \"a\"\ncode = \"./nope\"\n", `lambench.toml:3:1: function "a": code: code directory`},
		{"no code", "[[functions]]\nname = \"a\"\n", `lambench.toml:1:3: function "a": code: missing`},
		{"bad name", "[[functions]]\nname = \"a b\"\ncode = \"builtin:echo\"\n", `lambench.toml:2:1: function "a b": name: "a b" is not a valid function name`},
		{"runtime", fn + "runtime = \"java21\"\n", `lambench.toml:4:1: function "a": runtime: unknown runtime "java21" (valid: provided.al2023, provided.al2, go, nodejs18.x,`},
		{"command type", "[[functions]]\nname = \"a\"\ncommand = 3\n", `lambench.toml:3:1: function "a": command must be a string or an array of strings`},
		{"negative concurrency", fn + "reserved_concurrency = -2\n", `lambench.toml:4:1: function "a": reserved_concurrency: -2 must not be negative`},
		{"bad schedule", fn + "schedule = \"rate(5 minute)\"\n", `lambench.toml:4:1: function "a": schedule: schedule "rate(5 minute)"`},
		{"retries", fn + "max_retry_attempts = 3\n", `lambench.toml:4:1: function "a": max_retry_attempts: 3 must be 0, 1 or 2`},
		{"event age", fn + "max_event_age = 30\n", `lambench.toml:4:1: function "a": max_event_age: 30s must be from 60 s to 6 h`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("lambench.toml", []byte(tc.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestFindNearestParent(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := Find(deep); err != nil || p != "" {
		// The temp directory's own parents hold no lambench.toml here.
		t.Fatalf("Find with no file: %q %v", p, err)
	}
	top := filepath.Join(root, FileName)
	os.WriteFile(top, nil, 0o644)
	if p, _ := Find(deep); p != top {
		t.Errorf("Find = %q, want %q", p, top)
	}
	mid := filepath.Join(root, "a", FileName)
	os.WriteFile(mid, nil, 0o644)
	if p, _ := Find(deep); p != mid {
		t.Errorf("Find = %q, want the nearest %q", p, mid)
	}
	// A directory named lambench.toml is not the file.
	os.MkdirAll(filepath.Join(deep, FileName), 0o755)
	if p, _ := Find(deep); p != mid {
		t.Errorf("Find = %q, want %q", p, mid)
	}
}

func TestEmptyFileHasNoFunctions(t *testing.T) {
	f, err := Parse("lambench.toml", []byte("# nothing yet\n"))
	if err != nil || len(f.Functions) != 0 {
		t.Errorf("%v %v", f, err)
	}
}
