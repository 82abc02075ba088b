package invoke

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind is the kind of a target.
type Kind string

// The kinds of targets.
const (
	// Local is lambench's built-in local Lambda, started as a child process.
	Local Kind = "local"
	// AWS is the Lambda API of AWS or of anything speaking it (an endpoint override).
	AWS Kind = "aws"
	// RIE is an AWS Runtime Interface Emulator: one function, invoke only.
	RIE Kind = "rie"
)

// Target describes where a Client sends its requests.
type Target struct {
	// Kind is local, aws or rie.
	Kind Kind
	// Endpoint is the endpoint URL; empty for AWS's own.
	Endpoint string
	// Region is the AWS region.
	Region string
	// Profile is the AWS shared-config profile, when one is used.
	Profile string
	// Account is the AWS account id, when known.
	Account string
	// Function is the one function of an RIE target.
	Function string
}

// String describes the target in a few words, e.g. "local · 127.0.0.1:9001"
// or "aws · dev · eu-west-1".
func (t Target) String() string {
	switch t.Kind {
	case Local:
		return "local · " + trimScheme(t.Endpoint)
	case RIE:
		return "rie · " + trimScheme(t.Endpoint)
	}
	s := "aws"
	if t.Profile != "" {
		s += " · " + t.Profile
	}
	if t.Region != "" {
		s += " · " + t.Region
	}
	if t.Account != "" {
		s += " · " + t.Account
	}
	if t.Endpoint != "" {
		s += " · " + trimScheme(t.Endpoint)
	}
	return s
}

func trimScheme(u string) string {
	for _, p := range []string{"http://", "https://"} {
		if len(u) > len(p) && u[:len(p)] == p {
			return u[len(p):]
		}
	}
	return u
}

// Function is a function's configuration.
type Function struct {
	Name         string
	ARN          string
	Runtime      string
	Handler      string
	Description  string
	Role         string
	Architecture string // x86_64 or arm64
	PackageType  string // Zip or Image
	MemoryMB     int
	Timeout      time.Duration
	CodeSize     int64
	CodeSHA256   string
	LastModified time.Time
	Version      string
	// Environment holds the function's environment variables (values in
	// clear: mask them for display unless asked not to).
	Environment map[string]string
	// State and LastUpdateStatus as Lambda reports them (Active, Pending...;
	// Successful, InProgress...).
	State            string
	LastUpdateStatus string
	// ReservedConcurrency is the reserved concurrency; nil when unreserved
	// or unknown (ListFunctions does not say).
	ReservedConcurrency *int
	// LogGroup is where its logs go (/aws/lambda/NAME by default).
	LogGroup string
	// Raw is the configuration as the backend received it, for output
	// that shows everything (describe -o json).
	Raw any
}

// InvocationType is how a function is invoked.
type InvocationType string

// The invocation types.
const (
	RequestResponse InvocationType = "RequestResponse"
	Event           InvocationType = "Event"
	DryRun          InvocationType = "DryRun"
)

// Request is one invocation to make.
type Request struct {
	// Function is a name or an ARN.
	Function string
	// Qualifier is a version or alias; empty for $LATEST.
	Qualifier string
	// Type is RequestResponse when empty.
	Type InvocationType
	// Payload is the event (JSON).
	Payload []byte
	// ClientContext is the client context (JSON), sent base64-encoded.
	ClientContext []byte
	// NoTail does not ask for the log tail (LogType None). By default a
	// synchronous invoke asks for it: the REPORT line in it is how a
	// cold start is told from a warm one.
	NoTail bool
}

// Result is what an invocation returned.
type Result struct {
	// StatusCode is the HTTP status of the invoke (200, 202, 204).
	StatusCode int
	// RequestID is the invocation's request id, when the target gives it.
	RequestID string
	// Payload is the response, or the error document when Error is set.
	Payload []byte
	// Error is the function's error; nil when it succeeded.
	Error *FunctionError
	// LogTail is the last 4 KB of the invocation's log; TailKnown says
	// whether the target returned one (RIE, SAM and moto do not).
	LogTail   string
	TailKnown bool
	// Report is parsed from the tail's REPORT line; nil when unknown.
	Report *Report
	// ExecutedVersion is the version that ran.
	ExecutedVersion string
	// Latency is the round trip as the client measured it.
	Latency time.Duration
}

// Cold reports whether the invocation started a new execution
// environment, and whether that is known at all.
func (r *Result) Cold() (cold, known bool) {
	if r.Report == nil {
		return false, false
	}
	return r.Report.Cold(), true
}

// Client talks to one target. Methods a target cannot serve return an
// error matching ErrUnsupported that says so.
type Client interface {
	// Target describes the target.
	Target() Target
	// Functions lists every function, paging through them; it calls fn for
	// each as pages arrive and stops at fn's first error.
	Functions(ctx context.Context, fn func(Function) error) error
	// Function returns one function's full configuration.
	Function(ctx context.Context, name string) (*Function, error)
	// Invoke invokes a function.
	Invoke(ctx context.Context, req *Request) (*Result, error)
	// Logs delivers a function's log events to emit: those since
	// opts.Since, then, with opts.Follow, new ones until ctx ends.
	Logs(ctx context.Context, function string, opts LogOptions, emit func(LogEvent)) error
	// UpdateConfiguration changes a function's configuration and waits
	// until the change is in effect (LastUpdateStatus Successful, which
	// on AWS and the local Lambda also retires warm environments). It
	// refuses to start while another update is in progress.
	UpdateConfiguration(ctx context.Context, name string, u ConfigUpdate) (*Function, error)
	// Close releases the client (and stops a local target it started).
	Close() error
}

// ConfigUpdate is a change to a function's configuration; nil fields are
// left as they are.
type ConfigUpdate struct {
	// MemoryMB is the memory size.
	MemoryMB *int
	// Timeout is the timeout (whole seconds).
	Timeout *time.Duration
	// Environment replaces all the environment variables.
	Environment map[string]string
	// Description is the description.
	Description *string
}

// ErrUpdateInProgress is matched by the error of an UpdateConfiguration
// made while another update of the function is in progress.
var ErrUpdateInProgress = errors.New("an update of the function is in progress")

// ErrUnsupported is matched by the errors of operations a target cannot serve.
var ErrUnsupported = errors.New("not supported by this target")

// ServiceError is an error the service answered with (not a function's
// error), e.g. ResourceNotFoundException or a 429 throttle.
type ServiceError struct {
	// Code is the error code, e.g. TooManyRequestsException.
	Code string
	// Message is the service's message.
	Message string
	// Reason qualifies throttles, e.g. ReservedFunctionConcurrentInvocationLimitExceeded.
	Reason string
	// StatusCode is the HTTP status, when known.
	StatusCode int
}

func (e *ServiceError) Error() string {
	s := e.Code
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// IsThrottle reports whether err is a throttle (429 TooManyRequestsException).
func IsThrottle(err error) bool {
	var se *ServiceError
	return errors.As(err, &se) && (se.Code == "TooManyRequestsException" || se.StatusCode == 429)
}

// IsNotFound reports whether err says the function does not exist.
func IsNotFound(err error) bool {
	var se *ServiceError
	return errors.As(err, &se) && se.Code == "ResourceNotFoundException"
}

// Unsupported returns an error matching ErrUnsupported for a target and an
// operation, with a sentence saying what to do instead.
func Unsupported(t Target, operation, instead string) error {
	msg := fmt.Sprintf("%s: %s %s", t, operation, ErrUnsupported)
	if instead != "" {
		msg += "; " + instead
	}
	return &unsupportedError{msg}
}

type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string        { return e.msg }
func (e *unsupportedError) Is(target error) bool { return target == ErrUnsupported }
