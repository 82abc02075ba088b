// Package cgroup gives each execution environment of lambench's local
// Lambda emulator its own Linux control group, so that a function runs with
// the resources AWS Lambda would give it: a memory limit equal to its
// configured memory size with swap turned off (exceeding it gets the
// function OOM-killed, as on Lambda), and a CPU quota proportional to that
// memory (1,769 MB = 1 vCPU, see [CPUsForMemory]). It also measures the
// group's memory, for the "Max Memory Used" of REPORT lines.
//
// The package works with both cgroup versions:
//
//   - cgroup v2 (unified hierarchy): one directory per group, controllers
//     enabled through cgroup.subtree_control. A process can be started
//     directly inside its group (clone3 with CLONE_INTO_CGROUP, which Go's
//     syscall.SysProcAttr exposes as UseCgroupFD/CgroupFD; see
//     [Group.OpenFD]).
//   - cgroup v1 ("legacy", or "hybrid" when a v2 hierarchy without these
//     controllers is mounted too): the memory and cpu controllers live in
//     separate hierarchies, and a process can only be moved into a group
//     after it started. The emulator therefore starts a small shim (the
//     lambench binary itself, told so by [JoinEnv]) that joins the groups
//     with [Join] and then executes the real program; [ExecShim] does all of
//     it.
//
// Groups are only ever created below lambench's own cgroup: [Detect] finds
// it, [NewParent] creates one parent group "lambench-OWNER" in it (in each
// hierarchy on v1), and [Parent.NewGroup] one child group per execution
// environment. [Parent.Remove] and [RemoveStale] (for parents of a crashed
// predecessor) take them down again.
//
// The emulator uses it like this:
//
//  1. At startup: layout, err := [Detect](); then [RemoveStale](layout,
//     ownerAlive) to clear what a crashed predecessor left; then
//     parent, err := [NewParent](layout, owner). On an error matching
//     [ErrUnsupported], log it once and run functions without limits.
//  2. Per execution environment: g, err := parent.NewGroup(envID,
//     [Limits]{MemoryBytes: mb << 20, CPUs: [CPUsForMemory](mb,
//     runtime.NumCPU())}). On [V2], start the bootstrap with
//     SysProcAttr.UseCgroupFD and the fd of [Group.OpenFD]. On [V1], start
//     the lambench binary instead, with the bootstrap's argv as its
//     arguments and [JoinEnv]=[EncodeJoin](g.ProcsFiles()) added to the
//     environment; its main calls [ExecShim] before anything else, which
//     joins the group and executes the bootstrap (same pid).
//  3. After each invocation: [Group.Memory] gives Max Memory Used (Peak)
//     and whether the function was OOM-killed (OOMKills went up).
//  4. When the environment ends: [Group.Remove] (it kills what is left).
//     At shutdown: parent.Remove().
//
// When cgroups cannot be used (another OS, not root, no memory or cpu
// controller, controllers not delegated on v2, a read-only cgroup file
// system) the functions return an error that matches [ErrUnsupported] with
// errors.Is and says why, so the emulator can report it once and run
// functions without limits.
package cgroup
