package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/lambench/lambench/emulator/codezip"
)

// maxControlRequest is AWS's bound on a CreateFunction / UpdateFunctionCode
// request: a 50 MB zip, base64-encoded, in JSON.
const maxControlRequest = 69905067

// The write side of the control plane (reference §3): CreateFunction,
// UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction and
// Put/Get/DeleteFunctionConcurrency, compatible with the aws CLI, the SDKs
// and their waiters (FunctionActiveV2, FunctionUpdatedV2).

type functionCode struct {
	ZipFile         []byte
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ImageUri        string
}

// configFields are the configuration fields CreateFunction and
// UpdateFunctionConfiguration share; nil leaves a field as it is.
type configFields struct {
	Role        *string
	Handler     *string
	Description *string
	Timeout     *int
	MemorySize  *int
	Environment *environmentVariables
	Runtime     *string
}

// apply sets the fields given on f.
func (c *configFields) apply(f *Function) {
	if c.Role != nil {
		f.Role = *c.Role
	}
	if c.Handler != nil {
		f.Handler = *c.Handler
	}
	if c.Description != nil {
		f.Description = *c.Description
	}
	if c.Timeout != nil {
		f.Timeout = time.Duration(*c.Timeout) * time.Second
	}
	if c.MemorySize != nil {
		f.MemoryMB = *c.MemorySize
	}
	if c.Environment != nil {
		f.Environment = c.Environment.Variables
	}
	if c.Runtime != nil {
		f.Runtime = *c.Runtime
	}
}

type createFunctionRequest struct {
	configFields
	FunctionName  string
	Code          functionCode
	Architectures []string
	PackageType   string
}

type updateCodeRequest struct {
	ZipFile       []byte
	S3Bucket      string
	ImageUri      string
	RevisionId    string
	Architectures []string
}

type updateConfigurationRequest struct {
	configFields
	RevisionId string
}

// decodeRequest reads a JSON request body of at most max bytes.
func decodeRequest(r *http.Request, max int64, operation string, v any) error {
	if r.ContentLength > max {
		return errEntityTooLarge("Request must be smaller than %d bytes for the %s operation", max, operation)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return errInvalidContent("reading the request body: %v", err)
	}
	if int64(len(body)) > max {
		return errEntityTooLarge("Request must be smaller than %d bytes for the %s operation", max, operation)
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &APIError{Status: http.StatusBadRequest, Code: "SerializationException", Message: "Could not parse the request: " + err.Error()}
	}
	return nil
}

func (s *Server) handleCreateFunction(w http.ResponseWriter, r *http.Request) {
	var req createFunctionRequest
	if err := decodeRequest(r, maxControlRequest, "CreateFunction", &req); err != nil {
		writeError(w, err)
		return
	}
	fn, err := s.createFunction(&req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.configuration(fn))
	s.settle(fn)
}

func (s *Server) createFunction(req *createFunctionRequest) (*function, error) {
	name, _, err := s.resolveName(req.FunctionName, "")
	if err != nil {
		return nil, err
	}
	if req.PackageType != "" && req.PackageType != "Zip" {
		return nil, errInvalidParameter("PackageType %s is not supported by the local Lambda: upload a zip (Code.ZipFile)", req.PackageType)
	}
	if req.Runtime == nil || *req.Runtime == "" || req.Handler == nil || *req.Handler == "" {
		return nil, errInvalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if s.function(name) != nil {
		return nil, errConflict("Function already exist: %s", name)
	}
	f := Function{Name: name}
	req.apply(&f)
	if len(req.Architectures) == 1 {
		f.Architecture = req.Architectures[0]
	} else if len(req.Architectures) > 1 {
		return nil, errInvalidParameter("Architectures takes exactly one value")
	}
	// Check the configuration before unpacking anything.
	f.Code = BuiltinPrefix + "placeholder"
	if err := f.validate(false); err != nil && !isField(err, "code") {
		return nil, fieldToAPIError(err)
	}
	rev := newRequestID()
	dir, err := s.unpackCode(name, rev, &req.Code)
	if err != nil {
		return nil, err
	}
	f.Code, f.pkg = dir, digestPackage(req.Code.ZipFile)
	fn, err := s.register(f, originAPI)
	if err != nil {
		os.RemoveAll(dir)
		var fe *FieldError
		if errors.As(err, &fe) && fe.Field == "name" {
			return nil, errConflict("Function already exist: %s", name)
		}
		return nil, fieldToAPIError(err)
	}
	fn.mu.Lock()
	fn.revisionID, fn.state = rev, statePending
	fn.mu.Unlock()
	if err := s.persist(fn); err != nil {
		s.opts.logger.Error("save function", "function", name, "error", err)
	}
	return fn, nil
}

// unpackCode extracts a deployment package into a new directory.
func (s *Server) unpackCode(name, rev string, code *functionCode) (string, error) {
	if code.S3Bucket != "" || code.S3Key != "" || code.ImageUri != "" {
		return "", errInvalidParameter("The local Lambda takes code as Code.ZipFile only (no S3 locations or container images): pass --zip-file fileb://function.zip")
	}
	if len(code.ZipFile) == 0 {
		return "", errInvalidParameter("Code.ZipFile is required: the deployment package as a zip file")
	}
	if len(code.ZipFile) > codezip.MaxZippedBytes {
		return "", errEntityTooLarge("Zipped size must be smaller than %d bytes", codezip.MaxZippedBytes)
	}
	parent := filepath.Join(s.codeRoot(), name)
	_, statErr := os.Stat(parent)
	if err := os.MkdirAll(parent, codeDirPermission); err != nil {
		return "", errService("store the code of %s: %v", name, err)
	}
	dir := filepath.Join(parent, rev)
	if _, err := codezip.Extract(code.ZipFile, dir, s.opts.maxUnzipped); err != nil {
		if statErr != nil {
			os.Remove(parent) // made for this upload: nothing is left of a rejected one
		}
		switch {
		case errors.Is(err, codezip.ErrTooLarge):
			return "", errInvalidParameter("Unzipped size must be smaller than %d bytes", s.maxUnzipped())
		case errors.Is(err, codezip.ErrUnsafePath), errors.Is(err, codezip.ErrNotZip):
			return "", errInvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again. (%v)", err)
		default:
			return "", errService("unpack the code of %s: %v", name, err)
		}
	}
	return dir, nil
}

func (s *Server) maxUnzipped() int64 {
	if s.opts.maxUnzipped > 0 {
		return s.opts.maxUnzipped
	}
	return codezip.MaxUnzippedBytes
}

// lookupForChange resolves the function a write operation names, which
// must be unqualified or $LATEST.
func (s *Server) lookupForChange(r *http.Request) (*function, error) {
	fn, err := s.lookup(r)
	if err != nil {
		return nil, err
	}
	return fn, nil
}

// checkChangeable refuses a change while another is in progress or when
// the caller's RevisionId is stale. Called with fn.mu held.
func checkChangeable(fn *function, revisionID string) error {
	if fn.state == statePending || fn.updateStatus == updateInProgress {
		return errConflict("The operation cannot be performed at this time. An update is in progress for resource: %s", fn.arn)
	}
	if revisionID != "" && revisionID != fn.revisionID {
		return &APIError{Status: http.StatusPreconditionFailed, Code: "PreconditionFailedException",
			Message: "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"}
	}
	return nil
}

func (s *Server) handleUpdateCode(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookupForChange(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req updateCodeRequest
	if err := decodeRequest(r, maxControlRequest, "UpdateFunctionCode", &req); err != nil {
		writeError(w, err)
		return
	}
	fn.mu.Lock()
	err = checkChangeable(fn, req.RevisionId)
	fn.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	rev := newRequestID()
	dir, err := s.unpackCode(fn.name, rev, &functionCode{ZipFile: req.ZipFile, S3Bucket: req.S3Bucket, ImageUri: req.ImageUri})
	if err != nil {
		writeError(w, err)
		return
	}
	err = s.change(fn, true, func(f *Function) error {
		if err := checkChangeable(fn, req.RevisionId); err != nil {
			return err
		}
		f.Code, f.Command, f.pkg = dir, nil, digestPackage(req.ZipFile)
		if len(req.Architectures) == 1 {
			f.Architecture = req.Architectures[0]
		}
		return nil
	})
	if err != nil {
		os.RemoveAll(dir)
		writeError(w, err)
		return
	}
	s.afterChange(w, fn)
}

func (s *Server) handleUpdateConfiguration(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookupForChange(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req updateConfigurationRequest
	if err := decodeRequest(r, 1<<20, "UpdateFunctionConfiguration", &req); err != nil {
		writeError(w, err)
		return
	}
	err = s.change(fn, false, func(f *Function) error {
		if err := checkChangeable(fn, req.RevisionId); err != nil {
			return err
		}
		req.apply(f)
		if err := f.validate(false); err != nil {
			return fieldToAPIError(err)
		}
		return nil
	})
	if err != nil {
		writeError(w, err)
		return
	}
	s.afterChange(w, fn)
}

// afterChange saves the function, answers with its configuration (the
// update still InProgress, as AWS answers) and lets the update settle.
func (s *Server) afterChange(w http.ResponseWriter, fn *function) {
	if err := s.persist(fn); err != nil {
		s.opts.logger.Error("save function", "function", fn.name, "error", err)
	}
	writeJSON(w, http.StatusOK, s.configuration(fn))
	s.settle(fn)
}

func (s *Server) handleDeleteFunction(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookupForChange(r)
	if err != nil {
		writeError(w, err)
		return
	}
	s.unregister(fn)
	s.forget(fn)
	w.Header().Set("X-Amzn-Requestid", newRequestID())
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handlePutConcurrency(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookupForChange(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req struct{ ReservedConcurrentExecutions *int }
	if err := decodeRequest(r, 1<<20, "PutFunctionConcurrency", &req); err != nil {
		writeError(w, err)
		return
	}
	if req.ReservedConcurrentExecutions == nil || *req.ReservedConcurrentExecutions < 0 {
		writeError(w, errInvalidParameter("ReservedConcurrentExecutions must be a number from 0"))
		return
	}
	n := *req.ReservedConcurrentExecutions
	if err := s.setReserved(fn, n); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: &n})
}

func (s *Server) handleDeleteConcurrency(w http.ResponseWriter, r *http.Request) {
	fn, err := s.lookupForChange(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := s.setReserved(fn, -1); err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("X-Amzn-Requestid", newRequestID())
	w.WriteHeader(http.StatusNoContent)
}

// setReserved changes a function's reserved concurrency (-1: none).
func (s *Server) setReserved(fn *function, n int) error {
	extra, err := s.sched.setReserved(fn, n, s.minUnreserved())
	if err != nil {
		return err
	}
	fn.mu.Lock()
	if n < 0 {
		fn.cfg.ReservedConcurrency = nil
	} else {
		fn.cfg.ReservedConcurrency = &n
	}
	fn.mu.Unlock()
	for _, env := range extra {
		env.kill()
	}
	if err := s.persist(fn); err != nil {
		s.opts.logger.Error("save function", "function", fn.name, "error", err)
	}
	return nil
}

// minUnreserved is the part of the account's concurrency that reservations
// must leave to the other functions: AWS keeps 100 of its 1,000; locally a
// tenth of the limit, at most 100.
func (s *Server) minUnreserved() int {
	return min(100, s.opts.accountConcurrency/10)
}

func isField(err error, field string) bool {
	var fe *FieldError
	return errors.As(err, &fe) && fe.Field == field
}

// fieldToAPIError turns a validation error into the error AWS returns.
func fieldToAPIError(err error) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return errInvalidParameter("%v", err)
	}
	if fe.Field == "runtime" {
		return errInvalidParameter("The runtime parameter is not supported by the local Lambda: %v", fe.Err)
	}
	return errInvalidParameter("%s: %v", fe.Field, fe.Err)
}

func errConflict(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusConflict, Code: "ResourceConflictException", Message: fmt.Sprintf(format, args...)}
}

func errEntityTooLarge(format string, args ...any) *APIError {
	return &APIError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLargeException", Message: fmt.Sprintf(format, args...)}
}
