package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
)

// Options configure the TUI.
type Options struct {
	// Connect makes the target's client. It runs in a command, so the
	// frame shows at once; the TUI (Run) closes the client on quit.
	Connect func(ctx context.Context) (invoke.Client, error)
	// Connecting is the status shown while Connect runs, e.g.
	// "starting the local Lambda…".
	Connecting string
	// Templates are the event templates (events.NewRegistry() when nil);
	// Saved is the saved-event store (none when nil).
	Templates *events.Registry
	Saved     *events.Store
	// Editor is $EDITOR's command line ("vi" when empty).
	Editor string
	// LoadScreen makes the load screen; nil shows a placeholder.
	LoadScreen LoadScreenFunc
	// Renderer writes the styles (lipgloss's default when nil): its
	// colour profile decides colours, and NO_COLOR is honoured by it.
	Renderer *lipgloss.Renderer
	// Started is when lambench started; the status line says how long
	// the functions took to show. Zero means when New was called.
	Started time.Time
}

// Model is the root model: the frame, global keys, and the screens.
type Model struct {
	c       *Common
	opts    Options
	cancel  context.CancelFunc
	screens [numScreens]Screen
	active  ScreenID
	history []ScreenID // for Esc
	// function is the selected function; loadFor is the one the load
	// screen was made for.
	function, loadFor string

	width, height int
	help          help.Model
	showHelp      bool
	command       textinput.Model
	commanding    bool
	confirmQuit   string

	status    string
	statusErr bool

	connected bool
	connMu    sync.Mutex
	client    invoke.Client // set by the connect command, for Close
	connDone  chan struct{}
	quitting  bool
}

// New returns the root model. Close it (Run does) once the program has
// ended: that stops what the screens own and closes the client.
func New(ctx context.Context, o Options) *Model {
	if o.Templates == nil {
		o.Templates = events.NewRegistry()
	}
	if o.Editor == "" {
		o.Editor = "vi"
	}
	if o.Started.IsZero() {
		o.Started = time.Now()
	}
	if o.Connecting == "" {
		o.Connecting = "connecting…"
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &Common{
		Ctx: ctx, Styles: NewStyles(o.Renderer, DefaultTheme()), Keys: DefaultKeyMap(),
		Templates: o.Templates, Saved: o.Saved, Editor: o.Editor, Stats: NewStats(),
	}
	cmd := textinput.New()
	cmd.Prompt = ":"
	cmd.ShowSuggestions = true
	cmd.SetSuggestions([]string{"functions", "fn", "invoke", "logs", "load", "quit", "q"})
	m := &Model{
		c: c, opts: o, cancel: cancel, help: help.New(), command: cmd,
		status: o.Connecting, connDone: make(chan struct{}), width: 80, height: 24,
	}
	m.help.Styles.ShortKey = c.Styles.Key
	m.help.Styles.FullKey = c.Styles.Key
	m.screens[FunctionsScreen] = newFunctionsScreen(c)
	m.screens[InvokeScreen] = newInvokeScreen(c)
	m.screens[LogsScreen] = newLogsScreen(c)
	m.screens[LoadScreen] = newPlaceholderScreen(c)
	return m
}

// Run runs the TUI on in and out until the user quits, then closes what
// it started (the client, and with it a child local Lambda).
func Run(ctx context.Context, o Options, in io.Reader, out io.Writer) error {
	m := New(ctx, o)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithInput(in), tea.WithOutput(out), tea.WithContext(ctx))
	_, err := p.Run()
	cerr := m.Close()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil // interrupted by a signal: a normal way to leave
	}
	return errors.Join(err, cerr)
}

// Close cancels the screens' work, waits for a connect in progress and
// closes the client. Safe to call twice.
func (m *Model) Close() error {
	m.cancel()
	for _, s := range m.screens {
		if c, ok := s.(Closer); ok {
			c.Close()
		}
	}
	if m.opts.Connect != nil {
		<-m.connDone
	}
	m.connMu.Lock()
	c := m.client
	m.client = nil
	m.connMu.Unlock()
	if c != nil {
		return c.Close()
	}
	return nil
}

// Common returns what the root shares with the screens.
func (m *Model) Common() *Common { return m.c }

// Active returns the active screen.
func (m *Model) Active() ScreenID { return m.active }

// Screen returns a screen.
func (m *Model) Screen(id ScreenID) Screen { return m.screens[id] }

// Selected returns the selected function.
func (m *Model) Selected() string { return m.function }

type connectedMsg struct {
	client invoke.Client
	err    error
	took   time.Duration
}

// Init connects in a command; the frame renders meanwhile.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.connect()}
	for _, s := range m.screens {
		cmds = append(cmds, s.Init())
	}
	return tea.Batch(cmds...)
}

func (m *Model) connect() tea.Cmd {
	if m.opts.Connect == nil {
		close(m.connDone)
		return nil
	}
	ctx, connect := m.c.Ctx, m.opts.Connect
	return func() tea.Msg {
		defer close(m.connDone)
		start := time.Now()
		c, err := connect(ctx)
		if err == nil && c != nil {
			m.connMu.Lock()
			m.client = c
			m.connMu.Unlock()
		}
		return connectedMsg{client: c, err: err, took: time.Since(start)}
	}
}

// fromRoot marks a SelectMsg the root sends (after a SwitchMsg).
const fromRoot ScreenID = -1

// Update handles global keys and the frame's messages, and forwards the
// rest: keys to the active screen, other messages to every screen. Then
// it takes the active screen's selection (Selector), synchronously, so
// that no late message can select another function.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	return m, tea.Batch(cmd, m.syncSelection())
}

func (m *Model) syncSelection() tea.Cmd {
	sel, ok := m.screens[m.active].(Selector)
	if !ok {
		return nil
	}
	f := sel.SelectedFunction()
	if f == "" || f == m.function {
		return nil
	}
	m.function = f
	return m.broadcast(SelectMsg{Function: f, From: m.active})
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case connectedMsg:
		if msg.err != nil {
			m.setStatus("", fmt.Errorf("%w (press q to quit)", msg.err))
			return m, nil
		}
		m.c.Client = msg.client
		m.connected = true
		m.setStatus(fmt.Sprintf("connected to %s in %s; listing functions…", msg.client.Target(), msg.took.Round(time.Millisecond)), nil)
		return m, m.broadcast(ConnectedMsg{Target: msg.client.Target()})
	case FunctionsListedMsg:
		if msg.First {
			m.setStatus(fmt.Sprintf("%d functions shown %s after start", msg.Count, time.Since(m.opts.Started).Round(time.Millisecond)), nil)
		}
		return m, m.broadcast(msg)
	case StatusMsg:
		m.setStatus(msg.Text, msg.Err)
		return m, nil
	case SelectMsg:
		if msg.From != m.active || msg.Function == m.function {
			return m, nil
		}
		m.function = msg.Function
		return m, m.broadcast(msg)
	case SwitchMsg:
		var cmds []tea.Cmd
		if msg.Function != "" && msg.Function != m.function {
			m.function = msg.Function
			cmds = append(cmds, m.broadcast(SelectMsg{Function: msg.Function, From: fromRoot}))
		}
		cmds = append(cmds, m.switchTo(msg.To, true))
		return m, tea.Batch(cmds...)
	case InvokedMsg:
		m.c.Stats.Record(msg.Entry.Function, msg.Entry.Result, msg.Entry.Err)
		return m, m.broadcast(msg)
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Keys typed faster than read (or sent by tmux) arrive as
			// one message: handle them one by one, as typed, so that
			// "/hello" opens the filter and then fills it.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return m, tea.Batch(cmds...)
		}
		return m, m.handleKey(msg)
	}
	return m, m.broadcast(msg)
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if key.Matches(msg, k.ForceQuit) {
		if m.confirmQuit != "" { // a second ctrl+c confirms
			m.confirmQuit = ""
			m.quitting = true
			m.cancel()
			return tea.Quit
		}
		return m.quit()
	}
	if m.confirmQuit != "" {
		switch msg.String() {
		case "y", "Y", "enter":
			m.confirmQuit = ""
			m.quitting = true
			m.cancel()
			return tea.Quit
		default:
			m.confirmQuit = ""
			m.setStatus("", nil)
			return nil
		}
	}
	if m.commanding {
		switch msg.Type {
		case tea.KeyEnter:
			m.commanding = false
			return m.runCommand(m.command.Value())
		case tea.KeyEsc:
			m.commanding = false
			return nil
		}
		var cmd tea.Cmd
		m.command, cmd = m.command.Update(msg)
		return cmd
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back, k.Quit) {
			m.showHelp = false
		}
		return nil
	}
	screen := m.screens[m.active]
	if !screen.Capturing() {
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Help):
			m.showHelp = true
			return nil
		case key.Matches(msg, k.Command):
			m.commanding = true
			m.command.SetValue("")
			return m.command.Focus()
		case key.Matches(msg, k.NextScreen):
			return m.switchTo((m.active+1)%numScreens, true)
		case key.Matches(msg, k.PrevScreen):
			return m.switchTo((m.active+numScreens-1)%numScreens, true)
		case key.Matches(msg, k.Functions):
			return m.switchTo(FunctionsScreen, true)
		case key.Matches(msg, k.Invoke):
			return m.switchTo(InvokeScreen, true)
		case key.Matches(msg, k.Logs):
			return m.switchTo(LogsScreen, true)
		case key.Matches(msg, k.Load):
			return m.switchTo(LoadScreen, true)
		case key.Matches(msg, k.Back):
			if b, ok := screen.(Backer); ok {
				if handled, cmd := b.Back(); handled {
					return cmd
				}
			}
			if n := len(m.history); n > 0 {
				to := m.history[n-1]
				m.history = m.history[:n-1]
				return m.switchTo(to, false)
			}
			return nil
		}
	}
	s, cmd := screen.Update(msg)
	m.screens[m.active] = s
	return cmd
}

func (m *Model) runCommand(c string) tea.Cmd {
	c = strings.TrimSpace(strings.TrimPrefix(c, ":"))
	switch c {
	case "":
		return nil
	case "q", "quit", "q!":
		return m.quit()
	case "fn", "func", "functions", "function":
		return m.switchTo(FunctionsScreen, true)
	case "invoke", "inv", "i":
		return m.switchTo(InvokeScreen, true)
	case "logs", "log", "l":
		return m.switchTo(LogsScreen, true)
	case "load", "lt":
		return m.switchTo(LoadScreen, true)
	}
	m.setStatus("", fmt.Errorf("unknown command %q: try :fn, :invoke, :logs, :load or :q", c))
	return nil
}

func (m *Model) quit() tea.Cmd {
	for _, s := range m.screens {
		if g, ok := s.(QuitGuard); ok {
			if q := g.QuitPrompt(); q != "" {
				m.confirmQuit = q
				return nil
			}
		}
	}
	m.quitting = true
	m.cancel()
	return tea.Quit
}

// switchTo makes a screen active; push records the current one for Esc.
func (m *Model) switchTo(id ScreenID, push bool) tea.Cmd {
	var cmds []tea.Cmd
	if id == LoadScreen && m.opts.LoadScreen != nil && m.connected && m.function != "" && m.loadFor != m.function {
		old := m.screens[LoadScreen]
		keep := false
		if g, ok := old.(QuitGuard); ok && m.loadFor != "" && g.QuitPrompt() != "" {
			keep = true // a run is going on: show it rather than drop it
			m.setStatus(fmt.Sprintf("a load test of %s is running; it stays shown until it ends", m.loadFor), nil)
		}
		if !keep {
			if c, ok := old.(Closer); ok {
				c.Close()
			}
			s := m.opts.LoadScreen(m.c, m.function)
			m.screens[LoadScreen] = s
			m.loadFor = m.function
			m.resize()
			cmds = append(cmds, s.Init())
		}
	}
	if id == m.active {
		return tea.Batch(cmds...)
	}
	if f, ok := m.screens[m.active].(Focuser); ok {
		f.Blur()
	}
	if push {
		m.history = append(m.history, m.active)
		if len(m.history) > 32 {
			m.history = m.history[1:]
		}
	}
	m.active = id
	if f, ok := m.screens[id].(Focuser); ok {
		cmds = append(cmds, f.Focus())
	}
	return tea.Batch(cmds...)
}

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, s := range m.screens {
		var cmd tea.Cmd
		m.screens[i], cmd = s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model) setStatus(text string, err error) {
	m.status, m.statusErr = text, err != nil
	if err != nil {
		m.status = err.Error()
	}
}

// bodyHeight is the height left for the active screen: the header, the
// status line and the footer take a line each.
func (m *Model) bodyHeight() int { return max(m.height-3, 1) }

func (m *Model) resize() {
	m.help.Width = m.width
	for _, s := range m.screens {
		s.SetSize(m.width, m.bodyHeight())
	}
}

// View renders the frame around the active screen.
func (m *Model) View() string {
	body := m.screens[m.active].View()
	if m.showHelp {
		body = m.fullHelp()
	}
	body = lipgloss.NewStyle().Width(m.width).Height(m.bodyHeight()).MaxHeight(m.bodyHeight()).MaxWidth(m.width).Render(body)
	return lipgloss.JoinVertical(lipgloss.Left, m.header(), body, m.statusLine(), m.footer())
}

func (m *Model) header() string {
	st := m.c.Styles
	target := "starting…"
	if m.c.Client != nil {
		target = m.c.Client.Target().String()
	}
	left := st.Header.Render("lambench") + " " + st.Target.Render(target)
	var tabs []string
	for i, s := range m.screens {
		label := fmt.Sprintf("%d %s", i+1, s.Title())
		if ScreenID(i) == m.active {
			tabs = append(tabs, st.TabActive.Render(label))
		} else {
			tabs = append(tabs, st.Tab.Render(label))
		}
	}
	right := strings.Join(tabs, "")
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		// Narrow: the target first, tabs as far as they fit.
		return truncate(left+" "+right, m.width)
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) statusLine() string {
	st := m.c.Styles
	switch {
	case m.commanding:
		return truncate(m.command.View(), m.width)
	case m.confirmQuit != "":
		return truncate(st.StatusError.Render(m.confirmQuit+" (y/n)"), m.width)
	case m.statusErr:
		return truncate(st.StatusError.Render(m.status), m.width)
	}
	return truncate(st.Status.Render(m.status), m.width)
}

func (m *Model) footer() string {
	if m.showHelp {
		return truncate(m.c.Styles.Footer.Render("? / esc close help"), m.width)
	}
	keys := append(m.screens[m.active].ShortHelp(), m.c.Keys.ShortHelp()...)
	m.help.ShowAll = false
	return truncate(m.help.ShortHelpView(keys), m.width)
}

func (m *Model) fullHelp() string {
	st := m.c.Styles
	s := m.screens[m.active]
	var b strings.Builder
	b.WriteString(st.Title.Render(s.Title()+" keys") + "\n")
	b.WriteString(m.help.FullHelpView(s.FullHelp()) + "\n\n")
	b.WriteString(st.Title.Render("global keys") + "\n")
	b.WriteString(m.help.FullHelpView(m.c.Keys.FullHelp()))
	return b.String()
}

// truncate cuts a rendered line to width cells.
func truncate(s string, width int) string {
	if lipgloss.Width(s) <= width {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(width).Render(s)
}

// ConnectedMsg tells the screens the client is ready (Common.Client).
type ConnectedMsg struct{ Target invoke.Target }
