package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/internal/suggest"
)

// Exit codes, mapped in one place (DESIGN.md).
const (
	exitOK            = 0
	exitError         = 1
	exitUsage         = 2
	exitThreshold     = 3
	exitFunctionError = 4
)

// usageError marks a mistake in how a command was called (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitCodeError carries a specific exit code with its message.
type exitCodeError struct {
	code int
	err  error
	// quiet: the command has already shown the error.
	quiet bool
}

func (e *exitCodeError) Error() string { return e.err.Error() }
func (e *exitCodeError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue *usageError
	var ce *exitCodeError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ue):
		return exitUsage
	default:
		return exitError
	}
}

// GlobalOptions are the flags every command shares.
type GlobalOptions struct {
	// ConfigPath is --config; empty means lambench.toml in the current
	// directory or its nearest parent.
	ConfigPath string
	// Profile picks a profile of lambench.toml (or an AWS profile).
	Profile string
	// Target, Endpoint, Region and AWSProfile override the profile for
	// one command.
	Target, Endpoint, Region, AWSProfile string
}

// run executes lambench with args and returns the process exit code.
func run(ctx context.Context, args []string, io *IOStreams) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ce *exitCodeError
	if err != nil && !(errors.As(err, &ce) && ce.quiet) {
		fmt.Fprintln(io.ErrOut, "lambench:", err)
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(io.ErrOut, "Run 'lambench --help' for usage.")
		}
	}
	return exitCode(err)
}

func newRootCmd(io *IOStreams) *cobra.Command {
	started := time.Now()
	g := &GlobalOptions{}
	f := newFactory(io, g)
	root := &cobra.Command{
		Use:   "lambench",
		Short: "A terminal workbench and load tester for AWS Lambda functions",
		Long: `lambench lists, invokes and load-tests AWS Lambda functions, on AWS or on
its built-in local Lambda, which runs real function code over the real
Lambda Runtime API (cold starts, warm reuse, concurrency limits, timeouts).

Start the local Lambda with its demo functions:
  lambench serve
then point any AWS client at it, e.g.
  aws lambda invoke --endpoint-url http://127.0.0.1:9001 --function-name hello out.json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			var names []string
			for _, c := range cmd.Commands() {
				names = append(names, c.Name())
			}
			msg := fmt.Sprintf("unknown command %q", args[0])
			if s := suggest.Closest(args[0], names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return &usageError{errors.New(msg)}
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// On a terminal, no command opens the TUI; piped, the help.
			if !wantsTUI(io) {
				return cmd.Help()
			}
			return runTUI(cmd.Context(), &TUIOptions{Factory: f, Editor: editorCommand(f.Getenv), Started: started})
		},
	}
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.ConfigPath, "config", "", "configuration `FILE` (default: lambench.toml in this directory or the nearest parent)")
	pf.StringVar(&g.Profile, "profile", "", "profile of lambench.toml, or an AWS profile (default: LAMBENCH_PROFILE, then default_profile, then the local target)")
	pf.StringVar(&g.Target, "target", "", "target for this command: local, aws or rie")
	pf.StringVar(&g.Endpoint, "endpoint", "", "Lambda API endpoint `URL` (a running lambench serve, LocalStack, moto, RIE...)")
	pf.StringVar(&g.Region, "region", "", "AWS region")
	pf.StringVar(&g.AWSProfile, "aws-profile", "", "AWS shared-config profile (credentials)")
	root.SetVersionTemplate("{{.Version}}\n")

	root.AddCommand(newServeCmd(io, g, nil))
	root.AddCommand(newFunctionsCmd(f, nil))
	root.AddCommand(newDescribeCmd(f, nil))
	root.AddCommand(newLogsCmd(f, nil))
	root.AddCommand(newInvokeCmd(f, nil))
	root.AddCommand(newEventsCmd(f))
	root.AddCommand(newRestoreCmd(f))
	root.AddCommand(newLoadCmd(f))
	root.AddCommand(newBenchCmd(f))
	root.AddCommand(newVersionCmd(io))
	return root
}
