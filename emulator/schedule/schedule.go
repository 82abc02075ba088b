package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Kind is the form of a schedule expression.
type Kind uint8

const (
	// Rate is a rate(value unit) schedule, which fires at a fixed interval.
	Rate Kind = iota + 1
	// Cron is a cron(fields) schedule, which fires on matching UTC minutes.
	Cron
	// At is an at(yyyy-mm-ddThh:mm:ss) schedule, which fires once.
	At
)

// String returns "rate", "cron" or "at", and "invalid" for any other Kind.
func (k Kind) String() string {
	switch k {
	case Rate:
		return "rate"
	case Cron:
		return "cron"
	case At:
		return "at"
	}
	return "invalid"
}

// Schedule is a parsed schedule expression. Create one with [Parse]; the
// zero Schedule never fires. A Schedule is a small value: copy it freely.
// Its methods only read it, so goroutines may share one as long as none of
// them changes Start meanwhile.
type Schedule struct {
	// Start is when the schedule was created. A rate schedule fires at
	// Start and then every interval after it; if Start is zero, Next
	// returns one interval after the instant it is given. A cron schedule
	// never fires before a non-zero Start. An at schedule ignores Start,
	// as EventBridge Scheduler ignores the start date of one-time
	// schedules.
	Start time.Time

	kind  Kind
	text  string    // normalized expression
	every int64     // rate: the interval in seconds
	at    time.Time // at: the fire time, UTC
	cron  cronSpec
}

// Parse parses an EventBridge schedule expression: rate(value unit),
// cron(minutes hours day-of-month month day-of-week year) or
// at(yyyy-mm-ddThh:mm:ss). White space around the expression and around
// the fields is ignored. The error, if any, is an [*Error].
func Parse(expr string) (Schedule, error) {
	s := strings.TrimSpace(expr)
	for _, form := range [...]struct {
		kind  Kind
		open  string
		parse func(expr, body string) (Schedule, error)
	}{
		{Rate, "rate(", parseRate},
		{Cron, "cron(", parseCron},
		{At, "at(", parseAt},
	} {
		if len(s) >= len(form.open) && strings.EqualFold(s[:len(form.open)], form.open) {
			if s[:len(form.open)] != form.open {
				return Schedule{}, &Error{Expr: expr, Reason: fmt.Sprintf("write %q in lower case", form.open)}
			}
			body, ok := strings.CutSuffix(s[len(form.open):], ")")
			if !ok {
				return Schedule{}, &Error{Expr: expr, Reason: `the expression must end with ")"`}
			}
			sch, err := form.parse(expr, body)
			if err != nil {
				return Schedule{}, err
			}
			sch.kind = form.kind
			return sch, nil
		}
	}
	reason := "not a schedule expression; use rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)"
	if s == "" {
		reason = "the expression is empty; use rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)"
	}
	return Schedule{}, &Error{Expr: expr, Reason: reason}
}

// Kind returns the form of the expression s was parsed from, and 0 for the
// zero Schedule.
func (s Schedule) Kind() Kind { return s.kind }

// Interval returns the interval of a rate schedule, and 0 for other kinds.
func (s Schedule) Interval() time.Duration {
	if s.kind != Rate {
		return 0
	}
	return time.Duration(s.every) * time.Second
}

// String returns the normalized expression: the form's keyword, then its
// fields separated by single spaces, with cron fields in upper case and
// rate values without leading zeros, for example "cron(0 12 ? * MON-FRI *)"
// or "rate(5 minutes)". Parse accepts it and yields the same schedule. The
// zero Schedule's String is "".
func (s Schedule) String() string { return s.text }

// Next returns the first time strictly after after at which s fires, in
// UTC, and true; or the zero time and false when s never fires again: an
// at schedule whose time has passed, a cron schedule whose years are over,
// or the zero Schedule. after may be in any location. Next takes time
// proportional to the number of months it skips, at most some 2,800, never
// to the number of minutes.
func (s Schedule) Next(after time.Time) (time.Time, bool) {
	switch s.kind {
	case Rate:
		return s.nextRate(after)
	case Cron:
		if !s.Start.IsZero() && after.Before(s.Start) {
			after = s.Start.Add(-time.Nanosecond)
		}
		return s.cron.next(after)
	case At:
		if s.at.After(after) {
			return s.at, true
		}
	}
	return time.Time{}, false
}

// Error is the error Parse returns for an invalid expression. Its message
// reads, for example,
//
//	schedule "cron(0 25 * * ? *)": hours field "25": 25 is out of range 0-23
type Error struct {
	// Expr is the expression as given to Parse.
	Expr string
	// Part names the part at fault as the message shows it, for example
	// "hours field", "rate unit" or "at time"; it is empty when the
	// problem concerns the expression as a whole or two fields together.
	Part string
	// Value is the text of that part, empty when Part is.
	Value string
	// Reason says what is wrong and, where it helps, how to fix it.
	Reason string
}

// Error returns the message: the expression, the part at fault and its
// text, and the reason.
func (e *Error) Error() string {
	if e.Part == "" {
		return fmt.Sprintf("schedule %q: %s", e.Expr, e.Reason)
	}
	return fmt.Sprintf("schedule %q: %s %q: %s", e.Expr, e.Part, e.Value, e.Reason)
}
