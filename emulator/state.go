package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Where the local Lambda keeps files:
//
//   - the runtime directory, os.TempDir()/lambench-OWNER-RANDOM: per-environment
//     TMPDIRs and, without a state directory, the code of functions
//     created through the API. Removed at Close; the next local Lambda
//     removes those a crashed one left behind.
//   - the state directory (WithStateDir), when set: functions created
//     through the API (STATE/functions/NAME.json, their code in
//     STATE/code/NAME/REVISION), which survive a restart.

const runtimeDirPrefix = "lambench-"

// persistedFunction is a function created through the API, as saved.
type persistedFunction struct {
	Function     Function
	Code         string // relative to the state directory
	Package      packageDigest
	RevisionID   string
	LastModified time.Time
}

func (s *Server) codeRoot() string {
	if s.opts.stateDir != "" {
		return filepath.Join(s.opts.stateDir, "code")
	}
	return filepath.Join(s.runtimeDir, "code")
}

// persist saves a function created through the API, when there is a state
// directory. Functions of the configuration file are not saved: the file
// is their source of truth.
func (s *Server) persist(fn *function) error {
	if s.opts.stateDir == "" || fn.origin != originAPI {
		return nil
	}
	fn.mu.Lock()
	p := persistedFunction{Function: fn.cfg, Package: fn.cfg.pkg, RevisionID: fn.revisionID, LastModified: fn.lastModified}
	fn.mu.Unlock()
	rel, err := filepath.Rel(s.opts.stateDir, p.Function.Code)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("code %s is outside the state directory", p.Function.Code)
	}
	p.Code, p.Function.Code = rel, ""
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Join(s.opts.stateDir, "functions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+fn.name+".json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, fn.name+".json"))
}

// forget removes a deleted function's saved state. Its code stays until
// the next start, since environments may still be running it.
func (s *Server) forget(fn *function) {
	if s.opts.stateDir == "" || fn.origin != originAPI {
		return
	}
	if err := os.Remove(filepath.Join(s.opts.stateDir, "functions", fn.name+".json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.opts.logger.Error("forget function", "function", fn.name, "error", err)
	}
}

// loadState registers the functions saved in the state directory and
// removes code no saved function refers to any more.
func (s *Server) loadState() error {
	dir := filepath.Join(s.opts.stateDir, "functions")
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read state directory: %w", err)
	}
	keep := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var p persistedFunction
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		p.Function.Code = filepath.Join(s.opts.stateDir, p.Code)
		p.Function.pkg = p.Package
		if s.function(p.Function.Name) != nil {
			s.opts.logger.Warn("a function saved in the state directory has the name of a configured one; the configured one wins",
				"function", p.Function.Name, "saved", path)
			continue
		}
		fn, err := s.register(p.Function, originAPI)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fn.mu.Lock()
		fn.revisionID, fn.lastModified = p.RevisionID, p.LastModified
		fn.mu.Unlock()
		keep[p.Function.Code] = true
	}
	// Old code versions were kept while environments could still run them.
	codeDirs, _ := filepath.Glob(filepath.Join(s.opts.stateDir, "code", "*", "*"))
	for _, d := range codeDirs {
		if !keep[d] {
			os.RemoveAll(d)
			os.Remove(filepath.Dir(d)) // the function's directory, once empty
		}
	}
	return nil
}

// sweepRuntimeDirs removes the runtime directories of local Lambdas that
// are gone.
func sweepRuntimeDirs(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, runtimeDirPrefix+"*"))
	for _, d := range dirs {
		owner := strings.TrimPrefix(filepath.Base(d), runtimeDirPrefix)
		if i := strings.LastIndexByte(owner, '-'); i > 0 {
			owner = owner[:i]
		}
		if !strings.Contains(owner, ".") || ownerAlive(owner) {
			continue
		}
		if fi, err := os.Lstat(d); err == nil && fi.IsDir() {
			os.RemoveAll(d)
		}
	}
}
