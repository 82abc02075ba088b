package schedule

import (
	"errors"
	"strings"
	"time"
)

// atLayout is the time format of at(yyyy-mm-ddThh:mm:ss).
const atLayout = "2006-01-02T15:04:05"

// parseAt parses the body of at(yyyy-mm-ddThh:mm:ss), a UTC time.
func parseAt(expr, body string) (Schedule, error) {
	text := strings.TrimSpace(body)
	t, err := time.Parse(atLayout, text)
	if err != nil || len(text) != len(atLayout) {
		reason := "must be a UTC time written yyyy-mm-ddThh:mm:ss, as in at(2030-01-31T18:30:00)"
		var perr *time.ParseError
		if errors.As(err, &perr) && strings.HasSuffix(perr.Message, "out of range") {
			reason = "is not a valid date and time (" + strings.TrimPrefix(perr.Message, ": ") + ")"
		}
		return Schedule{}, &Error{Expr: expr, Part: "at time", Value: text, Reason: reason}
	}
	return Schedule{text: "at(" + text + ")", at: t}, nil
}
