package loadview

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/lambench/lambench/tui"
)

// keyMap are the load screen's keys: the shared KeyMap's where it has
// them, and the screen's own (start, stop, save, run again).
type keyMap struct {
	Start, Edit, Leave, Next, Prev, Left, Right, Cycle key.Binding
	Stop, Save, Again, Yes, No, Cancel, Enter          key.Binding
	Up, Down, PageUp, PageDown, Top, Bottom            key.Binding
}

func newKeyMap(k tui.KeyMap) keyMap {
	b := func(keys []string, h, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(h, desc))
	}
	return keyMap{
		Start:  b([]string{"enter", "ctrl+s"}, "enter", "start"),
		Edit:   b([]string{"e", "i"}, "e", "edit the form"),
		Leave:  b([]string{"esc"}, "esc", "leave the form"),
		Next:   k.NextField,
		Prev:   k.PrevField,
		Left:   b([]string{"left"}, "←", "previous choice"),
		Right:  b([]string{"right"}, "→", "next choice"),
		Cycle:  b([]string{" "}, "space", "next choice"),
		Stop:   b([]string{"s"}, "s/esc", "stop"),
		Save:   b([]string{"w"}, "w", "save reports"),
		Again:  b([]string{"r"}, "r", "run again"),
		Yes:    b([]string{"y", "Y"}, "y", "run it"),
		No:     b([]string{"n", "N"}, "n", "don't"),
		Cancel: b([]string{"esc"}, "esc", "cancel"),
		Enter:  b([]string{"enter"}, "enter", "save"),

		Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Top, Bottom: k.Bottom,
	}
}

// ShortHelp are the keys that matter now, for the footer.
func (s *Screen) ShortHelp() []key.Binding {
	k := s.keys
	if s.saving {
		return []key.Binding{k.Enter, k.Cancel}
	}
	switch s.state {
	case stateForm:
		if s.form.editing {
			return []key.Binding{k.Start, k.Next, k.Leave}
		}
		return []key.Binding{k.Start, k.Edit}
	case statePreparing:
		return []key.Binding{k.Cancel}
	case stateConfirm:
		return []key.Binding{k.Yes, k.No}
	case stateRunning:
		return []key.Binding{k.Stop}
	case stateDone:
		return []key.Binding{k.Save, k.Again, k.Edit, k.Down}
	}
	return nil
}

// FullHelp are all the screen's keys, for `?`.
func (s *Screen) FullHelp() [][]key.Binding {
	k := s.keys
	return [][]key.Binding{
		{k.Start, k.Edit, k.Leave, k.Next, k.Prev, k.Left, k.Right},
		{k.Stop, k.Yes, k.No},
		{k.Save, k.Again, k.Up, k.Down, k.PageUp, k.PageDown},
	}
}
