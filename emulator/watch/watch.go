// Package watch tells whether the files under some directory trees have
// changed, exactly: a change that completed before a call to Generation is
// always counted by it (on Linux inotify queues an event during the write
// itself), so "save, then invoke" never runs the old code. The local
// Lambda uses it for hot reload.
package watch

import (
	"errors"
	"path/filepath"
	"strings"
)

// ErrUnsupported is returned where the operating system offers no way to
// watch (everywhere but Linux, for now).
var ErrUnsupported = errors.New("watching files is only supported on Linux")

// ignored reports whether a change to name is editor noise rather than a
// change of code: swap, backup and lock files.
func ignored(name string) bool {
	base := filepath.Base(name)
	return strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		strings.HasPrefix(base, ".#") || base == "4913" || base == "__pycache__" || strings.HasSuffix(base, ".pyc")
}
