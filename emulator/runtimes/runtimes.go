package runtimes

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed nodejs/runtime.cjs python/bootstrap.py
var files embed.FS

// Embedded file names, relative to the install directory.
const (
	nodeFile   = "nodejs/runtime.cjs"
	pythonFile = "python/bootstrap.py"
)

// Family is a group of runtimes served by one client and interpreter.
type Family string

// The runtime families this package serves.
const (
	NodeJS Family = "nodejs"
	Python Family = "python"
)

// Supported lists the runtime identifiers this package can run.
var Supported = []string{
	"nodejs18.x", "nodejs20.x", "nodejs22.x",
	"python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
}

// FamilyOf returns the family of a runtime identifier from [Supported].
func FamilyOf(runtime string) (Family, bool) {
	if !slices.Contains(Supported, runtime) {
		return "", false
	}
	if strings.HasPrefix(runtime, "nodejs") {
		return NodeJS, true
	}
	return Python, true
}

// Paths locates the installed clients.
type Paths struct {
	Dir    string // the directory given to Install
	NodeJS string // the Node.js client, Dir/nodejs/runtime.cjs
	Python string // the Python client, Dir/python/bootstrap.py
}

// Install writes the embedded clients under dir (creating it) and returns
// where they are. It is idempotent and safe to call from several processes
// at once: a file whose content already matches is left alone, any other is
// written to a temporary name and renamed into place, so a reader never
// sees a partial file.
func Install(dir string) (Paths, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Paths{}, err
	}
	for _, name := range []string{nodeFile, pythonFile} {
		data, err := files.ReadFile(name)
		if err != nil {
			return Paths{}, err
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), data); err != nil {
			return Paths{}, fmt.Errorf("install runtime client: %w", err)
		}
	}
	return Paths{
		Dir:    dir,
		NodeJS: filepath.Join(dir, filepath.FromSlash(nodeFile)),
		Python: filepath.Join(dir, filepath.FromSlash(pythonFile)),
	}, nil
}

func writeFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Interpreter is the program found to run a runtime.
type Interpreter struct {
	Runtime string // the runtime identifier, e.g. "nodejs22.x"
	Family  Family
	Name    string // the program looked up on PATH: "node", "python3.12" or "python3"
	Path    string // the absolute path of the executable itself (past shims such as pyenv's)
	Version string // its version, e.g. "20.20.2" or "3.11.7"
	// Home is Python's installation prefix, "prefix:exec_prefix" as
	// PYTHONHOME takes it; empty for Node.js.
	Home string
}

// Minimum interpreter versions the clients work with.
const (
	minNode   = 14
	minPython = 8 // 3.8
)

// Find locates the interpreter for runtime on this process's PATH and
// reads its version. See [FindIn].
func Find(runtime string) (Interpreter, error) {
	return FindIn(runtime, os.Getenv("PATH"))
}

// FindIn locates the interpreter for runtime in pathList (a PATH value)
// and reads its version by running it once; the answer is cached for as
// long as the executable is unchanged. Node.js runtimes use node; a
// python3.X runtime uses python3.X when that runs, else python3. The error
// names the runtime and what is missing or too old.
func FindIn(runtime, pathList string) (Interpreter, error) {
	fam, ok := FamilyOf(runtime)
	if !ok {
		return Interpreter{}, fmt.Errorf("runtime %q is not supported (supported: %s)", runtime, strings.Join(Supported, ", "))
	}
	var names []string
	if fam == NodeJS {
		names = []string{"node"}
	} else {
		names = []string{runtime, "python3"}
	}
	var problems []string
	for _, name := range names {
		exe, err := lookPath(name, pathList)
		if err != nil {
			problems = append(problems, name+" is not on PATH")
			continue
		}
		in, err := probe(fam, exe)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s (%s): %v", name, exe, err))
			continue
		}
		in.Runtime, in.Family, in.Name = runtime, fam, name
		if err := checkMinimum(in); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		return in, nil
	}
	what := "node (Node.js)"
	if fam == Python {
		what = runtime + " or python3"
	}
	return Interpreter{}, fmt.Errorf("runtime %s needs %s: %s", runtime, what, strings.Join(problems, "; "))
}

// lookPath finds an executable named name in the directories of pathList.
func lookPath(name, pathList string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		return filepath.Abs(p)
	}
	return "", fs.ErrNotExist
}

type probeKey struct {
	exe   string
	size  int64
	mtime time.Time
}

var probeCache sync.Map // probeKey -> Interpreter

// probe runs exe once to learn the real executable and its version.
func probe(fam Family, exe string) (Interpreter, error) {
	st, err := os.Stat(exe)
	if err != nil {
		return Interpreter{}, err
	}
	key := probeKey{exe, st.Size(), st.ModTime()}
	if v, ok := probeCache.Load(key); ok {
		return v.(Interpreter), nil
	}
	var args []string
	if fam == NodeJS {
		args = []string{"-e", `process.stdout.write(process.execPath + "\n" + process.versions.node + "\n")`}
	} else {
		args = []string{"-c", "import sys, platform; sys.stdout.write('\\n'.join([sys.executable, platform.python_version(), sys.base_prefix + ':' + sys.base_exec_prefix, '']))"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg != "" {
			return Interpreter{}, fmt.Errorf("%w: %s", err, msg)
		}
		return Interpreter{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 || lines[1] == "" {
		return Interpreter{}, fmt.Errorf("unexpected version output %q", out)
	}
	in := Interpreter{Path: strings.TrimSpace(lines[0]), Version: strings.TrimSpace(lines[1])}
	if fam == Python && len(lines) > 2 {
		in.Home = strings.TrimSpace(lines[2])
	}
	if in.Path == "" || !filepath.IsAbs(in.Path) {
		in.Path = exe
	}
	probeCache.Store(key, in)
	return in, nil
}

// versionParts returns the first two numbers of a dotted version.
func versionParts(v string) (major, minor int, ok bool) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

func checkMinimum(in Interpreter) error {
	major, minor, ok := versionParts(in.Version)
	switch {
	case !ok:
		return fmt.Errorf("%s reports an unreadable version %q", in.Path, in.Version)
	case in.Family == NodeJS && major < minNode:
		return fmt.Errorf("node v%s (%s) is too old: Node.js %d or newer is needed", in.Version, in.Path, minNode)
	case in.Family == Python && (major != 3 || minor < minPython):
		return fmt.Errorf("python %s (%s) is too old: Python 3.%d or newer is needed", in.Version, in.Path, minPython)
	}
	return nil
}

// Mismatch says how the interpreter's version differs from its runtime's,
// e.g. "nodejs22.x requested, node v20.20.2 found"; "" when the major
// version (Node.js) or major.minor version (Python) agrees.
func (in Interpreter) Mismatch() string {
	major, minor, ok := versionParts(in.Version)
	switch in.Family {
	case NodeJS:
		want := strings.TrimSuffix(strings.TrimPrefix(in.Runtime, "nodejs"), ".x")
		if ok && strconv.Itoa(major) == want {
			return ""
		}
		return fmt.Sprintf("%s requested, node v%s found", in.Runtime, in.Version)
	case Python:
		want := strings.TrimPrefix(in.Runtime, "python")
		if ok && fmt.Sprintf("%d.%d", major, minor) == want {
			return ""
		}
		return fmt.Sprintf("%s requested, python %s found", in.Runtime, in.Version)
	}
	return ""
}

// Argv is the command line that starts a function process for the
// interpreter's runtime, with the client at paths. For Node.js, memoryMB
// > 0 sizes V8's heap from the function's memory as AWS's bootstrap does
// (new space a tenth, the rest old space); 0 leaves Node's defaults.
func (in Interpreter) Argv(paths Paths, memoryMB int) []string {
	if in.Family == Python {
		return []string{in.Path, paths.Python}
	}
	argv := []string{in.Path, "--expose-gc", "--max-http-header-size", "81920"}
	if memoryMB > 0 {
		newSpace := memoryMB / 10
		argv = append(argv,
			"--max-semi-space-size="+strconv.Itoa(newSpace/2),
			"--max-old-space-size="+strconv.Itoa(memoryMB-newSpace))
	}
	return append(argv, paths.NodeJS)
}

// Command returns the argv that starts a function process for runtime
// (e.g. "nodejs20.x", "python3.12"), finding the interpreter on this
// process's PATH: [Find] followed by [Interpreter.Argv] without heap
// sizing. The error names the runtime and what is missing.
func Command(runtime string, paths Paths) ([]string, error) {
	if paths.NodeJS == "" || paths.Python == "" {
		return nil, errors.New("runtime clients are not installed: call Install first")
	}
	in, err := Find(runtime)
	if err != nil {
		return nil, err
	}
	return in.Argv(paths, 0), nil
}

// Env returns the variables to add to a function process's environment,
// beyond the Runtime API contract; they take precedence over the local
// Lambda's defaults of the same name, the function's own variables over
// them.
//
//   - LAMBDA_RUNTIME_DIR: the client's directory, as /var/runtime on AWS.
//   - Node.js: NODE_PATH=taskRoot, so require("lib/x") resolves from the
//     code directory as with AWS's NODE_PATH (which ends in /var/task).
//   - Python: PYTHONHOME, the interpreter's own prefix. CPython finds its
//     standard library from argv[0], looked up on PATH when it is a bare
//     name: an interpreter outside the function's PATH (pyenv, a venv,
//     /opt) started as "python3" would load another Python's library. The
//     client removes it from os.environ once started, so the function and
//     its subprocesses do not see it.
//   - Python: PYTHONDONTWRITEBYTECODE=1, as the code directory is read-only
//     on AWS: imports are compiled at every cold start and no __pycache__
//     is written into the function's code.
//
// Python needs no PYTHONUNBUFFERED: the client flushes stdout and stderr
// after every write, as awslambdaric does.
func (in Interpreter) Env(paths Paths, taskRoot string) []string {
	if in.Family == NodeJS {
		return []string{
			"LAMBDA_RUNTIME_DIR=" + filepath.Dir(paths.NodeJS),
			"NODE_PATH=" + taskRoot,
		}
	}
	env := []string{
		"LAMBDA_RUNTIME_DIR=" + filepath.Dir(paths.Python),
		"PYTHONDONTWRITEBYTECODE=1",
	}
	if in.Home != "" {
		env = append(env, "PYTHONHOME="+in.Home)
	}
	return env
}
