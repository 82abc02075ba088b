package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// startLines counts the START lines of request id in a function's logs.
func startLines(srv *Server, function, id string) int {
	n := 0
	for _, st := range srv.Logs().Streams("/aws/lambda/" + function) {
		for _, ev := range srv.Logs().Events("/aws/lambda/"+function, st.Name) {
			if ev.Message == "START RequestId: "+id+" Version: $LATEST" {
				n++
			}
		}
	}
	return n
}

func readRecords(t *testing.T, path string) []destinationRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var recs []destinationRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 8<<20)
	for sc.Scan() {
		var r destinationRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("on-failure line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestEventInvocationAnswers202AndRuns(t *testing.T) {
	srv, url := newTestServer(t, []Function{demoFn("echo", "echo")})
	out, err := sdkClient(url).Invoke(context.Background(), &lambda.InvokeInput{
		FunctionName: aws.String("echo"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"async":true}`),
	})
	if err != nil || out.StatusCode != 202 || len(out.Payload) != 0 {
		t.Fatalf("Event invoke: %v %+v", err, out)
	}
	waitFor(t, "the event to run", 10*time.Second, func() bool { return srv.Queued() == 0 && len(srv.Logs().Streams("/aws/lambda/echo")) == 1 })
	r := invokeHTTP(t, url, "echo", `{"big":"`+strings.Repeat("x", MaxAsyncPayload)+`"}`, "X-Amz-Invocation-Type", "Event")
	if r.status != 413 || r.header.Get("X-Amzn-Errortype") != "RequestTooLargeException" {
		t.Errorf("an Event payload over 1 MB: %d %s", r.status, r.body)
	}
}

func TestFailedEventIsRetriedThenRecorded(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "on-failure.jsonl")
	srv, url := newTestServer(t, []Function{demoFn("fail", "fail"), demoFn("once", "fail", func(f *Function) { zero := 0; f.MaxRetryAttempts = &zero })},
		WithAsync(0, []time.Duration{20 * time.Millisecond, 40 * time.Millisecond}, 0, 0), WithOnFailure(dest))
	r := invokeHTTP(t, url, "fail", `{"message":"nope"}`, "X-Amz-Invocation-Type", "Event")
	if r.status != 202 {
		t.Fatalf("Event invoke: %d %s", r.status, r.body)
	}
	id := r.header.Get("X-Amzn-Requestid")
	r2 := invokeHTTP(t, url, "once", `{}`, "X-Amz-Invocation-Type", "Event")
	waitFor(t, "both records", 20*time.Second, func() bool { return len(readRecords(t, dest)) == 2 })
	recs := readRecords(t, dest)
	byID := map[string]destinationRecord{}
	for _, rec := range recs {
		byID[rec.RequestContext.RequestID] = rec
	}
	rec := byID[id]
	if rec.RequestContext.Condition != "RetriesExhausted" || rec.RequestContext.ApproximateInvokeCount != 3 ||
		rec.RequestContext.FunctionArn != "arn:aws:lambda:us-east-1:123456789012:function:fail:$LATEST" ||
		string(rec.RequestPayload) != `{"message":"nope"}` || rec.ResponseContext.FunctionError != "Unhandled" ||
		rec.ResponseContext.StatusCode != 200 || !strings.Contains(string(rec.ResponsePayload), `"errorMessage":"nope"`) {
		t.Errorf("record %+v", rec)
	}
	if n := startLines(srv, "fail", id); n != 3 {
		t.Errorf("the event ran %d times, want 1 + 2 retries under the same request id", n)
	}
	if rec := byID[r2.header.Get("X-Amzn-Requestid")]; rec.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("MaxRetryAttempts 0: %+v", rec)
	}
}

func TestThrottledEventExpires(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "on-failure.jsonl")
	_, url := newTestServer(t, []Function{demoFn("off", "echo", withReserved(0))},
		WithAsync(0, nil, 300*time.Millisecond, 0), WithOnFailure(dest))
	invokeHTTP(t, url, "off", `{"n":1}`, "X-Amz-Invocation-Type", "Event")
	waitFor(t, "the expiry record", 10*time.Second, func() bool { return len(readRecords(t, dest)) == 1 })
	if rec := readRecords(t, dest)[0]; rec.RequestContext.Condition != "EventAgeExceeded" || rec.RequestContext.ApproximateInvokeCount != 0 {
		t.Errorf("record %+v", rec)
	}
}

func TestFullQueueThrottles(t *testing.T) {
	_, url := newTestServer(t, []Function{demoFn("off", "echo", withReserved(0))}, WithAsync(2, nil, 0, 0))
	c := sdkClient(url)
	var err error
	for range 3 {
		_, err = c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("off"), InvocationType: types.InvocationTypeEvent})
	}
	var tm *types.TooManyRequestsException
	if !errors.As(err, &tm) {
		t.Errorf("third event into a queue of two: %v", err)
	}
}

func TestQueuedEventsSurviveARestart(t *testing.T) {
	state := t.TempDir()
	first, url := newTestServer(t, []Function{demoFn("later", "echo", withReserved(0))}, WithStateDir(state))
	r := invokeHTTP(t, url, "later", `{"kept":true}`, "X-Amz-Invocation-Type", "Event")
	id := r.header.Get("X-Amzn-Requestid")
	first.Close()
	if files, _ := filepath.Glob(filepath.Join(state, "async", "*.json")); len(files) != 1 {
		t.Fatalf("queued events on disk after Close: %v", files)
	}
	second, _ := newTestServer(t, []Function{demoFn("later", "echo")}, WithStateDir(state))
	waitFor(t, "the resumed event to run", 10*time.Second, func() bool { return startLines(second, "later", id) == 1 })
	waitFor(t, "its file to go", 5*time.Second, func() bool {
		files, _ := filepath.Glob(filepath.Join(state, "async", "*.json"))
		return len(files) == 0
	})
}

func TestShutdownRecordsWhatCannotRun(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "on-failure.jsonl")
	srv, url := newTestServer(t, []Function{demoFn("off", "echo", withReserved(0))},
		WithAsync(0, nil, 0, 100*time.Millisecond), WithOnFailure(dest))
	r := invokeHTTP(t, url, "off", `{"left":true}`, "X-Amz-Invocation-Type", "Event")
	srv.Close()
	recs := readRecords(t, dest)
	if len(recs) != 1 || recs[0].RequestContext.Condition != "Shutdown" || recs[0].RequestContext.RequestID != r.header.Get("X-Amzn-Requestid") {
		t.Errorf("records after Close: %+v", recs)
	}
}
