package loadview

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/loadgen/job"
	"github.com/lambench/lambench/loadgen/stats"
	"github.com/lambench/lambench/loadgen/sweep"
	"github.com/lambench/lambench/tui"
)

// DefaultMaxCost is the worst-case cost (USD) above which a run on the
// aws target needs an explicit confirmation, as `lambench load
// --max-cost` defaults.
const DefaultMaxCost = 1.0

// Options configure the load screen.
type Options struct {
	// Journal records a sweep's original configuration before the first
	// change (nil: none, e.g. for a local Lambda lambench started, which
	// takes its changes with it); Via is stored with the record.
	Journal *sweep.Journal
	Via     map[string]string
	// ReportDir is the directory offered when saving a finished run's
	// reports; empty offers lambench-reports/FUNCTION-TIME.
	ReportDir string
	// Prices price the runs (stats.DefaultPrices() when zero).
	Prices stats.PriceTable
	// MaxCost is the worst-case cost in USD above which a run on the aws
	// target asks first (DefaultMaxCost when zero).
	MaxCost float64
}

// state is where the screen is: an explicit state machine, changed only
// in Update.
type state int

const (
	stateForm      state = iota // editing or looking at the form
	statePreparing              // reading the function and the event
	stateConfirm                // a costly run waits for a yes
	stateRunning                // job.Run goes on
	stateStopping               // cancelled; a sweep restores the function
	stateDone                   // the report is shown
)

var screenIDs atomic.Int64

// Screen is the load screen of one function: a form, then the live
// dashboard of the run, then its report.
type Screen struct {
	c        *tui.Common
	function string
	o        Options
	id       int64
	keys     keyMap

	width, height int

	form    *form
	set     settings
	setOK   bool
	formErr string

	fn    *invoke.Function // read when the screen starts, for the form's cost line
	fnErr error

	state    state
	gen      int // a run's generation: messages of an older one are ignored
	pending  *prepared
	run      *runner
	frame    frame
	hasFrame bool

	outcome  *job.Outcome
	runErr   error
	last     frame
	report   viewport.Model
	saving   bool // typing the directory to save to
	saveDir  textinput.Model
	savedDir string
}

// New returns the load screen for function; cmd/lambench plugs it into
// tui.Options.LoadScreen.
func New(c *tui.Common, function string, o Options) tui.Screen {
	if o.MaxCost <= 0 {
		o.MaxCost = DefaultMaxCost
	}
	if o.Prices.GBSecond == nil {
		o.Prices = stats.DefaultPrices()
	}
	st := c.Styles
	s := &Screen{
		c: c, function: function, o: o, id: screenIDs.Add(1), keys: newKeyMap(c.Keys),
		form:   newForm(inputStyles{cursor: st.Selected, text: st.App, placeholder: st.Muted}),
		width:  80,
		height: 21,
	}
	s.report = viewport.New(80, 10)
	s.saveDir = textinput.New()
	s.saveDir.Prompt = "save to: "
	s.saveDir.CharLimit = 1000
	s.saveDir.Cursor.SetMode(cursor.CursorStatic)
	s.saveDir.Cursor.Style = st.Selected
	s.check()
	s.SetSize(s.width, s.height)
	return s
}

// Screen messages; each carries the screen's id (every screen sees
// every message) and, for a run, its generation.
type (
	fnMsg struct {
		id  int64
		fn  *invoke.Function
		err error
	}
	preparedMsg struct {
		id  int64
		gen int
		p   *prepared
		err error
	}
	frameMsg struct {
		id  int64
		gen int
		f   frame
	}
	doneMsg struct {
		id      int64
		gen     int
		f       frame
		outcome *job.Outcome
		err     error
		text    string
	}
	savedMsg struct {
		id  int64
		dir string
		err error
	}
)

// prepared is a run ready to start: the spec, and what it may cost.
type prepared struct {
	set      settings
	spec     job.Spec
	requests uint64  // planned requests, all sizes together (0: unknown)
	worst    float64 // USD, when costs
	costs    bool    // the target may bill
}

// Init reads the function's configuration (for the header and the cost).
func (s *Screen) Init() tea.Cmd {
	client, ctx, id, name := s.c.Client, s.c.Ctx, s.id, s.function
	if client == nil {
		return nil
	}
	return func() tea.Msg {
		fn, err := client.Function(ctx, name)
		return fnMsg{id: id, fn: fn, err: err}
	}
}

// Title is the tab's name.
func (s *Screen) Title() string { return "load" }

// Capturing is true while the form, the cost question or the save
// prompt takes keys.
func (s *Screen) Capturing() bool {
	return (s.state == stateForm && s.form.editing) || s.state == stateConfirm || s.saving
}

// QuitPrompt asks before quitting during a run.
func (s *Screen) QuitPrompt() string {
	if s.state != stateRunning && s.state != stateStopping {
		return ""
	}
	if s.run != nil && len(s.run.spec.Memory) > 0 {
		return fmt.Sprintf("A memory sweep of %s is running: stop it (%s's memory will be restored) and quit?", s.function, s.function)
	}
	return fmt.Sprintf("A load test of %s is running: stop it and quit?", s.function)
}

// Close stops a run and waits (at most closeWait) for it to end, so that
// a swept function is restored before the client closes.
func (s *Screen) Close() {
	if r := s.run; r != nil {
		r.stop()
		r.wait(closeWait)
	}
}

// Back handles Esc: stop a run, leave the report or a question.
func (s *Screen) Back() (bool, tea.Cmd) {
	switch s.state {
	case stateRunning:
		return true, s.stop()
	case stateStopping:
		return true, nil
	case statePreparing, stateConfirm, stateDone:
		s.toForm()
		return true, nil
	}
	return false, nil
}

// SetSize gives the body's size.
func (s *Screen) SetSize(w, h int) {
	s.width, s.height = max(w, 20), max(h, 5)
	s.form.setWidth(s.width)
	s.report.Width = s.width
	s.report.Height = max(s.height-2, 1)
	s.saveDir.Width = max(s.width-12, 10)
}

// check validates the form and recomputes its summary.
func (s *Screen) check() { s.set, s.setOK = s.form.check() }

// Update handles the screen's messages and keys.
func (s *Screen) Update(msg tea.Msg) (tui.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case fnMsg:
		if msg.id == s.id {
			s.fn, s.fnErr = msg.fn, msg.err
		}
	case preparedMsg:
		if msg.id != s.id || msg.gen != s.gen || s.state != statePreparing {
			return s, nil
		}
		if msg.err != nil {
			s.state = stateForm
			s.formErr = msg.err.Error()
			return s, tui.StatusErr(msg.err)
		}
		if msg.p.costs && (msg.p.requests == 0 || msg.p.worst > s.o.MaxCost) {
			s.pending = msg.p
			s.state = stateConfirm
			return s, nil
		}
		return s, s.launch(msg.p)
	case frameMsg:
		if msg.id != s.id || s.run == nil || msg.gen != s.run.gen {
			return s, nil
		}
		s.frame, s.hasFrame = msg.f, true
		return s, s.wait()
	case doneMsg:
		if msg.id != s.id || s.run == nil || msg.gen != s.run.gen {
			return s, nil
		}
		return s, s.finish(msg)
	case savedMsg:
		if msg.id != s.id {
			return s, nil
		}
		if msg.err != nil {
			return s, tui.StatusErr(fmt.Errorf("save the reports: %w", msg.err))
		}
		s.savedDir = msg.dir
		return s, tui.Status("reports in " + msg.dir + ": " + s.savedFiles())
	case tea.KeyMsg:
		return s, s.handleKey(msg)
	}
	return s, nil
}

func (s *Screen) savedFiles() string {
	files := "report.json, report.md, report.html"
	if s.run != nil && s.run.spec.ReportDir != "" && filepath.Clean(s.run.spec.ReportDir) == filepath.Clean(s.savedDir) {
		files += ", results.bin"
	}
	return files
}

func (s *Screen) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.keys
	if s.saving {
		switch {
		case key.Matches(msg, k.Enter):
			s.saving = false
			return s.save(strings.TrimSpace(s.saveDir.Value()))
		case key.Matches(msg, k.Cancel):
			s.saving = false
			return nil
		}
		var cmd tea.Cmd
		s.saveDir, cmd = s.saveDir.Update(msg)
		return cmd
	}
	switch s.state {
	case stateForm:
		return s.formKey(msg)
	case statePreparing:
		if key.Matches(msg, k.Cancel) {
			s.toForm()
		}
	case stateConfirm:
		switch {
		case key.Matches(msg, k.Yes):
			p := s.pending
			s.pending = nil
			return s.launch(p)
		case key.Matches(msg, k.No, k.Cancel):
			s.toForm()
		}
	case stateRunning:
		if key.Matches(msg, k.Stop) {
			return s.stop()
		}
	case stateDone:
		switch {
		case key.Matches(msg, k.Save):
			s.saving = true
			s.saveDir.SetValue(s.defaultSaveDir())
			s.saveDir.CursorEnd()
			return s.saveDir.Focus()
		case key.Matches(msg, k.Again):
			return s.submit()
		case key.Matches(msg, k.Edit):
			s.toForm()
			return nil
		}
		var cmd tea.Cmd
		s.report, cmd = s.report.Update(msg)
		return cmd
	}
	return nil
}

func (s *Screen) formKey(msg tea.KeyMsg) tea.Cmd {
	k, f := s.keys, s.form
	if !f.editing {
		switch {
		case key.Matches(msg, k.Start):
			return s.submit()
		case key.Matches(msg, k.Edit):
			f.setEditing(true)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Start):
		return s.submit()
	case key.Matches(msg, k.Leave):
		f.setEditing(false)
		return nil
	case key.Matches(msg, k.Next):
		f.focusField(f.focus + 1)
		return nil
	case key.Matches(msg, k.Prev):
		f.focusField(f.focus - 1)
		return nil
	}
	if f.fields[f.focus].choices != nil {
		switch {
		case key.Matches(msg, k.Left):
			f.cycle(-1)
		case key.Matches(msg, k.Right, k.Cycle):
			f.cycle(1)
		}
		s.check()
		return nil
	}
	var cmd tea.Cmd
	f.fields[f.focus].input, cmd = f.fields[f.focus].input.Update(msg)
	s.check()
	s.formErr = ""
	return cmd
}

func (s *Screen) toForm() {
	s.gen++ // a preparation in flight is forgotten
	s.state = stateForm
	s.pending = nil
	s.saving = false
	s.check()
}

// submit checks the form and prepares the run.
func (s *Screen) submit() tea.Cmd {
	s.check()
	if !s.setOK {
		s.state = stateForm
		s.formErr = "fix the fields marked ✗ first"
		return nil
	}
	if s.c.Client == nil {
		s.formErr = "not connected yet"
		return nil
	}
	s.formErr = ""
	s.state = statePreparing
	s.gen++
	return s.prepare(s.set)
}

// prepare reads the function and the event (I/O, in a command).
func (s *Screen) prepare(set settings) tea.Cmd {
	client, ctx, id, gen, name := s.c.Client, s.c.Ctx, s.id, s.gen, s.function
	templates, saved, o := s.c.Templates, s.c.Saved, s.o
	return func() tea.Msg {
		fail := func(err error) tea.Msg { return preparedMsg{id: id, gen: gen, err: err} }
		fn, err := client.Function(ctx, name)
		if err != nil {
			if !errors.Is(err, invoke.ErrUnsupported) {
				return fail(err)
			}
			// An RIE: one function, no configuration to read or change.
			if len(set.memory) > 0 {
				return fail(fmt.Errorf("%s cannot change the function's configuration: a memory sweep needs a Lambda API target", client.Target()))
			}
			fn = &invoke.Function{Name: name, Architecture: string(stats.X86_64)}
		}
		src, srcName, err := eventSource(set, templates, saved, name)
		if err != nil {
			return fail(err)
		}
		p := &prepared{set: set, requests: set.plan.ExpectedRequests() * uint64(max(len(set.memory), 1))}
		p.spec = job.Spec{
			Client: client, Function: fn, Plan: set.plan, Source: src, SourceName: srcName,
			Memory: set.memory, Journal: o.Journal, Via: o.Via,
			Thresholds: set.thresholds, Strategy: set.strategy, Prices: o.Prices, ReportDir: set.saveTo,
		}
		if err := p.spec.Validate(); err != nil {
			return fail(err)
		}
		if job.CostsMoney(client.Target()) {
			p.costs = true
			worst, _, err := job.WorstCase(fn, set.plan.ExpectedRequests(), set.memory, o.Prices)
			if err != nil {
				return fail(err)
			}
			p.worst = worst
		}
		return preparedMsg{id: id, gen: gen, p: p}
	}
}

// eventSource turns the event field into the requests' events: a
// template compiled once (its placeholders expanded per request), a
// weighted mix of templates ("mix: s3 put=3, s3 delete=1"), a saved
// event, or JSON.
func eventSource(set settings, templates *events.Registry, saved *events.Store, function string) (events.Source, string, error) {
	ev := set.event
	switch {
	case ev == "{}":
		return events.Fixed(ev), "empty event {}", nil
	case strings.HasPrefix(ev, "mix:"):
		if templates == nil {
			templates = events.NewRegistry()
		}
		return events.ParseMix(templates, strings.Split(strings.TrimPrefix(ev, "mix:"), ","), 0)
	case strings.HasPrefix(ev, "saved:"):
		name := strings.TrimSpace(strings.TrimPrefix(ev, "saved:"))
		if saved == nil {
			return nil, "", errors.New("no saved events here: save one from the invoke screen first")
		}
		b, err := saved.Load(function, name)
		if err != nil {
			return nil, "", err
		}
		return events.Fixed(b), "saved event " + name, nil
	case !isTemplate(ev):
		if err := events.ValidateJSON([]byte(ev)); err != nil {
			return nil, "", fmt.Errorf("event: %w", err)
		}
		return events.Fixed(ev), "inline event", nil
	}
	if templates == nil {
		templates = events.NewRegistry()
	}
	t, err := templates.Lookup(ev)
	if err != nil {
		return nil, "", err
	}
	r, err := t.Compile(set.params)
	if err != nil {
		return nil, "", err
	}
	return r, "template " + t.Name(), nil
}

// launch starts the run.
func (s *Screen) launch(p *prepared) tea.Cmd {
	s.gen++
	s.run = start(s.c.Ctx, s.gen, p.set, p.spec)
	s.state = stateRunning
	s.frame, s.hasFrame = frame{}, false
	s.outcome, s.runErr, s.savedDir = nil, nil, ""
	return tea.Batch(s.wait(), tui.Status(fmt.Sprintf("load test of %s: %s", s.function, p.set.plan)))
}

// wait is the run's "wait for next" command: a frame every
// refreshInterval, or the end of the run.
func (s *Screen) wait() tea.Cmd {
	r, id := s.run, s.id
	return func() tea.Msg {
		t := time.NewTimer(refreshInterval)
		defer t.Stop()
		select {
		case <-r.done:
			msg := doneMsg{id: id, gen: r.gen, f: r.live.frame(time.Now()), outcome: r.outcome, err: r.err}
			if r.outcome != nil {
				msg.text = finalText(r.outcome.Run)
			}
			return msg
		case <-t.C:
			return frameMsg{id: id, gen: r.gen, f: r.live.frame(time.Now())}
		}
	}
}

// stop cancels the run; frames keep coming until it has ended (and a
// sweep has restored the function).
func (s *Screen) stop() tea.Cmd {
	if s.run == nil || s.state != stateRunning {
		return nil
	}
	s.run.stop()
	s.state = stateStopping
	msg := "stopping the load test…"
	if len(s.run.spec.Memory) > 0 {
		msg = fmt.Sprintf("stopping the sweep; restoring %s's memory…", s.function)
	}
	return tui.Status(msg)
}

// finish shows the finished run.
func (s *Screen) finish(msg doneMsg) tea.Cmd {
	s.last = msg.f
	if msg.err != nil || msg.outcome == nil {
		// Nothing to report: the run could not start, or measured nothing.
		err := msg.err
		if err == nil {
			err = errors.New("the run measured nothing")
		}
		s.state = stateForm
		s.formErr = err.Error()
		return tui.StatusErr(err)
	}
	s.state = stateDone
	s.outcome, s.runErr = msg.outcome, msg.outcome.Err
	if s.run.spec.ReportDir != "" {
		s.savedDir = s.run.spec.ReportDir
	}
	s.report.SetContent(s.resultContent(msg.text))
	s.report.GotoTop()
	t := s.outcome.Run.Total()
	status := fmt.Sprintf("load test of %s done: %s requests, p50 %s", s.function, fmtCount(t.Requests), fmtDur(t.Latency.Percentile(50)))
	switch {
	case errors.Is(s.runErr, context.Canceled):
		status = fmt.Sprintf("load test of %s stopped: the report covers what ran", s.function)
	case s.runErr != nil:
		return tui.StatusErr(fmt.Errorf("the load test of %s ended early: %w (the report covers what ran)", s.function, s.runErr))
	case !s.outcome.Passed:
		return tui.StatusErr(fmt.Errorf("load test of %s: a threshold failed (see the report)", s.function))
	}
	return tui.Status(status)
}

// save writes the finished run's reports to dir (a command).
func (s *Screen) save(dir string) tea.Cmd {
	if s.outcome == nil || dir == "" {
		return nil
	}
	run, id := s.outcome.Run, s.id
	return func() tea.Msg {
		return savedMsg{id: id, dir: dir, err: job.WriteReports(dir, run)}
	}
}

// defaultSaveDir is the directory offered when saving.
func (s *Screen) defaultSaveDir() string {
	switch {
	case s.savedDir != "":
		return s.savedDir
	case s.o.ReportDir != "":
		return s.o.ReportDir
	}
	at := time.Now()
	if s.outcome != nil {
		at = s.outcome.Run.Start
	}
	return filepath.Join("lambench-reports", s.function+"-"+at.Format("20060102-150405"))
}
