// Package testbin builds binaries that tests run as real processes: the
// lambench binary (whose demo functions the local Lambda starts as
// function processes) and standalone aws-lambda-go functions.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// moduleRoot finds the repository root from this source file.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Build compiles the package at pkg (relative to the module root, e.g.
// "./cmd/lambench") into dir/name and returns its path.
func Build(dir, pkg, name string, tags ...string) (string, error) {
	out := filepath.Join(dir, name)
	args := []string{"build", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	args = append(args, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return out, nil
}

// Lambench builds the lambench binary into a new temporary directory. It
// returns the binary's path and a function removing the directory. Call it
// once from TestMain.
func Lambench() (path string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "lambench-test-bin-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	path, err = Build(dir, "./cmd/lambench", "lambench")
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return path, cleanup, nil
}

// MainWithLambench is a TestMain body for packages whose tests run the
// lambench binary: it builds it, stores its path in *path, runs the tests
// and removes the binary.
func MainWithLambench(m *testing.M, path *string) int {
	p, cleanup, err := Lambench()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	*path = p
	return m.Run()
}

// ModuleRoot returns the repository's root directory.
func ModuleRoot() string { return moduleRoot() }
