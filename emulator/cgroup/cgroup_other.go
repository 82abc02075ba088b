//go:build !linux

package cgroup

import (
	"os"
	"runtime"
)

// notLinux is the error of everything on other systems.
func notLinux() error {
	return unsupported(nil, "cgroups exist only on Linux, not on %s", runtime.GOOS)
}

// Detect fails: cgroups exist only on Linux.
func Detect() (Layout, error) { return Layout{}, notLinux() }

// NewParent fails: cgroups exist only on Linux.
func NewParent(l Layout, owner string) (*Parent, error) { return nil, notLinux() }

// NewGroup fails: cgroups exist only on Linux.
func (p *Parent) NewGroup(name string, lim Limits) (*Group, error) { return nil, notLinux() }

// Remove fails: cgroups exist only on Linux.
func (p *Parent) Remove() error { return notLinux() }

// OpenFD fails: cgroups exist only on Linux.
func (g *Group) OpenFD() (*os.File, error) { return nil, notLinux() }

// Memory fails: cgroups exist only on Linux.
func (g *Group) Memory() (MemoryStats, error) { return MemoryStats{}, notLinux() }

// Kill fails: cgroups exist only on Linux.
func (g *Group) Kill() error { return notLinux() }

// Remove fails: cgroups exist only on Linux.
func (g *Group) Remove() error { return notLinux() }

// RemoveStale fails: cgroups exist only on Linux.
func RemoveStale(l Layout, alive func(owner string) bool) ([]string, error) { return nil, notLinux() }

// Join fails: cgroups exist only on Linux.
func Join(files []string) error { return notLinux() }

// ExecShim fails: cgroups exist only on Linux.
func ExecShim(argv []string) error { return notLinux() }

// Meter is unavailable: cgroups exist only on Linux.
type Meter struct{}

// Meter fails: cgroups exist only on Linux.
func (g *Group) Meter() (*Meter, error) { return nil, notLinux() }

// PeakRaw fails: cgroups exist only on Linux.
func (m *Meter) PeakRaw() (uint64, error) { return 0, notLinux() }

// Peak fails: cgroups exist only on Linux.
func (m *Meter) Peak() (uint64, error) { return 0, notLinux() }

// Close does nothing.
func (m *Meter) Close() {}

// NotifyFDEnv names the variable of the shim's start notification.
const NotifyFDEnv = "_LAMBENCH_CGROUP_NOTIFY_FD"

// Notify does nothing: there is no shim outside Linux.
func Notify() {}

// SetCPU fails: cgroups exist only on Linux.
func (g *Group) SetCPU(cpus float64) error { return notLinux() }

// CPU fails: cgroups exist only on Linux.
func (g *Group) CPU() (float64, error) { return 0, notLinux() }

// AddProcess fails: cgroups exist only on Linux.
func (g *Group) AddProcess(pid int) error { return notLinux() }
