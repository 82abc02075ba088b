package emulator

import (
	"encoding/json"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambench/lambench/emulator/schedule"
)

// Schedules: a function with a Schedule is invoked asynchronously with a
// Scheduled Event at each of its fire times, as an EventBridge rule
// targeting it would. Rate schedules count from the server's start.
// A fire time missed (the machine slept) fires once, late.

type scheduled struct {
	fn   *function
	sch  schedule.Schedule
	rule string
	next time.Time
}

// startSchedules starts the goroutine that fires the configured schedules.
func (s *Server) startSchedules() {
	now := time.Now()
	var all []*scheduled
	for _, fn := range s.functionList() {
		cfg := fn.config()
		if cfg.Schedule == "" {
			continue
		}
		sch, err := schedule.Parse(cfg.Schedule)
		if err != nil {
			continue // validated at registration
		}
		sch.Start = now
		next, ok := sch.Next(now)
		if !ok {
			continue
		}
		all = append(all, &scheduled{fn: fn, sch: sch, next: next,
			rule: "arn:aws:events:" + s.opts.region + ":" + s.opts.accountID + ":rule/lambench-" + fn.name + "-schedule"})
	}
	if len(all) == 0 {
		return
	}
	s.bg.Add(1)
	go s.fireSchedules(all)
}

func (s *Server) fireSchedules(all []*scheduled) {
	defer s.bg.Done()
	for len(all) > 0 {
		first := all[0]
		for _, sc := range all[1:] {
			if sc.next.Before(first.next) {
				first = sc
			}
		}
		t := time.NewTimer(time.Until(first.next))
		select {
		case <-s.quit:
			t.Stop()
			return
		case <-t.C:
		}
		now := time.Now()
		s.fire(first, first.next)
		next, ok := first.sch.Next(now)
		if !ok {
			all = removeScheduled(all, first)
			continue
		}
		first.next = next
	}
}

func removeScheduled(all []*scheduled, sc *scheduled) []*scheduled {
	for i, x := range all {
		if x == sc {
			return append(all[:i], all[i+1:]...)
		}
	}
	return all
}

// fire queues the Scheduled Event of one fire time.
func (s *Server) fire(sc *scheduled, at time.Time) {
	ev := events.CloudWatchEvent{
		Version:    "0",
		ID:         newRequestID(),
		DetailType: "Scheduled Event",
		Source:     "aws.events",
		AccountID:  s.opts.accountID,
		Time:       at.UTC().Truncate(time.Second),
		Region:     s.opts.region,
		Resources:  []string{sc.rule},
		Detail:     json.RawMessage(`{}`),
	}
	payload, _ := json.Marshal(ev)
	if _, err := s.async.accept(sc.fn, sc.fn.arn, payload, ""); err != nil {
		s.opts.logger.Warn("scheduled invocation not queued", "function", sc.fn.name, "schedule", sc.sch.String(), "error", err)
		return
	}
	s.opts.logger.Debug("scheduled invocation", "function", sc.fn.name, "schedule", sc.sch.String())
}
