package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/invoke"
)

// DescribeOptions are the inputs of `lambench describe`.
type DescribeOptions struct {
	Factory    *Factory
	Function   string
	Output     string
	ShowValues bool
}

func newDescribeCmd(f *Factory, runF func(context.Context, *DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "describe FUNCTION",
		Short: "Show a function's configuration",
		Long: `Show a function's full configuration. Environment variable values are masked
unless --show-values is given: they often hold secrets.`,
		Example: `  lambench describe hello
  lambench describe orders --profile prod -o json --show-values`,
		Args: exactArgs(1, "FUNCTION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Function = args[0]
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDescribe(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&opts.ShowValues, "show-values", false, "show environment variable values instead of masking them")
	return cmd
}

func runDescribe(ctx context.Context, opts *DescribeOptions) error {
	client, err := opts.Factory.Client(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	fn, err := client.Function(ctx, opts.Function)
	if err != nil {
		return functionError(ctx, client, opts.Function, err)
	}
	env := map[string]string{}
	for k, v := range fn.Environment {
		env[k] = v
		if !opts.ShowValues {
			env[k] = mask(v)
		}
	}
	io := opts.Factory.IO
	if opts.Output == "json" {
		out := map[string]any{
			"FunctionName": fn.Name, "FunctionArn": fn.ARN, "Runtime": fn.Runtime, "Handler": fn.Handler,
			"Role": fn.Role, "Description": fn.Description, "Architectures": []string{fn.Architecture},
			"PackageType": fn.PackageType, "MemorySize": fn.MemoryMB, "Timeout": int(fn.Timeout / time.Second),
			"CodeSize": fn.CodeSize, "CodeSha256": fn.CodeSHA256, "Version": fn.Version,
			"LastModified": fn.LastModified.UTC().Format("2006-01-02T15:04:05.000-0700"),
			"State":        fn.State, "LastUpdateStatus": fn.LastUpdateStatus,
			"Environment": map[string]any{"Variables": env}, "LoggingConfig": map[string]string{"LogGroup": fn.LogGroup},
		}
		if fn.ReservedConcurrency != nil {
			out["ReservedConcurrentExecutions"] = *fn.ReservedConcurrency
		}
		return writeJSON(io, out)
	}
	st := newStyle(io)
	w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(w, "%s\t%v\n", st.bold(k), v) }
	row("Name", fn.Name)
	row("ARN", fn.ARN)
	row("Runtime", orDash(fn.Runtime))
	row("Handler", orDash(fn.Handler))
	row("Architecture", orDash(fn.Architecture))
	row("Memory", fmt.Sprintf("%d MB", fn.MemoryMB))
	row("Timeout", fn.Timeout)
	row("Code size", humanBytes(fn.CodeSize))
	if fn.CodeSHA256 != "" {
		row("Code SHA-256", fn.CodeSHA256)
	}
	row("Last modified", humanTime(fn.LastModified))
	if fn.Description != "" {
		row("Description", fn.Description)
	}
	if fn.Role != "" {
		row("Role", fn.Role)
	}
	row("State", strings.TrimSpace(fn.State+" / "+fn.LastUpdateStatus))
	if fn.ReservedConcurrency != nil {
		row("Reserved concurrency", *fn.ReservedConcurrency)
	} else {
		row("Reserved concurrency", "none (uses the account's unreserved pool)")
	}
	row("Log group", orDash(fn.LogGroup))
	if len(env) == 0 {
		row("Environment", "-")
	} else {
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		note := ""
		if !opts.ShowValues {
			note = st.dim(" (values masked: --show-values shows them)")
		}
		noun := "variables"
		if len(keys) == 1 {
			noun = "variable"
		}
		row("Environment", fmt.Sprintf("%d %s%s", len(keys), noun, note))
		for _, k := range keys {
			fmt.Fprintf(w, "  %s\t%s\n", k, env[k])
		}
	}
	return w.Flush()
}

// mask hides a value, keeping its length visible only roughly.
func mask(v string) string {
	if v == "" {
		return ""
	}
	return "********"
}

// functionError turns a lookup failure into one sentence with the next
// step: for an unknown function, the available (closest) ones.
func functionError(ctx context.Context, client invoke.Client, name string, err error) error {
	if !invoke.IsNotFound(err) {
		return err
	}
	var names []string
	_ = client.Functions(ctx, func(fn invoke.Function) error {
		names = append(names, fn.Name)
		return nil
	})
	return unknownFunction(client.Target(), name, names)
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return &usageError{fmt.Errorf("%s takes %s (got %d arguments)", cmd.CommandPath(), names, len(args))}
		}
		return nil
	}
}
