//go:build linux

package emulator

import (
	"math"
	"strings"
	"testing"
	"time"
)

func requireCgroups(t *testing.T, srv *Server) {
	t.Helper()
	if srv.cgroups.parent == nil {
		t.Fatalf("this test needs cgroups (root, cgroup v1 or a delegated v2): %s", srv.cgroups.reason)
	}
}

// TestMemoryLimitKillsLikeLambda is issue 3's acceptance scenario: 300 MB
// asked of a 128 MB function.
func TestMemoryLimitKillsLikeLambda(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("alloc", "alloc", withTimeout(30*time.Second))})
	requireCgroups(t, srv)
	r := invokeHTTP(t, url, "alloc", `{"mb":300}`)
	id := r.header.Get("X-Amzn-Requestid")
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + id + ` Error: Runtime exited with error: signal: killed"}`
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" || string(r.body) != want {
		t.Errorf("got %q %s\nwant %s", r.header.Get("X-Amz-Function-Error"), r.body, want)
	}
	ls := lines(r.log)
	m := reportRE.FindStringSubmatch(ls[len(ls)-1])
	if m == nil || m[9] != "error" || m[11] != "Runtime.OutOfMemory" || m[5] != "128" {
		t.Errorf("REPORT %q: want Max Memory Used: 128 MB, Status: error, Error Type: Runtime.OutOfMemory", ls[len(ls)-1])
	}
	r = invokeHTTP(t, url, "alloc", `{"mb":10}`)
	if r.status != 200 || r.header.Get("X-Amz-Function-Error") != "" || !strings.Contains(r.log, "Init Duration") {
		t.Errorf("after the OOM: %d %s, want a cold start that works:\n%s", r.status, r.body, r.log)
	}
	if m := reportRE.FindStringSubmatch(lines(r.log)[len(lines(r.log))-1]); m == nil || atoi(t, m[5]) < 10 || atoi(t, m[5]) > 60 {
		t.Errorf("a 10 MB allocation reported %v MB", m)
	}
}

// TestCPUFollowsMemory: after init, an environment gets MemorySize/1769
// of a CPU (capped at the machine's), and none during init.
func TestCPUFollowsMemory(t *testing.T) {
	srv, url := newTestServer(t, []Function{
		demoFn("small", "hello", func(f *Function) { f.MemoryMB = 128 }),
		demoFn("large", "hello", func(f *Function) { f.MemoryMB = 3538 }),
	})
	requireCgroups(t, srv)
	for name, want := range map[string]float64{"small": 128.0 / 1769, "large": 2} {
		invokeHTTP(t, url, name, `{}`)
		fn := srv.function(name)
		srv.sched.mu.Lock()
		env := fn.idle[0]
		srv.sched.mu.Unlock()
		got, err := env.group.CPU()
		if err != nil || math.Abs(got-min(want, float64(numCPU()))) > 0.01 {
			t.Errorf("%s: CPU quota %.4f (%v), want %.4f", name, got, err, want)
		}
	}

}
