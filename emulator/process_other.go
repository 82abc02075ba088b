//go:build !linux

package emulator

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

const ownerEnvVar = "_LAMBENCH_OWNER"

// procAttr puts a function process in its own process group. Only Linux
// has a parent-death signal; elsewhere a crashed lambench's children are
// stopped by the next one's sweep only on Linux.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killGroup(pid int) {
	if pid > 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// procStatus measures a live process's peak memory; only Linux can.
type procStatus struct{}

func openProcStatus(pid int) (*procStatus, error) { return &procStatus{}, nil }
func (p *procStatus) peakRSS() int64              { return 0 }
func (p *procStatus) close()                      {}

func ownerID() string { return strconv.Itoa(os.Getpid()) }

func sweepOrphans() (int, error) { return 0, nil }

// OwnerID returns the identity that a local Lambda running as process pid
// marks its function processes with.
func OwnerID(pid int) (string, error) { return strconv.Itoa(pid), nil }

// ProcessesOwnedBy lists the live processes started by the local Lambda
// with the given owner id (only known on Linux).
func ProcessesOwnedBy(owner string) []int { return nil }

func machineMemory() int64 { return 0 }

// fionread is FIONREAD on BSD-derived systems (_IOR('f', 127, int)).
const fionread = 0x4004667f

// pipeQueued returns how many bytes a pipe holds.
func pipeQueued(fd uintptr) (int, error) {
	return unix.IoctlGetInt(int(fd), fionread)
}

// ownerAlive reports whether a local Lambda still runs; without /proc it
// cannot tell, so it says yes and nothing is swept.
func ownerAlive(id string) bool { return true }

// waitExit would wait for the exit without reaping; it cannot here, so
// the caller reaps first and kills the group after.
func waitExit(pid int) bool { return false }

// startInCgroup does nothing: cgroups exist only on Linux.
func startInCgroup(attr *syscall.SysProcAttr, fd int) {}
