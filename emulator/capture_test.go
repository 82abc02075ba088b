package emulator

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// newTestCapture captures a pipe whose write end the test holds; lines
// are collected in order.
func newTestCapture(t *testing.T, maxLine int) (*capture, *os.File, func() []string) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	c, err := newCapture(pr, maxLine, func(line string, _ time.Time) {
		mu.Lock()
		got = append(got, line)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pw.Close(); pr.Close() })
	return c, pw, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// TestDrainIsExact: bytes written before a drain, including a last line
// without a newline, come out before what the drain emits, even with no
// reader goroutine running at all.
func TestDrainIsExact(t *testing.T) {
	c, pw, lines := newTestCapture(t, 0)
	pw.WriteString("a\nb")
	c.locked(true, func() { c.emit("END", time.Now()) })
	if got := strings.Join(lines(), ","); got != "a,b,END" {
		t.Errorf("got %q, want a,b,END", got)
	}
	// At START a half-written line is left alone.
	pw.WriteString("c\nhalf")
	c.locked(false, func() { c.emit("START", time.Now()) })
	pw.WriteString(" done\n")
	c.locked(true, func() { c.emit("END", time.Now()) })
	if got := strings.Join(lines(), ","); got != "a,b,END,c,START,half done,END" {
		t.Errorf("got %q", got)
	}
}

// TestDrainIsBounded: a writer that never stops cannot keep a drain going.
func TestDrainIsBounded(t *testing.T) {
	c, pw, _ := newTestCapture(t, 0)
	go c.run()
	stop := make(chan struct{})
	writing := make(chan struct{})
	go func() {
		defer close(writing)
		line := []byte(strings.Repeat("y", 100) + "\n")
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := pw.Write(line); err != nil {
				return
			}
		}
	}()
	done := make(chan struct{})
	go func() {
		for range 100 {
			c.locked(true, func() {})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("drains did not end while a writer kept writing")
	}
	close(stop)
	pw.Close()
	<-writing
	c.close(time.Second)
}

func TestLineSplitting(t *testing.T) {
	c, pw, lines := newTestCapture(t, 4)
	// Exactly the cap, its newline in a later write: one line, not two.
	pw.WriteString("abcd")
	c.locked(false, func() {})
	pw.WriteString("\nabcdefghij\n")
	c.locked(true, func() {})
	if got := strings.Join(lines(), ","); got != "abcd,abcd,efgh,ij" {
		t.Errorf("got %q, want abcd,abcd,efgh,ij", got)
	}
}
