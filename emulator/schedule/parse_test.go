package schedule

import (
	"errors"
	"testing"
	"time"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		expr     string
		kind     Kind
		want     string // String()
		interval time.Duration
	}{
		{"rate(1 minute)", Rate, "rate(1 minute)", time.Minute},
		{"rate(5 minutes)", Rate, "rate(5 minutes)", 5 * time.Minute},
		{"rate(1 hour)", Rate, "rate(1 hour)", time.Hour},
		{"rate(12 hours)", Rate, "rate(12 hours)", 12 * time.Hour},
		{"rate(1 day)", Rate, "rate(1 day)", 24 * time.Hour},
		{"rate(7 days)", Rate, "rate(7 days)", 7 * 24 * time.Hour},
		{"rate(007 days)", Rate, "rate(7 days)", 7 * 24 * time.Hour},
		{"  rate(  10   minutes )  ", Rate, "rate(10 minutes)", 10 * time.Minute},
		{"rate(106751 days)", Rate, "rate(106751 days)", 106751 * 24 * time.Hour},

		{"cron(0 12 * * ? *)", Cron, "cron(0 12 * * ? *)", 0},
		{"cron(0 10 * * ? *)", Cron, "cron(0 10 * * ? *)", 0},
		{"cron(15 12 * * ? *)", Cron, "cron(15 12 * * ? *)", 0},
		{"cron(0 18 ? * MON-FRI *)", Cron, "cron(0 18 ? * MON-FRI *)", 0},
		{"cron(0 8 1 * ? *)", Cron, "cron(0 8 1 * ? *)", 0},
		{"cron(0/15 * * * ? *)", Cron, "cron(0/15 * * * ? *)", 0},
		{"cron(0/10 * ? * MON-FRI *)", Cron, "cron(0/10 * ? * MON-FRI *)", 0},
		{"cron(0/5 8-17 ? * MON-FRI *)", Cron, "cron(0/5 8-17 ? * MON-FRI *)", 0},
		{"cron(0 9 ? * 2#1 *)", Cron, "cron(0 9 ? * 2#1 *)", 0},
		{"cron(0 9 ? * mon#1 *)", Cron, "cron(0 9 ? * MON#1 *)", 0},
		{"cron(15 10 ? * 6L 2025-2030)", Cron, "cron(15 10 ? * 6L 2025-2030)", 0},
		{"cron(15 10 ? * fril 2025-2030)", Cron, "cron(15 10 ? * FRIL 2025-2030)", 0},
		{"cron(0 0 ? * L *)", Cron, "cron(0 0 ? * L *)", 0},
		{"cron(0 0 L * ? *)", Cron, "cron(0 0 L * ? *)", 0},
		{"cron(0 0 lw * ? *)", Cron, "cron(0 0 LW * ? *)", 0},
		{"cron(0 0 3W * ? *)", Cron, "cron(0 0 3W * ? *)", 0},
		{"cron(0 0 31w * ? *)", Cron, "cron(0 0 31W * ? *)", 0},
		{"cron(1,2,3 1-3,5 1/10 jan,feb,Mar-DEC/2 ? 1970,2199)", Cron, "cron(1,2,3 1-3,5 1/10 JAN,FEB,MAR-DEC/2 ? 1970,2199)", 0},
		{"cron(50-10/5 22-2 28-3 NOV-FEB ? *)", Cron, "cron(50-10/5 22-2 28-3 NOV-FEB ? *)", 0},
		{"cron(0 0 ? * FRI-MON *)", Cron, "cron(0 0 ? * FRI-MON *)", 0},
		{"cron(0 0 ? * 1,7 2000/50)", Cron, "cron(0 0 ? * 1,7 2000/50)", 0},
		{"cron(*/59 */23 */30 */11 ? */229)", Cron, "cron(*/59 */23 */30 */11 ? */229)", 0},
		{"cron( 0\t12  *\n* ?  * )", Cron, "cron(0 12 * * ? *)", 0},
		{"cron(00 012 01 01 ? 2030)", Cron, "cron(00 012 01 01 ? 2030)", 0},

		{"at(2030-01-31T18:30:00)", At, "at(2030-01-31T18:30:00)", 0},
		{"at( 2028-02-29T23:59:59 )", At, "at(2028-02-29T23:59:59)", 0},
	}
	for _, tt := range tests {
		s, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		if s.Kind() != tt.kind || s.String() != tt.want || s.Interval() != tt.interval {
			t.Errorf("Parse(%q) = %v %q %v, want %v %q %v", tt.expr, s.Kind(), s.String(), s.Interval(), tt.kind, tt.want, tt.interval)
		}
		// The normalized form parses to the same schedule.
		again, err := Parse(s.String())
		if err != nil || again != s {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", s.String(), again, err, s)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ expr, want string }{
		// Whole expression.
		{"", `schedule "": the expression is empty; use rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)`},
		{"every 5 minutes", `schedule "every 5 minutes": not a schedule expression; use rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)`},
		{"0 12 * * ? *", `schedule "0 12 * * ? *": not a schedule expression; use rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)`},
		{"Rate(5 minutes)", `schedule "Rate(5 minutes)": write "rate(" in lower case`},
		{"CRON(0 12 * * ? *)", `schedule "CRON(0 12 * * ? *)": write "cron(" in lower case`},
		{"rate(5 minutes", `schedule "rate(5 minutes": the expression must end with ")"`},
		{"cron(0 12 * * ? *) x", `schedule "cron(0 12 * * ? *) x": the expression must end with ")"`},

		// Rate.
		{"rate()", `schedule "rate()": a rate needs a value and a unit separated by a space, as in rate(5 minutes)`},
		{"rate(5)", `schedule "rate(5)": a rate needs a value and a unit separated by a space, as in rate(5 minutes)`},
		{"rate(5 minutes now)", `schedule "rate(5 minutes now)": a rate needs a value and a unit separated by a space, as in rate(5 minutes)`},
		{"rate(0 minutes)", `schedule "rate(0 minutes)": rate value "0": must be a positive whole number, as in rate(5 minutes)`},
		{"rate(-5 minutes)", `schedule "rate(-5 minutes)": rate value "-5": must be a positive whole number, as in rate(5 minutes)`},
		{"rate(1.5 hours)", `schedule "rate(1.5 hours)": rate value "1.5": must be a positive whole number, as in rate(5 minutes)`},
		{"rate(five minutes)", `schedule "rate(five minutes)": rate value "five": must be a positive whole number, as in rate(5 minutes)`},
		{"rate(5 seconds)", `schedule "rate(5 seconds)": rate unit "seconds": must be minute, minutes, hour, hours, day or days`},
		{"rate(5 Minutes)", `schedule "rate(5 Minutes)": rate unit "Minutes": must be minute, minutes, hour, hours, day or days`},
		{"rate(1 minutes)", `schedule "rate(1 minutes)": rate unit "minutes": must be singular when the value is 1, as in rate(1 minute)`},
		{"rate(1 hours)", `schedule "rate(1 hours)": rate unit "hours": must be singular when the value is 1, as in rate(1 hour)`},
		{"rate(01 days)", `schedule "rate(01 days)": rate unit "days": must be singular when the value is 1, as in rate(1 day)`},
		{"rate(5 minute)", `schedule "rate(5 minute)": rate unit "minute": must be plural when the value is 5, as in rate(5 minutes)`},
		{"rate(5 hour)", `schedule "rate(5 hour)": rate unit "hour": must be plural when the value is 5, as in rate(5 hours)`},
		{"rate(106752 days)", `schedule "rate(106752 days)": rate value "106752": is too large; the most is 106751 for days`},
		{"rate(99999999999999999999 minutes)", `schedule "rate(99999999999999999999 minutes)": rate value "99999999999999999999": is too large; the most is 153722867 for minutes`},

		// Cron: shape.
		{"cron()", `schedule "cron()": a cron expression needs 6 fields (minutes hours day-of-month month day-of-week year) but this one has 0`},
		{"cron(0 12 * * ?)", `schedule "cron(0 12 * * ?)": a cron expression needs 6 fields (minutes hours day-of-month month day-of-week year) but this one has 5; add the year field, * for every year`},
		{"cron(0 0 12 * * ? *)", `schedule "cron(0 0 12 * * ? *)": a cron expression needs 6 fields (minutes hours day-of-month month day-of-week year) but this one has 7`},

		// Cron: the ? rule.
		{"cron(0 12 * * * *)", `schedule "cron(0 12 * * * *)": day-of-month "*" and day-of-week "*" cannot both be set; use ? for one of them, as in cron(0 12 * * ? *)`},
		{"cron(0 18 * * MON-FRI *)", `schedule "cron(0 18 * * MON-FRI *)": day-of-month "*" and day-of-week "MON-FRI" cannot both be set; use ? for one of them, as in cron(0 18 ? * MON-FRI *)`},
		{"cron(0 18 1 * mon *)", `schedule "cron(0 18 1 * mon *)": day-of-month "1" and day-of-week "mon" cannot both be set; use ? for one of them, as in cron(0 18 1 * ? *)`},
		{"cron(0 12 ? * ? *)", `schedule "cron(0 12 ? * ? *)": day-of-month and day-of-week cannot both be ?; use * for one of them, as in cron(0 12 * * ? *)`},

		// Cron: values and ranges.
		{"cron(60 12 * * ? *)", `schedule "cron(60 12 * * ? *)": minutes field "60": 60 is out of range 0-59`},
		{"cron(0 24 * * ? *)", `schedule "cron(0 24 * * ? *)": hours field "24": 24 is out of range 0-23`},
		{"cron(0 12,25 * * ? *)", `schedule "cron(0 12,25 * * ? *)": hours field "12,25": 25 is out of range 0-23`},
		{"cron(0 0 0 * ? *)", `schedule "cron(0 0 0 * ? *)": day-of-month field "0": 0 is out of range 1-31`},
		{"cron(0 0 32 * ? *)", `schedule "cron(0 0 32 * ? *)": day-of-month field "32": 32 is out of range 1-31`},
		{"cron(0 0 1 13 ? *)", `schedule "cron(0 0 1 13 ? *)": month field "13": 13 is out of range 1-12`},
		{"cron(0 0 1 0 ? *)", `schedule "cron(0 0 1 0 ? *)": month field "0": 0 is out of range 1-12`},
		{"cron(0 0 ? * 0 *)", `schedule "cron(0 0 ? * 0 *)": day-of-week field "0": 0 is out of range 1-7`},
		{"cron(0 0 ? * 8 *)", `schedule "cron(0 0 ? * 8 *)": day-of-week field "8": 8 is out of range 1-7`},
		{"cron(0 0 1 1 ? 1969)", `schedule "cron(0 0 1 1 ? 1969)": year field "1969": 1969 is out of range 1970-2199`},
		{"cron(0 0 1 1 ? 2200)", `schedule "cron(0 0 1 1 ? 2200)": year field "2200": 2200 is out of range 1970-2199`},
		{"cron(99999999999999999999 0 1 1 ? *)", `schedule "cron(99999999999999999999 0 1 1 ? *)": minutes field "99999999999999999999": 99999999999999999999 is out of range 0-59`},
		{"cron(0 0 1 1 ? 2030-2020)", `schedule "cron(0 0 1 1 ? 2030-2020)": year field "2030-2020": the range "2030-2020" runs backwards; write the earlier year first`},
		{"cron(0 0 1 JULY ? *)", `schedule "cron(0 0 1 JULY ? *)": month field "JULY": "JULY" is not a month; use 1-12 or JAN-DEC`},
		{"cron(0 0 1 J ? *)", `schedule "cron(0 0 1 J ? *)": month field "J": "J" is not a month; use 1-12 or JAN-DEC`},
		{"cron(0 0 ? * Weds *)", `schedule "cron(0 0 ? * Weds *)": day-of-week field "Weds": "Weds" is not a day of the week; use 1-7 (1 is Sunday) or SUN-SAT`},
		{"cron(0 0 ? * MON-FRY *)", `schedule "cron(0 0 ? * MON-FRY *)": day-of-week field "MON-FRY": "FRY" is not a day of the week; use 1-7 (1 is Sunday) or SUN-SAT`},
		{"cron(0 MON * * ? *)", `schedule "cron(0 MON * * ? *)": hours field "MON": "MON" is not a number in 0-23`},
		{"cron(0 1.5 * * ? *)", `schedule "cron(0 1.5 * * ? *)": hours field "1.5": "1.5" is not a number in 0-23`},
		{"cron(0 -1 * * ? *)", `schedule "cron(0 -1 * * ? *)": hours field "-1": "-1" is not a value; values cannot be negative`},
		{"cron(0 1- * * ? *)", `schedule "cron(0 1- * * ? *)": hours field "1-": the range "1-" needs a value on both sides of -, as in 1-5`},
		{"cron(0 1-2-3 * * ? *)", `schedule "cron(0 1-2-3 * * ? *)": hours field "1-2-3": "2-3" is not a number in 0-23`},
		{"cron(0 1,,2 * * ? *)", `schedule "cron(0 1,,2 * * ? *)": hours field "1,,2": the list has an empty item; separate values with single commas, as in 1,15`},
		{"cron(0 1, * * ? *)", `schedule "cron(0 1, * * ? *)": hours field "1,": the list has an empty item; separate values with single commas, as in 1,15`},

		// Cron: steps.
		{"cron(*/0 * * * ? *)", `schedule "cron(*/0 * * * ? *)": minutes field "*/0": the step 0 is out of range 1-59`},
		{"cron(*/60 * * * ? *)", `schedule "cron(*/60 * * * ? *)": minutes field "*/60": the step 60 is out of range 1-59; to run every 60 minutes use rate(60 minutes)`},
		{"cron(0 */24 * * ? *)", `schedule "cron(0 */24 * * ? *)": hours field "*/24": the step 24 is out of range 1-23; to run every 24 hours use rate(24 hours)`},
		{"cron(0 0 */31 * ? *)", `schedule "cron(0 0 */31 * ? *)": day-of-month field "*/31": the step 31 is out of range 1-30`},
		{"cron(*/ * * * ? *)", `schedule "cron(*/ * * * ? *)": minutes field "*/": a / needs a step after it, as in */5`},
		{"cron(*/x * * * ? *)", `schedule "cron(*/x * * * ? *)": minutes field "*/x": the step "x" is not a whole number`},
		{"cron(*/5/2 * * * ? *)", `schedule "cron(*/5/2 * * * ? *)": minutes field "*/5/2": the step "5/2" is not a whole number`},
		{"cron(/5 * * * ? *)", `schedule "cron(/5 * * * ? *)": minutes field "/5": "/5" needs a start before /, as in */5 or 0/5`},
		{"cron(0 0 ? * 2/2 *)", `schedule "cron(0 0 ? * 2/2 *)": day-of-week field "2/2": / is not allowed in day-of-week; list the days instead, as in MON,WED,FRI`},
		{"cron(0 0 ? * */2 *)", `schedule "cron(0 0 ? * */2 *)": day-of-week field "*/2": / is not allowed in day-of-week; list the days instead, as in MON,WED,FRI`},

		// Cron: ? L W # in the wrong place or combined.
		{"cron(? 0 * * ? *)", `schedule "cron(? 0 * * ? *)": minutes field "?": ? is only allowed in day-of-month and day-of-week`},
		{"cron(0 0 1 ? ? *)", `schedule "cron(0 0 1 ? ? *)": month field "?": ? is only allowed in day-of-month and day-of-week`},
		{"cron(0 0 ?,1 * ? *)", `schedule "cron(0 0 ?,1 * ? *)": day-of-month field "?,1": ? must be the whole field, not part of a list or range`},
		{"cron(0 0 ? * ?,1 *)", `schedule "cron(0 0 ? * ?,1 *)": day-of-week field "?,1": ? must be the whole field, not part of a list or range`},
		{"cron(L 0 * * ? *)", `schedule "cron(L 0 * * ? *)": minutes field "L": L is only allowed in day-of-month and day-of-week`},
		{"cron(0 0 1 L ? *)", `schedule "cron(0 0 1 L ? *)": month field "L": L is only allowed in day-of-month and day-of-week`},
		{"cron(0 0 * * ? L)", `schedule "cron(0 0 * * ? L)": year field "L": L is only allowed in day-of-month and day-of-week`},
		{"cron(0 5W * * ? *)", `schedule "cron(0 5W * * ? *)": hours field "5W": W is only allowed in day-of-month`},
		{"cron(0 0 ? * W *)", `schedule "cron(0 0 ? * W *)": day-of-week field "W": W is only allowed in day-of-month`},
		{"cron(0 0 ? * 2W *)", `schedule "cron(0 0 ? * 2W *)": day-of-week field "2W": W is only allowed in day-of-month`},
		{"cron(0 3#2 * * ? *)", `schedule "cron(0 3#2 * * ? *)": hours field "3#2": # is only allowed in day-of-week`},
		{"cron(0 0 3#2 * ? *)", `schedule "cron(0 0 3#2 * ? *)": day-of-month field "3#2": # is only allowed in day-of-week`},
		{"cron(0 0 1,L * ? *)", `schedule "cron(0 0 1,L * ? *)": day-of-month field "1,L": L, LW and nW must be the whole field, as in L or 15W, not part of a list, range or step`},
		{"cron(0 0 1,15W * ? *)", `schedule "cron(0 0 1,15W * ? *)": day-of-month field "1,15W": L, LW and nW must be the whole field, as in L or 15W, not part of a list, range or step`},
		{"cron(0 0 1-5W * ? *)", `schedule "cron(0 0 1-5W * ? *)": day-of-month field "1-5W": L, LW and nW must be the whole field, as in L or 15W, not part of a list, range or step`},
		{"cron(0 0 L/2 * ? *)", `schedule "cron(0 0 L/2 * ? *)": day-of-month field "L/2": L, LW and nW must be the whole field, as in L or 15W, not part of a list, range or step`},
		{"cron(0 0 W * ? *)", `schedule "cron(0 0 W * ? *)": day-of-month field "W": W needs a day before it, as in 15W, or L, as in LW`},
		{"cron(0 0 32W * ? *)", `schedule "cron(0 0 32W * ? *)": day-of-month field "32W": 32 is out of range 1-31`},
		{"cron(0 0 0W * ? *)", `schedule "cron(0 0 0W * ? *)": day-of-month field "0W": 0 is out of range 1-31`},
		{"cron(0 0 L-3 * ? *)", `schedule "cron(0 0 L-3 * ? *)": day-of-month field "L-3": offsets from the last day (L-n) are not supported; use L, LW or day numbers`},
		{"cron(0 0 ? * 5L,6 *)", `schedule "cron(0 0 ? * 5L,6 *)": day-of-week field "5L,6": L and nL must be the whole field, as in L or 6L, not part of a list or range`},
		{"cron(0 0 ? * 1-5L *)", `schedule "cron(0 0 ? * 1-5L *)": day-of-week field "1-5L": L and nL must be the whole field, as in L or 6L, not part of a list or range`},
		{"cron(0 0 ? * 8L *)", `schedule "cron(0 0 ? * 8L *)": day-of-week field "8L": 8 is out of range 1-7`},
		{"cron(0 0 ? * XL *)", `schedule "cron(0 0 ? * XL *)": day-of-week field "XL": "X" is not a day of the week; use 1-7 (1 is Sunday) or SUN-SAT`},
		{"cron(0 0 ? * 3#1,6#3 *)", `schedule "cron(0 0 ? * 3#1,6#3 *)": day-of-week field "3#1,6#3": # allows only one day in the field, as in 3#2; 3#1,6#3 is not valid`},
		{"cron(0 0 ? * 1,3#1 *)", `schedule "cron(0 0 ? * 1,3#1 *)": day-of-week field "1,3#1": # allows only one day in the field, as in 3#2; 3#1,6#3 is not valid`},
		{"cron(0 0 ? * 3#6 *)", `schedule "cron(0 0 ? * 3#6 *)": day-of-week field "3#6": the occurrence after # must be 1-5, as in 3#2 for the second Tuesday, not "6"`},
		{"cron(0 0 ? * 3#0 *)", `schedule "cron(0 0 ? * 3#0 *)": day-of-week field "3#0": the occurrence after # must be 1-5, as in 3#2 for the second Tuesday, not "0"`},
		{"cron(0 0 ? * 3# *)", `schedule "cron(0 0 ? * 3# *)": day-of-week field "3#": the occurrence after # must be 1-5, as in 3#2 for the second Tuesday, not ""`},
		{"cron(0 0 ? * 3#1#2 *)", `schedule "cron(0 0 ? * 3#1#2 *)": day-of-week field "3#1#2": # allows only one day in the field, as in 3#2; 3#1,6#3 is not valid`},
		{"cron(0 0 ? * 9#1 *)", `schedule "cron(0 0 ? * 9#1 *)": day-of-week field "9#1": 9 is out of range 1-7`},
		{"cron(0 0 ? * #1 *)", `schedule "cron(0 0 ? * #1 *)": day-of-week field "#1": # needs a day before it, as in 3#2 for the second Tuesday`},

		// Field errors are reported in field order, before the ? rule.
		{"cron(0 24 * * * *)", `schedule "cron(0 24 * * * *)": hours field "24": 24 is out of range 0-23`},

		// At.
		{"at(2030-01-31)", `schedule "at(2030-01-31)": at time "2030-01-31": must be a UTC time written yyyy-mm-ddThh:mm:ss, as in at(2030-01-31T18:30:00)`},
		{"at(2030-01-31 18:30:00)", `schedule "at(2030-01-31 18:30:00)": at time "2030-01-31 18:30:00": must be a UTC time written yyyy-mm-ddThh:mm:ss, as in at(2030-01-31T18:30:00)`},
		{"at(2030-01-31T18:30:00Z)", `schedule "at(2030-01-31T18:30:00Z)": at time "2030-01-31T18:30:00Z": must be a UTC time written yyyy-mm-ddThh:mm:ss, as in at(2030-01-31T18:30:00)`},
		{"at(2030-1-31T18:30:00)", `schedule "at(2030-1-31T18:30:00)": at time "2030-1-31T18:30:00": must be a UTC time written yyyy-mm-ddThh:mm:ss, as in at(2030-01-31T18:30:00)`},
		{"at(2027-02-29T00:00:00)", `schedule "at(2027-02-29T00:00:00)": at time "2027-02-29T00:00:00": is not a valid date and time (day out of range)`},
		{"at(2030-13-01T00:00:00)", `schedule "at(2030-13-01T00:00:00)": at time "2030-13-01T00:00:00": is not a valid date and time (month out of range)`},
		{"at(2030-01-01T24:00:00)", `schedule "at(2030-01-01T24:00:00)": at time "2030-01-01T24:00:00": is not a valid date and time (hour out of range)`},
	}
	for _, tt := range tests {
		s, err := Parse(tt.expr)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error %s", tt.expr, s, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error:\n got %s\nwant %s", tt.expr, err, tt.want)
		}
		var perr *Error
		if !errors.As(err, &perr) || perr.Expr != tt.expr {
			t.Errorf("Parse(%q) error %#v is not an *Error for the expression", tt.expr, err)
		}
		if s != (Schedule{}) {
			t.Errorf("Parse(%q) returned a non-zero Schedule with its error", tt.expr)
		}
	}
}

func TestErrorFields(t *testing.T) {
	_, err := Parse("cron(0 12,25 * * ? *)")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v is not an *Error", err)
	}
	want := Error{Expr: "cron(0 12,25 * * ? *)", Part: "hours field", Value: "12,25", Reason: "25 is out of range 0-23"}
	if *perr != want {
		t.Errorf("error = %+v, want %+v", *perr, want)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Rate: "rate", Cron: "cron", At: "at", 0: "invalid", 9: "invalid"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestZeroSchedule(t *testing.T) {
	var s Schedule
	if got, ok := s.Next(time.Now()); ok || !got.IsZero() {
		t.Errorf("zero Schedule Next = %v, %v; want zero, false", got, ok)
	}
	if s.String() != "" || s.Kind() != 0 || s.Interval() != 0 {
		t.Errorf("zero Schedule = %q %v %v", s.String(), s.Kind(), s.Interval())
	}
}
