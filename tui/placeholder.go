package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// placeholderScreen stands in for the load screen when no constructor is
// plugged in (Options.LoadScreen).
type placeholderScreen struct {
	c             *Common
	width, height int
}

func newPlaceholderScreen(c *Common) *placeholderScreen { return &placeholderScreen{c: c} }

func (s *placeholderScreen) Init() tea.Cmd                    { return nil }
func (s *placeholderScreen) Update(tea.Msg) (Screen, tea.Cmd) { return s, nil }
func (s *placeholderScreen) SetSize(w, h int)                 { s.width, s.height = w, h }
func (s *placeholderScreen) Title() string                    { return "load" }
func (s *placeholderScreen) Capturing() bool                  { return false }
func (s *placeholderScreen) ShortHelp() []key.Binding         { return nil }
func (s *placeholderScreen) FullHelp() [][]key.Binding        { return nil }
func (s *placeholderScreen) View() string {
	return s.c.Styles.Muted.Render("load tests: lambench load FUNCTION --help")
}

func contextWithCancel(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}
