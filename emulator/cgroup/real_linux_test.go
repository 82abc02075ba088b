//go:build linux

package cgroup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests use the real cgroups of the machine, through the same shim
// the emulator uses: the test binary re-executes itself with JoinEnv set,
// and TestMain then acts as the shim. They do not run in parallel: they
// share one parent group per test process (its owner is the test
// process's "PID.STARTTIME", as the emulator's), which each removes when
// done.

func TestMain(m *testing.M) {
	if _, ok := os.LookupEnv(JoinEnv); ok {
		err := ExecShim(os.Args[1:])
		fmt.Fprintln(os.Stderr, "cgroup test shim:", err)
		os.Exit(126)
	}
	// Remove what earlier runs left if they crashed (or timed out) before
	// their cleanups ran; parents of live lambench processes stay.
	if l, err := Detect(); err == nil {
		if removed, err := RemoveStale(l, ownerAlive); err != nil || len(removed) > 0 {
			fmt.Fprintf(os.Stderr, "cgroup tests: removed stale parents %q: %v\n", removed, err)
		}
	}
	os.Exit(m.Run())
}

// procStart returns the start time of process pid (field 22 of
// /proc/PID/stat).
func procStart(pid int) (string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", err
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 20 {
		return "", fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return f[19], nil
}

// ownerAlive reports whether the process named by owner "PID.STARTTIME"
// runs; owners of another form are left alone.
func ownerAlive(owner string) bool {
	pid, start, ok := strings.Cut(owner, ".")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil {
		return true
	}
	got, err := procStart(n)
	return err == nil && got == start
}

// testOwner returns this process's owner id.
func testOwner(t *testing.T) string {
	start, err := procStart(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(os.Getpid()) + "." + start
}

// realParent creates the parent group of this test process in the real
// cgroup hierarchy and removes it (and checks it is gone) at cleanup. It
// fails, saying why, when cgroups cannot be used.
func realParent(t *testing.T) (*Parent, Layout) {
	t.Helper()
	l, err := Detect()
	if err != nil {
		t.Fatalf("cgroups are not usable on this machine, so this test cannot run: %v", err)
	}
	p, err := NewParent(l, testOwner(t))
	if err != nil {
		t.Fatalf("cgroups are not usable on this machine, so this test cannot run: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Remove(); err != nil {
			t.Errorf("remove parent: %v", err)
		}
		for _, d := range dirs(p.mem, p.cpu) {
			if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("parent %s left behind (%v)", d, err)
			}
		}
	})
	t.Logf("%s; parent %s", l.Version, strings.Join(dirs(p.mem, p.cpu), " and "))
	return p, l
}

// realGroup creates a group and removes it at cleanup.
func realGroup(t *testing.T, p *Parent, name string, lim Limits) *Group {
	t.Helper()
	g, err := p.NewGroup(name, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := g.Remove(); err != nil {
			t.Errorf("remove group: %v", err)
		}
	})
	return g
}

// proc is a process started in a group.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // of Wait, once done is closed
}

// start runs argv in group g the way the emulator does: through the shim
// on v1, with CLONE_INTO_CGROUP on v2. The process (and its process group)
// is killed and reaped at cleanup.
func start(t *testing.T, g *Group, stdin io.Reader, argv ...string) *proc {
	t.Helper()
	var cmd *exec.Cmd
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if g.Version() == V1 {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(exe, argv...)
		cmd.Env = append(os.Environ(), JoinEnv+"="+EncodeJoin(g.ProcsFiles()))
	} else {
		fd, err := g.OpenFD()
		if err != nil {
			t.Fatal(err)
		}
		defer fd.Close()
		attr.UseCgroupFD, attr.CgroupFD = true, int(fd.Fd())
		cmd = exec.Command(argv[0], argv[1:]...)
	}
	cmd.SysProcAttr = attr
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		if stderr.Len() > 0 {
			p.err = fmt.Errorf("%v (stderr: %q)", p.err, stderr.String())
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// wait waits for the process to end and returns Wait's error.
func (p *proc) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(15 * time.Second):
		t.Fatalf("process %d did not end", p.cmd.Process.Pid)
		return nil
	}
}

// killedBy reports whether the process ended by signal sig.
func (p *proc) killedBy(sig syscall.Signal) bool {
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// readControl reads a control file in directory dir.
func readControl(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// poll calls cond until it is true, failing the test after a while.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const mb = 1 << 20

func TestRealOOMKill(t *testing.T) {
	p, l := realParent(t)
	const limit = 64 * mb
	g := realGroup(t, p, "oom", Limits{MemoryBytes: limit, CPUs: 1})
	if l.Version == V1 {
		checkControl(t, g.mem, "memory.limit_in_bytes", strconv.Itoa(limit))
		if _, err := os.Stat(filepath.Join(g.mem, "memory.memsw.limit_in_bytes")); err == nil {
			checkControl(t, g.mem, "memory.memsw.limit_in_bytes", strconv.Itoa(limit))
		} else {
			t.Log("no memory.memsw.limit_in_bytes: swap accounting is off")
		}
		checkControl(t, g.mem, "memory.swappiness", "0")
	} else {
		checkControl(t, g.mem, "memory.max", strconv.Itoa(limit))
		checkControl(t, g.mem, "memory.oom.group", "1")
	}

	// dd reads 200 MB from /dev/zero into one buffer, touching every page.
	pr := start(t, g, nil, "dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1")
	err := pr.wait(t)
	if !pr.killedBy(syscall.SIGKILL) {
		t.Fatalf("dd touching 200 MB under a 64 MB limit ended with %v, want killed by SIGKILL", err)
	}
	st, err := g.Memory()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after the OOM kill: %+v", st)
	if st.OOMKills < 1 {
		t.Errorf("OOMKills = %d, want >= 1", st.OOMKills)
	}
	if st.Peak < limit*7/8 || st.Peak > limit {
		t.Errorf("Peak = %.1f MB, want close to the %d MB limit", float64(st.Peak)/mb, limit/mb)
	}
}

func TestRealPeakExcludesPageCache(t *testing.T) {
	p, _ := realParent(t)
	g := realGroup(t, p, "cache", Limits{MemoryBytes: 128 * mb, CPUs: 1})
	file := filepath.Join(t.TempDir(), "cache.bin")

	// Inside the group: write a 64 MB file and read it back (its page
	// cache is charged to the group), then let dd hold 20 MB: it fills a
	// 20 MB buffer, then blocks writing it into a pipe nobody reads until
	// the test sends a line on stdin.
	const script = `exec 3<&0
head -c 67108864 /dev/zero > "$1" && cat "$1" > /dev/null || exit 1
dd if=/dev/zero bs=20M count=1 status=none | { read -r _ <&3; cat > /dev/null; }`
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdinW.Close()
	pr := start(t, g, stdinR, "/bin/sh", "-c", script, "sh", file)
	stdinR.Close()

	var st MemoryStats
	poll(t, "dd holds 20 MB", func() bool {
		st, err = g.Memory()
		if err != nil {
			t.Fatal(err)
		}
		return st.Current >= 20*mb
	})
	t.Logf("while dd holds 20 MB: %+v", st)
	if st.Cache < 60*mb {
		t.Errorf("Cache = %.1f MB, want the 64 MB file's page cache charged to the group", float64(st.Cache)/mb)
	}
	if st.Current > 28*mb {
		t.Errorf("Current = %.1f MB, want about 20 MB", float64(st.Current)/mb)
	}
	// The shell is in the group's cgroup.procs files: it joined them all.
	for _, f := range g.ProcsFiles() {
		if procs := strings.Fields(readControl(t, filepath.Dir(f), "cgroup.procs")); !slices.Contains(procs, strconv.Itoa(pr.cmd.Process.Pid)) {
			t.Errorf("%s holds %q, not the shell %d", f, procs, pr.cmd.Process.Pid)
		}
	}

	if _, err := stdinW.WriteString("go\n"); err != nil {
		t.Fatal(err)
	}
	if err := pr.wait(t); err != nil {
		t.Fatalf("process under a 128 MB limit failed: %v", err)
	}
	st, err = g.Memory()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after exit: %+v", st)
	if st.OOMKills != 0 {
		t.Errorf("OOMKills = %d, want 0", st.OOMKills)
	}
	if st.PeakRaw < 84*mb {
		t.Errorf("PeakRaw = %.1f MB, want at least 84 MB (64 MB cache + 20 MB)", float64(st.PeakRaw)/mb)
	}
	if st.Peak < 20*mb || st.Peak > 28*mb {
		t.Errorf("Peak = %.1f MB, want about 20 MB: page cache must not count", float64(st.Peak)/mb)
	}
}

func TestRealCPUQuotaThrottles(t *testing.T) {
	p, l := realParent(t)
	g := realGroup(t, p, "cpu", Limits{MemoryBytes: 64 * mb, CPUs: 0.1})
	if l.Version == V1 {
		checkControl(t, g.cpu, "cpu.cfs_period_us", "100000")
		checkControl(t, g.cpu, "cpu.cfs_quota_us", "10000")
	} else {
		checkControl(t, g.cpu, "cpu.max", "10000 100000")
	}
	pr := start(t, g, nil, "/bin/sh", "-c", "while :; do :; done")
	var stat map[string]uint64
	poll(t, "the busy loop is throttled", func() bool {
		var err error
		if stat, err = readKeyed(filepath.Join(g.cpu, "cpu.stat")); err != nil {
			t.Fatal(err)
		}
		return stat["nr_throttled"] > 0
	})
	t.Logf("cpu.stat: %v", stat)

	// Remove kills the busy loop and removes the group.
	if err := g.Remove(); err != nil {
		t.Fatal(err)
	}
	pr.wait(t)
	if !pr.killedBy(syscall.SIGKILL) {
		t.Errorf("busy loop ended with %v, want killed by Remove", pr.cmd.ProcessState)
	}
	for _, d := range dirs(g.mem, g.cpu) {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("group %s left after Remove (%v)", d, err)
		}
	}
}

func TestRealQuotaCappedByAncestor(t *testing.T) {
	p, l := realParent(t)
	if l.Version == V2 {
		// v2 takes any quota and applies the smallest along the path.
		g := realGroup(t, p, "capped", Limits{CPUs: 1})
		checkControl(t, g.cpu, "cpu.max", "100000 100000")
		return
	}
	// Give the parent 0.2 CPU: the kernel refuses 1 CPU below it.
	if err := writeFile(filepath.Join(p.cpu, "cpu.cfs_quota_us"), "20000"); err != nil {
		t.Fatal(err)
	}
	g := realGroup(t, p, "capped", Limits{CPUs: 1})
	checkControl(t, g.cpu, "cpu.cfs_quota_us", "20000")
}

func TestRealRemoveStale(t *testing.T) {
	l, err := Detect()
	if err != nil {
		t.Fatalf("cgroups are not usable on this machine, so this test cannot run: %v", err)
	}
	// A parent of a dead owner: this process's pid with another start time.
	dead := strconv.Itoa(os.Getpid()) + ".0"
	p, err := NewParent(l, dead)
	if err != nil {
		t.Fatalf("cgroups are not usable on this machine, so this test cannot run: %v", err)
	}
	t.Cleanup(func() { _ = p.Remove() })
	g, err := p.NewGroup("orphan", Limits{MemoryBytes: 64 * mb})
	if err != nil {
		t.Fatal(err)
	}
	pr := start(t, g, nil, "sleep", "60")
	poll(t, "sleep joined its group", func() bool {
		return slices.Contains(strings.Fields(readControl(t, g.mem, "cgroup.procs")), strconv.Itoa(pr.cmd.Process.Pid))
	})

	removed, err := RemoveStale(l, func(owner string) bool { return owner != dead })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{dead}) {
		t.Errorf("RemoveStale removed %q, want [%s]", removed, dead)
	}
	pr.wait(t)
	if !pr.killedBy(syscall.SIGKILL) {
		t.Errorf("process of the stale group ended with %v, want killed", pr.cmd.ProcessState)
	}
	for _, d := range dirs(p.mem, p.cpu) {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale parent %s left (%v)", d, err)
		}
	}
}

func TestRealShimFailsClosed(t *testing.T) {
	// A shim that cannot join must not run the program without limits.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	cmd := exec.Command(exe, "/bin/sh", "-c", "touch "+marker)
	cmd.Env = append(os.Environ(), JoinEnv+"="+EncodeJoin([]string{filepath.Join(t.TempDir(), "missing", "cgroup.procs")}))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 126 {
		t.Errorf("shim with an impossible join: %v, want exit status 126", err)
	}
	if !strings.Contains(string(out), "cgroup: shim: join: write \"0\" to ") {
		t.Errorf("shim output %q does not say why", out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the program ran although the shim could not join")
	}
}

func checkControl(t *testing.T, dir, name, want string) {
	t.Helper()
	if got := readControl(t, dir, name); got != want {
		t.Errorf("%s = %q, want %q", name, got, want)
	}
}

// TestMeterAgreesWithMemory: the kept-open meter reads what Memory does,
// and SetCPU/CPU round-trip.
func TestMeterAgreesWithMemory(t *testing.T) {
	p, _ := realParent(t)
	g := realGroup(t, p, "meter", Limits{MemoryBytes: 128 << 20})
	m, err := g.Meter()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	pr := start(t, g, nil, "/bin/sh", "-c", "dd if=/dev/zero of=/dev/null bs=20M count=1")
	<-pr.done
	peak, err := m.Peak()
	st, err2 := g.Memory()
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if peak < 15<<20 || peak > st.Peak+(1<<20) || peak+(1<<20) < st.Peak {
		t.Errorf("meter peak %d, Memory peak %d", peak, st.Peak)
	}
	if cpus, err := g.CPU(); err != nil || cpus != 0 {
		t.Errorf("CPU before SetCPU: %v %v, want 0 (no quota)", cpus, err)
	}
	if err := g.SetCPU(0.25); err != nil {
		t.Fatal(err)
	}
	if cpus, err := g.CPU(); err != nil || cpus != 0.25 {
		t.Errorf("CPU after SetCPU(0.25): %v %v", cpus, err)
	}
	if err := g.SetCPU(0); err != nil {
		t.Fatal(err)
	}
	if cpus, _ := g.CPU(); cpus != 0 {
		t.Errorf("CPU after SetCPU(0): %v", cpus)
	}
}
