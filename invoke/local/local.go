// Package local starts lambench's built-in local Lambda for the local
// target: `lambench serve` as a child process on a free loopback port,
// stopped (and every function process with it) when the client closes.
// It runs in its own process so that the local Lambda, the load
// generator and the TUI never share a Go runtime.
package local

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options say how to start the local Lambda.
type Options struct {
	// Executable is the lambench binary.
	Executable string
	// ConfigPath is the lambench.toml whose functions it serves; empty
	// for none (it then serves the demo functions).
	ConfigPath string
	// Args are extra arguments to `lambench serve`.
	Args []string
	// Dir is its working directory (the current one when empty).
	Dir string
}

// Server is a running local Lambda.
type Server struct {
	// Endpoint is its Lambda API, e.g. http://127.0.0.1:41234.
	Endpoint string
	// HTTPEndpoint is its HTTP front (like Function URLs).
	HTTPEndpoint string
	// Limits says whether memory and CPU limits are enforced.
	Limits string

	cmd    *exec.Cmd
	stderr *tail
	done   chan struct{}
	err    error
	once   sync.Once
}

// StartTimeout bounds how long Start waits for the local Lambda to listen.
const StartTimeout = 30 * time.Second

// Start runs `lambench serve --addr 127.0.0.1:0 -o json` and waits for it
// to listen.
func Start(ctx context.Context, o Options) (*Server, error) {
	args := []string{"serve", "--addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "-o", "json", "--no-announce"}
	if o.ConfigPath != "" {
		args = append(args, "--config", o.ConfigPath)
	}
	args = append(args, o.Args...)
	cmd := exec.Command(o.Executable, args...)
	cmd.Dir = o.Dir
	// Its own process group keeps a terminal's Ctrl-C away from it (the
	// client stops it in order); the parent-death signal stops it, as
	// gracefully, if lambench dies.
	cmd.SysProcAttr = sysProcAttr()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, stderr: &tail{max: 64 << 10}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the local Lambda (%s serve): %w", o.Executable, err)
	}
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		} else {
			close(first)
		}
		io.Copy(io.Discard, stdout)
		s.err = cmd.Wait()
		close(s.done)
	}()
	timer := time.NewTimer(StartTimeout)
	defer timer.Stop()
	select {
	case line, ok := <-first:
		var v struct {
			Endpoint     string `json:"endpoint"`
			HTTPEndpoint string `json:"http_endpoint"`
			Limits       string `json:"limits"`
		}
		if !ok || json.Unmarshal([]byte(line), &v) != nil || v.Endpoint == "" {
			<-s.done
			return nil, s.startError(line)
		}
		s.Endpoint, s.HTTPEndpoint, s.Limits = v.Endpoint, v.HTTPEndpoint, v.Limits
		return s, nil
	case <-timer.C:
		s.Close()
		return nil, fmt.Errorf("the local Lambda did not start within %v:\n%s", StartTimeout, s.stderr)
	case <-ctx.Done():
		s.Close()
		return nil, ctx.Err()
	}
}

// startError explains why serve exited instead of listening.
func (s *Server) startError(line string) error {
	msg := strings.TrimSpace(s.stderr.String())
	if msg == "" {
		msg = strings.TrimSpace(line)
	}
	msg = strings.TrimPrefix(msg, "lambench: ")
	if msg == "" {
		return fmt.Errorf("the local Lambda exited at start: %v", s.err)
	}
	return errors.New(msg)
}

// Stderr returns the last 64 KB the local Lambda wrote to its stderr.
func (s *Server) Stderr() string { return s.stderr.String() }

// Close stops the local Lambda, which stops and reaps every function
// process, and waits for it; after 10 s it is killed. Safe to call twice.
func (s *Server) Close() error {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	return nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
