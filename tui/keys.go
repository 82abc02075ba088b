package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key of the TUI, in one place: the root and the screens
// match keys with key.Matches against it, and the footer and the `?` help
// are made from the same bindings. Screens (loadview too) pick the
// bindings they use for their ShortHelp and FullHelp.
type KeyMap struct {
	// Global.
	Quit, ForceQuit, Help, Command, NextScreen, PrevScreen, Back key.Binding
	Functions, Invoke, Logs, Load                                key.Binding
	// Lists, tables and scrolling.
	Up, Down, PageUp, PageDown, Top, Bottom, Enter, Filter key.Binding
	// While a filter is typed.
	FilterApply, FilterClear key.Binding
	// Functions screen.
	Sort, Reverse, ShowValues, Refresh, GoInvoke, GoLogs, GoLoad key.Binding
	// Invoke screen.
	Send, CycleType, EditJSON, Editor, Save, History, Older, Newer, NextField, PrevField key.Binding
	// Logs screen.
	Follow, Newest, Clear key.Binding
}

// DefaultKeyMap returns lambench's keys, close to k9s's where they exist
// there (`:` commands, `/` filter, Enter to drill in, Esc back, `l` logs).
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		Quit:       b([]string{"q"}, "q", "quit"),
		ForceQuit:  b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Help:       b([]string{"?"}, "?", "all keys"),
		Command:    b([]string{":"}, ":", "command (:fn :invoke :logs :load :q)"),
		NextScreen: b([]string{"tab"}, "tab", "next screen"),
		PrevScreen: b([]string{"shift+tab"}, "shift+tab", "previous screen"),
		Back:       b([]string{"esc"}, "esc", "back"),
		Functions:  b([]string{"1"}, "1", "functions"),
		Invoke:     b([]string{"2"}, "2", "invoke"),
		Logs:       b([]string{"3"}, "3", "logs"),
		Load:       b([]string{"4"}, "4", "load"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g", "top"),
		Bottom:   b([]string{"end", "G"}, "G", "bottom"),
		Enter:    b([]string{"enter"}, "enter", "select"),
		Filter:   b([]string{"/"}, "/", "filter"),

		FilterApply: b([]string{"enter"}, "enter", "apply"),
		FilterClear: b([]string{"esc"}, "esc", "clear"),

		Sort:       b([]string{"s"}, "s", "sort by next column"),
		Reverse:    b([]string{"S"}, "S", "reverse sort"),
		ShowValues: b([]string{"v"}, "v", "show/mask env values"),
		Refresh:    b([]string{"r", "ctrl+r"}, "r", "refresh"),
		GoInvoke:   b([]string{"enter", "i"}, "enter", "invoke"),
		GoLogs:     b([]string{"l"}, "l", "logs"),
		GoLoad:     b([]string{"L"}, "L", "load test"),

		Send:      b([]string{"ctrl+s"}, "ctrl+s", "send"),
		CycleType: b([]string{"ctrl+t"}, "ctrl+t", "sync/async/dry-run"),
		EditJSON:  b([]string{"ctrl+e"}, "ctrl+e", "edit JSON"),
		Editor:    b([]string{"ctrl+o"}, "ctrl+o", "$EDITOR"),
		Save:      b([]string{"ctrl+w"}, "ctrl+w", "save event"),
		History:   b([]string{"H"}, "H", "history"),
		Older:     b([]string{"["}, "[", "older result"),
		Newer:     b([]string{"]"}, "]", "newer result"),
		NextField: b([]string{"tab", "down"}, "tab/↓", "next field"),
		PrevField: b([]string{"shift+tab", "up"}, "shift+tab/↑", "previous field"),

		Follow: b([]string{"f", " "}, "f", "follow/pause"),
		Newest: b([]string{"G", "end"}, "G", "newest"),
		Clear:  b([]string{"c"}, "c", "clear"),
	}
}

// ShortHelp are the global keys shown in the footer after the screen's.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Command, k.Quit}
}

// FullHelp are the global keys, for the `?` help.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Functions, k.Invoke, k.Logs, k.Load},
		{k.NextScreen, k.PrevScreen, k.Back, k.Command},
		{k.Help, k.Quit, k.ForceQuit},
	}
}
