// Package demo holds the demo functions compiled into the lambench binary.
//
// They are ordinary aws-lambda-go handlers. The local Lambda runs one by
// starting the lambench executable itself as the function's bootstrap with
// EnvVar set to the demo's name; lambench's main calls Main before any
// command wiring, so a demo process is a real Runtime API client whose init
// costs about what a standalone aws-lambda-go binary's does.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// EnvVar names the environment variable that selects a demo in a process
// started as a function's bootstrap.
const EnvVar = "_LAMBENCH_DEMO"

// Demo describes one demo function.
type Demo struct {
	// Name is what `code = "builtin:NAME"` refers to.
	Name string
	// Description says what the demo does and which event fields it reads.
	Description string
	// Timeout is the demo's default function timeout.
	Timeout time.Duration
	handler any
}

var demos = []Demo{
	{"hello", `greets {"name":"..."} and logs a line`, 3 * time.Second, hello},
	{"echo", "returns the event unchanged", 3 * time.Second, echo},
	{"sleep", `sleeps {"ms":N} milliseconds (default 50)`, 30 * time.Second, sleep},
	{"cpu", `burns CPU: {"units":N} rounds of SHA-256 over 1.5 MiB (default 100: about 100 ms of one 2026 x86 core)`, 60 * time.Second, cpu},
	{"fail", `returns an error {"message":"..."}; {"panic":true} panics instead`, 3 * time.Second, fail},
	{"crash", `exits the process with {"code":N} (default 2)`, 3 * time.Second, crash},
	{"alloc", `allocates {"mb":N} MB and touches every page (default 64)`, 30 * time.Second, alloc},
	{"api", `answers an HTTP request (Function URL / API Gateway v2 event) with a plain-text greeting naming its method and path`, 3 * time.Second, api},
	{"print", `prints {"lines":N} numbered lines of {"size":B} bytes (default 10 x 80), alternating stdout and stderr with {"stderr":true}, then {"partial":"..."} without a newline`, 30 * time.Second, printLines},
}

// Names lists the demo names in a stable order.
func Names() []string {
	names := make([]string, len(demos))
	for i, d := range demos {
		names[i] = d.Name
	}
	return names
}

// Lookup returns the demo called name.
func Lookup(name string) (Demo, bool) {
	i := slices.IndexFunc(demos, func(d Demo) bool { return d.Name == name })
	if i < 0 {
		return Demo{}, false
	}
	return demos[i], true
}

// Main runs the demo called name as a Lambda function: it serves the
// Runtime API named by AWS_LAMBDA_RUNTIME_API and does not return unless the
// name is unknown, in which case it returns the exit status to use.
func Main(name string) int {
	d, ok := Lookup(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "lambench: unknown demo function %q (valid: %v)\n", name, Names())
		return 2
	}
	lambda.Start(d.handler)
	return 1 // not reached: lambda.Start exits on failure
}

type helloEvent struct {
	Name string `json:"name"`
}

type helloResult struct {
	Message string `json:"message"`
}

func hello(ctx context.Context, e helloEvent) (helloResult, error) {
	if e.Name == "" {
		e.Name = "world"
	}
	requestID := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	fmt.Printf("greeting %s (request %s)\n", e.Name, requestID)
	return helloResult{Message: "Hello, " + e.Name + "!"}, nil
}

func echo(e json.RawMessage) (json.RawMessage, error) {
	return e, nil
}

type sleepEvent struct {
	MS *int `json:"ms"`
}

func sleep(e sleepEvent) (map[string]int, error) {
	ms := 50
	if e.MS != nil {
		ms = *e.MS
	}
	// A real function ignores its context as often as not: sleeping past
	// the deadline is exactly what the timeout tests need.
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return map[string]int{"slept_ms": ms}, nil
}

type cpuEvent struct {
	Units *int `json:"units"`
}

type cpuResult struct {
	Units  int     `json:"units"`
	Digest string  `json:"digest"`
	CPUms  float64 `json:"cpu_ms"`
	WallMS float64 `json:"wall_ms"`
}

// cpuUnitBytes is the data hashed per unit of CPU work.
const cpuUnitBytes = 1536 << 10

func cpu(e cpuEvent) (cpuResult, error) {
	units := 100
	if e.Units != nil {
		units = *e.Units
	}
	if units < 0 {
		return cpuResult{}, errors.New("units must not be negative")
	}
	start, cpuStart := time.Now(), processCPU()
	buf := make([]byte, cpuUnitBytes)
	sum := sha256.Sum256(nil)
	for range units {
		copy(buf, sum[:])
		sum = sha256.Sum256(buf)
	}
	return cpuResult{
		Units:  units,
		Digest: hex.EncodeToString(sum[:]),
		CPUms:  float64(processCPU()-cpuStart) / float64(time.Millisecond),
		WallMS: float64(time.Since(start)) / float64(time.Millisecond),
	}, nil
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type failEvent struct {
	Message string `json:"message"`
	Panic   bool   `json:"panic"`
}

func fail(e failEvent) (string, error) {
	if e.Message == "" {
		e.Message = "the fail demo failed, as asked"
	}
	if e.Panic {
		panic(e.Message)
	}
	return "", errors.New(e.Message)
}

type crashEvent struct {
	Code *int `json:"code"`
}

func crash(e crashEvent) (string, error) {
	code := 2
	if e.Code != nil {
		code = *e.Code
	}
	fmt.Printf("crashing with exit status %d\n", code)
	os.Exit(code)
	return "", nil
}

type allocEvent struct {
	MB *int `json:"mb"`
}

func alloc(e allocEvent) (map[string]int, error) {
	mb := 64
	if e.MB != nil {
		mb = *e.MB
	}
	if mb < 0 {
		return nil, errors.New("mb must not be negative")
	}
	const page = 4096
	buf := make([]byte, mb<<20)
	for i := 0; i < len(buf); i += page {
		buf[i] = byte(i / page)
	}
	sum := 0
	for i := 0; i < len(buf); i += page {
		sum += int(buf[i])
	}
	fmt.Printf("allocated and touched %d MB\n", mb)
	return map[string]int{"mb": mb, "pages": len(buf) / page, "checksum": sum}, nil
}

type printEvent struct {
	Lines   *int   `json:"lines"`
	Size    int    `json:"size"`
	Stderr  bool   `json:"stderr"`
	Partial string `json:"partial"`
}

func printLines(e printEvent) (map[string]int, error) {
	lines := 10
	if e.Lines != nil {
		lines = *e.Lines
	}
	if e.Size <= 0 {
		e.Size = 80
	}
	pad := strings.Repeat("x", e.Size)
	for i := range lines {
		w := os.Stdout
		if e.Stderr && i%2 == 1 {
			w = os.Stderr
		}
		line := fmt.Sprintf("line %d ", i)
		if len(line) < e.Size {
			line += pad[:e.Size-len(line)]
		}
		fmt.Fprintln(w, line)
	}
	if e.Partial != "" {
		fmt.Print(e.Partial)
	}
	return map[string]int{"lines": lines}, nil
}

func api(e events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	path := e.RawPath
	if path == "" {
		path = "/"
	}
	method := e.RequestContext.HTTP.Method
	body := fmt.Sprintf("Hello from %s %s", method, path)
	if e.RawQueryString != "" {
		body += "?" + e.RawQueryString
	}
	return events.LambdaFunctionURLResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "text/plain; charset=utf-8"},
		Body:       body + "\n",
	}, nil
}
