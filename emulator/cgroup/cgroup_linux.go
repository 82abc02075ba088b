//go:build linux

package cgroup

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// removeTimeout bounds how long removing a group waits for the processes
// it killed to leave it.
const removeTimeout = 5 * time.Second

// Detect reads /proc/self/mountinfo and /proc/self/cgroup and returns the
// layout of the current process's cgroups (see [ParseLayout]).
func Detect() (Layout, error) {
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return Layout{}, unsupported(err, "cannot read the mount table")
	}
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return Layout{}, unsupported(err, "cannot read this process's cgroups")
	}
	return ParseLayout(string(mi), string(cg))
}

// NewParent creates the parent group "lambench-OWNER" below the layout's
// directories (in both hierarchies on v1) and returns it; owner identifies
// the calling lambench process (the emulator uses "PID.STARTTIME", which
// [RemoveStale] hands back to its alive function). An existing parent of
// the same owner is reused.
//
// On v2 it first enables the memory and cpu controllers for the children
// of lambench's own cgroup when they are not enabled yet, then for the
// children of the parent. The kernel refuses the first for a cgroup that
// has processes of its own, unless it is the root ("no internal
// processes"); NewParent then fails: it does not move lambench's process.
//
// The error matches [ErrUnsupported] when cgroups cannot be used here,
// saying why.
func NewParent(l Layout, owner string) (*Parent, error) {
	if err := checkName("owner", owner); err != nil {
		return nil, err
	}
	if l.Version != V1 && l.Version != V2 {
		return nil, fmt.Errorf("cgroup: layout has unknown version %d", int(l.Version))
	}
	if l.Memory == "" || l.CPU == "" {
		return nil, fmt.Errorf("cgroup: layout lacks a directory (memory %q, cpu %q)", l.Memory, l.CPU)
	}
	if l.Version == V2 {
		if err := enableV2(l.Memory); err != nil {
			return nil, err
		}
	} else {
		for _, f := range []string{path.Join(l.Memory, "memory.limit_in_bytes"), path.Join(l.CPU, "cpu.cfs_quota_us")} {
			if _, err := os.Stat(f); err != nil {
				return nil, unsupported(err, "missing cgroup v1 control file")
			}
		}
	}
	name := parentPrefix + owner
	p := &Parent{layout: l, owner: owner, mem: path.Join(l.Memory, name), cpu: path.Join(l.CPU, name)}
	var created []string
	undo := func() {
		for _, d := range slices.Backward(created) {
			_ = l.rmdir(d)
		}
	}
	for _, d := range dirs(p.mem, p.cpu) {
		err := l.mkdir(d)
		if err == nil {
			created = append(created, d)
		} else if !errors.Is(err, fs.ErrExist) {
			undo()
			return nil, mkdirError(d, err)
		}
	}
	if l.Version == V2 {
		if err := writeFile(path.Join(p.mem, "cgroup.subtree_control"), "+memory +cpu"); err != nil {
			undo()
			return nil, unsupported(err, "cannot enable the memory and cpu controllers below %s", p.mem)
		}
		if _, err := os.Stat(path.Join(p.mem, "cpu.max")); err != nil {
			undo()
			return nil, unsupported(err, "no CPU bandwidth control in %s (kernel without CONFIG_CFS_BANDWIDTH?)", p.mem)
		}
	}
	return p, nil
}

// enableV2 makes sure the memory and cpu controllers are available to the
// children of dir, lambench's own v2 cgroup.
func enableV2(dir string) error {
	b, err := os.ReadFile(path.Join(dir, "cgroup.controllers"))
	if err != nil {
		return unsupported(err, "cannot read the controllers of lambench's cgroup %s", dir)
	}
	available := strings.Fields(string(b))
	var missing []string
	for _, c := range []string{"memory", "cpu"} {
		if !slices.Contains(available, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return unsupported(nil, "controller(s) %s not available in lambench's cgroup %s (cgroup.controllers: %q): the parent cgroup does not delegate them",
			strings.Join(missing, " and "), dir, strings.TrimSpace(string(b)))
	}
	b, err = os.ReadFile(path.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return unsupported(err, "cannot read cgroup.subtree_control of lambench's cgroup %s", dir)
	}
	enabled := strings.Fields(string(b))
	var enable []string
	for _, c := range []string{"memory", "cpu"} {
		if !slices.Contains(enabled, c) {
			enable = append(enable, "+"+c)
		}
	}
	if len(enable) == 0 {
		return nil
	}
	err = writeFile(path.Join(dir, "cgroup.subtree_control"), strings.Join(enable, " "))
	if errors.Is(err, syscall.EBUSY) {
		return unsupported(err, "cannot enable the memory and cpu controllers for the children of lambench's cgroup %s: "+
			"it holds processes (lambench itself), and cgroup v2 lets only the root cgroup both hold processes and "+
			"distribute controllers (the \"no internal processes\" rule); lambench does not move itself: to get limits, start it "+
			"in the root cgroup (e.g. from a shell that ran `echo $$ > /sys/fs/cgroup/cgroup.procs` as root)", dir)
	}
	if err != nil {
		return unsupported(err, "cannot enable the memory and cpu controllers for the children of lambench's cgroup %s%s", dir, uidHint())
	}
	return nil
}

// mkdirError describes a failure to create a group directory, as
// unsupported when it is about permissions or a missing hierarchy.
func mkdirError(dir string, err error) error {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrNotExist) {
		return unsupported(err, "cannot create cgroup %s%s", dir, uidHint())
	}
	return fmt.Errorf("cgroup: create %s: %w", dir, err)
}

// uidHint notes that the process is not root, the usual reason for
// permission errors.
func uidHint() string {
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Sprintf(" (running as uid %d, not root)", uid)
	}
	return ""
}

// NewGroup creates the group of one execution environment, named name,
// with the given limits: on v1 memory.limit_in_bytes, memory.memsw.limit_in_bytes
// (when swap accounting exists), memory.swappiness 0, cpu.cfs_period_us and
// cpu.cfs_quota_us; on v2 memory.max, memory.swap.max 0 (when it exists),
// memory.oom.group 1 and cpu.max. On v1, where the kernel refuses a quota
// above an ancestor's, the quota is lowered to the smallest of the
// ancestors' (v2 applies the smallest along the path by itself). It is an
// error if the group exists already.
func (p *Parent) NewGroup(name string, lim Limits) (*Group, error) {
	if err := checkName("group name", name); err != nil {
		return nil, err
	}
	l := p.layout
	g := &Group{layout: l, name: name, mem: path.Join(p.mem, name), cpu: path.Join(p.cpu, name)}
	var created []string
	fail := func(err error) (*Group, error) {
		for _, d := range slices.Backward(created) {
			_ = l.rmdir(d)
		}
		return nil, err
	}
	for _, d := range dirs(g.mem, g.cpu) {
		if err := l.mkdir(d); err != nil {
			return fail(mkdirError(d, err))
		}
		created = append(created, d)
	}
	var err error
	if l.Version == V2 {
		err = g.limitV2(lim)
	} else {
		err = g.limitV1(lim)
	}
	if err != nil {
		return fail(fmt.Errorf("cgroup: set limits of group %s: %w", name, err))
	}
	return g, nil
}

func (g *Group) limitV1(lim Limits) error {
	if lim.MemoryBytes > 0 {
		limit := strconv.FormatInt(lim.MemoryBytes, 10)
		if err := writeFile(path.Join(g.mem, "memory.limit_in_bytes"), limit); err != nil {
			return err
		}
		// memsw (memory+swap) must not be below the memory limit, so it
		// is set second; equal means no swap.
		if err := writeOptional(path.Join(g.mem, "memory.memsw.limit_in_bytes"), limit); err != nil {
			return err
		}
	}
	if err := writeFile(path.Join(g.mem, "memory.swappiness"), "0"); err != nil {
		return err
	}
	// A process added after it started (AddProcess) brings the memory it
	// already touched along; kernels that dropped the feature just refuse.
	_ = writeOptional(path.Join(g.mem, "memory.move_charge_at_immigrate"), "3")
	if lim.CPUs > 0 {
		return g.setCPUV1(lim.CPUs)
	}
	return nil
}

func (g *Group) setCPUV1(cpus float64) error {
	if err := writeFile(path.Join(g.cpu, "cpu.cfs_period_us"), strconv.Itoa(cfsPeriodUS)); err != nil {
		return err
	}
	q := quotaUS(cpus)
	err := writeFile(path.Join(g.cpu, "cpu.cfs_quota_us"), strconv.FormatInt(q, 10))
	if errors.Is(err, syscall.EINVAL) {
		if limit, ok := ancestorQuotaV1(path.Dir(g.cpu)); ok && limit < q {
			err = writeFile(path.Join(g.cpu, "cpu.cfs_quota_us"), strconv.FormatInt(max(limit, 1000), 10))
		}
	}
	return err
}

// CPU returns the group's CPU quota in CPUs, 0 when it has none.
func (g *Group) CPU() (float64, error) {
	if g.layout.Version == V2 {
		b, err := os.ReadFile(path.Join(g.cpu, "cpu.max"))
		if err != nil {
			return 0, err
		}
		q, p, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
		if q == "max" {
			return 0, nil
		}
		qn, err1 := strconv.ParseFloat(q, 64)
		pn, err2 := strconv.ParseFloat(p, 64)
		if err1 != nil || err2 != nil || pn <= 0 {
			return 0, fmt.Errorf("cgroup: malformed cpu.max %q", b)
		}
		return qn / pn, nil
	}
	q, err := readInt(path.Join(g.cpu, "cpu.cfs_quota_us"))
	if err != nil || q <= 0 {
		return 0, err
	}
	p, err := readInt(path.Join(g.cpu, "cpu.cfs_period_us"))
	if err != nil || p <= 0 {
		return 0, err
	}
	return float64(q) / float64(p), nil
}

// SetCPU changes the group's CPU quota (cpus <= 0: no limit). The local
// Lambda creates a group without one and sets it once init is over: AWS
// does not hold a function's init to the CPU share of its memory size.
func (g *Group) SetCPU(cpus float64) error {
	if g.layout.Version == V2 {
		v := "max " + strconv.Itoa(cfsPeriodUS)
		if cpus > 0 {
			v = strconv.FormatInt(quotaUS(cpus), 10) + " " + strconv.Itoa(cfsPeriodUS)
		}
		return writeFile(path.Join(g.cpu, "cpu.max"), v)
	}
	if cpus <= 0 {
		return writeFile(path.Join(g.cpu, "cpu.cfs_quota_us"), "-1")
	}
	return g.setCPUV1(cpus)
}

// ancestorQuotaV1 returns the smallest CPU quota, per cfsPeriodUS, of dir
// and its ancestors in a v1 cpu hierarchy, if any of them has one.
func ancestorQuotaV1(dir string) (int64, bool) {
	best, found := int64(math.MaxInt64), false
	for {
		q, errQ := readInt(path.Join(dir, "cpu.cfs_quota_us"))
		per, errP := readInt(path.Join(dir, "cpu.cfs_period_us"))
		if errQ != nil || errP != nil {
			break // above the hierarchy's root
		}
		if q > 0 && per > 0 {
			best, found = min(best, q*cfsPeriodUS/per), true
		}
		if dir == "/" || dir == "." {
			break
		}
		dir = path.Dir(dir)
	}
	return best, found
}

func (g *Group) limitV2(lim Limits) error {
	if lim.MemoryBytes > 0 {
		if err := writeFile(path.Join(g.mem, "memory.max"), strconv.FormatInt(lim.MemoryBytes, 10)); err != nil {
			return err
		}
	}
	if err := writeOptional(path.Join(g.mem, "memory.swap.max"), "0"); err != nil {
		return err
	}
	if err := writeOptional(path.Join(g.mem, "memory.oom.group"), "1"); err != nil {
		return err
	}
	if lim.CPUs > 0 {
		v := strconv.FormatInt(quotaUS(lim.CPUs), 10) + " " + strconv.Itoa(cfsPeriodUS)
		if err := writeFile(path.Join(g.cpu, "cpu.max"), v); err != nil {
			return err
		}
	}
	return nil
}

// OpenFD opens the directory of a v2 group, for starting a process right
// inside it without the shim:
//
//	cmd.SysProcAttr.UseCgroupFD = true
//	cmd.SysProcAttr.CgroupFD = int(f.Fd())
//
// The caller closes the file once cmd.Start returned. On v1 it returns an
// error matching errors.ErrUnsupported: use [ExecShim].
func (g *Group) OpenFD() (*os.File, error) {
	if g.layout.Version != V2 {
		return nil, fmt.Errorf("cgroup: %s cannot start a process inside a group, join it with the shim: %w", g.layout.Version, errors.ErrUnsupported)
	}
	f, err := os.OpenFile(g.mem, os.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		return nil, fmt.Errorf("cgroup: open group directory: %w", err)
	}
	return f, nil
}

// Memory measures the group's memory; see [MemoryStats] for what the
// figures mean. It reads four control files.
func (g *Group) Memory() (MemoryStats, error) {
	var st MemoryStats
	var err error
	if g.layout.Version == V2 {
		st, err = memoryV2(g.mem)
	} else {
		st, err = memoryV1(g.mem)
	}
	if err != nil {
		return MemoryStats{}, fmt.Errorf("cgroup: measure memory of group %s: %w", g.name, err)
	}
	return st, nil
}

func memoryV1(dir string) (MemoryStats, error) {
	peak, err := readUint(path.Join(dir, "memory.max_usage_in_bytes"))
	if err != nil {
		return MemoryStats{}, err
	}
	usage, err := readUint(path.Join(dir, "memory.usage_in_bytes"))
	if err != nil {
		return MemoryStats{}, err
	}
	stat, err := readKeyed(path.Join(dir, "memory.stat"))
	if err != nil {
		return MemoryStats{}, err
	}
	oom, err := readKeyed(path.Join(dir, "memory.oom_control"))
	if err != nil {
		return MemoryStats{}, err
	}
	cache, ok := stat["total_cache"]
	if !ok {
		cache = stat["cache"]
	}
	rss, ok := stat["total_rss"]
	if !ok {
		rss = stat["rss"]
	}
	return memoryStats(peak, usage, cache, rss, oom["oom_kill"]), nil
}

func memoryV2(dir string) (MemoryStats, error) {
	usage, err := readUint(path.Join(dir, "memory.current"))
	if err != nil {
		return MemoryStats{}, err
	}
	peak, err := readUint(path.Join(dir, "memory.peak"))
	if errors.Is(err, fs.ErrNotExist) {
		peak, err = usage, nil // before Linux 5.19
	}
	if err != nil {
		return MemoryStats{}, err
	}
	stat, err := readKeyed(path.Join(dir, "memory.stat"))
	if err != nil {
		return MemoryStats{}, err
	}
	events, err := readKeyed(path.Join(dir, "memory.events"))
	if err != nil {
		return MemoryStats{}, err
	}
	return memoryStats(peak, usage, stat["file"], stat["anon"], events["oom_kill"]), nil
}

// Kill sends SIGKILL to every process in the group (v2: through
// cgroup.kill when the kernel has it, Linux 5.14). It does not wait for
// them to die.
func (g *Group) Kill() error {
	var errs []error
	for _, d := range dirs(g.mem, g.cpu) {
		errs = append(errs, killDir(g.layout.Version, d))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cgroup: kill group %s: %w", g.name, err)
	}
	return nil
}

// Remove kills what is still in the group and removes it, retrying for a
// few seconds while the killed processes exit. Removing a group that is
// gone already is not an error.
func (g *Group) Remove() error {
	var errs []error
	for _, d := range dirs(g.mem, g.cpu) {
		errs = append(errs, removeTree(g.layout, d))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cgroup: remove group %s: %w", g.name, err)
	}
	return nil
}

// Remove removes every group of the parent (see [Group.Remove]), then the
// parent itself.
func (p *Parent) Remove() error {
	var errs []error
	for _, d := range dirs(p.mem, p.cpu) {
		errs = append(errs, removeTree(p.layout, d))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cgroup: remove parent %s: %w", parentPrefix+p.owner, err)
	}
	return nil
}

// RemoveStale removes the parents (and their groups, killing what runs in
// them) left below the layout's directories by lambench processes that
// are gone: those "lambench-OWNER" directories for which alive(OWNER) is
// false. It returns the owners it removed. Only lambench's own cgroup is
// searched: the parents of a predecessor that ran in another cgroup are
// not found.
func RemoveStale(l Layout, alive func(owner string) bool) ([]string, error) {
	var removed []string
	var errs []error
	for _, d := range dirs(l.Memory, l.CPU) {
		entries, err := os.ReadDir(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("cgroup: look for stale parents: %w", err))
			continue
		}
		for _, e := range entries {
			owner, ok := strings.CutPrefix(e.Name(), parentPrefix)
			if !ok || !e.IsDir() || owner == "" || alive(owner) {
				continue
			}
			if err := removeTree(l, path.Join(d, e.Name())); err != nil {
				errs = append(errs, fmt.Errorf("cgroup: remove stale parent: %w", err))
				continue
			}
			if !slices.Contains(removed, owner) {
				removed = append(removed, owner)
			}
		}
	}
	return removed, errors.Join(errs...)
}

// removeTree removes the group at dir and every group below it, killing
// their processes.
func removeTree(l Layout, dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() {
			errs = append(errs, removeTree(l, path.Join(dir, e.Name())))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	timeout := removeTimeout
	if l.fs != nil && l.fs.removeTimeout > 0 {
		timeout = l.fs.removeTimeout
	}
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for {
		killErr := killDir(l.Version, dir)
		err := l.rmdir(dir)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) || time.Now().After(deadline) {
			return errors.Join(err, killErr)
		}
		time.Sleep(wait)
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// killDir sends SIGKILL to the processes of the group at dir.
func killDir(v Version, dir string) error {
	if v == V2 {
		err := writeFile(path.Join(dir, "cgroup.kill"), "1")
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	b, err := os.ReadFile(path.Join(dir, "cgroup.procs"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(s)
		if err != nil || pid <= 0 {
			continue
		}
		// The process may have exited since the read: ESRCH is fine. (Had
		// it also been reaped and its pid reused within that instant, the
		// signal would hit the wrong process; v2's cgroup.kill has no
		// such window.)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("kill %d in %s: %w", pid, dir, err))
		}
	}
	return errors.Join(errs...)
}

// Join moves the calling process (all its threads) into the groups whose
// cgroup.procs files are given, by writing "0" into each: what the shim
// does before it executes the function's program.
func Join(files []string) error {
	if err := join(files); err != nil {
		return fmt.Errorf("cgroup: join: %w", err)
	}
	return nil
}

// AddProcess moves a running process (all its threads) into the group.
// It is the cheap alternative to the shim: the process runs outside the
// group from its start until the call, a few microseconds when called
// right after starting it, and on v1 its memory moves with it.
func (g *Group) AddProcess(pid int) error {
	for _, f := range g.ProcsFiles() {
		if err := writeFile(f, strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("cgroup: add process %d to group %s: %w", pid, g.name, err)
		}
	}
	return nil
}

func join(files []string) error {
	for _, f := range files {
		if err := writeFile(f, "0"); err != nil {
			return err
		}
	}
	return nil
}

// ExecShim is the whole cgroup shim: it joins the groups listed in the
// [JoinEnv] environment variable (encoded by [EncodeJoin]), removes that
// variable from the environment and executes argv[0] (looked up in PATH
// when it has no slash) with arguments argv and the rest of the
// environment. It returns only on failure; the shim should then exit
// non-zero, so that no function runs without its limits.
//
// The lambench binary calls it first thing when JoinEnv is set:
//
//	if _, ok := os.LookupEnv(cgroup.JoinEnv); ok {
//		err := cgroup.ExecShim(os.Args[1:])
//		fmt.Fprintln(os.Stderr, "lambench:", err)
//		os.Exit(126)
//	}
func ExecShim(argv []string) error {
	value, ok := os.LookupEnv(JoinEnv)
	if !ok {
		return fmt.Errorf("cgroup: shim: %s is not set", JoinEnv)
	}
	files, err := decodeJoin(value)
	if err != nil {
		return fmt.Errorf("cgroup: shim: decode %s: %w", JoinEnv, err)
	}
	if len(argv) == 0 || argv[0] == "" {
		return errors.New("cgroup: shim: no program to execute")
	}
	prog := argv[0]
	if !strings.Contains(prog, "/") {
		if prog, err = exec.LookPath(prog); err != nil {
			return fmt.Errorf("cgroup: shim: %w", err)
		}
	}
	if err := join(files); err != nil {
		return fmt.Errorf("cgroup: shim: join: %w", err)
	}
	os.Unsetenv(JoinEnv)
	Notify()
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, JoinEnv+"=") })
	err = syscall.Exec(prog, argv, env)
	return fmt.Errorf("cgroup: shim: execute %s: %w", prog, err)
}

func (l Layout) mkdir(dir string) error {
	if l.fs != nil {
		return l.fs.mkdir(dir)
	}
	return os.Mkdir(dir, 0o755)
}

func (l Layout) rmdir(dir string) error {
	if l.fs != nil {
		return l.fs.rmdir(dir)
	}
	if err := syscall.Rmdir(dir); err != nil {
		return &fs.PathError{Op: "rmdir", Path: dir, Err: err}
	}
	return nil
}

// writeFile writes value to an existing control file in one write, as
// the kernel wants.
func writeFile(file, value string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_TRUNC, 0)
	if err == nil {
		_, err = f.WriteString(value)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return fmt.Errorf("write %q to %s: %w", value, file, err)
	}
	return nil
}

// writeOptional is writeFile for control files that depend on the
// kernel's configuration: a missing file is not an error.
func writeOptional(file, value string) error {
	err := writeFile(file, value)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// readUint reads a control file holding one number ("max" reads as the
// largest uint64).
func readUint(file string) (uint64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return math.MaxUint64, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	return n, nil
}

// readInt reads a control file holding one signed number.
func readInt(file string) (int64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	return n, nil
}

// readKeyed reads a flat keyed control file ("KEY VALUE" lines, such as
// memory.stat); lines whose value is not a number are skipped.
func readKeyed(file string) (map[string]uint64, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]uint64{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			m[k] = n
		}
	}
	return m, nil
}

// Meter reads a group's memory figures on the hot path: it keeps the
// control files open and reads each with one pread, where Memory opens
// and reads four files anew. Not safe for concurrent use.
type Meter struct {
	v1         bool
	peak, stat int // fds: max_usage_in_bytes / memory.peak, memory.stat
	buf        []byte
}

// Meter opens the files Meter reads. Close it when done.
func (g *Group) Meter() (*Meter, error) {
	peakFile, statFile := "memory.max_usage_in_bytes", "memory.stat"
	if g.layout.Version == V2 {
		peakFile = "memory.peak"
	}
	if g.layout.fs != nil {
		return nil, fmt.Errorf("cgroup: a meter needs a real cgroup filesystem: %w", errors.ErrUnsupported)
	}
	open := func(name string) (int, error) {
		return syscall.Open(path.Join(g.mem, name), syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	pf, err := open(peakFile)
	if err != nil {
		return nil, fmt.Errorf("cgroup: open %s of group %s: %w", peakFile, g.name, err)
	}
	sf, err := open(statFile)
	if err != nil {
		syscall.Close(pf)
		return nil, fmt.Errorf("cgroup: open %s of group %s: %w", statFile, g.name, err)
	}
	return &Meter{v1: g.layout.Version == V1, peak: pf, stat: sf, buf: make([]byte, 8192)}, nil
}

// PeakRaw returns the group's peak memory including page cache: one read
// of a single number, an upper bound of Peak.
func (m *Meter) PeakRaw() (uint64, error) {
	n, err := syscall.Pread(m.peak, m.buf, 0)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(m.buf[:n])), 10, 64)
}

// Peak returns the group's peak memory without page cache, as
// MemoryStats.Peak computes it (floored at the current anonymous memory
// rather than the current use, which would need a third read).
func (m *Meter) Peak() (uint64, error) {
	raw, err := m.PeakRaw()
	if err != nil {
		return 0, err
	}
	n, err := syscall.Pread(m.stat, m.buf, 0)
	if err != nil {
		return 0, err
	}
	cacheKey, anonKey := "file", "anon"
	if m.v1 {
		cacheKey, anonKey = "total_cache", "total_rss"
	}
	cache, anon := keyedValue(m.buf[:n], cacheKey), keyedValue(m.buf[:n], anonKey)
	return max(subFloor(raw, cache), anon), nil
}

// Close closes the meter's files.
func (m *Meter) Close() {
	syscall.Close(m.peak)
	syscall.Close(m.stat)
}

// keyedValue finds "key N" at the start of a line of a keyed control file.
func keyedValue(b []byte, key string) uint64 {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) > len(key) && line[len(key)] == ' ' && string(line[:len(key)]) == key {
			v, _ := strconv.ParseUint(string(bytes.TrimSpace(line[len(key)+1:])), 10, 64)
			return v
		}
	}
	return 0
}

// NotifyFDEnv names the variable that tells ExecShim (and the in-process
// join of the lambench binary) which inherited descriptor to write one
// byte to, and close, right before the function's own code starts: the
// local Lambda counts init from there, so the shim's own start-up is not
// billed as the function's Init Duration.
const NotifyFDEnv = "_LAMBENCH_CGROUP_NOTIFY_FD"

// Notify writes the byte NotifyFDEnv asks for and removes the variable.
func Notify() {
	v, ok := os.LookupEnv(NotifyFDEnv)
	if !ok {
		return
	}
	os.Unsetenv(NotifyFDEnv)
	if fd, err := strconv.Atoi(v); err == nil && fd > 2 {
		syscall.Write(fd, []byte{1})
		syscall.Close(fd)
	}
}
