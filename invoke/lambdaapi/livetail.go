package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/lambench/lambench/invoke"
)

// liveTailError: StartLiveTail could not start or stopped; polling takes over.
type liveTailError struct{ err error }

func (e *liveTailError) Error() string { return e.err.Error() }
func (e *liveTailError) Unwrap() error { return e.err }

// followLive reads the history with FilterLogEvents and follows with
// StartLiveTail. A session that times out (after 3 hours) is replaced by a
// new one, the gap filled by FilterLogEvents; if StartLiveTail cannot
// start, or fails, polling FilterLogEvents takes over from the newest
// event delivered.
func (r *logRead) followLive(ctx context.Context) error {
	if !r.opts.Follow {
		return r.history(ctx)
	}
	for {
		newest, err := r.liveTail(ctx)
		var lf *liveTailError
		if !errors.As(err, &lf) {
			return err
		}
		if newest > 0 {
			r.since = msTime(newest + 1)
		}
		var timeout *types.SessionTimeoutException
		if errors.As(err, &timeout) && ctx.Err() == nil {
			r.notice("the StartLiveTail session timed out: starting a new one")
			continue
		}
		return r.poll(ctx, r.since, fmt.Sprintf("StartLiveTail failed (%v)", lf.err))
	}
}

// liveKey identifies an event across FilterLogEvents and StartLiveTail,
// which gives no event id.
type liveKey struct {
	stream string
	ts     int64
	msg    string
}

// liveTail delivers the history since r.since, then live events until ctx
// ends. The session starts first and the history is read after, so that
// nothing falls between them; events in both are delivered once. It
// returns the newest timestamp delivered and, when StartLiveTail cannot go
// on, a *liveTailError.
func (r *logRead) liveTail(ctx context.Context) (newest int64, err error) {
	arn := r.group.arn()
	if arn == "" {
		return 0, &liveTailError{fmt.Errorf("the account of log group %s is unknown, so its ARN is", r.group.name)}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}}
	if r.opts.Filter != "" {
		in.LogEventFilterPattern = aws.String(r.opts.Filter)
	}
	out, err := r.c.logs.StartLiveTail(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil
		}
		return 0, &liveTailError{r.c.translate("StartLiveTail", r.c.logsURL, err)}
	}
	es := out.GetStream()
	defer es.Close()

	// The first message is sessionStart (or an error).
	var first types.StartLiveTailResponseStream
	select {
	case <-ctx.Done():
		return 0, nil
	case ev, ok := <-es.Events():
		if !ok {
			return 0, &liveTailError{r.c.streamErr(es.Err())}
		}
		if _, start := ev.(*types.StartLiveTailResponseStreamMemberSessionStart); !start {
			first = ev
		}
	}
	started := time.Now()
	r.notice(fmt.Sprintf("following with CloudWatch Logs StartLiveTail, after FilterLogEvents for the history since %s", when(r.since)))

	// Live events may also be in the history: remember the history's
	// recent events to drop them from the live part.
	recent := map[liveKey]bool{}
	horizon := started.Add(-time.Minute).UnixMilli()
	_, newest, err = r.filter(ctx, r.since.UnixMilli(), map[string]int64{}, func(ev invoke.LogEvent) {
		if ts := ev.Time.UnixMilli(); ts >= horizon {
			recent[liveKey{ev.Stream, ts, ev.Message}] = true
		}
		r.emit(ev)
	})
	if err != nil && !errors.Is(err, errNoGroup) {
		return newest, ended(ctx, true, err)
	}

	sampled := false
	handle := func(ev types.StartLiveTailResponseStream) {
		u, ok := ev.(*types.StartLiveTailResponseStreamMemberSessionUpdate)
		if !ok {
			return
		}
		if u.Value.SessionMetadata != nil && u.Value.SessionMetadata.Sampled && !sampled {
			sampled = true
			r.notice("StartLiveTail is sampling: more than 500 events a second match, so some are not shown")
		}
		for _, e := range u.Value.SessionResults {
			k := liveKey{aws.ToString(e.LogStreamName), aws.ToInt64(e.Timestamp), aws.ToString(e.Message)}
			if recent[k] {
				delete(recent, k)
				continue
			}
			newest = max(newest, k.ts)
			r.emit(invoke.LogEvent{Group: r.group.name, Stream: k.stream, Time: msTime(k.ts), Message: k.msg})
		}
	}
	if first != nil {
		handle(first)
	}
	for {
		select {
		case <-ctx.Done():
			return newest, nil
		case ev, ok := <-es.Events():
			if !ok {
				if ctx.Err() != nil {
					return newest, nil
				}
				return newest, &liveTailError{r.c.streamErr(es.Err())}
			}
			handle(ev)
		}
	}
}

// streamErr is why a live tail stream ended.
func (c *Client) streamErr(err error) error {
	if err == nil {
		return errors.New("the session ended")
	}
	if e, ok := c.apiError(err); ok {
		var timeout *types.SessionTimeoutException
		if errors.As(err, &timeout) {
			return fmt.Errorf("%w: %w", e, timeout)
		}
		return e
	}
	return err
}
