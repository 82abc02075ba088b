package loadview

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/internal/testlocal"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/tui"
)

var (
	lambenchBin string
	update      = flag.Bool("update", false, "rewrite the golden files")
)

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// startClient runs the local Lambda in a process of its own and returns a
// Lambda API client of it.
func startClient(t *testing.T) invoke.Client { return testlocal.Serve(t, lambenchBin) }

// common is what the root would share, with the colour profile pinned.
func common(ctx context.Context, c invoke.Client) *tui.Common {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return &tui.Common{
		Ctx: ctx, Client: c, Styles: tui.NewStyles(r, tui.DefaultTheme()), Keys: tui.DefaultKeyMap(),
		Templates: events.NewRegistry(), Stats: tui.NewStats(),
	}
}

// pump drives a screen as the Bubble Tea program would: it runs the
// commands the screen returns (each in a goroutine) and feeds their
// messages back to Update.
type pump struct {
	t      *testing.T
	s      tui.Screen
	msgs   chan tea.Msg
	status []tui.StatusMsg
}

func newPump(t *testing.T, s tui.Screen) *pump {
	p := &pump{t: t, s: s, msgs: make(chan tea.Msg, 64)}
	s.SetSize(100, 30)
	p.run(s.Init())
	return p
}

func (p *pump) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { p.msgs <- cmd() }()
}

func (p *pump) handle(msg tea.Msg) {
	switch m := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			p.run(c)
		}
	case tui.StatusMsg:
		p.status = append(p.status, m)
	default:
		s, cmd := p.s.Update(msg)
		p.s = s
		p.run(cmd)
	}
}

// send gives the screen a key, as the root does when it is active.
func (p *pump) send(keys ...tea.KeyMsg) {
	for _, k := range keys {
		p.handle(k)
	}
}

// until pumps messages until cond holds.
func (p *pump) until(what string, timeout time.Duration, cond func() bool) {
	p.t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case msg := <-p.msgs:
			p.handle(msg)
		case <-deadline:
			p.t.Fatalf("timed out waiting for %s; view:\n%s", what, p.s.View())
		}
	}
}

func k(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }
func text(s string) tea.KeyMsg   { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
func runeKey(r rune) tea.KeyMsg  { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}} }
func (p *pump) screen() *Screen  { return p.s.(*Screen) }
func (p *pump) focus(field int)  { p.screen().form.focusField(field) }
func (p *pump) fill(field int, v string) {
	p.focus(field)
	p.send(k(tea.KeyCtrlU), k(tea.KeyEnd), k(tea.KeyCtrlU), text(v))
}

// A 3-second run at 20/s on sleep through the screen: the form, the
// dashboard, the report; every planned request counted.
func TestRunSleep(t *testing.T) {
	c := startClient(t)
	ctx := t.Context()
	p := newPump(t, New(common(ctx, c), "sleep", Options{}))
	s := p.screen()
	p.until("the function's configuration", 10*time.Second, func() bool { return s.fn != nil })
	if !s.Capturing() {
		t.Fatal("the form should take keys at first")
	}
	p.fill(fDuration, "3s")
	if !s.setOK || s.set.plan.ExpectedRequests() != 60 {
		t.Fatalf("plan %v (%v), errors %+v", s.set.plan, s.setOK, s.form.fields)
	}
	if v := s.View(); !strings.Contains(v, "20/s for 3s · about 60 requests") {
		t.Errorf("form view:\n%s", v)
	}
	p.send(k(tea.KeyEnter))
	p.until("the run", 10*time.Second, func() bool { return s.state == stateRunning })
	if s.QuitPrompt() == "" {
		t.Error("no quit prompt during a run")
	}
	p.until("samples on the dashboard", 10*time.Second, func() bool { return s.hasFrame && s.frame.sum.Requests >= 20 })
	dash := s.View()
	for _, want := range []string{"requests", "rate", "in flight", "now p50", "all p50", "latency", "sent/s", "cold"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, dash)
		}
	}
	p.until("the end of the run", 20*time.Second, func() bool { return s.state == stateDone })
	if s.QuitPrompt() != "" {
		t.Error("quit prompt after the run")
	}
	total := s.outcome.Run.Total()
	if total.Requests != 60 || total.OK != 60 {
		t.Errorf("%d requests, %d ok; want 60", total.Requests, total.OK)
	}
	v := s.View()
	for _, want := range []string{"✓ done", "60 requests", "lambench report: sleep", "20/s for 3s · empty event {}"} {
		if !strings.Contains(v, want) {
			t.Errorf("report view lacks %q:\n%s", want, v)
		}
	}

	// Save the reports where asked.
	dir := filepath.Join(t.TempDir(), "out")
	p.send(runeKey('w'))
	if !s.Capturing() || !s.saving {
		t.Fatal("w does not ask where to save")
	}
	p.send(k(tea.KeyCtrlU), text(dir), k(tea.KeyEnter))
	p.until("the reports", 10*time.Second, func() bool { return s.savedDir == dir })
	for _, name := range []string{"report.json", "report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}

	// Back to the form, values kept.
	p.send(runeKey('e'))
	if s.state != stateForm || s.form.fields[fDuration].value() != "3s" {
		t.Errorf("state %v, duration %q", s.state, s.form.fields[fDuration].value())
	}
}

// A sweep stopped in its second step restores the function's memory;
// so does a sweep cut short by Close (what a quit does).
func TestSweepStopRestores(t *testing.T) {
	c := startClient(t)
	ctx := t.Context()
	orig, err := c.Function(ctx, "cpu")
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"stop", "close"} {
		t.Run(how, func(t *testing.T) {
			p := newPump(t, New(common(ctx, c), "cpu", Options{}))
			s := p.screen()
			p.fill(fLoad, "2")
			p.fill(fDuration, "2s")
			p.fill(fMemory, "128,256")
			if !s.setOK {
				t.Fatalf("form: %+v", s.form.fields)
			}
			p.send(k(tea.KeyEnter))
			p.until("the second step", 30*time.Second, func() bool { return s.hasFrame && s.frame.step == 2 })
			if q := s.QuitPrompt(); !strings.Contains(q, "restored") {
				t.Errorf("quit prompt %q", q)
			}
			if v := s.View(); !strings.Contains(v, "256 MB (2/2)") || !strings.Contains(v, "✓ 128 MB") {
				t.Errorf("dashboard:\n%s", v)
			}
			if fn, err := c.Function(ctx, "cpu"); err != nil || fn.MemoryMB != 256 {
				t.Fatalf("during step 2: %v %v", fn, err)
			}
			switch how {
			case "stop":
				p.send(runeKey('s'))
				if s.state != stateStopping {
					t.Errorf("state %v after s", s.state)
				}
				p.until("the end", 30*time.Second, func() bool { return s.state == stateDone || s.state == stateForm })
				if s.state == stateDone && s.runErr == nil {
					t.Error("a stopped run reports no error")
				}
				if !strings.Contains(strings.Join(s.last.notes, "\n"), "restored cpu to") {
					t.Errorf("notes %q", s.last.notes)
				}
			case "close":
				s.Close()
			}
			fn, err := c.Function(ctx, "cpu")
			if err != nil || fn.MemoryMB != orig.MemoryMB {
				t.Errorf("memory after the sweep: %v %v, want %d", fn, err, orig.MemoryMB)
			}
		})
	}
}

// Invalid fields are marked where they are, and the run does not start.
func TestFormValidation(t *testing.T) {
	p := newPump(t, New(common(t.Context(), nil), "sleep", Options{}))
	s := p.screen()
	p.fill(fDuration, "soon")
	p.fill(fMemory, "64")
	p.fill(fThresholds, "p99 800ms")
	p.send(k(tea.KeyEnter))
	if s.state != stateForm {
		t.Fatalf("state %v", s.state)
	}
	v := s.View()
	for _, want := range []string{"✗ write a duration such as 30s", "✗ memory 64 MB: Lambda's memory sizes are 128 to 10240 MB", "✗ threshold", "fix the fields marked"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// The shape changes the load field.
	p.focus(fShape)
	p.send(k(tea.KeyRight), k(tea.KeyRight))
	if s.form.fields[fShape].value() != "steps" || s.form.fields[fLoad].label != "steps" {
		t.Errorf("shape %q, load label %q", s.form.fields[fShape].value(), s.form.fields[fLoad].label)
	}
	p.fill(fLoad, "10/s for 2s, 1..5/s for 2s")
	p.fill(fDuration, "")
	p.fill(fMemory, "")
	p.fill(fThresholds, "p99<800ms, errors<1%")
	if !s.setOK || len(s.set.thresholds) != 2 {
		t.Errorf("form: %+v", s.form.fields)
	}
	// The warm-up is a duration or a number of requests.
	p.fill(fWarmup, "2s")
	if !s.setOK || s.set.plan.Warmup != 2*time.Second {
		t.Errorf("warm-up 2s: ok %v, plan %+v", s.setOK, s.set.plan)
	}
	p.fill(fWarmup, "15")
	if !s.setOK || s.set.plan.WarmupRequests != 15 || s.set.plan.Warmup != 0 {
		t.Errorf("warm-up 15: ok %v, plan %+v", s.setOK, s.set.plan)
	}
	p.fill(fWarmup, "soon")
	if s.setOK || !strings.Contains(s.View(), "✗ write a duration such as 5s, or a number of requests") {
		t.Errorf("warm-up soon accepted:\n%s", s.View())
	}
	p.fill(fWarmup, "")
	// Esc leaves the form: global keys work again; e comes back.
	p.send(k(tea.KeyEsc))
	if s.Capturing() {
		t.Error("still capturing after esc")
	}
	p.send(runeKey('e'))
	if !s.Capturing() {
		t.Error("e does not edit")
	}
}

func TestParseParams(t *testing.T) {
	m, err := parseParams("path=/orders; body={\"a\":1, \"b\":2}\nmethod = POST")
	if err != nil || m["path"] != "/orders" || m["body"] != `{"a":1, "b":2}` || m["method"] != "POST" {
		t.Errorf("%q %v", m, err)
	}
	if _, err := parseParams("path"); err == nil {
		t.Error("no error for a missing =")
	}
}

// The form at 80x24 (the body the root gives: 80x21), without colour.
func TestFormGolden(t *testing.T) {
	s := New(common(t.Context(), nil), "sleep", Options{})
	s.SetSize(80, 21)
	got := s.View()
	path := filepath.Join("testdata", "form.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("form view changed (go test -update to accept):\n%s\nwant:\n%s", got, want)
	}
	for i, l := range strings.Split(got, "\n") {
		if w := lipgloss.Width(l); w > 80 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
}

// TestMeasure is the acceptance figure: a 20 s run at 20/s on sleep
// through the screen, to compare with `lambench load sleep --rate 20
// --duration 20s -o json` (LAMBENCH_MEASURE=1 runs it).
func TestMeasure(t *testing.T) {
	if os.Getenv("LAMBENCH_MEASURE") == "" {
		t.Skip("set LAMBENCH_MEASURE=1 to measure a 20 s run")
	}
	c := startClient(t)
	p := newPump(t, New(common(t.Context(), c), "sleep", Options{}))
	s := p.screen()
	p.send(k(tea.KeyEnter))
	p.until("the end of the run", 60*time.Second, func() bool { return s.state == stateDone })
	total := s.outcome.Run.Total()
	t.Logf("requests %d (plan %d), warm p50 %v, p50 %v, cold %d", total.Requests, s.set.plan.ExpectedRequests(),
		total.WarmLatency.Percentile(50), total.Latency.Percentile(50), total.ColdStarts)
}

// awsClient pretends to be the aws target: only what preparing a run
// reads.
type awsClient struct{ invoke.Client }

func (awsClient) Target() invoke.Target { return invoke.Target{Kind: invoke.AWS, Region: "eu-west-1"} }
func (awsClient) Function(_ context.Context, name string) (*invoke.Function, error) {
	return &invoke.Function{Name: name, MemoryMB: 10240, Timeout: 15 * time.Minute, Architecture: "x86_64"}, nil
}

// On the aws target the form shows the worst case, and a run above
// MaxCost waits for an explicit yes.
func TestAWSCostConfirm(t *testing.T) {
	p := newPump(t, New(common(t.Context(), awsClient{}), "big", Options{}))
	s := p.screen()
	p.until("the function's configuration", 5*time.Second, func() bool { return s.fn != nil })
	p.fill(fLoad, "100")
	p.fill(fDuration, "1m")
	if v := s.View(); !strings.Contains(v, "about 6,000 requests") || !strings.Contains(v, "on AWS: at most $") || !strings.Contains(v, "(asks first)") {
		t.Errorf("form view:\n%s", v)
	}
	p.send(k(tea.KeyEnter))
	p.until("the question", 5*time.Second, func() bool { return s.state == stateConfirm })
	if !s.Capturing() || !strings.Contains(s.View(), "Run it? (y/n)") {
		t.Errorf("view:\n%s", s.View())
	}
	p.send(runeKey('n'))
	if s.state != stateForm || s.run != nil {
		t.Errorf("state %v after n", s.state)
	}
}
