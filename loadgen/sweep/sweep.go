package sweep

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"strconv"
	"time"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/loadgen/stats"
)

// RestoreTimeout bounds the restore after a sweep, which runs even when
// the sweep's context has been cancelled (Ctrl-C).
const RestoreTimeout = 5 * time.Minute

// Options describe a sweep.
type Options struct {
	// Client reaches the function; it must support UpdateConfiguration.
	Client invoke.Client
	// Function is the function's name.
	Function string
	// MemoryMB are the memory sizes, in order. Empty runs the plan once
	// at the function's own configuration (changing nothing).
	MemoryMB []int
	// Journal records the original configuration before the first change;
	// nil keeps no record (for a local Lambda that dies with lambench,
	// taking the change with it).
	Journal *Journal
	// Via is recorded in the journal: how to reach the target again.
	Via map[string]string
	// Run runs the load plan once the function has the step's memory
	// size (and, after a change, only cold environments).
	Run func(ctx context.Context, step int, memoryMB int) (*stats.Aggregator, error)
	// Event, when set, is told what happens: "updating to 512 MB",
	// "restored to 128 MB"...
	Event func(string)
}

// Step is the result of one memory size.
type Step struct {
	MemoryMB int
	// Agg holds the step's samples (possibly partial when the run was
	// interrupted).
	Agg *stats.Aggregator
	// Function is the configuration the step ran with.
	Function *invoke.Function
}

// Run sweeps: for each memory size it changes the function (waiting until
// the update is in effect), then runs the plan. Afterwards it restores
// the original configuration, whatever happened; a failed restore is
// reported in the error and left in the journal for `lambench restore`.
// It returns the steps run so far with the first error.
func Run(ctx context.Context, o Options) ([]Step, error) {
	say := o.Event
	if say == nil {
		say = func(string) {}
	}
	fn, err := o.Client.Function(ctx, o.Function)
	if err != nil {
		return nil, err
	}
	if len(o.MemoryMB) == 0 {
		agg, err := o.Run(ctx, 0, fn.MemoryMB)
		return []Step{{MemoryMB: fn.MemoryMB, Agg: agg, Function: fn}}, err
	}
	if fn.LastUpdateStatus == "InProgress" || fn.State == "Pending" {
		return nil, fmt.Errorf("%s: %w (state %s, last update %s): wait for it to finish before a sweep", o.Function, invoke.ErrUpdateInProgress, fn.State, fn.LastUpdateStatus)
	}
	target := o.Client.Target().String()
	orig := originalOf(fn)
	journal := o.Journal
	if journal == nil {
		journal = &Journal{}
	} else if err := journal.Record(Entry{Target: target, Via: o.Via, Function: o.Function, Original: orig, Started: time.Now(), PID: os.Getpid()}); err != nil {
		return nil, err
	}
	steps, runErr := sweepSteps(ctx, o, say)

	// Put it back, also after Ctrl-C (ctx done): a run never leaves a
	// function modified.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RestoreTimeout)
	defer cancel()
	say(fmt.Sprintf("restoring %s to %d MB", o.Function, orig.MemoryMB))
	if err := journal.Restore(rctx, o.Client, Entry{Target: target, Function: o.Function, Original: orig}); err != nil {
		if errors.Is(err, ErrFunctionGone) {
			say(err.Error())
			return steps, errors.Join(runErr, err)
		}
		if o.Journal != nil {
			err = fmt.Errorf("%w; the journal keeps it: `lambench restore %s` retries", err, o.Function)
		}
		return steps, errors.Join(runErr, err)
	}
	say(fmt.Sprintf("restored %s to %d MB", o.Function, orig.MemoryMB))
	return steps, runErr
}

func sweepSteps(ctx context.Context, o Options, say func(string)) ([]Step, error) {
	var steps []Step
	for i, mem := range o.MemoryMB {
		if err := ctx.Err(); err != nil {
			return steps, err
		}
		say(fmt.Sprintf("updating %s to %d MB", o.Function, mem))
		m := mem
		fn, err := o.Client.UpdateConfiguration(ctx, o.Function, invoke.ConfigUpdate{MemoryMB: &m})
		if err != nil {
			return steps, fmt.Errorf("set %s to %d MB: %w", o.Function, mem, err)
		}
		agg, err := o.Run(ctx, i, mem)
		if agg != nil {
			steps = append(steps, Step{MemoryMB: mem, Agg: agg, Function: fn})
		}
		if err != nil {
			return steps, err
		}
	}
	return steps, nil
}

// ColdEnvVar is the environment variable a cold-only run changes before
// each sample, so that the target retires its warm environments (the
// way AWS Lambda Power Tuning forces cold starts).
const ColdEnvVar = "LAMBENCH_COLD_START"

// ForceCold changes a function's configuration so that its next
// invocation starts a new environment: it sets ColdEnvVar to n on top of
// base (the original environment). The journal must hold the original.
func ForceCold(ctx context.Context, client invoke.Client, function string, base map[string]string, n uint64) error {
	env := maps.Clone(base)
	if env == nil {
		env = map[string]string{}
	}
	env[ColdEnvVar] = strconv.FormatUint(n, 10)
	_, err := client.UpdateConfiguration(ctx, function, invoke.ConfigUpdate{Environment: env})
	return err
}
