package emulator

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lambench/lambench/emulator/watch"
)

// Function states and update statuses, as AWS reports them.
const (
	statePending      = "Pending"
	stateActive       = "Active"
	updateInProgress  = "InProgress"
	updateSuccessful  = "Successful"
	originConfig      = "config" // defined by the server's options (lambench.toml)
	originAPI         = "api"    // created through CreateFunction
	codeDirPermission = 0o755
)

// function is a registered function, its mutable configuration and its
// warm pool. Lock order: Server.mu, then scheduler.mu, then function.mu.
type function struct {
	name   string
	arn    string
	origin string

	mu           sync.Mutex
	cfg          Function
	revisionID   string
	lastModified time.Time
	state        string // Pending, Active
	updateStatus string // InProgress, Successful
	codeGen      int    // bumped when the code changes
	codeSize     int64  // of codeGen codeHashed
	codeSha256   string
	codeHashed   int // the codeGen codeSize/codeSha256 describe; -1 none

	goBinary   string // the built bootstrap of a Go-runtime function
	goBuildErr error  // why it could not be built

	// Hot reload (reload.go): the watcher of the function's code and the
	// change generation taken in so far, guarded by reloadMu.
	watcher  *watch.Watcher
	reloadMu sync.Mutex
	seenGen  uint64

	// Scheduler state, guarded by scheduler.mu.
	reserved   int  // reserved concurrency; -1 when unreserved
	generation int  // bumped by every change; older environments retire
	deleted    bool // removed from the registry
	idle       []*environment
	live, busy int
	waiting    int // requests waiting for admission
	// The scaling-rate bucket (WithScalingLimit): new environments allowed.
	scaleTokens float64
	scaleAt     time.Time
}

func (fn *function) config() Function {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return fn.cfg
}

// status returns the function's state and last update status.
func (fn *function) status() (state, update string) {
	fn.mu.Lock()
	defer fn.mu.Unlock()
	return fn.state, fn.updateStatus
}

func newFunction(s *Server, f Function, origin string) *function {
	fn := &function{
		name:         f.Name,
		arn:          s.functionARN(f.Name),
		origin:       origin,
		cfg:          f,
		revisionID:   newRequestID(),
		lastModified: time.Now(),
		state:        stateActive,
		updateStatus: updateSuccessful,
		codeHashed:   -1,
		reserved:     -1,
	}
	if f.ReservedConcurrency != nil {
		fn.reserved = *f.ReservedConcurrency
	}
	return fn
}

// register adds a validated function.
func (s *Server) register(f Function, origin string) (*function, error) {
	if err := f.validate(origin == originConfig); err != nil {
		return nil, fmt.Errorf("function %q: %w", f.Name, err)
	}
	f = f.withDefaults()
	f.Environment = maps.Clone(f.Environment)
	f.Command = append([]string(nil), f.Command...)
	fn := newFunction(s, f, origin)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.functions[f.Name]; dup {
		return nil, &FieldError{Field: "name", Err: fmt.Errorf("function %q is defined twice", f.Name)}
	}
	s.functions[f.Name] = fn
	s.names = append(s.names, f.Name)
	sort.Strings(s.names)
	s.sched.register(fn)
	return fn, nil
}

// unregister removes a function: new invocations get ResourceNotFound,
// idle environments stop at once, busy ones when their invocation ends.
func (s *Server) unregister(fn *function) {
	s.mu.Lock()
	delete(s.functions, fn.name)
	if i := sort.SearchStrings(s.names, fn.name); i < len(s.names) && s.names[i] == fn.name {
		s.names = append(s.names[:i], s.names[i+1:]...)
	}
	s.mu.Unlock()
	for _, env := range s.sched.unregister(fn) {
		env.kill()
	}
}

func (s *Server) function(name string) *function {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.functions[name]
}

// functionList returns the registered functions sorted by name.
func (s *Server) functionList() []*function {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*function, len(s.names))
	for i, n := range s.names {
		out[i] = s.functions[n]
	}
	return out
}

// change applies a configuration change: the new configuration, a new
// revision, and a new generation so that environments started with the
// old one retire (idle ones now, busy ones after their invocation).
// modify runs with the function's lock held and may refuse the change.
func (s *Server) change(fn *function, codeChanged bool, modify func(*Function) error) error {
	s.sched.mu.Lock()
	fn.mu.Lock()
	next := fn.cfg
	next.Environment = maps.Clone(next.Environment)
	if err := modify(&next); err != nil {
		fn.mu.Unlock()
		s.sched.mu.Unlock()
		return err
	}
	fn.cfg = next
	fn.revisionID = newRequestID()
	fn.lastModified = time.Now()
	fn.updateStatus = updateInProgress
	if codeChanged {
		fn.codeGen++
	}
	fn.mu.Unlock()
	stale := s.sched.newGenerationLocked(fn)
	s.sched.mu.Unlock()
	for _, env := range stale {
		env.kill()
	}
	return nil
}

// settle ends a Pending state or an InProgress update after the
// configured update delay, as AWS does once the change is in effect.
func (s *Server) settle(fn *function) {
	finish := func() {
		fn.mu.Lock()
		fn.state, fn.updateStatus = stateActive, updateSuccessful
		fn.mu.Unlock()
	}
	if s.opts.updateDelay <= 0 {
		finish()
		return
	}
	s.timersMu.Lock()
	defer s.timersMu.Unlock()
	if s.timers == nil { // closed
		finish()
		return
	}
	var t *time.Timer
	t = time.AfterFunc(s.opts.updateDelay, func() {
		finish()
		s.timersMu.Lock()
		delete(s.timers, t)
		s.timersMu.Unlock()
	})
	s.timers[t] = struct{}{}
}

// stopTimers cancels pending settles (at Close).
func (s *Server) stopTimers() {
	s.timersMu.Lock()
	defer s.timersMu.Unlock()
	for t := range s.timers {
		t.Stop()
	}
	s.timers = nil
}

// codeInfo returns the code's size and base64 SHA-256, computed once per
// code version: the executable for builtins (shared by every demo) and
// commands, every regular file of a code directory (in path order)
// otherwise. The hashing happens without holding the function's lock.
func (s *Server) codeInfo(fn *function) (int64, string) {
	fn.mu.Lock()
	gen, cfg := fn.codeGen, fn.cfg
	if fn.codeHashed == gen {
		defer fn.mu.Unlock()
		return fn.codeSize, fn.codeSha256
	}
	fn.mu.Unlock()
	var size int64
	var sum string
	switch {
	case cfg.pkg.Sha256 != "":
		size, sum = cfg.pkg.Size, cfg.pkg.Sha256
	case strings.HasPrefix(cfg.Code, BuiltinPrefix):
		s.exeOnce.Do(func() { s.exeSize, s.exeSha256 = hashFiles([]string{s.opts.demoExecutable}) })
		size, sum = s.exeSize, s.exeSha256
	case cfg.Code != "":
		size, sum = hashFiles(regularFiles(cfg.Code))
	default:
		size, sum = hashFiles(cfg.Command[:1])
	}
	fn.mu.Lock()
	defer fn.mu.Unlock()
	if fn.codeGen == gen {
		fn.codeHashed, fn.codeSize, fn.codeSha256 = gen, size, sum
	}
	return size, sum
}

func regularFiles(dir string) []string {
	var files []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	return files
}
