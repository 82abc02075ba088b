//go:build linux

package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

const events = unix.IN_MODIFY | unix.IN_CLOSE_WRITE | unix.IN_CREATE | unix.IN_DELETE | unix.IN_MOVED_FROM |
	unix.IN_MOVED_TO | unix.IN_ATTRIB | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// Watcher watches directory trees. Every read of its inotify descriptor
// happens with mu held, so Generation, reading what the descriptor holds
// at the time of the call, sees every change made before it.
type Watcher struct {
	f      *os.File
	rc     syscall.RawConn
	fd     int
	notify chan struct{}
	done   chan struct{}

	mu   sync.Mutex
	wds  map[int]string // watch descriptor -> directory
	gen  uint64
	err  error
	buf  []byte
	once sync.Once
}

// New watches the trees rooted at dirs, subdirectories included (also
// those created later).
func New(dirs ...string) (*Watcher, error) {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &Watcher{fd: fd, wds: map[int]string{}, notify: make(chan struct{}, 1), done: make(chan struct{}),
		buf: make([]byte, 64<<10)}
	for _, d := range dirs {
		if err := w.addTree(d); err != nil {
			unix.Close(fd)
			return nil, err
		}
	}
	w.f = os.NewFile(uintptr(fd), "inotify")
	if w.rc, err = w.f.SyscallConn(); err != nil {
		w.f.Close()
		return nil, err
	}
	go w.run()
	return w, nil
}

func (w *Watcher) addTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return fmt.Errorf("watch %s: %w", root, err)
			}
			return nil // vanished meanwhile
		}
		if !d.IsDir() || (path != root && ignored(path)) {
			return nil
		}
		wd, err := unix.InotifyAddWatch(w.fd, path, events)
		if err != nil {
			if errors.Is(err, unix.ENOSPC) {
				return fmt.Errorf("watch %s: the system's inotify watch limit is reached (raise fs.inotify.max_user_watches)", path)
			}
			return nil
		}
		w.wds[wd] = path
		return nil
	})
}

// run reads events as they come and signals Changes; it returns at Close.
func (w *Watcher) run() {
	defer close(w.done)
	for {
		stop := false
		err := w.rc.Read(func(fd uintptr) bool {
			w.mu.Lock()
			defer w.mu.Unlock()
			n, err := unix.Read(int(fd), w.buf)
			if errors.Is(err, unix.EAGAIN) {
				return false
			}
			if err != nil || n <= 0 {
				stop = true
				return true
			}
			if w.consumeLocked(w.buf[:n]) {
				select {
				case w.notify <- struct{}{}:
				default:
				}
			}
			return true
		})
		if err != nil || stop {
			return
		}
	}
}

// consumeLocked applies a batch of events; it reports whether any counts
// as a change.
func (w *Watcher) consumeLocked(b []byte) bool {
	changed := false
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		size := unix.SizeofInotifyEvent + int(ev.Len)
		if size > len(b) {
			break
		}
		name := ""
		if ev.Len > 0 {
			raw := b[unix.SizeofInotifyEvent:size]
			for i, c := range raw {
				if c == 0 {
					raw = raw[:i]
					break
				}
			}
			name = string(raw)
		}
		b = b[size:]
		dir := w.wds[int(ev.Wd)]
		switch {
		case ev.Mask&unix.IN_Q_OVERFLOW != 0:
			changed = true // events were lost: assume the worst
		case ev.Mask&unix.IN_IGNORED != 0:
			delete(w.wds, int(ev.Wd))
		case name != "" && ignored(name):
		default:
			changed = true
			if ev.Mask&unix.IN_ISDIR != 0 && ev.Mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0 && dir != "" {
				_ = w.addTree(filepath.Join(dir, name))
			}
		}
	}
	if changed {
		w.gen++
	}
	return changed
}

// Generation returns a number that grows with every change; it first
// reads whatever changes the system has queued, so a change made before
// the call is always counted.
func (w *Watcher) Generation() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.rc.Control(func(fd uintptr) {
		queued, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ)
		for err == nil && queued > 0 {
			n, rerr := unix.Read(int(fd), w.buf[:min(queued, len(w.buf))])
			if rerr != nil || n <= 0 {
				return
			}
			w.consumeLocked(w.buf[:n])
			queued -= n
		}
	})
	return w.gen
}

// Changes receives (coalesced) when something changed, for work that
// should start before the next Generation call, such as a rebuild.
func (w *Watcher) Changes() <-chan struct{} { return w.notify }

// Close stops watching. It is safe to call twice.
func (w *Watcher) Close() error {
	var err error
	w.once.Do(func() {
		err = w.f.Close()
		<-w.done
	})
	return err
}
