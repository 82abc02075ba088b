package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/emulator/sigv4"
	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/internal/testlocal"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/invoke/local"
	"github.com/lambench/lambench/loadgen/stats"
)

// lambdaTarget is the unsigned Invoke of function on l, or fails the test.
func lambdaTarget(t testing.TB, l *localLambda, function string) Target {
	t.Helper()
	tg, err := LambdaTarget(l.URL, function, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// mustRun runs o and fails the test on an error.
func mustRun(t testing.TB, o RunOptions) stats.Summary {
	t.Helper()
	agg, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return agg.Snapshot()
}

func TestRunSleepAtRate(t *testing.T) {
	l := startLocal(t)
	var progress []Progress
	var mu sync.Mutex
	s := mustRun(t, RunOptions{
		Target:           lambdaTarget(t, l, "sleep"),
		Plan:             Constant(20, 2*time.Second),
		Payload:          []byte(`{"ms":50}`),
		ProgressInterval: 500 * time.Millisecond,
		Progress: func(p Progress) {
			mu.Lock()
			progress = append(progress, p)
			mu.Unlock()
		},
	})
	if s.Requests != 40 || s.OK != 40 {
		t.Errorf("%d requests, %d OK; want 40 and 40", s.Requests, s.OK)
	}
	if s.ColdStarts < 1 || s.ColdStarts+s.WarmStarts != s.Requests {
		t.Errorf("%d cold and %d warm starts of %d requests", s.ColdStarts, s.WarmStarts, s.Requests)
	}
	if p50 := s.WarmLatency.Percentile(50); p50 < 50*time.Millisecond || p50 > 90*time.Millisecond {
		t.Errorf("warm p50 %v, want 50-90ms", p50)
	}
	if d := s.Duration.Percentile(50); d < 50*time.Millisecond || d > 70*time.Millisecond {
		t.Errorf("function Duration p50 %v, want 50-70ms", d)
	}
	if s.InitDuration.Count != s.ColdStarts || s.InitDuration.Min <= 0 {
		t.Errorf("Init Duration: %d samples from %v, for %d cold starts", s.InitDuration.Count, s.InitDuration.Min, s.ColdStarts)
	}
	if s.MemorySizeMB != emulator.DefaultMemoryMB || s.MaxMemoryUsed.Max <= 0 {
		t.Errorf("memory size %d MB, max used %d MB", s.MemorySizeMB, s.MaxMemoryUsed.Max)
	}
	if s.BilledDuration.Min < 50*time.Millisecond {
		t.Errorf("billed duration min %v", s.BilledDuration.Min)
	}
	if s.MaxInFlight < 1 {
		t.Errorf("max in flight %d", s.MaxInFlight)
	}
	if r := s.Rate(); r < 18 || r > 22 {
		t.Errorf("achieved rate %.1f/s, want about 20", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) < 3 {
		t.Fatalf("%d progress reports in 2s at 500ms", len(progress))
	}
	last := progress[len(progress)-1]
	if !last.Done || last.Requests != 40 || last.InFlight != 0 {
		t.Errorf("last progress %+v", last)
	}
	for _, p := range progress[:len(progress)-1] {
		if p.Done || p.Warmup {
			t.Errorf("progress before the end: %+v", p)
		}
	}
}

func TestRunThrottlesWithReason(t *testing.T) {
	l := startLocal(t)
	// "single" runs one invocation at a time; 300 ms each at 20/s leaves
	// most requests without an execution.
	s := mustRun(t, RunOptions{
		Target:  lambdaTarget(t, l, "single"),
		Plan:    Constant(20, time.Second),
		Payload: []byte(`{"ms":300}`),
	})
	if s.Requests != 20 || s.Throttles < 10 || s.OK < 2 || s.OK+s.Throttles != s.Requests {
		t.Fatalf("%d requests: %d OK, %d throttled, %d errors", s.Requests, s.OK, s.Throttles, s.Errors())
	}
	want := map[string]int64{emulator.ReasonReservedFunctionConcurrentInvocationLimit: s.Throttles}
	if fmt.Sprint(s.ThrottleReasons) != fmt.Sprint(want) {
		t.Errorf("throttle reasons %v, want %v", s.ThrottleReasons, want)
	}
	// A throttle never reached a function: no REPORT.
	if s.UnknownStarts != s.Throttles {
		t.Errorf("%d unknown starts for %d throttles", s.UnknownStarts, s.Throttles)
	}
}

func TestRunFunctionErrors(t *testing.T) {
	l := startLocal(t)
	s := mustRun(t, RunOptions{
		Target: lambdaTarget(t, l, "fail"),
		Plan:   Closed(1, 0, 5),
	})
	if s.Requests != 5 || s.FunctionErrors != 5 {
		t.Fatalf("%d requests, %d function errors", s.Requests, s.FunctionErrors)
	}
	if s.ErrorTypes["errorString"] != 5 {
		t.Errorf("error types %v, want errorString (aws-lambda-go's errors.New)", s.ErrorTypes)
	}
	// The function ran: its REPORT says cold or warm.
	if s.ColdStarts != 1 || s.WarmStarts != 4 {
		t.Errorf("%d cold, %d warm", s.ColdStarts, s.WarmStarts)
	}
}

func TestRunServiceErrors(t *testing.T) {
	l := startLocal(t)
	s := mustRun(t, RunOptions{
		Target: lambdaTarget(t, l, "no-such-function"),
		Plan:   Closed(2, 0, 6),
	})
	if s.ServiceErrors != 6 || s.ServiceErrorCodes["ResourceNotFoundException"] != 6 {
		t.Errorf("%d service errors: %v", s.ServiceErrors, s.ServiceErrorCodes)
	}
}

func TestRunTransportErrors(t *testing.T) {
	before := runtime.NumGoroutine()
	tg, err := LambdaTarget(fmt.Sprintf("http://127.0.0.1:%d", testbin.FreePort(t)), "hello", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := mustRun(t, RunOptions{Target: tg, Plan: Constant(50, 200*time.Millisecond)})
	if s.Requests != 10 || s.TransportErrors != 10 || s.UnknownStarts != 10 {
		t.Errorf("%d requests, %d transport errors, %d unknown starts", s.Requests, s.TransportErrors, s.UnknownStarts)
	}
	settleGoroutines(t, before)
}

func TestRunRIE(t *testing.T) {
	endpoint, _ := testbin.StartRIE(t)
	tg, err := RIETarget(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	// An RIE runs one invocation at a time: one worker.
	s := mustRun(t, RunOptions{Target: tg, Plan: Closed(1, 0, 10), Payload: []byte(`{"name":"rie"}`)})
	if s.Requests != 10 || s.OK != 10 {
		t.Fatalf("%d requests, %d OK: %v %v", s.Requests, s.OK, s.ServiceErrorCodes, s.TransportErrors)
	}
	if s.UnknownStarts != 10 || s.ColdStarts+s.WarmStarts != 0 || s.Duration.Count != 0 {
		t.Errorf("an RIE gives no tail, yet %d cold, %d warm, %d durations", s.ColdStarts, s.WarmStarts, s.Duration.Count)
	}
}

func TestRunHTTPFront(t *testing.T) {
	l := startLocal(t)
	ok, err := HTTPTarget(http.MethodGet, l.FrontURL+"/api/orders", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := mustRun(t, RunOptions{Target: ok, Plan: Closed(2, 0, 8)})
	if s.OK != 8 || s.UnknownStarts != 8 {
		t.Errorf("%d OK, %d unknown starts of %d", s.OK, s.UnknownStarts, s.Requests)
	}
	// A function error through a function URL is a 502.
	fail, _ := HTTPTarget(http.MethodPost, l.FrontURL+"/fail/", nil, nil)
	s = mustRun(t, RunOptions{Target: fail, Plan: Closed(1, 0, 3)})
	if s.ServiceErrors != 3 || s.ServiceErrorCodes["HTTP 502"] != 3 {
		t.Errorf("%d service errors: %v", s.ServiceErrors, s.ServiceErrorCodes)
	}
}

// refreshingCreds hands out credentials that expire after a while, and
// counts how often it is asked.
type refreshingCreds struct {
	creds sigv4.Credentials
	ttl   time.Duration
	calls atomic.Int64
}

func (r *refreshingCreds) Retrieve(context.Context) (aws.Credentials, error) {
	r.calls.Add(1)
	return aws.Credentials{
		AccessKeyID: r.creds.AccessKeyID, SecretAccessKey: r.creds.SecretAccessKey, SessionToken: r.creds.SessionToken,
		CanExpire: true, Expires: time.Now().Add(r.ttl),
	}, nil
}

func TestRunSigned(t *testing.T) {
	good := sigv4.Credentials{AccessKeyID: "AKIDLOADGENTEST", SecretAccessKey: "secret-of-the-load-test"}
	temp := sigv4.Credentials{AccessKeyID: "ASIALOADGENTEST", SecretAccessKey: "temporary-secret", SessionToken: "a-session-token"}
	l := startLocal(t, emulator.WithAuth(good, temp))
	target := func(p aws.CredentialsProvider) Target {
		t.Helper()
		signer, err := NewSigner(p, "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		tg, err := LambdaTarget(l.URL, "hello", "", signer)
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	static := func(c sigv4.Credentials) aws.CredentialsProvider {
		return credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}

	t.Run("right keys", func(t *testing.T) {
		s := mustRun(t, RunOptions{Target: target(static(good)), Plan: Closed(4, 0, 40), Payload: []byte(`{"name":"signed"}`)})
		if s.OK != 40 {
			t.Errorf("%d OK of %d: %v", s.OK, s.Requests, s.ServiceErrorCodes)
		}
		// The same target answers with tails when signed.
		if s.ColdStarts < 1 || s.UnknownStarts != 0 {
			t.Errorf("%d cold, %d unknown", s.ColdStarts, s.UnknownStarts)
		}
	})
	t.Run("refreshed temporary keys", func(t *testing.T) {
		// The cache refreshes credentials a minute before they expire:
		// here, every 100ms.
		p := &refreshingCreds{creds: temp, ttl: credentialsExpiryWindow + 100*time.Millisecond}
		s := mustRun(t, RunOptions{Target: target(p), Plan: Constant(20, time.Second)})
		if s.OK != 20 {
			t.Errorf("%d OK of %d: %v", s.OK, s.Requests, s.ServiceErrorCodes)
		}
		if n := p.calls.Load(); n < 3 || n > 25 {
			t.Errorf("credentials asked %d times in 1s with a 100ms lifetime", n)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		bad := good
		bad.SecretAccessKey = "not-the-secret"
		s := mustRun(t, RunOptions{Target: target(static(bad)), Plan: Closed(1, 0, 3)})
		if s.ServiceErrorCodes["InvalidSignatureException"] != 3 {
			t.Errorf("%v", s.ServiceErrorCodes)
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		s := mustRun(t, RunOptions{Target: target(static(sigv4.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "x"})), Plan: Closed(1, 0, 3)})
		if s.ServiceErrorCodes["UnrecognizedClientException"] != 3 {
			t.Errorf("%v", s.ServiceErrorCodes)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		s := mustRun(t, RunOptions{Target: lambdaTarget(t, l, "hello"), Plan: Closed(1, 0, 3)})
		if s.ServiceErrorCodes["MissingAuthenticationTokenException"] != 3 {
			t.Errorf("%v", s.ServiceErrorCodes)
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no SSO session")
		})
		_, err := Run(context.Background(), RunOptions{Target: target(failing), Plan: Closed(1, 0, 3)})
		if err == nil || !strings.Contains(err.Error(), "no SSO session") {
			t.Errorf("got %v", err)
		}
	})
}

func TestRunClosedModel(t *testing.T) {
	l := startLocal(t)
	var maxSeen atomic.Int64
	s := mustRun(t, RunOptions{
		Target:  lambdaTarget(t, l, "sleep"),
		Plan:    Closed(3, 0, 30),
		Payload: []byte(`{"ms":20}`),
		OnSample: func(s *stats.Sample) {
			if n := int64(s.InFlight); n > maxSeen.Load() {
				maxSeen.Store(n)
			}
		},
	})
	if s.Requests != 30 || s.OK != 30 {
		t.Fatalf("%d requests, %d OK", s.Requests, s.OK)
	}
	if s.MaxInFlight != 3 || maxSeen.Load() != 3 {
		t.Errorf("max in flight %d (samples: %d), want the 3 workers", s.MaxInFlight, maxSeen.Load())
	}
	// Three environments at most, each started cold once.
	if s.ColdStarts < 1 || s.ColdStarts > 3 {
		t.Errorf("%d cold starts", s.ColdStarts)
	}
}

func TestRunRequestLimitAndWarmup(t *testing.T) {
	l := startLocal(t)
	plan := Constant(50, 10*time.Second)
	plan.Requests = 12
	plan.WarmupRequests = 4
	var sawWarmup atomic.Bool
	start := time.Now()
	s := mustRun(t, RunOptions{
		Target:           lambdaTarget(t, l, "hello"),
		Plan:             plan,
		ProgressInterval: 20 * time.Millisecond,
		Progress: func(p Progress) {
			if p.Warmup && p.Requests == 0 {
				sawWarmup.Store(true)
			}
		},
	})
	if s.Requests != 12 {
		t.Errorf("%d requests, want the limit 12", s.Requests)
	}
	// One environment at 50/s of a fast function, started in the warm-up.
	if s.ColdStarts != 0 || s.WarmStarts != 12 {
		t.Errorf("%d cold, %d warm after the warm-up", s.ColdStarts, s.WarmStarts)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("16 requests at 50/s took %v", d)
	}
	if !sawWarmup.Load() {
		t.Error("no progress during the warm-up")
	}
}

func TestRunWarmupDuration(t *testing.T) {
	l := startLocal(t)
	plan := Constant(20, time.Second)
	plan.Warmup = 500 * time.Millisecond
	var warm atomic.Int64
	// One environment at most: requests that meet it initialising are
	// throttled rather than starting more, so a slow cold start in the
	// warm-up (race detector, busy machine) cannot leave a second one
	// starting in the measured phase.
	agg, err := Run(context.Background(), RunOptions{
		Target:   lambdaTarget(t, l, "hello-single"),
		Plan:     plan,
		Progress: func(p Progress) { warm.Store(p.WarmupRequests) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := agg.Snapshot(); s.Requests != 20 || s.ColdStarts != 0 {
		t.Errorf("%d requests, %d cold", s.Requests, s.ColdStarts)
	}
	if n := warm.Load(); n != 10 {
		t.Errorf("%d warm-up requests in 500ms at 20/s", n)
	}
}

func TestRunRendersEachRequest(t *testing.T) {
	// A plain HTTP server records what it receives: the bodies rendered
	// from the template, request by request.
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "custom"), 0o755)
	os.WriteFile(filepath.Join(dir, "custom", "order.json"), []byte(`{"order": "{{ .order }}"}`), 0o644)
	reg := events.NewRegistry()
	if err := reg.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	tpl, err := reg.Lookup("custom order")
	if err != nil {
		t.Fatal(err)
	}
	src, err := tpl.Compile(map[string]string{"order": "o-{{seq}}"})
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := HTTPTarget(http.MethodPost, srv.URL, nil, nil)
	plan := Closed(3, 0, 20)
	plan.WarmupRequests = 2
	s := mustRun(t, RunOptions{Target: tg, Plan: plan, Source: src})
	if s.OK != 20 {
		t.Fatalf("%d OK", s.OK)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(bodies)
	var want []string
	for i := range 22 {
		want = append(want, fmt.Sprintf(`{"order": "o-%d"}`, i))
	}
	slices.Sort(want)
	if !slices.Equal(bodies, want) {
		t.Errorf("bodies\n%q\nwant\n%q", bodies, want)
	}
}

func TestRunStopsAtRenderError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	tg, _ := HTTPTarget(http.MethodPost, srv.URL, nil, nil)
	agg, err := Run(context.Background(), RunOptions{Target: tg, Plan: Closed(1, 0, 100), Source: failingSource{after: 5}})
	if !errors.Is(err, ErrRender) || !strings.Contains(err.Error(), "request 5") {
		t.Fatalf("got %v", err)
	}
	if s := agg.Snapshot(); s.Requests != 5 || s.OK != 5 {
		t.Errorf("%d requests, %d OK", s.Requests, s.OK)
	}
}

// failingSource renders "{}" until request after, then fails: a template
// whose placeholder breaks (events' own errors come from user input).
type failingSource struct{ after uint64 }

func (f failingSource) Render(dst []byte, n uint64) ([]byte, error) {
	if n >= f.after {
		return nil, fmt.Errorf("request %d: bad placeholder", n)
	}
	return append(dst, "{}"...), nil
}

func TestRunResultsFile(t *testing.T) {
	l := startLocal(t)
	var buf bytes.Buffer
	// Bounded by the count: a duration alone may lose the last request on
	// a busy machine (vegeta drops a hit due after the end).
	plan := Constant(40, 5*time.Second)
	plan.Requests = 20
	s := mustRun(t, RunOptions{
		Target:  lambdaTarget(t, l, "hello"),
		Plan:    plan,
		Results: &buf,
		Name:    "hello-test",
	})
	if s.Requests != 20 {
		t.Fatalf("%d requests", s.Requests)
	}
	data := buf.Bytes()
	dec := vegeta.NewDecoder(bytes.NewReader(data))
	var n int
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
		if r.Body != nil || r.Headers != nil {
			t.Errorf("result %d keeps a body (%d bytes) or headers (%d)", r.Seq, len(r.Body), len(r.Headers))
		}
		if r.Code != 200 || r.Attack != "hello-test" || r.Latency <= 0 || r.Method != http.MethodPost {
			t.Errorf("result %+v", r)
		}
	}
	if n != 20 {
		t.Errorf("%d results in the file", n)
	}
	if bytes.Contains(data, []byte("greeting")) || bytes.Contains(data, []byte("REPORT")) {
		t.Error("the results file holds a log tail")
	}

	// vegeta's own CLI at the module's version reads it.
	vegetaBin, err := testbin.Build(t.TempDir(), "github.com/tsenart/vegeta/v12", "vegeta")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "results.bin")
	os.WriteFile(file, data, 0o644)
	out, err := exec.Command(vegetaBin, "report", "-type", "json", file).CombinedOutput()
	if err != nil {
		t.Fatalf("vegeta report: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte(`"requests":20`)) || !bytes.Contains(out, []byte(`"status_codes":{"200":20}`)) {
		t.Errorf("vegeta report:\n%s", out)
	}
}

// startServe runs the local Lambda in a process of its own (`lambench
// serve`, as the local target does), so that this process's goroutines
// are the engine's alone.
func startServe(t testing.TB, args ...string) *local.Server {
	t.Helper()
	return testlocal.StartServe(t, lambenchBin, args...)
}

func TestRunCancelIsPrompt(t *testing.T) {
	srv := startServe(t)
	target, err := LambdaTarget(srv.Endpoint, "sleep", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		plan    Plan
		payload string
		minimum int64
	}{
		// Answers arrive while the run goes on; those before the cancel count.
		{"answers", Constant(20, 10*time.Second), `{"ms":20}`, 10},
		// Every request is still in flight at the cancel: none counts.
		{"all in flight", Constant(20, 10*time.Second), `{"ms":5000}`, 0},
		// A slow rate: vegeta would sleep 5s before the next request.
		// (The first request is due at 5s.)
		{"slow rate", Constant(0.2, time.Minute), `{"ms":1}`, 0},
		{"workers", Closed(4, time.Minute, 0), `{"ms":5000}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(700*time.Millisecond, cancel)
			start := time.Now()
			agg, err := Run(ctx, RunOptions{Target: target, Plan: tc.plan, Payload: []byte(tc.payload)})
			took := time.Since(start)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if took > 1200*time.Millisecond {
				t.Errorf("Run returned %v after it began, cancelled at 700ms", took)
			}
			s := agg.Snapshot()
			if s.Requests < tc.minimum || s.Errors() > 0 {
				t.Errorf("%d requests (want at least %d), %d errors", s.Requests, tc.minimum, s.Errors())
			}
			settleGoroutines(t, before)
		})
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	tg, _ := RIETarget("http://127.0.0.1:1")
	for _, o := range []RunOptions{
		{Target: tg},
		{Target: Target{URL: "ftp://x"}, Plan: Constant(1, time.Second)},
		{Target: Target{Kind: 9, URL: "http://127.0.0.1:1"}, Plan: Constant(1, time.Second)},
	} {
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:9000", "ftp://h"} {
		if _, err := LambdaTarget(bad, "f", "", nil); err == nil {
			t.Errorf("endpoint %q accepted", bad)
		}
	}
	if _, err := LambdaTarget("http://h", "", "", nil); err == nil {
		t.Error("no function accepted")
	}
	if _, err := NewSigner(nil, "us-east-1"); err == nil {
		t.Error("a signer without credentials")
	}
}

func TestLambdaTargetURL(t *testing.T) {
	tg, err := LambdaTarget("https://lambda.eu-west-1.amazonaws.com/", "my-fn", "live", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tg.URL != "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/my-fn/invocations?Qualifier=live" {
		t.Errorf("URL %s", tg.URL)
	}
	if tg.Header.Get("X-Amz-Log-Type") != "Tail" || tg.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" || tg.Method != "POST" {
		t.Errorf("%+v", tg)
	}
	if AWSEndpoint("eu-west-1") != "https://lambda.eu-west-1.amazonaws.com" || AWSEndpoint("cn-north-1") != "https://lambda.cn-north-1.amazonaws.com.cn" {
		t.Error(AWSEndpoint("eu-west-1"), AWSEndpoint("cn-north-1"))
	}
	rie, _ := RIETarget("http://127.0.0.1:9000")
	if rie.URL != "http://127.0.0.1:9000/2015-03-31/functions/function/invocations" || rie.Signer != nil {
		t.Errorf("%+v", rie)
	}
}
