package emulator

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator/demo"
)

// slowInitFn is the hello demo behind an init of initSleep seconds. Each
// process records, while it initialises, how many inits are in progress
// (marker files in dir): one line per environment in dir/counts.
func slowInitFn(t *testing.T, name, dir, initSleep string) Function {
	t.Helper()
	script := `touch "$D/init.$$"; sleep ` + initSleep + `; ls "$D" | grep -c '^init\.' >> "$D/counts"; rm "$D/init.$$"; ` +
		`exec env ` + demo.EnvVar + `=hello "$BIN"`
	return Function{
		Name:        name,
		Command:     []string{"/bin/sh", "-c", script},
		Environment: map[string]string{"D": dir, "BIN": lambenchBin},
		Timeout:     30 * time.Second,
	}
}

// initCounts returns what each environment saw of concurrent inits.
func initCounts(t *testing.T, dir string) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "counts"))
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	for _, l := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(l)
		if err != nil {
			t.Fatalf("counts: %q", b)
		}
		counts = append(counts, n)
	}
	return counts
}

// invokeAll fires n concurrent invokes of function and returns their results.
func invokeAll(t *testing.T, url, function string, n int) []httpResult {
	t.Helper()
	results := make([]httpResult, n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := doInvoke(url, function, `{"name":"x"}`)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	return results
}

func TestMaxInitializingQueuesInits(t *testing.T) {
	dir := t.TempDir()
	srv, url := newTestServer(t, []Function{slowInitFn(t, "slow", dir, "0.5")}, WithMaxInitializing(1))

	const n = 6
	results := invokeAll(t, url, "slow", n)
	cold := 0
	for i, r := range results {
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "Hello") {
			t.Fatalf("invoke %d: %d %s %v", i, r.status, r.body, r.header)
		}
		if strings.Contains(r.log, "Init Duration") {
			cold++
		}
	}
	counts := initCounts(t, dir)
	for _, c := range counts {
		if c != 1 {
			t.Errorf("an environment initialised alongside %d others; want none (counts %v)", c-1, counts)
		}
	}
	// Every environment started was a cold start; every other invocation
	// was handed a warm environment and must say so.
	if cold != len(counts) {
		t.Errorf("%d REPORT lines with Init Duration for %d environments started", cold, len(counts))
	}
	if cold == n {
		t.Errorf("all %d invocations were cold: no waiter got a freed environment", n)
	}
	a := srv.Admission()
	if a.PeakInitializing != 1 || a.Initializing != 0 || a.Waiting != 0 {
		t.Errorf("admission after the burst: %+v", a)
	}
	if a.Waited == 0 {
		t.Errorf("no request waited: %+v", a)
	}
	st, _ := srv.Environments("slow")
	if st.Busy != 0 || st.Waiting != 0 || st.Live != len(counts) || st.Idle != len(counts) {
		t.Errorf("environments after the burst: %+v, %d started", st, len(counts))
	}
}

func TestMaxInitializingOffKeepsOldBehaviour(t *testing.T) {
	dir := t.TempDir()
	srv, url := newTestServer(t, []Function{slowInitFn(t, "slow", dir, "1")}, WithMaxInitializing(0))

	const n = 3
	for i, r := range invokeAll(t, url, "slow", n) {
		if r.status != http.StatusOK || !strings.Contains(r.log, "Init Duration") {
			t.Fatalf("invoke %d: want a cold start, got %d %s\n%s", i, r.status, r.body, r.log)
		}
	}
	counts := initCounts(t, dir)
	if len(counts) != n {
		t.Fatalf("%d environments started for %d concurrent invokes", len(counts), n)
	}
	peak := 0
	for _, c := range counts {
		peak = max(peak, c)
	}
	if peak < 2 {
		t.Errorf("inits never overlapped without a cap (counts %v)", counts)
	}
	if a := srv.Admission(); a.Waited != 0 || a.MaxInitializing != 0 || a.PeakInitializing != 0 {
		t.Errorf("admission without a cap: %+v", a)
	}
}

func TestMaxInitializingWaiterCancelled(t *testing.T) {
	dir := t.TempDir()
	srv, url := newTestServer(t, []Function{slowInitFn(t, "slow", dir, "3")}, WithMaxInitializing(1))

	first := make(chan httpResult, 1)
	go func() {
		r, err := doInvoke(url, "slow", `{}`)
		if err != nil {
			t.Error(err)
		}
		first <- r
	}()
	waitFor(t, "the first environment to initialise", 5*time.Second, func() bool { return srv.Admission().Initializing == 1 })

	// A library caller whose context ends while waiting.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := srv.Invoke(ctx, &InvokeInput{FunctionName: "slow"})
		done <- err
	}()
	waitFor(t, "the second invocation to wait", 5*time.Second, func() bool { return srv.Admission().Waiting == 1 })
	cancel()
	select {
	case err := <-done:
		var ae *APIError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &ae) || ae.Code != "ServiceException" {
			t.Errorf("cancelled waiter: %v", err)
		}
	case <-first:
		t.Fatal("the cancelled waiter did not return before the first init ended")
	}
	if a := srv.Admission(); a.Waiting != 0 {
		t.Errorf("the cancelled waiter is still queued: %+v", a)
	}
	if st, _ := srv.Environments("slow"); st.Busy != 1 || st.Waiting != 0 || st.Live != 1 {
		t.Errorf("environments after the cancelled wait: %+v", st)
	}

	// An HTTP client that gives up while waiting: its request's context ends.
	client := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest("POST", url+"/2015-03-31/functions/slow/invocations", strings.NewReader(`{}`))
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the HTTP invoke returned %d before the first init ended", resp.StatusCode)
	}
	waitFor(t, "the abandoned HTTP waiter to leave", 5*time.Second, func() bool { return srv.Admission().Waiting == 0 })

	if r := <-first; r.status != http.StatusOK {
		t.Fatalf("first invoke: %d %s", r.status, r.body)
	}
	st, _ := srv.Environments("slow")
	if st.Live != 1 || st.Busy != 0 || st.Idle != 1 {
		t.Errorf("environments at the end: %+v; want the one, idle", st)
	}
	if a := srv.Admission(); a.Initializing != 0 || a.Waiting != 0 || a.Waited != 2 {
		t.Errorf("admission at the end: %+v", a)
	}
	if n := len(initCounts(t, dir)); n != 1 {
		t.Errorf("%d environments started; the cancelled waiters must start none", n)
	}
}

func TestMaxInitializingWaiterAtClose(t *testing.T) {
	dir := t.TempDir()
	srv, url := newTestServer(t, []Function{slowInitFn(t, "slow", dir, "5")}, WithMaxInitializing(1))
	go doInvoke(url, "slow", `{}`)
	waitFor(t, "the first environment to initialise", 5*time.Second, func() bool { return srv.Admission().Initializing == 1 })
	done := make(chan error, 1)
	go func() {
		_, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "slow"})
		done <- err
	}()
	waitFor(t, "the second invocation to wait", 5*time.Second, func() bool { return srv.Admission().Waiting == 1 })
	srv.Close()
	if err := <-done; err == nil || !strings.Contains(err.Error(), errShuttingDown.Error()) {
		t.Errorf("waiter at Close: %v", err)
	}
	if a := srv.Admission(); a.Initializing != 0 || a.Waiting != 0 {
		t.Errorf("admission after Close: %+v", a)
	}
}

// A waiter is handed an environment of its function as soon as one is
// released, rather than waiting for an init slot.
func TestMaxInitializingHandsOverWarm(t *testing.T) {
	dir := t.TempDir()
	srv, url := newTestServer(t, []Function{slowInitFn(t, "blocker", dir, "5"), demoFn("fast", "sleep")}, WithMaxInitializing(1))
	if r := invokeHTTP(t, url, "fast", `{"ms":0}`); r.status != http.StatusOK {
		t.Fatalf("warm-up: %d %s", r.status, r.body)
	}
	async := func(function, payload string) <-chan httpResult {
		c := make(chan httpResult, 1)
		go func() {
			r, err := doInvoke(url, function, payload)
			if err != nil {
				t.Error(err)
			}
			c <- r
		}()
		return c
	}
	blocker := async("blocker", `{}`)
	waitFor(t, "the blocker to hold the init slot", 5*time.Second, func() bool { return srv.Admission().Initializing == 1 })
	first := async("fast", `{"ms":300}`)
	waitFor(t, "the warm environment to be busy", 5*time.Second, func() bool { st, _ := srv.Environments("fast"); return st.Busy == 1 })
	second := async("fast", `{"ms":0}`)
	waitFor(t, "the second invocation to wait", 5*time.Second, func() bool { st, _ := srv.Environments("fast"); return st.Waiting == 1 })
	for _, c := range []<-chan httpResult{first, second} {
		select {
		case r := <-c:
			if r.status != http.StatusOK || strings.Contains(r.log, "Init Duration") {
				t.Errorf("want a warm invocation, got %d %s\n%s", r.status, r.body, r.log)
			}
		case <-blocker:
			t.Fatal("the waiter got no environment before the init slot freed")
		}
	}
	if st, _ := srv.Environments("fast"); st.Live != 1 {
		t.Errorf("fast: %+v; want its one environment", st)
	}
	<-blocker
}
