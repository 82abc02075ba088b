// Package schedule parses Amazon EventBridge schedule expressions and
// computes their fire times, so that the local Lambda can invoke a function
// configured with, for example,
//
//	schedule = "rate(5 minutes)"
//	schedule = "cron(0 12 * * ? *)"
//
// Use [Parse] to turn an expression into a [Schedule], then call
// [Schedule.Next] to get the first fire time after a given instant. All
// times are computed in UTC, as EventBridge rules do; Next accepts an
// instant in any location and returns UTC times.
//
// # Rate expressions
//
// rate(value unit) fires every value units. value is a positive integer and
// unit is one of minute, minutes, hour, hours, day or days; as in AWS, the
// unit is singular exactly when value is 1: rate(1 hour) and rate(5 hours)
// are valid, rate(1 hours) and rate(5 hour) are not.
//
// A rate schedule counts from when it was created, which only the caller
// knows: set [Schedule.Start] to that instant. The schedule then fires at
// Start, Start+interval, Start+2·interval, and so on (EventBridge Scheduler
// treats the start date as the first occurrence). Without a Start, Next
// returns one interval after the instant it is given.
//
// # Cron expressions
//
// cron(minutes hours day-of-month month day-of-week year) has six fields
// separated by white space:
//
//	Field          Values               Wildcards
//	minutes        0-59                 , - * /
//	hours          0-23                 , - * /
//	day-of-month   1-31                 , - * ? / L W
//	month          1-12 or JAN-DEC      , - * /
//	day-of-week    1-7 or SUN-SAT       , - * ? L #
//	year           1970-2199            , - * /
//
// A field is a comma-separated list of items; an item is * (every value),
// a value, a range a-b, or any of those followed by /step (every step-th
// value: 5/15 in minutes is 5, 20, 35 and 50; */15 is 0, 15, 30 and 45).
// A range whose end comes before its start wraps around (22-2 in hours is
// 22, 23, 0, 1 and 2; FRI-MON in day-of-week is Friday through Monday),
// except in the year field. Names are case-insensitive. Day-of-week
// numbers follow AWS: 1 is Sunday and 7 is Saturday.
//
// Exactly one of day-of-month and day-of-week must be ? ("any"): a schedule
// picks its days by one of them, never both, and never neither.
//
// These special forms must make up the whole of their field:
//
//	day-of-month  L     the last day of the month
//	day-of-month  LW    the last weekday (Monday to Friday) of the month
//	day-of-month  15W   the weekday nearest the 15th, within the same month:
//	                    if the 15th is a Saturday, Friday the 14th; if a
//	                    Sunday, Monday the 16th; 1W on a Saturday 1st is
//	                    Monday the 3rd, and 31W on a Sunday 31st is Friday
//	                    the 29th; months shorter than the day are skipped
//	day-of-week   L     the last day of the week, Saturday
//	day-of-week   5L    the last Thursday of the month (also THUL)
//	day-of-week   3#2   the second Tuesday of the month (also TUE#2); months
//	                    without that occurrence (2#5 in most months) are
//	                    skipped
//
// A cron schedule fires at second 0 of every matching minute. It never fires
// before [Schedule.Start] when that is set (EventBridge Scheduler's start
// date), and never after 2199.
//
// # At expressions
//
// at(yyyy-mm-ddThh:mm:ss), from EventBridge Scheduler, fires once at that
// UTC time. Start does not apply to it.
//
// # Errors
//
// Parse reports an invalid expression with an [*Error] naming the part at
// fault, its text and what to do, for example
//
//	schedule "cron(0 12 * * * *)": day-of-month "*" and day-of-week "*" cannot both be set; use ? for one of them, as in cron(0 12 * * ? *)
package schedule
