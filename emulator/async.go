package emulator

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Asynchronous invocation (InvocationType Event), as Lambda does it: the
// caller gets 202 at once and the event waits in a queue; a failed
// invocation is retried (MaximumRetryAttempts, 2 by default, after
// delays that are short locally: 1 s, then 2 s), throttles and service
// errors are retried until the event is too old (MaximumEventAge, 6 h);
// an event that cannot be processed is recorded in the on-failure
// destination, a JSON-lines file of AWS's destination records.
//
// Nothing accepted is lost: with a state directory every queued event is
// a file (STATE/async/*.json) until it is done, and the queue resumes
// after a restart; without one, Close first lets the queue drain for a
// while, then records what is left in the on-failure destination.

// Defaults of asynchronous invocation.
const (
	DefaultAsyncQueue   = 100_000
	DefaultAsyncRetries = 2
	DefaultMaxEventAge  = 6 * time.Hour
	asyncWorkers        = 16
	throttleRetry       = 500 * time.Millisecond
)

// DefaultAsyncRetryDelays are the local delays before the first and
// second retry (AWS waits about 1 and 2 minutes).
var DefaultAsyncRetryDelays = []time.Duration{time.Second, 2 * time.Second}

// asyncEvent is one accepted event.
type asyncEvent struct {
	ID            string
	Function      string
	ARN           string
	Payload       json.RawMessage
	ClientContext string    `json:",omitempty"`
	Accepted      time.Time // when the caller got 202
	Attempts      int       // invocations that ran (and failed)
	NotBefore     time.Time // when it may run next

	index int // in the heap
	file  string
}

// asyncQueue holds events by the time they may run next.
type asyncQueue struct {
	s        *Server
	mu       sync.Mutex
	events   eventHeap
	running  int
	refusing bool // no more events are accepted
	closed   bool // the workers stop
	wake     chan struct{}
	workers  sync.WaitGroup
	failMu   sync.Mutex // serializes writes of the on-failure destination
}

type eventHeap []*asyncEvent

func (h eventHeap) Len() int           { return len(h) }
func (h eventHeap) Less(i, j int) bool { return h[i].NotBefore.Before(h[j].NotBefore) }
func (h eventHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *eventHeap) Push(x any) { e := x.(*asyncEvent); e.index = len(*h); *h = append(*h, e) }
func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// start resumes persisted events and starts the workers.
func (q *asyncQueue) start(s *Server) error {
	q.s = s
	q.wake = make(chan struct{}, 1)
	if dir := q.dir(); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("async queue: %w", err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			var ev asyncEvent
			if err == nil {
				err = json.Unmarshal(b, &ev)
			}
			if err != nil {
				s.opts.logger.Warn("skip an unreadable queued event", "file", f, "error", err)
				continue
			}
			ev.file = f
			heap.Push(&q.events, &ev)
		}
		if n := len(q.events); n > 0 {
			s.opts.logger.Info("resumed queued asynchronous events", "events", n)
		}
	}
	for range asyncWorkers {
		q.workers.Add(1)
		go q.work()
	}
	return nil
}

func (q *asyncQueue) dir() string {
	if q.s.opts.stateDir == "" {
		return ""
	}
	return filepath.Join(q.s.opts.stateDir, "async")
}

// accept queues an event and returns its request id.
func (q *asyncQueue) accept(fn *function, arn string, payload []byte, clientContext string) (string, error) {
	now := time.Now()
	ev := &asyncEvent{
		ID: newRequestID(), Function: fn.name, ARN: arn, Payload: payload,
		ClientContext: clientContext, Accepted: now, NotBefore: now,
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.refusing:
		return "", errService("%v", errShuttingDown)
	case len(q.events)+q.running >= q.limit():
		return "", &APIError{Status: 429, Code: "TooManyRequestsException",
			Message: fmt.Sprintf("Rate Exceeded. The local Lambda's queue of asynchronous events is full (%d events).", q.limit())}
	}
	if err := q.save(ev); err != nil {
		return "", errService("queue the event: %v", err)
	}
	heap.Push(&q.events, ev)
	q.signal()
	return ev.ID, nil
}

func (q *asyncQueue) limit() int {
	if q.s.opts.asyncQueue > 0 {
		return q.s.opts.asyncQueue
	}
	return DefaultAsyncQueue
}

// save writes the event to the state directory (nothing without one).
func (q *asyncQueue) save(ev *asyncEvent) error {
	dir := q.dir()
	if dir == "" {
		return nil
	}
	if ev.file == "" {
		ev.file = filepath.Join(dir, fmt.Sprintf("%d-%s.json", ev.Accepted.UnixNano(), ev.ID))
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	tmp := ev.file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, ev.file)
}

func (q *asyncQueue) done(ev *asyncEvent) {
	if ev.file != "" {
		os.Remove(ev.file)
	}
}

func (q *asyncQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next waits for an event that may run now; nil once closed.
func (q *asyncQueue) next() *asyncEvent {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return nil
		}
		var wait time.Duration = -1
		if len(q.events) > 0 {
			if wait = time.Until(q.events[0].NotBefore); wait <= 0 {
				ev := heap.Pop(&q.events).(*asyncEvent)
				q.running++
				more := len(q.events) > 0
				q.mu.Unlock()
				if more {
					q.signal() // let another worker look too
				}
				return ev
			}
		}
		q.mu.Unlock()
		var timer *time.Timer
		var fire <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			fire = timer.C
		}
		select {
		case <-q.wake:
			q.signal() // several workers may wait: pass the news on
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

func (q *asyncQueue) work() {
	defer q.workers.Done()
	for {
		ev := q.next()
		if ev == nil {
			return
		}
		q.process(ev)
	}
}

// process runs an event once and decides what comes next.
func (q *asyncQueue) process(ev *asyncEvent) {
	s := q.s
	requeue := func(after time.Duration) {
		ev.NotBefore = time.Now().Add(after)
		q.mu.Lock()
		q.running--
		if q.closed && s.opts.stateDir == "" {
			q.mu.Unlock()
			q.fail(ev, "Shutdown", nil)
			return
		}
		if err := q.save(ev); err != nil {
			s.opts.logger.Warn("save a queued event", "error", err)
		}
		heap.Push(&q.events, ev)
		q.mu.Unlock()
		q.signal()
	}
	finish := func() {
		q.mu.Lock()
		q.running--
		q.mu.Unlock()
		q.done(ev)
	}
	fn := s.function(ev.Function)
	if fn == nil {
		finish()
		q.fail(ev, "FunctionNotFound", nil)
		return
	}
	maxAge, retries := fn.asyncPolicy(s)
	if time.Since(ev.Accepted) > maxAge {
		finish()
		q.fail(ev, "EventAgeExceeded", nil)
		return
	}
	inv := &invocation{id: ev.ID, payload: ev.Payload, clientContext: ev.ClientContext, traceID: newTraceID(), invokedARN: ev.ARN}
	out, err := s.runInvocation(context.Background(), fn, inv)
	var ae *APIError
	switch {
	case err != nil && errors.As(err, &ae) && ae.Code == "ResourceNotFoundException":
		finish()
		q.fail(ev, "FunctionNotFound", nil)
	case err != nil:
		// Throttled, or the service could not run it: not an attempt.
		requeue(throttleRetry)
	case out.FunctionError == "":
		finish()
	default:
		ev.Attempts++
		if ev.Attempts > retries {
			finish()
			q.fail(ev, "RetriesExhausted", out)
			return
		}
		delays := s.opts.asyncRetryDelays
		if len(delays) == 0 {
			delays = DefaultAsyncRetryDelays
		}
		requeue(delays[min(ev.Attempts-1, len(delays)-1)])
	}
}

// asyncPolicy returns the function's maximum event age and retries.
func (fn *function) asyncPolicy(s *Server) (time.Duration, int) {
	cfg := fn.config()
	age, retries := DefaultMaxEventAge, DefaultAsyncRetries
	if s.opts.asyncMaxAge > 0 {
		age = s.opts.asyncMaxAge
	}
	if cfg.MaxEventAge > 0 {
		age = cfg.MaxEventAge
	}
	if cfg.MaxRetryAttempts != nil {
		retries = *cfg.MaxRetryAttempts
	}
	return age, retries
}

// destinationRecord is AWS's on-failure destination record.
type destinationRecord struct {
	Version         string          `json:"version"`
	Timestamp       string          `json:"timestamp"`
	RequestContext  requestContext  `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext responseContext `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload,omitempty"`
}

type requestContext struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// fail records an event that will not be processed.
func (q *asyncQueue) fail(ev *asyncEvent, condition string, out *InvokeOutput) {
	s := q.s
	arn := ev.ARN
	if !strings.HasSuffix(arn, ":"+latestVersion) {
		arn += ":" + latestVersion
	}
	rec := destinationRecord{
		Version:        "1.0",
		Timestamp:      time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: requestContext{RequestID: ev.ID, FunctionArn: arn, Condition: condition, ApproximateInvokeCount: ev.Attempts},
		RequestPayload: ev.Payload,
	}
	if out != nil {
		rec.ResponseContext = responseContext{StatusCode: out.StatusCode, ExecutedVersion: latestVersion, FunctionError: out.FunctionError}
		if json.Valid(out.Payload) {
			rec.ResponsePayload = out.Payload
		}
	}
	line, _ := json.Marshal(rec)
	s.opts.logger.Warn("asynchronous event not processed", "function", ev.Function, "request", ev.ID, "condition", condition)
	path := s.opts.onFailure
	if path == "" && s.opts.stateDir != "" {
		path = filepath.Join(s.opts.stateDir, "on-failure.jsonl")
	}
	if path == "" {
		s.opts.logger.Warn("no on-failure destination is configured; the record is only logged", "record", string(line))
		return
	}
	q.failMu.Lock()
	defer q.failMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = f.Write(append(line, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		s.opts.logger.Error("write the on-failure destination", "path", path, "error", err, "record", string(line))
	}
}

// drain waits up to d for the queue to empty (nothing queued or running).
func (q *asyncQueue) drain(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		q.mu.Lock()
		n := len(q.events) + q.running
		q.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (q *asyncQueue) stopAccepting() {
	q.mu.Lock()
	q.refusing = true
	q.mu.Unlock()
}

// close tells the workers to stop after what they are running.
func (q *asyncQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

// shutdown waits for the workers; what is left stays saved (with a state
// directory) or is recorded in the on-failure destination.
func (q *asyncQueue) shutdown() {
	q.workers.Wait()
	q.mu.Lock()
	left := append(eventHeap(nil), q.events...)
	q.events = nil
	q.mu.Unlock()
	if q.s.opts.stateDir != "" {
		return
	}
	for _, ev := range left {
		q.fail(ev, "Shutdown", nil)
	}
}

// Queued reports how many asynchronous events wait or run.
func (s *Server) Queued() int {
	s.async.mu.Lock()
	defer s.async.mu.Unlock()
	return len(s.async.events) + s.async.running
}
