package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// loadReport is the part of the JSON report the tests read.
type loadReport struct {
	Requests      int     `json:"requests"`
	SuccessRatio  float64 `json:"success_ratio"`
	Throttles     int     `json:"throttles"`
	ColdStarts    int     `json:"cold_starts"`
	LatencyMS     *dist   `json:"latency_ms"`
	WarmLatencyMS *dist   `json:"warm_latency_ms"`
	ColdLatencyMS *dist   `json:"cold_latency_ms"`
	InitMS        *dist   `json:"init_ms"`
	Steps         []struct {
		MemoryMB     int     `json:"memory_mb"`
		Requests     int     `json:"requests"`
		DurationMS   *dist   `json:"duration_ms"`
		BilledMSAvg  float64 `json:"billed_ms_avg"`
		CostPer1MUSD float64 `json:"cost_per_1m_usd"`
	} `json:"steps"`
	Recommendation *struct {
		MemoryMB int `json:"memory_mb"`
	} `json:"recommendation"`
	Thresholds []struct {
		Pass bool   `json:"pass"`
		Text string `json:"text"`
	} `json:"thresholds"`
}

type dist struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func parseLoadReport(t *testing.T, out string) loadReport {
	t.Helper()
	var r loadReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("the JSON report: %v\n%s", err, out)
	}
	return r
}

// TestLoadLocalDefault: a constant rate on the built-in local default;
// the cold starts counted are the REPORT lines with Init Duration that
// the local Lambda logged; files of --report-dir are written.
func TestLoadLocalDefault(t *testing.T) {
	c := newCLI(t)
	c.env = []string{"LAMBENCH_STATE_DIR=" + t.TempDir()}
	serveDir := c.dir
	startServeEnv(t, serveDir, []string{"LAMBENCH_RUNTIME_DIR=" + c.runtimeDir})
	dir := filepath.Join(t.TempDir(), "out")
	r := c.must(0, "load", "sleep", "--rate", "20", "--duration", "3s", "-o", "json", "--report-dir", dir,
		"--threshold", "errors<1%")
	rep := parseLoadReport(t, r.out)
	if rep.Requests < 57 || rep.Requests > 63 || rep.SuccessRatio != 1 || rep.ColdStarts < 1 {
		t.Errorf("20/s for 3s: %+v", rep)
	}
	if rep.WarmLatencyMS == nil || rep.WarmLatencyMS.P50 < 50 || rep.ColdLatencyMS == nil || rep.InitMS.Count != rep.ColdStarts {
		t.Errorf("cold/warm split: warm %+v cold %+v init %+v", rep.WarmLatencyMS, rep.ColdLatencyMS, rep.InitMS)
	}
	if len(rep.Steps) != 1 || rep.Steps[0].MemoryMB != 128 || rep.Steps[0].CostPer1MUSD <= 0 {
		t.Errorf("steps: %+v", rep.Steps)
	}
	logs := c.must(0, "logs", "sleep", "--since", "1m", "-o", "json")
	if n := strings.Count(logs.out, "Init Duration"); n != rep.ColdStarts {
		t.Errorf("%d cold starts counted, %d REPORT lines with Init Duration logged", rep.ColdStarts, n)
	}
	for _, f := range []string{"report.json", "report.md", "report.html", "results.bin"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	vegeta := testbin.FindGoTool(t, "vegeta", testbin.VegetaInstall)
	out, err := exec.Command(vegeta, "report", filepath.Join(dir, "results.bin")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Requests") || !strings.Contains(string(out), "[total, rate, throughput]") {
		t.Errorf("vegeta report: %v\n%s", err, out)
	}

	// A weighted mix of templates; a malformed entry is a usage error.
	r = c.must(0, "load", "echo", "--mix", "s3 put=3", "--mix", "sqs receive-message=1", "--rate", "40", "--requests", "20", "-o", "json")
	if rep := parseLoadReport(t, r.out); rep.Requests != 20 || rep.SuccessRatio != 1 {
		t.Errorf("mix: %+v", rep)
	}
	hasAll(t, "mix plan", r.out, "mix of s3 put×3, sqs receive-message×1")
	r = c.must(2, "load", "echo", "--mix", "s3 put", "--rate", "40", "--requests", "20")
	hasAll(t, "bad mix", r.err, "write TEMPLATE=WEIGHT")

	// A threshold that fails: exit code 3, and the report says which.
	r = c.run("", "load", "hello", "--rate", "10", "--duration", "1s", "--threshold", "p50<1us")
	if r.code != 3 || !strings.Contains(r.out, "p50<1us") {
		t.Errorf("failing threshold: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = c.run("", "load", "hello", "--rate", "10", "--duration", "1s", "--threshold", "p99x<1s")
	if r.code != 2 || !strings.Contains(r.err, "p99") {
		t.Errorf("bad threshold: exit %d %s", r.code, r.err)
	}
}

// TestLoadSweepRestores: a memory sweep shows Duration falling as memory
// rises (the local Lambda gives CPU by memory size) and leaves the
// function as it was; Ctrl-C in the second step and a SIGKILL (then
// lambench restore) do too.
func TestLoadSweepRestores(t *testing.T) {
	c := newCLI(t)
	c.env = []string{"LAMBENCH_STATE_DIR=" + t.TempDir()}
	startServeEnv(t, c.dir, []string{"LAMBENCH_RUNTIME_DIR=" + c.runtimeDir})
	memory := func() string {
		t.Helper()
		var d map[string]any
		json.Unmarshal([]byte(c.must(0, "describe", "cpu", "-o", "json").out), &d)
		return jsonString(d["MemorySize"])
	}
	r := c.must(0, "load", "cpu", "--memory", "128,1769", "--rate", "2", "--duration", "3s", "--payload", `{"units":20}`, "-o", "json")
	rep := parseLoadReport(t, r.out)
	if len(rep.Steps) != 2 || rep.Steps[0].MemoryMB != 128 || rep.Steps[1].MemoryMB != 1769 {
		t.Fatalf("steps: %+v", rep.Steps)
	}
	slow, fast := rep.Steps[0].DurationMS.P50, rep.Steps[1].DurationMS.P50
	if !(fast < slow/2) {
		t.Errorf("Duration p50 %.1f ms at 128 MB, %.1f ms at 1769 MB: want it to fall with memory", slow, fast)
	}
	if rep.Recommendation == nil {
		t.Error("no recommendation")
	}
	if m := memory(); m != "128" {
		t.Errorf("after the sweep: %s MB", m)
	}

	// Ctrl-C in the middle of the second step.
	cmd := exec.Command(lambenchBin, "load", "cpu", "--memory", "256,512", "--rate", "2", "--duration", "4s", "--payload", `{"units":5}`)
	cmd.Dir, cmd.Env = c.dir, c.environ()
	errOut := &testbin.Output{}
	cmd.Stderr = errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the second step", 30*time.Second, func() bool { return strings.Contains(errOut.String(), "updating cpu to 512 MB") })
	time.Sleep(time.Second)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("after Ctrl-C: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut.String(), "restored cpu to 128 MB") {
		t.Errorf("no restore said:\n%s", errOut)
	}
	if m := memory(); m != "128" {
		t.Errorf("after Ctrl-C: %s MB", m)
	}

	// SIGKILL during a step: the journal lets lambench restore undo it.
	cmd = exec.Command(lambenchBin, "load", "cpu", "--memory", "1024", "--rate", "2", "--duration", "30s", "--payload", `{"units":1}`)
	cmd.Dir, cmd.Env = c.dir, c.environ()
	errOut = &testbin.Output{}
	cmd.Stderr = errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the step", 30*time.Second, func() bool { return strings.Contains(errOut.String(), "requests") })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if m := memory(); m != "1024" {
		t.Fatalf("the killed run's change: %s MB", m)
	}
	if r = c.must(0, "restore", "--list"); !strings.Contains(r.out, "cpu on local") || !strings.Contains(r.out, "back to 128 MB") {
		t.Errorf("restore --list: %q", r.out)
	}
	if r = c.must(0, "load", "hello", "--rate", "2", "--duration", "1s"); !strings.Contains(r.err, "pending restore: cpu") {
		t.Errorf("no warning of the pending restore:\n%s", r.err)
	}
	r = c.must(0, "restore")
	if !strings.Contains(r.err, "restored cpu") {
		t.Errorf("restore: %s", r.err)
	}
	if m := memory(); m != "128" {
		t.Errorf("after lambench restore: %s MB", m)
	}
	if r = c.must(0, "restore", "--list"); strings.TrimSpace(r.out) != "" {
		t.Errorf("still pending: %s", r.out)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestBenchSuiteAndCompare: a suite runs its scenarios in order, writes
// per-scenario reports and a summary, fails (exit 3) on a threshold; two
// runs compare scenario by scenario; a bad suite points at file:line:col.
func TestBenchSuiteAndCompare(t *testing.T) {
	c := newCLI(t)
	c.env = []string{"LAMBENCH_STATE_DIR=" + t.TempDir()}
	startServeEnv(t, c.dir, []string{"LAMBENCH_RUNTIME_DIR=" + c.runtimeDir})
	os.WriteFile(filepath.Join(c.dir, "suite.toml"), []byte(`name = "demo"
thresholds = ["errors<1%"]

[[scenario]]
name = "hello-steady"
function = "hello"
rate = 10
duration = "2s"

[[scenario]]
name = "echo-sqs"
function = "echo"
event = "sqs receive-message"
set = { body = '{"id":"{{seq}}"}', count = "3" }
workers = 2
requests = 20
`), 0o644)
	r := c.must(0, "bench", "suite.toml", "--report-dir", "a", "-o", "json")
	var sum benchSummary
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil || len(sum.Scenarios) != 2 || !sum.Passed ||
		sum.Scenarios[0].Name != "hello-steady" || sum.Scenarios[0].Requests != 20 || sum.Scenarios[1].Requests != 20 {
		t.Fatalf("summary: %v %+v", err, sum)
	}
	for _, f := range []string{"a/summary.json", "a/hello-steady/report.json", "a/echo-sqs/report.html", "a/echo-sqs/results.bin"} {
		if _, err := os.Stat(filepath.Join(c.dir, f)); err != nil {
			t.Error(err)
		}
	}
	c.must(0, "bench", "suite.toml", "--report-dir", "b", "--scenario", "echo-sqs")
	r = c.must(0, "bench", "compare", "a", "b")
	if !strings.Contains(r.out, "scenario echo-sqs") || strings.Contains(r.out, "scenario hello-steady") || !strings.Contains(r.out, "latency p50") {
		t.Errorf("compare:\n%s", r.out)
	}
	r = c.must(0, "bench", "compare", "a/echo-sqs/report.json", "b/echo-sqs/report.json", "-o", "json")
	if !json.Valid([]byte(r.out)) {
		t.Errorf("compare -o json: %s", r.out)
	}

	os.WriteFile(filepath.Join(c.dir, "fail.toml"), []byte("[[scenario]]\nfunction = \"hello\"\nrate = 5\nduration = \"1s\"\nthresholds = [\"p50<1us\"]\n"), 0o644)
	if r = c.run("", "bench", "fail.toml", "--report-dir", "f"); r.code != 3 || !strings.Contains(r.out, "FAIL") {
		t.Errorf("failing threshold: exit %d\n%s%s", r.code, r.out, r.err)
	}
	os.WriteFile(filepath.Join(c.dir, "bad.toml"), []byte("[[scenario]]\nfunction = \"hello\"\nrte = 5\n"), 0o644)
	if r = c.run("", "bench", "bad.toml"); r.code != 1 || !strings.Contains(r.err, `bad.toml:3:1: unknown key "rte" in [[scenario]] (did you mean "rate"?)`) {
		t.Errorf("bad suite: exit %d %s", r.code, r.err)
	}
	if r = c.run("", "bench", "suite.toml", "--scenario", "hello-stedy"); r.code != 2 || !strings.Contains(r.err, `did you mean "hello-steady"`) {
		t.Errorf("unknown scenario: exit %d %s", r.code, r.err)
	}
}
