package emulator

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

var streamRE = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)

// TestEveryLineBeforeEnd checks the drain: all a function printed before
// answering is stored between its START and END, in order, across stdout
// and stderr, including a last line without a newline.
func TestEveryLineBeforeEnd(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("print", "print")})
	ctx := context.Background()
	const n = 2000
	for round := range 15 {
		out, err := srv.Invoke(ctx, &InvokeInput{FunctionName: "print",
			Payload: fmt.Appendf(nil, `{"lines":%d,"size":120,"stderr":true,"partial":"no newline %d"}`, n, round)})
		if err != nil || out.FunctionError != "" {
			t.Fatalf("invoke: %v %s", err, out.Payload)
		}
		streams := srv.Logs().Streams("/aws/lambda/print")
		if len(streams) != 1 || !streamRE.MatchString(streams[0].Name) {
			t.Fatalf("streams %+v", streams)
		}
		var ls []string
		for _, ev := range srv.Logs().Events("/aws/lambda/print", streams[0].Name) {
			ls = append(ls, ev.Message)
		}
		start := indexOfPrefix(ls, "START RequestId: "+out.RequestID)
		end := indexOfPrefix(ls, "END RequestId: "+out.RequestID)
		if start < 0 || end != start+n+2 || !strings.HasPrefix(ls[end+1], "REPORT RequestId: "+out.RequestID) {
			t.Fatalf("round %d: START at %d, END at %d, want %d lines between", round, start, end, n+1)
		}
		for i := range n {
			if want := fmt.Sprintf("line %d ", i); !strings.HasPrefix(ls[start+1+i], want) || len(ls[start+1+i]) != 120 {
				t.Fatalf("round %d: line %d is %.30q", round, i, ls[start+1+i])
			}
		}
		if got := ls[end-1]; got != fmt.Sprintf("no newline %d", round) {
			t.Fatalf("round %d: last line before END is %q", round, got)
		}
	}
}

func TestLongLinesAreSplit(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("print", "print")}, WithMaxLineBytes(1000))
	out, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "print", Payload: []byte(`{"lines":1,"size":2500}`), LogType: LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	ls := lines(string(out.LogResult))
	i := indexOfPrefix(ls, "line 0 ")
	if i < 0 || len(ls[i]) != 1000 || len(ls[i+1]) != 1000 || len(ls[i+2]) != 500 || !strings.HasPrefix(ls[i+3], "END ") {
		t.Errorf("a 2,500-byte line with a 1,000-byte cap became %d lines before END:\n%.200s", indexOfPrefix(ls, "END ")-i, out.LogResult)
	}
}

func TestTailIsLastFourKilobytes(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("print", "print")})
	out, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "print", Payload: []byte(`{"lines":500,"size":100}`), LogType: LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	tail := string(out.LogResult)
	if len(tail) != TailBytes || !strings.HasSuffix(tail, "\t\n") || !strings.Contains(tail, "END RequestId: "+out.RequestID+"\nREPORT ") {
		t.Errorf("tail of %d bytes ends %q", len(tail), tail[max(0, len(tail)-200):])
	}
	if strings.Contains(tail, "START RequestId") {
		t.Errorf("a 50 KB log's last 4 KB should not reach START")
	}
}

func TestSlowSubscriberNeverBlocksFunctions(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("print", "print")})
	sub := srv.Logs().Subscribe("/aws/lambda/print", 1) // never read
	defer sub.Close()
	all := srv.Logs().Subscribe("", 100000)
	defer all.Close()
	done := make(chan error, 1)
	go func() {
		_, err := srv.Invoke(context.Background(), &InvokeInput{FunctionName: "print", Payload: []byte(`{"lines":5000}`)})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a subscriber that never reads blocked the function")
	}
	if sub.Dropped() == 0 {
		t.Errorf("the full subscriber dropped nothing")
	}
	if got := len(all.C); got < 5003 || all.Dropped() != 0 {
		t.Errorf("a subscriber with room got %d events, dropped %d", got, all.Dropped())
	}
	ev := <-all.C
	if ev.Group != "/aws/lambda/print" || !streamRE.MatchString(ev.Stream) || ev.Timestamp == 0 {
		t.Errorf("event %+v", ev)
	}
}

// TestProcessEnvironment checks what a function process sees: Lambda's
// reserved variables and its own, not lambench's environment.
func TestProcessEnvironment(t *testing.T) {
	t.Setenv("LAMBENCH_TEST_SECRET", "must-not-leak")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDOFTHESHELL")
	dir := t.TempDir()
	fn := Function{
		Name:        "env",
		Command:     []string{"/bin/sh", "-c", `env | sort; echo "$AWS_LAMBDA_RUNTIME_API" > ` + dir + `/addr.tmp && mv ` + dir + `/addr.tmp ` + dir + `/addr; exec sleep 600`},
		MemoryMB:    256,
		Environment: map[string]string{"GREETING": "hi"},
		Credentials: staticCredentials{AccessKeyID: "AKIDFORTHEFUNCTION", SecretAccessKey: "secret", SessionToken: "token"},
		EndpointURL: "http://127.0.0.1:5000",
	}
	srv, url := newTestServer(t, []Function{fn})
	rt := &manualRuntime{t: t, srv: srv, url: url, addrFile: dir + "/addr", ctx: context.Background(), function: "env"}
	call := rt.invokeAsync(`{}`)
	ev := rt.next()
	rt.post(ev.id, "response", `{}`, 202)
	rt.nextAsync()
	r := <-call
	env := map[string]string{}
	for _, l := range lines(r.log) {
		if k, v, ok := strings.Cut(l, "="); ok {
			env[k] = v
		}
	}
	streams := srv.Logs().Streams("/aws/lambda/env")
	want := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "env",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/env",
		"AWS_LAMBDA_LOG_STREAM_NAME":      streams[0].Name,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"_HANDLER":                        "bootstrap",
		"TZ":                              ":UTC",
		"GREETING":                        "hi",
		"AWS_ACCESS_KEY_ID":               "AKIDFORTHEFUNCTION",
		"AWS_SECRET_ACCESS_KEY":           "secret",
		"AWS_SESSION_TOKEN":               "token",
		"AWS_ENDPOINT_URL":                "http://127.0.0.1:5000",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	if !strings.HasPrefix(env["TMPDIR"], srv.runtimeDir) {
		t.Errorf("TMPDIR=%q is not the environment's own directory", env["TMPDIR"])
	}
	if !strings.HasPrefix(env["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:") || env["LAMBDA_TASK_ROOT"] == "" {
		t.Errorf("AWS_LAMBDA_RUNTIME_API=%q LAMBDA_TASK_ROOT=%q", env["AWS_LAMBDA_RUNTIME_API"], env["LAMBDA_TASK_ROOT"])
	}
	for _, leak := range []string{"LAMBENCH_TEST_SECRET", "HOME", "AWS_LAMBDA_MAX_CONCURRENCY"} {
		if _, ok := env[leak]; ok {
			t.Errorf("%s reached the function", leak)
		}
	}
}

type staticCredentials AWSCredentials

func (c staticCredentials) Credentials(context.Context) (AWSCredentials, error) {
	return AWSCredentials(c), nil
}
