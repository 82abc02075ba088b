package invoke

import "time"

// LogEvent is one log line of a function.
type LogEvent struct {
	// Group and Stream name where it was written (/aws/lambda/NAME, one
	// stream per execution environment).
	Group, Stream string
	// Time is when it was written.
	Time time.Time
	// Message is the line.
	Message string
	// ID identifies the event within its target, when known.
	ID string
}

// Report parses the event as a REPORT line, if it is one.
func (e LogEvent) Report() (*Report, bool) { return ParseReport(e.Message) }

// LogOptions select log events.
type LogOptions struct {
	// Since is the earliest time of the events wanted; zero means the
	// target's default (a short while back).
	Since time.Time
	// Filter is a CloudWatch Logs filter pattern; empty means all events.
	Filter string
	// Follow keeps delivering new events until the context ends.
	Follow bool
	// Notice, when set, is told how the events are obtained and what went
	// missing, in sentences for the user (e.g. "polling FilterLogEvents
	// every 1s: StartLiveTail cannot reach an endpoint override").
	Notice func(string)
}
