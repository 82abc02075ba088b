package events

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

func mustLookup(t testing.TB, name string) *Template {
	t.Helper()
	tmpl, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func renderAs[T any](t *testing.T, name string, values map[string]string) T {
	t.Helper()
	var v T
	out, err := mustLookup(t, name).Render(values)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return v
}

func TestSQSDerivedValues(t *testing.T) {
	body := "héllo \"world\"\n\t\\ {"
	ev := renderAs[lambdaevents.SQSEvent](t, "sqs receive-message", map[string]string{
		"body": body, "queue_name": "orders.fifo",
		"region": "eu-west-3", "account-id": "111122223333",
		"message-attributes": `{"Color":"red","Size":{"stringValue":"9","dataType":"Number"},"Bin":{"binaryValue":"AAEC"}}`,
	})
	m := ev.Records[0]
	if m.Body != body {
		t.Fatalf("body %q, want %q", m.Body, body)
	}
	sum := md5.Sum([]byte(body))
	if m.Md5OfBody != hex.EncodeToString(sum[:]) {
		t.Errorf("md5OfBody %s, want md5 of the body", m.Md5OfBody)
	}
	if want := "arn:aws:sqs:eu-west-3:111122223333:orders.fifo"; m.EventSourceARN != want || m.AWSRegion != "eu-west-3" {
		t.Errorf("ARN %s region %s, want %s", m.EventSourceARN, m.AWSRegion, want)
	}
	if *m.MessageAttributes["Size"].StringValue != "9" || m.MessageAttributes["Color"].DataType != "String" ||
		string(m.MessageAttributes["Bin"].BinaryValue) != "\x00\x01\x02" {
		t.Errorf("message attributes %+v", m.MessageAttributes)
	}
	attrs, _ := parseSQSAttributes([]byte(`{"Color":"red","Size":{"stringValue":"9","dataType":"Number"},"Bin":{"binaryValue":"AAEC"}}`))
	if m.Md5OfMessageAttributes != sqsAttributesMD5(attrs) {
		t.Errorf("md5OfMessageAttributes %q", m.Md5OfMessageAttributes)
	}
	// A literal "{{" is written {{"{{"}}.
	ev = renderAs[lambdaevents.SQSEvent](t, "sqs receive-message", map[string]string{"body": `a {{"{{"}} b`})
	if ev.Records[0].Body != "a {{ b" {
		t.Errorf("body %q", ev.Records[0].Body)
	}
}

// TestSQSMessageAttributesMD5 checks the algorithm against the encoding
// SQS documents, written out by hand.
func TestSQSMessageAttributesMD5(t *testing.T) {
	attrs, err := parseSQSAttributes([]byte(`{"attr1":{"stringValue":"value1","dataType":"String"}}`))
	if err != nil {
		t.Fatal(err)
	}
	// Built by hand: lengths are 4-byte big-endian, transport 1 = string.
	var b bytes.Buffer
	for _, part := range []string{"attr1", "String"} {
		b.Write([]byte{0, 0, 0, byte(len(part))})
		b.WriteString(part)
	}
	b.WriteByte(1)
	b.Write([]byte{0, 0, 0, 6})
	b.WriteString("value1")
	sum := md5.Sum(b.Bytes())
	if got := sqsAttributesMD5(attrs); got != hex.EncodeToString(sum[:]) {
		t.Errorf("md5 %s, want %x", got, sum)
	}
	out := render(t, mustLookup(t, "sqs receive-message"), nil)
	if !bytes.Contains(out, []byte(`"md5OfMessageAttributes": null`)) {
		t.Errorf("no attributes should give a null md5OfMessageAttributes:\n%s", out)
	}
}

func TestKinesisDataIsBase64(t *testing.T) {
	ev := renderAs[lambdaevents.KinesisEvent](t, "kinesis get-records", map[string]string{
		"data": `{"temp": 21.5}`, "stream": "sensors", "region": "ap-south-1", "account-id": "999988887777", "count": "3",
	})
	if len(ev.Records) != 3 {
		t.Fatalf("%d records, want 3", len(ev.Records))
	}
	seen := map[string]bool{}
	for i, r := range ev.Records {
		if string(r.Kinesis.Data) != `{"temp": 21.5}` {
			t.Errorf("record %d: data %q", i, r.Kinesis.Data)
		}
		if want := "arn:aws:kinesis:ap-south-1:999988887777:stream/sensors"; r.EventSourceArn != want {
			t.Errorf("ARN %s, want %s", r.EventSourceArn, want)
		}
		if !strings.HasSuffix(r.EventID, ":"+r.Kinesis.SequenceNumber) || seen[r.Kinesis.SequenceNumber] {
			t.Errorf("record %d: event id %s, sequence %s", i, r.EventID, r.Kinesis.SequenceNumber)
		}
		seen[r.Kinesis.SequenceNumber] = true
	}
	if ev.Records[2].Kinesis.SequenceNumber != "49545115243490985018280067714973144582180062593244200963" {
		t.Errorf("third sequence number %s", ev.Records[2].Kinesis.SequenceNumber)
	}
}

func TestS3KeyIsURLEncoded(t *testing.T) {
	for key, want := range map[string]string{
		"test/key":                 "test/key",
		"my photos/Happy Face.jpg": "my+photos/Happy+Face.jpg",
		"a+b=c&d?é":                "a%2Bb%3Dc%26d%3F%C3%A9",
	} {
		ev := renderAs[lambdaevents.S3Event](t, "s3 put", map[string]string{"key": key, "bucket": "pics", "partition": "aws-cn", "size": "5"})
		r := ev.Records[0]
		if r.S3.Object.Key != want {
			t.Errorf("key %q: event has %q, want %q", key, r.S3.Object.Key, want)
		}
		if r.S3.Object.URLDecodedKey != key {
			t.Errorf("key %q: aws-lambda-go decodes %q", key, r.S3.Object.URLDecodedKey)
		}
		if r.S3.Bucket.Arn != "arn:aws-cn:s3:::pics" || r.S3.Object.Size != 5 || len(r.S3.Object.ETag) != 32 {
			t.Errorf("bucket ARN %s size %d eTag %s", r.S3.Bucket.Arn, r.S3.Object.Size, r.S3.Object.ETag)
		}
	}
}

func TestCloudWatchLogsDataHoldsTheLines(t *testing.T) {
	lines := []string{"START RequestId: 1", `{"level":"info","msg":"hi"}`, "END RequestId: 1"}
	b, _ := json.Marshal(lines)
	ev := renderAs[lambdaevents.CloudwatchLogsEvent](t, "cloudwatch logs", map[string]string{
		"messages": string(b), "log-group": "/aws/lambda/orders", "account-id": "123412341234",
	})
	raw, err := base64.StdEncoding.DecodeString(ev.AWSLogs.Data)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var data lambdaevents.CloudwatchLogsData
	if err := json.Unmarshal(plain, &data); err != nil {
		t.Fatal(err)
	}
	if data.LogGroup != "/aws/lambda/orders" || data.Owner != "123412341234" || len(data.LogEvents) != 3 {
		t.Fatalf("payload %+v", data)
	}
	for i, e := range data.LogEvents {
		if e.Message != lines[i] || len(e.ID) != 56 || e.Timestamp == 0 {
			t.Errorf("log event %d: %+v", i, e)
		}
	}
	// aws-lambda-go's own decoding agrees.
	if parsed, err := ev.AWSLogs.Parse(); err != nil || len(parsed.LogEvents) != 3 {
		t.Errorf("Parse: %v %+v", err, parsed)
	}
}

func TestARNsFollowRegionAndAccount(t *testing.T) {
	values := map[string]string{"region": "eu-central-1", "account-id": "444455556666"}
	for name, arnOf := range map[string]func(t *testing.T) string{
		"sns notification": func(t *testing.T) string {
			return renderAs[lambdaevents.SNSEvent](t, "sns notification", values).Records[0].SNS.TopicArn
		},
		"dynamodb update": func(t *testing.T) string {
			return renderAs[lambdaevents.DynamoDBEvent](t, "dynamodb update", values).Records[0].EventSourceArn
		},
		"cloudwatch scheduled-event": func(t *testing.T) string {
			return renderAs[lambdaevents.EventBridgeEvent](t, "cloudwatch scheduled-event", values).Resources[0]
		},
		"apigateway authorizer": func(t *testing.T) string {
			return renderAs[lambdaevents.APIGatewayCustomAuthorizerRequest](t, "apigateway authorizer", values).MethodArn
		},
		"alb request": func(t *testing.T) string {
			return renderAs[lambdaevents.ALBTargetGroupRequest](t, "alb request", values).RequestContext.ELB.TargetGroupArn
		},
	} {
		if arn := arnOf(t); !strings.Contains(arn, ":eu-central-1:444455556666:") {
			t.Errorf("%s: ARN %s does not follow region and account-id", name, arn)
		}
	}
}

func TestAPIGatewayRequestContext(t *testing.T) {
	ev := renderAs[lambdaevents.APIGatewayProxyRequest](t, "apigateway aws-proxy", map[string]string{
		"restApiId": "abc123", "region": "us-west-2", "path": "orders/42", "resource": "/orders/{id}",
		"querystringparameters": `{"tag":["a","b"]}`, "body": "hi", "is-base64-encoded": "true",
	})
	if ev.RequestContext.DomainName != "abc123.execute-api.us-west-2.amazonaws.com" || ev.Headers["Host"] != ev.RequestContext.DomainName {
		t.Errorf("domain %s host %s", ev.RequestContext.DomainName, ev.Headers["Host"])
	}
	if ev.PathParameters["id"] != "42" || ev.Path != "/orders/42" || ev.QueryStringParameters["tag"] != "b" ||
		len(ev.MultiValueQueryStringParameters["tag"]) != 2 {
		t.Errorf("path %s parameters %v query %v", ev.Path, ev.PathParameters, ev.QueryStringParameters)
	}
	if ev.Body != base64.StdEncoding.EncodeToString([]byte("hi")) || !ev.IsBase64Encoded {
		t.Errorf("body %q", ev.Body)
	}
	if ev.RequestContext.RequestID == "" || ev.RequestContext.RequestTimeEpoch == 0 {
		t.Errorf("request context %+v", ev.RequestContext)
	}
	// SAM's dns-suffix includes the region; it is not repeated.
	ev = renderAs[lambdaevents.APIGatewayProxyRequest](t, "apigateway aws-proxy", map[string]string{"dns-suffix": "us-east-1.amazonaws.com"})
	if ev.RequestContext.DomainName != "1234567890.execute-api.us-east-1.amazonaws.com" {
		t.Errorf("domain %s", ev.RequestContext.DomainName)
	}
	v2 := renderAs[lambdaevents.APIGatewayV2HTTPRequest](t, "apigateway http-api-proxy", map[string]string{"body": "12345"})
	if v2.Headers["content-length"] != "5" || v2.RawQueryString != "parameter1=value1&parameter1=value2&parameter2=value" ||
		v2.QueryStringParameters["parameter1"] != "value1,value2" {
		t.Errorf("headers %v raw query %q", v2.Headers, v2.RawQueryString)
	}
}

func TestCountMakesDistinctRecords(t *testing.T) {
	for name, ids := range map[string]func(t *testing.T) []string{
		"sqs receive-message": func(t *testing.T) []string {
			var ids []string
			for _, r := range renderAs[lambdaevents.SQSEvent](t, "sqs receive-message", map[string]string{"count": "5"}).Records {
				ids = append(ids, r.MessageId, r.ReceiptHandle)
			}
			return ids
		},
		"sns notification": func(t *testing.T) []string {
			var ids []string
			for _, r := range renderAs[lambdaevents.SNSEvent](t, "sns notification", map[string]string{"count": "5"}).Records {
				ids = append(ids, r.SNS.MessageID)
			}
			return ids
		},
		"s3 put": func(t *testing.T) []string {
			var ids []string
			for _, r := range renderAs[lambdaevents.S3Event](t, "s3 put", map[string]string{"count": "5"}).Records {
				ids = append(ids, r.S3.Object.Sequencer, r.ResponseElements["x-amz-request-id"])
			}
			return ids
		},
		"dynamodb insert": func(t *testing.T) []string {
			var ids []string
			for _, r := range renderAs[lambdaevents.DynamoDBEvent](t, "dynamodb insert", map[string]string{"count": "5"}).Records {
				ids = append(ids, r.EventID, r.Change.SequenceNumber)
			}
			return ids
		},
		"kinesis get-records": func(t *testing.T) []string {
			var ids []string
			for _, r := range renderAs[lambdaevents.KinesisEvent](t, "kinesis get-records", map[string]string{"count": "5"}).Records {
				ids = append(ids, r.EventID)
			}
			return ids
		},
	} {
		got := ids(t)
		seen := map[string]bool{}
		for _, id := range got {
			if id == "" || seen[id] {
				t.Errorf("%s: id %q empty or repeated in %v", name, id, got)
			}
			seen[id] = true
		}
		if len(got) < 5 {
			t.Errorf("%s: %d ids for 5 records", name, len(got))
		}
	}
}

func TestLookupNames(t *testing.T) {
	for _, name := range []string{"s3 put", "s3:put", "S3 Put", "  s3   put ", "s3-put", "apigateway-aws-proxy", "APIGATEWAY:HTTP-API-PROXY"} {
		tmpl, err := Lookup(name)
		if err != nil {
			t.Errorf("Lookup(%q): %v", name, err)
			continue
		}
		if !strings.HasPrefix(tmpl.Name(), strings.ToLower(strings.Fields(strings.NewReplacer(":", " ", "-", " ").Replace(name))[0])) {
			t.Errorf("Lookup(%q) = %s", name, tmpl.Name())
		}
	}
}

func TestUnknownTemplateSuggests(t *testing.T) {
	for name, want := range map[string]string{
		"s3 puut":        "s3 put",
		"sqs receive":    "sqs receive-message",
		"dynamodb updat": "dynamodb update",
		"sqs":            "sqs receive-message",
	} {
		_, err := Lookup(name)
		var ute *UnknownTemplateError
		if !errors.As(err, &ute) {
			t.Fatalf("Lookup(%q): %v", name, err)
		}
		if len(ute.Suggestions) == 0 || ute.Suggestions[0] != want || !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup(%q): suggestions %v, error %q; want %q first", name, ute.Suggestions, err, want)
		}
	}
}

func TestUnknownKeyListsValidKeys(t *testing.T) {
	_, err := mustLookup(t, "sqs receive-message").Render(map[string]string{"queue": "x"})
	var upe *UnknownParamError
	if !errors.As(err, &upe) {
		t.Fatalf("err %v", err)
	}
	if upe.Valid[0] != "queue-name" || len(upe.Valid) != len(mustLookup(t, "sqs receive-message").Params) {
		t.Errorf("valid keys %v, want queue-name first and all of them", upe.Valid)
	}
	if !strings.Contains(err.Error(), "queue-name") || !strings.Contains(err.Error(), `"queue"`) {
		t.Errorf("error %q", err)
	}
	// Keys match in any case and with _ for -.
	if _, err := mustLookup(t, "sqs receive-message").Render(map[string]string{"QUEUE_NAME": "x", "Account_Id": "1"}); err != nil {
		t.Error(err)
	}
}

func TestBadValuesNameTheParameter(t *testing.T) {
	for _, c := range []struct{ template, key, value, want string }{
		{"s3 put", "size", "big", "not an integer"},
		{"sqs receive-message", "message-attributes", "{nope", "not valid JSON"},
		{"sqs receive-message", "count", "0", "count must be"},
		{"alb request", "is-base64-encoded", "maybe", "not a bool"},
		{"apigateway aws-proxy", "headers", `{"a":1}`, "want a string"},
		{"sqs receive-message", "body", "{{bogus}}", "unknown placeholder"},
		{"s3 put", "size", "{{uuid}}", "an int parameter"},
	} {
		_, err := mustLookup(t, c.template).Render(map[string]string{c.key: c.value})
		var pe *ParamError
		if !errors.As(err, &pe) || !strings.Contains(pe.Param, c.key) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s=%s: error %v, want a ParamError naming %s saying %q", c.template, c.key, c.value, err, c.key, c.want)
		}
	}
}

func TestListIsSorted(t *testing.T) {
	all := List("")
	if len(all) < 20 {
		t.Fatalf("%d templates", len(all))
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.Service > b.Service || (a.Service == b.Service && a.Event >= b.Event) {
			t.Errorf("%s before %s", a.Name(), b.Name())
		}
	}
	s3 := List("S3")
	if len(s3) < 2 || s3[0].Service != "s3" {
		t.Errorf("List(S3) = %v", s3)
	}
	services := Services()
	for i := 1; i < len(services); i++ {
		if services[i-1] >= services[i] {
			t.Errorf("services not sorted: %v", services)
		}
	}
}

func TestRendererPerRequestValues(t *testing.T) {
	tmpl := mustLookup(t, "sqs receive-message")
	r, err := tmpl.Compile(map[string]string{
		"body":  `{"order": {{seq}}, "id": "{{uuid}}", "size": {{random 1 3}}, "color": "{{choice red|green|blue}}"}`,
		"count": "2",
	})
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[int]bool{}
	ids := map[string]bool{}
	var buf []byte
	for n := uint64(1); n <= 200; n++ {
		buf, err = r.Render(buf[:0], n)
		if err != nil {
			t.Fatal(err)
		}
		var ev lambdaevents.SQSEvent
		if err := json.Unmarshal(buf, &ev); err != nil {
			t.Fatalf("request %d: %v\n%s", n, err, buf)
		}
		for _, m := range ev.Records {
			var body struct {
				Order int
				ID    string
				Size  int
				Color string
			}
			if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
				t.Fatalf("body %q: %v", m.Body, err)
			}
			if body.Order != int(n) || body.Size < 1 || body.Size > 3 || !strings.Contains("red green blue", body.Color) {
				t.Errorf("request %d: body %+v", n, body)
			}
			sum := md5.Sum([]byte(m.Body))
			if m.Md5OfBody != hex.EncodeToString(sum[:]) {
				t.Errorf("request %d: md5OfBody does not follow the body", n)
			}
			if ids[body.ID] || ids[m.MessageId] {
				t.Errorf("request %d: repeated id", n)
			}
			ids[body.ID], ids[m.MessageId] = true, true
			seqs[body.Order] = true
		}
	}
	if len(seqs) != 200 {
		t.Errorf("%d distinct sequence numbers, want 200", len(seqs))
	}
}

func TestRendererIsDeterministicWithASeedAndSafeForConcurrentUse(t *testing.T) {
	tmpl := mustLookup(t, "sns notification")
	compile := func() *Renderer {
		r, err := tmpl.Compile(map[string]string{"message": "m-{{uuid}}"}, WithSeed(7), WithClock(func() time.Time { return fixedTime }))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := compile(), compile()
	want, _ := a.Render(nil, 9)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				got, err := b.Render(nil, 9)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("render differs: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestJSONParameterPlaceholders(t *testing.T) {
	r, err := mustLookup(t, "eventbridge event").Compile(map[string]string{
		"detail": `{"id": "{{uuid}}", "n": {{seq}}, "tier": {{choice 1|2}}, "name": {{choice a"b|c}}, "note": "say \"{{choice x|y}}\""}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	for n := uint64(1); n < 50; n++ {
		out, err := r.Render(nil, n)
		if err != nil {
			t.Fatal(err)
		}
		var ev lambdaevents.EventBridgeEvent
		if err := json.Unmarshal(out, &ev); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var d map[string]any
		if err := json.Unmarshal(ev.Detail, &d); err != nil || d["n"] != float64(n) {
			t.Fatalf("detail %s: %v", ev.Detail, err)
		}
	}
	if _, err := mustLookup(t, "alb request").Compile(map[string]string{"is-base64-encoded": "{{seq}}"}); err == nil {
		t.Error("a placeholder in a bool parameter should be refused")
	}
	if _, err := mustLookup(t, "alb request").Compile(map[string]string{"multi-value-headers": "{{choice true|false}}"}); err == nil {
		t.Error("a placeholder in a parameter that decides the event's shape should be refused")
	}
}

func TestMix(t *testing.T) {
	sqs, _ := mustLookup(t, "sqs receive-message").Compile(nil)
	s3, _ := mustLookup(t, "s3 put").Compile(nil)
	m, err := NewMix(1, Weighted{Source: sqs, Weight: 3}, Weighted{Source: s3, Weight: 1})
	if err != nil {
		t.Fatal(err)
	}
	counts := [2]int{}
	for n := uint64(0); n < 4000; n++ {
		i := m.Pick(n)
		counts[i]++
		if n%500 == 0 {
			out, err := m.Render(nil, n)
			if err != nil || !json.Valid(out) {
				t.Fatalf("render %d: %v", n, err)
			}
			if (i == 0) != bytes.Contains(out, []byte("aws:sqs")) {
				t.Errorf("request %d rendered by the wrong source", n)
			}
		}
	}
	if counts[0] < 2800 || counts[0] > 3200 {
		t.Errorf("picks %v, want about 3000:1000", counts)
	}
	if _, err := NewMix(1, Weighted{Source: sqs, Weight: 0}); err == nil {
		t.Error("a zero weight should be refused")
	}
}

func BenchmarkRenderSQSOneRecord(b *testing.B) {
	r, err := mustLookup(b, "sqs receive-message").Compile(map[string]string{"body": `{"order": {{seq}}, "id": "{{uuid}}"}`})
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for n := uint64(0); b.Loop(); n++ {
		buf, _ = r.Render(buf[:0], n)
	}
}

func BenchmarkRenderSQSFixedBody(b *testing.B) {
	r, err := mustLookup(b, "sqs receive-message").Compile(nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for n := uint64(0); b.Loop(); n++ {
		buf, _ = r.Render(buf[:0], n)
	}
}

func BenchmarkRenderAPIGatewayProxy(b *testing.B) {
	r, err := mustLookup(b, "apigateway aws-proxy").Compile(map[string]string{"path": "/orders/{{seq}}", "body": `{"sku": "{{choice a|b|c}}"}`})
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for n := uint64(0); b.Loop(); n++ {
		buf, _ = r.Render(buf[:0], n)
	}
}

func BenchmarkRenderMix(b *testing.B) {
	sqs, _ := mustLookup(b, "sqs receive-message").Compile(map[string]string{"body": "{{uuid}}"})
	sns, _ := mustLookup(b, "sns notification").Compile(map[string]string{"message": "{{seq}}"})
	m, _ := NewMix(1, Weighted{Source: sqs, Weight: 9}, Weighted{Source: sns, Weight: 1})
	var buf []byte
	b.ReportAllocs()
	for n := uint64(0); b.Loop(); n++ {
		buf, _ = m.Render(buf[:0], n)
	}
}

func BenchmarkTemplateRenderOneShot(b *testing.B) {
	tmpl := mustLookup(b, "sqs receive-message")
	b.ReportAllocs()
	for b.Loop() {
		tmpl.Render(nil)
	}
}

// TestMistypedEventSuggestsTheService: the first word names the service;
// its events come first, those that begin or contain what was typed before
// mere typos, and unrelated services' events do not crowd them out.
func TestMistypedEventSuggestsTheService(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string // the first suggestions, in order
		not  string   // a service none of the suggestions may be of
	}{
		{"sqs recieve", []string{"sqs receive-message"}, "s3"},
		{"sns notify", []string{"sns notification"}, "s3"},
		{"kinesis records", []string{"kinesis get-records", "kinesis "}, "dynamodb"},
		{"dynamo remove", []string{"dynamodb remove"}, ""},
		{"s3 putt", []string{"s3 put"}, ""},
		{"receive-message", []string{"sqs receive-message"}, ""},
	} {
		_, err := Lookup(tc.name)
		var ute *UnknownTemplateError
		if !errors.As(err, &ute) {
			t.Fatalf("Lookup(%q): %v", tc.name, err)
		}
		for i, w := range tc.want {
			if i >= len(ute.Suggestions) || !strings.HasPrefix(ute.Suggestions[i], w) {
				t.Errorf("Lookup(%q): suggestions %q, want %q at %d", tc.name, ute.Suggestions, w, i)
			}
		}
		for _, s := range ute.Suggestions {
			if tc.not != "" && strings.HasPrefix(s, tc.not+" ") {
				t.Errorf("Lookup(%q): suggestions %q include %q", tc.name, ute.Suggestions, s)
			}
		}
	}
}
