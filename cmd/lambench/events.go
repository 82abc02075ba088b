package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/internal/suggest"
	"github.com/lambench/lambench/invoke/events"
)

func newEventsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Trigger event templates and saved events",
		Long: `Trigger events are the JSON documents AWS services send to functions: an S3
upload, an API Gateway request, a batch of SQS messages... lambench renders
them from templates with SAM-compatible names ("s3 put", or s3:put) and
parameters, computing what the service would (ARNs, ids, timestamps, MD5s,
base64, URL-encoded keys). count=N makes a batch of distinct records.

Your own templates are JSON files with {{ .param }} placeholders in
.lambench/templates/SERVICE/EVENT.json next to lambench.toml. Saved events
are kept per function in .lambench/events/FUNCTION/NAME.json, like the
console's saved test events.`,
		Example: `  lambench events list --service sqs
  lambench events show s3 put
  lambench events render sqs receive-message --set body='{"id":1}' --set count=3
  lambench events save orders big-order --event "s3 put" --set size=1048576
  lambench invoke orders --saved big-order`,
		Args: noArgs,
	}
	cmd.AddCommand(newEventsListCmd(f), newEventsShowCmd(f), newEventsRenderCmd(f),
		newEventsSaveCmd(f), newEventsSavedCmd(f), newEventsDeleteCmd(f))
	return cmd
}

// noArgs refuses arguments as a usage error, naming the subcommands.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	if len(names) == 0 {
		return &usageError{fmt.Errorf("%s takes no arguments", cmd.CommandPath())}
	}
	return &usageError{fmt.Errorf("%s has no subcommand %q; it has %s", cmd.CommandPath(), args[0], strings.Join(names, ", "))}
}

// templateName joins "s3 put", "s3:put" or "s3" "put" into one name.
func templateName(args []string) string { return strings.Join(args, " ") }

func templateArgs(cmd *cobra.Command, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return &usageError{fmt.Errorf("%s takes SERVICE EVENT, e.g. s3 put (got %d arguments)", cmd.CommandPath(), len(args))}
	}
	return nil
}

func newEventsListCmd(f *Factory) *cobra.Command {
	var service, output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the event templates",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, "table", "json"); err != nil {
				return err
			}
			reg, err := f.Templates()
			if err != nil {
				return err
			}
			ts := reg.List(service)
			if len(ts) == 0 && service != "" {
				msg := fmt.Sprintf("no templates for service %q", service)
				if s := suggest.Closest(service, reg.Services()); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				return &usageError{fmt.Errorf("%s; services: %s", msg, strings.Join(reg.Services(), ", "))}
			}
			if output == "json" {
				out := make([]map[string]any, len(ts))
				for i, t := range ts {
					out[i] = map[string]any{"name": t.Name(), "service": t.Service, "event": t.Event,
						"description": t.Description, "user": t.Source != ""}
				}
				return writeJSON(f.IO, out)
			}
			st := newStyle(f.IO)
			w := tabwriter.NewWriter(f.IO.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, st.bold("SERVICE")+"\t"+st.bold("EVENT")+"\t"+st.bold("DESCRIPTION"))
			for _, t := range ts {
				fmt.Fprintf(w, "%s\t%s\t%s\n", t.Service, t.Event, t.Description)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "only the templates of `SERVICE` (s3, sqs, apigateway...)")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

func newEventsShowCmd(f *Factory) *cobra.Command {
	var output string
	var raw bool
	cmd := &cobra.Command{
		Use:   "show SERVICE EVENT",
		Short: "Show a template's parameters, defaults and help",
		Example: `  lambench events show s3 put
  lambench events show apigateway:aws-proxy --template`,
		Args: templateArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			reg, err := f.Templates()
			if err != nil {
				return err
			}
			t, err := reg.Lookup(templateName(args))
			if err != nil {
				return err
			}
			if raw {
				fmt.Fprintln(f.IO.Out, strings.TrimRight(t.Text(), "\n"))
				return nil
			}
			if output == "json" {
				ps := make([]map[string]any, len(t.Params))
				for i, p := range t.Params {
					ps[i] = map[string]any{"name": p.Name, "default": p.Default, "help": p.Help, "kind": p.Kind.String(),
						"derived": p.Default == "" && !rendersEmpty(t, p)}
				}
				return writeJSON(f.IO, map[string]any{"name": t.Name(), "description": t.Description,
					"go_type": t.GoType, "source": t.Source, "parameters": ps})
			}
			st := newStyle(f.IO)
			out := f.IO.Out
			fmt.Fprintf(out, "%s  %s\n", st.bold(t.Name()), t.Description)
			if t.GoType != "" {
				fmt.Fprintf(out, "%s\n", st.dim("aws-lambda-go type: "+t.GoType))
			}
			if t.Source != "" {
				fmt.Fprintf(out, "%s\n", st.dim("from "+t.Source))
			}
			fmt.Fprintln(out)
			w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, st.bold("PARAMETER")+"\t"+st.bold("KIND")+"\t"+st.bold("DEFAULT")+"\t"+st.bold("HELP"))
			for _, p := range t.Params {
				def := p.Default
				if def == "" {
					def = st.dim("(derived)")
					if rendersEmpty(t, p) {
						def = st.dim(`"" (empty)`)
					}
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", p.Name, p.Kind, oneLine(def, 40), p.Help)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(out, "\nRender it:  lambench events render %s --set %s=...\n", t.Name(), firstParam(t))
			fmt.Fprintln(out, "Per-request values for load tests: {{seq}} {{uuid}} {{random A B}} {{choice a|b}} {{hex N}} {{now}}")
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&raw, "template", false, "print the template's source text instead")
	return cmd
}

// rendersEmpty reports whether a parameter with no default renders as
// nothing (a user template's {{ .param }}) rather than as a value the
// template derives from the others: the template rendered with a probe
// value, the probe removed, is the template rendered with none.
func rendersEmpty(t *events.Template, p events.Param) bool {
	if p.Kind != events.String {
		return false
	}
	none, err := t.Render(nil)
	if err != nil {
		return false
	}
	const probe = "lambench-probe-5c1e0f"
	with, err := t.Render(map[string]string{p.Name: probe})
	if err != nil || !bytes.Contains(with, []byte(probe)) {
		return false
	}
	return bytes.Equal(bytes.ReplaceAll(with, []byte(probe), nil), none)
}

func firstParam(t *events.Template) string {
	if len(t.Params) == 0 {
		return "KEY"
	}
	return t.Params[0].Name
}

// oneLine shortens s to one line of at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func newEventsRenderCmd(f *Factory) *cobra.Command {
	in := &EventInput{}
	cmd := &cobra.Command{
		Use:   "render SERVICE EVENT [--set KEY=VALUE ...]",
		Short: "Print a rendered trigger event",
		Long: `Print the event a template renders, with its defaults and the values you
--set. Pipe it to a file to edit it, or to lambench invoke.`,
		Example: `  lambench events render s3 put --set bucket=uploads --set key="photos/a b.jpg"
  lambench events render sqs receive-message --set count=10 > batch.json
  lambench events render apigateway aws-proxy --set method=POST --set body='{"a":1}' | lambench invoke api`,
		Args: templateArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Event = templateName(args)
			if err := in.check(); err != nil {
				return err
			}
			b, _, err := in.resolve(f, "")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f.IO.Out, strings.TrimRight(string(b), "\n"))
			return err
		},
	}
	cmd.Flags().StringArrayVar(&in.Set, "set", nil, "set a template parameter, `KEY=VALUE` (repeatable; count=N for a batch)")
	return cmd
}

func newEventsSaveCmd(f *Factory) *cobra.Command {
	in := &EventInput{}
	var force bool
	cmd := &cobra.Command{
		Use:   "save FUNCTION NAME",
		Short: "Save an event for a function, as the console's saved test events",
		Long: `Save an event under .lambench/events/FUNCTION/NAME.json next to lambench.toml
(commit it to share it). The event is a template (--event, --set), JSON
(--payload), a file (--payload-file) or standard input.`,
		Example: `  lambench events save orders big-order --event "s3 put" --set size=1048576
  lambench events save api get-user --payload '{"path":"/users/7"}'
  lambench events save api smoke < event.json`,
		Args: exactArgs(2, "FUNCTION NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := in.check(); err != nil {
				return err
			}
			if err := events.ValidateName(args[1]); err != nil {
				return &usageError{err}
			}
			store := f.SavedEvents()
			if !force {
				if _, err := store.Load(args[0], args[1]); err == nil {
					return fmt.Errorf("%s already has a saved event %q: add --force to replace it", args[0], args[1])
				}
			}
			b, src, err := in.resolve(f, args[0])
			if err != nil {
				return err
			}
			if err := store.Save(args[0], args[1], b); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "saved %s (%s) as %s\n", args[1], src, store.Dir+"/"+args[0]+"/"+args[1]+".json")
			return nil
		},
	}
	in.addFlags(cmd.Flags(), false)
	cmd.Flags().BoolVar(&force, "force", false, "replace a saved event of the same name")
	return cmd
}

func newEventsSavedCmd(f *Factory) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "saved FUNCTION",
		Short: "List a function's saved events",
		Args:  exactArgs(1, "FUNCTION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, "table", "json"); err != nil {
				return err
			}
			names, err := f.SavedEvents().List(args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				if names == nil {
					names = []string{}
				}
				return writeJSON(f.IO, names)
			}
			if len(names) == 0 {
				fmt.Fprintf(f.IO.ErrOut, "%s has no saved events (lambench events save %s NAME --event ... adds one)\n", args[0], args[0])
				return nil
			}
			for _, n := range names {
				fmt.Fprintln(f.IO.Out, n)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

func newEventsDeleteCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "delete FUNCTION NAME",
		Short: "Delete a saved event",
		Args:  exactArgs(2, "FUNCTION NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.SavedEvents().Delete(args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "deleted %s of %s\n", args[1], args[0])
			return nil
		},
	}
}
