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

var specs = []spec{
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
	out := make([]*Template, 0, len(specs))
	var errs []string
	defer func() {
		if len(errs) > 0 {
			panic("built-in templates:\n" + strings.Join(errs, "\n"))
		}
	}()
	for _, s := range specs {
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
