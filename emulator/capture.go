package emulator

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
)

// DefaultMaxLineBytes caps one log event; longer lines are split, as
// CloudWatch Logs caps an event at 256 KB.
const DefaultMaxLineBytes = 256<<10 - 26

// capture turns a function process's combined stdout and stderr (one pipe,
// so their order is kept) into log lines.
//
// Every read of the pipe happens with mu held, both in the reader goroutine
// and in drain. Drain asks the kernel how many bytes the pipe holds
// (FIONREAD) and reads exactly those: they are precisely what the process
// wrote before the drain began, so every line a function printed before
// answering lands before its END and REPORT lines, without sleeping or
// guessing, and a process that never stops writing cannot keep a drain
// going. The pipe's read end is non-blocking (os.Pipe registers it with
// the runtime poller), so the reader goroutine waits in the poller, not in
// a read holding mu.
type capture struct {
	f       *os.File
	rc      syscall.RawConn
	maxLine int
	emit    func(line string, at time.Time) // called with mu held

	mu      sync.Mutex
	buf     []byte
	partial []byte
	eof     bool
	done    chan struct{} // closed when the reader goroutine has returned
}

func newCapture(f *os.File, maxLine int, emit func(string, time.Time)) (*capture, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	if maxLine <= 0 {
		maxLine = DefaultMaxLineBytes
	}
	return &capture{f: f, rc: rc, maxLine: maxLine, emit: emit, buf: make([]byte, 64<<10), done: make(chan struct{})}, nil
}

// run reads until the pipe's last writer closes it (or the file is
// closed). It is the reader goroutine; it never blocks on anything but the
// pipe, so a function's writes never wait for lambench.
func (c *capture) run() {
	defer close(c.done)
	for {
		finished := false
		err := c.rc.Read(func(fd uintptr) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.eof {
				finished = true
				return true
			}
			more, again := c.readOnce(fd)
			if again {
				return false // wait in the poller for more data
			}
			finished = !more
			return true
		})
		if err != nil || finished {
			return
		}
	}
}

// readOnce does one read with mu held. more is false at end of file or on
// an error; again is true when the pipe is empty for now.
func (c *capture) readOnce(fd uintptr) (more, again bool) {
	n, err := syscall.Read(int(fd), c.buf)
	switch {
	case errors.Is(err, syscall.EAGAIN):
		return true, true
	case errors.Is(err, syscall.EINTR):
		return true, false
	case err != nil || n == 0:
		c.eof = true
		c.flushLocked(time.Now())
		return false, false
	}
	c.consumeLocked(c.buf[:n], time.Now())
	return true, false
}

// locked drains the pipe, then runs fn with mu held: what fn emits comes
// after everything the process wrote before the call. With flush, a line
// the process has not finished is emitted first (at END it still belongs
// to the invocation that printed it; at START it may be half of a line a
// background writer is printing, so it is left alone).
func (c *capture) locked(flush bool, fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drainLocked()
	if flush {
		c.flushLocked(time.Now())
	}
	fn()
}

// drainLocked reads what the pipe holds now, and no more.
func (c *capture) drainLocked() {
	if c.eof {
		return
	}
	_ = c.rc.Control(func(fd uintptr) {
		queued, err := pipeQueued(fd)
		if err != nil {
			return
		}
		for queued > 0 {
			n, err := syscall.Read(int(fd), c.buf[:min(queued, len(c.buf))])
			switch {
			case errors.Is(err, syscall.EINTR):
				continue
			case err != nil:
				return
			case n == 0:
				c.eof = true
				c.flushLocked(time.Now())
				return
			}
			c.consumeLocked(c.buf[:n], time.Now())
			queued -= n
		}
	})
}

func (c *capture) consumeLocked(data []byte, at time.Time) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			c.partial = append(c.partial, data...)
			for len(c.partial) > c.maxLine {
				c.emit(string(c.partial[:c.maxLine]), at)
				c.partial = append(c.partial[:0], c.partial[c.maxLine:]...)
			}
			return
		}
		line := data[:i]
		if len(c.partial) > 0 {
			c.partial = append(c.partial, line...)
			line = c.partial
		}
		for len(line) > c.maxLine {
			c.emit(string(line[:c.maxLine]), at)
			line = line[c.maxLine:]
		}
		c.emit(string(line), at)
		c.partial = c.partial[:0]
		data = data[i+1:]
	}
}

// flushLocked emits a line the process has not finished.
func (c *capture) flushLocked(at time.Time) {
	if len(c.partial) > 0 {
		c.emit(string(c.partial), at)
		c.partial = c.partial[:0]
	}
}

// close stops the reader: it waits up to grace for the pipe's end of file
// (every writer gone), then closes the read end.
func (c *capture) close(grace time.Duration) {
	select {
	case <-c.done:
	case <-time.After(grace):
	}
	c.mu.Lock()
	c.drainLocked()
	c.flushLocked(time.Now())
	c.eof = true
	c.mu.Unlock()
	c.f.Close()
	<-c.done
}

// tailBuffer keeps the last TailBytes of an invocation's log.
type tailBuffer struct {
	b []byte
}

// TailBytes is how much of an invocation's log X-Amz-Log-Result carries.
const TailBytes = 4096

func (t *tailBuffer) add(line string) {
	t.b = append(t.b, line...)
	t.b = append(t.b, '\n')
	if len(t.b) > 4*TailBytes {
		t.b = append(t.b[:0], t.b[len(t.b)-TailBytes:]...)
	}
}

func (t *tailBuffer) bytes() []byte {
	if len(t.b) > TailBytes {
		return t.b[len(t.b)-TailBytes:]
	}
	return t.b
}
