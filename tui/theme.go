package tui

import "github.com/charmbracelet/lipgloss"

// Theme is the palette of the TUI. Colours adapt to light and dark
// terminals; with NO_COLOR (or a terminal without colour) the renderer
// drops them and only bold, faint and reverse remain.
type Theme struct {
	Accent, Muted, Error, Warn, OK, Subtle lipgloss.AdaptiveColor
}

// DefaultTheme is the theme lambench uses.
func DefaultTheme() Theme {
	return Theme{
		Accent: lipgloss.AdaptiveColor{Light: "#5A4FCF", Dark: "#8B80F9"},
		Muted:  lipgloss.AdaptiveColor{Light: "#6C6C6C", Dark: "#8A8A8A"},
		Error:  lipgloss.AdaptiveColor{Light: "#C62828", Dark: "#FF5F5F"},
		Warn:   lipgloss.AdaptiveColor{Light: "#B26A00", Dark: "#FFB454"},
		OK:     lipgloss.AdaptiveColor{Light: "#2E7D32", Dark: "#5FD787"},
		Subtle: lipgloss.AdaptiveColor{Light: "#E4E4E4", Dark: "#303030"},
	}
}

// Styles are the theme turned into lipgloss styles once, for one
// renderer, and passed down to every screen.
type Styles struct {
	// Frame.
	App, Header, Target, Tab, TabActive, Status, StatusError, Footer lipgloss.Style
	// Text.
	Title, Muted, Bold, Accent, Error, Warn, OK, Key lipgloss.Style
	// Badges: cold and warm starts.
	Cold, Warm, Unknown lipgloss.Style
	// Tables and lists.
	TableHeader, Selected lipgloss.Style
	// Pane is a bordered box (details, forms).
	Pane lipgloss.Style
}

// NewStyles makes the styles of a theme for a renderer (whose colour
// profile decides whether colours are written at all).
func NewStyles(r *lipgloss.Renderer, t Theme) *Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	s := &Styles{}
	s.App = r.NewStyle()
	s.Header = r.NewStyle().Bold(true)
	s.Target = r.NewStyle().Foreground(t.Accent)
	s.Tab = r.NewStyle().Foreground(t.Muted).Padding(0, 1)
	s.TabActive = r.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
	s.Status = r.NewStyle().Foreground(t.Muted)
	s.StatusError = r.NewStyle().Foreground(t.Error).Bold(true)
	s.Footer = r.NewStyle().Foreground(t.Muted)
	s.Title = r.NewStyle().Bold(true).Foreground(t.Accent)
	s.Muted = r.NewStyle().Foreground(t.Muted)
	s.Bold = r.NewStyle().Bold(true)
	s.Accent = r.NewStyle().Foreground(t.Accent)
	s.Error = r.NewStyle().Foreground(t.Error)
	s.Warn = r.NewStyle().Foreground(t.Warn)
	s.OK = r.NewStyle().Foreground(t.OK)
	s.Key = r.NewStyle().Bold(true)
	s.Cold = r.NewStyle().Bold(true).Foreground(t.Warn)
	s.Warm = r.NewStyle().Bold(true).Foreground(t.OK)
	s.Unknown = r.NewStyle().Foreground(t.Muted)
	s.TableHeader = r.NewStyle().Bold(true).Foreground(t.Accent)
	s.Selected = r.NewStyle().Reverse(true)
	s.Pane = r.NewStyle().Border(lipgloss.NormalBorder(), true, false, false, false).BorderForeground(t.Muted)
	return s
}
