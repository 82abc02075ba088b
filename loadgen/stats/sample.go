package stats

import "time"

// Start is how a sample's invocation started, as far as the target says.
type Start int8

// The kinds of start.
const (
	// StartUnknown: the target returned no log tail (RIE, SAM, moto), or
	// the request failed before a function ran.
	StartUnknown Start = iota
	// StartWarm: a REPORT without Init Duration.
	StartWarm
	// StartCold: a REPORT with Init (or Restore) Duration.
	StartCold
)

// String returns "unknown", "warm" or "cold".
func (s Start) String() string {
	return [...]string{"unknown", "warm", "cold"}[s]
}

// Outcome classifies a sample.
type Outcome int8

// The outcomes.
const (
	// OK: the function answered without error.
	OK Outcome = iota
	// FunctionError: the function failed (X-Amz-Function-Error set).
	FunctionError
	// Throttled: 429 TooManyRequestsException.
	Throttled
	// ServiceError: any other error answer of the service (4xx/5xx).
	ServiceError
	// TransportError: no answer (connection refused, timeout...).
	TransportError
)

// String returns "ok", "function_error", "throttled", "service_error" or
// "transport_error".
func (o Outcome) String() string {
	return [...]string{"ok", "function_error", "throttled", "service_error", "transport_error"}[o]
}

// Sample is what lambench knows about one request of a load test.
type Sample struct {
	// Seq numbers the requests of a run from 0.
	Seq uint64
	// Timestamp is when the request was sent.
	Timestamp time.Time
	// Latency is the client's round trip.
	Latency time.Duration
	// Code is the HTTP status (0 without an answer).
	Code uint16
	// Outcome classifies the answer.
	Outcome Outcome
	// Reason is a throttle's reason, or a service error's code.
	Reason string
	// ErrorType is a function error's errorType, when known.
	ErrorType string
	// Start says cold, warm or unknown.
	Start Start
	// From the REPORT line, when the target returned one (Start != StartUnknown):

	// Duration is the function's Duration.
	Duration time.Duration
	// BilledDuration is the Billed Duration.
	BilledDuration time.Duration
	// InitDuration is the Init Duration (cold starts only).
	InitDuration time.Duration
	// MemorySizeMB is the configured Memory Size.
	MemorySizeMB int
	// MaxMemoryMB is the Max Memory Used.
	MaxMemoryMB int
	// InFlight is how many requests were in flight when this one was sent
	// (itself included): the client-side concurrency.
	InFlight int
}
