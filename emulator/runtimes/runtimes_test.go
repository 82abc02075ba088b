package runtimes

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestInstallIsIdempotentAndConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "clients")
	var wg sync.WaitGroup
	results := make([]Paths, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Install(dir)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Install %d: %v", i, err)
		}
		if results[i] != results[0] {
			t.Errorf("Install %d returned %+v, want %+v", i, results[i], results[0])
		}
	}
	p := results[0]
	if p.Dir != dir || p.NodeJS != filepath.Join(dir, "nodejs", "runtime.cjs") || p.Python != filepath.Join(dir, "python", "bootstrap.py") {
		t.Errorf("paths %+v", p)
	}
	for path, name := range map[string]string{p.NodeJS: nodeFile, p.Python: pythonFile} {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := files.ReadFile(name)
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the embedded file", path)
		}
	}
	// A changed file is put back; no temporary file is left behind.
	if err := os.WriteFile(p.Python, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p.Python); bytes.Equal(got, []byte("stale")) {
		t.Error("Install left a stale client in place")
	}
	for _, sub := range []string{"nodejs", "python"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("%s holds %v, want only the client", sub, names)
		}
	}
}

func TestCommand(t *testing.T) {
	for _, rt := range []string{"nodejs18.x", "nodejs20.x", "nodejs22.x", "python3.11", "python3.13"} {
		argv, err := Command(rt, installed)
		if err != nil {
			t.Fatalf("Command(%s): %v (the tests need node and python3 on PATH)", rt, err)
		}
		if !filepath.IsAbs(argv[0]) {
			t.Errorf("%s: argv[0] %q is not absolute", rt, argv[0])
		}
		want := installed.Python
		if strings.HasPrefix(rt, "nodejs") {
			want = installed.NodeJS
		}
		if argv[len(argv)-1] != want {
			t.Errorf("%s: argv %q does not end with the client %s", rt, argv, want)
		}
	}
	if _, err := Command("ruby3.3", installed); err == nil || !strings.Contains(err.Error(), `"ruby3.3"`) {
		t.Errorf("Command(ruby3.3) error %v, want one naming the runtime", err)
	}
	if _, err := Command("nodejs20.x", Paths{}); err == nil {
		t.Error("Command without installed clients did not fail")
	}
}

func TestFindNamesWhatIsMissing(t *testing.T) {
	empty := t.TempDir()
	_, err := FindIn("nodejs22.x", empty)
	if err == nil || !strings.Contains(err.Error(), "nodejs22.x") || !strings.Contains(err.Error(), "node is not on PATH") {
		t.Errorf("error %v, want one naming nodejs22.x and node", err)
	}
	_, err = FindIn("python3.12", empty)
	if err == nil || !strings.Contains(err.Error(), "python3.12") || !strings.Contains(err.Error(), "python3 is not on PATH") {
		t.Errorf("error %v, want one naming python3.12 and python3", err)
	}
	// An interpreter that fails to run is reported, not used.
	broken := filepath.Join(empty, "node")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\necho broken >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err = FindIn("nodejs20.x", empty); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("error %v, want the broken node's message", err)
	}
}

func TestFindAndMismatch(t *testing.T) {
	in, err := Find("nodejs20.x")
	if err != nil {
		t.Fatalf("%v (the tests need node on PATH)", err)
	}
	if in.Version == "" || !filepath.IsAbs(in.Path) || in.Family != NodeJS {
		t.Errorf("%+v", in)
	}
	cases := []struct {
		in   Interpreter
		want string
	}{
		{Interpreter{Runtime: "nodejs22.x", Family: NodeJS, Version: "20.20.2"}, "nodejs22.x requested, node v20.20.2 found"},
		{Interpreter{Runtime: "nodejs20.x", Family: NodeJS, Version: "20.20.2"}, ""},
		{Interpreter{Runtime: "python3.12", Family: Python, Version: "3.11.7"}, "python3.12 requested, python 3.11.7 found"},
		{Interpreter{Runtime: "python3.11", Family: Python, Version: "3.11.7"}, ""},
		{Interpreter{Runtime: "python3.1", Family: Python, Version: "3.11.7"}, "python3.1 requested, python 3.11.7 found"},
	}
	for _, c := range cases {
		if got := c.in.Mismatch(); got != c.want {
			t.Errorf("%+v: Mismatch() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestArgvAndEnv(t *testing.T) {
	p := Paths{Dir: "/rt", NodeJS: "/rt/nodejs/runtime.cjs", Python: "/rt/python/bootstrap.py"}
	node := Interpreter{Runtime: "nodejs20.x", Family: NodeJS, Path: "/usr/bin/node", Version: "20.1.0"}
	want := []string{"/usr/bin/node", "--expose-gc", "--max-http-header-size", "81920",
		"--max-semi-space-size=6", "--max-old-space-size=116", "/rt/nodejs/runtime.cjs"}
	if got := node.Argv(p, 128); !slices.Equal(got, want) {
		t.Errorf("Argv = %q, want %q", got, want)
	}
	py := Interpreter{Runtime: "python3.11", Family: Python, Path: "/usr/bin/python3.11", Version: "3.11.7"}
	if got := py.Argv(p, 128); !slices.Equal(got, []string{"/usr/bin/python3.11", "/rt/python/bootstrap.py"}) {
		t.Errorf("Argv = %q", got)
	}
	if got := node.Env(p, "/code"); !slices.Equal(got, []string{"LAMBDA_RUNTIME_DIR=/rt/nodejs", "NODE_PATH=/code"}) {
		t.Errorf("Env = %q", got)
	}
	py.Home = "/opt/py:/opt/py"
	if got := py.Env(p, "/code"); !slices.Equal(got, []string{"LAMBDA_RUNTIME_DIR=/rt/python", "PYTHONDONTWRITEBYTECODE=1", "PYTHONHOME=/opt/py:/opt/py"}) {
		t.Errorf("Env = %q", got)
	}
}
