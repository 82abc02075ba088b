package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/invoke"
)

// InvokeOptions are the inputs of `lambench invoke`.
type InvokeOptions struct {
	Factory   *Factory
	Function  string
	Input     EventInput
	Type      string
	Qualifier string
	Output    string
	NoTail    bool
}

func newInvokeCmd(f *Factory, runF func(context.Context, *InvokeOptions) error) *cobra.Command {
	opts := &InvokeOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "invoke FUNCTION",
		Short: "Invoke a function with a trigger event, and show what happened",
		Long: `Invoke a function once and show its response (pretty JSON), its error (type,
message and stack) highlighted, its log tail, and a summary: status,
duration, billed duration, memory used / size, and whether it was a cold
start (with its Init Duration) or warm.

The event is one of: a trigger event template (--event "s3 put" with
--set KEY=VALUE), inline JSON (--payload), a file (--payload-file), a saved
event (--saved), or standard input when it is not a terminal; {} otherwise.

The response goes to standard output, the rest to standard error, so
'lambench invoke f | jq' works. Exit code 4 means the function returned an
error. Targets that return no log tail (RIE, SAM, moto) cannot say whether
a start was cold: lambench says "unknown" rather than guessing. An RIE
(--target rie) sends no X-Amz-Function-Error either, so there a response
that is an error document (a JSON object of errorType and errorMessage,
with at most stackTrace, trace, requestId and cause besides) is taken for
the function's error, and the summary says it was inferred.`,
		Example: `  lambench invoke hello
  lambench invoke orders --event "sqs receive-message" --set body='{"id":7}' --set count=5
  lambench invoke api --event apigateway:aws-proxy --set method=POST --set path=/users
  lambench invoke orders --saved big-order --qualifier live
  echo '{"n":1}' | lambench invoke echo -o json
  lambench invoke orders --type Event --payload '{}'`,
		Args: exactArgs(1, "FUNCTION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Function = args[0]
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if err := opts.Input.check(); err != nil {
				return err
			}
			t, err := parseInvocationType(opts.Type)
			if err != nil {
				return err
			}
			opts.Type = string(t)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInvoke(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.Input.addFlags(fl, true)
	fl.StringVarP(&opts.Type, "type", "t", "RequestResponse", "invocation type: RequestResponse, Event (asynchronous) or DryRun (check permissions only)")
	fl.StringVarP(&opts.Qualifier, "qualifier", "q", "", "version or alias to invoke (default $LATEST)")
	fl.StringVarP(&opts.Output, "output", "o", "text", "output format: text, or json (everything in one object)")
	fl.BoolVar(&opts.NoTail, "no-tail", false, "do not ask for the log tail (then cold or warm is unknown)")
	return cmd
}

func parseInvocationType(s string) (invoke.InvocationType, error) {
	for _, t := range []invoke.InvocationType{invoke.RequestResponse, invoke.Event, invoke.DryRun} {
		if strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return "", &usageError{fmt.Errorf("--type %q: use RequestResponse, Event or DryRun", s)}
}

func runInvoke(ctx context.Context, opts *InvokeOptions) error {
	f := opts.Factory
	payload, source, err := opts.Input.resolve(f, opts.Function)
	if err != nil {
		return err
	}
	client, err := f.Client(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	res, err := client.Invoke(ctx, &invoke.Request{
		Function: opts.Function, Qualifier: opts.Qualifier, Type: invoke.InvocationType(opts.Type),
		Payload: payload, NoTail: opts.NoTail,
	})
	if err != nil {
		if invoke.IsNotFound(err) {
			if opts.Qualifier != "" {
				if _, ferr := client.Function(ctx, opts.Function); ferr == nil {
					if client.Target().Kind == invoke.Local {
						return fmt.Errorf("%s has no version or alias %q: the local Lambda runs $LATEST only (it publishes no versions and has no aliases); leave out --qualifier", opts.Function, opts.Qualifier)
					}
					return fmt.Errorf("%s has no version or alias %q on %s (%v); leave out --qualifier for $LATEST", opts.Function, opts.Qualifier, client.Target(), err)
				}
			}
			return functionError(ctx, client, opts.Function, err)
		}
		if errors.Is(err, invoke.ErrUnsupported) {
			return err
		}
		if invoke.IsThrottle(err) {
			return fmt.Errorf("invoke %s on %s: throttled: %w", opts.Function, client.Target(), err)
		}
		return fmt.Errorf("invoke %s on %s: %w", opts.Function, client.Target(), err)
	}
	if opts.Output == "json" {
		err = writeJSON(f.IO, invokeJSON(res))
	} else {
		printInvokeResult(f.IO, client.Target(), opts, source, res)
	}
	if err != nil {
		return err
	}
	if res.Error != nil {
		// Text output has shown it highlighted; JSON output holds it.
		return &exitCodeError{code: exitFunctionError, err: fmt.Errorf("%s returned an error: %s", opts.Function, res.Error.Error()), quiet: opts.Output == "text"}
	}
	return nil
}

// invokeJSON is the -o json document of an invocation.
func invokeJSON(res *invoke.Result) map[string]any {
	out := map[string]any{
		"status_code": res.StatusCode, "request_id": res.RequestID,
		"latency_ms":       float64(res.Latency) / float64(time.Millisecond),
		"executed_version": res.ExecutedVersion,
	}
	if len(res.Payload) > 0 {
		if json.Valid(res.Payload) {
			out["payload"] = json.RawMessage(res.Payload)
		} else {
			out["payload_text"] = string(res.Payload)
		}
	}
	if e := res.Error; e != nil {
		doc := map[string]any{"kind": e.Kind, "type": e.Type, "message": e.Message, "stack": e.Stack}
		if e.Inferred {
			doc["inferred"] = true // from the payload's shape: no X-Amz-Function-Error (RIE)
		}
		out["error"] = doc
	}
	if res.TailKnown {
		out["log_tail"] = res.LogTail
	} else {
		out["log_tail"] = nil
	}
	if r := res.Report; r != nil {
		rep := map[string]any{
			"duration_ms": ms(r.Duration), "billed_duration_ms": ms(r.BilledDuration),
			"memory_size_mb": r.MemorySizeMB, "max_memory_used_mb": r.MaxMemoryUsedMB, "cold": r.Cold(),
		}
		if r.HasInit {
			rep["init_duration_ms"] = ms(r.InitDuration)
		}
		if r.Status != "" {
			rep["status"] = r.Status
		}
		if r.ErrorType != "" {
			rep["error_type"] = r.ErrorType
		}
		out["report"] = rep
	} else {
		out["report"] = nil
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// printInvokeResult is the human output: the response on standard
// output; the error, log tail and summary on standard error.
func printInvokeResult(io *IOStreams, t invoke.Target, opts *InvokeOptions, source string, res *invoke.Result) {
	est := newStyle(io) // standard error follows standard output's colouring
	switch invoke.InvocationType(opts.Type) {
	case invoke.Event:
		fmt.Fprintf(io.ErrOut, "%s %s queued for asynchronous invocation (HTTP %d)%s\n", est.green("✓"), opts.Function, res.StatusCode, reqID(res))
		return
	case invoke.DryRun:
		fmt.Fprintf(io.ErrOut, "%s dry run: %s may be invoked (HTTP %d)\n", est.green("✓"), opts.Function, res.StatusCode)
		return
	}
	if len(res.Payload) > 0 && (res.Error == nil || !io.OutTTY) {
		fmt.Fprintln(io.Out, prettyJSON(res.Payload))
	}
	if e := res.Error; e != nil {
		typ := e.Type
		if typ == "" {
			typ = "Error"
		}
		fmt.Fprintf(io.ErrOut, "%s %s\n", est.red(est.bold(typ)+":"), est.red(e.Message))
		for _, frame := range e.Stack {
			fmt.Fprintln(io.ErrOut, est.dim("    "+strings.TrimSpace(frame)))
		}
	}
	if res.TailKnown && strings.TrimSpace(res.LogTail) != "" {
		fmt.Fprintln(io.ErrOut, est.dim("── log tail "+strings.Repeat("─", 48)))
		for _, line := range strings.Split(strings.TrimRight(res.LogTail, "\n"), "\n") {
			if _, ok := invoke.ParseReport(line); ok {
				line = est.dim(line)
			} else if isErrorLine(line) {
				line = est.red(line)
			}
			fmt.Fprintln(io.ErrOut, line)
		}
		fmt.Fprintln(io.ErrOut, est.dim(strings.Repeat("─", 60)))
	}
	fmt.Fprintln(io.ErrOut, invokeSummary(est, t, opts, source, res))
}

// invokeSummary is the one-line summary: status, figures, cold or warm.
func invokeSummary(st style, t invoke.Target, opts *InvokeOptions, source string, res *invoke.Result) string {
	status := st.green("✓ ok")
	if res.Error != nil {
		status = st.red("✗ " + res.Error.Kind + " error")
		if res.Error.Kind == "" {
			status = st.red("✗ error")
		}
		if res.Error.Inferred {
			status += st.dim(" (inferred from the payload: " + string(t.Kind) + " does not send X-Amz-Function-Error)")
		}
	}
	parts := []string{status, opts.Function}
	if r := res.Report; r != nil {
		parts = append(parts, reportSummary(st, r))
	} else {
		why := "no log tail"
		switch {
		case opts.NoTail:
			why = "--no-tail"
		case res.TailKnown:
			why = "no REPORT line in the tail"
		}
		parts = append(parts, fmt.Sprintf("round trip %s", fmtMS(res.Latency)), st.yellow("cold/warm unknown")+st.dim(" ("+why+" from "+string(t.Kind)+")"))
	}
	s := strings.Join(parts, " · ")
	return s + st.dim("  "+source+reqID(res))
}

func reqID(res *invoke.Result) string {
	if res.RequestID == "" {
		return ""
	}
	return " · " + res.RequestID
}

// prettyJSON indents a JSON payload, or returns the payload as it is,
// without the trailing whitespace (which json.Indent keeps) so that the
// one newline printed after it ends it.
func prettyJSON(b []byte) string {
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") == nil {
		return strings.TrimRight(buf.String(), " \t\r\n")
	}
	return strings.TrimRight(string(b), " \t\r\n")
}
