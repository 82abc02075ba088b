package lambdaapi

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/lambench/lambench/invoke"
)

// noRetries turns the SDK's automatic retries off for one call: a
// throttle (429) must be seen, not hidden behind three retries.
func noRetries(o *lambda.Options) { o.Retryer = aws.NopRetryer{} }

// Invoke invokes a function once, without retries. A synchronous invoke
// asks for the log tail (LogType Tail) unless req.NoTail; TailKnown is set
// only when the target returned a non-empty X-Amz-Log-Result (moto sends
// an empty one), and Report comes from its REPORT line. A target that
// refuses LogType Tail (SAM's start-lambda answers 501 NotImplemented) is
// invoked again without it, and is not asked for it again. A
// function error (X-Amz-Function-Error) is in Result.Error, not in the
// returned error, which is for the service's errors (an
// *invoke.ServiceError: throttles with their Reason, unknown functions...)
// and for failures to reach the target. Latency is measured around the
// SDK call, credential resolution excluded.
func (c *Client) Invoke(ctx context.Context, req *invoke.Request) (*invoke.Result, error) {
	typ := req.Type
	if typ == "" {
		typ = invoke.RequestResponse
	}
	in := &lambda.InvokeInput{
		FunctionName:   aws.String(req.Function),
		InvocationType: types.InvocationType(typ),
		Payload:        req.Payload,
	}
	if req.Qualifier != "" {
		in.Qualifier = aws.String(req.Qualifier)
	}
	if typ == invoke.RequestResponse && !req.NoTail && !c.tailRefused.Load() {
		in.LogType = types.LogTypeTail
	}
	if len(req.ClientContext) > 0 {
		in.ClientContext = aws.String(base64.StdEncoding.EncodeToString(req.ClientContext))
	}
	if _, err := c.credentials(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	out, err := c.lambda.Invoke(ctx, in, noRetries)
	latency := time.Since(start)
	if err != nil && in.LogType == types.LogTypeTail && refusesTail(err) {
		// SAM's start-lambda refuses LogType Tail before running anything:
		// invoke again without, and from now on.
		c.tailRefused.Store(true)
		in.LogType = types.LogTypeNone
		start = time.Now()
		out, err = c.lambda.Invoke(ctx, in, noRetries)
		latency = time.Since(start)
	}
	if err != nil {
		return nil, c.translate("invoke "+req.Function, c.endpoint, err)
	}
	res := &invoke.Result{
		StatusCode:      int(out.StatusCode),
		Payload:         out.Payload,
		ExecutedVersion: aws.ToString(out.ExecutedVersion),
		Latency:         latency,
	}
	res.RequestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if out.FunctionError != nil {
		res.Error = invoke.ParseFunctionError(*out.FunctionError, out.Payload)
	}
	if s := aws.ToString(out.LogResult); s != "" {
		if tail, err := base64.StdEncoding.DecodeString(s); err == nil {
			res.LogTail, res.TailKnown = string(tail), true
			res.Report = invoke.FindReport(res.LogTail)
		}
	}
	return res, nil
}

// refusesTail reports whether err is a target's refusal of LogType Tail.
func refusesTail(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NotImplemented" && strings.Contains(strings.ToLower(ae.ErrorMessage()), "log-type")
}
