package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"

	"github.com/lambench/lambench/invoke"
)

// pollLookback is how far before the newest event seen each poll starts
// again: CloudWatch Logs may ingest an event some seconds after its
// timestamp. Events seen twice are dropped by their id.
const pollLookback = 5 * time.Second

// errNoGroup: the log group does not exist (yet).
var errNoGroup = errors.New("no such log group")

// history reads the events since r.since with FilterLogEvents, once.
func (r *logRead) history(ctx context.Context) error {
	r.notice(fmt.Sprintf("reading CloudWatch Logs with FilterLogEvents since %s", when(r.since)))
	_, _, err := r.filter(ctx, r.since.UnixMilli(), map[string]int64{}, r.emit)
	if errors.Is(err, errNoGroup) {
		r.notice(fmt.Sprintf("log group %s does not exist: the function has written no logs yet", r.group.name))
		return nil
	}
	return ended(ctx, false, err)
}

// poll polls FilterLogEvents from since: every PollMin while events come,
// slowing down to PollMax while none do. Without Follow it reads once.
// why says why polling was chosen, for the notice.
func (r *logRead) poll(ctx context.Context, since time.Time, why string) error {
	if r.opts.Follow {
		r.notice(fmt.Sprintf("polling FilterLogEvents every %v-%v: %s", PollMin, PollMax, why))
	} else {
		r.notice(fmt.Sprintf("reading FilterLogEvents since %s: %s", when(since), why))
	}
	start := since.UnixMilli()
	seen := map[string]int64{} // event id -> timestamp, from start on
	delay := PollMin
	waiting := false
	for {
		n, newest, err := r.filter(ctx, start, seen, r.emit)
		switch {
		case errors.Is(err, errNoGroup):
			if !r.opts.Follow {
				r.notice(fmt.Sprintf("log group %s does not exist: the function has written no logs yet", r.group.name))
				return nil
			}
			if !waiting {
				r.notice(fmt.Sprintf("log group %s does not exist yet: waiting for the function's first log", r.group.name))
				waiting = true
			}
		case err != nil:
			return ended(ctx, r.opts.Follow, err)
		}
		if !r.opts.Follow {
			return nil
		}
		delay = nextPoll(delay, n)
		if s := newest - pollLookback.Milliseconds(); s > start {
			start = s
			for id, ts := range seen {
				if ts < start {
					delete(seen, id)
				}
			}
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// nextPoll is the wait after a poll that brought n events, the last wait
// having been d: PollMin after events, else half as long again as d, up to
// PollMax.
func nextPoll(d time.Duration, n int) time.Duration {
	if n > 0 {
		return PollMin
	}
	return min(d*3/2, PollMax)
}

// filter runs FilterLogEvents from start through every page, passing the
// events not in seen to emit (and adding them to seen). It returns how
// many it passed and the newest timestamp of all it read (0 if none).
func (r *logRead) filter(ctx context.Context, start int64, seen map[string]int64, emit func(invoke.LogEvent)) (n int, newest int64, err error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(r.group.name), StartTime: aws.Int64(start)}
	if r.opts.Filter != "" {
		in.FilterPattern = aws.String(r.opts.Filter)
	}
	for {
		out, err := r.c.logs.FilterLogEvents(ctx, in)
		if err != nil {
			return n, newest, r.c.logsError(err)
		}
		for _, ev := range out.Events {
			ts := aws.ToInt64(ev.Timestamp)
			newest = max(newest, ts)
			id := aws.ToString(ev.EventId)
			if id != "" {
				if _, dup := seen[id]; dup {
					continue
				}
				seen[id] = ts
			}
			emit(invoke.LogEvent{Group: r.group.name, Stream: aws.ToString(ev.LogStreamName), Time: msTime(ts), Message: aws.ToString(ev.Message), ID: id})
			n++
		}
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			return n, newest, nil
		}
		in.NextToken = out.NextToken
	}
}

// unsupportedLogsCodes are what endpoints without a CloudWatch Logs API
// answer.
var unsupportedLogsCodes = map[string]bool{
	"UnknownOperationException": true,
	"UnknownOperation":          true,
	"InvalidAction":             true,
	"NotImplemented":            true,
	"UnsupportedOperation":      true,
	"NotFoundException":         true,
}

// logsError explains a CloudWatch Logs error: errNoGroup for a missing
// log group, one sentence for an endpoint that serves no CloudWatch Logs
// API (moto without logs, SAM's start-lambda) or one the SDK cannot read,
// else as translate does.
func (c *Client) logsError(err error) error {
	endpoint := c.logsURL
	if endpoint == "" {
		endpoint = "CloudWatch Logs"
	}
	status := httpStatus(err)
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch {
		case ae.ErrorCode() == "ResourceNotFoundException":
			return errNoGroup
		case unsupportedLogsCodes[ae.ErrorCode()] || status == 404 || status == 405 || status == 501:
			return fmt.Errorf("%s does not support logs: it serves no CloudWatch Logs API (FilterLogEvents answered %s, HTTP %d)", endpoint, ae.ErrorCode(), status)
		}
		return c.translate("read logs", c.logsURL, err)
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		if status != 200 {
			return fmt.Errorf("%s does not support logs: it serves no CloudWatch Logs API (FilterLogEvents answered HTTP %d, not the API's JSON)", endpoint, status)
		}
		return fmt.Errorf("%s does not support reading logs with the AWS SDK: its FilterLogEvents answer is not what the CloudWatch Logs API sends (%v); read them with a client that tolerates it, e.g. aws logs filter-log-events --endpoint-url %s", endpoint, de.Err, endpoint)
	}
	return c.translate("read logs", c.logsURL, err)
}
