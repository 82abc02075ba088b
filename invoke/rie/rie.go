// Package rie is lambench's backend for an AWS Runtime Interface Emulator
// (RIE, github.com/aws/aws-lambda-runtime-interface-emulator): the local
// Runtime API that Lambda's container images ship, with its one invoke
// endpoint, POST /2015-03-31/functions/function/invocations.
//
// [New] returns an invoke.Client that can only invoke, synchronously, the
// one function the RIE runs, whatever the name asked for. What an RIE does
// not give stays unknown, never guessed:
//
//   - no log tail (X-Amz-Log-Result): a Result has no Report and
//     TailKnown is false, so a cold start cannot be told from a warm one;
//   - no X-Amz-Function-Error: a function's error document comes back as
//     an ordinary 200 payload (status and headers as for a response). A
//     payload of the shape every runtime posts, a JSON object with
//     errorType and errorMessage and no keys but those, stackTrace, trace,
//     requestId and cause, is therefore taken for a function error:
//     Result.Error is set with Inferred true (and no Kind). A response
//     that happens to have that shape is misread; any other stays a
//     response. A timeout comes back as the RIE's text "Task timed out
//     after N.00 seconds", a response. A runtime that exits or panics
//     during an invocation is a 502 carrying the error document
//     (Runtime.ExitError, or the panic's), inferred the same way;
//   - no Event or DryRun invocations (an RIE runs them as synchronous
//     ones) and no versions or aliases: Invoke refuses them with an error
//     matching invoke.ErrUnsupported rather than run the function wrongly;
//   - no control plane and no logs API: Functions, Function and Logs
//     return invoke.ErrUnsupported errors saying what to use instead.
//
// An RIE in its default mode runs one invocation at a time, and a second
// concurrent one fails (HTTP 400, "ReserveFailed: AlreadyReserved") or
// crashes it, so the Client sends one at a time; [WithConcurrency] allows
// more for an RIE started with AWS_LAMBDA_MAX_CONCURRENCY.
//
// The Client sends a request id (X-Amzn-RequestId), which the RIE hands
// to the function and prints in its START/END/REPORT lines, so
// Result.RequestID matches the RIE's own log.
package rie

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/lambench/lambench/internal/requestid"
	"github.com/lambench/lambench/invoke"
)

// InvokePath is the RIE's one invoke endpoint.
const InvokePath = "/2015-03-31/functions/function/invocations"

// DefaultFunction names the function of a client given no name.
const DefaultFunction = "function"

// maxPayload bounds the response read, as Lambda's 6 MB synchronous limit
// (with room for the error document that replaces a too-large response).
const maxPayload = 6<<20 + 1<<10

// Option configures a Client.
type Option func(*Client)

// WithConcurrency lets n invocations run at once: for an RIE started with
// AWS_LAMBDA_MAX_CONCURRENCY=n. The default, 1, suits an RIE in its
// default mode.
func WithConcurrency(n int) Option {
	return func(c *Client) { c.slots = make(chan struct{}, max(n, 1)) }
}

// WithHTTPClient sets the HTTP client (http.DefaultClient by default).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// Client invokes the function of an RIE. It is safe for concurrent use.
type Client struct {
	endpoint string
	function string
	http     *http.Client
	slots    chan struct{} // one token per invocation allowed at once
}

var _ invoke.Client = (*Client)(nil)

// New returns a client of the RIE at endpoint (e.g. http://127.0.0.1:8080),
// which runs function (a name for display; DefaultFunction when empty).
func New(endpoint, function string, opts ...Option) invoke.Client {
	if function == "" {
		function = DefaultFunction
	}
	c := &Client{endpoint: strings.TrimRight(endpoint, "/"), function: function, http: http.DefaultClient}
	WithConcurrency(1)(c)
	for _, o := range opts {
		o(c)
	}
	return c
}

// Target describes the RIE.
func (c *Client) Target() invoke.Target {
	return invoke.Target{Kind: invoke.RIE, Endpoint: c.endpoint, Function: c.function}
}

// Functions is not supported: an RIE has no control plane.
func (c *Client) Functions(ctx context.Context, fn func(invoke.Function) error) error {
	return invoke.Unsupported(c.Target(), "listing functions", "an RIE endpoint runs one function ("+c.function+"); invoke it by any name")
}

// Function is not supported: an RIE cannot describe its function.
func (c *Client) Function(ctx context.Context, name string) (*invoke.Function, error) {
	return nil, invoke.Unsupported(c.Target(), "describing functions", "an RIE does not know its function's configuration; read it where the RIE was started (its command line and AWS_LAMBDA_FUNCTION_* environment)")
}

// Logs is not supported: an RIE prints its function's log to its own
// standard output.
func (c *Client) Logs(ctx context.Context, function string, opts invoke.LogOptions, emit func(invoke.LogEvent)) error {
	return invoke.Unsupported(c.Target(), "reading logs", "an RIE prints its function's logs to its own output (e.g. `docker logs` of its container); for live logs use the local target")
}

// UpdateConfiguration is not supported: an RIE's configuration is its
// process's environment.
func (c *Client) UpdateConfiguration(ctx context.Context, name string, u invoke.ConfigUpdate) (*invoke.Function, error) {
	return nil, invoke.Unsupported(c.Target(), "changing the configuration", "restart the RIE with AWS_LAMBDA_FUNCTION_MEMORY_SIZE and the like, or use the local target, which sweeps memory sizes")
}

// Close releases nothing.
func (c *Client) Close() error { return nil }

// Invoke invokes the RIE's function synchronously (req.Function is
// ignored: an RIE runs one function) and waits for a free slot first (see
// WithConcurrency). The result has the payload, the status and the
// request id sent; no log tail and no Report, and an Error only when the
// payload has an error document's shape (see the package documentation).
// An answer other than 200 is an *invoke.ServiceError with the HTTP
// status.
func (c *Client) Invoke(ctx context.Context, req *invoke.Request) (*invoke.Result, error) {
	switch req.Type {
	case "", invoke.RequestResponse:
	default:
		return nil, invoke.Unsupported(c.Target(), string(req.Type)+" invocations", "an RIE runs every invocation synchronously; invoke with RequestResponse")
	}
	if req.Qualifier != "" && req.Qualifier != "$LATEST" {
		return nil, invoke.Unsupported(c.Target(), "qualifier "+req.Qualifier, "an RIE runs one version of one function; invoke without a qualifier")
	}
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("invoke %s: %w", c.function, ctx.Err())
	}

	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+InvokePath, bytes.NewReader(req.Payload))
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", c.function, err)
	}
	id := requestid.String()
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-Amzn-RequestId", id)
	if len(req.ClientContext) > 0 {
		hr.Header.Set("X-Amz-Client-Context", base64.StdEncoding.EncodeToString(req.ClientContext))
	}
	start := time.Now()
	resp, err := c.http.Do(hr)
	if err != nil {
		hint := ""
		if errors.Is(err, syscall.ECONNREFUSED) {
			hint = ": is it running? Check --endpoint (the RIE's --runtime-interface-emulator-address; 8080 in its container)"
		}
		return nil, fmt.Errorf("invoke %s: cannot reach the RIE at %s: %w%s", c.function, c.endpoint, unwrapURL(err), hint)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPayload))
	latency := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: read the RIE's answer: %w", c.function, unwrapURL(err))
	}
	// A runtime that exits or panics mid-invocation is a 502 with the
	// error document (Runtime.ExitError, or the panic's): on AWS, a 200
	// with X-Amz-Function-Error: Unhandled.
	crashed := resp.StatusCode == http.StatusBadGateway && invoke.LooksLikeFunctionError(body)
	if resp.StatusCode != http.StatusOK && !crashed {
		return nil, fmt.Errorf("invoke %s: %w", c.function, statusError(resp.StatusCode, body))
	}
	if rid := resp.Header.Get("X-Amzn-RequestId"); rid != "" {
		id = rid
	}
	res := &invoke.Result{StatusCode: resp.StatusCode, RequestID: id, Payload: body, Latency: latency}
	if invoke.LooksLikeFunctionError(body) {
		res.Error = invoke.ParseFunctionError("", body)
		res.Error.Inferred = true
	}
	return res, nil
}

// statusError describes an RIE's answer other than 200.
func statusError(status int, body []byte) *invoke.ServiceError {
	se := &invoke.ServiceError{Code: strings.ReplaceAll(http.StatusText(status), " ", ""), Message: strings.TrimSpace(string(body)), StatusCode: status}
	var doc struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &doc) == nil && doc.ErrorType != "" {
		se.Code, se.Message = doc.ErrorType, doc.ErrorMessage
	}
	switch status {
	case http.StatusBadRequest:
		if se.Message == "" {
			se.Message = "the RIE refused the invocation: it is busy with another one (in its default mode it runs one at a time)"
		}
	case http.StatusNotFound:
		se.Message = "no RIE invoke endpoint here (" + InvokePath + ")"
	case http.StatusBadGateway:
		if se.Message == "" {
			se.Message = "the function's runtime failed (see the RIE's output)"
		}
	case http.StatusGatewayTimeout:
		if se.Message == "" {
			se.Message = "the RIE gave up on the invocation (see its output)"
		}
	}
	return se
}

// unwrapURL drops net/url's "Post \"URL\": " prefix, which repeats the endpoint.
func unwrapURL(err error) error {
	if ue, ok := err.(interface{ Unwrap() error }); ok && strings.HasPrefix(err.Error(), "Post ") {
		return ue.Unwrap()
	}
	return err
}
