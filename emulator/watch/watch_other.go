//go:build !linux

package watch

// Watcher is unavailable outside Linux.
type Watcher struct{}

// New fails with ErrUnsupported outside Linux.
func New(dirs ...string) (*Watcher, error) { return nil, ErrUnsupported }

// Generation is always 0.
func (w *Watcher) Generation() uint64 { return 0 }

// Changes never receives.
func (w *Watcher) Changes() <-chan struct{} { return nil }

// Close does nothing.
func (w *Watcher) Close() error { return nil }
