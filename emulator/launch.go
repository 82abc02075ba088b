package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/lambench/lambench/emulator/cgroup"
	"github.com/lambench/lambench/emulator/demo"
	"github.com/lambench/lambench/emulator/runtimes"
)

// launch says how an environment's process starts.
type launch struct {
	path string   // the program
	args []string // its argv, args[0] included
	dir  string   // working directory, LAMBDA_TASK_ROOT
	env  []string // variables beyond the Runtime API contract, before the function's own

	// When the function cannot be started at all, err says why and
	// errType is the init error the invocation reports.
	err     error
	errType string
}

// plan works out the launch for the environment's configuration.
func (e *environment) plan() launch {
	cfg, s := e.cfg, e.srv
	switch {
	case len(cfg.Command) > 0:
		dir := cfg.Code
		if dir == "" {
			dir = s.opts.workDir
		}
		return launch{path: cfg.Command[0], args: slices.Clone(cfg.Command), dir: dir}
	case strings.HasPrefix(cfg.Code, BuiltinPrefix):
		exe := s.opts.demoExecutable
		return launch{path: exe, args: []string{"bootstrap"}, dir: filepath.Dir(exe),
			env: []string{demo.EnvVar + "=" + strings.TrimPrefix(cfg.Code, BuiltinPrefix)}}
	}
	if family, ok := runtimes.FamilyOf(cfg.Runtime); ok {
		interp, paths, err := s.interpreter(cfg.Runtime)
		if err != nil {
			return launch{err: err, errType: "Runtime.InvalidEntrypoint"}
		}
		args := interp.Argv(paths, cfg.MemoryMB)
		_ = family
		return launch{path: args[0], args: args, dir: cfg.Code, env: interp.Env(paths, cfg.Code)}
	}
	if cfg.Runtime == GoRuntime {
		e.fn.mu.Lock()
		bin, err := e.fn.goBinary, e.fn.goBuildErr
		e.fn.mu.Unlock()
		if err != nil {
			return launch{err: err, errType: "Runtime.BuildError"}
		}
		if bin == "" {
			return launch{err: errors.New("the Go function has not been built"), errType: "Runtime.BuildError"}
		}
		return launch{path: bin, args: []string{"bootstrap"}, dir: cfg.Code}
	}
	bootstrap := filepath.Join(cfg.Code, "bootstrap")
	return launch{path: bootstrap, args: []string{bootstrap}, dir: cfg.Code}
}

// interpreters finds and remembers the node / python3 serving each
// managed runtime, and says once when its version differs from the
// runtime's name.
type interpreters struct {
	mu    sync.Mutex
	paths *runtimes.Paths
	found map[string]runtimes.Interpreter
}

func (s *Server) interpreter(runtimeID string) (runtimes.Interpreter, runtimes.Paths, error) {
	ip := &s.interps
	ip.mu.Lock()
	defer ip.mu.Unlock()
	if ip.paths == nil {
		p, err := runtimes.Install(filepath.Join(s.runtimeDir, "runtimes"))
		if err != nil {
			return runtimes.Interpreter{}, runtimes.Paths{}, fmt.Errorf("install the runtime clients: %w", err)
		}
		ip.paths = &p
	}
	if in, ok := ip.found[runtimeID]; ok {
		return in, *ip.paths, nil
	}
	in, err := runtimes.FindIn(runtimeID, s.opts.path)
	if err != nil {
		return in, *ip.paths, err
	}
	if ip.found == nil {
		ip.found = map[string]runtimes.Interpreter{}
	}
	ip.found[runtimeID] = in
	if m := in.Mismatch(); m != "" {
		s.opts.logger.Warn("runtime version differs: "+m, "runtime", runtimeID, "interpreter", in.Path)
	}
	return in, *ip.paths, nil
}

// RuntimeNotes says, per managed runtime the functions use, which
// interpreter serves it and whether its version differs from the
// runtime's name, e.g. "nodejs22.x: node v20.20.2 (nodejs22.x requested,
// node v20.20.2 found)". Interpreters that are missing are reported too.
func (s *Server) RuntimeNotes() []string {
	seen := map[string]bool{}
	var notes []string
	for _, fn := range s.functionList() {
		rt := fn.config().Runtime
		if _, managed := runtimes.FamilyOf(rt); !managed || seen[rt] {
			continue
		}
		seen[rt] = true
		in, _, err := s.interpreter(rt)
		switch {
		case err != nil:
			notes = append(notes, rt+": "+err.Error())
		case in.Mismatch() != "":
			notes = append(notes, rt+": "+in.Mismatch())
		default:
			notes = append(notes, rt+": "+in.Name+" "+in.Version)
		}
	}
	return notes
}

// cgroupState is the server's share of the cgroup hierarchies: a parent
// group holding one group per execution environment, or the reason there
// is none.
type cgroupState struct {
	parent *cgroup.Parent
	reason string // why limits are not enforced; "" when they are
}

// setupCgroups prepares per-environment limits, or records why not.
func (s *Server) setupCgroups() {
	if !s.opts.cgroups {
		s.cgroups.reason = "turned off"
		return
	}
	layout, err := cgroup.Detect()
	if err == nil {
		if removed, rerr := cgroup.RemoveStale(layout, func(owner string) bool {
			id, _, _ := strings.Cut(owner, "-")
			return ownerAlive(id)
		}); rerr == nil && len(removed) > 0 {
			s.opts.logger.Info("removed cgroups left behind by a previous local Lambda", "owners", removed)
		}
		var parent *cgroup.Parent
		if parent, err = cgroup.NewParent(layout, s.owner+"-"+s.marker[strings.IndexByte(s.marker, '/')+1:]); err == nil {
			s.cgroups.parent = parent
			return
		}
	}
	s.cgroups.reason = err.Error()
	s.opts.logger.Warn("memory and CPU limits are not enforced; Max Memory Used is still measured (peak RSS)", "reason", err)
}

// Limits says whether memory and CPU limits are enforced, and how or why not.
func (s *Server) Limits() string {
	if s.cgroups.parent != nil {
		return "enforced with cgroups: memory = MemorySize, CPU = MemorySize / 1,769 MB vCPUs (after init)"
	}
	return "not enforced (" + s.cgroups.reason + "); Max Memory Used is measured as peak RSS"
}

// confine creates the environment's cgroup, with the function's memory as
// its limit (and, once init is over, a CPU share proportional to it: see
// limitCPU). On cgroup v2 the process starts inside it; on v1, where a
// process cannot be started inside a group, it is added right after it
// starts (see enterGroup), its memory moving with it.
func (e *environment) confine() {
	parent := e.srv.cgroups.parent
	if parent == nil {
		return
	}
	g, err := parent.NewGroup(e.id, cgroup.Limits{MemoryBytes: int64(e.cfg.MemoryMB) << 20})
	if err != nil {
		e.srv.opts.logger.Warn("cannot limit an environment; it runs without limits", "function", e.cfg.Name, "error", err)
		return
	}
	meter, err := g.Meter()
	if err != nil {
		g.Remove()
		e.srv.opts.logger.Warn("cannot measure an environment's cgroup; it runs without limits", "function", e.cfg.Name, "error", err)
		return
	}
	e.group, e.meter = g, meter
}

// enterGroup adds the started process to its cgroup v1 group.
func (e *environment) enterGroup(pid int) {
	if e.group == nil || e.group.Version() == cgroup.V2 {
		return
	}
	if err := e.group.AddProcess(pid); err != nil {
		e.srv.opts.logger.Warn("cannot limit an environment; it runs without limits", "function", e.cfg.Name, "error", err)
	}
}

// errLaunch is a function that cannot start, with the init error type to report.
type errLaunch struct {
	errType string
	err     error
}

func (e *errLaunch) Error() string { return e.err.Error() }
func (e *errLaunch) Unwrap() error { return e.err }

func launchErrorType(err error) string {
	var le *errLaunch
	if errors.As(err, &le) {
		return le.errType
	}
	return "Runtime.InvalidEntrypoint"
}

// limitCPU gives the environment the CPU share of its memory size, once
// its init is over: AWS gives a function's init the CPU it needs (a Go
// hello world initializes in about the same time at 128 MB as at 10 GB),
// and its invocations a share proportional to memory, 1,769 MB being one
// vCPU.
func (e *environment) limitCPU() {
	if e.group == nil {
		return
	}
	if err := e.group.SetCPU(cgroup.CPUsForMemory(e.cfg.MemoryMB, runtime.NumCPU())); err != nil {
		e.srv.opts.logger.Warn("cannot limit an environment's CPU", "function", e.cfg.Name, "error", err)
	}
}

// checkExecutable fails as starting the program would, before a cgroup
// shim hides the reason behind its own exit status.
func checkExecutable(path string) error {
	if !strings.Contains(path, "/") {
		return nil // looked up on PATH by exec
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return &fs.PathError{Op: "fork/exec", Path: path, Err: errors.Unwrap(err)}
	case st.IsDir() || st.Mode()&0o111 == 0:
		return &fs.PathError{Op: "fork/exec", Path: path, Err: syscall.EACCES}
	}
	return nil
}

func numCPU() int { return runtime.NumCPU() }
