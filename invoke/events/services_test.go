package events

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

// renderMap renders a template with fixed time and seed as a generic value.
func renderMap(t *testing.T, name string, values map[string]string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(render(t, mustLookup(t, name), values), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// at walks a decoded JSON value along keys and array indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[p]
		case int:
			a, _ := v.([]any)
			if p >= len(a) {
				return nil
			}
			v = a[p]
		}
	}
	return v
}

func TestCloudFrontHeaders(t *testing.T) {
	ev := renderMap(t, "cloudfront http-redirect", map[string]string{
		"headers":             `{"X-Multi":["1","2"],"HOST":"mine.example","Accept":"*/*"}`,
		"distribution-domain": "d9.cloudfront.net", "uri": "a/b",
	})
	req := at(ev, "Records", 0, "cf", "request")
	headers := at(req, "headers").(map[string]any)
	if got := at(headers, "x-multi", 1, "value"); got != "2" || at(headers, "x-multi", 0, "key") != "X-Multi" {
		t.Errorf("x-multi %v", headers["x-multi"])
	}
	// A Host given in the headers wins over the distribution's.
	if got := at(headers, "host"); len(got.([]any)) != 1 || at(got, 0, "value") != "mine.example" || at(got, 0, "key") != "HOST" {
		t.Errorf("host %v", got)
	}
	if at(req, "uri") != "/a/b" || at(ev, "Records", 0, "cf", "config", "distributionDomainName") != "d9.cloudfront.net" {
		t.Errorf("request %v", req)
	}
	ev = renderMap(t, "cloudfront redirect-on-viewer-country", map[string]string{"origin-domain": "origin.example", "client-ip": "203.0.113.9"})
	req = at(ev, "Records", 0, "cf", "request")
	if at(req, "headers", "host", 0, "value") != "origin.example" || at(req, "headers", "x-forwarded-for", 0, "value") != "203.0.113.9" ||
		at(req, "origin", "custom", "domainName") != "origin.example" || at(ev, "Records", 0, "cf", "config", "eventType") != "origin-request" {
		t.Errorf("origin request %v", req)
	}
}

func TestKinesisAnalyticsData(t *testing.T) {
	ev := renderMap(t, "kinesis analytics-compressed", map[string]string{"data": `{"a":1}`, "count": "2"})
	for i := range 2 {
		raw, err := base64.StdEncoding.DecodeString(at(ev, "records", i, "data").(string))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if plain, _ := io.ReadAll(zr); string(plain) != `{"a":1}` {
			t.Errorf("record %d: %q", i, plain)
		}
	}
	if at(ev, "records", 0, "recordId") == at(ev, "records", 1, "recordId") {
		t.Error("records share a recordId")
	}
	out := renderAs[lambdaevents.KinesisAnalyticsOutputDeliveryEvent](t, "kinesis analytics-dynamodb", map[string]string{"data": "row", "region": "eu-west-1"})
	if string(out.Records[0].Data) != "row" || !strings.Contains(out.ApplicationARN, ":eu-west-1:") {
		t.Errorf("output delivery %+v", out)
	}
}

// TestKPLAggregatedRecord decodes the KPL record format: magic, protobuf
// AggregatedRecord, MD5 of the protobuf.
func TestKPLAggregatedRecord(t *testing.T) {
	ev := renderMap(t, "kinesis analytics-kpl", map[string]string{"data": `["one","two",{"n":3}]`, "partition-key": "pk-1"})
	raw, err := base64.StdEncoding.DecodeString(at(ev, "records", 0, "data").(string))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0xf3, 0x89, 0x9a, 0xc2}) || len(raw) < 4+16 {
		t.Fatalf("no KPL magic: %x", raw)
	}
	pb, sum := raw[4:len(raw)-16], raw[len(raw)-16:]
	if want := md5.Sum(pb); !bytes.Equal(sum, want[:]) {
		t.Errorf("md5 %x, want %x", sum, want)
	}
	// fields reads length-delimited fields (and skips varints) of a message.
	fields := func(b []byte) (out [][2][]byte) {
		for len(b) > 0 {
			tag := b[0]
			b = b[1:]
			n, k := binary.Uvarint(b)
			b = b[k:]
			if tag&7 == 0 {
				continue
			}
			out = append(out, [2][]byte{{tag >> 3}, b[:n]})
			b = b[n:]
		}
		return out
	}
	var keys, data []string
	for _, f := range fields(pb) {
		switch f[0][0] {
		case 1:
			keys = append(keys, string(f[1]))
		case 3:
			for _, rf := range fields(f[1]) {
				if rf[0][0] == 3 {
					data = append(data, string(rf[1]))
				}
			}
		}
	}
	if strings.Join(keys, ",") != "pk-1" || strings.Join(data, ",") != `one,two,{"n":3}` {
		t.Errorf("partition keys %q, records %q", keys, data)
	}
}

func TestLexSlots(t *testing.T) {
	ev := renderAs[lambdaevents.LexEvent](t, "lex book-hotel", map[string]string{"slots": `{"Location":"Paris","Nights":null}`})
	if *ev.CurrentIntent.Slots["Location"] != "Paris" || ev.CurrentIntent.Slots["Nights"] != nil {
		t.Errorf("slots %v", ev.CurrentIntent.Slots)
	}
	d := ev.CurrentIntent.SlotDetails
	if d["Location"].OriginalValue != "Paris" || d["Location"].Resolutions[0]["value"] != "Paris" || len(d["Nights"].Resolutions) != 0 {
		t.Errorf("slot details %+v", d)
	}
	v2 := renderMap(t, "lex-v2 book-car", map[string]string{"slots": `{"PickUpCity":"Chicago","CarType":null}`, "slot-to-elicit": ""})
	slots := at(v2, "sessionState", "intent", "slots")
	if at(slots, "PickUpCity", "value", "interpretedValue") != "Chicago" || at(slots, "CarType") != nil {
		t.Errorf("slots %v", slots)
	}
	resolved := at(v2, "transcriptions", 0, "resolvedSlots").(map[string]any)
	if _, ok := resolved["CarType"]; ok || at(resolved, "PickUpCity", "value", "originalValue") != "Chicago" {
		t.Errorf("resolved slots %v", resolved)
	}
	if _, ok := v2["proposedNextState"]; ok {
		t.Error("proposedNextState without a slot to elicit")
	}
	if _, err := mustLookup(t, "lex book-car").Render(map[string]string{"slots": `{"DriverAge":21}`}); err == nil || !strings.Contains(err.Error(), "slots") {
		t.Errorf("a number slot: %v", err)
	}
}

func TestAppSyncResolver(t *testing.T) {
	ev := renderMap(t, "appsync resolver", map[string]string{
		"selection-set": `["id","author","author/name","author/posts/title"]`, "api-id": "xyz", "region": "eu-west-2",
	})
	want := "{\n  id\n  author {\n    name\n    posts {\n      title\n    }\n  }\n}"
	if got := at(ev, "info", "selectionSetGraphQL"); got != want {
		t.Errorf("selectionSetGraphQL %q, want %q", got, want)
	}
	if at(ev, "request", "headers", "host") != "xyz.appsync-api.eu-west-2.amazonaws.com" ||
		at(ev, "identity", "issuer") != "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_EXAMPLE" {
		t.Errorf("host %v issuer %v", at(ev, "request", "headers", "host"), at(ev, "identity", "issuer"))
	}
	iat, exp := at(ev, "identity", "claims", "iat").(float64), at(ev, "identity", "claims", "exp").(float64)
	if int64(iat) != fixedTime.Unix() || exp-iat != 3600 {
		t.Errorf("iat %v exp %v", iat, exp)
	}
}

func TestDerivedIdsAndTimes(t *testing.T) {
	alexa := renderMap(t, "alexa-skills-kit intent-recipe", nil)
	if at(alexa, "request", "timestamp") != "2024-05-06T07:08:09Z" ||
		!strings.HasPrefix(at(alexa, "request", "requestId").(string), "amzn1.echo-api.request.") ||
		len(at(alexa, "session", "sessionId").(string)) != len("amzn1.echo-api.session.")+36 {
		t.Errorf("alexa request %v session %v", at(alexa, "request"), at(alexa, "session"))
	}
	alexa = renderMap(t, "alexa-skills-kit intent-recipe", map[string]string{"session-id": "s-1"})
	if at(alexa, "session", "sessionId") != "amzn1.echo-api.session.s-1" {
		t.Errorf("session %v", at(alexa, "session"))
	}
	sm := renderMap(t, "sagemaker ground-truth-annotation-consolidation", nil)
	if got := at(sm, "payload", "s3Uri"); got != "s3://sagemakerexample/output/example-job/annotations/worker-response/iteration-1/0/2024-05-06_07:08:09.json" {
		t.Errorf("s3Uri %v", got)
	}
	if got := at(sm, "roleArn"); got != "arn:aws:iam::123456789012:role/sagemaker-role" {
		t.Errorf("roleArn %v", got)
	}
	wm := renderMap(t, "workmail email", map[string]string{"recipients": `["a@example.com"]`})
	if got := at(wm, "envelope", "recipients"); len(got.([]any)) != 1 || at(got, 0, "address") != "a@example.com" {
		t.Errorf("recipients %v", got)
	}
	if len(at(wm, "invocationId").(string)) != 32 {
		t.Errorf("invocationId %v", at(wm, "invocationId"))
	}
}
