package events

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// goTypes maps each template with an aws-lambda-go type to a constructor
// of that type; the test fails for a template whose GoType is missing here.
var goTypes = map[string]func() any{
	"events.S3Event":                                      func() any { return new(lambdaevents.S3Event) },
	"events.SQSEvent":                                     func() any { return new(lambdaevents.SQSEvent) },
	"events.SNSEvent":                                     func() any { return new(lambdaevents.SNSEvent) },
	"events.APIGatewayProxyRequest":                       func() any { return new(lambdaevents.APIGatewayProxyRequest) },
	"events.APIGatewayV2HTTPRequest":                      func() any { return new(lambdaevents.APIGatewayV2HTTPRequest) },
	"events.APIGatewayCustomAuthorizerRequest":            func() any { return new(lambdaevents.APIGatewayCustomAuthorizerRequest) },
	"events.APIGatewayCustomAuthorizerRequestTypeRequest": func() any { return new(lambdaevents.APIGatewayCustomAuthorizerRequestTypeRequest) },
	"events.LambdaFunctionURLRequest":                     func() any { return new(lambdaevents.LambdaFunctionURLRequest) },
	"events.ALBTargetGroupRequest":                        func() any { return new(lambdaevents.ALBTargetGroupRequest) },
	"events.EventBridgeEvent":                             func() any { return new(lambdaevents.EventBridgeEvent) },
	"events.CloudwatchLogsEvent":                          func() any { return new(lambdaevents.CloudwatchLogsEvent) },
	"events.DynamoDBEvent":                                func() any { return new(lambdaevents.DynamoDBEvent) },
	"events.KinesisEvent":                                 func() any { return new(lambdaevents.KinesisEvent) },
	"events.CognitoEventUserPoolsPreSignup":               func() any { return new(lambdaevents.CognitoEventUserPoolsPreSignup) },
	"events.CognitoEventUserPoolsPostConfirmation":        func() any { return new(lambdaevents.CognitoEventUserPoolsPostConfirmation) },
	"events.CognitoEventUserPoolsPreTokenGen":             func() any { return new(lambdaevents.CognitoEventUserPoolsPreTokenGen) },
	"events.CognitoEventUserPoolsPreTokenGenV2_0":         func() any { return new(lambdaevents.CognitoEventUserPoolsPreTokenGenV2_0) },
	"events.CodeCommitEvent":                              func() any { return new(lambdaevents.CodeCommitEvent) },
	"events.CodePipelineJobEvent":                         func() any { return new(lambdaevents.CodePipelineJobEvent) },
	"events.CognitoEvent":                                 func() any { return new(lambdaevents.CognitoEvent) },
	"events.ConfigEvent":                                  func() any { return new(lambdaevents.ConfigEvent) },
	"events.ConnectEvent":                                 func() any { return new(lambdaevents.ConnectEvent) },
	"events.KinesisFirehoseEvent":                         func() any { return new(lambdaevents.KinesisFirehoseEvent) },
	"events.KinesisAnalyticsOutputDeliveryEvent":          func() any { return new(lambdaevents.KinesisAnalyticsOutputDeliveryEvent) },
	"events.LexEvent":                                     func() any { return new(lambdaevents.LexEvent) },
	"events.S3BatchJobEvent":                              func() any { return new(lambdaevents.S3BatchJobEvent) },
	"events.SimpleEmailEvent":                             func() any { return new(lambdaevents.SimpleEmailEvent) },
	"cfn.Event":                                           func() any { return new(cfn.Event) },
}

// A sampleCheck compares a template with a recorded sample of
// aws-lambda-go's events/testdata.
type sampleCheck struct {
	file string
	// free are paths of objects whose keys are data (header names,
	// attribute names): their own keys are not compared.
	free []string
	// skip are deliberate differences: paths (with their subtrees) that
	// are compared on neither side, each for a documented reason.
	skip []string
}

var httpFree = []string{"headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables"}

// samples are the key-set comparisons. The reasons for the skips:
//   - versionId: S3 sends it only for versioned buckets (set version-id).
//   - s3 delete size/eTag: delete notifications carry neither.
//   - clientCert, authentication: present only with mutual TLS.
//   - isBase64Encoded in REST events: API Gateway sends it; the sample lacks it.
//   - body, cookies, queryStringParameters, pathParameters, stageVariables of
//     the HTTP API: the sample is of a request without them.
//   - authorizer of function URLs: only with AWS_IAM auth (set iam-auth).
//   - dynamodb userIdentity: only for TTL expiries (set ttl on remove);
//     OldImage: the sample is an INSERT.
//   - Cognito responses: the samples hold a handler's answer, the trigger
//     sends an empty one.
//   - codecommit customData: sent when the trigger has custom data (SAM's
//     custom-data parameter); the sample's trigger has none.
//   - codepipeline outputArtifacts: the sample's action has none.
//   - kinesis-firehose sourceKinesisStreamArn, kinesisRecordMetadata: only
//     when a Kinesis stream is the source (see kinesis streams-as-source);
//     the same for the apachelog, syslog and cloudwatch-logs-processor
//     transformations, whose records come from Direct PUT.
//   - kinesis analytics-dynamodb lambdaDeliveryRecordMetadata: Kinesis Data
//     Analytics sends each output record's retryHint; aws-lambda-go's type
//     and sample lack it (see looseTypes).
var samples = map[string]sampleCheck{
	"s3 put":              {file: "s3-event.json", skip: []string{"Records.s3.object.versionId"}},
	"s3 delete":           {file: "s3-event.json", skip: []string{"Records.s3.object.versionId", "Records.s3.object.size", "Records.s3.object.eTag"}},
	"sqs receive-message": {file: "sqs-event.json", free: []string{"Records.messageAttributes"}},
	"sns notification":    {file: "sns-event.json", free: []string{"Records.Sns.MessageAttributes"}},
	"apigateway aws-proxy": {file: "apigw-request.json", free: append(slices.Clone(httpFree), "requestContext.authorizer"),
		skip: []string{"requestContext.identity.clientCert", "isBase64Encoded"}},
	"apigateway http-api-proxy": {file: "apigw-v2-request-no-authorizer.json", free: httpFree,
		skip: []string{"requestContext.authentication", "body", "cookies", "queryStringParameters"}},
	"apigateway authorizer":         {file: "apigw-custom-auth-request.json"},
	"apigateway request-authorizer": {file: "apigw-custom-auth-request-type-request.json", free: httpFree, skip: []string{"requestContext.identity.clientCert"}},
	"lambda function-url":           {file: "lambda-urls-request.json", free: httpFree, skip: []string{"requestContext.authorizer"}},
	"alb request":                   {file: "alb-lambda-target-request-headers-only.json", free: httpFree},
	"dynamodb insert":               {file: "dynamodb-event.json", free: []string{"Records.dynamodb.Keys", "Records.dynamodb.NewImage"}, skip: []string{"Records.userIdentity"}},
	"dynamodb update":               {file: "dynamodb-event.json", free: []string{"Records.dynamodb.Keys", "Records.dynamodb.NewImage", "Records.dynamodb.OldImage"}, skip: []string{"Records.userIdentity", "Records.dynamodb.OldImage"}},
	"dynamodb remove":               {file: "dynamodb-event.json", free: []string{"Records.dynamodb.Keys", "Records.dynamodb.OldImage"}, skip: []string{"Records.userIdentity", "Records.dynamodb.OldImage", "Records.dynamodb.NewImage"}},
	"kinesis get-records":           {file: "kinesis-event.json"},
	"cloudwatch logs":               {file: "cloudwatch-logs-event.json"},
	"cognito pre-signup": {file: "cognito-event-userpools-presignup.json",
		free: []string{"request.userAttributes", "request.validationData", "request.clientMetadata"}},
	"cognito post-confirmation": {file: "cognito-event-userpools-postconfirmation.json",
		free: []string{"request.userAttributes", "request.clientMetadata"}},
	"cognito pre-token-generation": {file: "cognito-event-userpools-pretokengen.json",
		free: []string{"request.userAttributes", "request.clientMetadata"}, skip: []string{"response.claimsOverrideDetails"}},
	"cognito sync-trigger":                      {file: "cognito-event.json", free: []string{"datasetRecords"}},
	"connect contact-flow-event":                {file: "connect-event.json", free: []string{"Details.Parameters", "Details.ContactData.Attributes"}},
	"codecommit repository":                     {file: "code-commit-event.json", skip: []string{"Records.customData"}},
	"codepipeline job":                          {file: "codepipeline-job-event.json", skip: []string{"CodePipeline.job.data.outputArtifacts"}},
	"config item-change-notification":           {file: "config-event.json"},
	"config oversized-item-change-notification": {file: "config-event.json"},
	"config periodic-rule":                      {file: "config-event.json"},
	"kinesis kinesis-firehose":                  {file: "kinesis-firehose-event.json", skip: []string{"sourceKinesisStreamArn", "records.kinesisRecordMetadata"}},
	"kinesis streams-as-source":                 {file: "kinesis-firehose-event.json"},
	"s3 batch-invocation":                       {file: "s3-batch-job-event-request-1.0.json"},
	"ses email-receiving":                       {file: "ses-lambda-event.json"},
	"cognito pre-token-generation-v2": {file: "cognito-event-userpools-pretokengen-v2.json",
		free: []string{"request.userAttributes"}, skip: []string{"response.claimsAndScopeOverrideDetails"}},
	"kinesis apachelog":                 {file: "kinesis-firehose-event.json", skip: []string{"sourceKinesisStreamArn", "records.kinesisRecordMetadata"}},
	"kinesis syslog":                    {file: "kinesis-firehose-event.json", skip: []string{"sourceKinesisStreamArn", "records.kinesisRecordMetadata"}},
	"kinesis cloudwatch-logs-processor": {file: "kinesis-firehose-event.json", skip: []string{"sourceKinesisStreamArn", "records.kinesisRecordMetadata"}},
	"kinesis analytics-dynamodb":        {file: "kinesis-analytics-output-delivery-event.json", skip: []string{"records.lambdaDeliveryRecordMetadata"}},
	"lex book-car":                      {file: "lex-event.json", free: lexFree},
	"lex book-hotel":                    {file: "lex-event.json", free: lexFree},
	"lex make-appointment":              {file: "lex-event.json", free: lexFree},
	"lex order-flowers":                 {file: "lex-event.json", free: lexFree},
}

var lexFree = []string{"currentIntent.slots", "currentIntent.slotDetails", "sessionAttributes", "requestAttributes"}

var fixedTime = time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)

// render renders t deterministically.
func render(t testing.TB, tmpl *Template, values map[string]string) []byte {
	t.Helper()
	r, err := tmpl.Compile(values, WithSeed(42), WithClock(func() time.Time { return fixedTime }))
	if err != nil {
		t.Fatalf("%s %v: %v", tmpl.Name(), values, err)
	}
	out, err := r.Render(nil, 1)
	if err != nil {
		t.Fatalf("%s %v: %v", tmpl.Name(), values, err)
	}
	return out
}

// decodeInto unmarshals an event into the template's aws-lambda-go type
// (or a map when it has none), refusing fields the type does not have.
func decodeInto(t *testing.T, tmpl *Template, event []byte) any {
	t.Helper()
	var v any = new(map[string]any)
	if tmpl.GoType != "" {
		newV, ok := goTypes[tmpl.GoType]
		if !ok {
			t.Fatalf("%s: no test constructor for %s", tmpl.Name(), tmpl.GoType)
		}
		v = newV()
	}
	dec := json.NewDecoder(bytes.NewReader(event))
	if tmpl.GoType != "" && !looseTypes[tmpl.Name()] {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: does not unmarshal into %s: %v\n%s", tmpl.Name(), tmpl.GoType, err, event)
	}
	return v
}

// looseTypes are templates whose events carry fields their aws-lambda-go
// type lacks: Kinesis Data Analytics output records carry
// lambdaDeliveryRecordMetadata.
var looseTypes = map[string]bool{"kinesis analytics-dynamodb": true}

func TestBuiltinsRenderWithDefaults(t *testing.T) {
	for _, tmpl := range List("") {
		t.Run(tmpl.Name(), func(t *testing.T) {
			out, err := tmpl.Render(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte("{\n  \"")) && !bytes.HasPrefix(out, []byte("[\n  ")) {
				t.Errorf("not indented with 2 spaces:\n%s", out)
			}
			decodeInto(t, tmpl, out)
			if tmpl.Description == "" || tmpl.Source != "built-in" {
				t.Errorf("description %q, source %q", tmpl.Description, tmpl.Source)
			}
			for _, p := range tmpl.Params {
				if p.Help == "" {
					t.Errorf("parameter %s has no help", p.Name)
				}
			}
		})
	}
}

// changedValue returns a value different from p's default that is still
// valid for the template.
func changedValue(p Param) string {
	switch p.Kind {
	case Int:
		if normKey(p.Name) == "count" {
			return "3"
		}
		n, _ := strconv.Atoi(p.Default)
		return strconv.Itoa(n + 7)
	case Bool:
		if p.Default == "true" {
			return "false"
		}
		return "true"
	case JSON:
		var v any
		json.Unmarshal([]byte(p.Default), &v)
		switch v := v.(type) {
		case map[string]any:
			for _, first := range v {
				b, _ := json.Marshal(map[string]any{"changed": first})
				return string(b)
			}
		case []any:
			return `["changed line"]`
		}
		return `{"changed":"value"}`
	}
	switch normKey(p.Name) {
	case "time":
		return "2023-02-03T04:05:06Z"
	case "sequence":
		return p.Default + "7"
	}
	return "changed " + p.Name + " ü/+&?"
}

// needs are parameters that show in the event only with another one set.
var needs = map[string][2]string{
	"lambda function-url partition": {"iam-auth", "true"},
}

func TestBuiltinsEveryParameterChangesTheEvent(t *testing.T) {
	for _, tmpl := range List("") {
		t.Run(tmpl.Name(), func(t *testing.T) {
			base := render(t, tmpl, nil)
			for _, p := range tmpl.Params {
				v := changedValue(p)
				values := map[string]string{p.Name: v}
				from := base
				if other, ok := needs[tmpl.Name()+" "+p.Name]; ok {
					// The parameter matters only with another one set.
					values[other[0]] = other[1]
					from = render(t, tmpl, map[string]string{other[0]: other[1]})
				}
				out := render(t, tmpl, values)
				if bytes.Equal(out, from) {
					t.Errorf("setting %s=%s does not change the event", p.Name, v)
				}
				decodeInto(t, tmpl, out)
			}
		})
	}
}

// keyPaths collects the object keys of a JSON value as dotted paths;
// arrays are transparent (the keys of all their elements are merged).
func keyPaths(v any, prefix string, free, skip []string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if slices.Contains(free, prefix) {
			return
		}
		for k, child := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if slices.Contains(skip, p) {
				continue
			}
			out[p] = true
			keyPaths(child, p, free, skip, out)
		}
	case []any:
		for _, child := range v {
			keyPaths(child, prefix, free, skip, out)
		}
	}
}

var lambdaEventsDir = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	return filepath.Join(strings.TrimSpace(string(out)), "events", "testdata"), err
})

func TestBuiltinsHaveTheKeysOfRecordedSamples(t *testing.T) {
	dir, err := lambdaEventsDir()
	if err != nil {
		t.Fatalf("find aws-lambda-go in the module cache: %v", err)
	}
	for _, tmpl := range List("") {
		check, ok := samples[tmpl.Name()]
		if !ok {
			continue
		}
		t.Run(tmpl.Name(), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, check.file))
			if err != nil {
				t.Fatal(err)
			}
			var sample, got any
			if err := json.Unmarshal(b, &sample); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(render(t, tmpl, nil), &got); err != nil {
				t.Fatal(err)
			}
			want, have := map[string]bool{}, map[string]bool{}
			keyPaths(sample, "", check.free, check.skip, want)
			keyPaths(got, "", check.free, check.skip, have)
			var missing, extra []string
			for k := range want {
				if !have[k] {
					missing = append(missing, k)
				}
			}
			for k := range have {
				if !want[k] {
					extra = append(extra, k)
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("keys differ from %s:\nmissing: %v\nextra:   %v", check.file, missing, extra)
			}
		})
	}
}

func TestEveryGoTypeIsChecked(t *testing.T) {
	for _, tmpl := range List("") {
		if tmpl.GoType != "" {
			if _, ok := goTypes[tmpl.GoType]; !ok {
				t.Errorf("%s: add %s to goTypes", tmpl.Name(), tmpl.GoType)
			}
		}
	}
}
