package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestTUIInTmux runs the real lambench binary in tmux, as a user would:
// it selects hello, invokes it, finds the REPORT summary on the screen,
// quits, and checks that no process is left behind.
func TestTUIInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatal("tmux is not installed: install it with `apt-get install -y tmux` (.ci/run does)")
	}
	dir := t.TempDir()
	sock := fmt.Sprintf("lambench-test-%d", os.Getpid())
	session := "tui"
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { exec.Command(tmux, "-L", sock, "kill-server").Run() })
	// Its own runtime directory: no running serve of another test is shared.
	shell := fmt.Sprintf("cd %s && LAMBENCH_RUNTIME_DIR=%s %s; echo LAMBENCH-EXITED $?; sleep 60", dir, t.TempDir(), lambenchBin)
	start := time.Now()
	run("new-session", "-d", "-s", session, "-x", "100", "-y", "30", shell)
	screen := func() string { return run("capture-pane", "-p", "-t", session) }
	waitFor := func(what string, timeout time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for {
			s := screen()
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("%q not on the screen after %v:\n%s", what, timeout, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	keys := func(k ...string) {
		run(append([]string{"send-keys", "-t", session}, k...)...)
		time.Sleep(150 * time.Millisecond)
	}
	s := waitFor("functions shown", 30*time.Second)
	t.Logf("functions shown %v after tmux started lambench:\n%s", time.Since(start).Round(time.Millisecond), s)
	if !strings.Contains(s, "local · 127.0.0.1:") || !strings.Contains(s, "hello") {
		t.Errorf("first screen:\n%s", s)
	}
	pane := strings.TrimSpace(run("display-message", "-p", "-t", session, "#{pane_pid}"))

	keys("/hello")
	keys("Enter")
	waitFor("greets", 10*time.Second)
	keys("Enter") // the invoke screen
	waitFor("pick a trigger event", 10*time.Second)
	keys("C-s")
	s = waitFor("Billed", 30*time.Second)
	for _, want := range []string{"✓ ok (HTTP 200)", "COLD", "Init Duration", "Max Memory Used", "Hello, world!"} {
		if !strings.Contains(s, want) {
			t.Errorf("the result lacks %q:\n%s", want, s)
		}
	}
	keys("C-s")
	waitFor("WARM", 30*time.Second)

	// The local Lambda and the function's environment are children of
	// lambench; quitting must leave none behind.
	before := descendants(pane)
	if len(before) < 3 { // lambench, serve, the function
		t.Errorf("expected lambench, the local Lambda and hello under the pane, got %v", before)
	}
	keys("q")
	waitFor("LAMBENCH-EXITED 0", 15*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left []string
		for _, pid := range before {
			if _, err := os.Stat("/proc/" + pid); err == nil {
				left = append(left, pid+" "+cmdline(pid))
			}
		}
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind after quitting: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// descendants lists the processes under pid.
func descendants(pid string) []string {
	var out []string
	// A Go process starts children from any of its threads.
	tasks, _ := os.ReadDir("/proc/" + pid + "/task")
	for _, task := range tasks {
		children, _ := os.ReadFile("/proc/" + pid + "/task/" + task.Name() + "/children")
		for _, c := range strings.Fields(string(children)) {
			out = append(out, c)
			out = append(out, descendants(c)...)
		}
	}
	return out
}

func cmdline(pid string) string {
	b, _ := os.ReadFile("/proc/" + pid + "/cmdline")
	return strings.ReplaceAll(string(b), "\x00", " ")
}
