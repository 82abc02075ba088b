package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambench/lambench/invoke"
)

// UpdateTimeout bounds how long UpdateConfiguration waits for an update
// to take effect (AWS usually needs a few seconds).
const UpdateTimeout = 5 * time.Minute

// UpdateConfiguration changes a function's configuration and waits until
// LastUpdateStatus is Successful. It refuses to start while another
// update is in progress (an error matching invoke.ErrUpdateInProgress).
func (c *Client) UpdateConfiguration(ctx context.Context, name string, u invoke.ConfigUpdate) (*invoke.Function, error) {
	cur, err := c.Function(ctx, name)
	if err != nil {
		return nil, err
	}
	if cur.LastUpdateStatus == string(types.LastUpdateStatusInProgress) || cur.State == string(types.StatePending) {
		return nil, fmt.Errorf("%s: %w (state %s, last update %s): wait for it to finish", name, invoke.ErrUpdateInProgress, cur.State, cur.LastUpdateStatus)
	}
	in := &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name)}
	if u.MemoryMB != nil {
		in.MemorySize = aws.Int32(int32(*u.MemoryMB))
	}
	if u.Timeout != nil {
		in.Timeout = aws.Int32(int32(*u.Timeout / time.Second))
	}
	if u.Environment != nil {
		in.Environment = &types.Environment{Variables: u.Environment}
	}
	if u.Description != nil {
		in.Description = u.Description
	}
	if _, err := c.lambda.UpdateFunctionConfiguration(ctx, in); err != nil {
		terr := c.translate("update the configuration of "+name, c.endpoint, err)
		var se *invoke.ServiceError
		if errors.As(terr, &se) && se.Code == "ResourceConflictException" {
			return nil, fmt.Errorf("%s: %w: %v", name, invoke.ErrUpdateInProgress, terr)
		}
		return nil, terr
	}
	return c.waitUpdated(ctx, name)
}

// waitUpdated polls GetFunction until the update has succeeded or failed.
func (c *Client) waitUpdated(ctx context.Context, name string) (*invoke.Function, error) {
	ctx, cancel := context.WithTimeout(ctx, UpdateTimeout)
	defer cancel()
	delay := 100 * time.Millisecond
	for {
		f, err := c.Function(ctx, name)
		if err != nil {
			return nil, err
		}
		switch types.LastUpdateStatus(f.LastUpdateStatus) {
		case types.LastUpdateStatusSuccessful, "":
			return f, nil
		case types.LastUpdateStatusFailed:
			reason := ""
			if cfg, ok := f.Raw.(*types.FunctionConfiguration); ok {
				reason = aws.ToString(cfg.LastUpdateStatusReason)
			}
			return f, fmt.Errorf("the update of %s failed: %s", name, reason)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the update of %s did not finish: %w", name, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}
