package schedule

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The six cron fields, in order.
const (
	fMinutes = iota
	fHours
	fDayOfMonth
	fMonth
	fDayOfWeek
	fYear
	numFields
)

// fieldInfo describes each cron field: its name in messages and its range.
var fieldInfo = [numFields]struct {
	name     string
	min, max int
}{
	fMinutes:    {"minutes", 0, 59},
	fHours:      {"hours", 0, 23},
	fDayOfMonth: {"day-of-month", 1, 31},
	fMonth:      {"month", 1, 12},
	fDayOfWeek:  {"day-of-week", 1, 7},
	fYear:       {"year", minYear, maxYear},
}

const (
	minYear = 1970
	maxYear = 2199
)

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// bitset holds cron field values: bit v-offset for value v, where the
// offset is minYear for years and 0 otherwise.
type bitset [4]uint64

func (b *bitset) add(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b *bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// dayKind says how a cron schedule picks its days.
type dayKind uint8

const (
	daysOfMonth    dayKind = iota // day-of-month list: set has bit d for day d
	lastDay                       // day-of-month L
	lastWeekday                   // day-of-month LW
	nearestWeekday                // day-of-month nW: n is the day
	daysOfWeek                    // day-of-week list: set has bit w, 1=SUN..7=SAT
	lastOfWeekday                 // day-of-week wL: n is the weekday
	nthWeekday                    // day-of-week w#k: n is the weekday, k the occurrence
)

// cronSpec is a parsed cron expression.
type cronSpec struct {
	minutes uint64 // bit m for minute m
	hours   uint64 // bit h for hour h
	months  uint64 // bit m for month m, 1-12
	years   bitset // bit y-minYear for year y
	days    dayKind
	daySet  uint64
	n, k    int
}

// parseCron parses the body of cron(fields).
func parseCron(expr, body string) (Schedule, error) {
	f := strings.Fields(body)
	if len(f) != numFields {
		reason := fmt.Sprintf("a cron expression needs 6 fields (minutes hours day-of-month month day-of-week year) but this one has %d", len(f))
		if len(f) == 5 {
			reason += "; add the year field, * for every year"
		}
		return Schedule{}, &Error{Expr: expr, Reason: reason}
	}
	norm := make([]string, numFields)
	for i, text := range f {
		norm[i] = strings.ToUpper(text)
	}
	var (
		c          cronSpec
		set        [numFields]bitset
		domQ, dowQ bool // day-of-month, day-of-week is ?
	)
	for i, text := range f {
		var reason string
		switch i {
		case fDayOfMonth:
			domQ, reason = c.parseDayOfMonth(text)
		case fDayOfWeek:
			dowQ, reason = c.parseDayOfWeek(text)
		default:
			set[i], reason = parseList(i, text)
		}
		if reason != "" {
			return Schedule{}, &Error{Expr: expr, Part: fieldInfo[i].name + " field", Value: text, Reason: reason}
		}
	}
	switch {
	case domQ && dowQ:
		alt := slices.Clone(norm)
		alt[fDayOfMonth] = "*"
		return Schedule{}, &Error{Expr: expr, Reason: fmt.Sprintf(
			"day-of-month and day-of-week cannot both be ?; use * for one of them, as in cron(%s)", strings.Join(alt, " "))}
	case !domQ && !dowQ:
		alt := slices.Clone(norm)
		if norm[fDayOfMonth] == "*" && norm[fDayOfWeek] != "*" {
			alt[fDayOfMonth] = "?"
		} else {
			alt[fDayOfWeek] = "?"
		}
		return Schedule{}, &Error{Expr: expr, Reason: fmt.Sprintf(
			"day-of-month %q and day-of-week %q cannot both be set; use ? for one of them, as in cron(%s)",
			f[fDayOfMonth], f[fDayOfWeek], strings.Join(alt, " "))}
	}
	c.minutes = set[fMinutes][0]
	c.hours = set[fHours][0]
	c.months = set[fMonth][0]
	c.years = set[fYear]
	return Schedule{text: "cron(" + strings.Join(norm, " ") + ")", cron: c}, nil
}

// parseDayOfMonth parses the day-of-month field into c, reporting whether
// it is ?, or why it is invalid.
func (c *cronSpec) parseDayOfMonth(text string) (question bool, reason string) {
	up := strings.ToUpper(text)
	switch {
	case up == "?":
		return true, ""
	case up == "L":
		c.days = lastDay
	case up == "LW":
		c.days = lastWeekday
	case strings.HasPrefix(up, "L-"):
		return false, "offsets from the last day (L-n) are not supported; use L, LW or day numbers"
	case up == "W":
		return false, "W needs a day before it, as in 15W, or L, as in LW"
	case strings.HasSuffix(up, "W") && isDigits(up[:len(up)-1]):
		d, reason := parseValue(fDayOfMonth, up[:len(up)-1])
		if reason != "" {
			return false, reason
		}
		c.days, c.n = nearestWeekday, d
	default:
		set, reason := parseList(fDayOfMonth, text)
		c.days, c.daySet = daysOfMonth, set[0]
		return false, reason
	}
	return false, ""
}

// parseDayOfWeek parses the day-of-week field into c, reporting whether it
// is ?, or why it is invalid.
func (c *cronSpec) parseDayOfWeek(text string) (question bool, reason string) {
	up := strings.ToUpper(text)
	switch {
	case up == "?":
		return true, ""
	case strings.Contains(up, "/"):
		return false, "/ is not allowed in day-of-week; list the days instead, as in MON,WED,FRI"
	case up == "L":
		c.days, c.daySet = daysOfWeek, 1<<7
	case strings.Contains(up, "#"):
		day, nth, _ := strings.Cut(up, "#")
		if strings.ContainsAny(up, ",-") || strings.Contains(nth, "#") {
			return false, "# allows only one day in the field, as in 3#2; 3#1,6#3 is not valid"
		}
		if day == "" {
			return false, "# needs a day before it, as in 3#2 for the second Tuesday"
		}
		w, reason := parseValue(fDayOfWeek, day)
		if reason != "" {
			return false, reason
		}
		if !isDigits(nth) || len(nth) > 1 || nth < "1" || nth > "5" {
			return false, fmt.Sprintf("the occurrence after # must be 1-5, as in 3#2 for the second Tuesday, not %q", nth)
		}
		c.days, c.n, c.k = nthWeekday, w, int(nth[0]-'0')
	case len(up) > 1 && strings.HasSuffix(up, "L") && !strings.ContainsAny(up, ",-"):
		w, reason := parseValue(fDayOfWeek, up[:len(up)-1])
		if reason != "" {
			return false, reason
		}
		c.days, c.n = lastOfWeekday, w
	default:
		set, reason := parseList(fDayOfWeek, text)
		c.days, c.daySet = daysOfWeek, set[0]
		return false, reason
	}
	return false, ""
}

// parseList parses a field made of comma-separated items: *, a value or a
// range, each optionally followed by /step.
func parseList(field int, text string) (set bitset, reason string) {
	fi := fieldInfo[field]
	offset := 0
	if field == fYear {
		offset = minYear
	}
	for item := range strings.SplitSeq(text, ",") {
		if item == "" {
			return set, "the list has an empty item; separate values with single commas, as in 1,15"
		}
		base, stepText, hasStep := strings.Cut(item, "/")
		var lo, hi int
		switch {
		case base == "*":
			lo, hi = fi.min, fi.max
		case base == "":
			return set, fmt.Sprintf("%q needs a start before /, as in */5 or 0/5", item)
		case strings.Contains(base, "-"):
			a, b, _ := strings.Cut(base, "-")
			if a == "" || b == "" {
				if a == "" && isDigits(b) {
					return set, fmt.Sprintf("%q is not a value; values cannot be negative", base)
				}
				return set, fmt.Sprintf("the range %q needs a value on both sides of -, as in 1-5", base)
			}
			if lo, reason = parseValue(field, a); reason != "" {
				return set, reason
			}
			if hi, reason = parseValue(field, b); reason != "" {
				return set, reason
			}
			if field == fYear && lo > hi {
				return set, fmt.Sprintf("the range %q runs backwards; write the earlier year first", base)
			}
		default:
			if lo, reason = parseValue(field, base); reason != "" {
				return set, reason
			}
			hi = lo
			if hasStep {
				hi = fi.max
			}
		}
		step := 1
		if hasStep {
			if step, reason = parseStep(field, stepText); reason != "" {
				return set, reason
			}
		}
		// Walk from lo to hi, wrapping past max back to min.
		n := fi.max - fi.min + 1
		dist := (hi - lo + n) % n
		for off := 0; off <= dist; off += step {
			v := fi.min + (lo-fi.min+off)%n
			set.add(v - offset)
		}
	}
	return set, ""
}

// parseStep parses the step after / in field.
func parseStep(field int, text string) (int, string) {
	fi := fieldInfo[field]
	most := fi.max - fi.min
	if !isDigits(text) {
		if text == "" {
			return 0, "a / needs a step after it, as in */5"
		}
		return 0, fmt.Sprintf("the step %q is not a whole number", text)
	}
	step, err := strconv.Atoi(text)
	if err == nil && step >= 1 && step <= most {
		return step, ""
	}
	reason := fmt.Sprintf("the step %s is out of range 1-%d", text, most)
	if err == nil && step > most && (field == fMinutes || field == fHours) {
		reason += fmt.Sprintf("; to run every %d %s use rate(%d %s)", step, fi.name, step, fi.name)
	}
	return 0, reason
}

// parseValue parses a single value of field: a number, or a name in the
// month and day-of-week fields.
func parseValue(field int, tok string) (int, string) {
	fi := fieldInfo[field]
	if isDigits(tok) {
		v, err := strconv.Atoi(tok)
		if err != nil || v < fi.min || v > fi.max {
			return 0, fmt.Sprintf("%s is out of range %d-%d", tok, fi.min, fi.max)
		}
		return v, ""
	}
	var names []string
	switch field {
	case fMonth:
		names = monthNames
	case fDayOfWeek:
		names = dayNames
	}
	for i, name := range names {
		if strings.EqualFold(tok, name) {
			return i + 1, ""
		}
	}
	return 0, badValue(field, tok)
}

// badValue explains why tok is not a value of field.
func badValue(field int, tok string) string {
	fi := fieldInfo[field]
	up := strings.ToUpper(tok)
	name := len(up) >= 3 && strings.Trim(up, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	days := field == fDayOfMonth || field == fDayOfWeek
	switch {
	case strings.Contains(up, "?") && days:
		return "? must be the whole field, not part of a list or range"
	case strings.Contains(up, "?"):
		return "? is only allowed in day-of-month and day-of-week"
	case strings.Contains(up, "#") && field == fDayOfWeek:
		return "# must be the whole field, as in 3#2, not part of a list or range"
	case strings.Contains(up, "#"):
		return "# is only allowed in day-of-week"
	case name && field == fMonth, !name && field == fMonth && !strings.ContainsAny(up, "LW"):
		return fmt.Sprintf("%q is not a month; use 1-12 or JAN-DEC", tok)
	case name && field == fDayOfWeek, !name && field == fDayOfWeek && !strings.ContainsAny(up, "LW"):
		return fmt.Sprintf("%q is not a day of the week; use 1-7 (1 is Sunday) or SUN-SAT", tok)
	case name:
	case strings.ContainsAny(up, "LW") && field == fDayOfMonth:
		return "L, LW and nW must be the whole field, as in L or 15W, not part of a list, range or step"
	case strings.Contains(up, "L") && field == fDayOfWeek:
		return "L and nL must be the whole field, as in L or 6L, not part of a list or range"
	case strings.Contains(up, "L") && field != fDayOfMonth:
		return "L is only allowed in day-of-month and day-of-week"
	case strings.Contains(up, "W"):
		return "W is only allowed in day-of-month"
	}
	return fmt.Sprintf("%q is not a number in %d-%d", tok, fi.min, fi.max)
}

// next returns the first matching minute strictly after after.
func (c *cronSpec) next(after time.Time) (time.Time, bool) {
	t := after.UTC()
	if t.Year() > maxYear {
		return time.Time{}, false
	}
	// The first candidate minute: the minute after the one after is in.
	t = t.Truncate(time.Minute).Add(time.Minute)
	y, mon, d := t.Date()
	mo, h, mi := int(mon), t.Hour(), t.Minute()
	if y < minYear {
		y, mo, d, h, mi = minYear, 1, 1, 0, 0
	}
	for ; y <= maxYear; y, mo, d, h, mi = y+1, 1, 1, 0, 0 {
		if !c.years.has(y - minYear) {
			continue
		}
		for ; mo <= 12; mo, d, h, mi = mo+1, 1, 0, 0 {
			if c.months&(1<<mo) == 0 {
				continue
			}
			days := c.dayMask(y, mo) &^ (1<<d - 1) // days from d on
			for ; days != 0; days &= days - 1 {
				day := bits.TrailingZeros64(days)
				if day != d {
					h, mi = 0, 0
				}
				if hh, mm, ok := c.timeOfDay(h, mi); ok {
					return time.Date(y, time.Month(mo), day, hh, mm, 0, 0, time.UTC), true
				}
			}
		}
	}
	return time.Time{}, false
}

// timeOfDay returns the first matching hour and minute at or after h:mi.
func (c *cronSpec) timeOfDay(h, mi int) (int, int, bool) {
	hh := nextBit(c.hours, h)
	if hh < 0 {
		return 0, 0, false
	}
	if hh == h {
		if mm := nextBit(c.minutes, mi); mm >= 0 {
			return hh, mm, true
		}
		if hh = nextBit(c.hours, h+1); hh < 0 {
			return 0, 0, false
		}
	}
	return hh, nextBit(c.minutes, 0), true
}

// dayMask returns the days of month mo of year y the schedule fires on:
// bit d for day d.
func (c *cronSpec) dayMask(y, mo int) uint64 {
	n := daysIn(y, mo)
	first := int(time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC).Weekday()) // 0=Sunday
	weekday := func(d int) int { return (first + d - 1) % 7 }                     // 0=Sunday
	switch c.days {
	case daysOfMonth:
		return c.daySet & (1<<(n+1) - 1)
	case lastDay:
		return 1 << n
	case lastWeekday:
		switch weekday(n) {
		case 6: // Saturday
			return 1 << (n - 1)
		case 0: // Sunday
			return 1 << (n - 2)
		}
		return 1 << n
	case nearestWeekday:
		d := c.n
		if d > n {
			return 0
		}
		switch weekday(d) {
		case 6: // Saturday: Friday before, or Monday after the 1st
			if d == 1 {
				return 1 << 3
			}
			return 1 << (d - 1)
		case 0: // Sunday: Monday after, or Friday before the last day
			if d == n {
				return 1 << (d - 2)
			}
			return 1 << (d + 1)
		}
		return 1 << d
	case daysOfWeek:
		var mask uint64
		for d := 1; d <= n; d++ {
			if c.daySet&(1<<(weekday(d)+1)) != 0 {
				mask |= 1 << d
			}
		}
		return mask
	case lastOfWeekday:
		return 1 << (n - (weekday(n)-(c.n-1)+7)%7)
	case nthWeekday:
		d := 1 + (c.n-1-first+7)%7 + 7*(c.k-1)
		if d > n {
			return 0
		}
		return 1 << d
	}
	return 0
}

// daysIn returns the number of days in month mo of year y.
func daysIn(y, mo int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// nextBit returns the lowest set bit of mask at or above from, or -1.
func nextBit(mask uint64, from int) int {
	if from >= 64 {
		return -1
	}
	m := mask >> from
	if m == 0 {
		return -1
	}
	return from + bits.TrailingZeros64(m)
}
