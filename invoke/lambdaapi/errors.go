package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/lambench/lambench/invoke"
)

// configureHint says how to give lambench AWS credentials.
const configureHint = "configure them with `aws configure` (or `aws sso login`), set AWS_PROFILE or pass --aws-profile, or use the local target"

// localHint says which credentials a local Lambda wants.
const localHint = "use the credentials the local Lambda was started with (`lambench serve --require-auth`)"

// hint says how to fix the client's credentials.
func (c *Client) hint() string {
	if c.kind == invoke.Local {
		return localHint
	}
	return configureHint
}

// credentialError is a credential problem told as one sentence saying
// what to do; it wraps the cause (a *invoke.ServiceError when the service
// refused the credentials).
type credentialError struct {
	msg string
	err error
}

func (e *credentialError) Error() string { return e.msg }
func (e *credentialError) Unwrap() error { return e.err }

// noCredentials reports that no usable credentials could be resolved.
func (c *Client) noCredentials(cause error) error {
	profile := c.profile
	s := cause.Error()
	switch {
	case strings.Contains(s, "SSO") || strings.Contains(s, "sso"):
		login, of := "aws sso login", ""
		if profile != "" {
			login += " --profile " + profile
			of = " of profile " + profile
		}
		if strings.Contains(s, "SSO token") || strings.Contains(strings.ToLower(s), "expired") {
			return &credentialError{fmt.Sprintf("the AWS SSO session%s is not logged in or has expired: run `%s`", of, login), cause}
		}
		return &credentialError{fmt.Sprintf("the AWS SSO session%s cannot give credentials (%s): run `%s`", of, s, login), cause}
	case strings.Contains(s, "IMDS") || strings.Contains(s, "static credentials are empty") || strings.Contains(s, "no credentials provider"):
		// The chain ran out of sources: its last failure says nothing useful.
		return &credentialError{"no AWS credentials found: " + c.hint(), cause}
	}
	return &credentialError{fmt.Sprintf("the AWS credentials cannot be loaded (%s): %s", s, c.hint()), cause}
}

// refusedCredentialCodes are the errors a service answers to credentials
// it does not accept.
var refusedCredentialCodes = map[string]bool{
	"UnrecognizedClientException":         true,
	"InvalidClientTokenId":                true,
	"InvalidSignatureException":           true,
	"SignatureDoesNotMatch":               true,
	"IncompleteSignatureException":        true,
	"MissingAuthenticationTokenException": true,
	"ExpiredTokenException":               true,
	"ExpiredToken":                        true,
}

// apiError turns an error the service answered with into an
// *invoke.ServiceError, wrapped in a credentialError when the credentials
// were refused; it reports false for other errors.
func (c *Client) apiError(err error) (error, bool) {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return nil, false
	}
	se := &invoke.ServiceError{Code: ae.ErrorCode(), Message: ae.ErrorMessage(), StatusCode: httpStatus(err)}
	var tm *types.TooManyRequestsException
	if errors.As(err, &tm) {
		se.Reason = string(tm.Reason)
	}
	if refusedCredentialCodes[se.Code] {
		return &credentialError{fmt.Sprintf("the AWS credentials were refused (%s): %s", se, c.hint()), se}, true
	}
	return se, true
}

// httpStatus is the HTTP status of the response an error came with, or 0.
func httpStatus(err error) int {
	var sc interface{ HTTPStatusCode() int }
	if errors.As(err, &sc) {
		return sc.HTTPStatusCode()
	}
	return 0
}

// translate turns an SDK error into one a user can read: what was being
// done (op, e.g. "invoke hello"), then the service's error as an
// *invoke.ServiceError, or why the endpoint could not be reached, or why
// its answer could not be read, instead of the SDK's stack of wrappers.
func (c *Client) translate(op, endpoint string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	var ce *credentialError
	if errors.As(err, &ce) {
		return err
	}
	if e, ok := c.apiError(err); ok {
		if errors.As(e, &ce) {
			return e
		}
		return fmt.Errorf("%s: %w", op, e)
	}
	if endpoint == "" {
		endpoint = "AWS"
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return fmt.Errorf("%s: cannot reach %s (%v)%s", op, endpoint, ne.Err, c.refusedHint(endpoint, err))
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return fmt.Errorf("%s: cannot reach %s (%v)", op, endpoint, de)
	}
	var des *smithy.DeserializationError
	if errors.As(err, &des) {
		hint := ""
		if httpStatus(err) == http.StatusNotFound && endpoint != "AWS" {
			// An RIE answers 404 to every Lambda API path.
			hint = "; if it is an AWS Runtime Interface Emulator, use --target rie"
		}
		return fmt.Errorf("%s: %s answered with something the AWS SDK cannot read (HTTP %d: %v)%s", op, endpoint, httpStatus(err), des.Err, hint)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// refusedHint is the next step after a refused connection to an endpoint
// override: start what should listen there, or fix the endpoint.
func (c *Client) refusedHint(endpoint string, err error) string {
	if !errors.Is(err, syscall.ECONNREFUSED) || endpoint == "AWS" {
		return ""
	}
	addr := endpoint
	if u, perr := url.Parse(endpoint); perr == nil && u.Host != "" {
		addr = u.Host
	}
	if c.kind == invoke.Local {
		return fmt.Sprintf(": is its lambench serve still running? Start it again with `lambench serve --addr %s`", addr)
	}
	return fmt.Sprintf(": is it running? Check --endpoint (for a lambench serve there: `lambench serve --addr %s`)", addr)
}

// errNoConfiguration: a GetFunction answer without a configuration.
var errNoConfiguration = errors.New("the answer has no function configuration")
