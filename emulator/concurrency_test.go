package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReservedConcurrencyThrottles is the acceptance scenario: 64 clients
// hammer a function reserved to 8 concurrent executions.
func TestReservedConcurrencyThrottles(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("sleep", "sleep", withReserved(8)), demoFn("hello", "hello")})

	var maxLive, maxProcs atomic.Int64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			st, _ := srv.Environments("sleep")
			if n := int64(st.Live); n > maxLive.Load() {
				maxLive.Store(n)
			}
			if n := int64(len(srv.OwnedProcesses())); n > maxProcs.Load() {
				maxProcs.Store(n)
			}
		}
	}()

	const clients, perClient = 64, 5
	var ok, throttled, other atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perClient {
				r, err := doInvoke(url, "sleep", `{"ms":100}`)
				switch {
				case err != nil:
					t.Error(err)
					other.Add(1)
				case r.status == 200 && string(r.body) == `{"slept_ms":100}`:
					ok.Add(1)
				case r.status == 429 && r.header.Get("X-Amzn-Errortype") == "TooManyRequestsException":
					var body map[string]string
					json.Unmarshal(r.body, &body)
					if body["Reason"] != ReasonReservedFunctionConcurrentInvocationLimit || r.header.Get("Retry-After") == "" {
						t.Errorf("throttle body %s, Retry-After %q", r.body, r.header.Get("Retry-After"))
					}
					throttled.Add(1)
				default:
					t.Errorf("unexpected answer %d %s", r.status, r.body)
					other.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	sampler.Wait()

	t.Logf("%d ok, %d throttled, %d other; at most %d environments, %d processes", ok.Load(), throttled.Load(), other.Load(), maxLive.Load(), maxProcs.Load())
	if ok.Load()+throttled.Load() != clients*perClient || other.Load() != 0 {
		t.Errorf("every request must either succeed or be throttled")
	}
	if ok.Load() < 8 || throttled.Load() == 0 {
		t.Errorf("want both successes and throttles")
	}
	if maxLive.Load() > 8 || maxProcs.Load() > 8 {
		t.Errorf("reserved concurrency 8 allowed %d environments, %d processes", maxLive.Load(), maxProcs.Load())
	}
	// The server is still up.
	if r := invokeHTTP(t, url, "hello", `{}`); r.status != 200 {
		t.Errorf("server unusable after the burst: %d %s", r.status, r.body)
	}
}

func TestAccountConcurrencyLimit(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("a", "sleep"), demoFn("b", "sleep"), demoFn("c", "echo")},
		WithAccountConcurrency(2))
	ctx := context.Background()
	invoke := func(name, payload string) (*InvokeOutput, error) {
		return srv.Invoke(ctx, &InvokeInput{FunctionName: name, Payload: []byte(payload)})
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := invoke("a", `{"ms":500}`); err != nil {
				t.Error(err)
			}
		}()
	}
	waitFor(t, "two busy environments", 5*time.Second, func() bool {
		st, _ := srv.Environments("a")
		return st.Busy == 2
	})
	_, err := invoke("b", `{"ms":0}`)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 || ae.Reason != ReasonConcurrentInvocationLimitExceeded {
		t.Errorf("third concurrent invocation: %v, want a 429 ConcurrentInvocationLimitExceeded", err)
	}
	wg.Wait()

	// At the limit with idle environments, a new one evicts the least
	// recently used: processes stay within the account limit.
	if _, err := invoke("b", `{"ms":0}`); err != nil {
		t.Fatal(err)
	}
	if _, err := invoke("c", `{}`); err != nil {
		t.Fatal(err)
	}
	a, _ := srv.Environments("a")
	b, _ := srv.Environments("b")
	c, _ := srv.Environments("c")
	if a.Live+b.Live+c.Live > 2 || b.Live != 1 || c.Live != 1 {
		t.Errorf("after eviction: a %+v, b %+v, c %+v", a, b, c)
	}
	waitFor(t, "the evicted processes to be gone", 5*time.Second, func() bool { return len(srv.OwnedProcesses()) <= 2 })
}

func TestReservedBeyondAccountLimitIsRejected(t *testing.T) {
	_, err := New(WithDemoExecutable(lambenchBin), WithAccountConcurrency(10),
		WithFunctions(demoFn("a", "echo", withReserved(6)), demoFn("b", "echo", withReserved(6))))
	if err == nil {
		t.Fatal("reserving 12 of 10 was accepted")
	}
}

func TestReservedZeroThrottlesEverything(t *testing.T) {
	_, url := newTestServer(t, []Function{demoFn("off", "echo", withReserved(0))})
	r := invokeHTTP(t, url, "off", `{}`)
	if r.status != 429 || !strings.Contains(string(r.body), `"Reason":"`+ReasonReservedFunctionConcurrentInvocationLimit+`"`) {
		t.Errorf("reserved 0: %d %s", r.status, r.body)
	}
}

func TestCloseStopsInFlightInvocations(t *testing.T) {
	srv, err := New(WithDemoExecutable(lambenchBin), WithFunctions(demoFn("sleep", "sleep")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	done := make(chan error, 1)
	go func() {
		_, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "sleep", Payload: []byte(`{"ms":20000}`)})
		done <- err
	}()
	waitFor(t, "the invocation to start", 5*time.Second, func() bool {
		st, _ := srv.Environments("sleep")
		return st.Busy == 1 && len(srv.OwnedProcesses()) == 1
	})
	srv.Close()
	var ae *APIError
	if err := <-done; !errors.As(err, &ae) || ae.Code != "ServiceException" {
		t.Errorf("in-flight invoke after Close: %v, want a ServiceException", err)
	}
	if left := srv.OwnedProcesses(); len(left) != 0 {
		t.Errorf("processes left after Close: %v", left)
	}
	if _, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "sleep"}); !errors.As(err, &ae) {
		t.Errorf("invoke after Close: %v", err)
	}
	srv.Close() // twice is fine
}
