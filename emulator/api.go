package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lambench/lambench/emulator/logsapi"
)

// Handler returns the HTTP Lambda API (rest-json, as aws-sdk-go-v2 and the
// aws CLI speak it): Invoke, the read and write sides of the control plane
// and GetAccountSettings; and on the same listener the CloudWatch Logs API
// subset (FilterLogEvents, GetLogEvents, DescribeLogStreams,
// DescribeLogGroups) and the live-tail stream of package logsapi.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// ListFunctions comes with and without a trailing slash depending on
	// the client; serve both rather than redirect (a redirect breaks
	// signed requests).
	mux.HandleFunc("GET /2015-03-31/functions", s.handleList)
	mux.HandleFunc("GET /2015-03-31/functions/{$}", s.handleList)
	mux.HandleFunc("GET /2015-03-31/functions/{name}", s.handleGetFunction)
	mux.HandleFunc("GET /2015-03-31/functions/{name}/configuration", s.handleGetConfiguration)
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", s.handleInvoke)
	mux.HandleFunc("GET /2019-09-30/functions/{name}/concurrency", s.handleGetConcurrency)
	mux.HandleFunc("POST /2015-03-31/functions", s.handleCreateFunction)
	mux.HandleFunc("POST /2015-03-31/functions/{$}", s.handleCreateFunction)
	mux.HandleFunc("PUT /2015-03-31/functions/{name}/code", s.handleUpdateCode)
	mux.HandleFunc("PUT /2015-03-31/functions/{name}/configuration", s.handleUpdateConfiguration)
	mux.HandleFunc("DELETE /2015-03-31/functions/{name}", s.handleDeleteFunction)
	mux.HandleFunc("PUT /2017-10-31/functions/{name}/concurrency", s.handlePutConcurrency)
	mux.HandleFunc("DELETE /2017-10-31/functions/{name}/concurrency", s.handleDeleteConcurrency)
	mux.HandleFunc("GET /2016-08-19/account-settings", s.handleAccountSettings)
	mux.HandleFunc("GET /2016-08-19/account-settings/{$}", s.handleAccountSettings)
	// The CloudWatch Logs API subset (JSON 1.1 on POST /) and lambench's
	// live-tail push stream.
	logs := logsapi.Handler(s.logs, logsapi.WithRegion(s.opts.region), logsapi.WithAccountID(s.opts.accountID), logsapi.WithDone(s.quit))
	mux.Handle("POST /{$}", logs)
	mux.Handle("GET "+logsapi.TailPath, logs)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &APIError{Status: http.StatusNotFound, Code: "UnknownOperationException",
			Message: "Unknown operation " + r.Method + " " + r.URL.Path + " (the local Lambda serves Invoke, ListFunctions, GetFunction, GetFunctionConfiguration, CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction, Put/Get/DeleteFunctionConcurrency and GetAccountSettings)"})
	})
	return s.authenticated(recoverer(mux, s))
}

// authenticated puts the signature check in front of h when auth is required.
func (s *Server) authenticated(h http.Handler) http.Handler {
	if s.verifier == nil {
		return h
	}
	return s.verifier.Wrap(h, nil)
}

func recoverer(next http.Handler, s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.opts.logger.Error("panic serving the Lambda API", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeError(w, errService("internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, errService("encode response: %v", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if h.Get("X-Amzn-Requestid") == "" {
		h.Set("X-Amzn-Requestid", newRequestID())
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError sends a service error the way Lambda does: x-amzn-ErrorType
// names the code, the body carries Type, message and (for throttles) Reason.
func writeError(w http.ResponseWriter, err error) {
	var ae *APIError
	if !errors.As(err, &ae) {
		ae = errService("%v", err)
	}
	h := w.Header()
	h.Set("X-Amzn-Errortype", ae.Code)
	if ae.Code == "TooManyRequestsException" {
		h.Set("Retry-After", "1")
	}
	writeJSON(w, ae.Status, ae.body())
}

func (s *Server) handleInvoke(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > MaxSyncPayload {
		writeError(w, errRequestTooLarge())
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxSyncPayload+1))
	if err != nil {
		writeError(w, errInvalidContent("reading the request body: %v", err))
		return
	}
	if len(body) > MaxSyncPayload {
		writeError(w, errRequestTooLarge())
		return
	}
	in := &InvokeInput{
		FunctionName:   r.PathValue("name"),
		InvocationType: r.Header.Get("X-Amz-Invocation-Type"),
		LogType:        r.Header.Get("X-Amz-Log-Type"),
		ClientContext:  r.Header.Get("X-Amz-Client-Context"),
		Payload:        body,
	}
	if r.URL.RawQuery != "" {
		in.Qualifier = r.URL.Query().Get("Qualifier")
	}
	out, err := s.Invoke(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	h := w.Header()
	h["X-Amzn-Requestid"] = []string{out.RequestID}
	h["X-Amz-Executed-Version"] = []string{out.ExecutedVersion}
	if out.FunctionError != "" {
		h["X-Amz-Function-Error"] = []string{out.FunctionError}
	}
	if out.LogResult != nil {
		h["X-Amz-Log-Result"] = []string{base64.StdEncoding.EncodeToString(out.LogResult)}
	}
	if out.StatusCode == http.StatusNoContent || out.StatusCode == http.StatusAccepted {
		w.WriteHeader(out.StatusCode)
		return
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(out.Payload))}
	w.WriteHeader(out.StatusCode)
	_, _ = w.Write(out.Payload)
}

// lookup resolves the {name} path value and Qualifier to a function.
func (s *Server) lookup(r *http.Request) (*function, error) {
	name, arn, err := s.resolveName(r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return nil, err
	}
	fn := s.function(name)
	if fn == nil {
		return nil, errNotFound(arn)
	}
	return fn, nil
}

func (s *Server) handleGetConfiguration(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookup(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.configuration(fn))
}

func (s *Server) handleGetFunction(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookup(r)
	if err != nil {
		writeError(w, err)
		return
	}
	out := getFunctionOutput{
		Configuration: s.configuration(fn),
		Code:          functionCodeLocation{RepositoryType: "S3", Location: s.codeLocation(fn)},
		Tags:          map[string]string{},
	}
	if c := fn.config().ReservedConcurrency; c != nil {
		out.Concurrency = &concurrency{ReservedConcurrentExecutions: c}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleGetConcurrency(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookup(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: fn.config().ReservedConcurrency})
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	maxItems := 50
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, errInvalidParameter("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", v))
			return
		}
		maxItems = min(n, 50)
	}
	fns := s.functionList()
	start := 0
	if m := q.Get("Marker"); m != "" {
		start = sort.Search(len(fns), func(i int) bool { return fns[i].name >= m })
	}
	end := min(start+maxItems, len(fns))
	out := listFunctionsOutput{Functions: make([]functionConfiguration, 0, end-start)}
	for _, fn := range fns[start:end] {
		out.Functions = append(out.Functions, s.configuration(fn))
	}
	if end < len(fns) {
		out.NextMarker = fns[end].name
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAccountSettings(w http.ResponseWriter, r *http.Request) {
	fns := s.functionList()
	var total int64
	for _, fn := range fns {
		size, _ := s.codeInfo(fn)
		total += size
	}
	s.sched.mu.Lock()
	unreserved := s.sched.limit - s.sched.reservedSum
	s.sched.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"AccountLimit": map[string]any{
			"TotalCodeSize":                  int64(75) << 30,
			"CodeSizeUnzipped":               250 << 20,
			"CodeSizeZipped":                 50 << 20,
			"ConcurrentExecutions":           s.opts.accountConcurrency,
			"UnreservedConcurrentExecutions": unreserved,
		},
		"AccountUsage": map[string]any{"TotalCodeSize": total, "FunctionCount": len(fns)},
	})
}

// --- wire shapes (reference §3) ---

type listFunctionsOutput struct {
	Functions  []functionConfiguration
	NextMarker string `json:",omitempty"`
}

type getFunctionOutput struct {
	Configuration functionConfiguration
	Code          functionCodeLocation
	Tags          map[string]string
	Concurrency   *concurrency `json:",omitempty"`
}

type functionCodeLocation struct {
	RepositoryType string
	Location       string
}

type concurrency struct {
	ReservedConcurrentExecutions *int `json:",omitempty"`
}

type functionConfiguration struct {
	FunctionName               string
	FunctionArn                string
	Runtime                    string
	Role                       string
	Handler                    string
	CodeSize                   int64
	Description                string
	Timeout                    int
	MemorySize                 int
	LastModified               string
	CodeSha256                 string
	Version                    string
	Environment                *environmentVariables `json:",omitempty"`
	TracingConfig              map[string]string
	RevisionId                 string
	State                      string
	StateReason                string `json:",omitempty"`
	StateReasonCode            string `json:",omitempty"`
	LastUpdateStatus           string
	LastUpdateStatusReason     string `json:",omitempty"`
	LastUpdateStatusReasonCode string `json:",omitempty"`
	PackageType                string
	Architectures              []string
	EphemeralStorage           map[string]int
	LoggingConfig              map[string]string
	SnapStart                  map[string]string
}

type environmentVariables struct {
	Variables map[string]string
}

func (s *Server) configuration(fn *function) functionConfiguration {
	size, sum := s.codeInfo(fn)
	fn.mu.Lock()
	cfg, rev, modified, state, update := fn.cfg, fn.revisionID, fn.lastModified, fn.state, fn.updateStatus
	fn.mu.Unlock()
	c := functionConfiguration{
		FunctionName:     cfg.Name,
		FunctionArn:      fn.arn,
		Runtime:          cfg.Runtime,
		Role:             cfg.Role,
		Handler:          cfg.Handler,
		CodeSize:         size,
		Description:      cfg.Description,
		Timeout:          int(cfg.Timeout / time.Second),
		MemorySize:       cfg.MemoryMB,
		LastModified:     modified.UTC().Format("2006-01-02T15:04:05.000-0700"),
		CodeSha256:       sum,
		Version:          latestVersion,
		TracingConfig:    map[string]string{"Mode": "PassThrough"},
		RevisionId:       rev,
		State:            state,
		LastUpdateStatus: update,
		PackageType:      "Zip",
		Architectures:    []string{cfg.Architecture},
		EphemeralStorage: map[string]int{"Size": 512},
		LoggingConfig:    map[string]string{"LogFormat": "Text", "LogGroup": logGroupName(cfg.Name)},
		SnapStart:        map[string]string{"ApplyOn": "None", "OptimizationStatus": "Off"},
	}
	if c.Role == "" {
		c.Role = "arn:aws:iam::" + s.opts.accountID + ":role/lambench-local"
	}
	if state == statePending {
		c.StateReason, c.StateReasonCode = "The function is being created.", "Creating"
	}
	if update == updateInProgress {
		c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "The function is being updated.", "Updating"
	}
	if len(cfg.Environment) > 0 {
		c.Environment = &environmentVariables{Variables: cfg.Environment}
	}
	return c
}

func logGroupName(function string) string { return "/aws/lambda/" + function }

// codeLocation says where the function's code lives on this machine.
func (s *Server) codeLocation(fn *function) string {
	cfg := fn.config()
	switch {
	case strings.HasPrefix(cfg.Code, BuiltinPrefix):
		exe := s.opts.demoExecutable
		if target, err := os.Readlink(exe); err == nil && strings.HasPrefix(exe, "/proc/") {
			exe = target
		}
		return "file://" + exe + "#" + cfg.Code
	case cfg.Code != "":
		abs, _ := filepath.Abs(cfg.Code)
		return "file://" + abs
	default:
		return "file://" + cfg.Command[0]
	}
}

func hashFiles(paths []string) (int64, string) {
	h := sha256.New()
	var size int64
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		n, _ := io.Copy(h, f)
		f.Close()
		size += n
	}
	return size, base64.StdEncoding.EncodeToString(h.Sum(nil))
}
