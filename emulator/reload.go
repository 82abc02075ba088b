package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/lambench/lambench/emulator/watch"
)

// GoRuntime is lambench's convenience runtime: Code is a Go source
// directory (a main package using aws-lambda-go), built into a cache as the
// function's bootstrap, and rebuilt when it changes. On AWS the same code
// runs as provided.al2023 with the binary named bootstrap.
const GoRuntime = "go"

// Hot reload: a function of the configuration whose code is a directory
// is watched. Before each invocation the server asks its watcher for
// changes (which sees every change completed before the call), and when
// there are any, rebuilds a Go function and starts a new generation:
// the invocation, and every later one, runs the new code in a new
// environment; old environments finish what they run and retire. A
// background goroutine per watcher does the same as soon as a change
// happens, so that builds start before the next invocation asks.

// watchFunctions starts watching the code of the configuration's
// functions (called by New).
func (s *Server) watchFunctions() {
	if !s.opts.hotReload {
		return
	}
	for _, fn := range s.functionList() {
		cfg := fn.config()
		if fn.origin != originConfig || cfg.Code == "" || strings.HasPrefix(cfg.Code, BuiltinPrefix) {
			continue
		}
		w, err := watch.New(cfg.Code)
		if err != nil {
			s.opts.logger.Warn("hot reload is off for a function: cannot watch its code", "function", fn.name, "error", err)
			continue
		}
		fn.watcher = w
		fn.seenGen = w.Generation()
		s.bg.Add(1)
		go s.reloadLoop(fn)
	}
}

func (s *Server) reloadLoop(fn *function) {
	defer s.bg.Done()
	for {
		select {
		case <-s.quit:
			return
		case <-fn.watcher.Changes():
		}
		// Let a burst of writes (an editor's save, a build) settle.
		select {
		case <-s.quit:
			return
		case <-time.After(50 * time.Millisecond):
		}
		if err := s.refresh(fn); err != nil {
			s.opts.logger.Warn("reload", "function", fn.name, "error", err)
		}
	}
}

// refresh makes fn's code current before an invocation: it takes in any
// change of its watched code (a new generation, a rebuild for Go) and
// builds a Go function that has not been built yet. A build failure is
// not an error here: the invocation reports it as the function's init
// error.
func (s *Server) refresh(fn *function) error {
	if fn.watcher == nil && fn.config().Runtime != GoRuntime {
		return nil
	}
	fn.reloadMu.Lock()
	defer fn.reloadMu.Unlock()
	changed := false
	if fn.watcher != nil {
		if gen := fn.watcher.Generation(); gen != fn.seenGen {
			fn.seenGen, changed = gen, true
		}
	}
	cfg := fn.config()
	if cfg.Runtime == GoRuntime {
		fn.mu.Lock()
		built := fn.goBinary != "" || fn.goBuildErr != nil
		fn.mu.Unlock()
		if changed || !built {
			bin, err := s.goBuild(cfg.Code)
			fn.mu.Lock()
			fn.goBinary, fn.goBuildErr = bin, err
			fn.mu.Unlock()
		}
	}
	if !changed {
		return nil
	}
	s.opts.logger.Info("code changed: new environments will run it", "function", fn.name)
	if err := s.change(fn, true, func(*Function) error { return nil }); err != nil {
		return err
	}
	s.settle(fn)
	return nil
}

// goBuild builds the Go program in src into the build cache, keyed by the
// content of its files, and returns the binary's path.
func (s *Server) goBuild(src string) (string, error) {
	key, err := sourceKey(src)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(s.goCacheDir(), key)
	bin := filepath.Join(dir, "bootstrap")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".bootstrap-%d", time.Now().UnixNano()))
	cmd := exec.Command(s.opts.goTool, "build", "-tags", "lambda.norpc", "-o", tmp, ".")
	cmd.Dir = src
	cmd.Env = s.opts.buildEnv
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("go build in %s failed: %v\n%s", src, err, strings.TrimSpace(string(out)))
	}
	return bin, os.Rename(tmp, bin)
}

func (s *Server) goCacheDir() string {
	if s.opts.cacheDir != "" {
		return filepath.Join(s.opts.cacheDir, "go-builds")
	}
	return filepath.Join(s.runtimeDir, "go-builds")
}

// sourceKey hashes every file of a source tree (names and contents), and
// the platform, into a cache key.
func sourceKey(src string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s/%s\n", runtime.GOOS, runtime.GOARCH)
	var files []string
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != src && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		rel, _ := filepath.Rel(src, f)
		fmt.Fprintf(h, "%s\n", rel)
		r, err := os.Open(f)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return "", err
		}
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}
