package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lambench/lambench/emulator/cgroup"
	"github.com/lambench/lambench/emulator/logstore"
)

// Runtime API limits.
const (
	// MaxResponseBytes is the largest response or error body a runtime may
	// post: 6 MiB plus 100 bytes, as on AWS.
	MaxResponseBytes = 6<<20 + 100
	// DefaultInitTimeout bounds the init phase, as AWS does for on-demand functions.
	DefaultInitTimeout = 10 * time.Second
)

// envState is the state of an execution environment. The scheduler moves
// an environment between states in one place (scheduler.go), under its lock.
type envState int

const (
	stateInitializing envState = iota // process started, no GET /next yet
	stateIdle                         // waiting in GET /next, in its function's warm pool
	stateBusy                         // handling an invocation
	stateDead                         // stopped or exited; never used again
)

func (s envState) String() string {
	return [...]string{"initializing", "idle", "busy", "dead"}[s]
}

// environment is one execution environment: a function process, its own
// Runtime API endpoint on loopback and its log stream.
type environment struct {
	id         string // 32 hex digits, the tail of the log stream name
	srv        *Server
	fn         *function
	cfg        Function // the configuration the process was started with
	streamName string
	stream     *logstore.Stream

	// Scheduler state, guarded by srv.sched.mu.
	state      envState
	lastUsed   time.Time
	unreserved bool // counted in the account's unreserved concurrency
	generation int  // the function's configuration generation it runs
	initSlot   bool // holds one of the scheduler's init slots (WithMaxInitializing)

	cmd       *exec.Cmd
	startedAt time.Time
	httpSrv   *http.Server
	capture   *capture

	work       chan *invocation // hands an invocation to the waiting GET /next
	ready      chan struct{}    // closed at the first GET /next: init is over
	initFailed chan struct{}    // closed when the runtime posts /runtime/init/error
	exited     chan struct{}    // closed once the process has been reaped
	stopped    chan struct{}    // closed when the environment is being killed
	served     chan struct{}    // closed when its Runtime API server has returned
	killOnce   sync.Once
	failOnce   sync.Once

	group *cgroup.Group // the environment's cgroup, when limits are enforced
	meter *cgroup.Meter // reads its memory; guarded by mu once the process runs

	mu          sync.Mutex
	oomKilled   bool // the memory limit killed the process
	cur         *invocation
	waiting     bool // a GET /next is waiting for work
	readyAt     time.Time
	initErrBody []byte
	initErrType string
	exitErr     error
	exitPeak    int64
	// seenPeak is the largest peak RSS read while the process lived (at
	// the end of init and of each invocation): all that is known of a
	// process's memory once it has exited, since a child's wait4
	// ru_maxrss starts from lambench's own peak (exec records the peak of
	// the address space it replaces, and Go starts children with vfork).
	seenPeak int64
	pid      int         // set once the process started
	reaped   bool        // the process has been waited for: its pid may be reused
	status   *procStatus // the live process's memory figures; nil once reaped

	tail *tailBuffer // the current invocation's tail; guarded by capture.mu
}

// newEnvironment is called by the scheduler with its lock held.
func newEnvironment(s *Server, fn *function) *environment {
	id := randomHex(16)
	cfg := fn.config()
	e := &environment{
		id:         id,
		srv:        s,
		fn:         fn,
		cfg:        cfg,
		streamName: time.Now().UTC().Format("2006/01/02") + "/[$LATEST]" + id,
		work:       make(chan *invocation),
		ready:      make(chan struct{}),
		initFailed: make(chan struct{}),
		exited:     make(chan struct{}),
		stopped:    make(chan struct{}),
		served:     make(chan struct{}),
		generation: fn.generation,
	}
	return e
}

// start launches the process and its Runtime API endpoint. The environment
// must already be counted by the scheduler. An error means nothing was
// started (the caller releases the environment); a process that fails to
// execute is not an error here but an exited environment, which run
// reports as Runtime.InvalidEntrypoint.
func (e *environment) start() error {
	s := e.srv
	e.stream = s.logs.Stream(logGroupName(e.cfg.Name), e.streamName)
	if err := os.MkdirAll(e.tmpDir(), 0o700); err != nil {
		return fmt.Errorf("create the environment's TMPDIR: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	e.capture, err = newCapture(pr, s.opts.maxLineBytes, e.emitLine)
	if err != nil {
		pr.Close()
		pw.Close()
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pr.Close()
		pw.Close()
		return fmt.Errorf("listen for the Runtime API: %w", err)
	}
	e.httpSrv = &http.Server{
		Handler:           e.routes(),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	l := e.plan()
	if l.err == nil {
		l.err = checkExecutable(l.path)
		l.errType = "Runtime.InvalidEntrypoint"
	}
	if l.err == nil && e.cfg.Credentials != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		c, err := e.cfg.Credentials.Credentials(ctx)
		cancel()
		if err != nil {
			l.err, l.errType = fmt.Errorf("get the function's AWS credentials: %w", err), "Runtime.CredentialsError"
		} else {
			l.env = append(l.env, "AWS_ACCESS_KEY_ID="+c.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey)
			if c.SessionToken != "" {
				l.env = append(l.env, "AWS_SESSION_TOKEN="+c.SessionToken)
			}
		}
	}
	if l.err == nil {
		e.confine()
	}
	if len(l.args) == 0 {
		l.args = []string{l.path}
	}
	cmd := exec.Command(l.path, l.args[1:]...)
	cmd.Args[0] = l.args[0]
	cmd.Dir = l.dir
	cmd.Env = e.environ(ln.Addr().String(), l.dir, l.env)
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = procAttr()
	if e.group != nil && e.group.Version() == cgroup.V2 {
		if fd, err := e.group.OpenFD(); err == nil {
			defer fd.Close()
			startInCgroup(cmd.SysProcAttr, int(fd.Fd()))
		}
	}
	e.cmd = cmd

	if !s.sched.track(e) {
		ln.Close()
		pr.Close()
		pw.Close()
		e.releaseGroup()
		return errShuttingDown
	}
	go e.capture.run()
	go func() {
		defer close(e.served)
		_ = e.httpSrv.Serve(ln)
	}()
	e.startedAt = time.Now()
	err = l.err
	if err == nil {
		err = cmd.Start()
	} else {
		err = &errLaunch{errType: l.errType, err: err}
	}
	pw.Close()
	if err != nil {
		e.mu.Lock()
		e.exitErr = err
		e.mu.Unlock()
		close(e.exited)
		go e.supervise(false)
		return nil
	}
	e.enterGroup(cmd.Process.Pid)
	status, err := openProcStatus(cmd.Process.Pid)
	if err != nil {
		e.srv.opts.logger.Warn("cannot measure the memory of a function process", "function", e.cfg.Name, "error", err)
	}
	e.mu.Lock()
	e.pid, e.status = cmd.Process.Pid, status
	e.mu.Unlock()
	select {
	case <-e.stopped: // killed while starting
		killGroup(cmd.Process.Pid)
	default:
	}
	go e.supervise(true)
	return nil
}

// releaseGroup removes the environment's cgroup, if it has one.
func (e *environment) releaseGroup() {
	if e.meter != nil {
		e.meter.Close()
		e.meter = nil
	}
	if e.group != nil {
		if err := e.group.Remove(); err != nil {
			e.srv.opts.logger.Warn("remove an environment's cgroup", "error", err)
		}
	}
}

// tmpDir is the environment's own temporary directory (its TMPDIR),
// removed when the environment retires.
func (e *environment) tmpDir() string {
	return filepath.Join(e.srv.runtimeDir, "tmp", e.id)
}

// environ is the process environment: Lambda's reserved variables, the
// function's own, and nothing else of lambench's.
func (e *environment) environ(runtimeAPI, taskRoot string, extra []string) []string {
	cfg, o := e.cfg, e.srv.opts
	env := []string{
		"AWS_LAMBDA_RUNTIME_API=" + runtimeAPI,
		"_HANDLER=" + cfg.Handler,
		"LAMBDA_TASK_ROOT=" + taskRoot,
		"LAMBDA_RUNTIME_DIR=" + taskRoot,
		"AWS_LAMBDA_FUNCTION_NAME=" + cfg.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(cfg.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_LOG_GROUP_NAME=" + logGroupName(cfg.Name),
		"AWS_LAMBDA_LOG_STREAM_NAME=" + e.streamName,
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_REGION=" + o.region,
		"AWS_DEFAULT_REGION=" + o.region,
		"AWS_EXECUTION_ENV=AWS_Lambda_" + cfg.Runtime,
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
		"PATH=" + o.path,
		"TMPDIR=" + e.tmpDir(),
		ownerEnvVar + "=" + e.srv.marker,
	}
	env = append(env, extra...)
	if cfg.EndpointURL != "" {
		env = append(env, "AWS_ENDPOINT_URL="+cfg.EndpointURL)
	}
	for k, v := range cfg.Environment {
		env = append(env, k+"="+v)
	}
	return env
}

// supervise owns the process: it reaps it, then stops the Runtime API and
// the log capture and tells the scheduler the environment is gone.
func (e *environment) supervise(started bool) {
	defer e.srv.envs.Done()
	if started {
		// Wait for the exit without reaping: while the process is a
		// zombie its pid, and so its group id, cannot be reused, so the
		// group can still be killed safely (whatever the process started
		// dies with it); only then is it reaped, and signals stop.
		var err error
		exitedFirst := waitExit(e.cmd.Process.Pid)
		if !exitedFirst {
			err = e.cmd.Wait()
		}
		e.mu.Lock()
		killGroup(e.pid)
		e.reaped = true
		if e.status != nil {
			e.status.close()
			e.status = nil
		}
		// A zombie's /proc status no longer holds VmHWM: what was seen
		// while it lived, and the cgroup's peak (which also counts
		// whatever the process started), are all there is.
		lastPeak := e.seenPeak
		if e.group != nil {
			if st, err := e.group.Memory(); err == nil {
				lastPeak, e.oomKilled = max(lastPeak, int64(st.Peak)), st.OOMKills > 0
			}
		}
		e.mu.Unlock()
		if exitedFirst {
			err = e.cmd.Wait()
		}
		e.mu.Lock()
		e.exitErr, e.exitPeak = err, lastPeak
		e.mu.Unlock()
		close(e.exited)
	}
	e.kill()
	e.srv.sched.retire(e)
	_ = e.httpSrv.Close()
	<-e.served
	e.capture.close(time.Second)
	e.mu.Lock()
	e.releaseGroup()
	e.mu.Unlock()
	if e.stream != nil {
		e.srv.logs.Retire(e.stream)
	}
	os.RemoveAll(e.tmpDir())
	e.srv.sched.untrack(e)
}

// kill stops the environment: the whole process group gets SIGKILL, as
// Lambda does. Safe to call more than once, and before start.
func (e *environment) kill() {
	e.killOnce.Do(func() { close(e.stopped) })
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.reaped {
		killGroup(e.pid) // pid 0 (not started yet): start sees stopped and kills
	}
}

// emitLine stores one log line; capture calls it with its lock held.
func (e *environment) emitLine(line string, at time.Time) {
	e.srv.logs.Append(e.stream, at, line)
	if e.tail != nil {
		e.tail.add(line)
	}
}

// platformLines writes Lambda's own lines after everything the process has
// printed so far (finishing a line it left open). With attach they also
// go to that tail, which stays attached; otherwise the current tail gets
// them and is detached in the same step, so nothing printed after the
// last line (END/REPORT) reaches it.
func (e *environment) platformLines(attach *tailBuffer, lines ...string) {
	e.capture.locked(true, func() {
		if attach != nil {
			e.tail = attach
		}
		now := time.Now()
		for _, l := range lines {
			e.emitLine(l, now)
		}
		if attach == nil {
			e.tail = nil
		}
	})
}

func (e *environment) detachTail() {
	e.capture.locked(false, func() { e.tail = nil })
}

// memoryUsedMB is Max Memory Used: the process's peak resident memory so far.
func (e *environment) memoryUsedMB() int {
	var peak int64
	select {
	case <-e.exited:
		e.mu.Lock()
		peak = e.exitPeak
		e.mu.Unlock()
	default:
		// The larger of the process's peak resident memory and the
		// environment's cgroup peak without page cache: the first counts
		// what the program mapped and touched (charged to another cgroup
		// when it was loaded before joining), the second every process
		// of the environment.
		e.mu.Lock()
		if e.status != nil {
			peak = e.status.peakRSS()
			e.seenPeak = max(e.seenPeak, peak)
		}
		if e.meter != nil {
			// The cgroup's peak with page cache bounds its peak without:
			// when it is no more than the RSS peak, that is the answer,
			// and the costly memory.stat need not be read.
			if raw, err := e.meter.PeakRaw(); err == nil && int64(raw) > peak {
				if p, err := e.meter.Peak(); err == nil {
					peak = max(peak, int64(p))
				}
			}
		}
		e.mu.Unlock()
	}
	mb := int((peak + 1<<20 - 1) >> 20)
	if e.group != nil {
		// Enforced, the limit is the most a function can use; the peak
		// RSS may count program pages shared with the page cache beyond
		// it. Unenforced, the truth is reported, even above MemorySize:
		// on AWS that function would run out of memory.
		mb = min(mb, e.cfg.MemoryMB)
	}
	return mb
}

// exitMessage describes how the process ended, as Lambda words it.
func (e *environment) exitMessage() string {
	e.mu.Lock()
	err := e.exitErr
	e.mu.Unlock()
	if err == nil {
		return "Runtime exited without providing a reason"
	}
	if _, ok := err.(*exec.ExitError); ok {
		return "Runtime exited with error: " + err.Error()
	}
	return err.Error()
}

// --- Runtime API ---

func (e *environment) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", e.handleNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", e.handleResponse)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", e.handleError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", e.handleInitError)
	return mux
}

func runtimeError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"errorMessage": msg, "errorType": errType})
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

// handleNext is GET /next: it completes the invocation in progress (a
// runtime signals it is done by asking for the next event), marks the end
// of init on the first call, then waits for work.
func (e *environment) handleNext(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	e.mu.Lock()
	if inv := e.cur; inv != nil {
		if inv.phase == phaseDelivered {
			e.mu.Unlock()
			runtimeError(w, http.StatusForbidden, "InvalidStateTransition",
				"Transition from Invoking to Ready is not allowed: post a response or an error for "+inv.id+" first")
			return
		}
		inv.complete(now)
		e.cur = nil
	}
	if e.waiting {
		e.mu.Unlock()
		runtimeError(w, http.StatusForbidden, "InvalidStateTransition", "Another GET /next is already waiting: a runtime asks for one event at a time")
		return
	}
	e.waiting = true
	first := e.readyAt.IsZero()
	if first {
		e.readyAt = now
		if e.status != nil {
			e.seenPeak = e.status.peakRSS() // what init used, should the first invocation kill it
		}
	}
	e.mu.Unlock()
	if first {
		e.srv.sched.initDone(e) // the next environment may start
		close(e.ready)
	}

	var inv *invocation
	select {
	case inv = <-e.work:
	case <-e.stopped:
		panic(http.ErrAbortHandler)
	case <-r.Context().Done():
		// The runtime hung up while waiting: it can no longer be given work.
		e.kill()
		return
	}
	// START goes to the log after all the process printed before, then
	// the event to the runtime; run may have given up on the event
	// meanwhile (the process exited, the deadline passed).
	delivered := false
	e.capture.locked(false, func() {
		e.mu.Lock()
		e.waiting = false
		select {
		case <-e.stopped: // being killed: the event must go elsewhere
		default:
			if !inv.abandoned {
				e.cur, inv.phase, delivered = inv, phaseDelivered, true
			}
		}
		e.mu.Unlock()
		if delivered {
			e.tail = &inv.tail
			e.emitLine("START RequestId: "+inv.id+" Version: $LATEST", time.Now())
		}
	})
	if !delivered {
		panic(http.ErrAbortHandler)
	}

	h := w.Header()
	h["Lambda-Runtime-Aws-Request-Id"] = []string{inv.id}
	h["Lambda-Runtime-Deadline-Ms"] = []string{strconv.FormatInt(inv.deadline.UnixMilli(), 10)}
	h["Lambda-Runtime-Invoked-Function-Arn"] = []string{inv.invokedARN}
	h["Lambda-Runtime-Trace-Id"] = []string{inv.traceID}
	if inv.clientContext != "" {
		h["Lambda-Runtime-Client-Context"] = []string{inv.clientContext}
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(inv.payload))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.payload)
}

// current returns the invocation a response or error is posted for, or
// writes the Runtime API's error.
func (e *environment) current(w http.ResponseWriter, id string) *invocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	inv := e.cur
	if inv == nil || inv.id != id {
		runtimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID: "+id)
		return nil
	}
	if inv.phase != phaseDelivered {
		runtimeError(w, http.StatusForbidden, "InvalidStateTransition", "Invocation "+id+" already has a response")
		return nil
	}
	return inv
}

// readBody reads a response or error body up to MaxResponseBytes, counting
// bytes: aws-lambda-go sends every body chunked, without a length.
func readBody(r *http.Request) (body []byte, tooLarge bool, err error) {
	if r.ContentLength > MaxResponseBytes {
		drainOversized(r.Body)
		return nil, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes+1))
	if len(body) > MaxResponseBytes {
		drainOversized(r.Body)
		return nil, true, nil
	}
	return body, false, err
}

// drainOversized reads on (up to a bound) from a body that is already too
// large, so that a runtime that overshot by a little reads the 413 rather
// than a connection reset: closing a connection with unread data in its
// receive buffer makes the kernel answer the writer with RST. Runtimes that
// send far more are cut off as before.
func drainOversized(body io.Reader) {
	io.CopyN(io.Discard, body, maxOversizeDrain)
}

// maxOversizeDrain bounds drainOversized.
const maxOversizeDrain = 4 << 20

// validErrorType reports whether t matches (Runtime|Function)\.[A-Z][a-zA-Z]+.
func validErrorType(t string) bool {
	rest, ok := strings.CutPrefix(t, "Runtime.")
	if !ok {
		rest, ok = strings.CutPrefix(t, "Function.")
	}
	if !ok || len(rest) < 2 || rest[0] < 'A' || rest[0] > 'Z' {
		return false
	}
	for _, c := range []byte(rest) {
		if !isLetter(c) {
			return false
		}
	}
	return true
}

func headerErrorType(h http.Header) string {
	t := h.Get("Lambda-Runtime-Function-Error-Type")
	if t == "" {
		return ""
	}
	if !validErrorType(t) {
		return "Runtime.Unknown"
	}
	return t
}

func (e *environment) handleResponse(w http.ResponseWriter, r *http.Request) {
	e.post(w, r, false)
}

func (e *environment) handleError(w http.ResponseWriter, r *http.Request) {
	e.post(w, r, true)
}

// post records a response (or, with isError, an error) for the current
// invocation. The invocation completes at the runtime's next GET /next, or
// when the process exits.
func (e *environment) post(w http.ResponseWriter, r *http.Request, isError bool) {
	id := r.PathValue("id")
	if e.current(w, id) == nil {
		return
	}
	body, tooLarge, err := readBody(r)
	if err != nil {
		runtimeError(w, http.StatusBadRequest, "InvalidRequest", "reading the body: "+err.Error())
		return
	}
	e.mu.Lock()
	inv := e.cur
	if inv == nil || inv.id != id || inv.phase != phaseDelivered {
		e.mu.Unlock()
		runtimeError(w, http.StatusForbidden, "InvalidStateTransition", "Invocation "+id+" already has a response")
		return
	}
	switch {
	case tooLarge:
		inv.fail("Function.ResponseSizeTooLarge", responseTooLargeBody())
		e.mu.Unlock()
		runtimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes))
		return
	case isError:
		t := headerErrorType(r.Header)
		if t == "" {
			t = errorTypeOf(body)
		}
		inv.fail(t, body)
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		// The body failed while being written: the error came in trailers.
		b, _ := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		inv.fail(headerErrorType(r.Trailer), b)
	default:
		inv.respond(body)
	}
	e.mu.Unlock()
	accepted(w)
}

func responseTooLargeBody() []byte {
	b, _ := json.Marshal(map[string]string{
		"errorType":    "Function.ResponseSizeTooLarge",
		"errorMessage": fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", MaxResponseBytes),
	})
	return b
}

// errorTypeOf reads errorType from an error body, for the REPORT line.
func errorTypeOf(body []byte) string {
	var v struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(body, &v) == nil && v.ErrorType != "" {
		return v.ErrorType
	}
	return "Runtime.Unknown"
}

func (e *environment) handleInitError(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	initDone := !e.readyAt.IsZero()
	e.mu.Unlock()
	if initDone {
		runtimeError(w, http.StatusForbidden, "InvalidStateTransition", "Init has already completed")
		return
	}
	body, tooLarge, err := readBody(r)
	if err != nil || tooLarge {
		body = nil
	}
	t := headerErrorType(r.Header)
	if t == "" {
		t = errorTypeOf(body)
	}
	e.failOnce.Do(func() {
		e.mu.Lock()
		e.initErrBody, e.initErrType = body, t
		e.mu.Unlock()
		close(e.initFailed)
	})
	accepted(w)
}

// oomKilledNow reports whether the exited process was killed by its memory limit.
func (e *environment) oomKilledNow() bool {
	select {
	case <-e.exited:
	default:
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.oomKilled
}
