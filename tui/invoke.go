package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
)

// Invocation is one invocation the TUI made, kept in the session's
// history.
type Invocation struct {
	// N numbers the session's invocations from 1.
	N int
	// Function, Type and Payload are what was sent; Source says where the
	// event came from ("apigateway http-api-proxy", "saved event big").
	Function string
	Type     invoke.InvocationType
	Payload  []byte
	Source   string
	// Result is what came back; Err a failure to invoke at all.
	Result *invoke.Result
	Err    error
	// At is when it was sent.
	At time.Time
}

// InvokedMsg reports an invocation; the root records it in the stats.
type InvokedMsg struct{ Entry *Invocation }

type invokeMode int

const (
	modePick invokeMode = iota
	modeForm
	modeJSON
	modeResult
	modeHistory
	modeSaveName
)

type (
	savedListMsg struct {
		function string
		names    []string
		err      error
	}
	savedLoadedMsg struct {
		function, name string
		event          []byte
		err            error
	}
	eventSavedMsg struct {
		function, name string
		err            error
	}
	editorFileMsg struct {
		path string
		err  error
	}
	editorDoneMsg struct {
		event []byte
		err   error
	}
)

// pickItem is a template or a saved event in the invoke screen's list.
type pickItem struct {
	group, name, desc string
	tmpl              *events.Template
	saved             string
}

func (i pickItem) FilterValue() string { return i.group + " " + i.name + " " + i.desc }

// wordFilter keeps the items containing every word of the term, those
// whose name matches first, in their order (service, then event): more
// predictable than fuzzy matching for names like "http-api".
func wordFilter(term string, targets []string) []list.Rank {
	words := strings.Fields(strings.ToLower(term))
	var first, rest []list.Rank
	for i, t := range targets {
		t = strings.ToLower(t)
		ok := true
		for _, w := range words {
			if !strings.Contains(t, w) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		// The name is the first two words (group and event).
		head := strings.Join(strings.Fields(t)[:min(2, len(strings.Fields(t)))], " ")
		inHead := true
		for _, w := range words {
			inHead = inHead && strings.Contains(head, w)
		}
		if inHead {
			first = append(first, list.Rank{Index: i})
		} else {
			rest = append(rest, list.Rank{Index: i})
		}
	}
	return append(first, rest...)
}

// pickDelegate renders a pick item on one line: group, name, description.
type pickDelegate struct{ st *Styles }

func (d pickDelegate) Height() int                         { return 1 }
func (d pickDelegate) Spacing() int                        { return 0 }
func (d pickDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }
func (d pickDelegate) Render(w io.Writer, m list.Model, index int, item list.Item) {
	it := item.(pickItem)
	cursor := "  "
	// Columns fit the longest service (alexa-skills-kit) and most events;
	// a longer event name is cut, wider terminals cut less.
	nameW := 28
	if m.Width() >= 120 {
		nameW = 36
	}
	line := fit(it.group, 16) + " " + fit(it.name, nameW) + " "
	if index == m.Index() {
		cursor = "▸ "
		line = d.st.Selected.Render(line)
	}
	fmt.Fprint(w, truncate(cursor+line+d.st.Muted.Render(it.desc), m.Width()))
}

// fit pads s to width cells, or cuts it to width with an ellipsis.
func fit(s string, width int) string {
	if n := len([]rune(s)); n <= width {
		return s + strings.Repeat(" ", width-n)
	}
	return string([]rune(s)[:width-1]) + "…"
}

type invokeScreen struct {
	c             *Common
	width, height int
	function      string

	mode, back invokeMode // back: where Esc from the result or the save prompt returns
	pick       list.Model
	savedFor   string
	saved      []string

	tmpl   *events.Template
	inputs []textinput.Model
	focus  int
	json   textarea.Model
	raw    bool // the event is the text area's JSON, not the form's
	source string
	typ    invoke.InvocationType

	sending   bool
	history   []*Invocation
	shown     int // index in history of the result shown
	histIndex int
	result    viewport.Model
	saveName  textinput.Model
}

func newInvokeScreen(c *Common) *invokeScreen {
	l := list.New(nil, pickDelegate{st: c.Styles}, 80, 10)
	l.SetShowTitle(false)
	l.SetShowHelp(false)
	l.SetShowStatusBar(false)
	l.SetShowPagination(false)
	l.DisableQuitKeybindings()
	l.KeyMap.ShowFullHelp.SetEnabled(false)
	l.KeyMap.CloseFullHelp.SetEnabled(false)
	l.FilterInput.Prompt = "/"
	l.Filter = wordFilter
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.CharLimit = 0
	ta.MaxHeight = 0
	sn := textinput.New()
	sn.Prompt = "save as: "
	sn.Placeholder = "name (letters, digits, - _ .)"
	s := &invokeScreen{c: c, pick: l, json: ta, saveName: sn, typ: invoke.RequestResponse, source: "empty event {}"}
	s.pick.SetItems(s.items())
	return s
}

func (s *invokeScreen) Init() tea.Cmd { return nil }
func (s *invokeScreen) Title() string { return "invoke" }

func (s *invokeScreen) Capturing() bool {
	switch s.mode {
	case modeForm, modeJSON, modeSaveName:
		return true
	case modePick:
		return s.pick.SettingFilter()
	}
	return false
}

func (s *invokeScreen) ShortHelp() []key.Binding {
	k := s.c.Keys
	choose := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	switch s.mode {
	case modePick:
		if s.pick.SettingFilter() {
			return []key.Binding{choose, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
		}
		return []key.Binding{choose, k.Filter, k.Send, k.CycleType, k.History}
	case modeForm:
		return []key.Binding{k.Send, k.NextField, k.EditJSON, k.Editor, k.Save, k.CycleType, k.Back}
	case modeJSON:
		return []key.Binding{k.Send, k.Editor, k.Save, k.CycleType, k.Back}
	case modeResult:
		return []key.Binding{k.Send, k.EditJSON, k.Older, k.Newer, k.History, k.Bottom, k.Back}
	case modeHistory:
		return []key.Binding{choose, k.Back}
	case modeSaveName:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")), k.Back}
	}
	return nil
}

func (s *invokeScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys
	return [][]key.Binding{
		{k.Enter, k.Filter, k.Up, k.Down},
		{k.Send, k.CycleType, k.NextField, k.PrevField},
		{k.EditJSON, k.Editor, k.Save},
		{k.History, k.Older, k.Newer, k.Top, k.Bottom, k.Back},
	}
}

// heading takes the first two lines of the body.
const invokeHeading = 2

func (s *invokeScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	inner := max(h-invokeHeading, 3)
	s.pick.SetSize(w, inner)
	s.json.SetWidth(w)
	s.json.SetHeight(max(inner-1, 3))
	s.result = resizeViewport(s.result, w, max(inner-resultSummaryLines, 3))
	for i := range s.inputs {
		s.inputs[i].Width = max(min(40, w-30), 10)
	}
}

func resizeViewport(v viewport.Model, w, h int) viewport.Model {
	if v.Width == 0 && v.Height == 0 {
		v = viewport.New(w, h)
		return v
	}
	v.Width, v.Height = w, h
	return v
}

// items are the function's saved events, then every template, grouped
// by service.
func (s *invokeScreen) items() []list.Item {
	var items []list.Item
	for _, name := range s.saved {
		items = append(items, pickItem{group: "saved", name: name, desc: "saved event of " + s.function, saved: name})
	}
	for _, svc := range s.c.Templates.Services() {
		for _, t := range s.c.Templates.List(svc) {
			items = append(items, pickItem{group: t.Service, name: t.Event, desc: t.Description, tmpl: t})
		}
	}
	return items
}

func (s *invokeScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case SelectMsg:
		return s, s.setFunction(msg.Function)
	case savedListMsg:
		if msg.function == s.function && msg.err == nil {
			s.saved, s.savedFor = msg.names, msg.function
			return s, s.pick.SetItems(s.items())
		}
		return s, nil
	case savedLoadedMsg:
		if msg.err != nil {
			return s, StatusErr(msg.err)
		}
		s.tmpl, s.inputs = nil, nil
		s.setJSON(string(msg.event), "saved event "+msg.name)
		return s, s.json.Focus()
	case eventSavedMsg:
		if msg.err != nil {
			return s, StatusErr(fmt.Errorf("save the event: %w", msg.err))
		}
		return s, tea.Batch(Status(fmt.Sprintf("saved as %s's event %q", msg.function, msg.name)), s.listSaved())
	case editorFileMsg:
		if msg.err != nil {
			return s, StatusErr(msg.err)
		}
		return s, s.runEditor(msg.path)
	case editorDoneMsg:
		if msg.err != nil {
			return s, StatusErr(fmt.Errorf("$EDITOR: %w", msg.err))
		}
		s.setJSON(string(msg.event), "edited in $EDITOR")
		return s, s.json.Focus()
	case InvokedMsg:
		if msg.Entry.Function != s.function || !s.sending {
			return s, nil
		}
		s.sending = false
		s.history = append(s.history, msg.Entry)
		s.show(len(s.history) - 1)
		return s, Status(oneLine(msg.Entry))
	case tea.KeyMsg:
		return s, s.handleKey(msg)
	}
	// Other messages (the text area's and inputs' blinks) go to the
	// focused component.
	return s, s.updateFocused(msg)
}

func (s *invokeScreen) setFunction(name string) tea.Cmd {
	if name == s.function {
		return nil
	}
	s.function = name
	s.saved = nil
	s.pick.SetItems(s.items())
	return s.listSaved()
}

func (s *invokeScreen) listSaved() tea.Cmd {
	if s.c.Saved == nil || s.function == "" {
		return nil
	}
	store, fn := s.c.Saved, s.function
	return func() tea.Msg {
		names, err := store.List(fn)
		return savedListMsg{function: fn, names: names, err: err}
	}
}

func (s *invokeScreen) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.c.Keys
	// Keys that work wherever an event is being composed.
	if s.mode != modeSaveName && s.mode != modeHistory {
		switch {
		case key.Matches(msg, k.Send):
			return s.send()
		case key.Matches(msg, k.CycleType):
			s.typ = nextType(s.typ)
			return Status("invocation type: " + string(s.typ))
		}
	}
	switch s.mode {
	case modePick:
		if s.pick.SettingFilter() && key.Matches(msg, k.Enter) {
			// Enter on a filter that leaves one template chooses it at
			// once (the list filters in the background: match here).
			if it, ok := s.onlyMatch(); ok {
				s.pick.ResetFilter()
				s.pick.Select(it)
				return s.choose()
			}
		}
		if !s.pick.SettingFilter() {
			switch {
			case key.Matches(msg, k.Enter):
				return s.choose()
			case key.Matches(msg, k.History):
				return s.openHistory()
			case key.Matches(msg, k.EditJSON):
				return s.editJSON()
			}
		}
		var cmd tea.Cmd
		s.pick, cmd = s.pick.Update(msg)
		return cmd
	case modeForm:
		switch {
		case msg.Type == tea.KeyEsc:
			s.mode = modePick
			return nil
		case key.Matches(msg, k.EditJSON):
			return s.editJSON()
		case key.Matches(msg, k.Editor):
			return s.openEditor()
		case key.Matches(msg, k.Save):
			return s.askName()
		case key.Matches(msg, k.NextField), msg.Type == tea.KeyEnter:
			return s.focusField(s.focus + 1)
		case key.Matches(msg, k.PrevField):
			return s.focusField(s.focus - 1)
		}
		return s.updateFocused(msg)
	case modeJSON:
		switch {
		case msg.Type == tea.KeyEsc:
			s.json.Blur()
			s.mode = modePick
			if s.tmpl != nil && !s.raw {
				s.mode = modeForm
			}
			return nil
		case key.Matches(msg, k.Editor):
			return s.openEditor()
		case key.Matches(msg, k.Save):
			return s.askName()
		}
		before := s.json.Value()
		cmd := s.updateFocused(msg)
		if s.json.Value() != before && !s.raw {
			s.raw, s.source = true, "edited JSON"
		}
		return cmd
	case modeResult:
		switch {
		case key.Matches(msg, k.Enter):
			return s.send()
		case key.Matches(msg, k.EditJSON):
			if e := s.current(); e != nil {
				s.setJSON(string(e.Payload), e.Source)
				return s.json.Focus()
			}
		case key.Matches(msg, k.Older):
			s.show(s.shown - 1)
			return nil
		case key.Matches(msg, k.Newer):
			s.show(s.shown + 1)
			return nil
		case key.Matches(msg, k.History):
			return s.openHistory()
		case key.Matches(msg, k.Top):
			s.result.GotoTop()
			return nil
		case key.Matches(msg, k.Bottom):
			s.result.GotoBottom()
			return nil
		}
		var cmd tea.Cmd
		s.result, cmd = s.result.Update(msg)
		return cmd
	case modeHistory:
		switch {
		case key.Matches(msg, k.Up):
			s.histIndex = max(s.histIndex-1, 0)
		case key.Matches(msg, k.Down):
			s.histIndex = min(s.histIndex+1, len(s.history)-1)
		case key.Matches(msg, k.Enter):
			s.show(s.histIndex)
		}
		return nil
	case modeSaveName:
		switch msg.Type {
		case tea.KeyEsc:
			s.mode = s.back
			return nil
		case tea.KeyEnter:
			name := strings.TrimSpace(s.saveName.Value())
			if err := events.ValidateName(name); err != nil {
				return StatusErr(err)
			}
			s.mode = s.back
			return s.save(name)
		}
		var cmd tea.Cmd
		s.saveName, cmd = s.saveName.Update(msg)
		return cmd
	}
	return nil
}

// Back leaves a result, the history or a filter.
func (s *invokeScreen) Back() (bool, tea.Cmd) {
	switch s.mode {
	case modePick:
		if s.pick.FilterState() != list.Unfiltered {
			s.pick.ResetFilter()
			return true, nil
		}
		return false, nil
	case modeHistory:
		if s.current() != nil {
			s.mode = modeResult
			return true, nil
		}
		s.mode = s.back
		return true, nil
	case modeResult:
		s.mode = s.back
		if s.mode == modeResult || s.mode == modeHistory {
			s.mode = modePick
		}
		switch s.mode {
		case modeForm:
			return true, s.focusField(s.focus)
		case modeJSON:
			return true, s.json.Focus()
		}
		return true, nil
	}
	return false, nil
}

func (s *invokeScreen) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch s.mode {
	case modeForm:
		if s.focus >= 0 && s.focus < len(s.inputs) {
			s.inputs[s.focus], cmd = s.inputs[s.focus].Update(msg)
		}
	case modeJSON:
		s.json, cmd = s.json.Update(msg)
	case modeSaveName:
		s.saveName, cmd = s.saveName.Update(msg)
	case modePick:
		if _, ok := msg.(tea.KeyMsg); !ok {
			s.pick, cmd = s.pick.Update(msg)
		}
	}
	return cmd
}

// choose opens the selected template's form, or loads a saved event.
// onlyMatch is the index (among all the items) of the one item the
// filter being typed matches, if exactly one does.
func (s *invokeScreen) onlyMatch() (int, bool) {
	items := s.pick.Items()
	targets := make([]string, len(items))
	for i, it := range items {
		targets[i] = it.FilterValue()
	}
	ranks := s.pick.Filter(s.pick.FilterInput.Value(), targets)
	if len(ranks) != 1 {
		return 0, false
	}
	return ranks[0].Index, true
}

func (s *invokeScreen) choose() tea.Cmd {
	it, ok := s.pick.SelectedItem().(pickItem)
	if !ok {
		return nil
	}
	if it.saved != "" {
		store, fn := s.c.Saved, s.function
		return func() tea.Msg {
			b, err := store.Load(fn, it.saved)
			return savedLoadedMsg{function: fn, name: it.saved, event: b, err: err}
		}
	}
	s.tmpl, s.raw = it.tmpl, false
	s.source = "template " + it.tmpl.Name()
	s.inputs = make([]textinput.Model, len(it.tmpl.Params))
	for i, p := range it.tmpl.Params {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = p.Default
		if p.Default == "" {
			in.Placeholder = "(empty)"
		}
		in.Width = max(min(40, s.width-30), 10)
		s.inputs[i] = in
	}
	s.mode = modeForm
	return s.focusField(0)
}

func (s *invokeScreen) focusField(i int) tea.Cmd {
	if len(s.inputs) == 0 {
		return nil
	}
	i = (i + len(s.inputs)) % len(s.inputs)
	for j := range s.inputs {
		s.inputs[j].Blur()
	}
	s.focus = i
	return s.inputs[i].Focus()
}

// values are the form's filled-in parameters (empty ones take defaults).
func (s *invokeScreen) values() map[string]string {
	v := map[string]string{}
	if s.tmpl == nil {
		return v
	}
	for i, p := range s.tmpl.Params {
		if i < len(s.inputs) && s.inputs[i].Value() != "" {
			v[p.Name] = s.inputs[i].Value()
		}
	}
	return v
}

// payload is the event to send: the text area's JSON once edited, else
// the template rendered with the form's values, else {}.
func (s *invokeScreen) payload() ([]byte, error) {
	if s.raw {
		b := []byte(s.json.Value())
		if err := events.ValidateJSON(b); err != nil {
			return nil, fmt.Errorf("the event is not valid JSON: %w", err)
		}
		return b, nil
	}
	if s.tmpl != nil {
		return s.tmpl.Render(s.values())
	}
	return []byte("{}"), nil
}

func (s *invokeScreen) setJSON(text, source string) {
	s.json.SetValue(text)
	s.json.CursorStart()
	for s.json.Line() > 0 {
		s.json.CursorUp()
	}
	s.raw, s.source = true, source
	s.mode = modeJSON
}

func (s *invokeScreen) editJSON() tea.Cmd {
	b, err := s.payload()
	if err != nil {
		return StatusErr(err)
	}
	src := s.source
	s.setJSON(string(b), src)
	return s.json.Focus()
}

func (s *invokeScreen) askName() tea.Cmd {
	s.back = s.mode
	s.mode = modeSaveName
	s.saveName.SetValue("")
	return s.saveName.Focus()
}

func (s *invokeScreen) save(name string) tea.Cmd {
	if s.c.Saved == nil {
		return StatusErr(fmt.Errorf("saved events need a project directory"))
	}
	b, err := s.payload()
	if err != nil {
		return StatusErr(err)
	}
	store, fn := s.c.Saved, s.function
	return func() tea.Msg {
		return eventSavedMsg{function: fn, name: name, err: store.Save(fn, name, b)}
	}
}

// openEditor writes the event to a file in a command, then runs $EDITOR
// on it (tea.ExecProcess gives it the terminal).
func (s *invokeScreen) openEditor() tea.Cmd {
	b, err := s.payload()
	if err != nil {
		return StatusErr(err)
	}
	return func() tea.Msg {
		f, err := os.CreateTemp("", "lambench-event-*.json")
		if err != nil {
			return editorFileMsg{err: err}
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return editorFileMsg{path: f.Name(), err: err}
	}
}

func (s *invokeScreen) runEditor(path string) tea.Cmd {
	args := strings.Fields(s.c.Editor)
	if len(args) == 0 {
		args = []string{"vi"}
	}
	cmd := exec.Command(args[0], append(args[1:], path)...)
	return tea.ExecProcess(cmd, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return editorDoneMsg{err: err}
		}
		b, err := os.ReadFile(path)
		return editorDoneMsg{event: b, err: err}
	})
}

func (s *invokeScreen) send() tea.Cmd {
	if s.function == "" {
		return StatusErr(fmt.Errorf("no function selected: pick one on the functions screen (1)"))
	}
	if s.c.Client == nil {
		return StatusErr(fmt.Errorf("not connected yet"))
	}
	if s.sending {
		return Status("an invocation is in progress")
	}
	var b []byte
	source := s.source
	if s.mode == modeResult {
		if e := s.current(); e != nil {
			b, source = e.Payload, e.Source
		}
	}
	if b == nil {
		var err error
		if b, err = s.payload(); err != nil {
			return StatusErr(err)
		}
	}
	s.sending = true
	if s.mode != modeResult && s.mode != modeHistory {
		s.back = s.mode
	}
	entry := &Invocation{N: len(s.history) + 1, Function: s.function, Type: s.typ, Payload: b, Source: source, At: time.Now()}
	client, ctx := s.c.Client, s.c.Ctx
	return tea.Batch(Status(fmt.Sprintf("invoking %s (%s)…", s.function, s.typ)), func() tea.Msg {
		entry.Result, entry.Err = client.Invoke(ctx, &invoke.Request{Function: entry.Function, Type: entry.Type, Payload: entry.Payload})
		return InvokedMsg{Entry: entry}
	})
}

func (s *invokeScreen) openHistory() tea.Cmd {
	if len(s.history) == 0 {
		return Status("no invocations yet in this session")
	}
	if s.mode != modeHistory && s.mode != modeResult {
		s.back = s.mode
	}
	s.mode = modeHistory
	s.histIndex = len(s.history) - 1
	return nil
}

func (s *invokeScreen) current() *Invocation {
	if s.shown >= 0 && s.shown < len(s.history) {
		return s.history[s.shown]
	}
	return nil
}

func (s *invokeScreen) show(i int) {
	if i < 0 || i >= len(s.history) {
		return
	}
	s.shown = i
	if s.mode != modeResult && s.mode != modeHistory {
		s.back = s.mode
	}
	s.mode = modeResult
	s.result.SetContent(resultBody(s.c.Styles, s.history[i], s.width))
	s.result.GotoTop()
}

func nextType(t invoke.InvocationType) invoke.InvocationType {
	switch t {
	case invoke.RequestResponse:
		return invoke.Event
	case invoke.Event:
		return invoke.DryRun
	}
	return invoke.RequestResponse
}

func (s *invokeScreen) View() string {
	st := s.c.Styles
	if s.function == "" {
		return st.Muted.Render("no function selected: pick one on the functions screen (1)")
	}
	head := st.Title.Render("invoke "+s.function) + st.Muted.Render(" · "+string(s.typ)+" · "+s.source)
	if s.sending {
		head += st.Warn.Render(" · sending…")
	}
	var body string
	switch s.mode {
	case modePick:
		sub := "pick a trigger event (enter), or send {} (ctrl+s)"
		if len(s.saved) > 0 {
			sub = fmt.Sprintf("%d saved events, then the templates by service; enter picks, ctrl+s sends", len(s.saved))
		}
		return truncate(head, s.width) + "\n" + truncate(st.Muted.Render(sub), s.width) + "\n" + s.pick.View()
	case modeForm:
		body = s.formView()
	case modeJSON:
		body = s.json.View()
	case modeResult:
		e := s.current()
		body = resultSummary(st, e, s.width) + "\n" + s.result.View()
		head = st.Title.Render(fmt.Sprintf("result #%d of %d", e.N, len(s.history))) + st.Muted.Render(" · "+e.Function+" · "+e.Source+" · "+e.At.Format("15:04:05"))
	case modeHistory:
		body = s.historyView()
		head = st.Title.Render("this session's invocations")
	case modeSaveName:
		body = s.saveName.View()
	}
	return truncate(head, s.width) + "\n\n" + body
}

func (s *invokeScreen) formView() string {
	st := s.c.Styles
	if len(s.inputs) == 0 {
		return st.Muted.Render("this template has no parameters: ctrl+s sends it, ctrl+e edits its JSON")
	}
	avail := max(s.height-invokeHeading-1, 2)
	start := 0
	if s.focus >= avail {
		start = s.focus - avail + 1
	}
	var lines []string
	lw := 8
	for _, p := range s.tmpl.Params {
		lw = max(lw, len(p.Name))
	}
	for i := start; i < len(s.inputs) && len(lines) < avail; i++ {
		p := s.tmpl.Params[i]
		label := fmt.Sprintf("%-*s", lw, p.Name)
		if i == s.focus {
			label = st.Accent.Render("▸ " + label)
		} else {
			label = "  " + label
		}
		lines = append(lines, truncate(label+" "+s.inputs[i].View()+"  "+st.Muted.Render(p.Help), s.width))
	}
	lines = append(lines, st.Muted.Render("empty fields take their default (shown dim)"))
	return strings.Join(lines, "\n")
}

func (s *invokeScreen) historyView() string {
	var lines []string
	avail := max(s.height-invokeHeading, 1)
	start := max(0, s.histIndex-avail+1)
	for i := start; i < len(s.history) && len(lines) < avail; i++ {
		line := oneLine(s.history[i])
		if i == s.histIndex {
			line = s.c.Styles.Selected.Render("▸ " + line)
		} else {
			line = "  " + line
		}
		lines = append(lines, truncate(line, s.width))
	}
	return strings.Join(lines, "\n")
}

// oneLine is an invocation in one line, for the history and the status.
func oneLine(e *Invocation) string {
	s := fmt.Sprintf("#%d %s %s %s", e.N, e.At.Format("15:04:05"), e.Function, e.Type)
	switch {
	case e.Err != nil:
		return s + " · failed: " + e.Err.Error()
	case e.Result.Error != nil:
		s += " · error " + e.Result.Error.Error()
	default:
		s += fmt.Sprintf(" · %d ok", e.Result.StatusCode)
	}
	if r := e.Result.Report; r != nil {
		s += " · " + invoke.FormatMS(r.Duration)
		if r.Cold() {
			s += " · cold"
		} else {
			s += " · warm"
		}
	}
	return s + " · " + e.Source
}

// resultSummaryLines are the lines of the fixed summary above the
// scrollable result.
const resultSummaryLines = 3

// resultSummary is the status, the cold/warm badge and the REPORT's
// figures.
func resultSummary(st *Styles, e *Invocation, width int) string {
	var l1, l2, l3 string
	switch {
	case e.Err != nil:
		l1 = st.Error.Render("✗ invoke failed: " + e.Err.Error())
	case e.Result.Error != nil:
		kind := e.Result.Error.Kind
		if kind == "" {
			kind = "function"
		}
		l1 = st.Error.Bold(true).Render(fmt.Sprintf("✗ %s error", kind)) + st.Muted.Render(fmt.Sprintf(" · HTTP %d", e.Result.StatusCode))
	case e.Type == invoke.Event:
		l1 = st.OK.Render(fmt.Sprintf("✓ queued for asynchronous invocation (HTTP %d)", e.Result.StatusCode))
	case e.Type == invoke.DryRun:
		l1 = st.OK.Render(fmt.Sprintf("✓ dry run: %s may be invoked (HTTP %d)", e.Function, e.Result.StatusCode))
	default:
		l1 = st.OK.Render(fmt.Sprintf("✓ ok (HTTP %d)", e.Result.StatusCode))
	}
	if e.Err == nil {
		if e.Result.RequestID != "" {
			l1 += st.Muted.Render(" · " + e.Result.RequestID)
		}
		l1 += st.Muted.Render(" · round trip " + invoke.FormatMS(e.Result.Latency))
		if r := e.Result.Report; r != nil {
			badge := st.Warm.Render(" WARM ")
			if r.Cold() {
				init := r.InitDuration
				if r.RestoreDuration > 0 {
					init = r.RestoreDuration
				}
				badge = st.Cold.Render(" COLD ") + " Init Duration " + invoke.FormatMS(init) + " ·"
			}
			l2 = fmt.Sprintf("%s Duration %s · Billed %s", badge, invoke.FormatMS(r.Duration), invoke.FormatMS(r.BilledDuration))
			l3 = fmt.Sprintf("Max Memory Used %d MB of %d MB", r.MaxMemoryUsedMB, r.MemorySizeMB)
			if r.Status != "" {
				l3 += " · " + st.Error.Render(strings.TrimSpace(r.Status+" "+r.ErrorType))
			}
		} else if e.Type == invoke.RequestResponse {
			why := "no log tail from this target"
			if e.Result.TailKnown {
				why = "no REPORT line in the tail"
			}
			l2 = st.Unknown.Render("cold/warm unknown (" + why + ")")
		}
	}
	return truncate(l1, width) + "\n" + truncate(l2, width) + "\n" + truncate(l3, width)
}

// resultBody is the scrollable part: the error, the payload, the log tail.
func resultBody(st *Styles, e *Invocation, width int) string {
	var b strings.Builder
	rule := func(title string) {
		b.WriteString(st.Muted.Render("── "+title+" "+strings.Repeat("─", max(width-len(title)-4, 0))) + "\n")
	}
	if e.Err != nil {
		b.WriteString(st.Error.Render(e.Err.Error()) + "\n")
		return b.String()
	}
	res := e.Result
	if fe := res.Error; fe != nil {
		typ := fe.Type
		if typ == "" {
			typ = "Error"
		}
		b.WriteString(st.Error.Bold(true).Render(typ+":") + " " + st.Error.Render(fe.Message) + "\n")
		for _, f := range fe.Stack {
			b.WriteString(st.Muted.Render("    "+strings.TrimSpace(f)) + "\n")
		}
		b.WriteString("\n")
	}
	if len(res.Payload) > 0 {
		rule("response")
		b.WriteString(lipgloss.NewStyle().Width(width).Render(prettyJSON(res.Payload)) + "\n")
	}
	if res.TailKnown && strings.TrimSpace(res.LogTail) != "" {
		rule("log tail")
		wrap := lipgloss.NewStyle().Width(width)
		for _, line := range strings.Split(strings.TrimRight(res.LogTail, "\n"), "\n") {
			b.WriteString(wrap.Render(styleLogLine(st, strings.ReplaceAll(line, "\t", "  "))) + "\n")
		}
	}
	return b.String()
}

// styleLogLine highlights REPORT lines and errors.
func styleLogLine(st *Styles, line string) string {
	if _, ok := invoke.ParseReport(line); ok {
		return st.Accent.Render(line)
	}
	if invoke.IsErrorLine(line) {
		return st.Error.Render(line)
	}
	return line
}

func prettyJSON(b []byte) string {
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") == nil {
		return buf.String()
	}
	return string(b)
}
