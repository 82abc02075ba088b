package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/internal/suggest"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/profiles"
)

// LogsOptions are the inputs of `lambench logs`.
type LogsOptions struct {
	Factory  *Factory
	Function string
	Follow   bool
	Since    string
	Filter   string
	Output   string
}

func newLogsCmd(f *Factory, runF func(context.Context, *LogsOptions) error) *cobra.Command {
	opts := &LogsOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "logs FUNCTION",
		Short: "Show a function's logs, and follow them",
		Long: `Show a function's log events since --since (10 minutes by default), and with
--follow keep showing new ones until Ctrl-C.

On the local target, and behind an endpoint override that is a lambench
serve, the events come from the local Lambda's push stream. On AWS they come
from CloudWatch Logs: FilterLogEvents, and to follow StartLiveTail where it
is available, FilterLogEvents polling otherwise. Behind any other endpoint
override (LocalStack, moto, SAM) they come from FilterLogEvents polling.
REPORT lines are summarised (duration, billed, memory, cold or warm).
--filter takes a CloudWatch Logs filter pattern: terms, "a phrase", ?any,
-not, { $.level = "ERROR" }.`,
		Example: `  lambench logs hello --follow
  lambench logs orders --since 1h --filter '"Task timed out"'
  lambench logs orders -f -o json | jq .message`,
		Args: exactArgs(1, "FUNCTION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Function = args[0]
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if _, err := parseSince(opts.Since, time.Now()); err != nil {
				return &usageError{err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogs(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Follow, "follow", "f", false, "keep showing new events until Ctrl-C")
	fl.StringVar(&opts.Since, "since", "10m", "show events since this long ago (30s, 10m, 2h) or this time (RFC 3339)")
	fl.StringVar(&opts.Filter, "filter", "", "CloudWatch Logs filter `PATTERN`")
	fl.StringVarP(&opts.Output, "output", "o", "text", "output format: text, or json (one event per line)")
	return cmd
}

// parseSince reads "10m" (ago) or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("--since %q: give a duration ago, without a sign", s)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: use a duration such as 30s, 10m or 2h, or a time such as 2026-11-27T09:00:00Z", s)
}

func runLogs(ctx context.Context, opts *LogsOptions) error {
	client, err := opts.Factory.Client(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	io := opts.Factory.IO
	st := newStyle(io)
	since, _ := parseSince(opts.Since, time.Now())
	lo := invoke.LogOptions{
		Since: since, Filter: opts.Filter, Follow: opts.Follow,
		Notice: func(s string) { fmt.Fprintln(io.ErrOut, st.dim(s)) },
	}
	if lc, ok := client.(*profiles.LocalClient); ok && lc.Server != nil {
		lo.Notice("the local Lambda was started for this command, so it holds no earlier logs; run `lambench serve` in another terminal and invoke, logs and load will share it")
	}
	enc := json.NewEncoder(io.Out)
	err = client.Logs(ctx, opts.Function, lo, func(ev invoke.LogEvent) {
		if opts.Output == "json" {
			enc.Encode(map[string]any{"group": ev.Group, "stream": ev.Stream, "timestamp": ev.Time.UnixMilli(),
				"time": ev.Time.UTC().Format(time.RFC3339Nano), "message": ev.Message})
			return
		}
		fmt.Fprintln(io.Out, formatLogLine(st, ev))
	})
	if ctx.Err() != nil {
		return nil // Ctrl-C: a clean end
	}
	if err != nil {
		if invoke.IsNotFound(err) {
			return functionError(ctx, client, opts.Function, err)
		}
		if errors.Is(err, invoke.ErrUnsupported) {
			return err
		}
		return fmt.Errorf("logs of %s on %s: %w", opts.Function, client.Target(), err)
	}
	return nil
}

// formatLogLine shows one event: its time, then the line, with REPORT
// lines summarised and errors stand out.
func formatLogLine(st style, ev invoke.LogEvent) string {
	ts := st.dim(ev.Time.Local().Format("15:04:05.000"))
	msg := strings.TrimRight(ev.Message, "\n")
	if r, ok := ev.Report(); ok {
		return ts + " " + st.cyan("REPORT") + " " + reportSummary(st, r) + st.dim("  "+shortID(r.RequestID))
	}
	switch {
	case strings.HasPrefix(msg, "START RequestId:"), strings.HasPrefix(msg, "END RequestId:"):
		return ts + " " + st.dim(msg)
	case isErrorLine(msg):
		return ts + " " + st.red(msg)
	}
	return ts + " " + msg
}

func isErrorLine(msg string) bool { return invoke.IsErrorLine(msg) }

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// reportSummary is a REPORT in a few words: "1.42 ms (billed 2 ms) · 13 /
// 128 MB · cold: init 21.3 ms".
func reportSummary(st style, r *invoke.Report) string {
	s := fmt.Sprintf("%s (billed %s) · %d / %d MB", fmtMS(r.Duration), fmtMS(r.BilledDuration), r.MaxMemoryUsedMB, r.MemorySizeMB)
	if r.Cold() {
		init := r.InitDuration
		if r.RestoreDuration > 0 {
			init = r.RestoreDuration
		}
		s += " · " + st.yellow("cold: init "+fmtMS(init))
	} else {
		s += " · " + st.green("warm")
	}
	if r.Status != "" {
		status := r.Status
		if r.ErrorType != "" {
			status += " (" + r.ErrorType + ")"
		}
		s += " · " + st.red(status)
	}
	return s
}

func fmtMS(d time.Duration) string { return invoke.FormatMS(d) }

// unknownFunction says a function does not exist, with the closest names.
func unknownFunction(t invoke.Target, name string, names []string) error {
	msg := fmt.Sprintf("no function %q on %s", name, t)
	if s := suggest.Closest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	switch {
	case len(names) == 0:
		msg += "; it has no functions"
	case len(names) <= 20:
		msg += "; functions: " + strings.Join(names, ", ")
	default:
		msg += fmt.Sprintf("; it has %d functions: `lambench functions` lists them", len(names))
	}
	return errors.New(msg)
}
