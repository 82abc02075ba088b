package main

import (
	"bufio"
	"bytes"

	"encoding/json"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// lambenchBin is the real lambench binary, built once.
var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// syncBuffer is a bytes.Buffer safe for a writer and a polling reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testStreams() (*IOStreams, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	return &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}, out, errOut
}

// servedProcess is `lambench serve` running as a child process.
type servedProcess struct {
	cmd       *exec.Cmd
	endpoint  string
	owner     string
	stderr    *syncBuffer
	startLine string        // the JSON line serve printed first
	exited    chan struct{} // closed when the process has been waited for
	err       error         // its exit status, once exited is closed
}

// startServe runs the lambench binary's serve command on a free port and
// waits for its JSON startup line.
func startServe(t testing.TB, dir string, args ...string) *servedProcess {
	t.Helper()
	return startServeEnv(t, dir, nil, args...)
}

// startServeEnv is startServe with extra environment variables.
func startServeEnv(t testing.TB, dir string, env []string, args ...string) *servedProcess {
	t.Helper()
	base := []string{"serve", "--addr", "127.0.0.1:0", "-o", "json"}
	if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--http-addr") }) {
		// A free port: API port + 1, the default, may be taken.
		base = append(base, "--http-addr", "127.0.0.1:0")
	}
	cmd := exec.Command(lambenchBin, append(base, args...)...)
	cmd.Dir = dir
	// Its own announcement directory: other tests' commands must not find it.
	cmd.Env = append(append(os.Environ(), "LAMBENCH_RUNTIME_DIR="+t.TempDir()), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sp := &servedProcess{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = sp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if sp.owner, err = ownerOf(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
		sp.err = cmd.Wait()
		close(sp.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-sp.exited:
		case <-time.After(10 * time.Second):
		}
	})
	select {
	case line := <-lines:
		var v struct{ Endpoint string }
		if err := json.Unmarshal([]byte(line), &v); err != nil || v.Endpoint == "" {
			t.Fatalf("startup line %q: %v", line, err)
		}
		sp.endpoint, sp.startLine = v.Endpoint, line
	case <-sp.exited:
		t.Fatalf("serve exited: %v\n%s", sp.err, sp.stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("serve printed nothing\n%s", sp.stderr)
	}
	return sp
}

func (sp *servedProcess) stop(t testing.TB, sig os.Signal) error {
	t.Helper()
	sp.cmd.Process.Signal(sig)
	select {
	case <-sp.exited:
		return sp.err
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
		return nil
	}
}

// awsCLI runs the aws CLI against endpoint with dummy credentials.
func awsCLI(t *testing.T, endpoint string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return awsCLIEnv(t, endpoint, []string{"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local"}, args...)
}

// awsCLIEnv runs the aws CLI with the given credentials variables.
func awsCLIEnv(t *testing.T, endpoint string, creds []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatal("the aws CLI is needed (pip install awscli); .ci/run installs it")
	}
	cmd := exec.Command("aws", append(args, "--endpoint-url", endpoint, "--region", "us-east-1")...)
	cmd.Env = append(append(os.Environ(), "AWS_PAGER=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"), creds...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func waitUntil(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
