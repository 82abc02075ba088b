package logsapi

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/lambench/lambench/emulator/logstore"
)

// startFromHeadFloor is the earliest startTime AWS accepts with
// FilterLogEvents' startFromHead=false: 2024-01-01T00:00:00Z.
const startFromHeadFloor = 1704067200000

// The wire shapes, as the SDK models them (see the cloudwatchlogs
// package's types).

type filterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int64   `json:"limit"`
	StartFromHead       *bool    `json:"startFromHead"`
	Interleaved         *bool    `json:"interleaved"` // ignored, as on AWS since 2019: always interleaved
	Unmask              *bool    `json:"unmask"`      // nothing is masked locally
}

type filteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterLogEventsOutput struct {
	Events             []filteredLogEvent  `json:"events"`
	SearchedLogStreams []searchedLogStream `json:"searchedLogStreams"`
	NextToken          string              `json:"nextToken,omitempty"`
}

func (s *server) filterLogEvents(body []byte) (any, *apiError) {
	var in filterLogEventsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("Cannot specify both logStreamNames and logStreamNamePrefix.")
	}
	if in.LogStreamNames != nil && (len(in.LogStreamNames) < 1 || len(in.LogStreamNames) > 100) {
		return nil, invalidValue(in.LogStreamNames, "logStreamNames", "Member must have length less than or equal to 100 and greater than or equal to 1")
	}
	for _, n := range in.LogStreamNames {
		if err := checkStreamName(&n, "logStreamNames.member"); err != nil {
			return nil, err
		}
	}
	if err := firstError(
		checkStreamName(in.LogStreamNamePrefix, "logStreamNamePrefix"),
		checkRange(in.StartTime, "startTime", 0, math.MaxInt64),
		checkRange(in.EndTime, "endTime", 0, math.MaxInt64),
		checkRange(in.Limit, "limit", 1, MaxEvents),
		checkLength(in.FilterPattern, "filterPattern", 0, 1024),
		checkLength(in.NextToken, "nextToken", 1, math.MaxInt32),
	); err != nil {
		return nil, err
	}
	var pattern *Pattern
	if in.FilterPattern != nil {
		p, err := ParsePattern(*in.FilterPattern)
		if err != nil {
			return nil, invalidParam("%s", err.Error())
		}
		pattern = p
	}
	q := filterQuery{lo: math.MinInt64, hi: math.MaxInt64, pattern: pattern, limit: MaxEvents, maxBytes: MaxPageBytes}
	if in.StartTime != nil {
		q.lo = *in.StartTime
	}
	if in.EndTime != nil {
		q.hi = *in.EndTime
	}
	if in.Limit != nil {
		q.limit = int(*in.Limit)
	}
	switch {
	case in.NextToken != nil:
		c, ok := parseFilterToken(*in.NextToken)
		if !ok {
			return nil, errBadToken
		}
		q.after, q.desc = &c, c.desc
	case in.StartFromHead != nil && !*in.StartFromHead:
		if in.StartTime == nil || *in.StartTime < startFromHeadFloor {
			return nil, invalidParam("startFromHead false (newest events first) requires a startTime on or after 2024-01-01T00:00:00Z (%d).", int64(startFromHeadFloor))
		}
		q.desc = true
	}
	group, err := s.groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	views := selectStreams(s.store.Snapshot(group), in.LogStreamNames, in.LogStreamNamePrefix)
	out := filterLogEventsOutput{Events: []filteredLogEvent{}, SearchedLogStreams: []searchedLogStream{}}
	if q.lo > q.hi {
		return out, nil
	}
	res := q.run(views)
	out.Events = make([]filteredLogEvent, len(res.events))
	for i, ev := range res.events {
		out.Events[i] = filteredLogEvent{LogStreamName: ev.Stream, Timestamp: ev.Timestamp, Message: ev.Message, IngestionTime: ev.Ingestion, EventID: eventID(ev.ID)}
	}
	for k, v := range views {
		out.SearchedLogStreams = append(out.SearchedLogStreams, searchedLogStream{LogStreamName: v.Name(), SearchedCompletely: res.complete[k]})
	}
	if res.more && len(res.events) > 0 {
		last := res.events[len(res.events)-1]
		out.NextToken = filterCursor{desc: q.desc, ts: last.Timestamp, id: last.ID}.token()
	}
	return out, nil
}

func firstError(errs ...*apiError) *apiError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// selectStreams keeps the views named in names, or starting with prefix.
func selectStreams(views []*logstore.StreamView, names []string, prefix *string) []*logstore.StreamView {
	if len(names) == 0 && prefix == nil {
		return views
	}
	out := views[:0:0]
	for _, v := range views {
		if prefix != nil && strings.HasPrefix(v.Name(), *prefix) || slices.Contains(names, v.Name()) {
			out = append(out, v)
		}
	}
	return out
}

type getLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int64  `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
	Unmask             *bool   `json:"unmask"`
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// getLogEvents reads one stream a page at a time. Its tokens are
// positions between events: f/N reads the events from ID N on, b/N those
// before ID N. When a direction has nothing more, the token passed in
// comes back unchanged, which is how the aws CLI and the SDK's paginator
// (StopOnDuplicateToken) know to stop; new events later appear through
// the same token.
func (s *server) getLogEvents(body []byte) (any, *apiError) {
	var in getLogEventsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogStreamName == nil {
		return nil, invalidParam("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	if err := firstError(
		checkStreamName(in.LogStreamName, "logStreamName"),
		checkRange(in.StartTime, "startTime", 0, math.MaxInt64),
		checkRange(in.EndTime, "endTime", 0, math.MaxInt64),
		checkRange(in.Limit, "limit", 1, MaxEvents),
		checkLength(in.NextToken, "nextToken", 1, math.MaxInt32),
	); err != nil {
		return nil, err
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	var from uint64 // the position: forward from ID from, or backward before it
	haveToken := in.NextToken != nil
	if haveToken {
		var ok bool
		if forward, from, ok = parseStreamToken(*in.NextToken); !ok {
			return nil, errBadToken
		}
	}
	group, err := s.groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	var v *logstore.StreamView
	for _, sv := range s.store.Snapshot(group) {
		if sv.Name() == *in.LogStreamName {
			v = sv
		}
	}
	if v == nil {
		return nil, errNoStream
	}
	if !haveToken && !forward {
		from = v.LastID() + 1 // the newest events
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64) // hi exclusive
	if in.StartTime != nil {
		lo = *in.StartTime
	}
	if in.EndTime != nil {
		hi = *in.EndTime
	}
	limit := MaxEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	var page []*logstore.Event
	bytes := 0
	take := func(ev *logstore.Event) bool {
		if ev.Timestamp < lo || ev.Timestamp >= hi {
			return true
		}
		bytes += len(ev.Message) + EventOverhead
		if len(page) > 0 && bytes > MaxPageBytes {
			return false
		}
		page = append(page, ev)
		return len(page) < limit
	}
	pos := v.SearchID(from)
	if forward {
		for _, ev := range v.Events(pos, v.End()) {
			if !take(ev) {
				break
			}
		}
	} else {
		for _, ev := range v.Backward(v.Start(), pos) {
			if !take(ev) {
				break
			}
		}
		slices.Reverse(page)
	}
	out := getLogEventsOutput{Events: make([]outputLogEvent, len(page))}
	for i, ev := range page {
		out.Events[i] = outputLogEvent{Timestamp: ev.Timestamp, Message: ev.Message, IngestionTime: ev.Ingestion}
	}
	switch {
	case len(page) > 0:
		out.NextForwardToken = streamToken(true, page[len(page)-1].ID+1)
		out.NextBackwardToken = streamToken(false, page[0].ID)
	case haveToken:
		// Nothing more this way: the same token, and the other way from
		// the same place.
		out.NextForwardToken = streamToken(true, from)
		out.NextBackwardToken = streamToken(false, from)
		if forward {
			out.NextForwardToken = *in.NextToken
		} else {
			out.NextBackwardToken = *in.NextToken
		}
	default:
		// Nothing at all: both tokens at the end, where new events will
		// appear going forward.
		out.NextForwardToken = streamToken(true, v.LastID()+1)
		out.NextBackwardToken = streamToken(false, v.LastID()+1)
	}
	return out, nil
}

type describeLogStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int64  `json:"limit"`
}

type logStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	// StoredBytes is always 0, as AWS has reported it for streams since 2019.
	StoredBytes int64 `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

func (s *server) describeLogStreams(body []byte) (any, *apiError) {
	var in describeLogStreamsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	order := "LogStreamName"
	if in.OrderBy != nil {
		order = *in.OrderBy
		if order != "LogStreamName" && order != "LastEventTime" {
			return nil, invalidValue(order, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
		}
	}
	if err := firstError(
		checkStreamName(in.LogStreamNamePrefix, "logStreamNamePrefix"),
		checkRange(in.Limit, "limit", 1, MaxDescribe),
		checkLength(in.NextToken, "nextToken", 1, math.MaxInt32),
	); err != nil {
		return nil, err
	}
	if order == "LastEventTime" && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	desc := in.Descending != nil && *in.Descending
	key := "name"
	if order == "LastEventTime" {
		key = "time"
	}
	var after *describeCursor
	if in.NextToken != nil {
		c, ok := parseDescribeToken(*in.NextToken)
		if !ok || c.order != key || c.desc != desc {
			return nil, errBadToken
		}
		after = &c
	}
	group, err := s.groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	infos := s.store.Streams(group)
	if in.LogStreamNamePrefix != nil {
		infos = slices.DeleteFunc(infos, func(si logstore.StreamInfo) bool { return !strings.HasPrefix(si.Name, *in.LogStreamNamePrefix) })
	}
	// less orders by the key, then by name.
	less := func(t1 int64, n1 string, t2 int64, n2 string) bool {
		if key == "time" && t1 != t2 {
			return (t1 < t2) != desc
		}
		return n1 != n2 && (n1 < n2) != desc
	}
	sort.Slice(infos, func(i, j int) bool {
		return less(infos[i].LastEvent, infos[i].Name, infos[j].LastEvent, infos[j].Name)
	})
	if after != nil {
		i := sort.Search(len(infos), func(i int) bool { return less(after.time, after.name, infos[i].LastEvent, infos[i].Name) })
		infos = infos[i:]
	}
	limit := MaxDescribe
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := describeLogStreamsOutput{LogStreams: []logStream{}}
	if len(infos) > limit {
		last := infos[limit-1]
		out.NextToken = describeCursor{order: key, desc: desc, time: last.LastEvent, name: last.Name}.token()
		infos = infos[:limit]
	}
	for _, si := range infos {
		out.LogStreams = append(out.LogStreams, logStream{
			LogStreamName: si.Name, CreationTime: si.Created,
			FirstEventTimestamp: si.FirstEvent, LastEventTimestamp: si.LastEvent, LastIngestionTime: si.LastIngestion,
			Arn: s.streamARN(group, si.Name),
		})
	}
	return out, nil
}

type describeLogGroupsInput struct {
	LogGroupNamePrefix    *string  `json:"logGroupNamePrefix"`
	LogGroupNamePattern   *string  `json:"logGroupNamePattern"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogGroupClass         *string  `json:"logGroupClass"`
	NextToken             *string  `json:"nextToken"`
	Limit                 *int64   `json:"limit"`
	IncludeLinkedAccounts *bool    `json:"includeLinkedAccounts"` // one account: nothing linked
	AccountIdentifiers    []string `json:"accountIdentifiers"`
}

type logGroup struct {
	LogGroupName              string `json:"logGroupName"`
	CreationTime              int64  `json:"creationTime"`
	Arn                       string `json:"arn"`
	LogGroupArn               string `json:"logGroupArn,omitempty"`
	MetricFilterCount         *int   `json:"metricFilterCount,omitempty"`
	StoredBytes               *int64 `json:"storedBytes,omitempty"`
	LogGroupClass             string `json:"logGroupClass,omitempty"`
	DeletionProtectionEnabled *bool  `json:"deletionProtectionEnabled,omitempty"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken string     `json:"nextToken,omitempty"`
}

func (s *server) describeLogGroups(body []byte) (any, *apiError) {
	var in describeLogGroupsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, invalidParam("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	if in.LogGroupIdentifiers != nil && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return nil, invalidParam("logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.")
	}
	if in.LogGroupIdentifiers != nil && (len(in.LogGroupIdentifiers) < 1 || len(in.LogGroupIdentifiers) > 50) {
		return nil, invalidValue(in.LogGroupIdentifiers, "logGroupIdentifiers", "Member must have length less than or equal to 50 and greater than or equal to 1")
	}
	if in.LogGroupClass != nil {
		switch *in.LogGroupClass {
		case "STANDARD", "INFREQUENT_ACCESS", "DELIVERY":
		default:
			return nil, invalidValue(*in.LogGroupClass, "logGroupClass", "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
		}
	}
	if err := firstError(
		checkGroupName(in.LogGroupNamePrefix, "logGroupNamePrefix"),
		checkLength(in.LogGroupNamePattern, "logGroupNamePattern", 0, 512),
		checkRange(in.Limit, "limit", 1, MaxDescribe),
		checkLength(in.NextToken, "nextToken", 1, math.MaxInt32),
	); err != nil {
		return nil, err
	}
	var after *describeCursor
	if in.NextToken != nil {
		c, ok := parseDescribeToken(*in.NextToken)
		if !ok || c.order != "group" {
			return nil, errBadToken
		}
		after = &c
	}
	var wanted map[string]bool
	if in.LogGroupIdentifiers != nil {
		wanted = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			name, err := s.identifiedGroup(id)
			if err == errNoGroup {
				continue // another region or account: nothing of it here
			}
			if err != nil {
				return nil, err
			}
			wanted[name] = true
		}
	}
	limit := MaxDescribe
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := describeLogGroupsOutput{LogGroups: []logGroup{}}
	zero, no := 0, false
	for _, g := range s.store.GroupInfos() {
		switch {
		case after != nil && g.Name <= after.name,
			in.LogGroupNamePrefix != nil && !strings.HasPrefix(g.Name, *in.LogGroupNamePrefix),
			in.LogGroupNamePattern != nil && !strings.Contains(g.Name, *in.LogGroupNamePattern),
			wanted != nil && !wanted[g.Name],
			in.LogGroupClass != nil && *in.LogGroupClass != "STANDARD":
			continue
		}
		if len(out.LogGroups) == limit {
			out.NextToken = describeCursor{order: "group", name: out.LogGroups[limit-1].LogGroupName}.token()
			break
		}
		lg := logGroup{LogGroupName: g.Name, CreationTime: g.Created, Arn: s.groupARN(g.Name, true)}
		if in.LogGroupNamePattern == nil { // AWS answers a pattern with these three fields only
			bytes := g.StoredBytes
			lg.LogGroupArn = s.groupARN(g.Name, false)
			lg.MetricFilterCount, lg.StoredBytes = &zero, &bytes
			lg.LogGroupClass, lg.DeletionProtectionEnabled = "STANDARD", &no
		}
		out.LogGroups = append(out.LogGroups, lg)
	}
	return out, nil
}
