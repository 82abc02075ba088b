package emulator

import (
	"context"
	"slices"
	"sync"
	"time"
)

// DefaultIdleTimeout is how long an idle environment is kept warm.
const DefaultIdleTimeout = 10 * time.Minute

// MaxAccountConcurrency is AWS's default account concurrency limit.
const MaxAccountConcurrency = 1000

// DefaultAccountConcurrency derives the account-wide concurrency limit from
// the machine: every environment is a process, so one per 128 MB of
// memory, at most AWS's 1,000 and at least 10.
func DefaultAccountConcurrency() int {
	n := int(machineMemory() / (128 << 20))
	return min(max(n, 10), MaxAccountConcurrency)
}

// scheduler hands out execution environments: warm ones first (most
// recently used), new ones within the concurrency limits, 429s beyond them.
// It never queues for concurrency: a request beyond the limits is
// throttled at once, as on AWS.
//
// It may queue for the machine, though (WithMaxInitializing): at most
// maxInit environments initialise at once, across all functions. A
// request that passed every throttle check but would start an environment
// beyond that cap waits (admission) until an environment of its function
// becomes idle (it is handed over: a warm start) or an init slot frees
// (a cold start), whichever comes first. On AWS inits run on their own
// hardware; here they share a few cores, and without the cap a load step
// starts so many at once that each takes seconds (see docs/decisions.md).
//
// A waiting request is counted nowhere (busy, unreservedBusy, live, the
// scaling tokens): it runs nowhere yet, and counting it would throttle
// others because the machine is slow, not because of a limit AWS applies.
// So every throttle check is made again when it wakes.
//
// All environment state changes happen here, under mu.
type scheduler struct {
	srv     *Server
	mu      sync.Mutex
	limit   int // account concurrency
	maxInit int // environments initialising at once; 0: no cap

	reservedSum    int // sum of the functions' reserved concurrency
	unreservedBusy int // environments of unreserved functions in use
	live           int // environments not dead, all functions
	closing        bool
	functions      []*function               // every registered function
	all            map[*environment]struct{} // started and not yet torn down

	// Admission (maxInit > 0).
	initializing int       // init slots held: by initialising environments and by waiters handed one
	waiters      []*waiter // first come, first served
	peakInit     int       // the most init slots held at once
	waited       uint64    // requests that have waited for admission
	waitedFor    time.Duration
}

// waiter is a request waiting for admission. Its wake channel is closed,
// under the scheduler's lock, when it is handed an environment or an init
// slot, or must look again (its function was deleted, the server closes).
type waiter struct {
	fn    *function
	wake  chan struct{}
	woken bool
	env   *environment // a warm environment handed over, counted as busy
	slot  bool         // an init slot handed over
}

// register adds a function to the scheduler's view.
func (sc *scheduler) register(fn *function) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.functions = append(sc.functions, fn)
	if fn.reserved >= 0 {
		sc.reservedSum += fn.reserved
	}
}

// acquire returns an environment to run one invocation of fn: a warm one
// when there is one, else a new one (cold, not yet started), else a
// throttle error. With an init cap it may first wait for admission, for
// as long as ctx allows; waited is how long.
func (sc *scheduler) acquire(ctx context.Context, fn *function) (env *environment, cold bool, waited time.Duration, err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	slot := false // holds an init slot
	var start time.Time
	fail := func(err error) (*environment, bool, time.Duration, error) {
		if slot {
			sc.freeSlotLocked()
		}
		return nil, false, sinceOrZero(start), err
	}
	for {
		if sc.closing {
			return fail(errService("%v", errShuttingDown))
		}
		if fn.deleted {
			return fail(errNotFound(fn.arn))
		}
		reserved := fn.reserved
		if n := len(fn.idle); n > 0 {
			env = fn.idle[n-1]
			fn.idle = fn.idle[:n-1]
			env.state = stateBusy
			sc.countBusyLocked(env, reserved < 0)
			if slot {
				sc.freeSlotLocked()
			}
			return env, false, sinceOrZero(start), nil
		}
		switch {
		case reserved >= 0 && fn.busy >= reserved:
			return fail(errThrottled(ReasonReservedFunctionConcurrentInvocationLimit))
		case reserved < 0 && sc.unreservedBusy >= sc.limit-sc.reservedSum:
			return fail(errThrottled(ReasonConcurrentInvocationLimitExceeded))
		}
		// AWS's scaling rate: so many new environments per function per 10 s.
		n := sc.srv.opts.scalingLimit
		if n > 0 {
			now := time.Now()
			if fn.scaleAt.IsZero() {
				fn.scaleTokens, fn.scaleAt = float64(n), now
			}
			fn.scaleTokens = min(float64(n), fn.scaleTokens+now.Sub(fn.scaleAt).Seconds()*float64(n)/10)
			fn.scaleAt = now
			if fn.scaleTokens < 1 {
				return fail(errThrottled(ReasonFunctionInvocationRateLimitExceeded))
			}
		}
		// Every environment is a process: at the account limit, room is
		// made by stopping the least recently used idle environment of
		// any function.
		if sc.live >= sc.limit && sc.lruIdleLocked() == nil {
			return fail(errThrottled(ReasonConcurrentInvocationLimitExceeded))
		}
		if sc.maxInit > 0 && !slot {
			if sc.initializing < sc.maxInit {
				sc.initializing++
				sc.peakInit = max(sc.peakInit, sc.initializing)
				slot = true
			} else {
				// Wait for admission, then look again: the state has changed.
				if start.IsZero() {
					start = time.Now()
				}
				var warm *environment
				warm, slot, err = sc.admitLocked(ctx, fn)
				if err != nil {
					return fail(err)
				}
				if warm != nil {
					return warm, false, sinceOrZero(start), nil
				}
				continue
			}
		}
		if n > 0 {
			fn.scaleTokens--
		}
		var evicted *environment
		if sc.live >= sc.limit {
			evicted = sc.lruIdleLocked()
			sc.retireLocked(evicted)
		}
		env = newEnvironment(sc.srv, fn)
		env.state = stateInitializing
		env.initSlot = slot
		fn.live++
		sc.live++
		sc.countBusyLocked(env, reserved < 0)
		if evicted != nil {
			// Not under the lock: kill waits for the environment's own.
			sc.mu.Unlock()
			evicted.kill()
			sc.mu.Lock()
		}
		return env, true, sinceOrZero(start), nil
	}
}

func sinceOrZero(t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return time.Since(t)
}

// admitLocked queues the request until it is handed an idle environment
// of fn (returned, already counted as busy), or an init slot (slot), or
// is woken to look again (neither), or ctx ends (an error). A waiting
// request is not counted in any concurrency: it runs nowhere yet, and
// counting it would throttle others for the machine's slowness, not for
// a limit AWS would apply. It is called, and returns, with mu held.
func (sc *scheduler) admitLocked(ctx context.Context, fn *function) (env *environment, slot bool, err error) {
	start := time.Now()
	w := &waiter{fn: fn, wake: make(chan struct{})}
	sc.waiters = append(sc.waiters, w)
	fn.waiting++
	sc.mu.Unlock()
	select {
	case <-w.wake:
	case <-ctx.Done():
	}
	sc.mu.Lock()
	fn.waiting--
	sc.waited++
	sc.waitedFor += time.Since(start)
	if !w.woken {
		// Still queued: the caller is gone (or gave up).
		sc.removeWaiterLocked(w)
		return nil, false, errCancelled(ctx.Err())
	}
	return w.env, w.slot, nil
}

// freeSlotLocked gives an init slot back: to the first waiter, if any.
func (sc *scheduler) freeSlotLocked() {
	if len(sc.waiters) > 0 {
		w := sc.waiters[0]
		sc.waiters = slices.Delete(sc.waiters, 0, 1)
		w.slot = true
		sc.wakeLocked(w)
		return
	}
	sc.initializing--
}

// initDone frees env's init slot once its init is over: at its first
// GET /next, or when it dies or is stopped before (see retireLocked).
func (sc *scheduler) initDone(env *environment) {
	sc.mu.Lock()
	sc.initDoneLocked(env)
	sc.mu.Unlock()
}

func (sc *scheduler) initDoneLocked(env *environment) {
	if env.initSlot {
		env.initSlot = false
		sc.freeSlotLocked()
	}
}

func (sc *scheduler) wakeLocked(w *waiter) {
	w.woken = true
	close(w.wake)
}

func (sc *scheduler) removeWaiterLocked(w *waiter) {
	if i := slices.Index(sc.waiters, w); i >= 0 {
		sc.waiters = slices.Delete(sc.waiters, i, i+1)
	}
}

// wakeAllLocked wakes the waiters (of fn, or all when fn is nil) to look
// again at a changed state.
func (sc *scheduler) wakeAllLocked(fn *function) {
	kept := sc.waiters[:0]
	for _, w := range sc.waiters {
		if fn == nil || w.fn == fn {
			sc.wakeLocked(w)
		} else {
			kept = append(kept, w)
		}
	}
	clear(sc.waiters[len(kept):])
	sc.waiters = kept
}

func (sc *scheduler) countBusyLocked(env *environment, unreserved bool) {
	env.fn.busy++
	env.unreserved = unreserved
	if unreserved {
		sc.unreservedBusy++
	}
}

// release returns an environment after an invocation: to the warm pool
// when reusable, else it is stopped.
func (sc *scheduler) release(env *environment, reusable bool) {
	sc.mu.Lock()
	fn := env.fn
	fn.busy--
	if env.unreserved {
		sc.unreservedBusy--
		env.unreserved = false
	}
	if reusable && env.state != stateDead && !sc.closing && fn.generation == env.generation {
		if w := sc.firstWaiterLocked(fn); w != nil {
			// A request of fn waits for admission: it gets this
			// environment, warm.
			sc.removeWaiterLocked(w)
			env.state = stateBusy
			env.lastUsed = time.Now()
			sc.countBusyLocked(env, fn.reserved < 0)
			w.env = env
			sc.wakeLocked(w)
			sc.mu.Unlock()
			return
		}
		env.state = stateIdle
		env.lastUsed = time.Now()
		fn.idle = append(fn.idle, env)
		sc.mu.Unlock()
		return
	}
	sc.retireLocked(env)
	sc.mu.Unlock()
	env.kill()
}

func (sc *scheduler) firstWaiterLocked(fn *function) *waiter {
	if fn.waiting == 0 {
		return nil
	}
	for _, w := range sc.waiters {
		if w.fn == fn {
			return w
		}
	}
	return nil
}

// newGenerationLocked starts a new generation of fn's environments after a
// change and returns the idle ones of the old generation, retired, for
// the caller to stop. Busy ones retire when released.
func (sc *scheduler) newGenerationLocked(fn *function) []*environment {
	fn.generation++
	stale := fn.idle
	fn.idle = nil
	for _, env := range stale {
		env.state = stateDead
		fn.live--
		sc.live--
	}
	return stale
}

// unregister forgets fn: its reservation is returned to the account, and
// its idle environments are returned for the caller to stop.
func (sc *scheduler) unregister(fn *function) []*environment {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	fn.deleted = true
	if fn.reserved >= 0 {
		sc.reservedSum -= fn.reserved
	}
	if i := slices.Index(sc.functions, fn); i >= 0 {
		sc.functions = slices.Delete(sc.functions, i, i+1)
	}
	sc.wakeAllLocked(fn)
	return sc.newGenerationLocked(fn)
}

// setReserved changes fn's reserved concurrency (n < 0: unreserved),
// keeping the account's unreserved pool at least minUnreserved. Idle
// environments beyond a lower reservation are returned to be stopped.
func (sc *scheduler) setReserved(fn *function, n, minUnreserved int) ([]*environment, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sum := sc.reservedSum
	if fn.reserved >= 0 {
		sum -= fn.reserved
	}
	if n >= 0 {
		sum += n
	}
	if n >= 0 && sc.limit-sum < minUnreserved {
		return nil, errInvalidParameter("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", minUnreserved)
	}
	sc.reservedSum = sum
	fn.reserved = n
	var extra []*environment
	for n >= 0 && fn.live > n && len(fn.idle) > 0 {
		env := fn.idle[0]
		sc.retireLocked(env)
		extra = append(extra, env)
	}
	return extra, nil
}

// retire marks an environment dead (its process exited or is being stopped).
func (sc *scheduler) retire(env *environment) {
	sc.mu.Lock()
	sc.retireLocked(env)
	sc.mu.Unlock()
}

func (sc *scheduler) retireLocked(env *environment) {
	if env.state == stateDead {
		return
	}
	if env.state == stateIdle {
		fn := env.fn
		if i := slices.Index(fn.idle, env); i >= 0 {
			fn.idle = slices.Delete(fn.idle, i, i+1)
		}
	}
	env.state = stateDead
	env.fn.live--
	sc.live--
	sc.initDoneLocked(env) // died or stopped during init
}

func (sc *scheduler) lruIdleLocked() *environment {
	var lru *environment
	for _, fn := range sc.functions {
		if len(fn.idle) > 0 && (lru == nil || fn.idle[0].lastUsed.Before(lru.lastUsed)) {
			lru = fn.idle[0]
		}
	}
	return lru
}

// track registers a started environment so that Close can stop it; it
// fails once the server is closing. The server's envs group owns it from
// here until its supervisor returns.
func (sc *scheduler) track(env *environment) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.closing {
		return false
	}
	sc.all[env] = struct{}{}
	sc.srv.envs.Add(1)
	return true
}

func (sc *scheduler) untrack(env *environment) {
	sc.mu.Lock()
	delete(sc.all, env)
	sc.mu.Unlock()
}

func (sc *scheduler) isClosing() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.closing
}

// shutdown refuses new work and returns every environment to stop.
func (sc *scheduler) shutdown() []*environment {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.closing = true
	sc.wakeAllLocked(nil)
	envs := make([]*environment, 0, len(sc.all))
	for env := range sc.all {
		envs = append(envs, env)
		sc.retireLocked(env)
	}
	return envs
}

// reapIdle stops environments idle for longer than timeout.
func (sc *scheduler) reapIdle(timeout time.Duration) int {
	cutoff := time.Now().Add(-timeout)
	var stale []*environment
	sc.mu.Lock()
	for _, fn := range sc.functions {
		for _, env := range fn.idle {
			if env.lastUsed.Before(cutoff) {
				stale = append(stale, env)
			}
		}
	}
	for _, env := range stale {
		sc.retireLocked(env)
	}
	sc.mu.Unlock()
	for _, env := range stale {
		env.kill()
	}
	return len(stale)
}

// counts reports fn's live environments (idle, busy or initializing), how
// many are in use, how many are idle and how many requests wait for
// admission.
func (sc *scheduler) counts(fn *function) (live, busy, idle, waiting int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return fn.live, fn.busy, len(fn.idle), fn.waiting
}

// admission reports on the init cap.
func (sc *scheduler) admission() AdmissionStats {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return AdmissionStats{
		MaxInitializing:  sc.maxInit,
		Initializing:     sc.initializing,
		PeakInitializing: sc.peakInit,
		Waiting:          len(sc.waiters),
		Waited:           sc.waited,
		WaitTime:         sc.waitedFor,
	}
}
