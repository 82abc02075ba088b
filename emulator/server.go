package emulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lambench/lambench/emulator/logstore"
	"github.com/lambench/lambench/emulator/sigv4"
)

// Defaults of the local Lambda's account.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	defaultPath      = "/usr/local/bin:/usr/bin:/bin"
)

// Server is the local Lambda. Create it with New, serve its HTTP API with
// Serve (or mount Handler), and stop it with Close, which stops every
// execution environment and reaps every child process.
type Server struct {
	opts       options
	owner      string // this process's owner id, pid.starttime
	marker     string // owner/server: every function process carries it
	runtimeDir string // os.TempDir()/lambench-OWNER-*, removed at Close
	logs       *logstore.Store
	sched      scheduler

	mu        sync.RWMutex
	functions map[string]*function
	names     []string // sorted

	envs      sync.WaitGroup // one per started environment, until its supervisor returns
	bg        sync.WaitGroup // the idle reaper
	quit      chan struct{}
	closeOnce sync.Once

	exeOnce   sync.Once // the demo executable's size and hash, shared by every demo
	exeSize   int64
	exeSha256 string

	verifier *sigv4.Verifier // checks signatures when auth is required
	interps  interpreters    // node / python3 for the managed runtimes
	async    asyncQueue      // Event invocations
	cgroups  cgroupState     // per-environment limits

	timersMu sync.Mutex
	timers   map[*time.Timer]struct{} // pending settles; nil once closed

	httpMu      sync.Mutex
	httpServers []*http.Server
	serving     sync.WaitGroup
}

// Option configures a Server.
type Option func(*options)

type options struct {
	functions          []Function
	accountConcurrency int
	idleTimeout        time.Duration
	initTimeout        time.Duration
	logLimit           int64
	maxLineBytes       int
	region, accountID  string
	demoExecutable     string
	path               string
	workDir            string
	logger             *slog.Logger
	updateDelay        time.Duration
	stateDir           string
	maxUnzipped        int64
	cgroups            bool
	hotReload          bool
	cacheDir           string
	goTool             string
	buildEnv           []string
	asyncQueue         int
	asyncRetryDelays   []time.Duration
	asyncMaxAge        time.Duration
	asyncDrain         time.Duration
	onFailure          string
	scalingLimit       int
	maxInitializing    int
	auth               []sigv4.Credentials
}

// WithFunctions serves the given functions.
func WithFunctions(fs ...Function) Option {
	return func(o *options) { o.functions = append(o.functions, fs...) }
}

// WithAccountConcurrency sets the account-wide concurrency limit
// (DefaultAccountConcurrency when unset).
func WithAccountConcurrency(n int) Option { return func(o *options) { o.accountConcurrency = n } }

// WithIdleTimeout sets how long idle environments stay warm (DefaultIdleTimeout).
func WithIdleTimeout(d time.Duration) Option { return func(o *options) { o.idleTimeout = d } }

// WithInitTimeout bounds the init phase (DefaultInitTimeout).
func WithInitTimeout(d time.Duration) Option { return func(o *options) { o.initTimeout = d } }

// WithLogLimit bounds the memory held by the log store (logstore.DefaultLimit).
func WithLogLimit(bytes int64) Option { return func(o *options) { o.logLimit = bytes } }

// WithMaxLineBytes caps one log event; longer lines are split (DefaultMaxLineBytes).
func WithMaxLineBytes(n int) Option { return func(o *options) { o.maxLineBytes = n } }

// WithRegion sets the region in ARNs and in AWS_REGION (DefaultRegion).
func WithRegion(r string) Option { return func(o *options) { o.region = r } }

// WithAccountID sets the account id in ARNs (DefaultAccountID).
func WithAccountID(id string) Option { return func(o *options) { o.accountID = id } }

// WithDemoExecutable names the executable that runs the builtin demo
// functions: a lambench binary, whose main dispatches on demo.EnvVar.
// The default is /proc/self/exe, right when the server runs inside lambench.
func WithDemoExecutable(path string) Option { return func(o *options) { o.demoExecutable = path } }

// WithPath sets PATH for function processes (default /usr/local/bin:/usr/bin:/bin).
func WithPath(path string) Option { return func(o *options) { o.path = path } }

// WithWorkDir sets the working directory of functions defined by a command
// without a code directory.
func WithWorkDir(dir string) Option { return func(o *options) { o.workDir = dir } }

// WithUpdateDelay keeps a created function Pending, or an update
// InProgress, for d before it becomes Active / Successful (default 0:
// at once). Clients wait for it with the SDK's waiters as on AWS.
func WithUpdateDelay(d time.Duration) Option { return func(o *options) { o.updateDelay = d } }

// WithStateDir keeps functions created through the API (configuration and
// code) in dir, so they survive a restart. Without it they live in memory
// and in a temporary directory removed at Close.
func WithStateDir(dir string) Option { return func(o *options) { o.stateDir = dir } }

// WithMaxUnzipped bounds the unpacked size of a deployment package (AWS's
// 250 MB when unset).
func WithMaxUnzipped(bytes int64) Option { return func(o *options) { o.maxUnzipped = bytes } }

// WithHotReload turns hot reload of the configured functions' code
// directories on (the default) or off.
func WithHotReload(on bool) Option { return func(o *options) { o.hotReload = on } }

// WithCacheDir keeps builds (of Go-runtime functions) in dir across runs;
// by default they live in the server's temporary directory.
func WithCacheDir(dir string) Option { return func(o *options) { o.cacheDir = dir } }

// WithGoBuild sets the go command that builds Go-runtime functions and the
// environment it runs with (nil: this process's).
func WithGoBuild(goTool string, env []string) Option {
	return func(o *options) { o.goTool, o.buildEnv = goTool, env }
}

// WithAsync configures asynchronous invocation: the queue's size
// (DefaultAsyncQueue when <= 0), the delays before each retry of a failed
// event (DefaultAsyncRetryDelays when empty), the default maximum event
// age (DefaultMaxEventAge when 0; functions may set their own) and how
// long Close lets the queue drain when there is no state directory.
func WithAsync(queue int, retryDelays []time.Duration, maxAge, drain time.Duration) Option {
	return func(o *options) {
		o.asyncQueue, o.asyncRetryDelays, o.asyncMaxAge, o.asyncDrain = queue, retryDelays, maxAge, drain
	}
}

// WithOnFailure sets the on-failure destination of asynchronous events: a
// JSON-lines file of AWS's destination records (default STATE/on-failure.jsonl
// with a state directory, else none: records are only logged).
func WithOnFailure(path string) Option { return func(o *options) { o.onFailure = path } }

// WithScalingLimit allows at most n new execution environments per
// function per 10 seconds, refilled continuously, as AWS does (n = 1,000
// there); beyond it invocations are throttled with
// FunctionInvocationRateLimitExceeded. 0 (the default) is no limit.
func WithScalingLimit(n int) Option { return func(o *options) { o.scalingLimit = n } }

// WithMaxInitializing lets at most n execution environments initialise at
// once, across all functions (n <= 0, the default: no cap). A request
// that would start one beyond the cap waits, as long as its context
// allows, for an environment of its function to become idle (a warm
// start) or for an init to end (then it starts its own), whichever comes
// first. It is a departure from AWS, where inits run on their own
// hardware: here they share the machine's cores, and under a load step
// unbounded inits slow each other down until every request waits seconds.
// A waiting request counts in no concurrency limit; the throttle checks
// are made again when it is admitted.
func WithMaxInitializing(n int) Option { return func(o *options) { o.maxInitializing = n } }

// WithAuth makes every request to the Lambda API, the Logs API and the
// HTTP front carry a valid AWS Signature Version 4 made with one of creds;
// others get 403. Required when the server listens beyond loopback.
func WithAuth(creds ...sigv4.Credentials) Option { return func(o *options) { o.auth = creds } }

// WithCgroups turns per-environment memory and CPU limits on (the
// default, where the machine allows) or off.
func WithCgroups(on bool) Option { return func(o *options) { o.cgroups = on } }

// WithLogger sets where the server reports its own events (discarded by default).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// New validates the configuration, stops function processes left behind
// by a crashed local Lambda, and returns a Server ready to invoke.
func New(opts ...Option) (*Server, error) {
	o := options{
		idleTimeout:    DefaultIdleTimeout,
		initTimeout:    DefaultInitTimeout,
		region:         DefaultRegion,
		accountID:      DefaultAccountID,
		demoExecutable: "/proc/self/exe",
		path:           defaultPath,
		logger:         slog.New(slog.DiscardHandler),
		cgroups:        true,
		hotReload:      true,
		goTool:         "go",
		asyncDrain:     5 * time.Second,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.accountConcurrency <= 0 {
		o.accountConcurrency = DefaultAccountConcurrency()
	}
	if o.workDir == "" {
		o.workDir = os.TempDir()
	}
	var verifier *sigv4.Verifier
	if len(o.auth) > 0 {
		v, err := sigv4.New(sigv4.Config{Credentials: o.auth, MaxBodyBytes: maxControlRequest})
		if err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		verifier = v
	}
	s := &Server{
		opts:      o,
		owner:     ownerID(),
		marker:    "",
		logs:      logstore.New(o.logLimit),
		functions: map[string]*function{},
		quit:      make(chan struct{}),
		timers:    map[*time.Timer]struct{}{},
		verifier:  verifier,
	}
	s.sched = scheduler{srv: s, limit: o.accountConcurrency, maxInit: max(o.maxInitializing, 0), all: map[*environment]struct{}{}}
	for _, f := range o.functions {
		if _, err := s.register(f, originConfig); err != nil {
			return nil, err
		}
	}
	if s.sched.limit-s.sched.reservedSum < s.minUnreserved() {
		return nil, fmt.Errorf("the functions reserve %d concurrent executions, leaving less than %d of the account limit of %d to the others: lower reserved_concurrency or raise the account concurrency",
			s.sched.reservedSum, s.minUnreserved(), s.sched.limit)
	}
	if n, err := sweepOrphans(); err != nil {
		o.logger.Warn("looking for function processes left behind", "error", err)
	} else if n > 0 {
		o.logger.Warn("stopped function processes left behind by a previous local Lambda", "processes", n)
	}
	sweepRuntimeDirs(os.TempDir())
	s.marker = s.owner + "/" + randomHex(6)
	rd, err := os.MkdirTemp(os.TempDir(), runtimeDirPrefix+s.owner+"-")
	if err != nil {
		return nil, fmt.Errorf("create the runtime directory: %w", err)
	}
	s.runtimeDir = rd
	s.setupCgroups()
	s.watchFunctions()
	if o.stateDir != "" {
		if err := s.loadState(); err != nil {
			os.RemoveAll(s.runtimeDir)
			return nil, err
		}
	}
	if err := s.async.start(s); err != nil {
		os.RemoveAll(s.runtimeDir)
		return nil, err
	}
	s.startSchedules()
	s.bg.Add(1)
	go s.reapLoop()
	return s, nil
}

func (s *Server) functionARN(name string) string {
	return "arn:aws:lambda:" + s.opts.region + ":" + s.opts.accountID + ":function:" + name
}

// resolveName turns a FunctionName (name, ARN or partial ARN, optionally
// qualified) and a Qualifier into the function's name and the ARN to
// report it by.
func (s *Server) resolveName(ref, qualifier string) (name, arn string, err error) {
	name, qual := ref, ""
	parts := strings.Split(ref, ":")
	switch {
	case strings.HasPrefix(ref, "arn:"):
		if len(parts) < 7 || len(parts) > 8 || parts[2] != "lambda" || parts[5] != "function" {
			return "", "", errInvalidParameter("%q is not a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)", ref)
		}
		name = parts[6]
		if len(parts) == 8 {
			qual = parts[7]
		}
		if parts[3] != s.opts.region || parts[4] != s.opts.accountID {
			// Another region or account holds no function of this one.
			return name, ref, errNotFound(ref)
		}
	case len(parts) >= 3 && parts[1] == "function":
		name = parts[2]
		if len(parts) == 4 {
			qual = parts[3]
		}
		if parts[0] != s.opts.accountID {
			return name, ref, errNotFound(ref)
		}
	case len(parts) == 2:
		name, qual = parts[0], parts[1]
	}
	if qualifier != "" {
		if qual != "" && qual != qualifier {
			return "", "", errInvalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
		}
		qual = qualifier
	}
	arn = s.functionARN(name)
	if qual != "" {
		arn += ":" + qual
		if qual != latestVersion {
			return name, arn, errNotFound(arn)
		}
	}
	return name, arn, nil
}

// Logs returns the log store holding every function's log streams.
func (s *Server) Logs() *logstore.Store { return s.logs }

// Marker identifies this server's function processes: each carries it in
// its environment, which is how leftovers are found after a crash.
func (s *Server) Marker() string { return s.marker }

// Region returns the region the server reports in ARNs.
func (s *Server) Region() string { return s.opts.region }

// AccountConcurrency returns the account-wide concurrency limit.
func (s *Server) AccountConcurrency() int { return s.opts.accountConcurrency }

// EnvironmentStats counts a function's execution environments.
type EnvironmentStats struct {
	// Live is every environment not dead: initializing, idle or busy.
	Live int
	// Busy counts environments initializing or running an invocation.
	Busy int
	// Idle counts warm environments waiting for work.
	Idle int
	// Waiting counts requests waiting for admission (WithMaxInitializing):
	// for an environment to become idle or to start one.
	Waiting int
}

// Environments reports a function's execution environments.
func (s *Server) Environments(name string) (EnvironmentStats, error) {
	fn := s.function(name)
	if fn == nil {
		return EnvironmentStats{}, fmt.Errorf("%w: %s", errUnknownFunction, name)
	}
	live, busy, idle, waiting := s.sched.counts(fn)
	return EnvironmentStats{Live: live, Busy: busy, Idle: idle, Waiting: waiting}, nil
}

// AdmissionStats describes the admission of new execution environments
// under WithMaxInitializing.
type AdmissionStats struct {
	// MaxInitializing is the cap (0: none).
	MaxInitializing int
	// Initializing counts the init slots in use now.
	Initializing int
	// PeakInitializing is the most init slots ever in use at once.
	PeakInitializing int
	// Waiting counts the requests waiting for admission now.
	Waiting int
	// Waited counts the requests that have waited, and WaitTime is their
	// total wait: latency their callers saw that AWS would not add.
	Waited   uint64
	WaitTime time.Duration
}

// Admission reports on the cap on environments initialising at once.
func (s *Server) Admission() AdmissionStats { return s.sched.admission() }

// OwnedProcesses lists the live processes this server started (with their
// descendants). After Close it is empty.
func (s *Server) OwnedProcesses() []int { return ProcessesOwnedBy(s.marker) }

func (s *Server) reapLoop() {
	defer s.bg.Done()
	tick := min(max(s.opts.idleTimeout/4, 10*time.Millisecond), 30*time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			if n := s.sched.reapIdle(s.opts.idleTimeout); n > 0 {
				s.opts.logger.Debug("stopped idle environments", "count", n)
			}
		}
	}
}

// Serve serves the Lambda API on ln until Close. It returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 30 * time.Second}
	s.httpMu.Lock()
	if s.sched.isClosing() {
		s.httpMu.Unlock()
		ln.Close()
		return nil
	}
	s.httpServers = append(s.httpServers, hs)
	s.serving.Add(1)
	s.httpMu.Unlock()
	defer s.serving.Done()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops the server: it refuses new work, stops serving, kills every
// execution environment (in-flight invocations fail with a
// ServiceException) and returns once every child process has been reaped.
// It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		// Asynchronous events: no more are accepted; without a state
		// directory to keep them in, those queued get a moment to run.
		s.async.stopAccepting()
		if s.opts.stateDir == "" {
			s.async.drain(s.opts.asyncDrain)
		}
		s.async.close()
		envs := s.sched.shutdown()
		close(s.quit)
		s.stopTimers()
		s.httpMu.Lock()
		servers := s.httpServers
		s.httpMu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var shutdowns sync.WaitGroup
		for _, hs := range servers {
			shutdowns.Add(1)
			go func() {
				defer shutdowns.Done()
				if hs.Shutdown(ctx) != nil {
					hs.Close()
				}
			}()
		}
		for _, env := range envs {
			env.kill()
		}
		s.envs.Wait()
		s.async.shutdown()
		// A process that left its environment's group (setsid) still
		// carries the marker: stop it too.
		for _, pid := range s.OwnedProcesses() {
			killGroup(pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
		shutdowns.Wait()
		s.serving.Wait()
		s.bg.Wait()
		for _, fn := range s.functionList() {
			if fn.watcher != nil {
				fn.watcher.Close()
			}
		}
		if s.cgroups.parent != nil {
			if err := s.cgroups.parent.Remove(); err != nil {
				s.opts.logger.Warn("remove the cgroups", "error", err)
			}
		}
		os.RemoveAll(s.runtimeDir)
	})
	return nil
}
