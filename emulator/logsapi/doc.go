// Package logsapi serves the local Lambda's function logs (a
// [logstore.Store]) two ways: as the subset of the CloudWatch Logs API
// that tools read logs with, and as a live tail that pushes events as they
// are stored.
//
// [Handler] returns one http.Handler for both; [WithRegion] and
// [WithAccountID] set the ARNs it reports, [WithHeartbeat] and
// [WithTailMaxLag] tune the live tail, and [WithDone] ends live tails when
// the server shuts down.
//
// # CloudWatch Logs API
//
// POST / with Content-Type application/x-amz-json-1.1 and X-Amz-Target
// Logs_20140328.OPERATION, as aws-sdk-go-v2's cloudwatchlogs client and the
// aws CLI send it (credentials are not checked here). Errors are HTTP 400
// with {"__type":"CODE","message":"..."}: ResourceNotFoundException for
// a missing group ("The specified log group does not exist.") or stream
// ("The specified log stream does not exist."), InvalidParameterException
// for a bad parameter (AWS's "1 validation error detected: ..." messages
// for the model's constraints), a bad filter pattern or a bad nextToken,
// SerializationException for a body that is not the operation's JSON, and
// UnknownOperationException for any other operation.
//
//   - FilterLogEvents: logGroupName or logGroupIdentifier (a name or an
//     ARN), logStreamNames or logStreamNamePrefix, startTime and endTime
//     (both inclusive), filterPattern, nextToken, limit (1-10,000, default
//     10,000), startFromHead (false: newest first, which AWS allows only
//     with a startTime from 2024 on); interleaved and unmask are accepted
//     and ignored. Events come in (timestamp, ID) order across streams,
//     at most limit and about 1 MB (MaxPageBytes, counting each event's
//     message plus 26 bytes) per page, with logStreamName, timestamp,
//     message, ingestionTime and eventId, plus searchedLogStreams. A page
//     has a nextToken exactly when more events match; the token is a
//     position, so new events that sort after it show up on a later call.
//   - GetLogEvents: logGroupName or logGroupIdentifier, logStreamName,
//     startTime (inclusive), endTime (exclusive), nextToken, limit,
//     startFromHead (default false: the newest page). Tokens are
//     f/<56 digits>/s and b/<56 digits>/s positions; when a direction has
//     nothing more, the call returns the token it was given, which is how
//     `aws logs get-log-events` users and the SDK's paginator (with
//     StopOnDuplicateToken, as on AWS) know to stop. A token given decides
//     the direction, whatever startFromHead says.
//   - DescribeLogStreams: logStreamNamePrefix, orderBy (LogStreamName or
//     LastEventTime, not with a prefix), descending, nextToken, limit
//     (1-50). Streams carry logStreamName, creationTime,
//     firstEventTimestamp, lastEventTimestamp and lastIngestionTime (when
//     there were events), arn and storedBytes (0, as AWS reports it for
//     streams).
//   - DescribeLogGroups: logGroupNamePrefix or logGroupNamePattern
//     (case-sensitive substring; the answer then has only logGroupName,
//     creationTime and arn), logGroupIdentifiers, logGroupClass, nextToken,
//     limit (1-50). Groups carry logGroupName, creationTime, arn (ending
//     :*), logGroupArn, storedBytes (the messages' bytes held),
//     metricFilterCount 0, logGroupClass STANDARD and
//     deletionProtectionEnabled false; no retentionInDays (the store keeps
//     the newest 64 MB, not days).
//
// Queries read a snapshot of the store without holding its lock (see
// package logstore), so functions keep writing at full speed while a
// query scans the whole store.
//
// # Filter patterns
//
// [ParsePattern] parses CloudWatch Logs' filter pattern syntax once; a
// [Pattern] then matches messages. An empty (or blank) pattern matches
// everything. Unstructured patterns are space-separated terms:
//
//	ERROR               the message contains ERROR (a case-sensitive substring)
//	ERROR Exception     contains both, in any order
//	"Out of memory"     contains the exact phrase; \" and \\ escape inside quotes
//	?ERROR ?WARN        contains at least one of the ?terms
//	ERROR -Timeout      contains ERROR but not Timeout
//	%^\[ERROR \d+\]%    matches the regular expression (at most 2 per pattern)
//	" "                 matches everything, as AWS documents
//
// A message matches when it holds every plain term, at least one ?term
// (if there are any) and no -term. Unquoted terms may hold only letters,
// digits and underscores; anything else must be quoted, and is reported
// as AWS does ("Invalid character(s) in term '@'"). A %regex% may hold
// only letters, digits, :_#=@/;,- and the operators ^$?[]{}|\*+. (no
// groups), as on AWS.
//
// JSON patterns match events whose message is a JSON object:
//
//	{ $.level = "ERROR" }                 string equality; * in the value is a wildcard
//	{ $.level != ERROR* }                 unquoted values are strings too
//	{ $.latency > 100 }                   numeric: = != < <= > >=
//	{ $.user.id = 1 && $.tags[0] = "a" }  nested fields and array indexes
//	{ ($.a = 1 || $.b = 2) && $.c = 3 }   && and || (equal precedence, left to
//	                                      right, as CloudWatch evaluates them)
//	{ $.err IS NULL }  { $.ok IS TRUE }  { $.ok IS FALSE }  { $.x NOT EXISTS }
//	{ $.email = %@example\.com$% }        a regex on a field
//
// A comparison on a field that is absent, or of another type, is false.
// Space-delimited patterns ([ip, user, ...]) are not supported: they are
// reported as InvalidParameterException rather than matched wrongly.
//
// # Live tail
//
// GET /lambench/v1/logs/tail (TailPath) with query parameters:
//
//	group=NAME         a log group, e.g. /aws/lambda/hello; repeat for several; none: all groups
//	stream=NAME        only this stream; repeat for several
//	streamPrefix=P     only streams whose names start with P (not with stream)
//	filter=PATTERN     a filter pattern, as above
//	since=UNIX_MS      first replay the stored events with a timestamp >= since
//
// A group need not exist yet: the tail waits for it. A bad parameter is
// answered HTTP 400 with the API's JSON error. Otherwise the answer is
// HTTP 200, Content-Type application/x-ndjson: one JSON object per line,
// flushed as events arrive, until the client goes away (or the server
// shuts down: the client then reads EOF). Lines, by "type":
//
//	{"type":"start","time":1767225600000,"groups":["/aws/lambda/hello"],"filter":"ERROR","since":1767225500000}
//	{"type":"event","group":"/aws/lambda/hello","stream":"2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef","timestamp":1767225600123,"ingestionTime":1767225600124,"message":"START RequestId: ...","id":42}
//	{"type":"live","time":1767225600200,"replayed":17}
//	{"type":"heartbeat","time":1767225610200}
//	{"type":"missed","time":1767225611000,"count":2500}
//
// Every line but events carries the server's time in ms since the epoch.
// What the lines mean:
//
//   - start comes first, once the tail is subscribed: any event stored
//     after it will be sent (groups is [] for all groups; filter is "" for
//     none; since only when given).
//   - event lines carry one log event each. Events come in ID order
//     (the order the local Lambda stored them, across streams), each
//     exactly once: the replay and the live part neither overlap nor
//     leave a gap. The filter and since apply to every event.
//   - live follows the replay (at once when there is no since), with the
//     number of events replayed. The replay is never cut short: it sends
//     every stored event since then, however many.
//   - heartbeat is sent whenever nothing else was for the heartbeat
//     interval (DefaultHeartbeat, 10 s), so a client can tell a quiet
//     function from a dead connection.
//   - missed says that count events were skipped because the client fell
//     behind: the store evicted them before they could be sent, or more
//     than the maximum lag (DefaultTailMaxLag, 10,000 events) were
//     waiting, in which case the oldest are skipped so that the client
//     catches up with the present. The count includes events the filter
//     would have dropped. It comes before the events that follow the gap.
//     A slow client never slows a function: the tail reads the store
//     without blocking it.
//
// Decode every line into a [TailLine]; [TailQuery] builds the query
// string. Ignore unknown types and fields: more may come.
package logsapi
