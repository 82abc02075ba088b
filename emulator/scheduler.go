package emulator

import (
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
// It never queues: a request that cannot run now is throttled at once.
//
// All environment state changes happen here, under mu.
type scheduler struct {
	srv   *Server
	mu    sync.Mutex
	limit int // account concurrency

	reservedSum    int // sum of the functions' reserved concurrency
	unreservedBusy int // environments of unreserved functions in use
	live           int // environments not dead, all functions
	closing        bool
	functions      []*function               // every registered function
	all            map[*environment]struct{} // started and not yet torn down
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
// throttle error.
func (sc *scheduler) acquire(fn *function) (env *environment, cold bool, err error) {
	sc.mu.Lock()
	if sc.closing {
		sc.mu.Unlock()
		return nil, false, errService("%v", errShuttingDown)
	}
	if fn.deleted {
		sc.mu.Unlock()
		return nil, false, errNotFound(fn.arn)
	}
	reserved := fn.reserved
	if n := len(fn.idle); n > 0 {
		env = fn.idle[n-1]
		fn.idle = fn.idle[:n-1]
		env.state = stateBusy
		sc.countBusyLocked(env, reserved < 0)
		sc.mu.Unlock()
		return env, false, nil
	}
	switch {
	case reserved >= 0 && fn.busy >= reserved:
		sc.mu.Unlock()
		return nil, false, errThrottled(ReasonReservedFunctionConcurrentInvocationLimit)
	case reserved < 0 && sc.unreservedBusy >= sc.limit-sc.reservedSum:
		sc.mu.Unlock()
		return nil, false, errThrottled(ReasonConcurrentInvocationLimitExceeded)
	}
	// AWS's scaling rate: so many new environments per function per 10 s.
	if n := sc.srv.opts.scalingLimit; n > 0 {
		now := time.Now()
		if fn.scaleAt.IsZero() {
			fn.scaleTokens, fn.scaleAt = float64(n), now
		}
		fn.scaleTokens = min(float64(n), fn.scaleTokens+now.Sub(fn.scaleAt).Seconds()*float64(n)/10)
		fn.scaleAt = now
		if fn.scaleTokens < 1 {
			sc.mu.Unlock()
			return nil, false, errThrottled(ReasonFunctionInvocationRateLimitExceeded)
		}
		fn.scaleTokens--
	}
	// Every environment is a process: at the account limit, make room by
	// stopping the least recently used idle environment of any function.
	var evicted *environment
	if sc.live >= sc.limit {
		evicted = sc.lruIdleLocked()
		if evicted == nil {
			sc.mu.Unlock()
			return nil, false, errThrottled(ReasonConcurrentInvocationLimitExceeded)
		}
		sc.retireLocked(evicted)
	}
	env = newEnvironment(sc.srv, fn)
	env.state = stateInitializing
	fn.live++
	sc.live++
	sc.countBusyLocked(env, reserved < 0)
	sc.mu.Unlock()
	if evicted != nil {
		evicted.kill()
	}
	return env, true, nil
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
// many are in use and how many are idle.
func (sc *scheduler) counts(fn *function) (live, busy, idle int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return fn.live, fn.busy, len(fn.idle)
}
