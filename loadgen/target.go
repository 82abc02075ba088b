package loadgen

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// TargetKind says what a Target speaks, which decides how its answers are
// read.
type TargetKind int8

// The kinds of targets.
const (
	// LambdaAPI is the Invoke operation of the Lambda API (AWS, the local
	// Lambda, LocalStack, SAM, moto): a function error comes with
	// X-Amz-Function-Error, a throttle as 429 TooManyRequestsException
	// with a Reason, and the log tail, when the target returns one, in
	// X-Amz-Log-Result.
	LambdaAPI TargetKind = iota
	// RIE is a Runtime Interface Emulator's one invoke endpoint. It sends
	// no log tail and no X-Amz-Function-Error: a function's error document
	// is an ordinary 200 answer, which cannot be told from a response.
	RIE
	// HTTP is a plain HTTP endpoint, such as the local Lambda's HTTP front
	// or a function URL: any answer below 400 is OK, 429 a throttle, any
	// other a service error named by its status.
	HTTP
)

// String returns "lambda", "rie" or "http".
func (k TargetKind) String() string {
	switch k {
	case LambdaAPI:
		return "lambda"
	case RIE:
		return "rie"
	case HTTP:
		return "http"
	}
	return fmt.Sprintf("TargetKind(%d)", int(k))
}

// Target is what a load test sends its requests to.
type Target struct {
	// Kind says how answers are read.
	Kind TargetKind
	// URL is the full URL of every request, e.g.
	// http://127.0.0.1:9001/2015-03-31/functions/hello/invocations.
	URL string
	// Method is the HTTP method (POST for invokes).
	Method string
	// Header is sent with every request. Run does not change it.
	Header http.Header
	// Signer signs every request with SigV4; nil sends them unsigned
	// (RIE, the local Lambda without --require-auth, the HTTP front).
	Signer *Signer
}

// Invoke headers of the Lambda API.
const (
	headerInvocationType = "X-Amz-Invocation-Type"
	headerLogType        = "X-Amz-Log-Type"
	headerFunctionError  = "X-Amz-Function-Error"
	headerLogResult      = "X-Amz-Log-Result"
	// headerErrorType is x-amzn-ErrorType as net/http canonicalises it.
	headerErrorType = "X-Amzn-Errortype"
)

// LambdaTarget is the synchronous Invoke of function (a name, a partial or
// full ARN) at a Lambda API endpoint (e.g. https://lambda.eu-west-1.amazonaws.com
// or the local Lambda's http://127.0.0.1:PORT), of a version or alias when
// qualifier is set. Every request asks for the log tail (X-Amz-Log-Type:
// Tail) that tells cold starts from warm ones. signer is nil for an
// endpoint that takes unsigned requests.
func LambdaTarget(endpoint, function, qualifier string, signer *Signer) (Target, error) {
	base, err := parseEndpoint(endpoint)
	if err != nil {
		return Target{}, err
	}
	if function == "" {
		return Target{}, errors.New("the Lambda target needs a function name")
	}
	u := base + "/2015-03-31/functions/" + url.PathEscape(function) + "/invocations"
	if qualifier != "" {
		u += "?Qualifier=" + url.QueryEscape(qualifier)
	}
	return Target{
		Kind:   LambdaAPI,
		URL:    u,
		Method: http.MethodPost,
		Header: http.Header{
			headerInvocationType: {"RequestResponse"},
			headerLogType:        {"Tail"},
		},
		Signer: signer,
	}, nil
}

// AWSEndpoint is the Lambda API endpoint of an AWS region, e.g.
// https://lambda.eu-west-1.amazonaws.com.
func AWSEndpoint(region string) string {
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://lambda." + region + "." + suffix
}

// RIETarget is the one function of a Runtime Interface Emulator at
// endpoint (e.g. http://127.0.0.1:9000), unsigned. An RIE in its default
// mode runs one invocation at a time and refuses a concurrent one, so
// drive it with one worker (Closed(1, ...)) or a rate it keeps up with.
func RIETarget(endpoint string) (Target, error) {
	base, err := parseEndpoint(endpoint)
	if err != nil {
		return Target{}, err
	}
	return Target{
		Kind:   RIE,
		URL:    base + "/2015-03-31/functions/function/invocations",
		Method: http.MethodPost,
		Header: http.Header{},
	}, nil
}

// HTTPTarget is a plain HTTP endpoint: the local Lambda's HTTP front
// (http://127.0.0.1:PORT/FUNCTION/PATH) or a function URL. header may be
// nil; without a Content-Type, application/json is sent. signer is nil
// unless the endpoint requires SigV4 (a function URL with auth type
// AWS_IAM, or the local front started with --require-auth).
func HTTPTarget(method, rawURL string, header http.Header, signer *Signer) (Target, error) {
	if method == "" {
		method = http.MethodPost
	}
	if _, err := parseEndpoint(rawURL); err != nil {
		return Target{}, err
	}
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return Target{Kind: HTTP, URL: rawURL, Method: method, Header: h, Signer: signer}, nil
}

// parseEndpoint checks an http(s) URL and returns it without a trailing
// slash.
func parseEndpoint(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("endpoint %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("endpoint %q: write it as http://HOST:PORT or https://HOST", raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

// validate checks a Target given by hand.
func (t Target) validate() error {
	if t.Kind < LambdaAPI || t.Kind > HTTP {
		return fmt.Errorf("unknown target kind %d", t.Kind)
	}
	if _, err := parseEndpoint(t.URL); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	return nil
}
