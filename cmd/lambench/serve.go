package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/emulator"

	"github.com/lambench/lambench/emulator/logstore"
)

// DefaultServeAddr is where `lambench serve` listens unless told otherwise.
const DefaultServeAddr = "127.0.0.1:9001"

// ServeOptions are the inputs of `lambench serve`.
type ServeOptions struct {
	IO     *IOStreams
	Global *GlobalOptions

	Addr        string
	Concurrency int
	IdleTimeout time.Duration
	LogLimitMB  int
	Region      string
	Output      string
	Verbose     bool

	// DemoExecutable runs the builtin demos; empty means this executable.
	DemoExecutable string
	// CPUProfile, when set, is where a CPU profile of the server is written.
	CPUProfile string
}

func newServeCmd(io *IOStreams, g *GlobalOptions, runF func(context.Context, *ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the built-in local Lambda",
		Long: `Run the built-in local Lambda: an AWS-compatible Lambda API on loopback that
runs real function code as processes over the real Runtime API, with cold
starts, warm reuse, concurrency limits, timeouts and START/END/REPORT logs.

It serves the functions of lambench.toml ([[functions]]), or, when there are
none, the demo functions built into lambench: hello, echo, sleep, cpu, fail,
crash and alloc. Any AWS client works against it with any credentials.

Stop it with Ctrl-C: every function process is stopped and reaped.`,
		Example: `  lambench serve
  lambench serve --addr 127.0.0.1:0 -o json     # pick a free port, print it as JSON
  lambench serve --config examples/lambench.toml --concurrency 50

  # in another terminal
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
  aws lambda list-functions --endpoint-url http://127.0.0.1:9001
  aws lambda invoke --endpoint-url http://127.0.0.1:9001 --function-name hello \
      --payload '{"name":"x"}' --log-type Tail out.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Output != "text" && opts.Output != "json" {
				return &usageError{fmt.Errorf("--output must be text or json, not %q", opts.Output)}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", DefaultServeAddr, "loopback address to listen on (port 0 picks a free one)")
	f.IntVar(&opts.Concurrency, "concurrency", 0, fmt.Sprintf("account-wide concurrency limit (default: machine memory / 128 MB, at most %d; here %d)", emulator.MaxAccountConcurrency, emulator.DefaultAccountConcurrency()))
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", emulator.DefaultIdleTimeout, "stop execution environments idle for this long")
	f.IntVar(&opts.LogLimitMB, "log-limit", logstore.DefaultLimit>>20, "MB of function logs kept in memory; the oldest are dropped beyond it")
	f.StringVar(&opts.Region, "region", emulator.DefaultRegion, "region reported in ARNs and given to functions")
	f.StringVarP(&opts.Output, "output", "o", "text", "startup message format: text or json (one line: endpoint and functions)")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "log the local Lambda's own events to stderr")
	f.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the local Lambda to `FILE` (for lambench's developers)")
	_ = f.MarkHidden("cpuprofile")
	return cmd
}

func runServe(ctx context.Context, opts *ServeOptions) error {
	if err := requireLoopback(opts.Addr); err != nil {
		return &usageError{err}
	}
	cfg, err := loadConfig(opts.Global)
	if err != nil {
		return err
	}
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	functions := emulator.DemoFunctions()
	source := "built-in demos; define your own with [[functions]] in lambench.toml"
	if cfg != nil && len(cfg.Functions) > 0 {
		functions = cfg.Functions
		source = "from " + cfg.Path
	}
	level := slog.LevelWarn
	if opts.Verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: level}))
	exe := opts.DemoExecutable
	if exe == "" {
		if exe, err = demoExecutable(); err != nil {
			return err
		}
	}
	wd, _ := os.Getwd()
	srv, err := emulator.New(
		emulator.WithFunctions(functions...),
		emulator.WithAccountConcurrency(opts.Concurrency),
		emulator.WithIdleTimeout(opts.IdleTimeout),
		emulator.WithLogLimit(int64(opts.LogLimitMB)<<20),
		emulator.WithRegion(opts.Region),
		emulator.WithDemoExecutable(exe),
		emulator.WithPath(os.Getenv("PATH")),
		emulator.WithWorkDir(wd),
		emulator.WithLogger(logger),
	)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen on %s: %w (is another lambench serve running? try --addr 127.0.0.1:0)", opts.Addr, err)
	}
	endpoint := "http://" + ln.Addr().String()
	names := make([]string, len(functions))
	for i, f := range functions {
		names[i] = f.Name
	}
	if opts.Output == "json" {
		line, _ := json.Marshal(map[string]any{
			"endpoint": endpoint, "region": opts.Region, "functions": names,
			"account_concurrency": srv.AccountConcurrency(), "pid": os.Getpid(),
		})
		fmt.Fprintln(opts.IO.Out, string(line))
	} else {
		printServeBanner(opts.IO, endpoint, opts.Region, srv.AccountConcurrency(), names, source)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		srv.Close()
		return fmt.Errorf("serve: %w", err)
	}

	// Stop: a second Ctrl-C does not wait for the children to be reaped.
	force := make(chan os.Signal, 1)
	signal.Notify(force, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(force)
	if opts.Output == "text" {
		fmt.Fprintln(opts.IO.ErrOut, "stopping: killing function processes (Ctrl-C again to exit at once)")
	}
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-force:
		return &exitCodeError{code: 130, err: errors.New("stopped without waiting for function processes")}
	}
	if err := <-served; err != nil {
		return err
	}
	if opts.Output == "text" {
		fmt.Fprintln(opts.IO.ErrOut, "stopped: every function process has been reaped")
	}
	return nil
}

func printServeBanner(io *IOStreams, endpoint, region string, concurrency int, names []string, source string) {
	w := io.Out
	fmt.Fprintf(w, "lambench local Lambda listening on %s\n", endpoint)
	fmt.Fprintf(w, "region %s, account concurrency %d\n", region, concurrency)
	fmt.Fprintf(w, "functions (%s):\n  %s\n\n", source, strings.Join(names, ", "))
	example := "hello"
	if len(names) > 0 && !contains(names, example) {
		example = names[0]
	}
	fmt.Fprintf(w, "Try it with the aws CLI (any credentials will do):\n")
	fmt.Fprintf(w, "  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=%s\n", region)
	fmt.Fprintf(w, "  aws lambda list-functions --endpoint-url %s\n", endpoint)
	fmt.Fprintf(w, "  aws lambda invoke --endpoint-url %s --function-name %s --payload '{\"name\":\"x\"}' --log-type Tail out.json\n", endpoint, example)
	fmt.Fprintf(w, "  (aws CLI v2: add --cli-binary-format raw-in-base64-out)\n\n")
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// requireLoopback refuses addresses other machines could reach: the local
// Lambda has no authentication yet, and it runs code.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v (use HOST:PORT, e.g. 127.0.0.1:9001)", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--addr %q is not a loopback address: the local Lambda runs code and does not check credentials yet, so it only listens on 127.0.0.1 or ::1", addr)
	}
	return nil
}

// demoExecutable is the binary the local Lambda starts for builtin demo
// functions: this one.
func demoExecutable() (string, error) {
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		// Executing /proc/self/exe runs this very binary even if its file
		// was replaced or removed (go build, go run) while lambench runs.
		return "/proc/self/exe", nil
	}
	return os.Executable()
}
