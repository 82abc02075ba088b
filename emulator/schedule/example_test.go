package schedule_test

import (
	"fmt"
	"time"

	"github.com/lambench/lambench/emulator/schedule"
)

func Example() {
	s, err := schedule.Parse("cron(0 12 ? * MON-FRI *)")
	if err != nil {
		panic(err)
	}
	t := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC) // a Friday, at noon
	for range 3 {
		t, _ = s.Next(t)
		fmt.Println(t.Format(time.RFC1123))
	}
	// Output:
	// Mon, 04 Jan 2027 12:00:00 UTC
	// Tue, 05 Jan 2027 12:00:00 UTC
	// Wed, 06 Jan 2027 12:00:00 UTC
}

func ExampleSchedule_Start() {
	s, err := schedule.Parse("rate(5 minutes)")
	if err != nil {
		panic(err)
	}
	created := time.Date(2027, 1, 1, 10, 2, 30, 0, time.UTC)
	s.Start = created // the first run is at Start, then every 5 minutes
	t := created.Add(-time.Nanosecond)
	for range 3 {
		t, _ = s.Next(t)
		fmt.Println(t.Format(time.TimeOnly))
	}
	// Output:
	// 10:02:30
	// 10:07:30
	// 10:12:30
}

func ExampleParse_error() {
	_, err := schedule.Parse("rate(1 minutes)")
	fmt.Println(err)
	_, err = schedule.Parse("cron(0 12 * * MON *)")
	fmt.Println(err)
	// Output:
	// schedule "rate(1 minutes)": rate unit "minutes": must be singular when the value is 1, as in rate(1 minute)
	// schedule "cron(0 12 * * MON *)": day-of-month "*" and day-of-week "MON" cannot both be set; use ? for one of them, as in cron(0 12 ? * MON *)
}
