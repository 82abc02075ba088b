package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lambench/lambench/emulator/demo"
	"github.com/lambench/lambench/emulator/runtimes"
	"github.com/lambench/lambench/emulator/schedule"
)

// Limits and defaults of a function's configuration, as on AWS Lambda.
const (
	DefaultMemoryMB = 128
	MinMemoryMB     = 128
	MaxMemoryMB     = 10240
	DefaultTimeout  = 3 * time.Second
	MaxTimeout      = 900 * time.Second
	DefaultRuntime  = "provided.al2023"

	// BuiltinPrefix marks Code that names a demo function compiled into
	// the lambench binary, e.g. "builtin:hello".
	BuiltinPrefix = "builtin:"
)

// Runtimes lists the runtime identifiers the local Lambda can run: the
// OS-only runtimes (a bootstrap), and Node.js and Python through the
// runtime clients of package runtimes with the node / python3 found on
// the machine.
var Runtimes = append([]string{"provided.al2023", "provided.al2", GoRuntime}, runtimes.Supported...)

// Function is the configuration of one function served by the local Lambda.
// Exactly one of Code (a directory holding an executable `bootstrap`, or
// "builtin:NAME") and Command says what to run; with Command, Code may name
// the working directory.
type Function struct {
	// Name is the function name: letters, digits, hyphens and underscores, at most 64.
	Name string
	// Runtime is the Lambda runtime identifier; DefaultRuntime when empty.
	Runtime string
	// Handler is passed to the process as _HANDLER. Custom runtimes may ignore it.
	Handler string
	// Code is a directory holding an executable named bootstrap, or
	// BuiltinPrefix followed by the name of a demo function.
	Code string
	// Command is the process to run instead of Code's bootstrap: an
	// executable and its arguments.
	Command []string
	// MemoryMB is the memory size in MB (128 to 10,240); DefaultMemoryMB when zero.
	MemoryMB int
	// Timeout bounds one invocation (whole seconds, 1 s to 900 s); DefaultTimeout when zero.
	Timeout time.Duration
	// Environment holds the function's own environment variables.
	Environment map[string]string
	// ReservedConcurrency caps the function's concurrent executions and
	// reserves them out of the account's pool; nil means unreserved.
	ReservedConcurrency *int
	// Description is free text shown in the function's configuration.
	Description string
	// Architecture is x86_64 or arm64; the machine's when empty.
	Architecture string
	// Role is the execution role's ARN, shown in the configuration only.
	Role string
	// MaxRetryAttempts is how often a failed asynchronous invocation is
	// retried (0 to 2); DefaultAsyncRetries when nil.
	MaxRetryAttempts *int
	// MaxEventAge drops asynchronous events older than this (60 s to 6 h);
	// the server's default when zero.
	MaxEventAge time.Duration
	// Credentials, when set, give the function process AWS credentials
	// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), asked
	// for each new environment. Without them a function gets none: not the
	// shell's of whoever started lambench.
	Credentials CredentialSource
	// EndpointURL is given to the function as AWS_ENDPOINT_URL, so that
	// its own SDK calls go to moto, LocalStack or another local service.
	EndpointURL string
	// Schedule, an EventBridge schedule expression such as "rate(5
	// minutes)" or "cron(0 12 * * ? *)", invokes the function with a
	// Scheduled Event, asynchronously, as an EventBridge rule does.
	Schedule string

	// pkg describes the deployment package a function created through the
	// API was uploaded as: CodeSize and CodeSha256 are the zip's, as on
	// AWS, not those of the files it held.
	pkg packageDigest
}

// A packageDigest is the size and base64 SHA-256 of an uploaded zip.
type packageDigest struct {
	Size   int64  `json:",omitempty"`
	Sha256 string `json:",omitempty"`
}

func digestPackage(zip []byte) packageDigest {
	sum := sha256.Sum256(zip)
	return packageDigest{Size: int64(len(zip)), Sha256: base64.StdEncoding.EncodeToString(sum[:])}
}

// CredentialSource gives a function process its AWS credentials.
type CredentialSource interface {
	Credentials(ctx context.Context) (AWSCredentials, error)
}

// AWSCredentials are the keys a function process gets.
type AWSCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// FieldError reports an invalid field of a Function. Field is the
// configuration key (as in lambench.toml: name, code, memory, ...; for a
// variable, environment.NAME) so that callers can point at the place it
// was written.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// validFunctionName reports whether s is 1 to 64 letters, digits,
// hyphens or underscores. (Hand-written rather than a package-level
// regexp: the demo functions run this binary, and every package's init
// counts in their Init Duration.)
func validFunctionName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// validEnvName reports whether s is a letter followed by letters, digits
// and underscores.
func validEnvName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }

// reservedEnv are the variables the local Lambda sets itself; like AWS, a
// function may not override them.
var reservedEnv = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_LAMBDA_MAX_CONCURRENCY",
	demo.EnvVar, ownerEnvVar,
}

// withDefaults returns f with empty fields filled in.
func (f Function) withDefaults() Function {
	if f.Runtime == "" {
		f.Runtime = DefaultRuntime
	}
	if f.Handler == "" {
		switch family, _ := runtimes.FamilyOf(f.Runtime); family {
		case runtimes.NodeJS:
			f.Handler = "index.handler" // the console's default
		case runtimes.Python:
			f.Handler = "lambda_function.lambda_handler"
		default:
			f.Handler = "bootstrap"
		}
	}
	if f.MemoryMB == 0 {
		f.MemoryMB = DefaultMemoryMB
	}
	if f.Timeout == 0 {
		f.Timeout = DefaultTimeout
	}
	if f.Architecture == "" {
		f.Architecture = machineArchitecture()
	}
	return f
}

// Validate checks f as the local Lambda would before serving it, code
// included (the bootstrap must exist and be executable). Errors are
// *FieldError values naming the offending key.
func (f Function) Validate() error { return f.validate(true) }

// validate checks the configuration, and the code when checkCode is set.
// Functions created through the API are not code-checked, as on AWS: a
// package without a bootstrap fails at invoke, not at upload.
func (f Function) validate(checkCode bool) error {
	f = f.withDefaults()
	fe := func(field, format string, args ...any) error {
		return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	if !validFunctionName(f.Name) {
		return fe("name", "%q is not a valid function name (1 to 64 letters, digits, hyphens or underscores)", f.Name)
	}
	if !slices.Contains(Runtimes, f.Runtime) {
		return fe("runtime", "unknown runtime %q (valid: %s)", f.Runtime, strings.Join(Runtimes, ", "))
	}
	if f.MemoryMB < MinMemoryMB || f.MemoryMB > MaxMemoryMB {
		return fe("memory", "%d MB is outside %d to %d MB", f.MemoryMB, MinMemoryMB, MaxMemoryMB)
	}
	if f.Timeout < time.Second || f.Timeout > MaxTimeout || f.Timeout%time.Second != 0 {
		return fe("timeout", "%v must be whole seconds from 1 to 900", f.Timeout)
	}
	if r := f.MaxRetryAttempts; r != nil && (*r < 0 || *r > 2) {
		return fe("max_retry_attempts", "%d must be 0, 1 or 2", *r)
	}
	if a := f.MaxEventAge; a != 0 && (a < time.Minute || a > 6*time.Hour) {
		return fe("max_event_age", "%v must be from 60 s to 6 h", a)
	}
	if f.Schedule != "" {
		if _, err := schedule.Parse(f.Schedule); err != nil {
			return &FieldError{Field: "schedule", Err: err}
		}
	}
	if f.ReservedConcurrency != nil && *f.ReservedConcurrency < 0 {
		return fe("reserved_concurrency", "%d must not be negative", *f.ReservedConcurrency)
	}
	if f.Architecture != "x86_64" && f.Architecture != "arm64" {
		return fe("architecture", "unknown architecture %q (valid: x86_64, arm64)", f.Architecture)
	}
	for _, k := range slices.Sorted(maps.Keys(f.Environment)) {
		if !validEnvName(k) {
			return fe("environment."+k, "%q is not a valid variable name", k)
		}
		if slices.Contains(reservedEnv, k) {
			return fe("environment."+k, "%s is reserved by Lambda and cannot be set", k)
		}
	}
	switch {
	case len(f.Command) > 0:
		if strings.HasPrefix(f.Code, BuiltinPrefix) {
			return fe("command", "set either command or a builtin code, not both")
		}
		if f.Code != "" {
			if err := isDir(f.Code); err != nil {
				return fe("code", "%v", err)
			}
		}
	case strings.HasPrefix(f.Code, BuiltinPrefix):
		name := strings.TrimPrefix(f.Code, BuiltinPrefix)
		if _, ok := demo.Lookup(name); !ok {
			return fe("code", "unknown builtin %q (valid: %s)", name, strings.Join(demo.Names(), ", "))
		}
	case f.Code == "":
		return fe("code", "missing: set code to a directory holding bootstrap, to builtin:NAME, or set command")
	case !checkCode:
	default:
		if err := isDir(f.Code); err != nil {
			return fe("code", "%v", err)
		}
		if _, managed := runtimes.FamilyOf(f.Runtime); managed {
			break // the handler's module is looked for at init, as on AWS
		}
		if f.Runtime == GoRuntime {
			if gos, _ := filepath.Glob(filepath.Join(f.Code, "*.go")); len(gos) == 0 {
				return fe("code", "%s holds no .go files: the go runtime builds a main package from its code directory", f.Code)
			}
			break
		}
		bootstrap := filepath.Join(f.Code, "bootstrap")
		st, err := os.Stat(bootstrap)
		if err != nil {
			return fe("code", "%s has no bootstrap: a provided runtime runs the executable CODE/bootstrap", f.Code)
		}
		if st.Mode()&0o111 == 0 {
			return fe("code", "%s is not executable (chmod +x it)", bootstrap)
		}
	}
	return nil
}

func isDir(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("code directory %s does not exist", path)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", path)
	}
	return nil
}

func machineArchitecture() string {
	if runtime.GOARCH == "arm64" {
		return "arm64"
	}
	return "x86_64"
}

// DemoFunctions returns the demo functions compiled into the lambench
// binary with their default settings: what the local Lambda serves when it
// is given no functions.
func DemoFunctions() []Function {
	var fs []Function
	for _, name := range demo.Names() {
		d, _ := demo.Lookup(name)
		fs = append(fs, Function{
			Name:        name,
			Code:        BuiltinPrefix + name,
			MemoryMB:    DefaultMemoryMB,
			Timeout:     d.Timeout,
			Description: d.Description,
		})
	}
	return fs
}

// errUnknownFunction is wrapped by lookups that find no function.
var errUnknownFunction = errors.New("function not found")
