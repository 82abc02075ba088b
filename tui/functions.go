package tui

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lambench/lambench/invoke"
)

// FunctionsListedMsg says how many functions the functions screen has
// received; First marks the first page, Done the last.
type FunctionsListedMsg struct {
	Count       int
	First, Done bool
}

// functionsPageMsg carries the functions read since the last one.
type functionsPageMsg struct {
	gen  int
	fns  []invoke.Function
	done bool
	err  error
}

type functionDetailMsg struct {
	name string
	fn   *invoke.Function
	err  error
}

// sortColumn is what the functions table is sorted by.
type sortColumn int

const (
	byName sortColumn = iota
	byRuntime
	byMemory
	byTimeout
	byModified
	numSortColumns
)

var sortNames = [...]string{"name", "runtime", "memory", "timeout", "last modified"}

type functionsScreen struct {
	c             *Common
	width, height int

	all     []invoke.Function
	shown   []invoke.Function
	table   table.Model
	filter  textinput.Model
	editing bool // typing the filter
	sortBy  sortColumn
	reverse bool

	gen      int // listing generation: a refresh ignores older pages
	listing  bool
	pages    chan functionsPageMsg
	cancel   func()
	err      error
	selected string

	details    map[string]*invoke.Function
	detailErr  map[string]error
	showValues bool
}

func newFunctionsScreen(c *Common) *functionsScreen {
	t := table.New(table.WithFocused(true))
	ts := table.DefaultStyles()
	ts.Header = ts.Header.Foreground(lipgloss.NoColor{}).Bold(true).BorderBottom(false)
	ts.Selected = c.Styles.Selected
	t.SetStyles(ts)
	t.KeyMap = table.KeyMap{
		LineUp: c.Keys.Up, LineDown: c.Keys.Down, PageUp: c.Keys.PageUp, PageDown: c.Keys.PageDown,
		GotoTop: c.Keys.Top, GotoBottom: c.Keys.Bottom,
	}
	f := textinput.New()
	f.Prompt = "/"
	f.Placeholder = "filter by name or runtime"
	return &functionsScreen{c: c, table: t, filter: f, details: map[string]*invoke.Function{}, detailErr: map[string]error{}}
}

func (s *functionsScreen) Init() tea.Cmd   { return nil }
func (s *functionsScreen) Title() string   { return "functions" }
func (s *functionsScreen) Capturing() bool { return s.editing }

func (s *functionsScreen) ShortHelp() []key.Binding {
	k := s.c.Keys
	if s.editing {
		return []key.Binding{k.FilterApply, k.FilterClear}
	}
	return []key.Binding{k.GoInvoke, k.GoLogs, k.GoLoad, k.Filter, k.Sort, k.ShowValues}
}

func (s *functionsScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.GoInvoke, k.GoLogs, k.GoLoad},
		{k.Filter, k.Sort, k.Reverse, k.ShowValues, k.Refresh},
	}
}

// detailsHeight is the lines the details pane takes below the table.
const detailsHeight = 7

func (s *functionsScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	th := h - detailsHeight
	if s.editing || s.filter.Value() != "" {
		th--
	}
	s.table.SetWidth(w)
	s.table.SetHeight(max(th, 3))
	s.table.SetColumns(s.columns())
	s.filter.Width = max(min(w-20, 40), 10)
}

func (s *functionsScreen) columns() []table.Column {
	titles := []string{"NAME", "RUNTIME", "MEMORY", "TIMEOUT", "LAST MODIFIED"}
	arrow := " ▲"
	if s.reverse {
		arrow = " ▼"
	}
	titles[s.sortBy] += arrow
	// Each cell pads one space either side.
	fixed := []int{16, 8, 9, 16}
	name := s.width - 2*5
	for _, w := range fixed {
		name -= w
	}
	name = max(name, 12)
	cols := []table.Column{{Title: titles[0], Width: name}}
	for i, w := range fixed {
		cols = append(cols, table.Column{Title: titles[i+1], Width: w})
	}
	return cols
}

// list starts paging through the functions in a goroutine owned by the
// screen; pages come back through waitPage.
func (s *functionsScreen) list() tea.Cmd {
	if s.cancel != nil {
		s.cancel()
	}
	s.gen++
	s.all, s.shown, s.err, s.listing = nil, nil, nil, true
	s.details, s.detailErr = map[string]*invoke.Function{}, map[string]error{}
	ctx, cancel := contextWithCancel(s.c.Ctx)
	s.cancel = cancel
	ch := make(chan functionsPageMsg, 16)
	s.pages = ch
	client, gen := s.c.Client, s.gen
	go func() {
		defer close(ch)
		const pageSize = 50
		var page []invoke.Function
		send := func(done bool, err error) bool {
			select {
			case ch <- functionsPageMsg{gen: gen, fns: page, done: done, err: err}:
				page = nil
				return true
			case <-ctx.Done():
				return false
			}
		}
		err := client.Functions(ctx, func(f invoke.Function) error {
			page = append(page, f)
			if len(page) >= pageSize && !send(false, nil) {
				return ctx.Err()
			}
			return nil
		})
		send(true, err)
	}()
	return waitPage(ch)
}

// waitPage reads the next page, merging those already waiting so that a
// fast lister does not cost a render per page.
func waitPage(ch chan functionsPageMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		for !msg.done {
			select {
			case more, ok := <-ch:
				if !ok {
					return msg
				}
				msg.fns = append(msg.fns, more.fns...)
				msg.done, msg.err = more.done, more.err
				continue
			default:
			}
			break
		}
		return msg
	}
}

func (s *functionsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case ConnectedMsg:
		return s, s.list()
	case functionsPageMsg:
		if msg.gen != s.gen {
			return s, nil
		}
		first := len(s.all) == 0 && len(msg.fns) > 0 || (len(s.all) == 0 && msg.done)
		s.all = append(s.all, msg.fns...)
		s.refilter()
		var cmds []tea.Cmd
		if msg.done {
			s.listing, s.err = false, msg.err
			if msg.err != nil {
				cmds = append(cmds, StatusErr(fmt.Errorf("list functions: %w", msg.err)))
			}
		} else {
			cmds = append(cmds, waitPage(s.pages))
		}
		count, done := len(s.all), msg.done
		cmds = append(cmds, func() tea.Msg { return FunctionsListedMsg{Count: count, First: first, Done: done} }, s.selectionChanged())
		return s, tea.Batch(cmds...)
	case SelectMsg:
		if msg.From != FunctionsScreen && msg.Function != s.selected {
			// Selected elsewhere: follow, so the table agrees.
			for i, f := range s.shown {
				if f.Name == msg.Function {
					s.table.SetCursor(i)
				}
			}
			return s, s.selectionChanged()
		}
		return s, nil
	case functionDetailMsg:
		if msg.err != nil {
			s.detailErr[msg.name] = msg.err
		} else {
			s.details[msg.name] = msg.fn
		}
		return s, nil
	case tea.KeyMsg:
		return s, s.handleKey(msg)
	}
	return s, nil
}

func (s *functionsScreen) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.c.Keys
	if s.editing {
		switch msg.Type {
		case tea.KeyEnter:
			s.editing = false
			s.filter.Blur()
			s.SetSize(s.width, s.height)
			return nil
		case tea.KeyEsc:
			s.editing = false
			s.filter.Blur()
			s.filter.SetValue("")
			s.refilter()
			s.SetSize(s.width, s.height)
			return s.selectionChanged()
		}
		var cmd tea.Cmd
		s.filter, cmd = s.filter.Update(msg)
		s.refilter()
		return tea.Batch(cmd, s.selectionChanged())
	}
	name := s.selected
	switch {
	case key.Matches(msg, k.Filter):
		s.editing = true
		s.SetSize(s.width, s.height)
		return s.filter.Focus()
	case key.Matches(msg, k.Sort):
		s.sortBy = (s.sortBy + 1) % numSortColumns
		s.refilter()
		s.table.SetColumns(s.columns())
		return Status("sorted by " + sortNames[s.sortBy])
	case key.Matches(msg, k.Reverse):
		s.reverse = !s.reverse
		s.refilter()
		s.table.SetColumns(s.columns())
		return nil
	case key.Matches(msg, k.ShowValues):
		s.showValues = !s.showValues
		return nil
	case key.Matches(msg, k.Refresh):
		if s.c.Client == nil {
			return nil
		}
		return tea.Batch(s.list(), Status("listing functions…"))
	case key.Matches(msg, k.GoInvoke) && name != "":
		return func() tea.Msg { return SwitchMsg{To: InvokeScreen, Function: name} }
	case key.Matches(msg, k.GoLogs) && name != "":
		return func() tea.Msg { return SwitchMsg{To: LogsScreen, Function: name} }
	case key.Matches(msg, k.GoLoad) && name != "":
		return func() tea.Msg { return SwitchMsg{To: LoadScreen, Function: name} }
	}
	var cmd tea.Cmd
	s.table, cmd = s.table.Update(msg)
	return tea.Batch(cmd, s.selectionChanged())
}

// Back clears a filter before leaving the screen.
func (s *functionsScreen) Back() (bool, tea.Cmd) {
	if s.filter.Value() == "" {
		return false, nil
	}
	s.filter.SetValue("")
	s.refilter()
	s.SetSize(s.width, s.height)
	return true, s.selectionChanged()
}

// selectionChanged notes a new selection (the root reads it through
// SelectedFunction) and fetches its details once.
func (s *functionsScreen) selectionChanged() tea.Cmd {
	name := ""
	if i := s.table.Cursor(); i >= 0 && i < len(s.shown) {
		name = s.shown[i].Name
	}
	if name == s.selected {
		return nil
	}
	s.selected = name
	if name == "" {
		return nil
	}
	var cmds []tea.Cmd
	if _, ok := s.details[name]; !ok && s.c.Client != nil {
		client, ctx := s.c.Client, s.c.Ctx
		cmds = append(cmds, func() tea.Msg {
			fn, err := client.Function(ctx, name)
			return functionDetailMsg{name: name, fn: fn, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// refilter recomputes the shown rows, keeping the selected function
// selected.
func (s *functionsScreen) refilter() {
	q := strings.ToLower(strings.TrimSpace(s.filter.Value()))
	s.shown = s.shown[:0]
	for _, f := range s.all {
		if q == "" || strings.Contains(strings.ToLower(f.Name), q) || strings.Contains(strings.ToLower(f.Runtime), q) {
			s.shown = append(s.shown, f)
		}
	}
	by, rev := s.sortBy, s.reverse
	sort.SliceStable(s.shown, func(i, j int) bool {
		a, b := s.shown[i], s.shown[j]
		var c int
		switch by {
		case byRuntime:
			c = cmp.Compare(a.Runtime, b.Runtime)
		case byMemory:
			c = cmp.Compare(a.MemoryMB, b.MemoryMB)
		case byTimeout:
			c = cmp.Compare(a.Timeout, b.Timeout)
		case byModified:
			c = a.LastModified.Compare(b.LastModified)
		}
		if c == 0 {
			c = cmp.Compare(a.Name, b.Name)
		}
		if rev {
			return c > 0
		}
		return c < 0
	})
	rows := make([]table.Row, len(s.shown))
	cursor := 0
	for i, f := range s.shown {
		rows[i] = table.Row{f.Name, f.Runtime, fmt.Sprintf("%d MB", f.MemoryMB), fmtTimeout(f.Timeout), fmtTime(f.LastModified)}
		if f.Name == s.selected {
			cursor = i
		}
	}
	s.table.SetRows(rows)
	s.table.SetCursor(cursor)
}

func (s *functionsScreen) View() string {
	st := s.c.Styles
	var b strings.Builder
	if s.editing || s.filter.Value() != "" {
		b.WriteString(s.filter.View() + st.Muted.Render(fmt.Sprintf("  %d of %d", len(s.shown), len(s.all))) + "\n")
	}
	switch {
	case s.c.Client == nil:
		b.WriteString(st.Muted.Render("waiting for the target…"))
		return b.String()
	case len(s.all) == 0 && s.listing:
		b.WriteString(st.Muted.Render("listing functions…"))
		return b.String()
	case len(s.all) == 0 && s.err != nil:
		b.WriteString(st.Error.Render("could not list the functions: " + s.err.Error()))
		return b.String()
	case len(s.all) == 0:
		b.WriteString(st.Muted.Render("no functions on " + s.c.Client.Target().String()))
		return b.String()
	}
	b.WriteString(s.table.View())
	b.WriteString("\n")
	b.WriteString(s.detailsView())
	return b.String()
}

func (s *functionsScreen) detailsView() string {
	st := s.c.Styles
	name := s.selected
	if name == "" {
		return st.Pane.Width(s.width).Render(st.Muted.Render("no function matches the filter"))
	}
	var lines []string
	fn := s.details[name]
	if fn == nil {
		for i := range s.shown {
			if s.shown[i].Name == name {
				fn = &s.shown[i]
			}
		}
	}
	state := ""
	if fn.State != "" {
		state = " · " + fn.State
		if fn.LastUpdateStatus != "" {
			state += "/" + fn.LastUpdateStatus
		}
	}
	lines = append(lines, st.Title.Render(fn.Name)+st.Muted.Render(fmt.Sprintf(" · %s · %s · %d MB · timeout %s%s", fn.Runtime, orDash(fn.Architecture), fn.MemoryMB, fmtTimeout(fn.Timeout), state)))
	conc := "unreserved"
	if fn.ReservedConcurrency != nil {
		conc = fmt.Sprintf("reserved %d", *fn.ReservedConcurrency)
	}
	if s.details[name] == nil {
		conc = "…"
		if err := s.detailErr[name]; err != nil {
			conc = "unknown (" + err.Error() + ")"
		}
	}
	lines = append(lines, fmt.Sprintf("handler %s · code %s · concurrency %s", orDash(fn.Handler), fmtSize(fn.CodeSize), conc))
	lines = append(lines, s.envLine(fn))
	fs := s.c.Stats.Function(name)
	inv := st.Muted.Render("not invoked yet in this session")
	if fs.Count > 0 {
		p50 := "–"
		if d, ok := fs.P50(); ok {
			p50 = invoke.FormatMS(d)
		}
		errs := fmt.Sprint(fs.Errors)
		if fs.Errors > 0 {
			errs = st.Error.Render(errs)
		}
		inv = fmt.Sprintf("invoked %d · errors %s · cold starts %d · p50 %s", fs.Count, errs, fs.Cold, p50)
	}
	lines = append(lines, inv)
	if fn.Description != "" {
		lines = append(lines, st.Muted.Render(fn.Description))
	}
	for i := range lines {
		lines[i] = truncate(lines[i], s.width)
	}
	return st.Pane.Width(s.width).Render(strings.Join(lines, "\n"))
}

func (s *functionsScreen) envLine(fn *invoke.Function) string {
	st := s.c.Styles
	if s.details[fn.Name] == nil {
		return "env …"
	}
	if len(fn.Environment) == 0 {
		return "env " + st.Muted.Render("(none)")
	}
	names := make([]string, 0, len(fn.Environment))
	for k := range fn.Environment {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		v := "********"
		if s.showValues {
			v = fn.Environment[k]
		}
		parts[i] = k + "=" + v
	}
	hint := st.Muted.Render("  (v shows values)")
	if s.showValues {
		hint = st.Muted.Render("  (v masks values)")
	}
	return "env " + strings.Join(parts, " ") + hint
}

func fmtTimeout(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	return d.String()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func fmtSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// SelectedFunction is the function under the cursor (Selector).
func (s *functionsScreen) SelectedFunction() string { return s.selected }

// Close stops a listing in progress.
func (s *functionsScreen) Close() {
	if s.cancel != nil {
		s.cancel()
	}
}
