package logsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/lambench/lambench/emulator/logstore"
)

const (
	helloGroup = "/aws/lambda/hello"
	streamA    = "2026/01/01/[$LATEST]aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	streamB    = "2026/01/01/[$LATEST]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	t0         = int64(1767225600000) // 2026-01-01T00:00:00Z
)

// fixture is a store with two streams of /aws/lambda/hello whose events
// interleave in time, and a group /aws/lambda/other.
type fixture struct {
	store *logstore.Store
	url   string
	cwl   *cwl.Client
	all   []logstore.Event // every hello event, in (timestamp, id) order
}

func newFixture(t testing.TB, opts ...Option) *fixture {
	t.Helper()
	s := logstore.New(0)
	a, b := s.Stream(helloGroup, streamA), s.Stream(helloGroup, streamB)
	for i := range 30 {
		// A at t0+10i, B at t0+10i+5 except every third, which ties with A.
		s.Append(a, time.UnixMilli(t0+int64(10*i)), fmt.Sprintf("START RequestId: a-%02d Version: $LATEST", i))
		tb := t0 + int64(10*i) + 5
		if i%3 == 0 {
			tb = t0 + int64(10*i)
		}
		msg := fmt.Sprintf("INFO b-%02d some phrase here", i)
		if i%5 == 0 {
			msg = fmt.Sprintf("ERROR b-%02d something failed", i)
		}
		s.Append(b, time.UnixMilli(tb), msg)
	}
	s.Append(s.Stream("/aws/lambda/other", "x"), time.UnixMilli(t0), "other group")
	f := &fixture{store: s}
	for _, st := range []string{streamA, streamB} {
		f.all = append(f.all, s.Events(helloGroup, st)...)
	}
	slices.SortFunc(f.all, func(x, y logstore.Event) int {
		if x.Timestamp != y.Timestamp {
			return int(x.Timestamp - y.Timestamp)
		}
		return int(x.ID) - int(y.ID)
	})
	srv := httptest.NewServer(Handler(s, opts...))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	f.cwl = newClient(srv.URL)
	return f
}

func newClient(url string) *cwl.Client {
	return cwl.New(cwl.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   plainBodyClient{awshttp.NewBuildableClient()},
	})
}

// plainBodyClient works around a race in smithy-go (v1.28.9) that a
// loopback server this fast exposes: the SDK closes the request body as
// soon as Do returns, and its body wrapper's WriteTo then returns io.EOF
// as an error; when net/http's writer reads the body once more (to check
// its length) after that, it takes the error for a failed request and
// closes the connection under the response being read ("deserialization
// failed ... use of closed network connection", a few percent of 1 MB
// responses here). The SDK's default retryer retries it (net.ErrClosed);
// aws.NopRetryer does not. Hiding WriteTo avoids the race.
type plainBodyClient struct{ next *awshttp.BuildableClient }

type plainBody struct{ io.ReadCloser }

func (c plainBodyClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body = plainBody{r.Body}
	}
	return c.next.Do(r)
}

func messages[E any](evs []E, msg func(E) string) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = msg(e)
	}
	return out
}

func storeMessages(evs []logstore.Event) []string {
	return messages(evs, func(e logstore.Event) string { return e.Message })
}

func filteredMessages(evs []types.FilteredLogEvent) []string {
	return messages(evs, func(e types.FilteredLogEvent) string { return *e.Message })
}

func outputMessages(evs []types.OutputLogEvent) []string {
	return messages(evs, func(e types.OutputLogEvent) string { return *e.Message })
}

// filterAll pages through FilterLogEvents with the SDK's paginator.
func filterAll(t *testing.T, c *cwl.Client, in *cwl.FilterLogEventsInput) (events []types.FilteredLogEvent, pages int) {
	t.Helper()
	p := cwl.NewFilterLogEventsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("FilterLogEvents page %d: %v", pages, err)
		}
		events = append(events, out.Events...)
		if pages++; pages > 1000 {
			t.Fatal("FilterLogEvents does not terminate")
		}
	}
	return events, pages
}

func TestFilterLogEvents(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out, err := f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := filteredMessages(out.Events), storeMessages(f.all); !slices.Equal(got, want) {
		t.Fatalf("events\n got %q\nwant %q", got, want)
	}
	if out.NextToken != nil {
		t.Errorf("nextToken %q with every event returned", *out.NextToken)
	}
	ev := out.Events[0]
	if *ev.LogStreamName != streamA || *ev.Timestamp != t0 || *ev.IngestionTime == 0 || len(*ev.EventId) != 56 {
		t.Errorf("first event %+v", ev)
	}
	if len(out.SearchedLogStreams) != 2 || !*out.SearchedLogStreams[0].SearchedCompletely {
		t.Errorf("searched %+v", out.SearchedLogStreams)
	}

	// A quoted phrase, across streams; terms; ?terms; exclusions.
	for pattern, want := range map[string]int{
		`"some phrase"`:         24,
		`"phrase here" -"b-03"`: 23,
		`ERROR`:                 6,
		`?ERROR ?"a-01 "`:       7,
		`START -"a-0" -"a-1"`:   10,
		`%b-[0-9]5%`:            3,
		`{ $.level = "ERROR" }`: 0,
	} {
		evs, _ := filterAll(t, f.cwl, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), FilterPattern: aws.String(pattern)})
		if len(evs) != want {
			t.Errorf("pattern %s: %d events, want %d: %q", pattern, len(evs), want, filteredMessages(evs))
		}
	}

	// Time range: both ends inclusive.
	out, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup),
		StartTime: aws.Int64(t0 + 10), EndTime: aws.Int64(t0 + 20)})
	if err != nil {
		t.Fatal(err)
	}
	if got := filteredMessages(out.Events); !slices.Equal(got, []string{"START RequestId: a-01 Version: $LATEST", "INFO b-01 some phrase here", "START RequestId: a-02 Version: $LATEST"}) {
		t.Errorf("time range: %q", got)
	}

	// Stream selection.
	out, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamNames: []string{streamB}})
	if err != nil || len(out.Events) != 30 || len(out.SearchedLogStreams) != 1 {
		t.Errorf("logStreamNames: %d events, %v", len(out.Events), err)
	}
	out, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:" + helloGroup + ":*"),
		LogStreamNamePrefix: aws.String("2026/01/01/[$LATEST]a")})
	if err != nil || len(out.Events) != 30 || *out.Events[0].LogStreamName != streamA {
		t.Errorf("logStreamNamePrefix by ARN: %d events, %v", len(out.Events), err)
	}

	// Pages of 7, and newest first.
	evs, pages := filterAll(t, f.cwl, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), Limit: aws.Int32(7)})
	if !slices.Equal(filteredMessages(evs), storeMessages(f.all)) || pages != 9 {
		t.Errorf("paging by 7: %d events in %d pages", len(evs), pages)
	}
	evs, _ = filterAll(t, f.cwl, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), Limit: aws.Int32(4),
		StartFromHead: aws.Bool(false), StartTime: aws.Int64(t0)})
	want := storeMessages(f.all)
	slices.Reverse(want)
	if got := filteredMessages(evs); !slices.Equal(got, want) {
		t.Errorf("newest first\n got %q\nwant %q", got, want)
	}
	// An exact last page has no nextToken, and a token sees events
	// stored after it was given.
	out, _ = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), Limit: aws.Int32(30), LogStreamNames: []string{streamA}})
	if out.NextToken != nil {
		t.Errorf("a page holding the last event has a nextToken")
	}
	out, _ = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), Limit: aws.Int32(59)})
	if out.NextToken == nil {
		t.Fatal("no nextToken with one event left")
	}
	f.store.Append(f.store.Stream(helloGroup, streamA), time.UnixMilli(t0+1000), "late")
	out, _ = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), NextToken: out.NextToken})
	if got := filteredMessages(out.Events); len(got) != 2 || got[1] != "late" {
		t.Errorf("after the token: %q", got)
	}
}

func TestFilterLogEventsPagesAreBounded(t *testing.T) {
	s := logstore.New(0)
	st := s.Stream(helloGroup, streamA)
	big := strings.Repeat("x", 10_000)
	for i := range 300 {
		s.Append(st, time.UnixMilli(t0+int64(i)), fmt.Sprintf("%03d %s", i, big))
	}
	small := s.Stream(helloGroup, streamB)
	for i := range 25_000 {
		s.Append(small, time.UnixMilli(t0+int64(i)), "small")
	}
	srv := httptest.NewServer(Handler(s))
	defer srv.Close()
	c := newClient(srv.URL)
	out, err := c.FilterLogEvents(context.Background(), &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamNames: []string{streamA}})
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, e := range out.Events {
		size += len(*e.Message) + EventOverhead
	}
	if size > MaxPageBytes || len(out.Events) < 90 || out.NextToken == nil {
		t.Errorf("first page: %d events, %d bytes, token %v", len(out.Events), size, out.NextToken != nil)
	}
	evs, pages := filterAll(t, c, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamNames: []string{streamA}})
	if len(evs) != 300 || pages != 3 || !strings.HasPrefix(*evs[299].Message, "299 ") {
		t.Errorf("%d events in %d pages", len(evs), pages)
	}
	evs, pages = filterAll(t, c, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamNames: []string{streamB}})
	if len(evs) != 25_000 || pages != 3 {
		t.Errorf("%d small events in %d pages, want 25,000 in 3 (10,000 a page)", len(evs), pages)
	}
}

func TestGetLogEvents(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := storeMessages(f.store.Events(helloGroup, streamA))
	get := func(in *cwl.GetLogEventsInput) *cwl.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String(helloGroup), aws.String(streamA)
		out, err := f.cwl.GetLogEvents(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Default: the newest page.
	out := get(&cwl.GetLogEventsInput{Limit: aws.Int32(10)})
	if got := outputMessages(out.Events); !slices.Equal(got, a[20:]) {
		t.Fatalf("newest page %q", got)
	}
	if *out.Events[0].Timestamp != t0+200 || *out.Events[0].IngestionTime == 0 {
		t.Errorf("event %+v", out.Events[0])
	}
	// Forward from there: nothing new, the same token back.
	fwd := get(&cwl.GetLogEventsInput{NextToken: out.NextForwardToken, StartFromHead: aws.Bool(true)})
	if len(fwd.Events) != 0 || *fwd.NextForwardToken != *out.NextForwardToken {
		t.Errorf("forward at the end: %d events, token %s then %s", len(fwd.Events), *out.NextForwardToken, *fwd.NextForwardToken)
	}
	// Backward to the start, then the same backward token.
	var back []string
	tok := out.NextBackwardToken
	for range 10 {
		page := get(&cwl.GetLogEventsInput{NextToken: tok, Limit: aws.Int32(7)})
		if *page.NextBackwardToken == *tok {
			if len(page.Events) != 0 {
				t.Errorf("events with an unchanged token")
			}
			break
		}
		back = append(outputMessages(page.Events), back...)
		tok = page.NextBackwardToken
	}
	if !slices.Equal(back, a[:20]) {
		t.Errorf("backward %q", back)
	}
	// New events come through the forward token.
	f.store.Append(f.store.Stream(helloGroup, streamA), time.UnixMilli(t0+900), "newer")
	fwd = get(&cwl.GetLogEventsInput{NextToken: out.NextForwardToken})
	if got := outputMessages(fwd.Events); !slices.Equal(got, []string{"newer"}) || *fwd.NextForwardToken == *out.NextForwardToken {
		t.Errorf("after an append: %q", got)
	}
	a = append(a, "newer")

	// The paginator from the head stops on the repeated token.
	p := cwl.NewGetLogEventsPaginator(f.cwl, &cwl.GetLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamName: aws.String(streamA),
		StartFromHead: aws.Bool(true), Limit: aws.Int32(8)}, func(o *cwl.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	var all []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, outputMessages(page.Events)...)
		if pages++; pages > 100 {
			t.Fatal("GetLogEvents paginator does not terminate")
		}
	}
	if !slices.Equal(all, a) {
		t.Errorf("paginated %q", all)
	}
	// Time range: startTime inclusive, endTime exclusive.
	out = get(&cwl.GetLogEventsInput{StartFromHead: aws.Bool(true), StartTime: aws.Int64(t0 + 10), EndTime: aws.Int64(t0 + 30)})
	if got := outputMessages(out.Events); !slices.Equal(got, a[1:3]) {
		t.Errorf("time range %q", got)
	}
	// Nothing in range: tokens that bring nothing and come back.
	out = get(&cwl.GetLogEventsInput{StartTime: aws.Int64(t0 + 100_000)})
	again := get(&cwl.GetLogEventsInput{StartTime: aws.Int64(t0 + 100_000), NextToken: out.NextForwardToken})
	if len(out.Events)+len(again.Events) != 0 || *again.NextForwardToken != *out.NextForwardToken {
		t.Errorf("empty range: tokens %s, %s", *out.NextForwardToken, *again.NextForwardToken)
	}
	// An empty stream.
	f.store.Stream(helloGroup, "empty")
	empty, err := f.cwl.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamName: aws.String("empty"), StartFromHead: aws.Bool(true)})
	if err != nil || len(empty.Events) != 0 || empty.NextForwardToken == nil || empty.NextBackwardToken == nil {
		t.Fatalf("empty stream: %+v %v", empty, err)
	}
	f.store.Append(f.store.Stream(helloGroup, "empty"), time.Now(), "first")
	first, _ := f.cwl.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamName: aws.String("empty"), NextToken: empty.NextForwardToken})
	if got := outputMessages(first.Events); !slices.Equal(got, []string{"first"}) {
		t.Errorf("first event of a stream through its empty token: %q", got)
	}
}

func TestDescribeLogStreams(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.store.Stream(helloGroup, "2025/12/31/[$LATEST]cccccccccccccccccccccccccccccccc") // empty, oldest name
	out, err := f.cwl.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(helloGroup)})
	if err != nil {
		t.Fatal(err)
	}
	names := messages(out.LogStreams, func(s types.LogStream) string { return *s.LogStreamName })
	if !slices.Equal(names, []string{"2025/12/31/[$LATEST]cccccccccccccccccccccccccccccccc", streamA, streamB}) {
		t.Fatalf("names %q", names)
	}
	a := out.LogStreams[1]
	if *a.Arn != "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/hello:log-stream:"+streamA ||
		*a.FirstEventTimestamp != t0 || *a.LastEventTimestamp != t0+290 || *a.CreationTime == 0 || *a.LastIngestionTime == 0 {
		t.Errorf("stream %+v", a)
	}
	if out.LogStreams[0].FirstEventTimestamp != nil {
		t.Errorf("an empty stream has a firstEventTimestamp")
	}
	// Newest events first, one a page.
	f.store.Append(f.store.Stream(helloGroup, streamA), time.UnixMilli(t0+5000), "latest")
	p := cwl.NewDescribeLogStreamsPaginator(f.cwl, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(helloGroup),
		OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(1)})
	names = nil
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, messages(page.LogStreams, func(s types.LogStream) string { return *s.LogStreamName })...)
		if len(names) > 10 {
			t.Fatal("does not terminate")
		}
	}
	if !slices.Equal(names, []string{streamA, streamB, "2025/12/31/[$LATEST]cccccccccccccccccccccccccccccccc"}) {
		t.Errorf("by last event time, descending: %q", names)
	}
	out, err = f.cwl.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(helloGroup), LogStreamNamePrefix: aws.String("2026/"), Descending: aws.Bool(true)})
	if err != nil || len(out.LogStreams) != 2 || *out.LogStreams[0].LogStreamName != streamB {
		t.Errorf("prefix, descending: %+v %v", out, err)
	}
	_, err = f.cwl.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(helloGroup), LogStreamNamePrefix: aws.String("2026/"), OrderBy: types.OrderByLastEventTime})
	wantAPIError(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
}

func TestDescribeLogGroups(t *testing.T) {
	f := newFixture(t, WithRegion("eu-west-1"), WithAccountID("000000000042"))
	ctx := context.Background()
	out, err := f.cwl.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogGroups) != 2 || *out.LogGroups[0].LogGroupName != helloGroup {
		t.Fatalf("groups %+v", out.LogGroups)
	}
	g := out.LogGroups[0]
	if *g.Arn != "arn:aws:logs:eu-west-1:000000000042:log-group:/aws/lambda/hello:*" || *g.LogGroupArn != strings.TrimSuffix(*g.Arn, ":*") ||
		*g.CreationTime == 0 || *g.StoredBytes < 1000 || g.LogGroupClass != types.LogGroupClassStandard {
		t.Errorf("group %+v", g)
	}
	p := cwl.NewDescribeLogGroupsPaginator(f.cwl, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/"), Limit: aws.Int32(1)})
	var names []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			names = append(names, *g.LogGroupName)
		}
		if len(names) > 10 {
			t.Fatal("does not terminate")
		}
	}
	if !slices.Equal(names, []string{helloGroup, "/aws/lambda/other"}) {
		t.Errorf("paginated %q", names)
	}
	out, err = f.cwl.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("ther")})
	if err != nil || len(out.LogGroups) != 1 || out.LogGroups[0].StoredBytes != nil {
		t.Errorf("pattern: %+v %v", out, err)
	}
	out, err = f.cwl.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupIdentifiers: []string{"/aws/lambda/other", "arn:aws:logs:eu-west-1:000000000042:log-group:/aws/lambda/hello"}})
	if err != nil || len(out.LogGroups) != 2 {
		t.Errorf("identifiers: %+v %v", out, err)
	}
	_, err = f.cwl.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("a"), LogGroupNamePrefix: aws.String("/")})
	wantAPIError(t, err, "InvalidParameterException", "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
}

// wantAPIError checks an error's code and message as the SDK decodes them.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae interface {
		ErrorCode() string
		ErrorMessage() string
	}
	if !errors.As(err, &ae) {
		t.Errorf("error %v, want %s", err, code)
		return
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Errorf("error %s: %q, want %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("missing group: %v", err)
	}
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = f.cwl.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = f.cwl.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/aws/lambda/nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:999999999999:log-group:" + helloGroup)})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), FilterPattern: aws.String("user@example.com")})
	var ip *types.InvalidParameterException
	if !errors.As(err, &ip) {
		t.Errorf("bad pattern: %v", err)
	}
	wantAPIError(t, err, "InvalidParameterException", "Invalid character(s) in term '@.'")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), FilterPattern: aws.String(`{ $.a = 1`)})
	wantAPIError(t, err, "InvalidParameterException", "If a filter pattern starts with '{' it must end with '}'")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), Limit: aws.Int32(10_001)})
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")
	_, err = f.cwl.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamName: aws.String(streamA), Limit: aws.Int32(0)})
	wantAPIError(t, err, "InvalidParameterException", "Member must have value greater than or equal to 1")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), LogGroupIdentifier: aws.String(helloGroup)})
	wantAPIError(t, err, "InvalidParameterException", "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamNames: []string{streamA}, LogStreamNamePrefix: aws.String("x")})
	wantAPIError(t, err, "InvalidParameterException", "Cannot specify both logStreamNames and logStreamNamePrefix.")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), NextToken: aws.String("garbage")})
	wantAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	_, err = f.cwl.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(helloGroup), StartFromHead: aws.Bool(false), StartTime: aws.Int64(5)})
	wantAPIError(t, err, "InvalidParameterException", "startTime on or after 2024-01-01")
	_, err = f.cwl.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(helloGroup), LogStreamName: aws.String(streamA), NextToken: aws.String("f/12/s")})
	wantAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	_, err = f.cwl.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(helloGroup), Limit: aws.Int32(51)})
	wantAPIError(t, err, "InvalidParameterException", "Member must have value less than or equal to 50")
	_, err = f.cwl.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("bad name")})
	wantAPIError(t, err, "InvalidParameterException", `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
}

// TestWire checks the raw protocol: what AWS sends, byte for byte where
// it matters to clients.
func TestWire(t *testing.T) {
	f := newFixture(t)
	call := func(target, body string) (int, http.Header, map[string]any) {
		req, _ := http.NewRequest("POST", f.url+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", ContentType)
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: body %q", target, b)
		}
		return resp.StatusCode, resp.Header, m
	}
	status, h, m := call("Logs_20140328.FilterLogEvents", `{"logGroupName":"/aws/lambda/nope"}`)
	if status != 400 || h.Get("Content-Type") != ContentType || h.Get("X-Amzn-Requestid") == "" ||
		m["__type"] != "ResourceNotFoundException" || m["message"] != "The specified log group does not exist." {
		t.Errorf("missing group: %d %v %v", status, h, m)
	}
	status, _, m = call("Logs_20140328.FilterLogEvents", `{"logGroupName":"/aws/lambda/hello","limit":2,"filterPattern":"\"a-00\""}`)
	ev := m["events"].([]any)[0].(map[string]any)
	if status != 200 || len(m["events"].([]any)) != 1 || ev["logStreamName"] != streamA || ev["message"] != "START RequestId: a-00 Version: $LATEST" ||
		ev["timestamp"].(float64) != float64(t0) || ev["eventId"] == "" || ev["ingestionTime"] == nil || m["searchedLogStreams"] == nil {
		t.Errorf("filter: %d %v", status, m)
	}
	if _, ok := m["nextToken"]; ok {
		t.Errorf("nextToken on the only page")
	}
	status, _, m = call("Logs_20140328.PutLogEvents", `{}`)
	if status != 400 || m["__type"] != "UnknownOperationException" {
		t.Errorf("unsupported op: %d %v", status, m)
	}
	status, _, m = call("", `{}`)
	if status != 400 || m["__type"] != "UnknownOperationException" {
		t.Errorf("no target: %d %v", status, m)
	}
	status, _, m = call("Logs_20140328.FilterLogEvents", `{"logGroupName":`)
	if status != 400 || m["__type"] != "SerializationException" {
		t.Errorf("bad JSON: %d %v", status, m)
	}
	status, _, m = call("Logs_20140328.FilterLogEvents", `{"logGroupName":"/aws/lambda/hello","limit":"ten"}`)
	if status != 400 || m["__type"] != "SerializationException" {
		t.Errorf("bad type: %d %v", status, m)
	}
	resp, err := http.Get(f.url + "/2015-03-31/functions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("a Lambda API path: %d", resp.StatusCode)
	}
}
