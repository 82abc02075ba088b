package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambench/lambench/invoke"
)

// maxLogLines is the scrollback of the logs screen.
const maxLogLines = 5000

// logMsg is what the tail goroutine delivers: events, a notice, or the
// end of the tail (done, with its error).
type logMsg struct {
	gen    int
	events []invoke.LogEvent
	notice string
	done   bool
	err    error
}

type logsScreen struct {
	c             *Common
	width, height int
	function      string // the selected function
	tailing       string // the function being tailed

	gen    int
	ch     chan logMsg
	cancel func()
	live   bool

	lines   []invoke.LogEvent
	follow  bool
	unseen  int // lines arrived while paused
	filter  textinput.Model
	editing bool
	view    viewport.Model
	notice  string
	err     error
}

func newLogsScreen(c *Common) *logsScreen {
	f := textinput.New()
	f.Prompt = "/"
	f.Placeholder = "filter lines"
	v := viewport.New(80, 10)
	v.KeyMap = viewport.KeyMap{
		Up: c.Keys.Up, Down: c.Keys.Down, PageUp: c.Keys.PageUp, PageDown: c.Keys.PageDown,
		HalfPageUp: key.NewBinding(key.WithKeys("ctrl+u")), HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d")),
		Left: key.NewBinding(key.WithKeys("left")), Right: key.NewBinding(key.WithKeys("right")),
	}
	return &logsScreen{c: c, filter: f, view: v, follow: true}
}

func (s *logsScreen) Init() tea.Cmd   { return nil }
func (s *logsScreen) Title() string   { return "logs" }
func (s *logsScreen) Capturing() bool { return s.editing }

func (s *logsScreen) ShortHelp() []key.Binding {
	k := s.c.Keys
	if s.editing {
		return []key.Binding{k.FilterApply, k.FilterClear}
	}
	return []key.Binding{k.Follow, k.Newest, k.Filter, k.Up, k.Down, k.Clear}
}

func (s *logsScreen) FullHelp() [][]key.Binding {
	k := s.c.Keys
	return [][]key.Binding{{k.Follow, k.Newest, k.Top, k.Clear}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Filter, k.Back}}
}

func (s *logsScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.view.Width, s.view.Height = w, max(h-2, 1)
	s.filter.Width = max(min(w-20, 40), 10)
	s.render()
}

// Focus starts tailing the selected function (again, if it changed).
func (s *logsScreen) Focus() tea.Cmd {
	if s.function == "" || s.c.Client == nil || (s.live && s.tailing == s.function) {
		return nil
	}
	return s.start()
}

// Blur stops the tail: the screen tails only while it is shown.
func (s *logsScreen) Blur() { s.stop() }

// Close stops the tail.
func (s *logsScreen) Close() { s.stop() }

func (s *logsScreen) stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.live = false
}

// start runs Client.Logs in a goroutine owned by the screen, feeding a
// channel read by waitLog.
func (s *logsScreen) start() tea.Cmd {
	s.stop()
	if s.tailing != s.function {
		s.lines, s.unseen = nil, 0
	}
	s.gen++
	s.tailing, s.live, s.err, s.notice = s.function, true, nil, ""
	ctx, cancel := contextWithCancel(s.c.Ctx)
	s.cancel = cancel
	ch := make(chan logMsg, 256)
	s.ch = ch
	client, fn, gen := s.c.Client, s.function, s.gen
	go func() {
		defer close(ch)
		emit := func(ev invoke.LogEvent) {
			select {
			case ch <- logMsg{gen: gen, events: []invoke.LogEvent{ev}}:
			case <-ctx.Done():
			}
		}
		notice := func(n string) {
			select {
			case ch <- logMsg{gen: gen, notice: n}:
			case <-ctx.Done():
			}
		}
		err := client.Logs(ctx, fn, invoke.LogOptions{Follow: true, Notice: notice}, emit)
		if ctx.Err() != nil {
			err = nil
		}
		select {
		case ch <- logMsg{gen: gen, done: true, err: err}:
		case <-ctx.Done():
		}
	}()
	s.render()
	return waitLog(ch)
}

// waitLog reads the next message of the tail, with the events already
// waiting behind it, so a burst costs one render.
func waitLog(ch chan logMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		for len(msg.events) > 0 && len(msg.events) < 512 {
			select {
			case more, ok := <-ch:
				if !ok {
					return msg
				}
				if len(more.events) == 0 {
					// A notice or the end: deliver what we have first?
					// Keep order simple: merge the flags.
					msg.notice, msg.done, msg.err = more.notice, more.done, more.err
					return msg
				}
				msg.events = append(msg.events, more.events...)
				continue
			default:
			}
			break
		}
		return msg
	}
}

func (s *logsScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case SelectMsg:
		s.function = msg.Function
		return s, nil
	case logMsg:
		if msg.gen != s.gen {
			return s, nil
		}
		if msg.notice != "" {
			s.notice = msg.notice
		}
		if len(msg.events) > 0 {
			s.lines = append(s.lines, msg.events...)
			if n := len(s.lines) - maxLogLines; n > 0 {
				s.lines = append(s.lines[:0], s.lines[n:]...)
			}
			if !s.follow {
				s.unseen += len(msg.events)
			}
			s.render()
		}
		if msg.done {
			s.live, s.err = false, msg.err
			if msg.err != nil {
				return s, StatusErr(fmt.Errorf("logs of %s: %w", s.tailing, msg.err))
			}
			return s, nil
		}
		return s, waitLog(s.ch)
	case tea.KeyMsg:
		return s, s.handleKey(msg)
	}
	return s, nil
}

func (s *logsScreen) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.c.Keys
	if s.editing {
		switch msg.Type {
		case tea.KeyEnter:
			s.editing = false
			s.filter.Blur()
			return nil
		case tea.KeyEsc:
			s.editing = false
			s.filter.Blur()
			s.filter.SetValue("")
			s.render()
			return nil
		}
		var cmd tea.Cmd
		s.filter, cmd = s.filter.Update(msg)
		s.render()
		return cmd
	}
	switch {
	case key.Matches(msg, k.Filter):
		s.editing = true
		return s.filter.Focus()
	case key.Matches(msg, k.Follow):
		s.follow = !s.follow
		if s.follow {
			s.unseen = 0
			s.render()
		}
		return nil
	case key.Matches(msg, k.Newest):
		s.follow, s.unseen = true, 0
		s.render()
		return nil
	case key.Matches(msg, k.Top):
		s.follow = false
		s.view.GotoTop()
		return nil
	case key.Matches(msg, k.Clear):
		s.lines, s.unseen = nil, 0
		s.render()
		return nil
	}
	var cmd tea.Cmd
	s.view, cmd = s.view.Update(msg)
	if key.Matches(msg, k.Up, k.PageUp) {
		s.follow = false // scrolling back pauses following
	}
	return cmd
}

// Back clears the filter before leaving the screen.
func (s *logsScreen) Back() (bool, tea.Cmd) {
	if s.filter.Value() != "" {
		s.filter.SetValue("")
		s.render()
		return true, nil
	}
	return false, nil
}

// render rebuilds the viewport's content (on new lines, filter, size):
// View only draws it.
func (s *logsScreen) render() {
	st := s.c.Styles
	q := strings.ToLower(s.filter.Value())
	var b strings.Builder
	n := 0
	for _, ev := range s.lines {
		if q != "" && !strings.Contains(strings.ToLower(ev.Message), q) {
			continue
		}
		if n > 0 {
			b.WriteByte('\n')
		}
		n++
		msg := strings.TrimRight(ev.Message, "\n")
		ts := st.Muted.Render(ev.Time.Local().Format("15:04:05.000"))
		if r, ok := invoke.ParseReport(msg); ok {
			sum := fmt.Sprintf("REPORT %s · Duration %s · Billed %s · %d of %d MB", shortID(r.RequestID), invoke.FormatMS(r.Duration), invoke.FormatMS(r.BilledDuration), r.MaxMemoryUsedMB, r.MemorySizeMB)
			if r.Cold() {
				sum += " · " + st.Cold.Render("cold: init "+invoke.FormatMS(r.InitDuration))
			} else {
				sum += " · " + st.Warm.Render("warm")
			}
			b.WriteString(ts + " " + st.Accent.Render(sum))
			continue
		}
		b.WriteString(ts + " " + styleLogLine(st, strings.ReplaceAll(msg, "\t", "  ")))
	}
	s.view.SetContent(b.String())
	if s.follow {
		s.view.GotoBottom()
	}
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func (s *logsScreen) View() string {
	st := s.c.Styles
	if s.function == "" {
		return st.Muted.Render("no function selected: pick one on the functions screen (1)")
	}
	state := st.OK.Render("● following")
	switch {
	case !s.live && s.err != nil:
		state = st.Error.Render("✗ " + s.err.Error())
	case !s.live:
		state = st.Muted.Render("○ stopped")
	case !s.follow:
		state = st.Warn.Render(fmt.Sprintf("‖ paused · %d new", s.unseen))
	}
	head := st.Title.Render("logs "+s.tailing) + " " + state
	if s.notice != "" {
		head += st.Muted.Render(" · " + s.notice)
	}
	second := st.Muted.Render(fmt.Sprintf("%d lines", len(s.lines)))
	if s.editing || s.filter.Value() != "" {
		second = s.filter.View()
	}
	body := s.view.View()
	if len(s.lines) == 0 {
		body = st.Muted.Render("waiting for log lines… (invoke " + s.tailing + " on the invoke screen, 2)")
	}
	return truncate(head, s.width) + "\n" + truncate(second, s.width) + "\n" + body
}
