package lambdaapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lambench/lambench/emulator/logsapi"
	"github.com/lambench/lambench/invoke"
)

// StreamSilence is how long the push stream may stay silent before it is
// taken for dead: the local Lambda sends a heartbeat every 10 s
// (logsapi.DefaultHeartbeat) when it has nothing else to send.
const StreamSilence = 35 * time.Second

// emptySHA256 is the SHA-256 of an empty body, as SigV4 signs a GET.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// errNoStream: the endpoint does not serve lambench's push stream.
var errNoStream = errors.New("no lambench push stream")

// noStreamError says what an endpoint without the push stream answered.
type noStreamError struct{ answer string }

func (e *noStreamError) Error() string {
	return "no lambench push stream: the endpoint answered " + e.answer
}
func (e *noStreamError) Is(target error) bool { return target == errNoStream }

// stream reads lambench's push stream (see package logsapi): the events
// since r.since, then, with Follow, live ones; without Follow it stops at
// the "live" line that ends the replay. why says why it was chosen, for
// the notice. It returns an error matching errNoStream when the endpoint
// does not serve the stream, before any notice or event.
func (r *logRead) stream(ctx context.Context, why string) error {
	c := r.c
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var silent atomic.Bool
	watchdog := time.AfterFunc(StreamSilence, func() { silent.Store(true); cancel() })
	defer watchdog.Stop()

	u := strings.TrimRight(c.endpoint, "/") + logsapi.TailPath + "?" + logsapi.TailQuery([]string{r.group.name}, r.opts.Filter, max(r.since.UnixMilli(), 1))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("read the logs of %s: %w", r.group.name, err)
	}
	req.Header.Set("Accept", "application/x-ndjson")
	// Sign as the Lambda API is signed: a lambench serve --require-auth
	// checks the signature of the stream too.
	if cr, err := c.creds.Retrieve(ctx); err == nil && cr.HasKeys() {
		if err := v4.NewSigner().SignHTTP(ctx, cr, req, emptySHA256, "lambda", c.region, time.Now()); err != nil {
			return fmt.Errorf("sign the log stream request: %w", err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return ended(ctx, r.opts.Follow, c.translate("read the logs of "+r.group.name, c.endpoint, err))
	}
	defer resp.Body.Close()
	if err := c.streamStatus(resp); err != nil {
		return err
	}
	r.notice(fmt.Sprintf("streaming from the local Lambda's push stream at %s: %s", trimScheme(c.endpoint), why))

	dec := json.NewDecoder(resp.Body)
	for {
		var l logsapi.TailLine
		if err := dec.Decode(&l); err != nil {
			switch {
			case silent.Load():
				return fmt.Errorf("the log stream from %s went silent for %v (no heartbeat): the connection is lost", trimScheme(c.endpoint), StreamSilence)
			case ctx.Err() != nil:
				return ended(ctx, r.opts.Follow, ctx.Err())
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				return fmt.Errorf("the local Lambda at %s closed the log stream (it stopped)", trimScheme(c.endpoint))
			}
			return fmt.Errorf("read the log stream from %s: %w", trimScheme(c.endpoint), err)
		}
		watchdog.Reset(StreamSilence)
		switch l.Type {
		case logsapi.TailEvent:
			r.emit(invoke.LogEvent{Group: l.Group, Stream: l.Stream, Time: msTime(l.Timestamp), Message: l.Message, ID: strconv.FormatUint(l.ID, 10)})
		case logsapi.TailLive:
			if !r.opts.Follow {
				return nil
			}
		case logsapi.TailMissed:
			r.notice(fmt.Sprintf("%d log events were skipped: this reader fell behind the local Lambda", l.Count))
		}
	}
}

// streamStatus checks the push stream's answer: an error matching
// errNoStream when the endpoint does not serve it, the server's error
// otherwise.
func (c *Client) streamStatus(resp *http.Response) error {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode == http.StatusOK && ct == "application/x-ndjson" {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
	}
	json.Unmarshal(body, &e)
	code := resp.Header.Get("X-Amzn-Errortype")
	if code == "" {
		code = e.Type
	}
	// x-amzn-ErrorType may be qualified: "aws.protocols#Code:http://...".
	if i := strings.LastIndex(code, "#"); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.Index(code, ":"); i >= 0 {
		code = code[:i]
	}
	msg := e.Message
	if msg == "" {
		msg = e.Msg
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		// Anything but lambench serve: moto and LocalStack take the path
		// for an S3 bucket's, SAM answers PathNotFoundLocally.
		return &noStreamError{strings.TrimSpace(fmt.Sprintf("HTTP %d %s", resp.StatusCode, code))}
	}
	se := &invoke.ServiceError{Code: code, Message: msg, StatusCode: resp.StatusCode}
	if se.Code == "" {
		se.Code = http.StatusText(resp.StatusCode)
	}
	if refusedCredentialCodes[se.Code] {
		return &credentialError{fmt.Sprintf("the AWS credentials were refused (%s): %s", se, c.hint()), se}
	}
	return fmt.Errorf("read the log stream: %w", se)
}

// trimScheme drops http:// or https:// for display.
func trimScheme(u string) string {
	return strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
}
