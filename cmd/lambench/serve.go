package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/invoke/lambdaapi"
	"github.com/lambench/lambench/invoke/local"

	"github.com/lambench/lambench/emulator/logstore"
	"github.com/lambench/lambench/emulator/sigv4"
)

// DefaultServeAddr is where `lambench serve` listens unless told otherwise.
const DefaultServeAddr = "127.0.0.1:9001"

// ServeOptions are the inputs of `lambench serve`.
type ServeOptions struct {
	IO     *IOStreams
	Global *GlobalOptions

	Addr         string
	HTTPAddr     string
	StateDir     string
	OnFailure    string
	Concurrency  int
	IdleTimeout  time.Duration
	LogLimitMB   int
	Region       string
	NoCgroups    bool
	NoHotReload  bool
	RequireAuth  bool
	Credentials  []string
	ScalingLimit int
	// MaxInitializing caps the environments initialising at once (<= 0: no cap).
	MaxInitializing int
	Output          string
	Verbose         bool

	// DemoExecutable runs the builtin demos; empty means this executable.
	DemoExecutable string
	// CPUProfile, when set, is where a CPU profile of the server is written.
	CPUProfile string
	// NoAnnounce keeps this serve to itself: the local target of other
	// commands does not find it (set when a command starts its own).
	NoAnnounce bool
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
none, the demo functions built into lambench (hello, echo, sleep, cpu, fail,
crash, alloc, api, print). Any AWS client works against it with any
credentials; functions can also be created with CreateFunction (kept with
--state-dir).

Each execution environment gets its function's memory as a limit and a
CPU share proportional to it (1,769 MB = 1 vCPU) where the machine allows
(cgroups, as root); code directories are watched and the next invocation
after a change runs the new code. A second listener, the HTTP front
(--http-addr), calls functions like Lambda Function URLs:
http://HOST:PORT/<function>/<path>.

Stop it with Ctrl-C: every function process is stopped and reaped.`,
		Example: `  lambench serve
  lambench serve --addr 127.0.0.1:0 -o json     # pick a free port, print it as JSON
  lambench serve --config examples/lambench.toml --concurrency 50
  lambench serve --state-dir .lambench/state     # keep functions created through the API
  curl http://127.0.0.1:9002/api/some/path?x=1   # the HTTP front

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
	f.StringVar(&opts.Addr, "addr", DefaultServeAddr, "loopback address of the Lambda API (port 0 picks a free one)")
	f.StringVar(&opts.HTTPAddr, "http-addr", "", `loopback address of the HTTP front (default: the API's port + 1, or a free port with --addr :0; "off" turns it off)`)
	f.StringVar(&opts.StateDir, "state-dir", "", "keep functions created through the API, and queued asynchronous events, in `DIR` across restarts")
	f.StringVar(&opts.OnFailure, "on-failure", "", "JSON-lines `FILE` for asynchronous events that fail (default: STATE-DIR/on-failure.jsonl, else lambench-on-failure.jsonl in the temporary directory)")
	f.BoolVar(&opts.NoCgroups, "no-limits", false, "run functions without memory and CPU limits (cgroups)")
	f.BoolVar(&opts.NoHotReload, "no-hot-reload", false, "do not watch code directories for changes")
	f.BoolVar(&opts.RequireAuth, "require-auth", false, "accept only requests signed (SigV4) with --credentials; always on beyond loopback")
	f.StringArrayVar(&opts.Credentials, "credentials", nil, "`ACCESS_KEY_ID:SECRET` accepted with --require-auth (repeatable; default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	f.IntVar(&opts.ScalingLimit, "scaling-limit", 0, "at most N new environments per function per 10 s, as AWS (1,000 there); 0 for no limit")
	f.IntVar(&opts.MaxInitializing, "max-initializing", DefaultMaxInitializing(), "at most N environments initialising at once, across functions; others wait for a warm one or a free slot (not AWS: the machine's cores are shared); 0 for no cap")
	f.IntVar(&opts.Concurrency, "concurrency", 0, fmt.Sprintf("account-wide concurrency limit (default: machine memory / 128 MB, at most %d; here %d)", emulator.MaxAccountConcurrency, emulator.DefaultAccountConcurrency()))
	f.DurationVar(&opts.IdleTimeout, "idle-timeout", emulator.DefaultIdleTimeout, "stop execution environments idle for this long")
	f.IntVar(&opts.LogLimitMB, "log-limit", logstore.DefaultLimit>>20, "MB of function logs kept in memory; the oldest are dropped beyond it")
	f.StringVar(&opts.Region, "region", emulator.DefaultRegion, "region reported in ARNs and given to functions")
	f.StringVarP(&opts.Output, "output", "o", "text", "startup message format: text or json (one line: endpoint and functions)")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "log the local Lambda's own events to stderr")
	f.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile of the local Lambda to `FILE` (for lambench's developers)")
	_ = f.MarkHidden("cpuprofile")
	f.BoolVar(&opts.NoAnnounce, "no-announce", false, "do not let other lambench commands use this local Lambda")
	_ = f.MarkHidden("no-announce")
	return cmd
}

func runServe(ctx context.Context, opts *ServeOptions) error {
	creds, err := serveCredentials(opts)
	if err != nil {
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
		for i, f := range functions {
			profile, ok := cfg.FunctionProfiles[f.Name]
			if !ok {
				continue
			}
			awsCfg, err := lambdaapi.LoadConfig(ctx, lambdaapi.ConfigOptions{Profile: profile})
			if err != nil {
				return fmt.Errorf("function %q: aws_profile: %w", f.Name, err)
			}
			functions[i].Credentials = profileCredentials{awsCfg.Credentials}
		}
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
	httpAddr, err := frontAddr(opts.HTTPAddr, len(creds) > 0)
	if err != nil {
		return &usageError{err}
	}
	onFailure := opts.OnFailure
	switch {
	case onFailure != "":
	case opts.StateDir != "":
		onFailure = filepath.Join(opts.StateDir, "on-failure.jsonl")
	default:
		onFailure = filepath.Join(os.TempDir(), "lambench-on-failure.jsonl")
	}
	if opts.StateDir != "" {
		if err := os.MkdirAll(opts.StateDir, 0o755); err != nil {
			return fmt.Errorf("create the state directory: %w", err)
		}
	}
	cacheDir := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cacheDir = filepath.Join(dir, "lambench")
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
		emulator.WithStateDir(opts.StateDir),
		emulator.WithOnFailure(onFailure),
		emulator.WithCgroups(!opts.NoCgroups),
		emulator.WithHotReload(!opts.NoHotReload),
		emulator.WithCacheDir(cacheDir),
		emulator.WithGoBuild("go", os.Environ()),
		emulator.WithAuth(creds...),
		emulator.WithScalingLimit(opts.ScalingLimit),
		emulator.WithMaxInitializing(opts.MaxInitializing),
	)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen on %s: %w (is another lambench serve running? try --addr 127.0.0.1:0)", opts.Addr, err)
	}
	var frontLn net.Listener
	if httpAddr != "" {
		if httpAddr == "derive" {
			httpAddr = deriveFrontAddr(ln.Addr())
		}
		if frontLn, err = net.Listen("tcp", httpAddr); err != nil {
			ln.Close()
			srv.Close()
			return fmt.Errorf("listen on %s for the HTTP front: %w (choose another with --http-addr, or --http-addr off)", httpAddr, err)
		}
	}
	endpoint := "http://" + ln.Addr().String()
	frontURL := ""
	if frontLn != nil {
		frontURL = "http://" + frontLn.Addr().String()
	}
	names := make([]string, len(functions))
	for i, f := range functions {
		names[i] = f.Name
	}
	// Other commands' local target uses this local Lambda rather than
	// starting their own (not when requests must be signed: they sign
	// with dummy keys).
	if !opts.NoAnnounce && len(creds) == 0 {
		withdraw, err := local.Announce(announceDir(), local.Announcement{
			Endpoint: endpoint, HTTPEndpoint: frontURL, PID: os.Getpid(), Config: configKey(cfg), Started: time.Now(),
		})
		if err != nil {
			logger.Warn("other commands will start their own local Lambda", "err", err)
		} else {
			defer withdraw()
		}
	}
	if opts.Output == "json" {
		line, _ := json.Marshal(map[string]any{
			"endpoint": endpoint, "http_endpoint": frontURL, "region": opts.Region, "functions": names,
			"account_concurrency": srv.AccountConcurrency(), "max_initializing": max(opts.MaxInitializing, 0),
			"pid": os.Getpid(), "limits": srv.Limits(),
			"state_dir": opts.StateDir, "on_failure": onFailure,
		})
		fmt.Fprintln(opts.IO.Out, string(line))
	} else {
		printServeBanner(opts.IO, banner{
			endpoint: endpoint, front: frontURL, region: opts.Region, concurrency: srv.AccountConcurrency(),
			names: names, source: source, limits: srv.Limits(), runtimes: srv.RuntimeNotes(),
			maxInit: opts.MaxInitializing, stateDir: opts.StateDir, onFailure: onFailure,
			signedBy: firstKeyID(creds),
		})
	}

	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	var front *http.Server
	if frontLn != nil {
		front = &http.Server{Handler: srv.HTTPFront(), ReadHeaderTimeout: 30 * time.Second}
		go func() {
			if err := front.Serve(frontLn); !errors.Is(err, http.ErrServerClosed) {
				served <- fmt.Errorf("HTTP front: %w", err)
			}
		}()
	}
	select {
	case <-ctx.Done():
	case err := <-served:
		if front != nil {
			front.Close()
		}
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
		if front != nil {
			front.Close()
		}
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-force:
		// Asynchronous events not yet processed are only in memory
		// (without a state directory): exiting now would lose them
		// unrecorded. They are recorded in the on-failure destination
		// once the queue's drain ends (a few seconds), unless a third
		// signal says to drop them.
		n := srv.Queued()
		if n == 0 || opts.StateDir != "" {
			return &exitCodeError{code: 130, err: errors.New("stopped without waiting for function processes")}
		}
		fmt.Fprintf(opts.IO.ErrOut, "stopping: recording %d unprocessed asynchronous events in %s (Ctrl-C again to drop them)\n", n, onFailure)
		select {
		case <-closed:
		case <-force:
			return &exitCodeError{code: 130, err: fmt.Errorf("stopped without waiting: %d asynchronous events were dropped, not recorded in %s", srv.Queued(), onFailure)}
		}
	}
	if err := <-served; err != nil {
		return err
	}
	if opts.Output == "text" {
		fmt.Fprintln(opts.IO.ErrOut, "stopped: every function process has been reaped")
	}
	return nil
}

// DefaultMaxInitializing is the default of --max-initializing: one
// environment initialising per core. An init (exec, the runtime's start,
// the handler's init) is mostly CPU, so more at once only share the cores
// and each takes longer while requests wait. Measured on 2 cores, 400
// requests/s from one warm environment (docs/decisions.md): a cap of 2
// beat 4 and 8 (hello p99 16-157 ms against 250-350 ms and 410 ms) and
// was as good as 4 for a 50 ms handler that needs some 50 environments.
func DefaultMaxInitializing() int { return runtime.NumCPU() }

// frontAddr works out the HTTP front's address: "" for none, "derive"
// for the API's port + 1 (decided once the API listens).
func frontAddr(flag string, authenticated bool) (string, error) {
	switch flag {
	case "off", "none":
		return "", nil
	case "":
		return "derive", nil
	}
	if _, _, err := net.SplitHostPort(flag); err != nil {
		return "", fmt.Errorf("--http-addr %q: %v (use HOST:PORT, e.g. 127.0.0.1:9002)", flag, err)
	}
	if !authenticated && !isLoopback(flag) {
		return "", fmt.Errorf("--http-addr %q is not a loopback address: beyond loopback the local Lambda requires signed requests (--require-auth --credentials ID:SECRET)", flag)
	}
	return flag, nil
}

// serveCredentials returns the keys requests must be signed with, or none
// when authentication is off. It is on with --require-auth and whenever
// the API listens beyond loopback: the local Lambda runs code.
func serveCredentials(opts *ServeOptions) ([]sigv4.Credentials, error) {
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return nil, fmt.Errorf("--addr %q: %v (use HOST:PORT, e.g. 127.0.0.1:9001)", opts.Addr, err)
	}
	required := opts.RequireAuth || !isLoopback(opts.Addr)
	if !required {
		if len(opts.Credentials) > 0 {
			return nil, errors.New("--credentials only matters with --require-auth")
		}
		return nil, nil
	}
	var creds []sigv4.Credentials
	for _, c := range opts.Credentials {
		id, secret, ok := strings.Cut(c, ":")
		if !ok || id == "" || secret == "" {
			return nil, fmt.Errorf("--credentials %q: use ACCESS_KEY_ID:SECRET_ACCESS_KEY", c)
		}
		creds = append(creds, sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret})
	}
	if len(creds) == 0 {
		id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			why := "--require-auth"
			if !opts.RequireAuth {
				why = fmt.Sprintf("--addr %s is not a loopback address, so requests must be signed; that", opts.Addr)
			}
			return nil, fmt.Errorf("%s needs credentials: pass --credentials ACCESS_KEY_ID:SECRET, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", why)
		}
		creds = append(creds, sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN")})
	}
	return creds, nil
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// deriveFrontAddr puts the HTTP front next to the API: its port + 1, or a
// free port when the API's was picked freely.
func deriveFrontAddr(api net.Addr) string {
	tcp, ok := api.(*net.TCPAddr)
	if !ok {
		return "127.0.0.1:0"
	}
	port := tcp.Port + 1
	if port > 65535 || tcp.Port == 0 {
		port = 0
	}
	return net.JoinHostPort(tcp.IP.String(), strconv.Itoa(port))
}

type banner struct {
	endpoint, front, region string
	concurrency, maxInit    int
	names                   []string
	source, limits          string
	runtimes                []string
	stateDir, onFailure     string
	signedBy                string // the access key id requests must be signed with; "" when any will do
}

func printServeBanner(io *IOStreams, b banner) {
	w := io.Out
	fmt.Fprintf(w, "lambench local Lambda listening on %s\n", b.endpoint)
	if b.front != "" {
		fmt.Fprintf(w, "HTTP front (like Function URLs): %s/<function>/<path>\n", b.front)
	}
	fmt.Fprintf(w, "region %s, account concurrency %d", b.region, b.concurrency)
	if b.maxInit > 0 {
		fmt.Fprintf(w, ", at most %d environments initialising at once (--max-initializing)", b.maxInit)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "limits: %s\n", b.limits)
	for _, r := range b.runtimes {
		fmt.Fprintf(w, "runtime %s\n", r)
	}
	if b.stateDir != "" {
		fmt.Fprintf(w, "state: %s (functions created through the API and queued events survive a restart)\n", b.stateDir)
	} else {
		fmt.Fprintf(w, "state: in memory (--state-dir keeps functions created through the API)\n")
	}
	fmt.Fprintf(w, "failed asynchronous events go to %s\n", b.onFailure)
	fmt.Fprintf(w, "functions (%s):\n  %s\n\n", b.source, strings.Join(b.names, ", "))
	example := "hello"
	if len(b.names) > 0 && !contains(b.names, example) {
		example = b.names[0]
	}
	if b.signedBy == "" {
		fmt.Fprintf(w, "Try it with the aws CLI (any credentials will do):\n")
		fmt.Fprintf(w, "  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=%s\n", b.region)
	} else {
		fmt.Fprintf(w, "Requests must be signed (SigV4) with the access key %s and its secret; others get 403.\n", b.signedBy)
		fmt.Fprintf(w, "Try it with the aws CLI:\n")
		fmt.Fprintf(w, "  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=<its secret> AWS_DEFAULT_REGION=%s\n", b.signedBy, b.region)
	}
	fmt.Fprintf(w, "  aws lambda list-functions --endpoint-url %s\n", b.endpoint)
	fmt.Fprintf(w, "  aws lambda invoke --endpoint-url %s --function-name %s --payload '{\"name\":\"x\"}' --log-type Tail out.json\n", b.endpoint, example)
	fmt.Fprintf(w, "  (aws CLI v2: add --cli-binary-format raw-in-base64-out)\n")
	switch {
	case b.front != "" && b.signedBy == "":
		fmt.Fprintf(w, "or any HTTP client:\n  curl %s/%s/anything?x=1\n", b.front, example)
	case b.front != "":
		fmt.Fprintf(w, "or an HTTP client that signs:\n  curl --aws-sigv4 aws:amz:%s:lambda --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" %s/%s/anything?x=1\n", b.region, b.front, example)
	}
	fmt.Fprintf(w, "\nPress Ctrl-C to stop.\n")
}

func firstKeyID(creds []sigv4.Credentials) string {
	if len(creds) == 0 {
		return ""
	}
	return creds[0].AccessKeyID
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
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

// profileCredentials gives a function the credentials of an AWS profile
// (refreshed by the SDK as they expire).
type profileCredentials struct{ provider aws.CredentialsProvider }

func (p profileCredentials) Credentials(ctx context.Context) (emulator.AWSCredentials, error) {
	if p.provider == nil {
		return emulator.AWSCredentials{}, errors.New("the profile has no credentials")
	}
	c, err := p.provider.Retrieve(ctx)
	if err != nil {
		return emulator.AWSCredentials{}, err
	}
	return emulator.AWSCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, nil
}
