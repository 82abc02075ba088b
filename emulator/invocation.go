package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/lambench/lambench/internal/requestid"
)

// Invoke API limits and values.
const (
	// MaxSyncPayload is the largest request payload of a synchronous invoke.
	MaxSyncPayload = 6291456
	// MaxAsyncPayload is the largest payload of an asynchronous (Event) invoke.
	MaxAsyncPayload = 1 << 20
	// maxClientContext is the largest X-Amz-Client-Context (base64) accepted.
	maxClientContext = 3583

	InvocationRequestResponse = "RequestResponse"
	InvocationEvent           = "Event"
	InvocationDryRun          = "DryRun"
	LogTypeNone               = "None"
	LogTypeTail               = "Tail"

	latestVersion = "$LATEST"
)

var errShuttingDown = errors.New("the local Lambda is shutting down")

// InvokeInput is one Invoke call, as the Invoke API receives it.
type InvokeInput struct {
	// FunctionName is a name, an ARN or a partial ARN (ACCOUNT:function:NAME),
	// optionally followed by :$LATEST.
	FunctionName string
	// Qualifier is empty or $LATEST (the local Lambda has no versions or aliases).
	Qualifier string
	// InvocationType is RequestResponse (the default), Event or DryRun.
	InvocationType string
	// LogType is None (the default) or Tail.
	LogType string
	// ClientContext is the base64 JSON of X-Amz-Client-Context.
	ClientContext string
	// Payload is the event; empty means {}.
	Payload []byte

	requestID string // when set, the invocation's request id (the HTTP front's)
}

// InvokeOutput is the result of a synchronous invoke.
type InvokeOutput struct {
	// StatusCode is 200 for RequestResponse, 202 for Event and 204 for DryRun.
	StatusCode int
	// RequestID identifies the invocation (and its START/END/REPORT lines).
	RequestID string
	// Payload is the function's response, or its error when FunctionError is set.
	Payload []byte
	// FunctionError is "Unhandled" when the function failed.
	FunctionError string
	// LogResult is the last 4 KB of the invocation's log when LogType was
	// Tail; plain text (the HTTP API sends it base64-encoded).
	LogResult []byte
	// ExecutedVersion is always $LATEST.
	ExecutedVersion string
	// Report holds the figures of the REPORT line.
	Report Report
}

// Report holds the figures of a REPORT log line.
type Report struct {
	// RequestID is the invocation's request id.
	RequestID string
	// Duration is the time from handing the event to the runtime until it
	// was done (or the timeout).
	Duration time.Duration
	// BilledDuration is Duration plus, on a cold start, InitDuration,
	// rounded up to the millisecond.
	BilledDuration time.Duration
	// MemorySizeMB is the configured memory size.
	MemorySizeMB int
	// MaxMemoryUsedMB is the environment's peak memory so far, measured.
	MaxMemoryUsedMB int
	// InitDuration is the time from starting the process to its first
	// GET /next; zero on a warm start.
	InitDuration time.Duration
	// Cold reports whether this invocation started a new environment.
	Cold bool
	// Status is empty on success, or "timeout" or "error" when Lambda ended it.
	Status string
	// ErrorType is set with Status "error", e.g. Runtime.ExitError.
	ErrorType string
}

// String formats r as Lambda's REPORT line.
func (r Report) String() string {
	var b strings.Builder
	b.WriteString("REPORT RequestId: ")
	b.WriteString(r.RequestID)
	fmt.Fprintf(&b, "\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		ms(r.Duration), r.BilledDuration.Milliseconds(), r.MemorySizeMB, r.MaxMemoryUsedMB)
	if r.Cold {
		fmt.Fprintf(&b, "Init Duration: %.2f ms\t", ms(r.InitDuration))
	}
	if r.Status != "" {
		b.WriteString("Status: " + r.Status + "\t")
	}
	if r.ErrorType != "" {
		b.WriteString("Error Type: " + r.ErrorType + "\t")
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// billed rounds up to the millisecond, as Lambda bills.
func billed(d time.Duration) time.Duration {
	return time.Duration(math.Ceil(ms(d))) * time.Millisecond
}

type invPhase int

const (
	phasePending   invPhase = iota // not yet handed to the runtime
	phaseDelivered                 // the runtime has the event
	phaseResponded                 // a response was posted
	phaseFailed                    // an error was posted (or the response was too large)
	phaseComplete                  // the runtime asked for the next event
)

// invocation is one event on its way through an environment. Its phase and
// results are guarded by the environment's mu.
type invocation struct {
	id            string
	payload       []byte
	clientContext string
	traceID       string
	invokedARN    string
	start         time.Time
	deadline      time.Time
	// reinit is set once an init ran out of the init phase's 10 s: as on
	// AWS, the next environment's init runs within the invocation, bounded
	// by the function's timeout together with the invocation.
	reinit bool

	phase     invPhase
	abandoned bool // run gave up on it before the runtime took it
	response  []byte
	errBody   []byte
	errType   string
	end       time.Time
	done      chan struct{}

	tail tailBuffer // guarded by the environment's capture lock
}

func (inv *invocation) respond(body []byte) {
	inv.response, inv.phase = body, phaseResponded
}

func (inv *invocation) fail(errType string, body []byte) {
	inv.errType, inv.errBody, inv.phase = errType, body, phaseFailed
}

// complete marks the runtime done with the invocation.
func (inv *invocation) complete(at time.Time) {
	inv.end = at
	inv.phase = phaseComplete
	close(inv.done)
}

// outcome is what running an invocation in an environment produced.
type outcome struct {
	payload   []byte
	funcError bool
	report    Report
	reusable  bool // the environment can serve again
	retry     bool // the event never reached the function: use another environment
}

// Invoke runs a synchronous invocation (or a DryRun). Service errors are
// *APIError values; a function's own failure is not an error but an
// output with FunctionError set.
func (s *Server) Invoke(ctx context.Context, in *InvokeInput) (*InvokeOutput, error) {
	name, arn, err := s.resolveName(in.FunctionName, in.Qualifier)
	if err != nil {
		return nil, err
	}
	fn := s.function(name)
	if fn == nil {
		return nil, errNotFound(arn)
	}
	if state, _ := fn.status(); state == statePending {
		return nil, errConflict("The operation cannot be performed at this time. The function is currently in the following state: %s", state)
	}
	typ := in.InvocationType
	if typ == "" {
		typ = InvocationRequestResponse
	}
	switch typ {
	case InvocationRequestResponse:
	case InvocationDryRun:
		return &InvokeOutput{StatusCode: 204, RequestID: newRequestID(), ExecutedVersion: latestVersion}, nil
	case InvocationEvent:
	default:
		return nil, errInvalidParameter("1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", typ)
	}
	if in.LogType != "" && in.LogType != LogTypeNone && in.LogType != LogTypeTail {
		return nil, errInvalidParameter("1 validation error detected: Value '%s' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]", in.LogType)
	}
	payload := in.Payload
	if typ == InvocationEvent && len(payload) > MaxAsyncPayload {
		return nil, &APIError{Status: 413, Code: "RequestTooLargeException",
			Message: fmt.Sprintf("Request must be smaller than %d bytes for the InvokeAsync operation", MaxAsyncPayload)}
	}
	if len(payload) > MaxSyncPayload {
		return nil, errRequestTooLarge()
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	} else if !json.Valid(payload) {
		var v json.RawMessage
		err := json.Unmarshal(payload, &v)
		return nil, errInvalidContent("Could not parse request body into json: %v", err)
	}
	clientContext, err := decodeClientContext(in.ClientContext)
	if err != nil {
		return nil, err
	}
	if typ == InvocationEvent {
		id, err := s.async.accept(fn, arn, payload, clientContext)
		if err != nil {
			return nil, err
		}
		return &InvokeOutput{StatusCode: 202, RequestID: id, ExecutedVersion: latestVersion}, nil
	}
	id := in.requestID
	if id == "" {
		id = newRequestID()
	}
	inv := &invocation{
		id:            id,
		payload:       payload,
		clientContext: clientContext,
		traceID:       newTraceID(),
		invokedARN:    arn, // qualified when the caller qualified it, as on AWS
	}
	out, err := s.runInvocation(ctx, fn, inv)
	if err != nil {
		return nil, err
	}
	if in.LogType == LogTypeTail {
		out.LogResult = append([]byte(nil), inv.tail.bytes()...)
	}
	return out, nil
}

// runInvocation runs one invocation of fn synchronously: in a warm
// environment, or a new one, trying another when the chosen one dies
// before the event reaches it. ctx bounds only the wait for admission
// (WithMaxInitializing): once it has an environment the invocation runs
// to its end, as on AWS, whether or not its caller is still there.
func (s *Server) runInvocation(ctx context.Context, fn *function, inv *invocation) (*InvokeOutput, error) {
	if err := s.refresh(fn); err != nil {
		s.opts.logger.Warn("reload", "function", fn.name, "error", err)
	}
	for attempt := 0; ; attempt++ {
		env, cold, waited, err := s.sched.acquire(ctx, fn)
		if waited > 0 {
			// Latency the caller sees and AWS would not add: the machine
			// was busy starting other environments.
			s.opts.logger.Debug("waited for admission", "function", fn.name, "request_id", inv.id,
				"waited", waited, "cold", cold, "error", err)
		}
		if err != nil {
			return nil, err
		}
		if cold {
			// A cold invocation's tail starts with what init printed.
			env.tail = &inv.tail
			if err := env.start(); err != nil {
				s.sched.release(env, false)
				if !errors.Is(err, errShuttingDown) {
					s.opts.logger.Error("start an execution environment", "function", fn.name, "error", err)
				}
				return nil, errService("start an execution environment for %s: %v", fn.name, err)
			}
		}
		out := env.run(inv, cold)
		s.sched.release(env, out.reusable)
		if s.sched.isClosing() && !out.reusable {
			return nil, errService("%v", errShuttingDown)
		}
		if out.retry {
			if attempt < 3 {
				continue
			}
			return nil, errService("no execution environment of %s took the event: each exited before it could", fn.name)
		}
		res := &InvokeOutput{
			StatusCode:      200,
			RequestID:       inv.id,
			Payload:         out.payload,
			ExecutedVersion: latestVersion,
			Report:          out.report,
		}
		if out.funcError {
			res.FunctionError = "Unhandled"
		}
		return res, nil
	}
}

// run hands inv to the environment and waits for the outcome: a response,
// a function error, a timeout, the process exiting, or init failing.
func (e *environment) run(inv *invocation, cold bool) outcome {
	cfg := e.cfg
	inv.done = make(chan struct{})
	if cold {
		initLimit := e.srv.opts.initTimeout
		if inv.reinit {
			initLimit = cfg.Timeout
		}
		initTimer := time.NewTimer(initLimit)
		defer initTimer.Stop()
		select {
		case <-e.ready:
			e.limitCPU()
		case <-e.initFailed:
			e.kill()
			<-e.exited
			e.mu.Lock()
			body, t := e.initErrBody, e.initErrType
			e.mu.Unlock()
			if retry, ok := e.initReport(inv, "error", t); ok {
				return retry
			}
			if len(body) == 0 {
				body = errorBody(t, "RequestId: "+inv.id+" Error: init failed")
			}
			return e.failedInit(inv, body, t, "")
		case <-e.exited:
			msg := e.exitMessage()
			t := "Runtime.ExitError"
			if e.cmd == nil || e.cmd.Process == nil {
				t = launchErrorType(e.exitErr) // nothing ran: nothing to retry
			} else if retry, ok := e.initReport(inv, "error", t); ok {
				return retry
			}
			body := errorBody(t, "RequestId: "+inv.id+" Error: "+msg)
			return e.failedInit(inv, body, t, "RequestId: "+inv.id+" Error: "+msg)
		case <-initTimer.C:
			e.kill()
			<-e.exited
			if retry, ok := e.initReport(inv, "timeout", ""); ok {
				return retry
			}
			t := "Sandbox.Timedout"
			secs := initLimit.Seconds()
			body := errorBody(t, fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, secs))
			return e.failedInit(inv, body, t, fmt.Sprintf("%s %s Task timed out after %.2f seconds", timestamp(), inv.id, secs))
		}
	}

	inv.start = time.Now()
	inv.deadline = inv.start.Add(cfg.Timeout)
	if cold && inv.reinit {
		inv.deadline = e.startedAt.Add(cfg.Timeout) // the init ran within the invocation
	}
	select {
	case <-e.stopped:
		return e.undelivered(inv)
	default:
	}
	select {
	case e.work <- inv:
	case <-e.stopped:
		return e.undelivered(inv)
	case <-e.exited:
		return e.undelivered(inv)
	}

	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	select {
	case <-inv.done:
		return e.finish(inv, cold, "", "")
	case <-e.exited:
		msg := "RequestId: " + inv.id + " Error: " + e.exitMessage()
		reportType := "Runtime.ExitError"
		if e.oomKilledNow() {
			// Current runtimes report a memory kill this way: the caller
			// sees the exit, the REPORT line says why.
			reportType = "Runtime.OutOfMemory"
		}
		e.mu.Lock()
		switch inv.phase {
		case phasePending:
			// Handed over, but the process died before it got the event.
			inv.abandoned = true
			e.mu.Unlock()
			return e.undelivered(inv)
		case phaseComplete:
			e.mu.Unlock()
			return e.finish(inv, cold, "", "")
		case phaseResponded, phaseFailed:
			// Done before exiting (a one-shot bootstrap, a panic): the result stands.
			inv.complete(time.Now())
			e.cur = nil
			e.mu.Unlock()
			return e.finish(inv, cold, "", "")
		}
		e.cur = nil
		inv.end = time.Now()
		inv.fail("Runtime.ExitError", errorBody("Runtime.ExitError", msg))
		e.mu.Unlock()
		return e.finish(inv, cold, "error", reportType, msg, "Runtime.ExitError")
	case <-timer.C:
		e.kill()
		<-e.exited
		secs := cfg.Timeout.Seconds()
		e.mu.Lock()
		if inv.phase == phaseComplete { // finished as the deadline fell
			e.mu.Unlock()
			return e.finish(inv, cold, "", "")
		}
		inv.abandoned = true
		e.cur = nil
		inv.end = inv.start.Add(cfg.Timeout)
		inv.fail("Sandbox.Timedout", errorBody("Sandbox.Timedout", fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", inv.id, secs)))
		e.mu.Unlock()
		return e.finish(inv, cold, "timeout", "", fmt.Sprintf("%s %s Task timed out after %.2f seconds", timestamp(), inv.id, secs))
	}
}

// undelivered ends an attempt whose event never reached the function: the
// environment is gone, and the invocation is tried again elsewhere with a
// clean tail.
func (e *environment) undelivered(inv *invocation) outcome {
	e.detachTail()
	inv.tail = tailBuffer{}
	return outcome{retry: true}
}

// finish writes END and REPORT (after any lines given) and builds the outcome.
func (e *environment) finish(inv *invocation, cold bool, status, errType string, lines ...string) outcome {
	e.mu.Lock()
	r := Report{
		RequestID:    inv.id,
		Duration:     inv.end.Sub(inv.start),
		MemorySizeMB: e.cfg.MemoryMB,
		Cold:         cold,
		Status:       status,
		ErrorType:    errType,
	}
	if cold {
		r.InitDuration = e.readyAt.Sub(e.startedAt)
	}
	out := outcome{reusable: status == ""}
	if inv.phase == phaseComplete && inv.errType == "" {
		out.payload = inv.response
	} else {
		out.payload, out.funcError = inv.errBody, true
	}
	e.mu.Unlock()
	r.MaxMemoryUsedMB = e.memoryUsedMB()
	r.BilledDuration = billed(r.Duration + r.InitDuration)
	e.platformLines(nil, append(lines, "END RequestId: "+inv.id, r.String())...)
	out.report = r
	select {
	case <-e.exited:
		out.reusable = false
	default:
	}
	return out
}

// initReport writes the INIT_REPORT line of an init that failed (status
// "error" with its errType, or "timeout"). As AWS does, the first failed
// init of an invocation (Phase: init) is retried within the invocation,
// bounded by the function's timeout, in a new environment: ok is then true
// and retry is the outcome to return. The retried init's failure (Phase:
// invoke) ends the invocation.
func (e *environment) initReport(inv *invocation, status, errType string) (retry outcome, ok bool) {
	phase := "init"
	if inv.reinit {
		phase = "invoke"
	}
	line := fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: %s\tStatus: %s",
		float64(time.Since(e.startedAt).Microseconds())/1000, phase, status)
	if errType != "" {
		line += "\tError Type: " + errType
	}
	e.platformLines(&inv.tail, line)
	if inv.reinit {
		return outcome{}, false
	}
	inv.reinit = true
	return outcome{retry: true}, true
}

// failedInit ends an invocation whose environment never finished init.
func (e *environment) failedInit(inv *invocation, body []byte, errType string, line string) outcome {
	now := time.Now()
	inv.start, inv.end = e.startedAt, now
	lines := []string{"START RequestId: " + inv.id + " Version: $LATEST"}
	if line != "" {
		lines = append(lines, line, errType)
	}
	e.platformLines(&inv.tail, lines...)
	inv.errBody, inv.errType = body, errType
	r := Report{
		RequestID:       inv.id,
		Duration:        now.Sub(e.startedAt),
		MemorySizeMB:    e.cfg.MemoryMB,
		MaxMemoryUsedMB: e.memoryUsedMB(),
		Status:          "error",
		ErrorType:       errType,
	}
	if e.oomKilledNow() {
		r.ErrorType = "Runtime.OutOfMemory"
	}
	if errType == "Sandbox.Timedout" {
		r.Status, r.ErrorType = "timeout", ""
	}
	r.BilledDuration = billed(r.Duration)
	e.platformLines(nil, "END RequestId: "+inv.id, r.String())
	return outcome{payload: body, funcError: true, report: r}
}

func errorBody(errType, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{errType, msg})
	return b
}

func timestamp() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

func decodeClientContext(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if len(s) > maxClientContext {
		return "", errInvalidParameter("Client context must be at most %d bytes of base64", maxClientContext)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !json.Valid(b) {
		return "", errInvalidParameter("Client context must be a valid Base64-encoded JSON object.")
	}
	return string(b), nil
}

// newRequestID returns a random UUID (version 4), as Lambda's request ids are.
func newRequestID() string { return requestid.String() }

func randomHex(n int) string {
	const hexd = "0123456789abcdef"
	b := make([]byte, 2*n)
	for i := 0; i < len(b); i += 16 {
		v := rand.Uint64()
		for j := i; j < i+16 && j < len(b); j++ {
			b[j] = hexd[v&0xf]
			v >>= 4
		}
	}
	return string(b)
}

// newTraceID returns an X-Ray trace header as Lambda passes it to runtimes.
func newTraceID() string {
	return "Root=1-" + strconv.FormatInt(time.Now().Unix(), 16) + "-" + randomHex(12) +
		";Parent=" + randomHex(8) + ";Sampled=0"
}
