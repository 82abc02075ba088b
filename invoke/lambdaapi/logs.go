package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambench/lambench/invoke"
)

// LogSource is how Logs reads a function's logs.
type LogSource string

// The log sources.
const (
	// LogsAuto picks by target: LogsStream for a local target; for an
	// endpoint override, LogsStream if the endpoint serves it (a remote
	// lambench serve), else LogsPoll; on AWS, LogsLiveTail to follow
	// (LogsPoll if StartLiveTail fails) and FilterLogEvents alone for
	// history.
	LogsAuto LogSource = "auto"
	// LogsStream reads lambench's own push stream (GET
	// /lambench/v1/logs/tail on the Lambda API's endpoint): the local
	// Lambda pushes each event as it is written.
	LogsStream LogSource = "stream"
	// LogsLiveTail reads the history with FilterLogEvents, then follows
	// with CloudWatch Logs StartLiveTail (AWS only: the SDK sends it to
	// the host prefixed "stream-", which an endpoint override on
	// loopback cannot take).
	LogsLiveTail LogSource = "livetail"
	// LogsPoll polls FilterLogEvents: every PollMin, slowing to PollMax
	// while nothing comes.
	LogsPoll LogSource = "poll"
)

// Log defaults.
const (
	// DefaultLogsSince is how far back Logs starts when LogOptions.Since
	// is zero, as `aws logs tail` does.
	DefaultLogsSince = 10 * time.Minute
	// PollMin is the polling interval while events come.
	PollMin = time.Second
	// PollMax is the longest polling interval, reached while quiet.
	PollMax = 5 * time.Second
)

// logGroup is where a function's logs are, and the ARN parts StartLiveTail
// needs to name it.
type logGroup struct {
	name                       string
	partition, region, account string
}

// arn is the log group's ARN, or "" when the account is unknown.
func (g logGroup) arn() string {
	if g.account == "" {
		return ""
	}
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", g.partition, g.region, g.account, g.name)
}

// Logs delivers a function's log events to emit, in the calling
// goroutine: those since opts.Since (DefaultLogsSince back when zero),
// then, with opts.Follow, new ones until ctx ends. How they are read (see
// LogSource) and why is told to opts.Notice first, as is anything missed
// on the way. A follow ends when ctx does and then returns nil; without
// Follow a ctx that ends early gives its error.
func (c *Client) Logs(ctx context.Context, function string, opts invoke.LogOptions, emit func(invoke.LogEvent)) error {
	notice := opts.Notice
	if notice == nil {
		notice = func(string) {}
	}
	since := opts.Since
	if since.IsZero() {
		since = time.Now().Add(-DefaultLogsSince)
	}
	if _, err := c.credentials(ctx); err != nil {
		return err
	}
	g, err := c.logGroup(ctx, function, notice)
	if err != nil {
		return ended(ctx, opts.Follow, err)
	}
	r := &logRead{c: c, group: g, since: since, opts: opts, emit: emit, notice: notice}
	switch c.logSource {
	case LogsStream:
		err := r.stream(ctx, "as configured (log source stream)")
		if errors.Is(err, errNoStream) {
			var ns *noStreamError
			errors.As(err, &ns)
			return fmt.Errorf("%s serves no lambench push stream (it answered %s): read its logs with log source %s or %s", c.endpoint, ns.answer, LogsAuto, LogsPoll)
		}
		return err
	case LogsPoll:
		return r.poll(ctx, since, "as configured (log source poll)")
	case LogsLiveTail:
		return r.followLive(ctx)
	}
	switch {
	case c.kind == invoke.Local:
		return r.stream(ctx, "the target is lambench's local Lambda")
	case c.logsURL != "":
		if c.endpoint != "" {
			err := r.stream(ctx, "the endpoint is a lambench serve")
			if !errors.Is(err, errNoStream) {
				return err
			}
		}
		why := fmt.Sprintf("the endpoint override (%s) serves no lambench push stream", c.logsURL)
		if opts.Follow {
			why = fmt.Sprintf("StartLiveTail cannot reach an endpoint override (%s), which serves no lambench push stream", c.logsURL)
		}
		return r.poll(ctx, since, why)
	case !opts.Follow:
		return r.history(ctx)
	}
	return r.followLive(ctx)
}

// logGroup finds the function's log group (a custom one in its logging
// configuration, else /aws/lambda/NAME) and its ARN's parts.
func (c *Client) logGroup(ctx context.Context, function string, notice func(string)) (logGroup, error) {
	g := logGroup{name: "/aws/lambda/" + functionName(function), partition: "aws", region: c.region}
	if a, ok := parseARN(function); ok {
		g.partition, g.region, g.account = a.partition, a.region, a.account
	}
	out, err := c.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(function)})
	if err != nil {
		terr := c.translate("find the log group of "+function, c.endpoint, err)
		var ce *credentialError
		var ne *net.OpError
		var de *net.DNSError
		if ctx.Err() != nil || errors.As(terr, &ce) || errors.As(err, &ne) || errors.As(err, &de) {
			return g, terr
		}
		if invoke.IsNotFound(terr) {
			// A deleted function's log group stays, and is worth reading;
			// with neither, the name is wrong: the caller lists the
			// functions there are.
			if exists, known := c.logGroupExists(ctx, g.name); known && !exists {
				return g, terr
			}
			notice(fmt.Sprintf("function %s not found: reading log group %s anyway", function, g.name))
		} else {
			// E.g. SAM's start-lambda, which serves Invoke only.
			cause := terr
			var se *invoke.ServiceError
			if errors.As(terr, &se) {
				cause = se
			}
			notice(fmt.Sprintf("reading log group %s: the function's configuration cannot be read (%v)", g.name, cause))
		}
		return g, nil
	}
	if out.LoggingConfig != nil && aws.ToString(out.LoggingConfig.LogGroup) != "" {
		g.name = aws.ToString(out.LoggingConfig.LogGroup)
	}
	if a, ok := parseARN(aws.ToString(out.FunctionArn)); ok {
		g.partition, g.region, g.account = a.partition, a.region, a.account
		c.learnAccount(aws.ToString(out.FunctionArn))
	}
	return g, nil
}

// logGroupExists asks CloudWatch Logs whether a log group exists; known
// is false when it cannot say (the target does not serve
// DescribeLogGroups, or failed).
func (c *Client) logGroupExists(ctx context.Context, name string) (exists, known bool) {
	out, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		return false, false
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			return true, true
		}
	}
	// A first page without it may still be followed by one with it only
	// when the prefix matches more than a page of groups.
	return false, out.NextToken == nil
}

// logRead is one call of Logs.
type logRead struct {
	c      *Client
	group  logGroup
	since  time.Time
	opts   invoke.LogOptions
	emit   func(invoke.LogEvent)
	notice func(string)
}

// ended is what a read returns when it stops with err: nil when ctx ended
// a follow (that is how a follow ends), else err.
func ended(ctx context.Context, follow bool, err error) error {
	if ctx.Err() != nil {
		if follow {
			return nil
		}
		return ctx.Err()
	}
	return err
}

// when formats a time for a notice.
func when(t time.Time) string {
	t = t.Local()
	y, m, d := t.Date()
	if ny, nm, nd := time.Now().Date(); y == ny && m == nm && d == nd {
		return t.Format(time.TimeOnly)
	}
	return t.Format(time.DateTime)
}
