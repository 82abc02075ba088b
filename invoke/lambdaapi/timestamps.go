package lambdaapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Behind an endpoint override, CloudWatch Logs may be an emulator whose
// JSON is almost the API's: moto writes timestamps in milliseconds with a
// fraction ("timestamp": 1795795046833.6238), which the SDK refuses to
// read as the API's integers. wholeMillis truncates the fraction of the
// API's millisecond fields in the raw response, before the SDK reads it,
// so that lambench logs works there too. It is never installed for AWS.
func wholeMillis(stack *middleware.Stack) error {
	return stack.Deserialize.Insert(wholeMillisMiddleware{}, "OperationDeserializer", middleware.After)
}

// millisFieldRE matches a millisecond field of the CloudWatch Logs API
// with a fractional number.
var millisFieldRE = regexp.MustCompile(`("(?:timestamp|ingestionTime|creationTime|firstEventTimestamp|lastEventTimestamp|lastIngestionTime)"\s*:\s*-?\d+)\.\d+`)

// maxRewrite bounds the response read to rewrite it: a FilterLogEvents
// page is at most 1 MB of events.
const maxRewrite = 16 << 20

// rewritten are the operations whose answers are rewritten: plain JSON
// documents holding millisecond fields.
var rewritten = map[string]bool{
	"FilterLogEvents": true, "GetLogEvents": true, "DescribeLogStreams": true, "DescribeLogGroups": true,
}

type wholeMillisMiddleware struct{}

func (wholeMillisMiddleware) ID() string { return "lambench.WholeMillis" }

func (wholeMillisMiddleware) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil || !rewritten[awsmiddleware.GetOperationName(ctx)] {
		// StartLiveTail's answer is an endless event stream: never read whole.
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.Body == nil {
		return out, md, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRewrite+1))
	resp.Body.Close()
	if err != nil {
		return out, md, fmt.Errorf("read the response: %w", err)
	}
	if len(body) <= maxRewrite {
		body = millisFieldRE.ReplaceAll(body, []byte("$1"))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return out, md, nil
}
