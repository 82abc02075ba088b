package lambdaapi

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambench/lambench/invoke"
)

// Functions lists every function with ListFunctions, page by page, calling
// fn for each as pages arrive; it returns fn's first error as is.
// ListFunctions does not give reserved concurrency: ReservedConcurrency
// is nil (unknown) in what fn receives.
func (c *Client) Functions(ctx context.Context, fn func(invoke.Function) error) error {
	if _, err := c.credentials(ctx); err != nil {
		return err
	}
	p := lambda.NewListFunctionsPaginator(c.lambda, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c.translate("list functions", c.endpoint, err)
		}
		for i := range page.Functions {
			f := c.function(&page.Functions[i])
			if err := fn(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// Function returns one function's configuration, reserved concurrency
// and environment, with GetFunction. Raw is the
// *types.FunctionConfiguration.
func (c *Client) Function(ctx context.Context, name string) (*invoke.Function, error) {
	if _, err := c.credentials(ctx); err != nil {
		return nil, err
	}
	out, err := c.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if err != nil {
		return nil, c.translate("get function "+name, c.endpoint, err)
	}
	if out.Configuration == nil {
		return nil, c.translate("get function "+name, c.endpoint, errNoConfiguration)
	}
	f := c.function(out.Configuration)
	if out.Concurrency != nil && out.Concurrency.ReservedConcurrentExecutions != nil {
		n := int(*out.Concurrency.ReservedConcurrentExecutions)
		f.ReservedConcurrency = &n
	}
	return &f, nil
}

// function converts a configuration (and learns the account from its ARN).
func (c *Client) function(cfg *types.FunctionConfiguration) invoke.Function {
	name := aws.ToString(cfg.FunctionName)
	f := invoke.Function{
		Name:             name,
		ARN:              aws.ToString(cfg.FunctionArn),
		Runtime:          string(cfg.Runtime),
		Handler:          aws.ToString(cfg.Handler),
		Description:      aws.ToString(cfg.Description),
		Role:             aws.ToString(cfg.Role),
		Architecture:     string(types.ArchitectureX8664),
		PackageType:      string(cfg.PackageType),
		MemoryMB:         int(aws.ToInt32(cfg.MemorySize)),
		Timeout:          time.Duration(aws.ToInt32(cfg.Timeout)) * time.Second,
		CodeSize:         cfg.CodeSize,
		CodeSHA256:       aws.ToString(cfg.CodeSha256),
		LastModified:     parseLastModified(aws.ToString(cfg.LastModified)),
		Version:          aws.ToString(cfg.Version),
		State:            string(cfg.State),
		LastUpdateStatus: string(cfg.LastUpdateStatus),
		LogGroup:         "/aws/lambda/" + name,
		Raw:              cfg,
	}
	if len(cfg.Architectures) > 0 {
		f.Architecture = string(cfg.Architectures[0])
	}
	if f.PackageType == "" {
		f.PackageType = string(types.PackageTypeZip)
	}
	if cfg.Environment != nil && len(cfg.Environment.Variables) > 0 {
		f.Environment = cfg.Environment.Variables
	}
	if cfg.LoggingConfig != nil && aws.ToString(cfg.LoggingConfig.LogGroup) != "" {
		f.LogGroup = aws.ToString(cfg.LoggingConfig.LogGroup)
	}
	c.learnAccount(f.ARN)
	return f
}

// lastModifiedLayouts: AWS's (2019-11-21T19:32:12.000+0000), then
// RFC 3339 as emulators write it (moto: 2026-11-27T11:53:43.862370000Z).
var lastModifiedLayouts = []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700"}

func parseLastModified(s string) time.Time {
	for _, l := range lastModifiedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
