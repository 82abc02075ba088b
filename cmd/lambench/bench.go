package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/loadgen/report"
	"github.com/lambench/lambench/profiles"
)

func newBenchCmd(f *Factory) *cobra.Command {
	var reportDir, output string
	var only []string
	cmd := &cobra.Command{
		Use:   "bench SUITE.toml",
		Short: "Run a scripted benchmark suite, repeatable and comparable between runs",
		Long: `Run the [[scenario]]s of a suite file in order: each a function, an event, a
plan, optionally memory sizes and thresholds. Each scenario's reports go to
--report-dir/SCENARIO/ (report.json, .md, .html, results.bin), with a
summary.json of all of them; compare two such directories (or two
report.json) with 'lambench bench compare'. Exit code 3 when a threshold of
any scenario fails.

  name = "orders"
  thresholds = ["errors<1%"]        # every scenario

  [[scenario]]
  name = "steady"
  function = "orders"
  event = "sqs receive-message"
  set = { body = '{"id":"{{seq}}"}' }
  rate = 50
  duration = "30s"
  memory = [256, 512, 1024]
  thresholds = ["p99<800ms", "cold_p50<300ms"]

Scenario keys: name, function, profile, qualifier, event, set, payload,
payload_file, saved, rate, ramp ("1..100"), steps ("10/s for 30s, 50/s for
30s"), workers, duration, requests, warmup, warmup_requests, memory,
cold_only, strategy, thresholds, seed.`,
		Example: `  lambench bench bench.toml --report-dir bench/$(git rev-parse --short HEAD)
  lambench bench bench.toml --scenario steady
  lambench bench compare bench/main bench/feature`,
		Args: exactArgs(1, "SUITE.toml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			return runBench(cmd.Context(), f, args[0], reportDir, output, only)
		},
	}
	cmd.Flags().StringVar(&reportDir, "report-dir", "", "write each scenario's reports to `DIR`/SCENARIO and a summary.json (default: bench-results/SUITE-TIME)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json (the summary)")
	cmd.Flags().StringArrayVar(&only, "scenario", nil, "run only this scenario (repeatable)")
	cmd.AddCommand(newBenchCompareCmd(f))
	return cmd
}

// benchSummary is summary.json: one line per scenario.
type benchSummary struct {
	Schema    string          `json:"schema"`
	Suite     string          `json:"suite"`
	Start     time.Time       `json:"start"`
	End       time.Time       `json:"end"`
	Passed    bool            `json:"thresholds_passed"`
	Scenarios []benchScenario `json:"scenarios"`
}

type benchScenario struct {
	Name       string  `json:"name"`
	Function   string  `json:"function"`
	Report     string  `json:"report"`
	Requests   int64   `json:"requests"`
	Success    float64 `json:"success_ratio"`
	ColdStarts int64   `json:"cold_starts"`
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	Passed     bool    `json:"thresholds_passed"`
	Error      string  `json:"error,omitempty"`
}

func runBench(ctx context.Context, f *Factory, path, reportDir, output string, only []string) error {
	suite, err := profiles.LoadSuite(path)
	if err != nil {
		return err
	}
	if err := suite.Select(only); err != nil {
		return &usageError{err}
	}
	if reportDir == "" {
		reportDir = filepath.Join("bench-results", suite.Name+"-"+time.Now().Format("20060102-150405"))
	}
	if err := os.MkdirAll(reportDir, 0o755); err != nil {
		return err
	}
	ios := f.IO
	sum := benchSummary{Schema: "lambench/bench/v1", Suite: suite.Name, Start: time.Now(), Passed: true}
	var firstErr error
	for i, sc := range suite.Scenarios {
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(ios.ErrOut, "%s\n", newStyle(&IOStreams{OutTTY: isTerminalWriter(ios.ErrOut)}).bold(fmt.Sprintf("scenario %d/%d: %s (%s)", i+1, len(suite.Scenarios), sc.Name, sc.Function)))
		dir := filepath.Join(reportDir, sc.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		o := scenarioOptions(f, sc, dir)
		if err := o.Input.check(); err != nil {
			return fmt.Errorf("%s: scenario %q: %w", sc.Where, sc.Name, err)
		}
		line := benchScenario{Name: sc.Name, Function: sc.Function, Report: filepath.Join(sc.Name, "report.json")}
		out, err := executeLoad(ctx, o)
		if err != nil {
			var ue *usageError
			if errors.As(err, &ue) {
				return fmt.Errorf("%s: scenario %q: %w", sc.Where, sc.Name, ue.err)
			}
			line.Error, sum.Passed = err.Error(), false
			fmt.Fprintf(ios.ErrOut, "scenario %s failed: %v\n", sc.Name, err)
			if firstErr == nil {
				firstErr = fmt.Errorf("scenario %s: %w", sc.Name, err)
			}
			sum.Scenarios = append(sum.Scenarios, line)
			continue
		}
		t := out.Run.Total()
		line.Requests, line.Success, line.ColdStarts = t.Requests, t.SuccessRatio(), t.ColdStarts
		line.P50MS, line.P99MS = ms(t.Latency.Percentile(50)), ms(t.Latency.Percentile(99))
		line.Passed = out.Passed
		if !out.Passed {
			sum.Passed = false
		}
		if out.RunErr != nil {
			line.Error = out.RunErr.Error()
			if firstErr == nil {
				firstErr = out.RunErr
			}
		}
		sum.Scenarios = append(sum.Scenarios, line)
	}
	sum.End = time.Now()
	b, _ := json.MarshalIndent(sum, "", "  ")
	if err := os.WriteFile(filepath.Join(reportDir, "summary.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	if output == "json" {
		ios.Out.Write(append(b, '\n'))
	} else {
		st := newStyle(ios)
		w := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, st.bold("SCENARIO")+"\t"+st.bold("FUNCTION")+"\t"+st.bold("REQUESTS")+"\t"+st.bold("SUCCESS")+"\t"+st.bold("COLD")+"\t"+st.bold("P50")+"\t"+st.bold("P99")+"\t"+st.bold("THRESHOLDS"))
		for _, l := range sum.Scenarios {
			verdict := st.green("pass")
			switch {
			case l.Error != "":
				verdict = st.red("error: " + oneLine(l.Error, 50))
			case !l.Passed:
				verdict = st.red("FAIL")
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%.2f%%\t%d\t%.1f ms\t%.1f ms\t%s\n", l.Name, l.Function, l.Requests, 100*l.Success, l.ColdStarts, l.P50MS, l.P99MS, verdict)
		}
		w.Flush()
		fmt.Fprintf(ios.ErrOut, "reports in %s (summary.json; compare runs with lambench bench compare OLD NEW)\n", reportDir)
	}
	if ctx.Err() != nil {
		return &exitCodeError{code: 130, err: errors.New("interrupted: the summary covers what ran")}
	}
	if firstErr != nil {
		return firstErr
	}
	if !sum.Passed {
		return &exitCodeError{code: exitThreshold, err: errors.New("a threshold failed (see the reports)")}
	}
	return nil
}

// scenarioOptions turns a scenario into the options of one load run.
func scenarioOptions(f *Factory, sc profiles.Scenario, dir string) *LoadOptions {
	sf := f
	if sc.Profile != "" {
		g := *f.Global
		g.Profile = sc.Profile
		sf = newFactory(f.IO, &g)
		sf.Getenv, sf.Executable, sf.NewClient = f.Getenv, f.Executable, f.NewClient
	}
	set := make([]string, 0, len(sc.Set))
	for k, v := range sc.Set {
		set = append(set, k+"="+v)
	}
	return &LoadOptions{
		Factory: sf, Function: sc.Function, Name: sc.Name, Qualifier: sc.Qualifier, Seed: sc.Seed,
		Input: EventInput{Event: sc.Event, Set: set, Payload: sc.Payload, PayloadFile: sc.PayloadFile, Saved: sc.Saved},
		Rate:  sc.Rate, Duration: sc.Duration, Requests: sc.Requests, Ramp: sc.Ramp, Steps: sc.Steps, Sine: sc.Sine, Workers: sc.Workers,
		Warmup: sc.Warmup, WarmupRequests: sc.WarmupRequests, Memory: sc.Memory, ColdOnly: sc.ColdOnly,
		Strategy: orDefault(sc.Strategy, "balanced"), Thresholds: sc.Thresholds, Output: "text", ReportDir: dir, MaxCost: 1,
	}
}

func newBenchCompareCmd(f *Factory) *cobra.Command {
	var output string
	var failOnRegression bool
	cmd := &cobra.Command{
		Use:   "compare OLD NEW",
		Short: "Compare two benchmark runs and say which differences are significant",
		Long: `Compare two report.json files, or two bench report directories scenario by
scenario. Each figure is tested as benchstat does (Mann-Whitney on latency
histograms, proportion tests on ratios, Welch's t on means); a difference is
significant when p < 0.05 and it is at least 1%. --fail-on-regression makes
the exit code 3 when anything got significantly worse (for CI).`,
		Example: `  lambench bench compare bench/main bench/feature
  lambench bench compare old/report.json new/report.json --fail-on-regression`,
		Args: exactArgs(2, "OLD NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			return runBenchCompare(f, args[0], args[1], output, failOnRegression)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().BoolVar(&failOnRegression, "fail-on-regression", false, "exit with code 3 when a figure got significantly worse")
	return cmd
}

// reportPairs matches the reports of two runs: two files, or the
// scenarios two bench directories have in common.
func reportPairs(oldPath, newPath string) (names []string, olds, news []string, err error) {
	oi, err1 := os.Stat(oldPath)
	ni, err2 := os.Stat(newPath)
	if err := errors.Join(err1, err2); err != nil {
		return nil, nil, nil, err
	}
	if !oi.IsDir() && !ni.IsDir() {
		return []string{""}, []string{oldPath}, []string{newPath}, nil
	}
	if oi.IsDir() != ni.IsDir() {
		return nil, nil, nil, &usageError{errors.New("compare two report.json files or two bench directories, not one of each")}
	}
	entries, err := os.ReadDir(oldPath)
	if err != nil {
		return nil, nil, nil, err
	}
	var missing []string
	for _, e := range entries {
		o := filepath.Join(oldPath, e.Name(), "report.json")
		if _, err := os.Stat(o); err != nil {
			continue
		}
		n := filepath.Join(newPath, e.Name(), "report.json")
		if _, err := os.Stat(n); err != nil {
			missing = append(missing, e.Name())
			continue
		}
		names, olds, news = append(names, e.Name()), append(olds, o), append(news, n)
	}
	if len(names) == 0 {
		return nil, nil, nil, fmt.Errorf("no scenario of %s has a report in %s too", oldPath, newPath)
	}
	return names, olds, news, nil
}

func runBenchCompare(f *Factory, oldPath, newPath, output string, failOnRegression bool) error {
	names, olds, news, err := reportPairs(oldPath, newPath)
	if err != nil {
		return err
	}
	ios := f.IO
	regressions := 0
	var docs []json.RawMessage
	for i := range names {
		o, err := readReport(olds[i])
		if err != nil {
			return err
		}
		n, err := readReport(news[i])
		if err != nil {
			return err
		}
		c := report.Compare(o, n, report.Names(olds[i], news[i]))
		regressions += len(c.Regressions())
		if output == "json" {
			var b strings.Builder
			if err := report.WriteComparisonJSON(&b, c); err != nil {
				return err
			}
			docs = append(docs, json.RawMessage(b.String()))
			continue
		}
		if names[i] != "" {
			fmt.Fprintf(ios.Out, "\n%s\n", newStyle(ios).bold("scenario "+names[i]))
		}
		if err := report.WriteComparisonText(ios.Out, c, report.TextOptions{Color: newStyle(ios).on}); err != nil {
			return err
		}
	}
	if output == "json" {
		if len(docs) == 1 && names[0] == "" {
			ios.Out.Write(docs[0])
		} else {
			m := map[string]json.RawMessage{}
			for i, d := range docs {
				m[names[i]] = d
			}
			if err := writeJSON(ios, m); err != nil {
				return err
			}
		}
	}
	if regressions > 0 && failOnRegression {
		return &exitCodeError{code: exitThreshold, err: fmt.Errorf("%d figures got significantly worse", regressions)}
	}
	return nil
}

func readReport(path string) (*report.Run, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	r, err := report.ReadJSON(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
