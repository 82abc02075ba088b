package loadview

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"

	"github.com/lambench/lambench/loadgen"
	"github.com/lambench/lambench/loadgen/stats"
)

// The form's fields, in order.
const (
	fShape = iota
	fLoad
	fDuration
	fRequests
	fWarmup
	fMemory
	fEvent
	fParams
	fThresholds
	fStrategy
	fSaveTo
	numFields
)

// Shapes of the load, the choices of the shape field.
var shapes = []string{"rate", "ramp", "steps", "sine", "workers"}

// strategies are the choices of the strategy field (a sweep's
// recommendation).
var strategies = []string{string(stats.StrategyBalanced), string(stats.StrategyCost), string(stats.StrategySpeed)}

// Defaults of the form: a run that starts at once.
const (
	DefaultRate     = "20"
	DefaultDuration = "20s"
	DefaultEvent    = "{}"
)

// field is one row of the form: a text input or a choice.
type field struct {
	label   string
	input   textinput.Model
	choices []string // a choice field when set
	choice  int
	err     string // the inline validation error
}

func (f *field) value() string {
	if f.choices != nil {
		return f.choices[f.choice]
	}
	return strings.TrimSpace(f.input.Value())
}

// loadHints are the load field's label and placeholder for each shape.
var loadHints = map[string][2]string{
	"rate":    {"rate /s", "requests per second, e.g. 20"},
	"ramp":    {"ramp /s", "FROM..TO requests per second, e.g. 1..100"},
	"steps":   {"steps", "e.g. 10/s for 10s, 1..50/s for 20s"},
	"sine":    {"sine", "MIN..MAX/PERIOD, e.g. 10..50/1m"},
	"workers": {"workers", "workers invoking back to back, e.g. 8"},
}

// form is the load test's settings.
type form struct {
	fields  [numFields]field
	focus   int
	editing bool // taking keys (Capturing)
}

func newForm(st inputStyles) *form {
	f := &form{editing: true, focus: fLoad}
	mk := func(label, value, placeholder string) field {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholder
		in.CharLimit = 2000
		in.Cursor.SetMode(cursor.CursorStatic)
		in.Cursor.Style = st.cursor
		in.TextStyle = st.text
		in.PlaceholderStyle = st.placeholder
		in.SetValue(value)
		return field{label: label, input: in}
	}
	f.fields[fShape] = field{label: "shape", choices: shapes}
	f.fields[fLoad] = mk("rate /s", DefaultRate, loadHints["rate"][1])
	f.fields[fDuration] = mk("duration", DefaultDuration, "e.g. 30s, 2m (or leave empty with a request count)")
	f.fields[fRequests] = mk("requests", "", "optional: stop after this many requests")
	f.fields[fWarmup] = mk("warm-up", "", "optional: leave out the first 5s, or the first 100 requests")
	f.fields[fMemory] = mk("memory MB", "", "optional sweep, e.g. 128,512,1769 (restored afterwards)")
	f.fields[fEvent] = mk("event", DefaultEvent, "{} or JSON, a template (\"s3 put\"), mix: s3 put=3, s3 delete=1, or saved:NAME")
	f.fields[fParams] = mk("params", "", "template parameters: KEY=VALUE; KEY=VALUE")
	f.fields[fThresholds] = mk("thresholds", "", "optional, e.g. p99<800ms, errors<1%")
	f.fields[fStrategy] = field{label: "strategy", choices: strategies}
	f.fields[fSaveTo] = mk("save to", "", "optional: write the reports and results.bin here as it runs")
	f.focusField(fLoad)
	return f
}

// inputStyles are the text inputs' styles, from the screen's Styles (so
// that NO_COLOR and the renderer's profile apply).
type inputStyles struct{ cursor, text, placeholder lipgloss.Style }

func (f *form) setWidth(w int) {
	for i := range f.fields {
		f.fields[i].input.Width = max(w-labelWidth-4, 10)
	}
}

// focusField moves the focus; only a text field holds a cursor.
func (f *form) focusField(i int) {
	for j := range f.fields {
		f.fields[j].input.Blur()
	}
	f.focus = (i + numFields) % numFields
	if f.editing && f.fields[f.focus].choices == nil {
		f.fields[f.focus].input.Focus()
	}
}

func (f *form) setEditing(on bool) {
	f.editing = on
	f.focusField(f.focus)
}

// cycle changes a choice field.
func (f *form) cycle(delta int) {
	fl := &f.fields[f.focus]
	if fl.choices == nil {
		return
	}
	fl.choice = (fl.choice + delta + len(fl.choices)) % len(fl.choices)
	if f.focus == fShape {
		h := loadHints[fl.value()]
		f.fields[fLoad].label = h[0]
		f.fields[fLoad].input.Placeholder = h[1]
	}
}

// settings are the form's values, checked: what a run needs before the
// function and the event are read.
type settings struct {
	plan       loadgen.Plan
	memory     []int
	event      string // "{}", JSON, a template name, or saved:NAME
	params     map[string]string
	thresholds []stats.Threshold
	strategy   stats.Strategy
	saveTo     string
}

// check validates the form, setting each field's inline error, and
// returns the settings when all are valid.
func (f *form) check() (settings, bool) {
	for i := range f.fields {
		f.fields[i].err = ""
	}
	var s settings
	setErr := func(i int, err error) {
		if err != nil && f.fields[i].err == "" {
			f.fields[i].err = err.Error()
		}
	}

	spec := loadgen.PlanSpec{}
	load := f.fields[fLoad].value()
	switch shape := f.fields[fShape].value(); shape {
	case "rate":
		r, err := strconv.ParseFloat(load, 64)
		if err != nil || r <= 0 {
			setErr(fLoad, fmt.Errorf("write a rate above 0, e.g. 20"))
		}
		spec.Rate = r
	case "ramp":
		spec.Ramp = load
	case "steps":
		spec.Steps = load
	case "sine":
		spec.Sine = load
	case "workers":
		n, err := strconv.Atoi(load)
		if err != nil || n <= 0 {
			setErr(fLoad, fmt.Errorf("write a number of workers above 0, e.g. 8"))
		}
		spec.Workers = n
	}
	if load == "" {
		setErr(fLoad, fmt.Errorf("say how much load (%s)", f.fields[fLoad].input.Placeholder))
	}
	if v := f.fields[fDuration].value(); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			setErr(fDuration, fmt.Errorf("write a duration such as 30s or 2m"))
		}
		spec.Duration = d
	}
	if v := f.fields[fRequests].value(); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			setErr(fRequests, fmt.Errorf("write a count above 0, or nothing"))
		}
		spec.Requests = n
	}
	if v := f.fields[fWarmup].value(); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			spec.Warmup = d
		} else if n, err := strconv.ParseUint(v, 10, 64); err == nil && n > 0 {
			spec.WarmupRequests = n
		} else {
			setErr(fWarmup, fmt.Errorf("write a duration such as 5s, or a number of requests"))
		}
	}
	if f.fields[fLoad].err == "" && f.fields[fDuration].err == "" && f.fields[fRequests].err == "" && f.fields[fWarmup].err == "" {
		p, err := spec.Plan()
		if err != nil {
			// Most plan errors are about the load; a missing bound
			// about the duration.
			at := fLoad
			if strings.Contains(err.Error(), "needs a duration") || strings.Contains(err.Error(), "need a duration") {
				at = fDuration
			}
			setErr(at, err)
		}
		s.plan = p
	}

	mem, err := parseMemory(f.fields[fMemory].value())
	setErr(fMemory, err)
	s.memory = mem

	s.event = f.fields[fEvent].value()
	if s.event == "" {
		s.event = DefaultEvent
	}
	params, err := parseParams(f.fields[fParams].value())
	setErr(fParams, err)
	if len(params) > 0 && !isTemplate(s.event) {
		setErr(fParams, fmt.Errorf("parameters go with a template: name one in the event field"))
	}
	s.params = params

	th, err := stats.ParseThresholds(splitList(f.fields[fThresholds].value()))
	setErr(fThresholds, err)
	s.thresholds = th
	s.strategy = stats.Strategy(f.fields[fStrategy].value())
	s.saveTo = f.fields[fSaveTo].value()

	for _, fl := range f.fields {
		if fl.err != "" {
			return s, false
		}
	}
	return s, true
}

// isTemplate reports whether the event field names a template rather
// than giving JSON, a saved event or a mix.
func isTemplate(event string) bool {
	return event != "" && !strings.HasPrefix(event, "{") && !strings.HasPrefix(event, "[") &&
		!strings.HasPrefix(event, `"`) && !strings.HasPrefix(event, "saved:") && !strings.HasPrefix(event, "mix:")
}

// parseMemory reads a comma (or space) separated list of memory sizes.
func parseMemory(s string) ([]int, error) {
	var out []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		m, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(part), "MB"))
		if err != nil {
			return nil, fmt.Errorf("memory %q: write sizes in MB, e.g. 128,512,1769", part)
		}
		if m < 128 || m > 10240 {
			return nil, fmt.Errorf("memory %d MB: Lambda's memory sizes are 128 to 10240 MB", m)
		}
		if slices.Contains(out, m) {
			return nil, fmt.Errorf("memory %d MB is listed twice", m)
		}
		out = append(out, m)
	}
	return out, nil
}

// parseParams reads template parameters written KEY=VALUE; KEY=VALUE (as
// --set takes them; a ';' or a new line separates them, since values may
// hold commas and spaces).
func parseParams(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	m := map[string]string{}
	for _, kv := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("parameter %q: write KEY=VALUE, e.g. path=/orders", strings.TrimSpace(kv))
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m, nil
}

// splitList splits thresholds written on one line with commas, or on
// several lines.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
