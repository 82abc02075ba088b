package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/loadgen"
	"github.com/lambench/lambench/loadgen/job"
	"github.com/lambench/lambench/loadgen/report"
	"github.com/lambench/lambench/loadgen/stats"
	"github.com/lambench/lambench/loadgen/sweep"
	"github.com/lambench/lambench/profiles"
)

// LoadOptions are the inputs of `lambench load`.
type LoadOptions struct {
	Factory  *Factory
	Function string
	Input    EventInput
	Mix      []string
	Seed     uint64

	Rate           float64
	Duration       time.Duration
	Requests       uint64
	Ramp           string
	Steps          string
	Sine           string
	Workers        int
	Warmup         time.Duration
	WarmupRequests uint64

	Memory    []int
	ColdOnly  bool
	Strategy  string
	Qualifier string

	Thresholds []string
	Prices     []string
	Output     string
	ReportDir  string
	Yes        bool
	MaxCost    float64
	Name       string
}

func newLoadCmd(f *Factory) *cobra.Command {
	opts := &LoadOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "load FUNCTION",
		Short: "Load-test a function: cold starts, scaling, latency, cost, across memory sizes",
		Long: `Send load to a function and measure what only Lambda knows: cold and warm
starts (from each response's REPORT line), Init Duration, function errors,
throttles and their reason, billed duration, memory used, and the cost.

The load is one of:
  --rate 50 --duration 30s          constant rate (open model: requests arrive whatever the answers)
  --ramp 1..200 --duration 2m       linear ramp: shows where concurrency, cold starts and throttling grow
  --steps "10/s for 30s, 50/s for 30s"
  --sine 10..50/1m --duration 5m    a rate swinging between 10/s and 50/s once a minute
  --workers 8 --duration 1m         closed model: 8 workers invoking back to back
bounded by --duration and/or --requests, after an optional --warmup left
out of the results.

--memory 128,512,1769 sweeps memory sizes: before each step the function's
memory is changed (which starts every step cold, as on AWS); afterwards the
original configuration is restored, also on errors and Ctrl-C. A journal
written before the first change lets 'lambench restore' undo a killed run.

Thresholds (--threshold 'p99<800ms' --threshold 'errors<1%' --threshold
'cold_p50<300ms') make the exit code 3 when one fails. --report-dir writes
report.json, report.md, report.html and results.bin (vegeta's format:
'vegeta report results.bin').`,
		Example: `  lambench load sleep --rate 50 --duration 10s
  lambench load cpu --memory 128,512,1769 --rate 5 --duration 10s -o json
  lambench load orders --event "sqs receive-message" --set body='{"id":"{{seq}}"}' --ramp 1..100 --duration 1m
  lambench load api --workers 16 --requests 10000 --threshold 'p99<300ms' --report-dir out/
  lambench load hello --memory 128,256,512,1024 --cold-only --requests 10 --strategy balanced`,
		Args: exactArgs(1, "FUNCTION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Function = args[0]
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if err := opts.Input.check(); err != nil {
				return err
			}
			return runLoad(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.Input.addFlags(fl, true)
	fl.StringArrayVar(&opts.Mix, "mix", nil, "add a template to a weighted mix of events, `TEMPLATE=WEIGHT` (repeatable), e.g. --mix \"s3 put=3\" --mix \"s3 delete=1\"")
	fl.Uint64Var(&opts.Seed, "seed", 0, "seed of the per-request random values, to repeat a run exactly (default: random)")
	fl.Float64VarP(&opts.Rate, "rate", "r", 0, "constant rate, requests per second")
	fl.DurationVarP(&opts.Duration, "duration", "d", 0, "how long to send requests (e.g. 30s, 2m)")
	fl.Uint64VarP(&opts.Requests, "requests", "n", 0, "stop after this many requests")
	fl.StringVar(&opts.Ramp, "ramp", "", "linear ramp `FROM..TO` requests per second over --duration")
	fl.StringVar(&opts.Steps, "steps", "", "a sequence of rates, e.g. \"10/s for 30s, 1..50/s for 1m\"")
	fl.StringVar(&opts.Sine, "sine", "", "a rate swinging between MIN and MAX once per PERIOD over --duration, `MIN..MAX/PERIOD`, e.g. 10..50/1m")
	fl.IntVarP(&opts.Workers, "workers", "w", 0, "closed model: this many workers invoking back to back")
	fl.DurationVar(&opts.Warmup, "warmup", 0, "leave out the requests of this first stretch (e.g. 5s)")
	fl.Uint64Var(&opts.WarmupRequests, "warmup-requests", 0, "leave out this many first requests")
	fl.IntSliceVarP(&opts.Memory, "memory", "m", nil, "sweep these memory sizes in MB, e.g. 128,512,1769 (the function is restored afterwards)")
	fl.BoolVar(&opts.ColdOnly, "cold-only", false, "force a cold start for every request (a configuration change before each; use with --requests)")
	fl.StringVar(&opts.Strategy, "strategy", "balanced", "memory recommendation of a sweep: cost, speed or balanced")
	fl.StringVarP(&opts.Qualifier, "qualifier", "q", "", "version or alias to invoke")
	fl.StringArrayVarP(&opts.Thresholds, "threshold", "t", nil, "fail (exit code 3) unless this holds, e.g. 'p99<800ms', 'errors<1%', 'cold_p50<300ms' (repeatable)")
	fl.StringArrayVar(&opts.Prices, "price", nil, "override a price, `KEY=USD`: x86_64 or arm64 (per GB-second), requests_per_1m")
	fl.StringVarP(&opts.Output, "output", "o", "text", "report format: text or json (the JSON report on standard output)")
	fl.StringVar(&opts.ReportDir, "report-dir", "", "write report.json, report.md, report.html and results.bin to `DIR`")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "run on the aws target without asking, even above --max-cost")
	fl.Float64Var(&opts.MaxCost, "max-cost", 1, "on the aws target (AWS, or an endpoint priced as AWS), ask (or, without a terminal, refuse without --yes) when the run may cost more than this many USD at worst")
	fl.StringVar(&opts.Name, "name", "", "name of the run in reports (default: the function's)")
	return cmd
}

// plan builds the load plan from the flags.
func (o *LoadOptions) plan() (loadgen.Plan, error) {
	p, err := loadgen.PlanSpec{
		Rate: o.Rate, Ramp: o.Ramp, Steps: o.Steps, Sine: o.Sine, Workers: o.Workers,
		Duration: o.Duration, Requests: o.Requests, Warmup: o.Warmup, WarmupRequests: o.WarmupRequests,
		ColdOnly: o.ColdOnly,
	}.Plan()
	if err != nil {
		return p, &usageError{fmt.Errorf("%w (see lambench load --help)", err)}
	}
	return p, nil
}

// source is the event of every request: a template compiled once (its
// placeholders expanded per request), a mix of templates, or a fixed event.
func (o *LoadOptions) source(f *Factory) (events.Source, string, error) {
	var opts []events.Option
	if o.Seed != 0 {
		opts = append(opts, events.WithSeed(o.Seed))
	}
	if len(o.Mix) > 0 {
		if o.Input.sourceGiven() {
			return nil, "", &usageError{errors.New("--mix is the event: leave out --event, --payload, --payload-file and --saved")}
		}
		reg, err := f.Templates()
		if err != nil {
			return nil, "", err
		}
		mix, name, err := events.ParseMix(reg, o.Mix, o.Seed, opts...)
		if err != nil {
			return nil, "", &usageError{fmt.Errorf("--mix: %w", err)}
		}
		return mix, name, nil
	}
	if o.Input.Event != "" {
		reg, _ := f.Templates()
		t, err := reg.Lookup(o.Input.Event)
		if err != nil {
			return nil, "", err
		}
		r, err := t.Compile(o.Input.values(), opts...)
		if err != nil {
			return nil, "", err
		}
		return r, "template " + t.Name(), nil
	}
	b, src, err := o.Input.resolve(f, o.Function)
	if err != nil {
		return nil, "", err
	}
	return events.Fixed(b), src, nil
}

// prices is the default price table with the --price overrides.
func (o *LoadOptions) prices() (stats.PriceTable, error) {
	if len(o.Prices) == 0 {
		return stats.DefaultPrices(), nil
	}
	m := map[string]float64{}
	for _, kv := range o.Prices {
		k, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			return stats.PriceTable{}, &usageError{fmt.Errorf("--price %q: write KEY=USD, e.g. x86_64=0.0000166667", kv)}
		}
		m[k] = f
	}
	p, err := stats.PricesFromMap(m)
	if err != nil {
		return p, &usageError{fmt.Errorf("--price: %w", err)}
	}
	return p, nil
}

// confirmCost shows the planned requests and their worst-case cost, and
// asks (on a terminal) or refuses (without one) above maxCost unless yes.
func confirmCost(io *IOStreams, target invoke.Target, fn *invoke.Function, requests uint64, sizes []int, prices stats.PriceTable, maxCost float64, yes bool) error {
	worst, total, err := job.WorstCase(fn, requests, sizes, prices)
	if err != nil {
		return err
	}
	where := "on AWS"
	if target.Endpoint != "" {
		where = "at " + target.Endpoint + ", priced as on AWS"
	}
	fmt.Fprintf(io.ErrOut, "This run sends about %d requests to %s %s: at most $%.4f if every one ran for the full timeout of %v.\n",
		total, fn.Name, where, worst, fn.Timeout)
	if worst <= maxCost || yes {
		return nil
	}
	in, ok := io.In.(*os.File)
	if !ok || !isTerminal(in) {
		return fmt.Errorf("the run may cost up to $%.2f, above --max-cost $%.2f: add --yes to run it anyway", worst, maxCost)
	}
	fmt.Fprintf(io.ErrOut, "Run it? [y/N] ")
	line, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errors.New("not run")
	}
	return nil
}

// loadOutcome is a finished load run: its report, whether its thresholds
// passed, and the error that ended it early (Ctrl-C, a failed step).
type loadOutcome struct {
	Run    *report.Run
	Passed bool
	RunErr error
}

func runLoad(ctx context.Context, o *LoadOptions) error {
	out, err := executeLoad(ctx, o)
	if err != nil {
		return err
	}
	ios := o.Factory.IO
	if o.Output == "json" {
		err = report.WriteJSON(ios.Out, out.Run)
	} else {
		err = report.WriteText(ios.Out, out.Run, report.TextOptions{Color: newStyle(ios).on})
	}
	if err != nil {
		return err
	}
	return loadExit(ctx, out)
}

// loadExit is the error (exit code) of a finished run.
func loadExit(ctx context.Context, out *loadOutcome) error {
	if out.RunErr != nil {
		if ctx.Err() != nil {
			return &exitCodeError{code: 130, err: errors.New("interrupted: the report covers what ran")}
		}
		return out.RunErr
	}
	if !out.Passed {
		return &exitCodeError{code: exitThreshold, err: errors.New("a threshold failed (see the report)")}
	}
	return nil
}

// executeLoad runs a load test (a sweep when o.Memory is set) and writes
// --report-dir; the caller shows the report.
func executeLoad(ctx context.Context, o *LoadOptions) (*loadOutcome, error) {
	f := o.Factory
	plan, err := o.plan()
	if err != nil {
		return nil, err
	}
	thresholds, err := stats.ParseThresholds(o.Thresholds)
	if err != nil {
		return nil, &usageError{err}
	}
	strategy, err := stats.ParseStrategy(o.Strategy)
	if err != nil {
		return nil, &usageError{err}
	}
	prices, err := o.prices()
	if err != nil {
		return nil, err
	}
	for _, m := range o.Memory {
		if m < 128 || m > 10240 {
			return nil, &usageError{fmt.Errorf("--memory %d: Lambda's memory sizes are 128 to 10240 MB", m)}
		}
	}
	source, sourceName, err := o.source(f)
	if err != nil {
		return nil, err
	}
	profile, err := f.Profile()
	if err != nil {
		return nil, err
	}
	client, err := f.Client(ctx)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	ios := f.IO
	warnPendingRestores(ios)
	fn, err := client.Function(ctx, o.Function)
	if err != nil {
		if invoke.IsNotFound(err) {
			return nil, functionError(ctx, client, o.Function, err)
		}
		if !errors.Is(err, invoke.ErrUnsupported) {
			return nil, err
		}
		// An RIE: one function, no configuration to read.
		if len(o.Memory) > 0 || o.ColdOnly {
			return nil, fmt.Errorf("%s cannot change the function's configuration: --memory and --cold-only need a Lambda API target", client.Target())
		}
		fn = &invoke.Function{Name: o.Function, Architecture: string(stats.X86_64)}
	}
	if job.CostsMoney(client.Target()) {
		if err := confirmCost(ios, client.Target(), fn, plan.ExpectedRequests(), o.Memory, prices, o.MaxCost, o.Yes); err != nil {
			return nil, err
		}
	}
	var journalOf *sweep.Journal
	if lc, ok := client.(*profiles.LocalClient); !ok || lc.Server == nil {
		journalOf = journal() // a local Lambda started here takes its changes with it
	}
	cfg, _ := f.Config()
	st := newStyle(&IOStreams{OutTTY: isTerminalWriter(ios.ErrOut)})
	prog := newProgressPrinter(ios.ErrOut, st, plan)
	out, err := job.Run(ctx, job.Spec{
		Client: client, Function: fn, Qualifier: o.Qualifier, Name: o.Name,
		Plan: plan, Source: source, SourceName: sourceName,
		Memory: o.Memory, ColdOnly: o.ColdOnly, Journal: journalOf, Via: viaOf(profile, configKey(cfg)),
		Thresholds: thresholds, Strategy: strategy, Prices: prices, ReportDir: o.ReportDir,
	}, job.Hooks{
		Step:     prog.startStep,
		Progress: prog.update,
		Note:     prog.note,
	})
	prog.finish()
	if err != nil {
		return nil, err
	}
	if o.ReportDir != "" {
		fmt.Fprintf(ios.ErrOut, "reports in %s: report.json, report.md, report.html, results.bin\n", o.ReportDir)
	}
	return &loadOutcome{Run: out.Run, Passed: out.Passed, RunErr: out.Err}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isTerminalWriter reports whether w is a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}
