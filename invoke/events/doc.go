// Package events renders trigger events: the JSON documents S3, API
// Gateway, SQS and the other services send to a function, so that lambench
// can invoke a function exactly as they would, from the CLI, the TUI and
// the load tester.
//
// # Templates
//
// A Template is named "<service> <event>" after `sam local generate-event`
// ("s3 put", "sqs receive-message", "apigateway aws-proxy"), plus lambench's
// own ("lambda function-url", "eventbridge event", "dynamodb insert",
// "cognito pre-signup"...). Lookup accepts "s3 put", "s3:put", "S3 Put" and
// the console's "s3-put"; an unknown name is an *UnknownTemplateError with
// the closest names. List and Services list them, sorted.
//
// Each template has Params (name, default, help, Kind) with SAM's names
// where SAM has them. Render(values) renders an event with values over the
// defaults as indented JSON; an unknown key is an *UnknownParamError listing
// the valid keys, closest first, and a bad value a *ParamError naming the
// parameter. What a service derives is computed from the parameters, never
// left stale: ARNs, ids, timestamps (now, in each service's format), the
// md5 of an SQS body and of its message attributes, base64 of Kinesis data,
// S3 keys URL-encoded as S3 sends them, content lengths, API Gateway's
// request context and Host header, awslogs.data as base64(gzip(JSON))
// of the given log lines, CloudFront's header lists, Lex slot details and
// KPL-aggregated Kinesis records. Where a service batches, count=N makes N
// records with distinct ids, sequence numbers and receipt handles.
//
// # Load tests
//
// Compile prepares a template once; (*Renderer).Render(dst, n) then renders
// request n in about a microsecond, without allocating: everything fixed
// is rendered at compile time, and only ids, timestamps and placeholders
// are evaluated per request. Parameter values may hold placeholders:
//
//	{{seq}}            the request number n
//	{{uuid}}           a random UUID
//	{{random A B}}     a random integer from A to B
//	{{choice a|b|c}}   one of the values
//	{{hex N}}          N random hex digits
//	{{now}}            the request's time
//	{{"text"}}         literal text ({{"{{"}} for "{{")
//
// so that --set body='{"order": {{seq}}}' makes each request's body, and
// the md5OfBody derived from it, different. Random values are a function of
// the seed (WithSeed) and n, so a run can be repeated. A Mix renders each
// request from one of several Sources in proportion to their weights.
//
// # User templates
//
// Registry.LoadDir(dir) adds the templates of a directory (lambench uses
// DefaultTemplatesDir next to lambench.toml): <dir>/<service>/<event>.json
// is the template "<service> <event>", written in text/template syntax,
// such as {"orderId": "{{ .order_id }}", "items": {{ .items }}}. Its
// parameters are the fields it uses; an optional <event>.params.json gives
// their defaults, help and kinds: {"order_id": {"default": "o-1", "help":
// "order id", "kind": "string"}}. A value is escaped for where it sits: as
// string content inside a JSON string, as a JSON value outside one. The
// template functions (FunctionHelp lists them) and {{range .records}}
// (which adds a count parameter) are available. A user template replaces
// a built-in one of the same name (Template.Overrides). Errors in a user
// template carry its file, line and column.
//
// # Saved events
//
// A Store keeps events per function like the Lambda console's saved test
// events, as <dir>/<function>/<name>.json (lambench uses DefaultSavedDir
// next to lambench.toml). Names are letters, digits, '-', '_' and '.';
// saving checks the JSON and reports a *SyntaxError with line and column;
// loading an unknown name is a *NotFoundError listing the saved ones.
package events
