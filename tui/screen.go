package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
)

// Screen is the contract between the root model and a screen (functions,
// invoke, logs, and the load screen of tui/loadview). The root owns the
// frame (header, footer, status line, `?` help) and gives a screen the
// body: SetSize is the body's size.
//
// Routing: key messages go to the active screen only; every other
// message goes to every screen, so a screen's stream (log lines, load
// samples) keeps flowing while another screen is shown. A screen's own
// messages should therefore carry something that identifies them (an id,
// a generation) and a screen ignores messages it does not know.
type Screen interface {
	// Init is called once, when the root creates the screen.
	Init() tea.Cmd
	// Update handles a message and returns the screen (usually itself).
	Update(msg tea.Msg) (Screen, tea.Cmd)
	// View renders the body; it does no I/O.
	View() string
	// SetSize gives the body's width and height.
	SetSize(width, height int)
	// Title is the screen's name in the header tabs.
	Title() string
	// ShortHelp (footer) and FullHelp (`?`) list the screen's keys,
	// taken from the shared KeyMap.
	help.KeyMap
	// Capturing reports whether the screen is taking text (a filter, a
	// form): the root then leaves every key but ctrl+c to the screen.
	Capturing() bool
}

// Optional interfaces a Screen may implement.
type (
	// Focuser is told when it becomes the active screen and when it
	// stops being it (the logs screen tails only while shown).
	Focuser interface {
		Focus() tea.Cmd
		Blur()
	}
	// Backer handles Esc inside the screen (leave a result, a sub-view);
	// it returns false when it has nothing to go back to, and the root
	// then goes back to the previous screen.
	Backer interface {
		Back() (bool, tea.Cmd)
	}
	// QuitGuard is asked before quitting: a non-empty question (e.g.
	// "A load test is running: stop it and quit?") makes the root ask
	// for confirmation first.
	QuitGuard interface {
		QuitPrompt() string
	}
	// Selector is a screen where the user selects a function (the
	// functions screen): after each message the root takes its selection
	// and tells every screen with a SelectMsg.
	Selector interface {
		SelectedFunction() string
	}
	// Closer releases what the screen owns (goroutines, runs); the root
	// calls it when it drops the screen and when the TUI quits, before it
	// closes the client. Close cancels remote work and waits only for
	// what must finish before the client goes (a sweep's restore of the
	// function's configuration), and then for a bounded time.
	Closer interface {
		Close()
	}
)

// LoadScreenFunc makes the load screen for a function; cmd/lambench plugs
// in tui/loadview's constructor (tui does not import loadview).
type LoadScreenFunc func(c *Common, function string) Screen

// Common is what the root shares with every screen: context, client,
// styles, keys, templates, saved events and the session's invocation
// stats. Screens read it; only the root changes it, in Update.
type Common struct {
	// Ctx ends when the TUI quits.
	Ctx context.Context
	// Client is the target's client; nil until it is connected (the
	// root creates screens that need it only afterwards).
	Client invoke.Client
	// Styles and Keys are the theme and the one key map.
	Styles *Styles
	Keys   KeyMap
	// Templates are the trigger event templates (built-in and the
	// project's); Saved is the project's saved events.
	Templates *events.Registry
	Saved     *events.Store
	// Editor is the command line of $EDITOR for raw JSON editing.
	Editor string
	// Stats are the invocations the TUI made, per function.
	Stats *Stats
}

// Screen messages the root understands; a screen returns them from a
// command (e.g. `func() tea.Msg { return tui.SwitchMsg{...} }`).
type (
	// SwitchMsg asks the root to show a screen, for a function ("" keeps
	// the selected one).
	SwitchMsg struct {
		To       ScreenID
		Function string
	}
	// SelectMsg tells every screen which function is selected; From is
	// the screen where it was selected (-1: by the root, after a
	// SwitchMsg). A screen may send one too: the root honours it only
	// while that screen is active, so that a late selection cannot
	// change the function under the user's feet.
	SelectMsg struct {
		Function string
		From     ScreenID
	}
	// StatusMsg puts a line in the status bar; Err makes it an error.
	StatusMsg struct {
		Text string
		Err  error
	}
)

// ScreenID names a screen.
type ScreenID int

// The screens, in tab order.
const (
	FunctionsScreen ScreenID = iota
	InvokeScreen
	LogsScreen
	LoadScreen
	numScreens
)

// Status returns a command that shows a status line.
func Status(text string) tea.Cmd { return func() tea.Msg { return StatusMsg{Text: text} } }

// StatusErr returns a command that shows an error in the status line.
func StatusErr(err error) tea.Cmd { return func() tea.Msg { return StatusMsg{Err: err} } }
