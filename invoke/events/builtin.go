package events

import (
	"embed"
	"fmt"
	"strings"
	"sync"
)

// templateFiles holds the built-in templates, templates/<service>/<event>.json.
//
//go:embed templates
var templateFiles embed.FS

// A spec describes a built-in template; its text is templates/<service>/<event>.json.
type spec struct {
	name   string // "<service> <event>"
	desc   string
	goType string
	params []Param
}

// Parameters shared by many templates, with SAM's names and defaults.
func pRegion() Param { return Param{Name: "region", Default: "us-east-1", Help: "AWS region"} }
func pPartition() Param {
	return Param{Name: "partition", Default: "aws", Help: "AWS partition (aws, aws-cn, aws-us-gov)"}
}
func pAccount() Param {
	return Param{Name: "account-id", Default: "123456789012", Help: "AWS account id"}
}
func pCount(what string) Param {
	return Param{Name: "count", Default: "1", Help: "number of " + what + " in the event, each with its own ids", Kind: Int}
}
func pString(name, def, help string) Param { return Param{Name: name, Default: def, Help: help} }
func pJSON(name, def, help string) Param {
	return Param{Name: name, Default: def, Help: help, Kind: JSON}
}
func pInt(name, def, help string) Param {
	return Param{Name: name, Default: def, Help: help, Kind: Int}
}
func pBool(name, def, help string) Param {
	return Param{Name: name, Default: def, Help: help, Kind: Bool}
}

func arn() []Param { return []Param{pAccount(), pRegion(), pPartition()} }

const (
	restHeaders = `{"Accept":"text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8","Accept-Encoding":"gzip, deflate, sdch","Accept-Language":"en-US,en;q=0.8","Cache-Control":"max-age=0","CloudFront-Forwarded-Proto":"https","CloudFront-Is-Desktop-Viewer":"true","CloudFront-Is-Mobile-Viewer":"false","CloudFront-Is-SmartTV-Viewer":"false","CloudFront-Is-Tablet-Viewer":"false","CloudFront-Viewer-Country":"US","Upgrade-Insecure-Requests":"1","User-Agent":"Custom User Agent String","Via":"1.1 08f323deadbeefa7af34d5feb414ce27.cloudfront.net (CloudFront)","X-Amz-Cf-Id":"cDehVQoZnx43VYQb9j2-nvCh-9z396Uhbp027Y2JvkCPNLmGJHqlaA==","X-Forwarded-For":"127.0.0.1, 127.0.0.2","X-Forwarded-Port":"443","X-Forwarded-Proto":"https"}`
	httpHeaders = `{"accept":"*/*","content-type":"application/json","user-agent":"curl/8.5.0","x-forwarded-for":"127.0.0.1","x-forwarded-port":"443","x-forwarded-proto":"https"}`
	albHeaders  = `{"accept":"text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8","accept-encoding":"gzip","accept-language":"en-US,en;q=0.9","connection":"keep-alive","upgrade-insecure-requests":"1","user-agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.98 Safari/537.36","x-amzn-trace-id":"Root=1-5c536348-3d683b8b04734faae651f476","x-forwarded-for":"72.12.164.125","x-forwarded-port":"80","x-forwarded-proto":"http","x-imforwards":"20"}`
)

func httpParams(method, path, body string) []Param {
	return []Param{
		pString("method", method, "HTTP method"),
		pString("path", path, "request path"),
		pString("body", body, "request body"),
		pBool("is-base64-encoded", "false", "send the body base64-encoded, as for binary media"),
		pString("source-ip", "127.0.0.1", "client IP address"),
	}
}

func cognitoParams(trigger string) []Param {
	return []Param{
		pString("trigger-source", trigger, "the trigger source, which says why the trigger runs"),
		pRegion(),
		pString("user-pool-id", "", "user pool id (default: <region>_EXAMPLE)"),
		pString("username", "testuser", "user name"),
		pString("email", "testuser@example.com", "the user's email attribute"),
		pString("client-id", "1example23456789", "app client id"),
		pJSON("user-attributes", "{}", "more user attributes, as a JSON object of strings"),
	}
}

func join(lists ...[]Param) []Param {
	var out []Param
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// specs is built on first use: a demo function's process (the lambench
// executable) links this package but never renders, and its Init Duration
// counts every package-level initialiser.
var specs = sync.OnceValue(func() []spec {
	return []spec{
		{name: "s3 put", desc: "Amazon S3 object created (Put) notification", goType: "events.S3Event", params: join([]Param{
			pString("bucket", "example-bucket", "bucket name"),
			pString("key", "test/key", "object key, URL-encoded in the event as S3 does"),
			pInt("size", "1024", "object size in bytes"),
			pString("etag", "", "object ETag (default: derived from bucket, key and size)"),
			pString("version-id", "", "object version id, for a versioned bucket"),
			pString("event-name", "ObjectCreated:Put", "event name (ObjectCreated:Put, ObjectCreated:CompleteMultipartUpload...)"),
			pString("configuration-id", "testConfigRule", "the notification configuration's id"),
			pString("principal-id", "EXAMPLE", "principal id of the requester and owner"),
			pString("source-ip", "127.0.0.1", "IP address of the requester"),
			pCount("records"),
		}, []Param{pRegion(), pPartition()})},
		{name: "rekognition s3-request", desc: "Amazon S3 object created notification of an image for Amazon Rekognition", goType: "events.S3Event", params: join([]Param{
			pString("bucket", "example-bucket", "bucket name"),
			pString("key", "test/image.jpg", "object key, URL-encoded in the event as S3 does"),
			pInt("size", "1024", "object size in bytes"),
			pString("etag", "", "object ETag (default: derived from bucket, key and size)"),
			pString("version-id", "", "object version id, for a versioned bucket"),
			pString("event-name", "ObjectCreated:Put", "event name (ObjectCreated:Put, ObjectCreated:CompleteMultipartUpload...)"),
			pString("configuration-id", "testConfigRule", "the notification configuration's id"),
			pString("principal-id", "EXAMPLE", "principal id of the requester and owner"),
			pString("source-ip", "127.0.0.1", "IP address of the requester"),
			pCount("records"),
		}, []Param{pRegion(), pPartition()})},
		{name: "s3 delete", desc: "Amazon S3 object removed (Delete) notification", goType: "events.S3Event", params: join([]Param{
			pString("bucket", "example-bucket", "bucket name"),
			pString("key", "test/key", "object key, URL-encoded in the event as S3 does"),
			pString("version-id", "", "object version id, for a versioned bucket"),
			pString("event-name", "ObjectRemoved:Delete", "event name (ObjectRemoved:Delete, ObjectRemoved:DeleteMarkerCreated)"),
			pString("configuration-id", "testConfigRule", "the notification configuration's id"),
			pString("principal-id", "EXAMPLE", "principal id of the requester and owner"),
			pString("source-ip", "127.0.0.1", "IP address of the requester"),
			pCount("records"),
		}, []Param{pRegion(), pPartition()})},
		{name: "sqs receive-message", desc: "Amazon SQS batch of messages", goType: "events.SQSEvent", params: join([]Param{
			pString("queue-name", "MyQueue", "queue name"),
			pString("body", "Hello from SQS!", "message body; md5OfBody is computed from it"),
			pJSON("message-attributes", "{}", `message attributes: {"name": "text"} or {"name": {"stringValue"|"binaryValue": ..., "dataType": ...}}`),
			pInt("receive-count", "1", "ApproximateReceiveCount: how many times the message was received"),
			pString("sender-id", "", "SenderId (default: the account id)"),
			pCount("messages"),
		}, arn())},
		{name: "sns notification", desc: "Amazon SNS topic notification", goType: "events.SNSEvent", params: join([]Param{
			pString("topic", "ExampleTopic", "topic name"),
			pString("subject", "example subject", "message subject (empty: null)"),
			pString("message", "example message", "message"),
			pJSON("message-attributes", `{"Test":{"Type":"String","Value":"TestString"},"TestBinary":{"Type":"Binary","Value":"TestBinary"}}`, "message attributes"),
			pCount("records"),
		}, arn())},
		{name: "apigateway aws-proxy", desc: "Amazon API Gateway REST API proxy integration request (payload 1.0)", goType: "events.APIGatewayProxyRequest", params: join(
			httpParams("POST", "/path/to/resource", `{"test":"body"}`), []Param{
				pString("resource", "/{proxy+}", "resource path template; pathParameters are matched from it"),
				pString("stage", "prod", "stage name"),
				pJSON("querystringparameters", `{"foo":"bar"}`, `query string: {"name": "value" or ["v1", "v2"]}`),
				pJSON("headers", restHeaders, "request headers (Host is added from restApiId, region and dns-suffix)"),
				pJSON("stage-variables", `{"baz":"qux"}`, "stage variables"),
				pJSON("authorizer", "null", "requestContext.authorizer, as an authorizer would set it"),
				pString("restApiId", "1234567890", "REST API id"),
				pString("resource-id", "123456", "resource id"),
				pString("dns-suffix", "amazonaws.com", "DNS suffix of the API's domain"),
			}, []Param{pAccount(), pRegion()})},
		{name: "apigateway http-api-proxy", desc: "Amazon API Gateway HTTP API request (payload 2.0)", goType: "events.APIGatewayV2HTTPRequest", params: join(
			httpParams("POST", "/path/to/resource", `{"test":"body"}`), []Param{
				pString("stage", "$default", "stage name"),
				pString("route-key", "$default", `route key, such as "POST /orders"`),
				pJSON("query", `{"parameter1":["value1","value2"],"parameter2":"value"}`, `query string: {"name": "value" or ["v1", "v2"]}`),
				pJSON("headers", httpHeaders, "request headers (host and content-length are added)"),
				pJSON("cookies", `["cookie1","cookie2"]`, "cookies, a JSON array"),
				pString("api-id", "1234567890", "HTTP API id"),
				pString("dns-suffix", "amazonaws.com", "DNS suffix of the API's domain"),
			}, []Param{pAccount(), pRegion()})},
		{name: "apigateway authorizer", desc: "Amazon API Gateway TOKEN authorizer request", goType: "events.APIGatewayCustomAuthorizerRequest", params: join([]Param{
			pString("token", "incoming-client-token", "the caller's token (authorizationToken)"),
			pString("method", "POST", "HTTP method"),
			pString("resource", "{proxy+}", "resource path"),
			pString("stage", "prod", "stage name"),
			pString("restApiId", "example", "REST API id"),
		}, arn())},
		{name: "apigateway request-authorizer", desc: "Amazon API Gateway REQUEST authorizer request", goType: "events.APIGatewayCustomAuthorizerRequestTypeRequest", params: join([]Param{
			pString("token", "allow", "Authorization header value (empty: none)"),
			pString("method", "GET", "HTTP method"),
			pString("resource", "request", "resource path template"),
			pString("path", "/request", "request path"),
			pString("stage", "test", "stage name"),
			pString("restApiId", "abcdef123", "REST API id"),
			pString("resource-id", "05c7jb", "resource id"),
			pString("source-ip", "127.0.0.1", "client IP address"),
			pJSON("headers", `{"Accept":"*/*","User-Agent":"Custom User Agent String","X-Forwarded-Proto":"https"}`, "request headers (Host and Authorization are added)"),
			pJSON("querystringparameters", `{"QueryString1":"queryValue1"}`, "query string parameters"),
			pJSON("stage-variables", `{"StageVar1":"stageValue1"}`, "stage variables"),
			pString("dns-suffix", "amazonaws.com", "DNS suffix of the API's domain"),
		}, arn())},
		{name: "lambda function-url", desc: "AWS Lambda function URL request", goType: "events.LambdaFunctionURLRequest", params: join(
			httpParams("POST", "/", "Hello from client!"), []Param{
				pJSON("query", `{"parameter1":["value1","value2"],"parameter2":"value"}`, `query string: {"name": "value" or ["v1", "v2"]}`),
				pJSON("headers", httpHeaders, "request headers (host and content-length are added)"),
				pJSON("cookies", `["cookie1","cookie2"]`, "cookies, a JSON array"),
				pString("url-id", "abcdefghijklmnopqrstuvwxyz012345", "the URL id, the first label of its domain"),
				pBool("iam-auth", "false", "the URL uses AWS_IAM auth: add the caller's identity"),
			}, arn())},
		{name: "alb request", desc: "Application Load Balancer request to a Lambda target", goType: "events.ALBTargetGroupRequest", params: join(
			httpParams("POST", "/path/to/resource", `{"test":"body"}`)[:4], []Param{
				pJSON("query", `{"query":"1234ABCD"}`, `query string: {"name": "value" or ["v1", "v2"]}`),
				pJSON("headers", albHeaders, "request headers (host is added)"),
				pBool("multi-value-headers", "false", "the target group has multi-value headers on"),
				pString("target-group", "lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a", "target group name/id"),
				pString("load-balancer", "lambda-alb-123578498", "the load balancer's DNS name prefix"),
				pString("dns-suffix", "elb.amazonaws.com", "DNS suffix of the load balancer"),
			}, arn())},
		{name: "cloudwatch scheduled-event", desc: "Amazon EventBridge (CloudWatch Events) scheduled rule event", goType: "events.EventBridgeEvent", params: join([]Param{
			pString("rule", "ExampleRule", "rule name"),
			pString("time", "", "event time, RFC 3339 (default: now)"),
		}, arn())},
		{name: "cloudwatch logs", desc: "Amazon CloudWatch Logs subscription (gzip+base64 log events)", goType: "events.CloudwatchLogsEvent", params: []Param{
			pString("log-group", "/aws/lambda/example-function", "log group name"),
			pString("log-stream", "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef", "log stream name"),
			pJSON("messages", `["[ERROR] First test message","[ERROR] Second test message"]`, "log lines, a JSON array"),
			pString("filter-name", "LambdaStream_example", "subscription filter name"),
			pAccount(),
		}},
		{name: "eventbridge event", desc: "Amazon EventBridge custom event", goType: "events.EventBridgeEvent", params: join([]Param{
			pString("source", "com.example.orders", "event source"),
			pString("detail-type", "OrderCreated", "detail type"),
			pJSON("detail", `{"orderId":"1234","amount":42}`, "event detail, a JSON object"),
			pJSON("resources", "[]", "ARNs of the resources involved, a JSON array"),
			pString("time", "", "event time, RFC 3339 (default: now)"),
		}, []Param{pAccount(), pRegion()})},
		{name: "dynamodb update", desc: "Amazon DynamoDB stream record of a modified item", goType: "events.DynamoDBEvent", params: dynamoParams(true, true)},
		{name: "dynamodb insert", desc: "Amazon DynamoDB stream record of a new item", goType: "events.DynamoDBEvent", params: dynamoParams(true, false)},
		{name: "dynamodb remove", desc: "Amazon DynamoDB stream record of a removed item", goType: "events.DynamoDBEvent", params: append(dynamoParams(false, true),
			pBool("ttl", "false", "the item expired (TTL): add the DynamoDB service identity"))},
		{name: "kinesis get-records", desc: "Amazon Kinesis Data Streams records", goType: "events.KinesisEvent", params: join([]Param{
			pString("stream", "example-stream", "stream name"),
			pString("data", "Hello, this is a test 123.", "record data (base64-encoded for you)"),
			pString("partition-key", "partitionKey-03", "partition key"),
			pString("sequence", "49545115243490985018280067714973144582180062593244200961", "sequence number of the first record; the next ones follow"),
			pString("shard-id", "shardId-000000000000", "shard id"),
			pString("role", "lambda-role", "name of the function's execution role (invokeIdentityArn)"),
			pCount("records"),
		}, arn())},
		{name: "cognito pre-signup", desc: "Amazon Cognito user pool pre sign-up trigger", goType: "events.CognitoEventUserPoolsPreSignup", params: append(cognitoParams("PreSignUp_SignUp"),
			pJSON("validation-data", "{}", "validation data, a JSON object of strings"),
			pJSON("client-metadata", "{}", "client metadata, a JSON object of strings"))},
		{name: "cognito post-confirmation", desc: "Amazon Cognito user pool post confirmation trigger", goType: "events.CognitoEventUserPoolsPostConfirmation", params: append(cognitoParams("PostConfirmation_ConfirmSignUp"),
			pJSON("client-metadata", "{}", "client metadata, a JSON object of strings"))},
		{name: "cognito pre-token-generation", desc: "Amazon Cognito user pool pre token generation trigger (version 1)", goType: "events.CognitoEventUserPoolsPreTokenGen", params: append(cognitoParams("TokenGeneration_Authentication"),
			pJSON("groups", "[]", "the user's groups, a JSON array"),
			pJSON("client-metadata", "{}", "client metadata, a JSON object of strings"))},
		{name: "cognito pre-token-generation-v2", desc: "Amazon Cognito user pool pre token generation trigger (version 2, access token customization)", goType: "events.CognitoEventUserPoolsPreTokenGenV2_0", params: append(cognitoParams("TokenGeneration_Authentication"),
			pJSON("groups", "[]", "the user's groups, a JSON array"),
			pJSON("scopes", `["aws.cognito.signin.user.admin"]`, "OAuth scopes, a JSON array"))},
		{name: "cognito sync-trigger", desc: "Amazon Cognito Sync trigger", goType: "events.CognitoEvent", params: []Param{
			pRegion(),
			pString("identity-pool", "ExampleIdentityPool", "identity pool name (its id is derived from it and region)"),
			pString("identity", "testuser", "identity name (its id is derived from it and region)"),
			pString("dataset", "datasetName", "dataset name"),
			pJSON("dataset-records", `{"SampleKey1":{"oldValue":"oldValue1","newValue":"newValue1","op":"replace"},"SampleKey2":{"oldValue":"oldValue2","newValue":"newValue2","op":"replace"}}`, "dataset records"),
		}},
		{name: "connect contact-flow-event", desc: "Amazon Connect contact flow invocation", goType: "events.ConnectEvent", params: join([]Param{
			pString("contact-id", "5ca32fbd-8f92-46af-92a5-6b0f970f0efe", "contact id"),
			pString("phone-number", "+11234567890", "the customer's phone number"),
			pString("system-phone-number", "+18005550100", "the number the customer called"),
			pString("instance-id", "9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa", "Amazon Connect instance id"),
			pString("queue", "BasicQueue", "queue name"),
			pJSON("attributes", "{}", "contact attributes, a JSON object of strings"),
			pJSON("parameters", "{}", "parameters the contact flow passes, a JSON object of strings"),
		}, arn())},
		{name: "codecommit repository", desc: "AWS CodeCommit repository trigger", goType: "events.CodeCommitEvent", params: join([]Param{
			pString("repository", "my-repo", "repository name"),
			pString("trigger", "my-trigger", "trigger name"),
			pString("custom-data", "this is custom data", "the trigger's custom data"),
			pString("ref", "refs/heads/main", "the updated reference"),
			pString("user", "example-user", "IAM user who pushed"),
		}, arn())},
		{name: "codepipeline job", desc: "AWS CodePipeline job for a Lambda invoke action", goType: "events.CodePipelineJobEvent", params: []Param{
			pAccount(),
			pString("input-bucket", "example-bucket", "input artifact bucket"),
			pString("input-key", "test/key", "input artifact key"),
			pString("output-bucket", "example-bucket2", "output artifact bucket"),
			pString("output-key", "test/key2", "output artifact key"),
			pString("function-name", "MyLambdaFunctionForAWSCodePipeline", "FunctionName of the action's configuration"),
			pString("user-parameters", "some-input-such-as-a-URL", "UserParameters of the action's configuration"),
		}},
		{name: "config item-change-notification", desc: "AWS Config rule evaluation on a configuration change", goType: "events.ConfigEvent", params: configParams()},
		{name: "config oversized-item-change-notification", desc: "AWS Config rule evaluation on an oversized configuration change", goType: "events.ConfigEvent", params: configParams()},
		{name: "config periodic-rule", desc: "AWS Config periodic rule evaluation", goType: "events.ConfigEvent", params: join([]Param{
			pString("config-rule-name", "periodic-config-rule", "rule name"),
			pString("config-rule-id", "config-rule-0123456", "rule id"),
		}, arn())},
		{name: "kinesis kinesis-firehose", desc: "Amazon Data Firehose data transformation records", goType: "events.KinesisFirehoseEvent", params: join([]Param{
			pString("data", "Hello, this is a test 123.", "record data (base64-encoded for you)"),
			pString("delivery-stream", "example-delivery-stream", "delivery stream name"),
			pCount("records"),
		}, arn())},
		{name: "kinesis streams-as-source", desc: "Amazon Data Firehose records from a Kinesis data stream", goType: "events.KinesisFirehoseEvent", params: join([]Param{
			pString("data", "Hello, this is a test 123.", "record data (base64-encoded for you)"),
			pString("stream", "example-stream", "source stream name"),
			pString("delivery-stream", "example-delivery-stream", "delivery stream name"),
			pString("partition-key", "partitionKey-03", "partition key"),
			pString("sequence", "49545115243490985018280067714973144582180062593244200961", "sequence number of the first record; the next ones follow"),
			pString("shard-id", "shardId-000000000000", "shard id"),
			pCount("records"),
		}, arn())},
		{name: "s3 batch-invocation", desc: "Amazon S3 Batch Operations task", goType: "events.S3BatchJobEvent", params: []Param{
			pString("bucket-arn", "arn:aws:s3:::examplebucket", "bucket ARN"),
			pString("key", "test/key", "object key, URL-encoded as S3 Batch Operations sends it"),
			pString("version-id", "", "object version id (empty: null)"),
			pCount("tasks"),
		}},
		{name: "ses email-receiving", desc: "Amazon SES email receiving (Lambda action)", goType: "events.SimpleEmailEvent", params: join([]Param{
			pString("from", "Jane Doe <janedoe@example.com>", "From header"),
			pString("source", "janedoe@example.com", "envelope sender"),
			pString("to", "johndoe@example.com", "recipient"),
			pString("subject", "Test Subject", "subject"),
			pString("function-name", "Example", "name of the function the receipt rule invokes"),
			pString("dns-suffix", "amazonaws.com", "DNS suffix of SES's inbound SMTP host"),
		}, arn())},
		{name: "stepfunctions error", desc: "AWS Step Functions error passed to a Catch state", params: []Param{
			pString("error", "ErrorName", "error name"),
			pString("cause", "This is the cause of the error.", "error cause"),
		}},
		{name: "cloudformation create-request", desc: "AWS CloudFormation custom resource Create request", goType: "cfn.Event", params: join([]Param{
			pString("stack", "MyStack", "stack name"),
			pString("logical-resource-id", "MyTestResource", "the resource's logical id"),
			pString("resource-type", "Custom::TestResource", "resource type"),
			pString("function-name", "MyCustomResourceFunction", "the function behind the resource (ServiceToken)"),
			pJSON("resource-properties", `{"List":["1","2","3"]}`, "the resource's properties (ServiceToken and StackName are added)"),
		}, arn())},
		{name: "alexa-skills-kit start-session", desc: "Alexa Skills Kit LaunchRequest, the start of a session", params: alexaParams()},
		{name: "alexa-skills-kit end-session", desc: "Alexa Skills Kit SessionEndedRequest, the end of a session", params: append(alexaParams(),
			pJSON("session-attributes", "{}", "session attributes the skill saved, a JSON object"),
			pString("reason", "USER_INITIATED", "why the session ended (USER_INITIATED, ERROR, EXCEEDED_MAX_REPROMPTS)"))},
		{name: "alexa-skills-kit intent-answer", desc: "Alexa Skills Kit IntentRequest for AnswerIntent (trivia game)", params: append(alexaParams(),
			pJSON("session-attributes", triviaAttributes, "session attributes the skill saved, a JSON object"),
			pString("answer", "1", "the Answer slot's value"))},
		{name: "alexa-skills-kit intent-getnewfact", desc: "Alexa Skills Kit IntentRequest for GetNewFactIntent (fact skill)", params: append(alexaParams(),
			pJSON("session-attributes", "{}", "session attributes the skill saved, a JSON object"))},
		{name: "alexa-skills-kit intent-mycoloris", desc: "Alexa Skills Kit IntentRequest for MyColorIsIntent (color expert)", params: append(alexaParams(),
			pJSON("session-attributes", "{}", "session attributes the skill saved, a JSON object"),
			pString("color", "blue", "the Color slot's value"))},
		{name: "alexa-skills-kit intent-recipe", desc: "Alexa Skills Kit IntentRequest for RecipeIntent (how-to skill)", params: append(alexaParams(),
			pJSON("session-attributes", "{}", "session attributes the skill saved, a JSON object"),
			pString("item", "snowball", "the Item slot's value"))},
		{name: "alexa-smart-home smart-home-control-turn-off-request", desc: "Alexa Smart Home (payload v2) TurnOffRequest", params: alexaHomeParams(true)},
		{name: "alexa-smart-home smart-home-control-turn-on-request", desc: "Alexa Smart Home (payload v2) TurnOnRequest", params: alexaHomeParams(true)},
		{name: "alexa-smart-home smart-home-discovery-request", desc: "Alexa Smart Home (payload v2) DiscoverAppliancesRequest", params: alexaHomeParams(false)},
		{name: "appsync resolver", desc: "AWS AppSync direct Lambda resolver request (Cognito user pool caller)", params: join([]Param{
			pString("field-name", "createSomething", "the field being resolved"),
			pString("parent-type-name", "Mutation", "the type that holds the field (Query, Mutation, or a type)"),
			pJSON("arguments", `{"id":"my identifier"}`, "the field's arguments, a JSON object"),
			pJSON("selection-set", `["id","field1","field2"]`, `the selected fields, a JSON array of paths such as "author/name" (selectionSetGraphQL is derived)`),
			pJSON("variables", "{}", "the operation's variables, a JSON object"),
			pJSON("source", "null", "the parent field's resolved value (null for a root field)"),
			pString("api-id", "abcdefghijklmnopqrstuvwxyz", "GraphQL API id, the first label of its host"),
			pString("username", "jdoe", "the caller's user name"),
			pString("email", "jdoe@example.com", "the caller's email claim"),
			pString("user-pool-id", "", "user pool id (default: <region>_EXAMPLE)"),
			pString("client-id", "1example23456789", "app client id (the aud claim)"),
			pJSON("groups", "null", "the caller's user pool groups, a JSON array, or null"),
			pString("source-ip", "127.0.0.1", "the caller's IP address"),
			pJSON("headers", appsyncHeaders, "request headers (host and x-forwarded-for are added)"),
		}, []Param{pRegion()})},
		{name: "batch get-job", desc: "AWS Batch job lookup (input of the batch-get-job blueprint)", params: []Param{
			pString("job-id", "", "the job's id (default: a new UUID per request)"),
		}},
		{name: "batch submit-job", desc: "AWS Batch job submission (input of the batch-submit-job blueprint)", params: []Param{
			pString("job-name", "hello_world", "job name"),
			pString("job-queue", "default", "job queue"),
			pString("job-definition", "hello_world", "job definition, name or name:revision"),
		}},
		{name: "cloudfront ab-test", desc: "Amazon CloudFront Lambda@Edge viewer request with an experiment cookie (A/B test)", params: cloudfrontParams("", `{"User-Agent":"Test Agent","Cookie":"SomeCookie=1; AnotherOne=A; X-Experiment-Name=B"}`)},
		{name: "cloudfront access-request-in-response", desc: "Amazon CloudFront Lambda@Edge viewer response, with the request", params: append(cloudfrontParams("", `{"User-Name":"CloudFront"}`),
			cloudfrontResponseParams(`{"X-Cache":"Hello from Cloudfront"}`)...)},
		{name: "cloudfront http-redirect", desc: "Amazon CloudFront Lambda@Edge viewer request to redirect", params: cloudfrontParams("", `{"User-Agent":"test-agent"}`)},
		{name: "cloudfront modify-querystring", desc: "Amazon CloudFront Lambda@Edge viewer request with a query string to modify", params: cloudfrontParams("auth=test&foo=bar", `{"User-Agent":"Test Agent","User-Name":"aws-cloudfront"}`)},
		{name: "cloudfront modify-response-header", desc: "Amazon CloudFront Lambda@Edge origin response with headers to modify", params: join(cloudfrontParams("", `{"User-Agent":"Test Agent"}`),
			[]Param{pString("origin-domain", "example.org", "the custom origin's domain name (the Host of the origin request)")},
			cloudfrontResponseParams(`{"Last-Modified":"2016-11-25","Vary":"*","X-Amz-Meta-Last-Modified":"2016-01-01"}`))},
		{name: "cloudfront multiple-remote-calls-aggregate-response", desc: "Amazon CloudFront Lambda@Edge viewer request answered by aggregating remote calls", params: cloudfrontParams("", `{"User-Agent":"Test Agent"}`, "/forecast/Seattle:NewYork:Chicago:SanFrancisco")},
		{name: "cloudfront normalize-querystring-to-improve-cache-hit", desc: "Amazon CloudFront Lambda@Edge viewer request with a query string to normalize", params: cloudfrontParams("size=LARGE&color=RED", `{"User-Agent":"Test Agent","User-Name":"aws-cloudfront"}`)},
		{name: "cloudfront redirect-on-viewer-country", desc: "Amazon CloudFront Lambda@Edge origin request with the viewer's country", params: append(cloudfrontParams("", `{"CloudFront-Viewer-Country":"TW"}`),
			pString("origin-domain", "example.org", "the custom origin's domain name (the Host of the origin request)"))},
		{name: "cloudfront redirect-unauthenticated-users", desc: "Amazon CloudFront Lambda@Edge viewer request of a user to authenticate", params: cloudfrontParams("foo=bar", `{}`)},
		{name: "cloudfront response-generation", desc: "Amazon CloudFront Lambda@Edge viewer request answered by the function", params: cloudfrontParams("", `{}`)},
		{name: "cloudfront serve-object-on-viewer-device", desc: "Amazon CloudFront Lambda@Edge origin request with the viewer's device type", params: append(cloudfrontParams("", `{"CloudFront-Is-Desktop-Viewer":"true","CloudFront-Is-Mobile-Viewer":"false","CloudFront-Is-SmartTV-Viewer":"false","CloudFront-Is-Tablet-Viewer":"false"}`),
			pString("origin-domain", "example.org", "the custom origin's domain name (the Host of the origin request)"))},
		{name: "cloudfront simple-remote-call", desc: "Amazon CloudFront Lambda@Edge viewer request answered with a remote call", params: cloudfrontParams("", `{"User-Agent":"Test Agent","User-Name":"aws-cloudfront"}`)},
		{name: "kinesis analytics", desc: "Amazon Kinesis Data Analytics (SQL) input preprocessing of Kinesis stream records", params: kinesisAnalyticsParams("This is a test from Kinesis Analytics", "record data (base64-encoded for you)")},
		{name: "kinesis analytics-compressed", desc: "Amazon Kinesis Data Analytics (SQL) input preprocessing of gzip-compressed records", params: kinesisAnalyticsParams(`{"column1":"value1","column2":"value2"}`, "record data (gzip-compressed and base64-encoded for you)")},
		{name: "kinesis analytics-kpl", desc: "Amazon Kinesis Data Analytics (SQL) input preprocessing of KPL-aggregated records", params: kinesisAnalyticsParams(`["Hello, this is a test 123.","This is a second user record."]`, "the user records the KPL aggregates into each record, a JSON array (aggregated and base64-encoded for you)")},
		{name: "kinesis analytics-dynamodb", desc: "Amazon Kinesis Data Analytics (SQL) output delivered to a Lambda destination (rows to write to DynamoDB)", goType: "events.KinesisAnalyticsOutputDeliveryEvent", params: join([]Param{
			pString("application", "example-application", "application name"),
			pString("data", `{"ROWTIME_TIMESTAMP":"2017-12-15 01:09:50.000","VEHICLEID":"5","VEHICLECOUNT":18}`, "output row (base64-encoded for you)"),
			pString("sequence", "49571347871967966406409637155186850213682522142927749122", "record id of the first record; the next ones follow"),
			pCount("records"),
		}, arn())},
		{name: "kinesis apachelog", desc: "Amazon Data Firehose data transformation of Apache log lines", goType: "events.KinesisFirehoseEvent", params: join([]Param{
			pString("data", `64.242.88.10 - - [07/Mar/2004:16:10:02 -0800] "GET /mailman/listinfo/hsdivision HTTP/1.1" 200 6291`, "record data, an Apache log line (base64-encoded for you)"),
			pString("delivery-stream", "example-delivery-stream", "delivery stream name"),
			pCount("records"),
		}, arn())},
		{name: "kinesis syslog", desc: "Amazon Data Firehose data transformation of syslog lines", goType: "events.KinesisFirehoseEvent", params: join([]Param{
			pString("data", `Mar 12 12:00:08 server2 rcd[308]: Loaded 12 packages in 'ximian-red-carpet|351' (0.01878 seconds)`, "record data, a syslog line (base64-encoded for you)"),
			pString("delivery-stream", "example-delivery-stream", "delivery stream name"),
			pCount("records"),
		}, arn())},
		{name: "kinesis cloudwatch-logs-processor", desc: "Amazon Data Firehose data transformation of CloudWatch Logs subscription data (gzip+base64)", goType: "events.KinesisFirehoseEvent", params: join([]Param{
			pString("log-group", "/aws/lambda/example-function", "log group name"),
			pString("log-stream", "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef", "log stream name"),
			pJSON("messages", `["[ERROR] First test message","[ERROR] Second test message"]`, "log lines of each record, a JSON array"),
			pString("filter-name", "FirehoseStream_example", "subscription filter name"),
			pString("delivery-stream", "example-delivery-stream", "delivery stream name"),
			pCount("records"),
		}, arn())},
		{name: "lex book-car", desc: "Amazon Lex (V1) code hook for the BookCar intent", goType: "events.LexEvent", params: lexParams("BookTrip", "I would like to rent a car",
			`{"PickUpCity":"Chicago","PickUpDate":"2030-11-08","ReturnDate":"2030-11-08","CarType":"economy","DriverAge":"21"}`)},
		{name: "lex book-hotel", desc: "Amazon Lex (V1) code hook for the BookHotel intent", goType: "events.LexEvent", params: lexParams("BookTrip", "I would like to book a hotel",
			`{"Location":"Chicago","CheckInDate":"2030-11-08","Nights":"4","RoomType":"queen"}`)},
		{name: "lex make-appointment", desc: "Amazon Lex (V1) code hook for the MakeAppointment intent", goType: "events.LexEvent", params: lexParams("MakeAppointment", "I would like to make an appointment",
			`{"AppointmentType":"whitening","Date":"2030-11-08","Time":"10:00"}`)},
		{name: "lex order-flowers", desc: "Amazon Lex (V1) code hook for the OrderFlowers intent", goType: "events.LexEvent", params: lexParams("OrderFlowers", "I would like to order some flowers",
			`{"FlowerType":"lilies","PickupDate":"2030-11-08","PickupTime":"10:00"}`)},
		{name: "lex-v2 banking-bot", desc: "Amazon Lex V2 fulfillment code hook for the CheckBalance intent", params: lexV2Params("BankingBot", "J866BA0UQC", "01/01/1990", "FulfillmentCodeHook", "ReadyForFulfillment", "",
			`{"dateofBirth":"1990-01-01","accountType":"Savings"}`)},
		{name: "lex-v2 book-car", desc: "Amazon Lex V2 dialog code hook for the BookCar intent", params: lexV2Params("BookTrip", "CCGFLGVZMD", "Book a car", "DialogCodeHook", "InProgress", "PickUpCity",
			`{"ReturnDate":null,"PickUpDate":null,"DriverAge":null,"CarType":null,"PickUpCity":null}`)},
		{name: "lex-v2 book-hotel", desc: "Amazon Lex V2 dialog code hook for the BookHotel intent", params: lexV2Params("BookTrip", "CCGFLGVZMD", "Book a hotel", "DialogCodeHook", "InProgress", "Location",
			`{"RoomType":null,"CheckInDate":null,"Nights":null,"Location":null}`)},
		{name: "sagemaker ground-truth-pre-human", desc: "Amazon SageMaker Ground Truth pre-annotation (PreHumanTask) request", params: join([]Param{
			pString("labeling-job-name", "example-job", "labeling job name"),
			pString("source-ref", "s3://sagemakerexample/object_to_annotate.jpg", "S3 URI of the data object"),
		}, arn())},
		{name: "sagemaker ground-truth-annotation-consolidation", desc: "Amazon SageMaker Ground Truth annotation consolidation request", params: join([]Param{
			pString("labeling-job-name", "example-job", "labeling job name"),
			pString("label-attribute-name", "example-attribute", "the job's label attribute name"),
			pString("s3-output-path", "s3://sagemakerexample/output", "the job's S3 output path"),
			pString("execution-role", "sagemaker-role", "name of the job's execution role"),
			pString("iteration-object-timestamp", "", "iteration and timestamp of the worker responses object (default: iteration-1/0/<now>)"),
		}, arn())},
		{name: "workmail email", desc: "Amazon WorkMail Run Lambda email flow rule", params: []Param{
			pString("flow-direction", "INBOUND", "email flow direction (INBOUND, OUTBOUND)"),
			pString("mail-from", "from@example.com", "envelope sender (MAIL FROM)"),
			pString("sender", "sender@example.com", "Sender header"),
			pJSON("recipients", `["recipient1@example.com","recipient2@example.com"]`, "envelope recipients, a JSON array"),
			pString("subject", "Hello From Amazon WorkMail!", "subject"),
			pString("message-id", "", "message id (default: a new UUID per request)"),
		}},
	}
})

const (
	triviaAttributes = `{"score":0,"currentQuestionIndex":0,"speechOutput":"Question 1. What was Rudolph's father's name? 1. Blixen. 2. Comet. 3. Donner. 4. Dasher. ","correctAnswerText":"Donner","repromptText":"Question 1. What was Rudolph's father's name? 1. Blixen. 2. Comet. 3. Donner. 4. Dasher. ","questions":[16,20,29,2,19],"STATE":"_TRIVIAMODE","correctAnswerIndex":3}`
	appsyncHeaders   = `{"accept":"*/*","accept-encoding":"gzip, deflate, br","accept-language":"en-US,en;q=0.9","content-type":"application/json","user-agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/85.0.4183.83 Safari/537.36","x-forwarded-proto":"https","x-forwarded-port":"443"}`
)

func alexaParams() []Param {
	return []Param{
		pString("session-id", "", "session id, after amzn1.echo-api.session. (default: a new UUID per request)"),
		pString("user-id", "testUser", "user id, after amzn1.ask.account."),
		pString("application-id", "987654321", "the skill's id, after amzn1.ask.skill."),
		pString("request-id", "", "request id, after amzn1.echo-api.request. (default: a new UUID per request)"),
		pString("locale", "en-US", "the user's locale"),
	}
}

func alexaHomeParams(appliance bool) []Param {
	ps := []Param{
		pString("access-token", "access-token-from-skill", "the user's OAuth access token from account linking"),
		pString("message-id", "", "message id (default: a new UUID per request)"),
	}
	if appliance {
		ps = append(ps,
			pString("appliance-id", "unique-id-for-non-dimmable-bulb-specific-to-user1", "the appliance's id"),
			pJSON("appliance-details", "{}", "additionalApplianceDetails the skill gave at discovery, a JSON object of strings"))
	}
	return ps
}

// cloudfrontParams are the parameters of a Lambda@Edge event's request;
// uri is SAM's default unless given.
func cloudfrontParams(querystring, headers string, uri ...string) []Param {
	u := "/test"
	if len(uri) > 0 {
		u = uri[0]
	}
	return []Param{
		pString("uri", u, "request URI"),
		pString("method", "GET", "HTTP method"),
		pString("querystring", querystring, "query string, without the ?"),
		pJSON("headers", headers, `request headers: {"Name": "value" or ["v1", "v2"]}, as CloudFront sends them (Host is added)`),
		pString("client-ip", "2001:cdba::3257:9652", "the viewer's IP address"),
		pString("distribution-id", "EDFDVBD6EXAMPLE", "distribution id"),
		pString("distribution-domain", "d111111abcdef8.cloudfront.net", "the distribution's domain name"),
	}
}

func cloudfrontResponseParams(headers string) []Param {
	return []Param{
		pString("status", "200", "response status code"),
		pString("status-description", "OK", "response status description"),
		pJSON("response-headers", headers, `response headers: {"Name": "value" or ["v1", "v2"]}, as CloudFront sends them`),
	}
}

func kinesisAnalyticsParams(data, help string) []Param {
	kind := String
	if strings.HasPrefix(data, "[") {
		kind = JSON
	}
	return join([]Param{
		pString("application", "example-application", "application name"),
		pString("stream", "example-stream", "source stream name"),
		{Name: "data", Default: data, Help: help, Kind: kind},
		pString("partition-key", "partitionKey-03", "partition key"),
		pString("sequence", "49571347871967966406409637155186850213682522142927749122", "sequence number of the first record; the next ones follow"),
		pString("shard-id", "shardId-000000000000", "shard id"),
		pCount("records"),
	}, arn())
}

func lexParams(bot, transcript, slots string) []Param {
	return []Param{
		pString("user-id", "John", "user id the client sent"),
		pString("input-transcript", transcript, "what the user said or typed"),
		pString("invocation-source", "DialogCodeHook", "the code hook: DialogCodeHook or FulfillmentCodeHook"),
		pString("output-dialog-mode", "Text", "Text or Voice"),
		pString("bot-name", bot, "bot name"),
		pString("bot-alias", "$LATEST", "bot alias"),
		pJSON("slots", slots, "slot values, a JSON object of strings (null for a slot not filled yet); slotDetails are derived"),
		pString("confirmation-status", "None", "intent confirmation: None, Confirmed or Denied"),
		pJSON("session-attributes", "{}", "session attributes, a JSON object of strings"),
		pJSON("request-attributes", "null", "request attributes, a JSON object of strings, or null"),
	}
}

func lexV2Params(bot, botID, transcript, source, state, elicit, slots string) []Param {
	return []Param{
		pString("session-id", "", "session id the client chose (default: 15 random digits per request)"),
		pString("input-transcript", transcript, "what the user said or typed"),
		pString("invocation-source", source, "the code hook: DialogCodeHook or FulfillmentCodeHook"),
		pString("input-mode", "Text", "Text, Speech or DTMF"),
		pString("bot-name", bot, "bot name"),
		pString("bot-id", botID, "bot id"),
		pString("bot-alias-id", "TSTALIASID", "bot alias id"),
		pString("bot-alias-name", "TestBotAlias", "bot alias name"),
		pString("locale-id", "en_US", "bot locale"),
		pJSON("slots", slots, "slot values, a JSON object of strings (null for a slot not filled yet), written as Lex V2 slots"),
		pString("intent-state", state, "intent state: InProgress, ReadyForFulfillment, Fulfilled..."),
		pString("confirmation-state", "None", "intent confirmation: None, Confirmed or Denied"),
		pString("slot-to-elicit", elicit, "the slot Lex proposes to elicit next (empty: no proposedNextState)"),
		pJSON("session-attributes", "{}", "session attributes, a JSON object of strings"),
	}
}

func configParams() []Param {
	return join([]Param{
		pString("config-rule-name", "change-triggered-config-rule", "rule name"),
		pString("config-rule-id", "config-rule-0123456", "rule id"),
		pString("resource-type", "AWS::EC2::Instance", "type of the changed resource"),
		pString("resource-id", "i-00000000", "id of the changed resource"),
	}, arn())
}

func dynamoParams(newImage, oldImage bool) []Param {
	ps := []Param{
		pString("table", "ExampleTableWithStream", "table name"),
		pJSON("keys", `{"Id":{"N":"101"}}`, "the item's key attributes, in DynamoDB JSON"),
	}
	if newImage {
		ps = append(ps, pJSON("new-image", `{"Message":{"S":"This item has changed"},"Id":{"N":"101"}}`, "the item after the change, in DynamoDB JSON"))
	}
	if oldImage {
		ps = append(ps, pJSON("old-image", `{"Message":{"S":"New item!"},"Id":{"N":"101"}}`, "the item before the change, in DynamoDB JSON"))
	}
	return append(ps,
		pString("stream-view-type", "NEW_AND_OLD_IMAGES", "stream view type"),
		pString("stream-label", "2015-06-27T00:48:05.899", "stream label, the last part of the stream ARN"),
		pString("sequence", "4421584500000000017450439091", "sequence number of the first record; the next ones follow"),
		pCount("records"),
		pAccount(), pRegion(), pPartition(),
	)
}

// builtinTemplates parses the built-in templates once.
var builtinTemplates = sync.OnceValue(func() []*Template {
	out := make([]*Template, 0, len(specs()))
	var errs []string
	defer func() {
		if len(errs) > 0 {
			panic("built-in templates:\n" + strings.Join(errs, "\n"))
		}
	}()
	for _, s := range specs() {
		service, event, _ := strings.Cut(s.name, " ")
		path := "templates/" + service + "/" + event + ".json"
		text, err := templateFiles.ReadFile(path)
		if err != nil {
			panic(fmt.Sprintf("built-in template %s: %v", s.name, err))
		}
		t, err := newTemplate(service, event, s.desc, path, string(text), s.params, true)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		t.GoType = s.goType
		t.Source = "built-in"
		out = append(out, t)
	}
	return out
})
