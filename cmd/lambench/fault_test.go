package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
)

// faultConfig serves a slow function and one that throttles everything.
const faultConfig = `[[functions]]
name = "slow"
code = "builtin:sleep"
timeout = 60

[[functions]]
name = "off"
code = "builtin:echo"
reserved_concurrency = 0
`

// onFailureRecords reads the on-failure destination: request id -> condition.
func onFailureRecords(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec struct {
			RequestContext struct{ RequestID, Condition string } `json:"requestContext"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("on-failure line %q: %v", sc.Text(), err)
		}
		out[rec.RequestContext.RequestID] = rec.RequestContext.Condition
	}
	return out
}

// loadServe puts a running serve under load: synchronous invocations in
// flight, asynchronous events running and events waiting in the queue. It
// returns the accepted events' request ids and a function that waits for
// the synchronous callers to be answered.
func loadServe(t *testing.T, sp *servedProcess) (events []string, wait func() []int) {
	t.Helper()
	post := func(fn, payload string, event bool) (*http.Response, error) {
		req, _ := http.NewRequest("POST", sp.endpoint+"/2015-03-31/functions/"+fn+"/invocations", strings.NewReader(payload))
		if event {
			req.Header.Set("X-Amz-Invocation-Type", "Event")
		}
		return http.DefaultClient.Do(req)
	}
	var mu sync.Mutex
	var statuses []int
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := post("slow", `{"ms":30000}`, false)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses = append(statuses, 0)
				return
			}
			resp.Body.Close()
			statuses = append(statuses, resp.StatusCode)
		}()
	}
	for i := range 6 {
		fn, payload := "slow", `{"ms":30000}`
		if i%2 == 1 {
			fn, payload = "off", `{}`
		}
		resp, err := post(fn, payload, true)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("event: %d", resp.StatusCode)
		}
		events = append(events, resp.Header.Get("X-Amzn-Requestid"))
	}
	// Three synchronous and three asynchronous invocations of slow run.
	waitUntil(t, "the invocations to run", 30*time.Second, func() bool {
		return len(emulator.ProcessesOwnedBy(sp.owner)) == 6
	})
	return events, func() []int {
		wg.Wait()
		return statuses
	}
}

// TestFaultServeStoppedDuringLoad: `lambench serve` stopped with SIGTERM
// (as invoke/local and service managers stop it) and with SIGINT (Ctrl-C)
// while synchronous and asynchronous invocations run and events wait. It
// exits cleanly, answers the callers in flight, leaves no function
// process, and records every accepted event it did not process in the
// on-failure destination (condition Shutdown) or, with --state-dir, keeps
// them queued on disk for the next start.
func TestFaultServeStoppedDuringLoad(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "lambench.toml"), []byte(faultConfig), 0o644)
			onFailure := filepath.Join(dir, "on-failure.jsonl")
			sp := startServe(t, dir, "--on-failure", onFailure)
			events, wait := loadServe(t, sp)
			if err := sp.stop(t, sig); err != nil {
				t.Errorf("serve exited with %v after %v\n%s", err, sig, sp.stderr)
			}
			if left := emulator.ProcessesOwnedBy(sp.owner); len(left) > 0 {
				t.Errorf("processes left: %v", left)
			}
			if st := wait(); len(st) != 3 || slices.Contains(st, 0) {
				t.Errorf("the callers in flight got %v, want an answer each", st)
			}
			recs := onFailureRecords(t, onFailure)
			for _, id := range events {
				if recs[id] != "Shutdown" {
					t.Errorf("event %s: recorded %q, want Shutdown (records %v)", id, recs[id], recs)
				}
			}
		})
	}

	t.Run("state-dir", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "lambench.toml"), []byte(faultConfig), 0o644)
		state := filepath.Join(dir, "state")
		sp := startServe(t, dir, "--state-dir", state)
		events, wait := loadServe(t, sp)
		if err := sp.stop(t, syscall.SIGTERM); err != nil {
			t.Errorf("serve exited with %v\n%s", err, sp.stderr)
		}
		wait()
		if left := emulator.ProcessesOwnedBy(sp.owner); len(left) > 0 {
			t.Errorf("processes left: %v", left)
		}
		files, _ := filepath.Glob(filepath.Join(state, "async", "*.json"))
		for _, id := range events {
			if !slices.ContainsFunc(files, func(f string) bool { return strings.Contains(f, id) }) {
				t.Errorf("event %s is not kept on disk: %v", id, files)
			}
		}
	})
}

// TestFaultServeForcedStop: SIGTERM, then SIGINT while it stops (a second
// Ctrl-C: "do not wait"). Without a state directory the unprocessed
// asynchronous events live only in memory: it still records them (the
// queue's drain is bounded) before exiting, and leaves no function
// process. A third signal drops them, and says so. (With a state
// directory the events are on disk and nothing waits for a drain:
// TestFaultServeStoppedDuringLoad/state-dir.)
func TestFaultServeForcedStop(t *testing.T) {
	start := func(t *testing.T, args ...string) (*servedProcess, []string, func() []int) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "lambench.toml"), []byte(faultConfig), 0o644)
		sp := startServe(t, dir, args...)
		events, wait := loadServe(t, sp)
		sp.cmd.Process.Signal(syscall.SIGTERM)
		// Stopping: the asynchronous queue drains (it cannot: the events
		// sleep 30 s or are throttled).
		time.Sleep(500 * time.Millisecond)
		return sp, events, wait
	}
	t.Run("second signal", func(t *testing.T) {
		onFailure := filepath.Join(t.TempDir(), "on-failure.jsonl")
		sp, events, wait := start(t, "--on-failure", onFailure)
		sp.stop(t, os.Interrupt)
		if !strings.Contains(sp.stderr.String(), "stopping: recording 6 unprocessed asynchronous events in "+onFailure) {
			t.Errorf("stderr:\n%s", sp.stderr)
		}
		if left := emulator.ProcessesOwnedBy(sp.owner); len(left) > 0 {
			t.Errorf("processes left: %v", left)
		}
		wait()
		recs := onFailureRecords(t, onFailure)
		for _, id := range events {
			if recs[id] != "Shutdown" {
				t.Errorf("event %s: recorded %q, want Shutdown (records %v)", id, recs[id], recs)
			}
		}
	})
	t.Run("third signal", func(t *testing.T) {
		onFailure := filepath.Join(t.TempDir(), "on-failure.jsonl")
		sp, _, wait := start(t, "--on-failure", onFailure)
		sp.cmd.Process.Signal(os.Interrupt)
		waitUntil(t, "the recording notice", 10*time.Second, func() bool { return strings.Contains(sp.stderr.String(), "stopping: recording") })
		err := sp.stop(t, os.Interrupt)
		if code := processExitCode(err); code != 130 || !strings.Contains(sp.stderr.String(), "6 asynchronous events were dropped, not recorded in "+onFailure) {
			t.Errorf("exit %d:\n%s", code, sp.stderr)
		}
		waitUntil(t, "function processes to die with serve", 10*time.Second, func() bool { return len(emulator.ProcessesOwnedBy(sp.owner)) == 0 })
		wait()
	})
}

// processExitCode is a process's exit code from its Wait error.
func processExitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
