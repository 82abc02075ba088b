package lambdaapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go/eventstream"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lambench/lambench/invoke"
)

// TestSAMLikeEndpoint: an endpoint that serves Invoke only, and refuses
// LogType Tail, as SAM's start-lambda does (status, headers and bodies as
// samcli's LambdaErrorResponses writes them).
func TestSAMLikeEndpoint(t *testing.T) {
	var refused atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		samError := func(status int, code, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("x-amzn-errortype", code)
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"Type": "LocalService", "Message": %q}`, msg)
		}
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/invocations") {
			samError(404, "PathNotFoundLocally", "PathNotFoundException")
			return
		}
		if lt := r.Header.Get("X-Amz-Log-Type"); lt != "" && lt != "None" {
			refused.Add(1)
			samError(501, "NotImplemented", "log-type: "+lt+" is not supported. None is only supported.")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer hs.Close()
	c := newClient(t, Options{Endpoint: hs.URL, AccessKeyID: "x", SecretAccessKey: "x"})
	ctx := context.Background()

	for range 2 {
		r, err := c.Invoke(ctx, &invoke.Request{Function: "HelloWorld", Payload: []byte(`{}`)})
		if err != nil || string(r.Payload) != `{"ok":true}` || r.TailKnown || r.Report != nil {
			t.Fatalf("invoke: %+v %v", r, err)
		}
	}
	if refused.Load() != 1 {
		t.Errorf("LogType Tail sent %d times to a target that refuses it", refused.Load())
	}

	l := newLogCollector()
	err := c.Logs(ctx, "HelloWorld", invoke.LogOptions{Notice: l.notice}, l.emit)
	want := hs.URL + " does not support logs: it serves no CloudWatch Logs API (FilterLogEvents answered PathNotFoundLocally, HTTP 404)"
	if err == nil || err.Error() != want {
		t.Errorf("Logs: %v", err)
	}
	_, notices := l.snapshot()
	t.Logf("notices %q", notices)
	if !noticeContains(notices, "the function's configuration cannot be read") || !noticeContains(notices, "serves no lambench push stream") {
		t.Errorf("notices %q", notices)
	}
	if err := c.Logs(ctx, "HelloWorld", invoke.LogOptions{Follow: true}, l.emit); err == nil || err.Error() != want {
		t.Errorf("Logs with Follow: %v", err)
	}
	forced := newClient(t, Options{Endpoint: hs.URL, AccessKeyID: "x", SecretAccessKey: "x", Logs: LogsStream})
	err = forced.Logs(ctx, "HelloWorld", invoke.LogOptions{}, l.emit)
	if err == nil || err.Error() != hs.URL+" serves no lambench push stream (it answered HTTP 404 PathNotFoundLocally): read its logs with log source auto or poll" {
		t.Errorf("forced stream: %v", err)
	}
}

// fakeCloudWatchLogs serves GetFunctionConfiguration, FilterLogEvents
// (three events on two pages) and StartLiveTail (an event of the history again, then a
// new one, then nothing until the client goes away), as AWS does. It
// records the log group identifiers StartLiveTail was asked for.
type fakeCloudWatchLogs struct {
	base     int64 // ms: the history's events are at base-2000 and base
	liveARNs atomic.Value
	live     atomic.Int32
}

func (f *fakeCloudWatchLogs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/configuration") {
		io.WriteString(w, `{"FunctionName":"f","FunctionArn":"arn:aws:lambda:eu-west-1:111122223333:function:f"}`)
		return
	}
	stream := "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef"
	switch r.Header.Get("X-Amz-Target") {
	case "Logs_20140328.FilterLogEvents":
		var in struct{ NextToken string }
		json.NewDecoder(r.Body).Decode(&in)
		if in.NextToken == "p2" {
			fmt.Fprintf(w, `{"events":[{"logStreamName":%q,"timestamp":%d,"message":"paged","eventId":"3"}]}`, stream, f.base+1)
			return
		}
		fmt.Fprintf(w, `{"events":[{"logStreamName":%q,"timestamp":%d,"message":"old","eventId":"1"},{"logStreamName":%q,"timestamp":%d,"message":"both","eventId":"2"}],"nextToken":"p2"}`,
			stream, f.base-2000, stream, f.base)
	case "Logs_20140328.StartLiveTail":
		var in struct{ LogGroupIdentifiers []string }
		json.NewDecoder(r.Body).Decode(&in)
		f.liveARNs.Store(in.LogGroupIdentifiers)
		f.live.Add(1)
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		enc := eventstream.NewEncoder()
		send := func(typ, payload string) {
			var m eventstream.Message
			m.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(eventstream.EventMessageType))
			m.Headers.Set(eventstream.EventTypeHeader, eventstream.StringValue(typ))
			m.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
			m.Payload = []byte(payload)
			enc.Encode(w, m)
			w.(http.Flusher).Flush()
		}
		send("initial-response", `{}`)
		send("sessionStart", `{"requestId":"r","sessionId":"s","logGroupIdentifiers":["x"]}`)
		send("sessionUpdate", fmt.Sprintf(`{"sessionMetadata":{"sampled":true},"sessionResults":[`+
			`{"logStreamName":%q,"timestamp":%d,"message":"both","ingestionTime":%d},`+
			`{"logStreamName":%q,"timestamp":%d,"message":"new","ingestionTime":%d}]}`,
			stream, f.base, f.base, stream, f.base+10, f.base+10))
		<-r.Context().Done()
	default:
		w.WriteHeader(400)
		io.WriteString(w, `{"__type":"UnknownOperationException"}`)
	}
}

// disableHostPrefix makes StartLiveTail go to the endpoint itself rather
// than to stream-HOST, so that a fake on loopback can serve it.
func disableHostPrefix(c *Client) {
	c.logs = cloudwatchlogs.New(c.logs.Options(), func(o *cloudwatchlogs.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("lambenchTestNoHostPrefix",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), middleware.Before)
		})
	})
}

// TestLiveTail: the history from FilterLogEvents, then StartLiveTail's
// events, each once, on the log group's ARN built from the function's.
func TestLiveTail(t *testing.T) {
	f := &fakeCloudWatchLogs{base: time.Now().UnixMilli()}
	hs := httptest.NewServer(f)
	defer hs.Close()
	c := newClient(t, Options{Endpoint: hs.URL, AccessKeyID: "x", SecretAccessKey: "x", Logs: LogsLiveTail})
	disableHostPrefix(c)

	l := newLogCollector()
	stop := follow(t, c, "f", invoke.LogOptions{}, l)
	l.waitFor(t, "new", 5*time.Second)
	if err := stop(); err != nil {
		t.Error(err)
	}
	evs, notices := l.snapshot()
	var msgs []string
	for _, ev := range evs {
		msgs = append(msgs, ev.Message)
		if ev.Group != "/aws/lambda/f" || ev.Stream == "" {
			t.Errorf("event %+v", ev)
		}
	}
	if strings.Join(msgs, ",") != "old,both,paged,new" {
		t.Errorf("events %q", msgs)
	}
	if arns, _ := f.liveARNs.Load().([]string); len(arns) != 1 || arns[0] != "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/f" {
		t.Errorf("StartLiveTail on %q", arns)
	}
	t.Logf("notices %q", notices)
	if !noticeContains(notices, "following with CloudWatch Logs StartLiveTail, after FilterLogEvents for the history since") ||
		!noticeContains(notices, "StartLiveTail is sampling") {
		t.Errorf("notices %q", notices)
	}

	// Without Follow: the history alone, as on AWS.
	h := newLogCollector()
	if err := c.Logs(context.Background(), "f", invoke.LogOptions{Notice: h.notice}, h.emit); err != nil {
		t.Fatal(err)
	}
	if evs, notices := h.snapshot(); len(evs) != 3 || !noticeContains(notices, "reading CloudWatch Logs with FilterLogEvents since") || f.live.Load() != 1 {
		t.Errorf("history: %d events, notices %q", len(evs), notices)
	}
}

// TestLiveTailFallsBackToPolling: a StartLiveTail that cannot start (here
// because the SDK sends it to stream-127.0.0.1) leaves polling
// FilterLogEvents, which says why.
func TestLiveTailFallsBackToPolling(t *testing.T) {
	f := &fakeCloudWatchLogs{base: time.Now().UnixMilli()}
	hs := httptest.NewServer(f)
	defer hs.Close()
	c := newClient(t, Options{Endpoint: hs.URL, AccessKeyID: "x", SecretAccessKey: "x", Logs: LogsLiveTail})

	l := newLogCollector()
	stop := follow(t, c, "f", invoke.LogOptions{}, l)
	l.waitFor(t, "paged", 5*time.Second)
	time.Sleep(1500 * time.Millisecond) // a second poll, which must not repeat the events
	if err := stop(); err != nil {
		t.Error(err)
	}
	evs, notices := l.snapshot()
	t.Logf("notices %q", notices)
	if len(evs) != 3 || f.live.Load() != 0 {
		t.Errorf("%d events, %d live tails", len(evs), f.live.Load())
	}
	if !noticeContains(notices, "polling FilterLogEvents every 1s-5s: StartLiveTail failed (StartLiveTail: cannot reach "+hs.URL) {
		t.Errorf("notices %q", notices)
	}
}

func TestNextPoll(t *testing.T) {
	var got []time.Duration
	d := PollMin
	for range 6 {
		d = nextPoll(d, 0)
		got = append(got, d)
	}
	if fmt.Sprint(got) != "[1.5s 2.25s 3.375s 5s 5s 5s]" || nextPoll(PollMax, 3) != PollMin {
		t.Errorf("quiet polls wait %v", got)
	}
}
