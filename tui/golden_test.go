package tui

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
)

// normalize removes what changes from run to run: ports, dates, timings
// and the size of the lambench binary.
var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`), "YYYY-MM-DD hh:mm"},
	{regexp.MustCompile(`shown \d+ms after`), "shown Nms after"},
	{regexp.MustCompile(`code [\d.]+ MB`), "code N MB"},
}

func normalize(s string) string {
	s = ansi.Strip(s)
	for _, n := range normalizers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	// Replacements change the lengths of lines padded to the width.
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// runGolden runs the TUI at 80x24 in teatest against a real local Lambda,
// sends keys once the functions are shown, waits for want on the screen,
// quits, and compares the final screen with testdata/NAME.golden (go test
// -update rewrites it).
func runGolden(t *testing.T, keys []tea.KeyMsg, want string) {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	connect, _ := connectLocal(t)
	m := New(context.Background(), Options{Connect: connect, Connecting: "starting the local Lambda…"})
	t.Cleanup(func() { m.Close() })
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor := func(s string) {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitFor("functions shown")
	for _, k := range keys {
		tm.Send(k)
		time.Sleep(50 * time.Millisecond)
	}
	waitFor(want)
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm := tm.FinalModel(t).(*Model)
	golden.RequireEqual(t, []byte(normalize(fm.View())))
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestGoldenFunctions(t *testing.T) {
	runGolden(t, []tea.KeyMsg{runes("/hel"), {Type: tea.KeyEnter}}, "greets")
}

func TestGoldenHelp(t *testing.T) {
	runGolden(t, []tea.KeyMsg{runes("?")}, "global keys")
}

func TestGoldenInvokePicker(t *testing.T) {
	runGolden(t, []tea.KeyMsg{runes("/hello"), {Type: tea.KeyEnter}, {Type: tea.KeyEnter}}, "pick a trigger event")
}

// The frame fits any size: never wider than the terminal, exactly as
// high, on every screen.
func TestFrameFitsTheTerminal(t *testing.T) {
	connect, _ := connectLocal(t)
	d := newDriver(t, Options{Connect: connect})
	d.until("the functions", 30*time.Second, func() bool { return len(d.functions().all) >= 9 })
	for _, size := range [][2]int{{80, 24}, {60, 15}, {132, 43}, {80, 24}} {
		d.update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, screen := range []string{"1", "2", "3", "4"} {
			d.keys(screen)
			lines := strings.Split(d.m.View(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d screen %s: %d lines", size[0], size[1], screen, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%dx%d screen %s: line %d is %d wide: %q", size[0], size[1], screen, i, w, ansi.Strip(l))
				}
			}
		}
	}
}

// testLoadScreen stands in for tui/loadview: the contract a load screen
// is plugged in with.
type testLoadScreen struct {
	function string
	running  bool
	closed   bool
}

func (s *testLoadScreen) Init() tea.Cmd                    { return nil }
func (s *testLoadScreen) Update(tea.Msg) (Screen, tea.Cmd) { return s, nil }
func (s *testLoadScreen) View() string                     { return "load test of " + s.function }
func (s *testLoadScreen) SetSize(int, int)                 {}
func (s *testLoadScreen) Title() string                    { return "load" }
func (s *testLoadScreen) ShortHelp() []key.Binding         { return nil }
func (s *testLoadScreen) FullHelp() [][]key.Binding        { return nil }
func (s *testLoadScreen) Capturing() bool                  { return false }
func (s *testLoadScreen) Close()                           { s.closed = true }
func (s *testLoadScreen) QuitPrompt() string {
	if s.running {
		return "a load test is running: stop it and quit?"
	}
	return ""
}

func TestLoadScreenIsPluggedInAndGuardsQuit(t *testing.T) {
	connect, _ := connectLocal(t)
	var made []*testLoadScreen
	d := newDriver(t, Options{Connect: connect, LoadScreen: func(c *Common, function string) Screen {
		s := &testLoadScreen{function: function}
		made = append(made, s)
		return s
	}})
	if v := d.m.Screen(LoadScreen).View(); !strings.Contains(v, "lambench load FUNCTION --help") {
		t.Errorf("placeholder: %q", v)
	}
	d.until("the functions", 30*time.Second, func() bool { return len(d.functions().all) >= 9 && d.m.Selected() != "" })
	d.keys("L")
	d.settle()
	if len(made) != 1 || made[0].function != "alloc" || d.m.Active() != LoadScreen {
		t.Fatalf("L: made %v, active %v", made, d.m.Active())
	}
	if !strings.Contains(d.m.View(), "load test of alloc") {
		t.Errorf("load screen not shown:\n%s", d.m.View())
	}
	made[0].running = true
	d.keys("q")
	if !strings.Contains(d.m.View(), "stop it and quit? (y/n)") || d.m.quitting {
		t.Fatalf("q during a run does not ask:\n%s", d.m.View())
	}
	d.keys("n")
	if d.m.quitting {
		t.Fatal("n quits")
	}
	// Another function while a run goes on keeps the running screen.
	d.keys("1j")
	d.keys("4")
	if len(made) != 1 {
		t.Errorf("a running load screen was replaced")
	}
	made[0].running = false
	d.keys("1")
	d.keys("4")
	if len(made) != 2 || made[1].function != "api" || !made[0].closed {
		t.Errorf("after the run: made %d, function %q, old closed %v", len(made), made[len(made)-1].function, made[0].closed)
	}
	made[1].running = true
	d.key(tea.KeyCtrlC)
	d.key(tea.KeyCtrlC) // a second ctrl+c confirms
	if !d.m.quitting {
		t.Error("ctrl+c twice does not quit")
	}
}
