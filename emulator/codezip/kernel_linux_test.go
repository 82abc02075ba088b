package codezip

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// kernelEscapes asks the kernel itself whether resolving rel under root
// leaves root: openat2 with RESOLVE_BENEATH fails with EXDEV when any
// step (a "..", an absolute link, a link climbing out) would. It is the
// fuzzers' second oracle, independent of oracleInside's own walk, which
// follows the same algorithm as the code under test. A dangling link is
// judged as far as it resolves.
func kernelEscapes(t testing.TB, root, rel string) bool {
	t.Helper()
	dir, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dir)
	fd, err := unix.Openat2(dir, rel, &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS})
	if err == nil {
		unix.Close(fd)
	}
	if errors.Is(err, unix.ENOSYS) {
		t.Skip("openat2 is not available: the kernel oracle cannot run") // Linux < 5.6
	}
	return errors.Is(err, unix.EXDEV)
}

// TestKernelOracle: the kernel oracle tells links that climb out from
// those that stay in, dangling or not.
func TestKernelOracle(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "sub"), 0o755)
	for name, target := range map[string]string{
		"in": "sub", "dangling-in": "sub/missing", "up": "..", "abs": "/etc", "out-via-sub": "sub/../../x",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]bool{"in": false, "dangling-in": false, "up": true, "abs": true, "out-via-sub": true} {
		if got := kernelEscapes(t, root, name); got != want {
			t.Errorf("%s: escapes %v, want %v", name, got, want)
		}
	}
}
