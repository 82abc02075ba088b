package cgroup

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"strings"
	"time"
)

// Version is the kind of cgroup hierarchy the memory and cpu controllers
// are in.
type Version int

const (
	// V1 means separate cgroup v1 hierarchies for the memory and cpu
	// controllers (a v2 hierarchy without these controllers may be mounted
	// as well: the "hybrid" layout).
	V1 Version = 1
	// V2 means the unified cgroup v2 hierarchy.
	V2 Version = 2
)

// String returns "cgroup v1" or "cgroup v2".
func (v Version) String() string {
	switch v {
	case V1:
		return "cgroup v1"
	case V2:
		return "cgroup v2"
	}
	return fmt.Sprintf("cgroup version %d", int(v))
}

// Layout locates the current process's own cgroup in the hierarchies of
// the memory and cpu controllers. [Detect] finds it; it can also be built
// by hand. The groups of this package are created below these directories.
type Layout struct {
	// Version says how to drive the directories.
	Version Version
	// Memory is the directory of our cgroup in the hierarchy holding the
	// memory controller, e.g. /sys/fs/cgroup/memory/user.slice (v1) or
	// /sys/fs/cgroup/user.slice (v2).
	Memory string
	// CPU is the directory of our cgroup in the hierarchy holding the cpu
	// controller; on v2 it equals Memory.
	CPU string

	// fs replaces directory creation and removal in tests; nil means the
	// real file system.
	fs *fsOps
}

// fsOps is a test seam: a fake cgroup tree made of ordinary directories
// has no kernel to create control files on mkdir or to allow rmdir of a
// directory that still holds them.
type fsOps struct {
	mkdir func(dir string) error
	rmdir func(dir string) error
	// removeTimeout, when positive, replaces how long removing a group
	// retries.
	removeTimeout time.Duration
}

// Limits are the resources of one execution environment.
type Limits struct {
	// MemoryBytes is the memory limit (memory.limit_in_bytes or
	// memory.max) in bytes; swap is limited so that nothing can be swapped
	// out. Zero or less means no memory limit.
	MemoryBytes int64
	// CPUs is the CPU quota in CPUs (0.5 = half of one CPU's time per
	// period); zero or less means no quota. Quotas below 0.01 CPU are
	// raised to 0.01, the kernel's minimum of 1 ms per 100 ms period.
	CPUs float64
}

// MemoryStats is a measurement of a group's memory, in bytes.
//
// Peak and Current try to count the memory of the processes, not the page
// cache of files they read or wrote, which the kernel charges to the group
// too (and reclaims when the group reaches its limit). The kernel keeps a
// peak only of the total, so Peak is approximated as the kernel's peak
// minus the page cache charged to the group now (v1: max_usage_in_bytes
// minus total_cache of memory.stat; v2: memory.peak minus file of
// memory.stat), but never less than the anonymous memory in use now (v1
// total_rss, v2 anon). This is exact when the cache did not shrink since
// the peak (the usual case: files read stay cached until the group comes
// near its limit) and otherwise overestimates by what was reclaimed since.
// Shared memory and tmpfs files count as cache. Kernel memory charged to
// the group's memory counter (page tables, kernel stacks, slab) counts as
// the processes' memory.
type MemoryStats struct {
	// Peak is the approximate peak memory use without page cache since
	// the group was created; it is never less than Current.
	Peak uint64
	// Current is the memory use without page cache now (usage minus
	// cache, but at least the anonymous memory).
	Current uint64
	// Cache is the page cache charged to the group now.
	Cache uint64
	// PeakRaw is the kernel's peak of the group's total charge, page
	// cache included (on v2 kernels without memory.peak, before 5.19, the
	// current total).
	PeakRaw uint64
	// OOMKills counts the processes of the group killed by the OOM killer
	// (always 0 on v1 kernels before 4.13, which do not count them).
	OOMKills uint64
}

// memoryStats computes MemoryStats from the kernel's figures.
func memoryStats(peakRaw, usage, cache, anon, oomKills uint64) MemoryStats {
	s := MemoryStats{Cache: cache, PeakRaw: peakRaw, OOMKills: oomKills}
	s.Current = max(subFloor(usage, cache), anon)
	s.Peak = max(subFloor(peakRaw, cache), s.Current)
	return s
}

// subFloor returns a-b, or 0 when b > a.
func subFloor(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// JoinEnv is the environment variable that makes the lambench binary act
// as the cgroup shim (see [ExecShim]); its value is [EncodeJoin] of the
// group's [Group.ProcsFiles].
const JoinEnv = "_LAMBENCH_CGROUP_JOIN"

// EncodeJoin encodes a list of cgroup.procs files as one environment
// variable value (a JSON array of strings); [DecodeJoin] reverses it.
func EncodeJoin(files []string) string {
	b, err := json.Marshal(files)
	if err != nil { // cannot happen for a []string
		panic(err)
	}
	return string(b)
}

// DecodeJoin decodes a value made by [EncodeJoin]. It accepts only a
// non-empty list of clean absolute paths of files named cgroup.procs, so
// that a stray environment variable cannot make the shim write elsewhere.
func DecodeJoin(value string) ([]string, error) {
	files, err := decodeJoin(value)
	if err != nil {
		return nil, fmt.Errorf("cgroup: decode %s: %w", JoinEnv, err)
	}
	return files, nil
}

func decodeJoin(value string) ([]string, error) {
	var files []string
	if err := json.Unmarshal([]byte(value), &files); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("no cgroup.procs files")
	}
	for _, f := range files {
		if !path.IsAbs(f) || path.Clean(f) != f || path.Base(f) != "cgroup.procs" {
			return nil, fmt.Errorf("%q is not an absolute path to a cgroup.procs file", f)
		}
	}
	return files, nil
}

// MBPerCPU is the memory size that AWS Lambda gives one full vCPU: 1,769 MB.
const MBPerCPU = 1769

// CPUsForMemory returns the CPU quota AWS Lambda gives a function with mb
// megabytes of memory: mb/1769 CPUs, at most cores (when cores > 0). The
// result is for [Limits.CPUs].
func CPUsForMemory(mb int, cores int) float64 {
	if mb <= 0 {
		return 0
	}
	cpus := float64(mb) / MBPerCPU
	if cores > 0 {
		cpus = math.Min(cpus, float64(cores))
	}
	return cpus
}

// cfsPeriodUS is the CPU bandwidth period: 100 ms, the kernel's default.
const cfsPeriodUS = 100000

// quotaUS converts a number of CPUs to a CFS quota per cfsPeriodUS.
func quotaUS(cpus float64) int64 {
	q := int64(math.Round(cpus * cfsPeriodUS))
	return max(q, 1000)
}

// ErrUnsupported is matched (with errors.Is) by the errors saying that
// cgroups cannot be used here at all: another operating system, no cgroup
// memory or cpu controller, not allowed to create groups, controllers not
// delegated. errors.Is(err, errors.ErrUnsupported) holds for them as well.
var ErrUnsupported = fmt.Errorf("cgroups cannot be used: %w", errors.ErrUnsupported)

// unsupportedError says why cgroups cannot be used.
type unsupportedError struct {
	reason string
	err    error // the underlying error, if any
}

func (e *unsupportedError) Error() string {
	if e.err == nil {
		return "cgroup: cannot use cgroups: " + e.reason
	}
	return "cgroup: cannot use cgroups: " + e.reason + ": " + e.err.Error()
}

func (e *unsupportedError) Unwrap() error { return e.err }

func (e *unsupportedError) Is(target error) bool {
	return target == ErrUnsupported || target == errors.ErrUnsupported
}

// unsupported returns an error matching ErrUnsupported.
func unsupported(err error, format string, args ...any) error {
	return &unsupportedError{reason: fmt.Sprintf(format, args...), err: err}
}

// parentPrefix starts the name of every parent group.
const parentPrefix = "lambench-"

// checkName checks that name can be the name of a cgroup directory.
func checkName(what, name string) error {
	if name == "" || name == "." || name == ".." || len(name) > 200 ||
		strings.ContainsAny(name, "/\x00\n") {
		return fmt.Errorf("cgroup: invalid %s %q", what, name)
	}
	return nil
}

// Parent is the group that holds the groups of one lambench process (its
// owner): "lambench-OWNER" in lambench's own cgroup, in each hierarchy.
// [NewParent] creates it. Its methods are safe for concurrent use.
type Parent struct {
	layout   Layout
	owner    string
	mem, cpu string // the parent's directories; equal on v2
}

// Group is the cgroup of one execution environment, made by
// [Parent.NewGroup]. Its methods are safe for concurrent use.
type Group struct {
	layout   Layout
	name     string
	mem, cpu string // the group's directories; equal on v2
}

// Owner returns the owner the parent was created for.
func (p *Parent) Owner() string { return p.owner }

// Name returns the name the group was created with.
func (g *Group) Name() string { return g.name }

// Version returns the cgroup version of the group: on [V2] a process can
// be started inside it (see [Group.OpenFD]), on [V1] it has to join it
// (see [ExecShim]).
func (g *Group) Version() Version { return g.layout.Version }

// ProcsFiles returns the cgroup.procs files a process writes "0" into to
// join the group ([Join]): one per hierarchy, memory first.
func (g *Group) ProcsFiles() []string {
	files := []string{path.Join(g.mem, "cgroup.procs")}
	if g.cpu != g.mem {
		files = append(files, path.Join(g.cpu, "cgroup.procs"))
	}
	return files
}

// dirs returns the distinct directories of a memory and a cpu directory.
func dirs(mem, cpu string) []string {
	if mem == cpu {
		return []string{mem}
	}
	return []string{mem, cpu}
}
