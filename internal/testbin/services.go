package testbin

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RIEInstall is how to install the AWS Runtime Interface Emulator the
// tests run (.ci/run does it).
const RIEInstall = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// Output is a process's output, safe for its writes and a test's reads.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// FindRIE finds aws-lambda-rie on PATH or in $(go env GOPATH)/bin, or
// fails the test saying how to install it.
func FindRIE(t testing.TB) string {
	t.Helper()
	return FindGoTool(t, "aws-lambda-rie", RIEInstall)
}

// VegetaInstall installs vegeta's CLI at the module's version (.ci/run
// does it).
const VegetaInstall = "go install github.com/tsenart/vegeta/v12@v12.13.0"

// FindGoTool finds a command installed with go install, on PATH or in
// $(go env GOPATH)/bin, or fails the test saying how to install it.
func FindGoTool(t testing.TB, name, install string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(dir, "bin", name)
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatalf("%s is not installed (neither on PATH nor in $(go env GOPATH)/bin): install it with `%s`", name, install)
	return ""
}

// FreePort returns a loopback port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// StartRIE runs an RIE with examples/hello-go as its bootstrap, in its
// own process group, killed and reaped at cleanup. It returns the
// endpoint and the RIE's output.
func StartRIE(t testing.TB) (string, *Output) {
	t.Helper()
	bootstrap, err := Build(t.TempDir(), "./examples/hello-go", "bootstrap", "lambda.norpc")
	if err != nil {
		t.Fatal(err)
	}
	return StartRIEWith(t, bootstrap)
}

// StartRIEWith is StartRIE running the given bootstrap.
func StartRIEWith(t testing.TB, bootstrap string) (string, *Output) {
	t.Helper()
	rie := FindRIE(t)
	addr := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	out := &Output{}
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", FreePort(t)), bootstrap)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_FUNCTION_NAME=hello-go", "AWS_LAMBDA_FUNCTION_TIMEOUT=10")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the RIE did not listen on %s within 10s; its output:\n%s", addr, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "http://" + addr, out
}

// StartMoto runs moto_server on a free loopback port in its own process
// group, killed and reaped at cleanup, and returns its URL. A missing
// moto_server fails the test.
func StartMoto(t testing.TB) string {
	t.Helper()
	moto := LookTool(t, "moto_server", "pip install 'moto[server]'")
	port := FreePort(t)
	out := &Output{}
	cmd := exec.Command(moto, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		select {
		case <-exited:
			t.Fatalf("moto_server exited: %s", out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s within 20s", url)
		}
	}
}

// LookTool finds a command on PATH or fails the test saying how to
// install it.
func LookTool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (not on PATH): install it with `%s`", name, install)
	}
	return p
}
