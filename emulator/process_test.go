//go:build linux

package emulator

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestSweepStopsOrphans plays a crashed local Lambda: a function process
// (with a child of its own) whose owner no longer exists must be stopped
// by the next local Lambda, whole process group included.
func TestSweepStopsOrphans(t *testing.T) {
	const deadOwner = "999999999.1" // no such pid
	cmd := exec.Command("/bin/sh", "-c", "sleep 600 & exec sleep 600")
	cmd.Env = []string{ownerEnvVar + "=" + deadOwner, "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	t.Cleanup(func() { killGroup(cmd.Process.Pid) })
	waitFor(t, "both orphan processes", 5*time.Second, func() bool { return len(ProcessesOwnedBy(deadOwner)) == 2 })

	// A live owner's processes are left alone.
	live := exec.Command("sleep", "600")
	live.Env = []string{ownerEnvVar + "=" + ownerID()}
	live.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })

	n, err := sweepOrphans()
	if err != nil || n < 1 {
		t.Fatalf("sweep found %d (%v)", n, err)
	}
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("the orphan survived the sweep")
	}
	waitFor(t, "the orphan's child to die", 5*time.Second, func() bool { return len(ProcessesOwnedBy(deadOwner)) == 0 })
	if err := live.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the sweep killed a live owner's process: %v", err)
	}
}

func TestOwnerIdentity(t *testing.T) {
	id := ownerID()
	if !ownerAlive(id) {
		t.Errorf("own id %q not alive", id)
	}
	if ownerAlive("999999999.1") {
		t.Errorf("a missing pid reported alive")
	}
	if ownerAlive(strconv.Itoa(os.Getpid()) + ".1") {
		t.Errorf("a reused pid with another start time is not the same owner")
	}
}
