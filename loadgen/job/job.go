// Package job runs a whole load test as `lambench load`, `lambench bench`
// and the TUI's load screen run it: the plan against the function, or a
// memory sweep (each size a step, the configuration restored afterwards,
// journaled), or cold-only samples; then the report, its thresholds, the
// recommendation and the report files. Callers bring the client, the
// plan and the event source, and watch through Hooks; this package knows
// nothing of terminals.
package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/loadgen"
	"github.com/lambench/lambench/loadgen/report"
	"github.com/lambench/lambench/loadgen/stats"
	"github.com/lambench/lambench/loadgen/sweep"
)

// Spec is a load test.
type Spec struct {
	// Client reaches the function; Function is its configuration as read
	// before the run (for the architecture, the environment and the
	// original memory size). Function.Name names it.
	Client   invoke.Client
	Function *invoke.Function
	// Qualifier is the version or alias to invoke.
	Qualifier string
	// Name names the run in reports (default: the function's name).
	Name string

	Plan loadgen.Plan
	// Source renders each request's event; SourceName describes it in the
	// report's plan line.
	Source     events.Source
	SourceName string

	// Memory, when set, sweeps these sizes (MB).
	Memory []int
	// ColdOnly forces a new environment before every request.
	ColdOnly bool
	// Journal records a sweep's original configuration before the first
	// change (nil: no record, e.g. a local Lambda started for this run,
	// which takes its changes with it). Via is stored with the record, to
	// reach the target again at restore.
	Journal *sweep.Journal
	Via     map[string]string

	Thresholds []stats.Threshold
	Strategy   stats.Strategy
	Prices     stats.PriceTable

	// ReportDir, when set, receives results.bin during the run and
	// report.json, report.md and report.html after it.
	ReportDir string
}

// Hooks watch a run; any may be nil. They are called from the run's
// goroutines, one call at a time per hook.
type Hooks struct {
	// Step is called as each step starts: step counts from 0 of steps
	// memory sizes; outside a sweep it is called once, with steps 0 and
	// the function's memory size.
	Step func(step, steps, memoryMB int)
	// Progress reports the running step (see loadgen.RunOptions.Progress).
	Progress func(loadgen.Progress)
	// Sample is called with every measured result of the running step.
	Sample func(*stats.Sample)
	// Note reports what the run does between steps ("updating cpu to 512
	// MB", "restored cpu to 128 MB").
	Note func(string)
}

// Outcome is a finished run: its report, whether its thresholds passed,
// and the error that ended it early (a cancelled context, a failed step);
// the report then covers what ran.
type Outcome struct {
	Run    *report.Run
	Passed bool
	Err    error
}

// Validate checks the spec's memory sizes and its plan.
func (s *Spec) Validate() error {
	for _, m := range s.Memory {
		if m < 128 || m > 10240 {
			return fmt.Errorf("memory %d MB: Lambda's memory sizes are 128 to 10240 MB", m)
		}
	}
	if s.Function == nil || s.Function.Name == "" {
		return errors.New("no function")
	}
	if s.ColdOnly {
		return nil
	}
	return s.Plan.Validate()
}

// Run runs the load test. Its error is for a run that could not start or
// could not report; a run cut short returns an Outcome with Err set.
func Run(ctx context.Context, s Spec, h Hooks) (*Outcome, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	note := func(string) {}
	if h.Note != nil {
		note = h.Note
	}
	fn := s.Function
	target, err := Target(s.Client, fn.Name, s.Qualifier)
	if err != nil {
		return nil, err
	}
	var results io.Writer
	if s.ReportDir != "" {
		if err := os.MkdirAll(s.ReportDir, 0o755); err != nil {
			return nil, err
		}
		rf, err := os.Create(filepath.Join(s.ReportDir, "results.bin"))
		if err != nil {
			return nil, err
		}
		defer rf.Close()
		results = rf
	}
	name := s.Name
	if name == "" {
		name = fn.Name
	}
	plan := s.Plan.String()
	if s.SourceName != "" {
		plan += " · " + s.SourceName
	}
	arch := stats.Architecture(fn.Architecture)
	if arch == "" {
		arch = stats.X86_64
	}
	run := &report.Run{Name: name, Target: s.Client.Target().String(), Function: fn.Name, Plan: plan,
		Architecture: arch, Start: time.Now()}
	steps, runErr := sweep.Run(ctx, sweep.Options{
		Client: s.Client, Function: fn.Name, MemoryMB: s.Memory, Journal: s.Journal, Via: s.Via,
		Event: note,
		Run: func(ctx context.Context, step, mem int) (*stats.Aggregator, error) {
			if h.Step != nil {
				h.Step(step, len(s.Memory), mem)
			}
			if s.ColdOnly {
				return coldOnly(ctx, s, h)
			}
			return loadgen.Run(ctx, loadgen.RunOptions{
				Target: target, Plan: s.Plan, Source: s.Source, Results: results, Name: name,
				Progress: h.Progress, OnSample: h.Sample,
			})
		},
	})
	run.End = time.Now()
	for _, st := range steps {
		mem := st.MemoryMB
		if len(s.Memory) == 0 {
			mem = 0 // the REPORT lines say
		}
		rs, err := report.NewStep(mem, st.Agg, s.Prices, arch)
		if err != nil {
			return nil, err
		}
		run.Steps = append(run.Steps, rs)
	}
	if len(run.Steps) == 0 {
		if runErr != nil {
			return nil, runErr
		}
		return nil, errors.New("the run measured nothing")
	}
	passed := run.CheckThresholds(s.Thresholds)
	if run.IsSweep() {
		if err := run.Recommend(s.Strategy); err != nil {
			note("no recommendation: " + err.Error())
		}
	}
	if s.ReportDir != "" {
		if err := WriteReports(s.ReportDir, run); err != nil {
			return nil, err
		}
	}
	return &Outcome{Run: run, Passed: passed, Err: runErr}, nil
}

// WriteReports writes report.json, report.md and report.html to dir.
func WriteReports(dir string, run *report.Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, out := range []struct {
		name  string
		write func(io.Writer, *report.Run) error
	}{
		{"report.json", report.WriteJSON},
		{"report.md", report.WriteMarkdown},
		{"report.html", report.WriteHTML},
	} {
		f, err := os.Create(filepath.Join(dir, out.name))
		if err != nil {
			return err
		}
		err = out.write(f, run)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", out.name, err)
		}
	}
	return nil
}

// signing is a client that signs requests as the AWS SDK does: the Lambda
// API clients (lambdaapi.Client, and the local target's client, which
// embeds one).
type signing interface {
	Signing() (creds aws.CredentialsProvider, region, endpoint string)
}

// Target is where the generator sends requests: the client's Lambda API,
// signed as the client signs, or an RIE's endpoint.
func Target(client invoke.Client, function, qualifier string) (loadgen.Target, error) {
	api, ok := client.(signing)
	if !ok {
		t := client.Target()
		if t.Kind == invoke.RIE {
			return loadgen.RIETarget(t.Endpoint)
		}
		return loadgen.Target{}, fmt.Errorf("cannot load-test through %s", t)
	}
	creds, region, endpoint := api.Signing()
	signer, err := loadgen.NewSigner(creds, region)
	if err != nil {
		return loadgen.Target{}, err
	}
	if endpoint == "" {
		endpoint = loadgen.AWSEndpoint(region)
	}
	return loadgen.LambdaTarget(endpoint, function, qualifier, signer)
}

// CostsMoney reports whether requests to the target may be billed: any
// target of kind aws, with or without an endpoint override, since an
// endpoint can be AWS itself (a FIPS or VPC endpoint, a proxy) as well as
// LocalStack or moto, and lambench cannot tell which.
func CostsMoney(t invoke.Target) bool { return t.Kind == invoke.AWS }

// WorstCase is the most a run of requests per memory size may cost: every
// request running for the function's full timeout. Requests is the total
// over all the sizes.
func WorstCase(fn *invoke.Function, requests uint64, sizes []int, prices stats.PriceTable) (usd float64, total uint64, err error) {
	if len(sizes) == 0 {
		sizes = []int{fn.MemoryMB}
	}
	arch := stats.Architecture(fn.Architecture)
	if arch == "" {
		arch = stats.X86_64
	}
	for _, m := range sizes {
		c, err := prices.Invocation(arch, m, fn.Timeout)
		if err != nil {
			return 0, 0, err
		}
		usd += c * float64(requests)
	}
	return usd, requests * uint64(len(sizes)), nil
}

// coldOnly invokes the function once per sample, each after a
// configuration change that retires its environments: every sample is a
// cold start (as Power Tuning and lambda-perf measure them).
func coldOnly(ctx context.Context, s Spec, h Hooks) (*stats.Aggregator, error) {
	plan := s.Plan
	n := plan.Requests
	if n == 0 {
		n = 10
	}
	agg := stats.New()
	var buf []byte
	deadline := time.Time{}
	if plan.Duration > 0 {
		deadline = time.Now().Add(plan.Duration)
	}
	for i := uint64(0); i < n; i++ {
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
		if err := sweep.ForceCold(ctx, s.Client, s.Function.Name, s.Function.Environment, i); err != nil {
			return agg, err
		}
		var err error
		buf, err = s.Source.Render(buf[:0], i)
		if err != nil {
			return agg, err
		}
		sent := time.Now()
		res, err := s.Client.Invoke(ctx, &invoke.Request{Function: s.Function.Name, Qualifier: s.Qualifier, Payload: buf})
		sample := SampleOf(i, sent, res, err)
		agg.Add(&sample)
		if h.Sample != nil {
			h.Sample(&sample)
		}
		if ctx.Err() != nil {
			return agg, ctx.Err()
		}
		if h.Progress != nil {
			h.Progress(loadgen.Progress{Progress: agg.Progress()})
		}
	}
	return agg, nil
}

// SampleOf classifies one invocation made through an invoke.Client.
func SampleOf(seq uint64, sent time.Time, res *invoke.Result, err error) stats.Sample {
	s := stats.Sample{Seq: seq, Timestamp: sent, InFlight: 1}
	if err != nil {
		s.Latency = time.Since(sent)
		var se *invoke.ServiceError
		switch {
		case invoke.IsThrottle(err) && errors.As(err, &se):
			s.Outcome, s.Code, s.Reason = stats.Throttled, 429, se.Reason
		case errors.As(err, &se):
			s.Outcome, s.Code, s.Reason = stats.ServiceError, uint16(se.StatusCode), se.Code
		default:
			s.Outcome = stats.TransportError
		}
		return s
	}
	s.Latency, s.Code = res.Latency, uint16(res.StatusCode)
	if res.Error != nil {
		s.Outcome, s.ErrorType = stats.FunctionError, res.Error.Type
	}
	if r := res.Report; r != nil {
		s.Start = stats.StartWarm
		if r.Cold() {
			s.Start = stats.StartCold
		}
		s.Duration, s.BilledDuration, s.InitDuration = r.Duration, r.BilledDuration, r.InitDuration
		s.MemorySizeMB, s.MaxMemoryMB = r.MemorySizeMB, r.MaxMemoryUsedMB
	}
	return s
}
