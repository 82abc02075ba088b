package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/lambench/lambench/invoke/events"
)

// EventInput is where a command's event comes from: a template with
// values, a JSON payload, a file, a saved event, or standard input.
type EventInput struct {
	Event       string
	Set         []string
	Payload     string
	PayloadFile string
	Saved       string
}

// addFlags adds the event flags; withSaved adds --saved.
func (e *EventInput) addFlags(fl *pflag.FlagSet, withSaved bool) {
	fl.StringVarP(&e.Event, "event", "e", "", "render the trigger event `TEMPLATE`, e.g. \"s3 put\" or sqs:receive-message (lambench events list)")
	fl.StringArrayVar(&e.Set, "set", nil, "set a template parameter, `KEY=VALUE` (repeatable; count=N for a batch)")
	fl.StringVarP(&e.Payload, "payload", "p", "", "the event as inline `JSON`")
	fl.StringVar(&e.PayloadFile, "payload-file", "", "read the event from `FILE` (- for standard input)")
	if withSaved {
		fl.StringVar(&e.Saved, "saved", "", "use the saved event `NAME` of the function (lambench events saved FUNCTION)")
	}
}

// check refuses contradictory flags (a usage error).
func (e *EventInput) check() error {
	var given []string
	for _, s := range []struct{ name, v string }{
		{"--event", e.Event}, {"--payload", e.Payload}, {"--payload-file", e.PayloadFile}, {"--saved", e.Saved},
	} {
		if s.v != "" {
			given = append(given, s.name)
		}
	}
	if len(given) > 1 {
		return &usageError{fmt.Errorf("give one event source, not %s", strings.Join(given, " and "))}
	}
	if len(e.Set) > 0 && e.Event == "" {
		return &usageError{errors.New("--set sets the parameters of a template: add --event TEMPLATE (lambench events list)")}
	}
	for _, kv := range e.Set {
		if !strings.Contains(kv, "=") {
			return &usageError{fmt.Errorf("--set %q: write KEY=VALUE, e.g. --set bucket=my-bucket", kv)}
		}
	}
	return nil
}

// sourceGiven reports whether a flag names the event.
func (e *EventInput) sourceGiven() bool {
	return e.Event != "" || e.Payload != "" || e.PayloadFile != "" || e.Saved != ""
}

// values are the --set values as a map.
func (e *EventInput) values() map[string]string {
	m := make(map[string]string, len(e.Set))
	for _, kv := range e.Set {
		k, v, _ := strings.Cut(kv, "=")
		m[strings.TrimSpace(k)] = v
	}
	return m
}

// resolve returns the event for function (which may be "" when there is
// none) and a few words saying where it came from. With no source flag
// the event is standard input when it is not a terminal, else {}.
func (e *EventInput) resolve(f *Factory, function string) ([]byte, string, error) {
	switch {
	case e.Event != "":
		reg, err := f.Templates()
		if err != nil {
			return nil, "", err
		}
		t, err := reg.Lookup(e.Event)
		if err != nil {
			return nil, "", err
		}
		b, err := t.Render(e.values())
		if err != nil {
			return nil, "", withSetExample(t, err)
		}
		return b, "template " + t.Name(), nil
	case e.Payload != "":
		b := []byte(e.Payload)
		if err := events.ValidateJSON(b); err != nil {
			return nil, "", fmt.Errorf("--payload: %w", err)
		}
		return b, "--payload", nil
	case e.PayloadFile == "-":
		return readEvent(f.IO.In, "standard input")
	case e.PayloadFile != "":
		file, err := os.Open(e.PayloadFile)
		if err != nil {
			return nil, "", fmt.Errorf("--payload-file: %w", err)
		}
		defer file.Close()
		return readEvent(file, e.PayloadFile)
	case e.Saved != "":
		b, err := f.SavedEvents().Load(function, e.Saved)
		if err != nil {
			return nil, "", err
		}
		return b, "saved event " + e.Saved, nil
	}
	if in, ok := f.IO.In.(*os.File); ok && in != nil && !isTerminal(in) {
		b, src, err := readEvent(in, "standard input")
		if err != nil || len(strings.TrimSpace(string(b))) > 0 {
			return b, src, err
		}
	}
	return []byte("{}"), "empty event {}", nil
}

// readEvent reads and checks one JSON event, naming where errors are as
// NAME:line:col.
func readEvent(r io.Reader, name string) ([]byte, string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 6<<20+1))
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > 6<<20 {
		return nil, "", fmt.Errorf("%s: the event is larger than 6 MB, Lambda's limit for a synchronous invoke", name)
	}
	if name == "standard input" && len(strings.TrimSpace(string(b))) == 0 {
		return b, name, nil
	}
	if err := events.ValidateJSON(b); err != nil {
		var se *events.SyntaxError
		if errors.As(err, &se) {
			return nil, "", fmt.Errorf("%s:%d:%d: the event is not valid JSON: %v", name, se.Line, se.Column, se.Err)
		}
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return b, name, nil
}

// Templates are the built-in event templates plus the project's own,
// from .lambench/templates next to lambench.toml. Bad user templates are
// reported on standard error and left out.
func (f *Factory) Templates() (*events.Registry, error) {
	f.tmplOnce.Do(func() {
		f.tmpl = events.NewRegistry()
		if err := f.tmpl.LoadDir(filepath.Join(f.ProjectDir(), events.DefaultTemplatesDir)); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "lambench: warning: user templates left out: %v\n", err)
		}
	})
	return f.tmpl, nil
}

// SavedEvents is the project's store of saved events,
// .lambench/events next to lambench.toml.
func (f *Factory) SavedEvents() *events.Store {
	return events.NewStore(filepath.Join(f.ProjectDir(), events.DefaultSavedDir))
}

// withSetExample adds the expected form to a bad value of an int, bool or
// json parameter: "parameter size: not an integer (e.g. --set size=1024)".
func withSetExample(t *events.Template, err error) error {
	var pe *events.ParamError
	if !errors.As(err, &pe) {
		return err
	}
	p, ok := t.Param(pe.Param)
	if !ok {
		return err
	}
	ex := p.Default
	switch p.Kind {
	case events.Int:
		if ex == "" {
			ex = "1"
		}
	case events.Bool:
		ex = "true"
	case events.JSON:
		if ex == "" || ex == "null" {
			ex = `{"a":1}`
		}
		ex = "'" + ex + "'"
	default:
		return err
	}
	return fmt.Errorf("%w (e.g. --set %s=%s)", err, p.Name, ex)
}
