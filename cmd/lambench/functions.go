package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/invoke"
)

// FunctionsOptions are the inputs of `lambench functions`.
type FunctionsOptions struct {
	Factory *Factory
	Output  string
}

func newFunctionsCmd(f *Factory, runF func(context.Context, *FunctionsOptions) error) *cobra.Command {
	opts := &FunctionsOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "functions",
		Short: "List the target's functions",
		Long: `List every function of the target (paging through all of them): name, runtime,
architecture, memory, timeout, code size and last modification.`,
		Example: `  lambench functions                      # the local Lambda's demo functions
  lambench functions --profile prod -o json
  lambench functions --endpoint http://127.0.0.1:4566   # LocalStack`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(opts.Output, "table", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runFunctions(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "table", "output format: table or json")
	return cmd
}

func runFunctions(ctx context.Context, opts *FunctionsOptions) error {
	client, err := opts.Factory.Client(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	var fns []invoke.Function
	err = client.Functions(ctx, func(fn invoke.Function) error {
		fns = append(fns, fn)
		return nil
	})
	if errors.Is(err, invoke.ErrUnsupported) {
		return err
	}
	if err != nil {
		return fmt.Errorf("list functions on %s: %w", client.Target(), err)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].Name < fns[j].Name })
	io := opts.Factory.IO
	if opts.Output == "json" {
		out := make([]map[string]any, len(fns))
		for i, fn := range fns {
			out[i] = map[string]any{
				"name": fn.Name, "arn": fn.ARN, "runtime": fn.Runtime, "architecture": fn.Architecture,
				"memory_mb": fn.MemoryMB, "timeout_s": int(fn.Timeout / time.Second), "code_size": fn.CodeSize,
				"last_modified": fn.LastModified.UTC().Format(time.RFC3339),
			}
		}
		return writeJSON(io, out)
	}
	if len(fns) == 0 {
		fmt.Fprintf(io.ErrOut, "no functions on %s\n", client.Target())
		return nil
	}
	st := newStyle(io)
	w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, st.bold("NAME")+"\t"+st.bold("RUNTIME")+"\t"+st.bold("ARCH")+"\t"+st.bold("MEMORY")+"\t"+st.bold("TIMEOUT")+"\t"+st.bold("CODE SIZE")+"\t"+st.bold("LAST MODIFIED"))
	for _, fn := range fns {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d MB\t%s\t%s\t%s\n", fn.Name, orDash(fn.Runtime), orDash(fn.Architecture), fn.MemoryMB,
			fn.Timeout, humanBytes(fn.CodeSize), humanTime(fn.LastModified))
	}
	return w.Flush()
}

func checkOutput(got string, valid ...string) error {
	for _, v := range valid {
		if got == v {
			return nil
		}
	}
	return &usageError{fmt.Errorf("--output must be one of %v, not %q", valid, got)}
}

func writeJSON(io *IOStreams, v any) error {
	enc := json.NewEncoder(io.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func humanTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}
