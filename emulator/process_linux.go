package emulator

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// ownerEnvVar marks every function process (and, through inheritance, its
// descendants) with the identity of the local Lambda that started it,
// OWNER/SERVER (the process's owner id, then one Server's id), so a later
// local Lambda can find and stop what a crashed one left behind, and a
// Server can find what escaped its process groups.
const ownerEnvVar = "_LAMBENCH_OWNER"

// procAttr puts a function process in its own process group, so that
// stopping it kills everything it started, and asks the kernel to kill it
// if lambench dies.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group led by pid.
func killGroup(pid int) {
	if pid > 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// procStatus reads a live process's peak resident memory from
// /proc/PID/status, keeping the file open: one pread per invocation
// instead of the eight system calls of opening and reading it anew, which
// matters on the warm path.
type procStatus struct {
	fd  int
	buf []byte
}

func openProcStatus(pid int) (*procStatus, error) {
	fd, err := syscall.Open("/proc/"+strconv.Itoa(pid)+"/status", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return &procStatus{fd: fd, buf: make([]byte, 4096)}, nil
}

// peakRSS returns VmHWM in bytes, or 0 when it cannot be read.
func (p *procStatus) peakRSS() int64 {
	n, err := syscall.Pread(p.fd, p.buf, 0)
	if err != nil || n <= 0 {
		return 0
	}
	return parseVmHWM(p.buf[:n])
}

// parseVmHWM finds "VmHWM:\t   N kB" in the text of /proc/PID/status and
// returns N KiB in bytes, or 0. It scans only that line and allocates
// nothing: this runs once per invocation.
func parseVmHWM(b []byte) int64 {
	i := bytes.Index(b, []byte("VmHWM:"))
	if i < 0 {
		return 0
	}
	b = b[i+len("VmHWM:"):]
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	var kb int64
	digits := 0
	for ; digits < len(b) && b[digits] >= '0' && b[digits] <= '9'; digits++ {
		if kb > (1<<53)>>10 {
			return 0 // no machine has that much memory: not a figure
		}
		kb = kb*10 + int64(b[digits]-'0')
	}
	if digits == 0 || !bytes.HasPrefix(b[digits:], []byte(" kB")) {
		return 0
	}
	return kb << 10
}

func (p *procStatus) close() { syscall.Close(p.fd) }

// procStat returns a process's group id and start time (in clock ticks
// since boot) from /proc/PID/stat.
func procStat(pid int) (pgrp int, start uint64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// The command name may hold spaces and parentheses: fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); pgrp is field 5, starttime field 22.
	if len(f) < 20 {
		return 0, 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	pgrp, err = strconv.Atoi(f[2])
	if err != nil {
		return 0, 0, err
	}
	start, err = strconv.ParseUint(f[19], 10, 64)
	return pgrp, start, err
}

// ownerID identifies this process for the life of the machine: its pid
// and start time, so a reused pid is not mistaken for it.
func ownerID() string {
	id, err := OwnerID(os.Getpid())
	if err != nil {
		return strconv.Itoa(os.Getpid())
	}
	return id
}

// OwnerID returns the identity that a local Lambda running as process pid
// marks its function processes with (see ProcessesOwnedBy).
func OwnerID(pid int) (string, error) {
	_, start, err := procStat(pid)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(pid) + "." + strconv.FormatUint(start, 10), nil
}

// ownerAlive reports whether the local Lambda identified by id still runs.
func ownerAlive(id string) bool {
	pidStr, startStr, _ := strings.Cut(id, ".")
	pid, err := strconv.Atoi(pidStr)
	if err != nil {
		return false
	}
	_, start, err := procStat(pid)
	if err != nil {
		return false
	}
	return startStr == "" || strconv.FormatUint(start, 10) == startStr
}

// sweepOrphans kills the process groups of function processes whose local
// Lambda is gone (it crashed or was killed before it could stop them). It
// returns how many processes it found.
func sweepOrphans() (int, error) {
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return 0, err
	}
	self := os.Getpid()
	alive := map[string]bool{}
	found := 0
	for _, dir := range dirs {
		pid, err := strconv.Atoi(filepath.Base(dir))
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile(dir + "/environ")
		if err != nil || !bytes.Contains(env, []byte(ownerEnvVar+"=")) {
			continue
		}
		owner := ""
		for _, kv := range bytes.Split(env, []byte{0}) {
			if v, ok := bytes.CutPrefix(kv, []byte(ownerEnvVar+"=")); ok {
				owner, _, _ = strings.Cut(string(v), "/")
			}
		}
		if owner == "" {
			continue
		}
		ok, seen := alive[owner]
		if !seen {
			ok = ownerAlive(owner)
			alive[owner] = ok
		}
		if ok {
			continue
		}
		found++
		if pgrp, _, err := procStat(pid); err == nil && pgrp > 1 {
			_ = syscall.Kill(-pgrp, syscall.SIGKILL)
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return found, nil
}

// ProcessesOwnedBy lists the live processes started (directly or not) by
// the local Lambdas of the process with the given owner id (see OwnerID),
// or by one Server (its Marker): after they stop, none remain.
func ProcessesOwnedBy(owner string) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []int
	exact := []byte(ownerEnvVar + "=" + owner + "\x00")
	prefix := []byte(ownerEnvVar + "=" + owner + "/")
	for _, dir := range dirs {
		env, err := os.ReadFile(dir + "/environ")
		if err != nil || !(bytes.Contains(env, exact) || bytes.Contains(env, prefix)) {
			continue
		}
		// A zombie keeps its environ readable only while it is reaped
		// by nobody; skip those that are already dead.
		if st, err := os.ReadFile(dir + "/stat"); err == nil {
			if i := bytes.LastIndexByte(st, ')'); i > 0 && len(st) > i+2 && st[i+2] == 'Z' {
				continue
			}
		}
		pid, _ := strconv.Atoi(filepath.Base(dir))
		pids = append(pids, pid)
	}
	return pids
}

// machineMemory returns the machine's physical memory in bytes.
func machineMemory() int64 {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0
	}
	return int64(info.Totalram) * int64(info.Unit)
}

// pipeQueued returns how many bytes a pipe holds (FIONREAD, which Linux
// calls TIOCINQ).
func pipeQueued(fd uintptr) (int, error) {
	return unix.IoctlGetInt(int(fd), unix.TIOCINQ)
}

// waitExit blocks until the process has exited, leaving it unreaped (a
// zombie holding its pid) for the caller to reap with Wait. It reports
// whether it could.
func waitExit(pid int) bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return err == nil
		}
	}
}

// startInCgroup makes the process start inside the cgroup v2 directory fd.
func startInCgroup(attr *syscall.SysProcAttr, fd int) {
	attr.UseCgroupFD, attr.CgroupFD = true, fd
}
