package schedule

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// rateUnits maps each unit AWS accepts to its length in seconds.
var rateUnits = map[string]int64{
	"minute": 60, "minutes": 60,
	"hour": 3600, "hours": 3600,
	"day": 86400, "days": 86400,
}

// parseRate parses the body of rate(value unit).
func parseRate(expr, body string) (Schedule, error) {
	f := strings.Fields(body)
	if len(f) != 2 {
		return Schedule{}, &Error{Expr: expr, Reason: "a rate needs a value and a unit separated by a space, as in rate(5 minutes)"}
	}
	valueText, unit := f[0], f[1]
	fail := func(part, value, format string, args ...any) (Schedule, error) {
		return Schedule{}, &Error{Expr: expr, Part: part, Value: value, Reason: fmt.Sprintf(format, args...)}
	}
	if !isDigits(valueText) {
		return fail("rate value", valueText, "must be a positive whole number, as in rate(5 minutes)")
	}
	secs, ok := rateUnits[unit]
	if !ok {
		return fail("rate unit", unit, "must be minute, minutes, hour, hours, day or days")
	}
	maxValue := int64(math.MaxInt64/int64(time.Second)) / secs
	value, err := strconv.ParseInt(valueText, 10, 64)
	switch {
	case err == nil && value == 0:
		return fail("rate value", valueText, "must be a positive whole number, as in rate(5 minutes)")
	case err != nil || value > maxValue:
		return fail("rate value", valueText, "is too large; the most is %d for %s", maxValue, strings.TrimSuffix(unit, "s")+"s")
	}
	singular := strings.TrimSuffix(unit, "s")
	switch {
	case value == 1 && unit != singular:
		return fail("rate unit", unit, "must be singular when the value is 1, as in rate(1 %s)", singular)
	case value != 1 && unit == singular:
		return fail("rate unit", unit, "must be plural when the value is %d, as in rate(%d %ss)", value, value, singular)
	}
	return Schedule{
		text:  fmt.Sprintf("rate(%d %s)", value, unit),
		every: value * secs,
	}, nil
}

// nextRate returns the first of Start, Start+interval, ... after after, or
// after+interval when Start is zero.
func (s Schedule) nextRate(after time.Time) (time.Time, bool) {
	var t time.Time
	switch {
	case s.Start.IsZero():
		t = after.Add(time.Duration(s.every) * time.Second)
	case after.Before(s.Start):
		t = s.Start
	default:
		// Fire times keep Start's fraction of a second, and the interval is
		// whole seconds, so t = Start + k·interval > after exactly when
		// k·interval > the whole seconds from Start to after.
		d := after.Sub(s.Start)
		secs := int64(d / time.Second)
		if d == math.MaxInt64 { // saturated: more than 292 years apart
			secs = after.Unix() - s.Start.Unix()
			if after.Nanosecond() < s.Start.Nanosecond() {
				secs--
			}
		}
		k := secs/s.every + 1
		t = time.Unix(s.Start.Unix()+k*s.every, int64(s.Start.Nanosecond()))
	}
	if !t.After(after) { // overflow at the ends of time
		return time.Time{}, false
	}
	return t.UTC(), true
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
