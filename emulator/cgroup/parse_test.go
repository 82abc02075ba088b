package cgroup

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// Fixtures of /proc/self/mountinfo and /proc/self/cgroup.
const (
	// The machine lambench was developed on: cgroup v1 with separate cpu
	// and cpuacct hierarchies, and an unused cgroup2 mount (hybrid).
	hybridMountinfo = `21 26 0:20 / /proc rw,relatime - proc proc rw
22 26 0:21 / /sys rw,relatime - sysfs sysfs rw
26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`
	hybridCgroup = `9:name=systemd:/
8:pids:/
4:memory:/process_api/08912f8f25bfeb0965207c2483440f46
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`

	// systemd's legacy layout: cpu and cpuacct co-mounted, optional
	// fields (shared:N) before the separator.
	v1Mountinfo = `25 30 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
30 25 0:27 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd
34 25 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
36 25 0:33 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory
`
	v1Cgroup = `12:memory:/user.slice/user-1000.slice/session-2.scope
4:cpu,cpuacct:/user.slice
1:name=systemd:/user.slice/user-1000.slice/session-2.scope
`

	// A pure cgroup v2 host.
	v2Mountinfo = `24 31 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`
	v2Cgroup = "0::/system.slice/lambench.service\n"

	// A container without a cgroup namespace on a v2 host: the mount is a
	// subtree (root /docker/abc) and our path is below it.
	v2SubtreeMountinfo = `600 580 0:30 /docker/abc /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup ro
`
	v2SubtreeCgroup = "0::/docker/abc/init\n"

	// The same on a v1 host, with a mount point holding a space.
	v1SubtreeMountinfo = `700 690 0:31 /docker/abc /sys/fs/cgroup/my\040memory rw,nosuid - cgroup cgroup rw,memory
701 690 0:32 /docker/abc /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu,cpuacct
`
	v1SubtreeCgroup = `5:memory:/docker/abc
3:cpu,cpuacct:/docker/abc/worker
`
)

func TestParseLayout(t *testing.T) {
	tests := []struct {
		name              string
		mountinfo, cgroup string
		version           Version
		memory, cpu       string
	}{
		{"hybrid", hybridMountinfo, hybridCgroup, V1,
			"/sys/fs/cgroup/memory/process_api/08912f8f25bfeb0965207c2483440f46", "/sys/fs/cgroup/cpu"},
		{"v1", v1Mountinfo, v1Cgroup, V1,
			"/sys/fs/cgroup/memory/user.slice/user-1000.slice/session-2.scope", "/sys/fs/cgroup/cpu,cpuacct/user.slice"},
		{"v2", v2Mountinfo, v2Cgroup, V2,
			"/sys/fs/cgroup/system.slice/lambench.service", "/sys/fs/cgroup/system.slice/lambench.service"},
		{"v2 root", v2Mountinfo, "0::/\n", V2, "/sys/fs/cgroup", "/sys/fs/cgroup"},
		{"v2 mount of a subtree", v2SubtreeMountinfo, v2SubtreeCgroup, V2, "/sys/fs/cgroup/init", "/sys/fs/cgroup/init"},
		{"v1 mount of a subtree", v1SubtreeMountinfo, v1SubtreeCgroup, V1, "/sys/fs/cgroup/my memory", "/sys/fs/cgroup/cpu/worker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLayout(tt.mountinfo, tt.cgroup)
			if err != nil {
				t.Fatal(err)
			}
			want := Layout{Version: tt.version, Memory: tt.memory, CPU: tt.cpu}
			if l != want {
				t.Errorf("got %+v, want %+v", l, want)
			}
		})
	}
}

func TestParseLayoutUnsupported(t *testing.T) {
	tests := []struct {
		name              string
		mountinfo, cgroup string
		wantIn            string // in the error message
	}{
		{"no cgroup mounts", "26 1 254:0 / / rw - ext4 /dev/vda rw\n", "0::/\n", "no mounted cgroup2"},
		{"mixed", `31 30 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
`, "4:memory:/\n0::/\n", "mixed"},
		{"v1 without a cgroup line", v1Mountinfo, "1:name=systemd:/\n", "no memory line"},
		{"outside the mounted subtree", v2SubtreeMountinfo, "0::/docker/other\n", "no mounted cgroup2"},
		{"outside the cgroup namespace", v2Mountinfo, "0::/../../user.slice\n", "no mounted cgroup2"},
		{"no v2 line", v2Mountinfo, "1:name=systemd:/\n", "no cgroup v2 path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLayout(tt.mountinfo, tt.cgroup)
			if err == nil {
				t.Fatalf("got %+v, want an error", l)
			}
			if !errors.Is(err, ErrUnsupported) || !errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("error %q does not match ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not say %q", err, tt.wantIn)
			}
		})
	}
}

func TestParseLayoutMalformed(t *testing.T) {
	if _, err := ParseLayout("1 2 3\n", "0::/\n"); err == nil {
		t.Error("malformed mountinfo accepted")
	}
	if _, err := ParseLayout(v2Mountinfo, "garbage\n"); err == nil {
		t.Error("malformed /proc/self/cgroup accepted")
	}
}

func TestUnescapeMount(t *testing.T) {
	for in, want := range map[string]string{
		`/a\040b`:     "/a b",
		`/tab\011x`:   "/tab\tx",
		`/back\134`:   `/back\`,
		`/short\04`:   `/short\04`,
		`/plain`:      "/plain",
		`/bad\999end`: `/bad\999end`,
	} {
		if got := unescapeMount(in); got != want {
			t.Errorf("unescapeMount(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJoinEncoding(t *testing.T) {
	files := []string{"/sys/fs/cgroup/memory/a b/lambench-1.2/env:1/cgroup.procs", "/sys/fs/cgroup/cpu/x/cgroup.procs"}
	got, err := DecodeJoin(EncodeJoin(files))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(files, "\n") {
		t.Errorf("round trip: got %q, want %q", got, files)
	}
	for _, bad := range []string{
		"", "[]", "null", `["relative/cgroup.procs"]`, `["/etc/passwd"]`,
		`["/sys/fs/cgroup/../../etc/cgroup.procs"]`, `["/sys/fs/cgroup/x/cgroup.procs", "/tmp/tasks"]`, "/sys/fs/cgroup/x/cgroup.procs",
	} {
		if files, err := DecodeJoin(bad); err == nil {
			t.Errorf("DecodeJoin(%q) = %q, want an error", bad, files)
		}
	}
}

func TestCPUsForMemory(t *testing.T) {
	tests := []struct {
		mb, cores int
		want      float64
	}{
		{1769, 2, 1},
		{128, 2, 128.0 / 1769},
		{3538, 4, 2},
		{10240, 2, 2},
		{10240, 0, 10240.0 / 1769},
		{0, 2, 0},
	}
	for _, tt := range tests {
		if got := CPUsForMemory(tt.mb, tt.cores); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("CPUsForMemory(%d, %d) = %v, want %v", tt.mb, tt.cores, got, tt.want)
		}
	}
	for cpus, want := range map[float64]int64{1: 100000, 0.1: 10000, 128.0 / 1769: 7236, 0.001: 1000, 2: 200000} {
		if got := quotaUS(cpus); got != want {
			t.Errorf("quotaUS(%v) = %d, want %d", cpus, got, want)
		}
	}
}

func TestMemoryStatsFormula(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name                                  string
		peakRaw, usage, cache, anon, oomKills uint64
		want                                  MemoryStats
	}{
		{"cache excluded", 100 * mb, 90 * mb, 64 * mb, 20 * mb, 0,
			MemoryStats{Peak: 36 * mb, Current: 26 * mb, Cache: 64 * mb, PeakRaw: 100 * mb}},
		{"floored at anon when the cache grew after the peak", 64 * mb, 64 * mb, 60 * mb, 10 * mb, 0,
			MemoryStats{Peak: 10 * mb, Current: 10 * mb, Cache: 60 * mb, PeakRaw: 64 * mb}},
		{"exited: no anon left", 64 * mb, mb, 0, 0, 3,
			MemoryStats{Peak: 64 * mb, Current: mb, PeakRaw: 64 * mb, OOMKills: 3}},
	}
	for _, tt := range tests {
		if got := memoryStats(tt.peakRaw, tt.usage, tt.cache, tt.anon, tt.oomKills); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
