// Command benchcmd is lambench's benchmark command: it runs the comparison
// benchmarks (go test -bench) side by side on this machine and prints one
// table with ratios.
//
//	go run ./internal/benchcmd                      # about 6 minutes
//	go run ./internal/benchcmd -requests 1000000    # the full memory check (+12 minutes)
//
// What it runs, each a go test benchmark it parses the output of:
//   - cmd/lambench BenchmarkWarmVersusRIE: sequential warm invokes of the
//     same aws-lambda-go binary (examples/hello-go), lambench (limits on, as
//     by default; and --no-limits) against the AWS Runtime Interface Emulator,
//     interleaved in blocks of 100;
//   - cmd/lambench BenchmarkColdVersusRIE: cold starts (Init Duration, end-to-end);
//   - cmd/lambench BenchmarkConcurrencyVersusRIE: 1, 8, 64, 256 closed-loop
//     clients against lambench, RIE and RIE's multi-concurrency mode;
//   - loadgen BenchmarkGeneratorOverhead: lambench's generator against a raw
//     vegeta attack on the same target (CPU per request, rate accuracy);
//   - loadgen BenchmarkMillionRequests: the generator's peak RSS over -requests.
//
// Everything runs on loopback; every process a benchmark starts is stopped
// by it. The raw go test output goes to -log.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

type options struct {
	warmSamples int
	coldSamples int
	clients     string
	duration    time.Duration
	warmup      time.Duration
	rate        float64
	rateSeconds time.Duration
	rounds      int
	requests    int
	log         string
	only        string
}

func main() {
	var o options
	flag.IntVar(&o.warmSamples, "warm", 2000, "warm invokes per target")
	flag.IntVar(&o.coldSamples, "cold", 20, "cold starts per target")
	flag.StringVar(&o.clients, "clients", "1,8,64,256", "concurrent clients of the concurrency cells")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "measured time of each concurrency cell")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured time before each concurrency cell")
	flag.Float64Var(&o.rate, "rate", 400, "generator overhead: requests per second")
	flag.DurationVar(&o.rateSeconds, "rate-duration", 5*time.Second, "generator overhead: duration of each attack")
	flag.IntVar(&o.rounds, "rounds", 3, "generator overhead: attacks of each generator, interleaved")
	flag.IntVar(&o.requests, "requests", 100_000, "generator memory: requests of the run (1000000 for the full check, ~12 minutes)")
	flag.StringVar(&o.log, "log", filepath.Join(os.TempDir(), "lambench-bench.log"), "file for the raw go test output")
	flag.StringVar(&o.only, "only", "", "run only these parts (comma-separated: warm,cold,concurrency,generator,memory)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// result is what one go test run reported: its benchmark metrics by unit,
// and the BENCHROW lines it logged.
type result struct {
	metrics map[string]float64
	rows    []concRow
}

// concRow is one cell of BenchmarkConcurrencyVersusRIE.
type concRow struct {
	Target    string         `json:"target"`
	Clients   int            `json:"clients"`
	OK        int            `json:"ok"`
	PerSecond float64        `json:"per_second"`
	P50ms     float64        `json:"p50_ms"`
	P99ms     float64        `json:"p99_ms"`
	Throttles map[string]int `json:"throttles"`
	Errors    int            `json:"errors"`
	ErrorText map[string]int `json:"error_text"`
	Limit     int            `json:"account_concurrency"`
	Exited    bool           `json:"exited"`
	Output    []string       `json:"output"`
}

func run(ctx context.Context, o options) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	logf, err := os.Create(o.log)
	if err != nil {
		return err
	}
	defer logf.Close()
	want := func(part string) bool {
		return o.only == "" || strings.Contains(","+o.only+",", ","+part+",")
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "raw output: %s\n", o.log)
	gotest := func(part, pkg, bench, benchtime string, timeout time.Duration, extra ...string) (*result, error) {
		if !want(part) {
			return nil, nil
		}
		args := append([]string{"test", pkg, "-run", "^$", "-bench", "^" + bench + "$", "-benchtime", benchtime,
			"-timeout", timeout.String(), "-count", "1"}, extra...)
		fmt.Fprintf(os.Stderr, "[%s] go %s\n", time.Since(start).Round(time.Second), strings.Join(args, " "))
		r, err := goTest(ctx, root, logf, args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (see %s)", bench, err, o.log)
		}
		return r, nil
	}

	warm, err := gotest("warm", "./cmd/lambench/", "BenchmarkWarmVersusRIE", fmt.Sprintf("%dx", o.warmSamples), 10*time.Minute)
	if err != nil {
		return err
	}
	cold, err := gotest("cold", "./cmd/lambench/", "BenchmarkColdVersusRIE", fmt.Sprintf("%dx", o.coldSamples), 10*time.Minute)
	if err != nil {
		return err
	}
	conc, err := gotest("concurrency", "./cmd/lambench/", "BenchmarkConcurrencyVersusRIE", "1x", 30*time.Minute,
		"-compare.clients", o.clients, "-compare.duration", o.duration.String(), "-compare.warmup", o.warmup.String())
	if err != nil {
		return err
	}
	gen, err := gotest("generator", "./loadgen/", "BenchmarkGeneratorOverhead", "1x", 10*time.Minute,
		"-loadgen.rate", fmt.Sprint(o.rate), "-loadgen.duration", o.rateSeconds.String(), "-loadgen.rounds", strconv.Itoa(o.rounds))
	if err != nil {
		return err
	}
	mem, err := gotest("memory", "./loadgen/", "BenchmarkMillionRequests", "1x", 60*time.Minute,
		"-loadgen.requests", strconv.Itoa(o.requests))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "[%s] done\n\n", time.Since(start).Round(time.Second))

	fmt.Println(machine(root))
	fmt.Println()
	printTable(os.Stdout, o, warm, cold, conc, gen, mem)
	return nil
}

// goTest runs go test in its own process group (killed on cancel), tees
// its output to the log and parses it.
func goTest(ctx context.Context, root string, log io.Writer, args []string) (*result, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			// go test forwards nothing to its test binary: stop the whole group.
			syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			time.Sleep(5 * time.Second)
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-done:
		}
	}()
	r := &result{metrics: map[string]float64{}}
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		if _, row, ok := strings.Cut(line, "BENCHROW "); ok {
			var c concRow
			if err := json.Unmarshal([]byte(row), &c); err == nil {
				r.rows = append(r.rows, c)
			}
			continue
		}
		if strings.HasPrefix(line, "Benchmark") {
			f := strings.Fields(line)
			// name, N, then value unit pairs.
			for i := 2; i+1 < len(f); i += 2 {
				if v, err := strconv.ParseFloat(f[i], 64); err == nil {
					r.metrics[f[i+1]] = v
				}
			}
		}
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// machine describes where the run happened.
func machine(root string) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := "unknown kernel"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = "Linux " + strings.TrimSpace(string(b))
	}
	rie := "aws-lambda-rie not found"
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		rie = rieVersion(p)
	} else if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		rie = rieVersion(filepath.Join(strings.TrimSpace(string(gp)), "bin", "aws-lambda-rie"))
	}
	commit := "unknown commit"
	if b, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("machine: %d CPUs (%s), %s, %s, %s, lambench %s", runtime.NumCPU(), cpu, kernel, runtime.Version(), rie, commit)
}

func rieVersion(path string) string {
	out, err := exec.Command("go", "version", "-m", path).Output()
	if err != nil {
		return "aws-lambda-rie (version unknown)"
	}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == "mod" {
			return "aws-lambda-rie " + f[2]
		}
	}
	return "aws-lambda-rie (version unknown)"
}

type table struct {
	w *tabwriter.Writer
}

func (t table) row(cols ...string) { fmt.Fprintln(t.w, "| "+strings.Join(cols, "\t| ")+"\t|") }

func printTable(w io.Writer, o options, warm, cold, conc, gen, mem *result) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	t := table{tw}
	t.row("measure", "lambench", "reference", "lambench / reference", "target")
	t.row("---", "---", "---", "---", "---")
	m := func(r *result, unit string) (float64, bool) {
		if r == nil {
			return 0, false
		}
		v, ok := r.metrics[unit]
		return v, ok
	}
	num := func(v float64, ok bool, format string) string {
		if !ok {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	ratio := func(a, b float64, okA, okB bool) string {
		if !okA || !okB || b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	if warm != nil {
		lb, ok1 := m(warm, "lambench-p50-µs")
		rie, ok2 := m(warm, "rie-p50-µs")
		t.row(fmt.Sprintf("warm invoke p50, sequential (µs, %d samples)", o.warmSamples), num(lb, ok1, "%.0f"), "RIE "+num(rie, ok2, "%.0f"), ratio(lb, rie, ok1, ok2),
			"≤ 0.5: "+verdict(ok1 && ok2 && lb <= 0.5*rie))
		free, ok3 := m(warm, "lambench-nolimits-p50-µs")
		t.row("warm invoke p50, lambench --no-limits (µs)", num(free, ok3, "%.0f"), "RIE "+num(rie, ok2, "%.0f"), ratio(free, rie, ok3, ok2), "")
		lb, ok1 = m(warm, "lambench-p99-µs")
		rie, ok2 = m(warm, "rie-p99-µs")
		t.row("warm invoke p99, sequential (µs)", num(lb, ok1, "%.0f"), "RIE "+num(rie, ok2, "%.0f"), ratio(lb, rie, ok1, ok2), "")
		free, ok3 = m(warm, "lambench-nolimits-p99-µs")
		t.row("warm invoke p99, lambench --no-limits (µs)", num(free, ok3, "%.0f"), "RIE "+num(rie, ok2, "%.0f"), ratio(free, rie, ok3, ok2), "")
		lb, ok1 = m(warm, "lambench-invokes/s")
		rie, ok2 = m(warm, "rie-invokes/s")
		t.row("invokes/s, one client", num(lb, ok1, "%.0f"), "RIE "+num(rie, ok2, "%.0f"), ratio(lb, rie, ok1, ok2), "")
	}
	if cold != nil {
		lb, ok1 := m(cold, "lambench-init-p50-ms")
		rie, ok2 := m(cold, "rie-init-p50-ms")
		// RIE's Init Duration is the time it takes to hand the init over,
		// not the runtime's init (rie/handlers.go): not comparable.
		t.row(fmt.Sprintf("cold start: Init Duration p50 (ms, %d samples)", o.coldSamples), num(lb, ok1, "%.1f"), "RIE "+num(rie, ok2, "%.2f")+" (not the runtime's init)", "-", "")
		lb, ok1 = m(cold, "lambench-cold-e2e-p50-ms")
		rie, ok2 = m(cold, "rie-cold-e2e-p50-ms")
		t.row("cold start: end-to-end cold invoke p50 (ms)", num(lb, ok1, "%.1f"), "RIE "+num(rie, ok2, "%.1f"), ratio(lb, rie, ok1, ok2), "")
		// A demo is the lambench executable started as a bootstrap: every
		// package it links initialises before main.
		demo, ok3 := m(cold, "demo-init-p50-ms")
		lb, ok1 = m(cold, "lambench-init-p50-ms")
		t.row("demo hello: Init Duration p50 (ms)", num(demo, ok3, "%.1f"), "standalone hello-go "+num(lb, ok1, "%.1f"), ratio(demo, lb, ok3, ok1), "≤ 2")
	}
	var notes []string
	if conc != nil {
		byKey := map[string]concRow{}
		var clients []int
		for _, r := range conc.rows {
			byKey[fmt.Sprintf("%s/%d", r.Target, r.Clients)] = r
			if r.Target == "lambench" {
				clients = append(clients, r.Clients)
			}
		}
		sort.Ints(clients)
		for _, n := range clients {
			lb := byKey[fmt.Sprintf("lambench/%d", n)]
			rie, okR := byKey[fmt.Sprintf("rie/%d", n)]
			multi, okM := byKey[fmt.Sprintf("rie-multi/%d", n)]
			ref := func(r concRow, ok bool, what func(concRow) string) string {
				if !ok {
					return "-"
				}
				if r.OK == 0 {
					return "failed"
				}
				return what(r)
			}
			thr := func(r concRow) string { return fmt.Sprintf("%.0f", r.PerSecond) }
			p99 := func(r concRow) string { return fmt.Sprintf("%.1f", r.P99ms) }
			t.row(fmt.Sprintf("%d clients: invokes/s", n), thr(lb),
				"RIE "+ref(rie, okR, thr)+", RIE multi "+ref(multi, okM, thr), ratio(lb.PerSecond, rie.PerSecond, true, okR && rie.OK > 0), "")
			t.row(fmt.Sprintf("%d clients: p99 (ms)", n), p99(lb),
				"RIE "+ref(rie, okR, p99)+", RIE multi "+ref(multi, okM, p99), ratio(lb.P99ms, rie.P99ms, true, okR && rie.OK > 0), "")
			throttles, intended := 0, true
			var reasons []string
			for reason, c := range lb.Throttles {
				throttles += c
				reasons = append(reasons, reason)
				// Intended: the account concurrency is below the clients.
				if reason != "ConcurrentInvocationLimitExceeded" || lb.Limit == 0 || n <= lb.Limit {
					intended = false
				}
			}
			sort.Strings(reasons)
			lbErr := fmt.Sprintf("%d errors", lb.Errors)
			if throttles > 0 {
				how := "intended: account concurrency " + strconv.Itoa(lb.Limit)
				if !intended {
					how = "NOT intended"
				}
				lbErr += fmt.Sprintf(", %d throttled (%s; %s)", throttles, strings.Join(reasons, ", "), how)
			}
			errs := func(r concRow, ok bool, name string) string {
				if !ok {
					return name + " -"
				}
				s := fmt.Sprintf("%s %d errors", name, r.Errors)
				if r.Errors > 0 || r.Exited {
					notes = append(notes, describeFailure(name, n, r))
					s += fmt.Sprintf(" [%d]", len(notes))
				}
				return s
			}
			target := ""
			if n == 256 {
				target = "no errors but intended throttles: " + verdict(lb.Errors == 0 && (throttles == 0 || intended))
			}
			t.row(fmt.Sprintf("%d clients: errors", n), lbErr, errs(rie, okR, "RIE")+", "+errs(multi, okM, "RIE multi"), "", target)
		}
	}
	if gen != nil {
		ours, ok1 := m(gen, "lambench-cpu-ns/req")
		veg, ok2 := m(gen, "vegeta-cpu-ns/req")
		t.row(fmt.Sprintf("generator CPU per request (µs, %.0f/s)", o.rate), num(ours/1000, ok1, "%.1f"), "vegeta "+num(veg/1000, ok2, "%.1f"), ratio(ours, veg, ok1, ok2),
			"≤ 1.2: "+verdict(ok1 && ok2 && ours <= 1.2*veg))
		ours, ok1 = m(gen, "lambench-rate-accuracy")
		veg, ok2 = m(gen, "vegeta-rate-accuracy")
		t.row("generator rate accuracy (achieved / asked)", num(ours, ok1, "%.4f"), "vegeta "+num(veg, ok2, "%.4f"), ratio(ours, veg, ok1, ok2), "")
	}
	if mem != nil {
		rss, ok := m(mem, "peak-rss-MB")
		rate, okR := m(mem, "req/s")
		t.row(fmt.Sprintf("generator peak RSS over %d requests (MB)", o.requests), num(rss, ok, "%.1f"), "at "+num(rate, okR, "%.0f")+" req/s", "", "")
	}
	tw.Flush()
	for i, n := range notes {
		fmt.Fprintf(w, "\n[%d] %s", i+1, n)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
}

func describeFailure(name string, clients int, r concRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %d clients: %d OK, %d errors", name, clients, r.OK, r.Errors)
	if r.Exited {
		b.WriteString("; the process exited")
	}
	type kv struct {
		k string
		v int
	}
	var texts []kv
	for k, v := range r.ErrorText {
		texts = append(texts, kv{k, v})
	}
	sort.Slice(texts, func(i, j int) bool { return texts[i].v > texts[j].v })
	for i, t := range texts {
		if i == 3 {
			break
		}
		fmt.Fprintf(&b, "\n    %dx %s", t.v, t.k)
	}
	for i, l := range r.Output {
		if i == 4 {
			break
		}
		if len(l) > 200 {
			l = l[:200] + "..."
		}
		fmt.Fprintf(&b, "\n    | %s", l)
	}
	return b.String()
}
