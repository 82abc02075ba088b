package lambdaapi

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/invoke"
)

// TestUpdateConfiguration: the change waits out the local Lambda's
// InProgress window, takes effect (the next invoke is cold, at the new
// size), and a second change during an update is refused.
func TestUpdateConfiguration(t *testing.T) {
	url := startLocal(t, emulator.WithUpdateDelay(time.Second))
	c := newClient(t, Options{Kind: invoke.Local, Endpoint: url})
	ctx := context.Background()

	if _, err := c.Invoke(ctx, &invoke.Request{Function: "hello"}); err != nil {
		t.Fatal(err)
	}
	mem := 512
	f, err := c.UpdateConfiguration(ctx, "hello", invoke.ConfigUpdate{MemoryMB: &mem})
	if err != nil {
		t.Fatal(err)
	}
	if f.MemoryMB != 512 || f.LastUpdateStatus != "Successful" {
		t.Errorf("after the update: %d MB, %s", f.MemoryMB, f.LastUpdateStatus)
	}
	r, err := c.Invoke(ctx, &invoke.Request{Function: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Report == nil || !r.Report.Cold() || r.Report.MemorySizeMB != 512 {
		t.Errorf("the invoke after the update: %+v", r.Report)
	}

	// Two updates at once: one of them finds the other in progress.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := 256 + 128*i
			_, errs[i] = c.UpdateConfiguration(ctx, "hello", invoke.ConfigUpdate{MemoryMB: &m})
		}()
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		if errors.Is(err, invoke.ErrUpdateInProgress) {
			refused++
		} else if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if refused != 1 {
		t.Errorf("%d of 2 concurrent updates refused, want 1: %v", refused, errs)
	}

	if _, err := c.UpdateConfiguration(ctx, "nope", invoke.ConfigUpdate{MemoryMB: &mem}); !invoke.IsNotFound(err) {
		t.Errorf("unknown function: %v", err)
	}
	bad := 64
	if _, err := c.UpdateConfiguration(ctx, "hello", invoke.ConfigUpdate{MemoryMB: &bad}); err == nil {
		t.Error("64 MB accepted")
	}
}
