//go:build linux

package cgroup

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeV2 is a cgroup v2 tree made of ordinary files in a temporary
// directory: mkdir creates the control files a kernel would, rmdir refuses
// groups with children or processes, as the kernel does.
type fakeV2 struct {
	t    *testing.T
	root string // lambench's own cgroup

	mu      sync.Mutex
	removed []string // directories rmdir removed, in order
	killed  []string // directories whose cgroup.kill held "1" at rmdir
}

func newFakeV2(t *testing.T) *fakeV2 {
	f := &fakeV2{t: t, root: t.TempDir()}
	f.write("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")
	f.write("cgroup.subtree_control", "")
	f.write("cgroup.procs", "4242\n")
	return f
}

// layout returns a V2 layout of the fake tree.
func (f *fakeV2) layout() Layout {
	return Layout{Version: V2, Memory: f.root, CPU: f.root, fs: &fsOps{mkdir: f.mkdir, rmdir: f.rmdir}}
}

func (f *fakeV2) mkdir(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"cgroup.controllers":     "memory cpu\n",
		"cgroup.subtree_control": "",
		"cgroup.procs":           "",
		"cgroup.kill":            "",
		"cgroup.events":          "populated 0\nfrozen 0\n",
		"memory.max":             "max\n",
		"memory.swap.max":        "max\n",
		"memory.oom.group":       "0\n",
		"memory.current":         "0\n",
		"memory.peak":            "0\n",
		"memory.stat":            "anon 0\nfile 0\nkernel 0\n",
		"memory.events":          "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
		"cpu.max":                "max 100000\n",
		"cpu.stat":               "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeV2) rmdir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			return &os.PathError{Op: "rmdir", Path: dir, Err: syscall.EBUSY}
		}
	}
	procs, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if strings.TrimSpace(string(procs)) != "" {
		return &os.PathError{Op: "rmdir", Path: dir, Err: syscall.EBUSY}
	}
	kill, _ := os.ReadFile(filepath.Join(dir, "cgroup.kill"))
	f.mu.Lock()
	defer f.mu.Unlock()
	if string(kill) == "1" {
		f.killed = append(f.killed, f.rel(dir))
	}
	f.removed = append(f.removed, f.rel(dir))
	return os.RemoveAll(dir)
}

func (f *fakeV2) rel(p string) string {
	r, err := filepath.Rel(f.root, p)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fakeV2) write(name, content string) {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.root, name), []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeV2) read(name string) string {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join(f.root, name))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *fakeV2) exists(name string) bool {
	_, err := os.Stat(filepath.Join(f.root, name))
	return err == nil
}

func TestV2FakeParentAndGroup(t *testing.T) {
	f := newFakeV2(t)
	p, err := NewParent(f.layout(), "4242.1234")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.read("cgroup.subtree_control"); got != "+memory +cpu" {
		t.Errorf("lambench's cgroup.subtree_control = %q, want %q", got, "+memory +cpu")
	}
	if got := f.read("lambench-4242.1234/cgroup.subtree_control"); got != "+memory +cpu" {
		t.Errorf("parent's cgroup.subtree_control = %q, want %q", got, "+memory +cpu")
	}
	if p.Owner() != "4242.1234" {
		t.Errorf("Owner() = %q", p.Owner())
	}

	g, err := p.NewGroup("env-1", Limits{MemoryBytes: 128 << 20, CPUs: CPUsForMemory(128, 2)})
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"memory.max":       "134217728",
		"memory.swap.max":  "0",
		"memory.oom.group": "1",
		"cpu.max":          "7236 100000",
	} {
		if got := f.read("lambench-4242.1234/env-1/" + file); got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}
	if g.Version() != V2 || g.Name() != "env-1" {
		t.Errorf("Version(), Name() = %v, %q", g.Version(), g.Name())
	}
	wantProcs := []string{filepath.Join(f.root, "lambench-4242.1234/env-1/cgroup.procs")}
	if got := g.ProcsFiles(); !slices.Equal(got, wantProcs) {
		t.Errorf("ProcsFiles() = %q, want %q", got, wantProcs)
	}
	fd, err := g.OpenFD()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := fd.Stat(); err != nil || !fi.IsDir() || fi.Name() != "env-1" {
		t.Errorf("OpenFD opened %v (%v), want the group directory", fi, err)
	}
	fd.Close()

	// A second group without limits keeps the kernel's defaults, but
	// still no swap and OOM kills of the whole group.
	if _, err := p.NewGroup("env-2", Limits{}); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"memory.max":       "max\n",
		"memory.swap.max":  "0",
		"memory.oom.group": "1",
		"cpu.max":          "max 100000\n",
	} {
		if got := f.read("lambench-4242.1234/env-2/" + file); got != want {
			t.Errorf("env-2 %s = %q, want %q", file, got, want)
		}
	}

	// Names are unique.
	if _, err := p.NewGroup("env-1", Limits{}); err == nil {
		t.Error("NewGroup of an existing group succeeded")
	}
	if !f.exists("lambench-4242.1234/env-1/memory.max") {
		t.Error("the failed NewGroup removed the existing group")
	}

	// Removing a group writes cgroup.kill, then removes it.
	if err := g.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := g.Remove(); err != nil {
		t.Errorf("second Remove: %v", err)
	}
	if f.exists("lambench-4242.1234/env-1") {
		t.Error("group still exists after Remove")
	}
	if err := p.Remove(); err != nil {
		t.Fatal(err)
	}
	if f.exists("lambench-4242.1234") {
		t.Error("parent still exists after Remove")
	}
	wantRemoved := []string{"lambench-4242.1234/env-1", "lambench-4242.1234/env-2", "lambench-4242.1234"}
	if !slices.Equal(f.removed, wantRemoved) {
		t.Errorf("removed %q, want %q", f.removed, wantRemoved)
	}
	if !slices.Equal(f.killed, wantRemoved) {
		t.Errorf("cgroup.kill written in %q, want %q", f.killed, wantRemoved)
	}
	// lambench's own cgroup stays, with its processes.
	if got := f.read("cgroup.procs"); got != "4242\n" {
		t.Errorf("lambench's cgroup.procs = %q", got)
	}
}

func TestV2FakeControllersAlreadyEnabled(t *testing.T) {
	f := newFakeV2(t)
	f.write("cgroup.subtree_control", "cpu io memory\n")
	// Were it written to, this read-only file would make NewParent fail.
	if err := os.Chmod(filepath.Join(f.root, "cgroup.subtree_control"), 0o444); err != nil {
		t.Fatal(err)
	}
	p, err := NewParent(f.layout(), "1.2")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.read("cgroup.subtree_control"); got != "cpu io memory\n" {
		t.Errorf("cgroup.subtree_control changed to %q", got)
	}
	// Reusing the parent of the same owner works.
	if _, err := NewParent(f.layout(), "1.2"); err != nil {
		t.Errorf("second NewParent: %v", err)
	}
	if err := p.Remove(); err != nil {
		t.Fatal(err)
	}
}

func TestV2FakeOnlyMissingControllerEnabled(t *testing.T) {
	f := newFakeV2(t)
	f.write("cgroup.subtree_control", "memory\n")
	if _, err := NewParent(f.layout(), "1.2"); err != nil {
		t.Fatal(err)
	}
	if got := f.read("cgroup.subtree_control"); got != "+cpu" {
		t.Errorf("cgroup.subtree_control = %q, want %q", got, "+cpu")
	}
}

func TestV2FakeUnsupported(t *testing.T) {
	t.Run("controllers not delegated", func(t *testing.T) {
		f := newFakeV2(t)
		f.write("cgroup.controllers", "cpu io pids\n")
		_, err := NewParent(f.layout(), "1.2")
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "memory not available") {
			t.Errorf("got %v, want an ErrUnsupported saying memory is not available", err)
		}
		if f.exists("lambench-1.2") {
			t.Error("parent created anyway")
		}
	})
	t.Run("subtree_control not writable", func(t *testing.T) {
		f := newFakeV2(t)
		if err := os.Remove(filepath.Join(f.root, "cgroup.subtree_control")); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(f.root, "cgroup.subtree_control"), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := NewParent(f.layout(), "1.2")
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("got %v, want ErrUnsupported", err)
		}
	})
	t.Run("no cpu.max", func(t *testing.T) {
		f := newFakeV2(t)
		l := f.layout()
		l.fs.mkdir = func(dir string) error {
			if err := f.mkdir(dir); err != nil {
				return err
			}
			return os.Remove(filepath.Join(dir, "cpu.max"))
		}
		_, err := NewParent(l, "1.2")
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "CONFIG_CFS_BANDWIDTH") {
			t.Errorf("got %v, want ErrUnsupported about CPU bandwidth control", err)
		}
		if f.exists("lambench-1.2") {
			t.Error("parent left behind")
		}
	})
	t.Run("not a cgroup directory", func(t *testing.T) {
		dir := t.TempDir()
		_, err := NewParent(Layout{Version: V1, Memory: dir, CPU: dir}, "1.2")
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("v1: got %v, want ErrUnsupported", err)
		}
		_, err = NewParent(Layout{Version: V2, Memory: dir + "/missing", CPU: dir + "/missing"}, "1.2")
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("v2: got %v, want ErrUnsupported", err)
		}
	})
	t.Run("bad names", func(t *testing.T) {
		f := newFakeV2(t)
		for _, owner := range []string{"", "a/b", "..", "."} {
			if _, err := NewParent(f.layout(), owner); err == nil {
				t.Errorf("owner %q accepted", owner)
			}
		}
		p, err := NewParent(f.layout(), "1.2")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"", "../x", "a/b", strings.Repeat("x", 300)} {
			if _, err := p.NewGroup(name, Limits{}); err == nil {
				t.Errorf("group name %q accepted", name)
			}
		}
	})
}

func TestV2FakeMemory(t *testing.T) {
	const mb = 1 << 20
	f := newFakeV2(t)
	p, err := NewParent(f.layout(), "1.2")
	if err != nil {
		t.Fatal(err)
	}
	g, err := p.NewGroup("env", Limits{MemoryBytes: 128 * mb})
	if err != nil {
		t.Fatal(err)
	}
	dir := "lambench-1.2/env/"
	f.write(dir+"memory.peak", "104857600\n")   // 100 MB, page cache included
	f.write(dir+"memory.current", "94371840\n") // 90 MB
	f.write(dir+"memory.stat", "anon 20971520\nfile 67108864\nkernel 1048576\nshmem 0\nfile_mapped 0\n")
	f.write(dir+"memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 1\n")
	got, err := g.Memory()
	if err != nil {
		t.Fatal(err)
	}
	want := MemoryStats{Peak: 36 * mb, Current: 26 * mb, Cache: 64 * mb, PeakRaw: 100 * mb, OOMKills: 2}
	if got != want {
		t.Errorf("Memory() = %+v, want %+v", got, want)
	}

	// Before Linux 5.19 there is no memory.peak: the current usage stands in.
	if err := os.Remove(filepath.Join(f.root, dir, "memory.peak")); err != nil {
		t.Fatal(err)
	}
	got, err = g.Memory()
	if err != nil {
		t.Fatal(err)
	}
	want = MemoryStats{Peak: 26 * mb, Current: 26 * mb, Cache: 64 * mb, PeakRaw: 90 * mb, OOMKills: 2}
	if got != want {
		t.Errorf("Memory() without memory.peak = %+v, want %+v", got, want)
	}

	// A broken file is an error, not a zero.
	f.write(dir+"memory.current", "lots\n")
	if _, err := g.Memory(); err == nil {
		t.Error("Memory() with a malformed memory.current succeeded")
	}
}

func TestV2FakeRemoveStale(t *testing.T) {
	f := newFakeV2(t)
	for _, owner := range []string{"10.1", "20.2"} {
		p, err := NewParent(f.layout(), owner)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.NewGroup("env", Limits{MemoryBytes: 1 << 30}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(f.root, "unrelated"), 0o755); err != nil {
		t.Fatal(err)
	}
	var asked []string
	removed, err := RemoveStale(f.layout(), func(owner string) bool {
		asked = append(asked, owner)
		return owner == "20.2"
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{"10.1"}) {
		t.Errorf("removed %q, want [10.1]", removed)
	}
	if !slices.Equal(asked, []string{"10.1", "20.2"}) {
		t.Errorf("asked about %q, want [10.1 20.2]", asked)
	}
	if f.exists("lambench-10.1") || !f.exists("lambench-20.2/env") || !f.exists("unrelated") {
		t.Error("RemoveStale removed the wrong directories")
	}
}

func TestV2FakeRemoveBusy(t *testing.T) {
	// A group whose processes never leave makes Remove fail after its
	// retries, saying so, rather than hang.
	f := newFakeV2(t)
	l := f.layout()
	l.fs.removeTimeout = 100 * time.Millisecond
	p, err := NewParent(l, "1.2")
	if err != nil {
		t.Fatal(err)
	}
	g, err := p.NewGroup("env", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// A pid that cannot exist (above pid_max), so killing it gives ESRCH.
	f.write("lambench-1.2/env/cgroup.procs", "2147483646\n")
	f.write("lambench-1.2/env/cgroup.kill", "")
	if err := os.Remove(filepath.Join(f.root, "lambench-1.2/env/cgroup.kill")); err != nil {
		t.Fatal(err)
	}
	err = g.Remove()
	if !errors.Is(err, syscall.EBUSY) {
		t.Errorf("Remove of a group that stays busy: %v, want EBUSY", err)
	}
	f.write("lambench-1.2/env/cgroup.procs", "")
	if err := p.Remove(); err != nil {
		t.Fatal(err)
	}
}
