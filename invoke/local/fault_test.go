package local

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
)

// openFDs counts the open file descriptors of process pid.
func openFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors: %v", err)
	}
	return len(ents)
}

// procStatusKB reads a "Name: N kB" field of /proc/PID/status.
func procStatusKB(pid int, field string) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// TestFaultThousandConcurrentConnections: 1,000 callers, each on its own
// connection, invoke a real `lambench serve` at the same moment, beyond
// its account concurrency. It stays up; every request is answered, with
// the function's result or a 429 that says why (Reason); no more
// environments run than the limit; and once the callers are gone and the
// environments idle out, it holds no more file descriptors than before.
func TestFaultThousandConcurrentConnections(t *testing.T) {
	const callers, limit = 1000, 20
	s, err := Start(context.Background(), Options{Executable: lambenchBin, Dir: t.TempDir(),
		Args: []string{"--concurrency", strconv.Itoa(limit), "--idle-timeout", "1s"}})
	if err != nil {
		t.Fatal(err)
	}
	pid := s.cmd.Process.Pid
	owner, err := emulator.OwnerID(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.Close()
		if left := emulator.ProcessesOwnedBy(owner); len(left) > 0 {
			t.Errorf("left after Close: %v", left)
		}
	}()
	fdsBefore := openFDs(t, pid)

	// Watch the number of function processes while the load runs.
	var peakProcs atomic.Int64
	stopWatch := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			if n := int64(len(emulator.ProcessesOwnedBy(owner))); n > peakProcs.Load() {
				peakProcs.Store(n)
			}
			select {
			case <-stopWatch:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()

	type result struct {
		status int
		reason string
		body   string
		err    error
	}
	results := make([]result, callers)
	transports := make([]*http.Transport, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		transports[i] = &http.Transport{}
		client := &http.Client{Transport: transports[i], Timeout: 2 * time.Minute}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := client.Post(s.Endpoint+"/2015-03-31/functions/sleep/invocations", "application/json", strings.NewReader(`{"ms":300}`))
			if err != nil {
				results[i].err = err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			results[i].status, results[i].body = resp.StatusCode, string(b)
			if resp.StatusCode == http.StatusTooManyRequests {
				var v struct{ Reason string }
				json.Unmarshal(b, &v)
				results[i].reason = v.Reason
			}
		}()
	}
	close(start)
	wg.Wait()
	close(stopWatch)
	<-watched

	ok, throttled := 0, 0
	for i, r := range results {
		switch {
		case r.err != nil:
			t.Errorf("caller %d: no answer: %v", i, r.err)
		case r.status == 200 && r.body == `{"slept_ms":300}`:
			ok++
		case r.status == 429 && r.reason == emulator.ReasonConcurrentInvocationLimitExceeded:
			throttled++
		default:
			t.Errorf("caller %d: %d %s", i, r.status, r.body)
		}
		if t.Failed() && i > 20 {
			break
		}
	}
	t.Logf("%d succeeded, %d throttled; at most %d function processes", ok, throttled, peakProcs.Load())
	if ok == 0 || ok+throttled != callers {
		t.Errorf("%d succeeded and %d throttled of %d", ok, throttled, callers)
	}
	if p := peakProcs.Load(); p > limit {
		t.Errorf("%d function processes at once, beyond the limit of %d", p, limit)
	}
	// Bounded: a thousand callers cost the server megabytes, not gigabytes.
	if hwm := procStatusKB(pid, "VmHWM"); hwm > 1<<20 {
		t.Errorf("the local Lambda's peak resident memory reached %d MB", hwm>>10)
	}

	// Still up, and answering.
	resp, err := http.Post(s.Endpoint+"/2015-03-31/functions/hello/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("after the load: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after the load: %d", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()
	for _, tr := range transports {
		tr.CloseIdleConnections()
	}
	deadline := time.Now().Add(30 * time.Second)
	for openFDs(t, pid) > fdsBefore && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := openFDs(t, pid); n > fdsBefore {
		ents, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
		var targets []string
		for _, e := range ents {
			l, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + e.Name())
			targets = append(targets, e.Name()+"->"+l)
		}
		t.Errorf("%d file descriptors open after the load, %d before: %v", n, fdsBefore, targets)
	}
}
