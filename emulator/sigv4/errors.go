package sigv4

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error codes the verifier returns. They are the codes AWS sends for
// authentication failures, which the AWS SDKs surface as the API error code
// (smithy.APIError.ErrorCode in aws-sdk-go-v2, Error.Code in botocore).
const (
	// CodeMissingAuthenticationToken: the request carries no signature at all.
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	// CodeIncompleteSignature: the signature is malformed or lacks a part.
	CodeIncompleteSignature = "IncompleteSignatureException"
	// CodeUnrecognizedClient: unknown access key id, or a wrong session token.
	CodeUnrecognizedClient = "UnrecognizedClientException"
	// CodeInvalidSignature: the signature does not match, is out of its
	// time window, or is scoped to the wrong date, region or service.
	CodeInvalidSignature = "InvalidSignatureException"
	// CodeRequestTooLarge: the body is larger than the verifier reads
	// (Config.MaxBodyBytes); Lambda's code for a 413.
	CodeRequestTooLarge = "RequestTooLargeException"
	// CodeInvalidRequestContent: the body could not be read.
	CodeInvalidRequestContent = "InvalidRequestContentException"
)

// Messages AWS sends with the codes above.
const (
	MsgMissingAuthenticationToken = "Missing Authentication Token"
	MsgUnrecognizedClient         = "The security token included in the request is invalid."
	MsgSignatureMismatch          = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// Error is a signature verification failure, as AWS reports it.
//
// Status is the HTTP status Lambda's rest-json protocol sends: 403 for
// every authentication failure (the status the Smithy aws.auth#sigv4 trait
// gives InvalidSignatureException). CloudWatch Logs, an awsJson1_1
// service, sends the same codes with 400: see JSON11Status.
type Error struct {
	Code    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// JSON11Status is the HTTP status an awsJson1_1 service such as CloudWatch
// Logs sends for e: 400 where Lambda sends 403, otherwise Status.
func (e *Error) JSON11Status() int {
	if e.Status == http.StatusForbidden {
		return http.StatusBadRequest
	}
	return e.Status
}

func authError(code, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: http.StatusForbidden}
}

func errMissing() *Error {
	return authError(CodeMissingAuthenticationToken, MsgMissingAuthenticationToken)
}

func errUnrecognized() *Error {
	return authError(CodeUnrecognizedClient, MsgUnrecognizedClient)
}

func errMismatch() *Error {
	return authError(CodeInvalidSignature, MsgSignatureMismatch)
}

func errIncomplete(format string, args ...any) *Error {
	return authError(CodeIncompleteSignature, fmt.Sprintf(format, args...))
}

func errInvalid(format string, args ...any) *Error {
	return authError(CodeInvalidSignature, fmt.Sprintf(format, args...))
}

// errExpired and errNotYetCurrent are AWS's clock-skew messages, e.g.
// "Signature expired: 20140325T143453Z is now earlier than 20140325T143751Z
// (20140325T145251Z - 15 min.)".
func errExpired(signed, now time.Time, skew time.Duration) *Error {
	return errInvalid("Signature expired: %s is now earlier than %s (%s - %s.)",
		signed.UTC().Format(amzDateLayout), now.Add(-skew).UTC().Format(amzDateLayout),
		now.UTC().Format(amzDateLayout), skewText(skew))
}

func errNotYetCurrent(signed, now time.Time, skew time.Duration) *Error {
	return errInvalid("Signature not yet current: %s is still later than %s (%s + %s.)",
		signed.UTC().Format(amzDateLayout), now.Add(skew).UTC().Format(amzDateLayout),
		now.UTC().Format(amzDateLayout), skewText(skew))
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + " sec"
}

func errTooLarge(limit int64) *Error {
	return &Error{Code: CodeRequestTooLarge, Status: http.StatusRequestEntityTooLarge,
		Message: "Request must be smaller than " + strconv.FormatInt(limit, 10) + " bytes"}
}

func errReadBody(err error) *Error {
	return &Error{Code: CodeInvalidRequestContent, Status: http.StatusBadRequest,
		Message: "Could not read the request body: " + err.Error()}
}

// WriteError sends e in the protocol of the API r was sent to: awsJson1_1
// (WriteJSON11Error) when r carries X-Amz-Target or an
// application/x-amz-json-* Content-Type, as CloudWatch Logs requests do,
// otherwise rest-json as Lambda sends it (WriteRESTJSONError).
func WriteError(w http.ResponseWriter, r *http.Request, e *Error) {
	if IsJSONProtocol(r) {
		WriteJSON11Error(w, e)
		return
	}
	WriteRESTJSONError(w, e)
}

// IsJSONProtocol reports whether r is an awsJson request (X-Amz-Target,
// or an application/x-amz-json-* body) rather than a rest-json one.
func IsJSONProtocol(r *http.Request) bool {
	return len(r.Header["X-Amz-Target"]) > 0 ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-")
}

// WriteRESTJSONError sends e as Lambda does: status e.Status, the code in
// x-amzn-ErrorType and the body {"Type":"User","message":...}.
func WriteRESTJSONError(w http.ResponseWriter, e *Error) {
	typ := "User"
	if e.Status >= 500 {
		typ = "Service"
	}
	b, _ := json.Marshal(struct {
		Type    string
		Message string `json:"message"`
	}{typ, e.Message})
	h := w.Header()
	h.Set("X-Amzn-Errortype", e.Code)
	writeBody(w, e.Status, "application/json", b)
}

// WriteJSON11Error sends e as an awsJson1_1 service (CloudWatch Logs)
// does: status e.JSON11Status() and the body {"__type":...,"message":...}.
func WriteJSON11Error(w http.ResponseWriter, e *Error) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Code, e.Message})
	writeBody(w, e.JSON11Status(), "application/x-amz-json-1.1", b)
}

func writeBody(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if h.Get("X-Amzn-Requestid") == "" {
		h.Set("X-Amzn-Requestid", requestID())
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// requestID is a random UUID, the form of AWS request ids.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
