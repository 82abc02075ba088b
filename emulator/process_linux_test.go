//go:build linux

package emulator

import (
	"bytes"
	"os"
	"strconv"
	"testing"
)

func TestParseVmHWM(t *testing.T) {
	for in, want := range map[string]int64{
		"Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n": 1234 << 10,
		"VmHWM:\t0 kB\n":                       0,
		"VmHWM: 7 kB":                          7 << 10,
		"VmRSS:\t5 kB\n":                       0, // no VmHWM (a kernel thread, a zombie)
		"VmHWM:\t kB\n":                        0,
		"VmHWM:\t12 MB\n":                      0, // not the unit the kernel writes
		"VmHWM:\t99999999999999999999999 kB\n": 0,
	} {
		if got := parseVmHWM([]byte(in)); got != want {
			t.Errorf("parseVmHWM(%q) = %d, want %d", in, got, want)
		}
	}
	// The live process's own figure, as the kernel prints it.
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	line := b[bytes.Index(b, []byte("VmHWM:")):]
	line = line[:bytes.IndexByte(line, '\n')]
	f := bytes.Fields(line)
	kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
	if got := parseVmHWM(b); got != kb<<10 || got == 0 {
		t.Errorf("parseVmHWM(/proc/self/status) = %d, want %d (%s)", got, kb<<10, line)
	}
}

func BenchmarkPeakRSS(b *testing.B) {
	p, err := openProcStatus(os.Getpid())
	if err != nil {
		b.Skip(err)
	}
	defer p.close()
	b.ReportAllocs()
	for b.Loop() {
		if p.peakRSS() == 0 {
			b.Fatal("no VmHWM")
		}
	}
}
