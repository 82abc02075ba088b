package tui

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/profiles"
)

// lambenchBin is the real lambench binary: the local Lambda the tests
// talk to is `lambench serve`, started as a child process.
var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// connectLocal returns a Connect that starts a local Lambda of the demo
// functions, the way cmd/lambench does (profiles.Resolve), and the client
// it made, once made.
func connectLocal(t *testing.T) (func(context.Context) (invoke.Client, error), func() *profiles.LocalClient) {
	t.Helper()
	var mu sync.Mutex
	var made *profiles.LocalClient
	dir := t.TempDir()
	connect := func(ctx context.Context) (invoke.Client, error) {
		c, err := profiles.Resolve(ctx, profiles.Profile{Target: invoke.Local}, profiles.ResolveOptions{Executable: lambenchBin, Dir: dir})
		if err != nil {
			return nil, err
		}
		mu.Lock()
		made = c.(*profiles.LocalClient)
		mu.Unlock()
		return c, nil
	}
	return connect, func() *profiles.LocalClient { mu.Lock(); defer mu.Unlock(); return made }
}

// driver runs a root model as Bubble Tea would, without a terminal:
// commands run in goroutines and their messages go back into Update, one
// at a time, on the test's goroutine.
type driver struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
	done chan struct{}
}

func newDriver(t *testing.T, o Options) *driver {
	t.Helper()
	m := New(context.Background(), o)
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 1024), done: make(chan struct{})}
	t.Cleanup(func() {
		close(d.done)
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	d.update(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.run(m.Init())
	return d
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if msg == nil {
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

func (d *driver) update(msg tea.Msg) {
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			d.run(c)
		}
		return
	}
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// keys types text (one message, as a fast typist or tmux sends it).
func (d *driver) keys(s string) { d.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

func (d *driver) key(t tea.KeyType) { d.update(tea.KeyMsg{Type: t}) }

// until processes messages until cond holds, failing after timeout.
func (d *driver) until(what string, timeout time.Duration, cond func() bool) {
	d.t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.update(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, d.m.View())
		}
	}
}

// settle processes the messages that arrive within a short while.
func (d *driver) settle() {
	for {
		select {
		case msg := <-d.msgs:
			d.update(msg)
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
}

func (d *driver) functions() *functionsScreen { return d.m.Screen(FunctionsScreen).(*functionsScreen) }
func (d *driver) invoke() *invokeScreen       { return d.m.Screen(InvokeScreen).(*invokeScreen) }
func (d *driver) logs() *logsScreen           { return d.m.Screen(LogsScreen).(*logsScreen) }

func (d *driver) viewHas(s string) func() bool {
	return func() bool { return strings.Contains(d.m.View(), s) }
}

func TestFunctionsShowFilterSortAndDetails(t *testing.T) {
	connect, _ := connectLocal(t)
	d := newDriver(t, Options{Connect: connect, Connecting: "starting the local Lambda…"})
	if v := d.m.View(); !strings.Contains(v, "starting the local Lambda…") {
		t.Errorf("the frame does not say it is starting:\n%s", v)
	}
	d.until("the functions", 30*time.Second, func() bool { return len(d.functions().all) >= 9 && !d.functions().listing })
	d.until("the status", 5*time.Second, d.viewHas("functions shown"))
	v := d.m.View()
	for _, want := range []string{"local · 127.0.0.1:", "NAME ▲", "hello", "sleep", "provided.al2023", "128 MB", "functions shown"} {
		if !strings.Contains(v, want) {
			t.Errorf("functions screen lacks %q:\n%s", want, v)
		}
	}

	d.keys("/hel")
	d.key(tea.KeyEnter)
	if got := len(d.functions().shown); got != 1 {
		t.Fatalf("filter hel: %d rows, want 1", got)
	}
	d.until("hello's details", 10*time.Second, func() bool { return d.functions().details["hello"] != nil })
	if d.m.Selected() != "hello" {
		t.Errorf("selected %q, want hello", d.m.Selected())
	}
	if v := d.m.View(); !strings.Contains(v, "concurrency unreserved") || !strings.Contains(v, "not invoked yet") {
		t.Errorf("details:\n%s", v)
	}
	d.key(tea.KeyEsc) // clears the filter
	if got := len(d.functions().shown); got != 9 {
		t.Errorf("after esc: %d rows, want 9", got)
	}
	d.keys("s") // sort by runtime, then name: all equal runtimes keep names in order
	d.keys("S")
	if first := d.functions().shown[0].Name; first != "sleep" {
		t.Errorf("reverse sort by runtime then name: first %q, want sleep", first)
	}
}

func TestInvokeTemplateFormColdThenWarm(t *testing.T) {
	connect, _ := connectLocal(t)
	d := newDriver(t, Options{Connect: connect})
	d.until("the functions", 30*time.Second, func() bool { return len(d.functions().all) >= 9 })
	d.update(SwitchMsg{To: InvokeScreen, Function: "echo"})
	if d.m.Active() != InvokeScreen {
		t.Fatalf("active screen %v", d.m.Active())
	}
	// A filter that matches several templates: Enter applies it.
	d.keys("/apigateway")
	d.key(tea.KeyEnter)
	if inv := d.invoke(); inv.mode != modePick || inv.pick.SettingFilter() {
		t.Fatalf("Enter on a filter of several templates: mode %v, still filtering %v", inv.mode, inv.pick.SettingFilter())
	}
	d.key(tea.KeyEsc) // clear the filter
	// One that leaves one template: Enter chooses it at once, whether or
	// not the list has filtered yet.
	d.keys("/http-api")
	d.key(tea.KeyEnter)
	inv := d.invoke()
	if inv.mode != modeForm || inv.tmpl == nil || inv.tmpl.Name() != "apigateway http-api-proxy" {
		t.Fatalf("mode %v template %v; screen:\n%s", inv.mode, inv.tmpl, d.m.View())
	}
	if !d.m.Screen(InvokeScreen).Capturing() {
		t.Error("the form does not capture keys")
	}
	d.key(tea.KeyDown) // method -> path
	if p := inv.tmpl.Params[inv.focus].Name; p != "path" {
		t.Fatalf("focused %q, want path", p)
	}
	d.keys("/users/7")
	d.keys("q") // typed into the form, not quitting
	d.key(tea.KeyBackspace)
	d.key(tea.KeyCtrlS)
	d.until("the first result", 30*time.Second, func() bool { return len(inv.history) == 1 })
	e := inv.history[0]
	if e.Err != nil || e.Result.Error != nil {
		t.Fatalf("invoke: %v %v", e.Err, e.Result.Error)
	}
	if !strings.Contains(string(e.Payload), `"rawPath": "/users/7"`) {
		t.Errorf("the event's rawPath is not /users/7:\n%s", e.Payload)
	}
	if !strings.Contains(string(e.Result.Payload), "/users/7") {
		t.Errorf("echo did not return the path: %s", e.Result.Payload)
	}
	v := d.m.View()
	for _, want := range []string{"✓ ok (HTTP 200)", "COLD", "Init Duration", "Billed", "Max Memory Used", "── response"} {
		if !strings.Contains(v, want) {
			t.Errorf("result lacks %q:\n%s", want, v)
		}
	}
	// The log tail is below the payload: scroll to it.
	d.keys("G")
	if v := d.m.View(); !strings.Contains(v, "── log tail") || !strings.Contains(v, "REPORT RequestId") {
		t.Errorf("the end of the result lacks the log tail:\n%s", v)
	}
	d.key(tea.KeyCtrlS) // again, from the result: warm
	d.until("the second result", 30*time.Second, func() bool { return len(inv.history) == 2 })
	if v := d.m.View(); !strings.Contains(v, "WARM") || strings.Contains(v, "COLD") {
		t.Errorf("second result is not warm:\n%s", v)
	}
	fs := d.m.Common().Stats.Function("echo")
	if p50, ok := fs.P50(); fs.Count != 2 || fs.Cold != 1 || fs.Errors != 0 || !ok || p50 <= 0 {
		t.Errorf("stats %+v", fs)
	}
	d.keys("[")
	if inv.shown != 0 || !strings.Contains(d.m.View(), "result #1 of 2") {
		t.Errorf("[ does not show the older result:\n%s", d.m.View())
	}
	d.keys("H")
	if v := d.m.View(); !strings.Contains(v, "#1 ") || !strings.Contains(v, "#2 ") {
		t.Errorf("history:\n%s", v)
	}
	d.key(tea.KeyEsc) // history -> result
	d.key(tea.KeyEsc) // result -> the form
	if inv.mode != modeForm {
		t.Errorf("esc from the result: mode %v, want the form", inv.mode)
	}
	// The details pane counts the session's invocations.
	d.key(tea.KeyEsc) // leave the form (capturing: the screen handles esc)
	d.keys("1")
	if v := d.m.View(); !strings.Contains(v, "invoked 2 · errors 0 · cold starts 1 · p50") {
		t.Errorf("details lack the stats:\n%s", v)
	}
}

func TestInvokeFunctionErrorSavedEventAndDryRun(t *testing.T) {
	connect, _ := connectLocal(t)
	store := events.NewStore(t.TempDir())
	if err := store.Save("fail", "big", []byte(`{"n": 1}`)); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Connect: connect, Saved: store})
	d.until("the functions", 30*time.Second, func() bool { return len(d.functions().all) >= 9 })
	d.update(SwitchMsg{To: InvokeScreen, Function: "fail"})
	inv := d.invoke()
	d.until("the saved events", 10*time.Second, func() bool { return len(inv.saved) == 1 })
	d.key(tea.KeyEnter) // the saved event is first
	d.until("the saved event loaded", 10*time.Second, func() bool { return inv.mode == modeJSON })
	if got := strings.TrimSpace(inv.json.Value()); got != `{"n": 1}` {
		t.Errorf("text area %q", got)
	}
	d.key(tea.KeyCtrlS)
	d.until("the result", 30*time.Second, func() bool { return len(inv.history) == 1 })
	v := d.m.View()
	for _, want := range []string{"✗ Unhandled error", "errorString:", "the fail demo failed"} {
		if !strings.Contains(v, want) {
			t.Errorf("error result lacks %q:\n%s", want, v)
		}
	}
	if fs := d.m.Common().Stats.Function("fail"); fs.Errors != 1 {
		t.Errorf("stats %+v", fs)
	}
	// Save the event under another name, from the JSON editor.
	d.key(tea.KeyCtrlE) // from the result: edit the event
	d.key(tea.KeyCtrlW)
	d.keys("again")
	d.key(tea.KeyEnter)
	d.until("the saved list", 10*time.Second, func() bool { return len(inv.saved) == 2 })
	// Dry run.
	d.key(tea.KeyCtrlT)
	d.key(tea.KeyCtrlT)
	if inv.typ != invoke.DryRun {
		t.Fatalf("type %s", inv.typ)
	}
	d.key(tea.KeyCtrlS)
	d.until("the dry run", 30*time.Second, func() bool { return len(inv.history) == 2 })
	if v := d.m.View(); !strings.Contains(v, "dry run: fail may be invoked") {
		t.Errorf("dry run:\n%s", v)
	}
}

func TestLogsTailFollowsAndStopsWhenLeft(t *testing.T) {
	connect, client := connectLocal(t)
	d := newDriver(t, Options{Connect: connect})
	d.until("the functions", 30*time.Second, func() bool { return len(d.functions().all) >= 9 })
	d.update(SwitchMsg{To: LogsScreen, Function: "hello"})
	lg := d.logs()
	if !lg.live {
		t.Fatal("the tail did not start")
	}
	if _, err := client().Invoke(context.Background(), &invoke.Request{Function: "hello", Payload: []byte(`{"name":"tail"}`)}); err != nil {
		t.Fatal(err)
	}
	d.until("the REPORT line", 20*time.Second, d.viewHas("REPORT "))
	v := d.m.View()
	for _, want := range []string{"logs hello", "● following", "greeting tail", "cold: init"} {
		if !strings.Contains(v, want) {
			t.Errorf("logs lack %q:\n%s", want, v)
		}
	}
	d.keys("f")
	if !strings.Contains(d.m.View(), "paused") {
		t.Errorf("f does not pause:\n%s", d.m.View())
	}
	d.keys("/greeting")
	d.key(tea.KeyEnter)
	if v := d.m.View(); strings.Contains(v, "REPORT ") || !strings.Contains(v, "greeting tail") {
		t.Errorf("filter greeting:\n%s", v)
	}
	d.keys("G")
	if !lg.follow {
		t.Error("G does not follow again")
	}
	d.keys("1") // leaving the screen stops the tail
	if lg.live || lg.cancel != nil {
		t.Error("the tail still runs after leaving the screen")
	}
	d.settle()
}

func TestQuitClosesTheLocalLambda(t *testing.T) {
	connect, client := connectLocal(t)
	d := newDriver(t, Options{Connect: connect})
	d.until("the connection", 30*time.Second, func() bool { return d.m.Common().Client != nil })
	endpoint := client().Server.Endpoint
	d.keys("q")
	if !d.m.quitting || d.m.Common().Ctx.Err() == nil {
		t.Fatal("q does not quit and end the context")
	}
	if err := d.m.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(endpoint + "/2015-03-31/functions"); err == nil {
		resp.Body.Close()
		t.Errorf("the local Lambda still answers at %s after quitting", endpoint)
	}
}
