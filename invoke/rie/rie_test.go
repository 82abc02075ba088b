package rie

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/invoke"
)

// rieInstall installs the RIE the tests run.
func TestRIE(t *testing.T) {
	endpoint, output := testbin.StartRIE(t)
	c := New(endpoint, "hello-go")
	ctx := context.Background()

	if tg := c.Target(); tg.Kind != invoke.RIE || tg.Function != "hello-go" || tg.String() != "rie · "+strings.TrimPrefix(endpoint, "http://") {
		t.Errorf("Target %+v", tg)
	}
	r, err := c.Invoke(ctx, &invoke.Request{Function: "any-name", Payload: []byte(`{"name":"rie"}`), ClientContext: []byte(`{"custom":{}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Payload) != `{"message":"Hello, rie!"}` || r.StatusCode != 200 || r.Report != nil || r.TailKnown || r.LogTail != "" || r.Error != nil || r.Latency <= 0 {
		t.Errorf("invoke: %+v", r)
	}
	if _, known := r.Cold(); known {
		t.Error("cold start known without a log tail")
	}
	// The RIE uses the request id sent: its log shows it.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(output.String(), "REPORT RequestId: "+r.RequestID) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if r.RequestID == "" || !strings.Contains(output.String(), "START RequestId: "+r.RequestID) {
		t.Errorf("request id %q not in the RIE's output:\n%s", r.RequestID, output)
	}

	// A function error is a 200 payload with no X-Amz-Function-Error: it
	// is recognised by its shape, and said to be inferred.
	fe, err := c.Invoke(ctx, &invoke.Request{Payload: []byte(`not json`)})
	if err != nil || fe.StatusCode != 200 || fe.Error == nil || !fe.Error.Inferred || fe.Error.Kind != "" || fe.Error.Type == "" || fe.Error.Message == "" ||
		!strings.Contains(string(fe.Payload), `"errorType"`) {
		t.Errorf("function error: %+v %v", fe, err)
	}

	// Concurrent callers: the client sends one at a time, so the RIE's
	// default mode neither refuses nor crashes.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Invoke(ctx, &invoke.Request{Payload: fmt.Appendf(nil, `{"name":"c%d"}`, i)})
			if err == nil && string(r.Payload) != fmt.Sprintf(`{"message":"Hello, c%d!"}`, i) {
				err = fmt.Errorf("payload %s", r.Payload)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent invoke: %v", err)
		}
	}

	for what, err := range map[string]error{
		"Event":     second(c.Invoke(ctx, &invoke.Request{Type: invoke.Event})),
		"DryRun":    second(c.Invoke(ctx, &invoke.Request{Type: invoke.DryRun})),
		"qualifier": second(c.Invoke(ctx, &invoke.Request{Qualifier: "3"})),
		"Functions": c.Functions(ctx, func(invoke.Function) error { return nil }),
		"Function":  second(c.Function(ctx, "hello-go")),
		"Logs":      c.Logs(ctx, "hello-go", invoke.LogOptions{}, func(invoke.LogEvent) {}),
	} {
		if !errors.Is(err, invoke.ErrUnsupported) || !strings.Contains(err.Error(), "; ") {
			t.Errorf("%s: %v", what, err)
		}
	}
	if _, err := c.Invoke(ctx, &invoke.Request{Qualifier: "$LATEST"}); err != nil {
		t.Errorf("$LATEST: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestRIEErrors(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Test") {
		case "busy":
			w.WriteHeader(http.StatusBadRequest)
		case "init":
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(`{"errorType":"Runtime.ExitError","errorMessage":"exit status 2"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer hs.Close()
	test := func(v string) *http.Client {
		return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			r.Header.Set("X-Test", v)
			return http.DefaultTransport.RoundTrip(r)
		})}
	}
	ctx := context.Background()
	var se *invoke.ServiceError
	_, err := New(hs.URL, "", WithHTTPClient(test("busy"))).Invoke(ctx, &invoke.Request{})
	if !errors.As(err, &se) || se.StatusCode != 400 || !strings.Contains(se.Message, "one at a time") {
		t.Errorf("busy: %v", err)
	}
	// A runtime that failed its init is a function error, as on AWS.
	r, err := New(hs.URL, "", WithHTTPClient(test("init"))).Invoke(ctx, &invoke.Request{})
	if err != nil || r.Error == nil || !r.Error.Inferred || r.Error.Type != "Runtime.ExitError" {
		t.Errorf("init failure: %+v %v", r, err)
	}
	_, err = New(hs.URL, "").Invoke(ctx, &invoke.Request{})
	if !errors.As(err, &se) || se.StatusCode != 404 || !strings.Contains(err.Error(), InvokePath) {
		t.Errorf("not an RIE: %v", err)
	}
	hs.Close()
	_, err = New(hs.URL, "").Invoke(ctx, &invoke.Request{})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the RIE at "+hs.URL+": ") || strings.Contains(err.Error(), "Post ") {
		t.Errorf("unreachable: %v", err)
	}

	// A caller waiting for the one slot gives up with its context.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()
	c := New(slow.URL, "")
	go c.Invoke(ctx, &invoke.Request{})
	time.Sleep(50 * time.Millisecond)
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Invoke(tctx, &invoke.Request{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a slot: %v", err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRIEInfersFunctionErrors: only a payload of an error document's shape
// (errorType and errorMessage, no keys but an error document's) is a
// function error; responses that merely mention errorType are not.
// TestRIEProcessExitIsAFunctionError: a runtime that exits during an
// invocation makes the RIE answer 502 with Runtime.ExitError's document;
// on AWS that is a function error, and so it is here.
func TestRIEProcessExitIsAFunctionError(t *testing.T) {
	python := testbin.LookTool(t, "python3", "apt-get install python3")
	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	script := "#!" + python + "\n" + `import os, sys, urllib.request
urllib.request.urlopen("http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/next").read()
sys.exit(3)
`
	if err := os.WriteFile(bootstrap, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	endpoint, _ := testbin.StartRIEWith(t, bootstrap)
	r, err := New(endpoint, "exits").Invoke(context.Background(), &invoke.Request{Payload: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Error == nil || !r.Error.Inferred || r.Error.Type != "Runtime.ExitError" || !strings.Contains(r.Error.Message, "exit status 3") {
		t.Errorf("a runtime that exited: %+v %+v", r, r.Error)
	}
}

func TestRIEInfersFunctionErrors(t *testing.T) {
	var body string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
	defer hs.Close()
	c := New(hs.URL, "f")
	for doc, want := range map[string]bool{
		`{"errorMessage":"boom","errorType":"errorString"}`:                                                   true,
		`{"errorType":"TypeError","errorMessage":"x","trace":["TypeError: x","    at h (/var/task/i.js:2)"]}`: true,
		`{"errorMessage":"x","errorType":"ValueError","requestId":"r","stackTrace":["  File \"a.py\""]}`:      true,
		`{"errorType":"E","errorMessage":"m","cause":{"errorType":"C","errorMessage":"c"}}`:                   true,
		`{"errorType":"E"}`: false,
		`{"errorType":"E","errorMessage":"m","orderId":7}`: false,
		`{"message":"Hello"}`:                              false,
		`[{"errorType":"E","errorMessage":"m"}]`:           false,
		`"errorType"`:                                      false,
		`Task timed out after 1.00 seconds`:                false,
	} {
		body = doc
		r, err := c.Invoke(context.Background(), &invoke.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Error != nil; got != want || got && !r.Error.Inferred {
			t.Errorf("%s: error %+v, want an inferred error %v", doc, r.Error, want)
		}
	}
}
