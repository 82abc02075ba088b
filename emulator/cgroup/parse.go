package cgroup

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// mount is one cgroup file system mount from /proc/self/mountinfo.
type mount struct {
	root   string   // field 4: the directory of the hierarchy mounted
	point  string   // field 5: where it is mounted
	fstype string   // "cgroup" or "cgroup2"
	opts   []string // super options: the controllers of a v1 hierarchy
}

// parseMountinfo returns the cgroup and cgroup2 mounts of a
// /proc/PID/mountinfo text, in order.
func parseMountinfo(text string) ([]mount, error) {
	var mounts []mount
	for n, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		// id parent major:minor root mountpoint options [optional...] - fstype source superoptions
		sep := slices.Index(f, "-")
		if sep < 6 || len(f) < sep+3 {
			return nil, fmt.Errorf("cgroup: mountinfo line %d: malformed: %q", n+1, line)
		}
		fstype := f[sep+1]
		if fstype != "cgroup" && fstype != "cgroup2" {
			continue
		}
		m := mount{root: unescapeMount(f[3]), point: unescapeMount(f[4]), fstype: fstype}
		if len(f) > sep+3 {
			m.opts = strings.Split(f[sep+3], ",")
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space, \011,
// \012, \134).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// procCgroups is the content of /proc/PID/cgroup.
type procCgroups struct {
	v1      map[string]string // v1 controller (or name=X) -> cgroup path
	v2      string            // path in the unified hierarchy
	v2Found bool
}

// parseProcCgroup parses /proc/PID/cgroup: lines "ID:CONTROLLERS:PATH",
// where ID 0 with no controllers is the unified hierarchy.
func parseProcCgroup(text string) (procCgroups, error) {
	pc := procCgroups{v1: map[string]string{}}
	for n, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 || !strings.HasPrefix(f[2], "/") {
			return pc, fmt.Errorf("cgroup: /proc/self/cgroup line %d: malformed: %q", n+1, line)
		}
		if f[0] == "0" && f[1] == "" {
			pc.v2, pc.v2Found = f[2], true
			continue
		}
		for _, c := range strings.Split(f[1], ",") {
			if c != "" {
				pc.v1[c] = f[2]
			}
		}
	}
	return pc, nil
}

// ParseLayout finds the current process's cgroup directories from the
// texts of /proc/self/mountinfo and /proc/self/cgroup. When both the
// memory and the cpu controller have a v1 hierarchy, the layout is V1
// (even if a cgroup2 file system is mounted as well, the hybrid layout);
// when neither has, it is V2 if a cgroup2 file system is mounted (whether
// the controllers are available there is checked by [NewParent]). The
// directory of a cgroup PATH in a mount is the mount point joined with
// PATH relative to the mount's root (field 4 of mountinfo), so that
// mounts of a subtree, as in containers, work too.
//
// The error matches [ErrUnsupported] when no usable layout is found.
func ParseLayout(mountinfo, procCgroup string) (Layout, error) {
	mounts, err := parseMountinfo(mountinfo)
	if err != nil {
		return Layout{}, err
	}
	pc, err := parseProcCgroup(procCgroup)
	if err != nil {
		return Layout{}, err
	}
	hasV1 := func(ctrl string) bool {
		for _, m := range mounts {
			if m.fstype == "cgroup" && slices.Contains(m.opts, ctrl) {
				return true
			}
		}
		return false
	}
	memV1, cpuV1 := hasV1("memory"), hasV1("cpu")
	switch {
	case memV1 && cpuV1:
		mem, err := v1Dir(mounts, pc, "memory")
		if err != nil {
			return Layout{}, err
		}
		cpu, err := v1Dir(mounts, pc, "cpu")
		if err != nil {
			return Layout{}, err
		}
		return Layout{Version: V1, Memory: mem, CPU: cpu}, nil
	case memV1 || cpuV1:
		on, off := "memory", "cpu"
		if cpuV1 {
			on, off = off, on
		}
		return Layout{}, unsupported(nil, "the %s controller is on a cgroup v1 hierarchy but the %s controller is not: mixed layouts are not supported", on, off)
	}
	if !pc.v2Found {
		return Layout{}, unsupported(nil, "no cgroup v1 hierarchy with the memory and cpu controllers, and this process has no cgroup v2 path in /proc/self/cgroup")
	}
	for _, m := range mounts {
		if m.fstype != "cgroup2" {
			continue
		}
		if dir, ok := dirIn(m, pc.v2); ok {
			return Layout{Version: V2, Memory: dir, CPU: dir}, nil
		}
	}
	return Layout{}, unsupported(nil, "no cgroup v1 hierarchy with the memory and cpu controllers, and no mounted cgroup2 file system contains this process's cgroup %q", pc.v2)
}

// v1Dir returns our directory in the v1 hierarchy holding ctrl.
func v1Dir(mounts []mount, pc procCgroups, ctrl string) (string, error) {
	p, ok := pc.v1[ctrl]
	if !ok {
		return "", unsupported(nil, "a cgroup v1 %s hierarchy is mounted but /proc/self/cgroup has no %s line", ctrl, ctrl)
	}
	for _, m := range mounts {
		if m.fstype != "cgroup" || !slices.Contains(m.opts, ctrl) {
			continue
		}
		if dir, ok := dirIn(m, p); ok {
			return dir, nil
		}
	}
	return "", unsupported(nil, "no mount of the cgroup v1 %s hierarchy contains this process's cgroup %q", ctrl, p)
}

// dirIn returns the directory of cgroup path p in mount m, if m holds it.
func dirIn(m mount, p string) (string, bool) {
	if p == "/.." || strings.HasPrefix(p, "/../") {
		return "", false // outside our cgroup namespace
	}
	root := path.Clean(m.root)
	p = path.Clean(p)
	var rel string
	switch {
	case root == "/":
		rel = p
	case p == root:
		rel = "/"
	case strings.HasPrefix(p, root+"/"):
		rel = p[len(root):]
	default:
		return "", false
	}
	return path.Join(m.point, rel), true
}
