package emulator

import (
	"fmt"
	"net/http"
)

// Throttle reasons carried by TooManyRequestsException.
const (
	ReasonConcurrentInvocationLimitExceeded         = "ConcurrentInvocationLimitExceeded"
	ReasonReservedFunctionConcurrentInvocationLimit = "ReservedFunctionConcurrentInvocationLimitExceeded"
	ReasonFunctionInvocationRateLimitExceeded       = "FunctionInvocationRateLimitExceeded"
)

// APIError is a Lambda service error: it is sent with the HTTP status,
// the x-amzn-ErrorType header and the JSON body AWS uses, so that the AWS
// SDKs decode it into their typed errors.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the error code, e.g. ResourceNotFoundException.
	Code string
	// Message is the human-readable message.
	Message string
	// Reason is set for throttles (TooManyRequestsException).
	Reason string

	cause error // what it wraps, if anything
}

// Unwrap returns the error this one stands for, if any: the context's
// error when the caller gave up (errors.Is(err, context.Canceled) holds).
func (e *APIError) Unwrap() error { return e.cause }

func (e *APIError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Reason, e.Message)
	}
	return e.Code + ": " + e.Message
}

// body is the JSON AWS sends. The message key is "Message" for some codes
// and "message" for the others, as the SDK models them.
func (e *APIError) body() map[string]string {
	b := map[string]string{"Type": "User"}
	if e.Status >= 500 {
		b["Type"] = "Service"
	}
	switch e.Code {
	case "ResourceNotFoundException", "ServiceException":
		b["Message"] = e.Message
	default:
		b["message"] = e.Message
	}
	if e.Reason != "" {
		b["Reason"] = e.Reason
	}
	return b
}

func errNotFound(arn string) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: "Function not found: " + arn}
}

func errThrottled(reason string) *APIError {
	return &APIError{Status: http.StatusTooManyRequests, Code: "TooManyRequestsException", Message: "Rate Exceeded.", Reason: reason}
}

func errRequestTooLarge() *APIError {
	return &APIError{Status: http.StatusRequestEntityTooLarge, Code: "RequestTooLargeException",
		Message: fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", MaxSyncPayload)}
}

func errInvalidContent(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "InvalidRequestContentException", Message: fmt.Sprintf(format, args...)}
}

func errInvalidParameter(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "InvalidParameterValueException", Message: fmt.Sprintf(format, args...)}
}

// errCancelled is the error of an invocation whose caller went away (its
// context ended) while it waited for admission: it never ran.
func errCancelled(cause error) *APIError {
	return &APIError{Status: http.StatusInternalServerError, Code: "ServiceException",
		Message: fmt.Sprintf("the invocation was cancelled while waiting for an execution environment to start: %v", cause), cause: cause}
}

func errService(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusInternalServerError, Code: "ServiceException", Message: fmt.Sprintf(format, args...)}
}
