package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

const (
	testAKID   = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testRegion = "us-east-1"
	testARN    = "arn:aws:lambda:us-east-1:123456789012:function:hello"
)

var testCreds = aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}

func newVerifier(t testing.TB, mods ...func(*Config)) *Verifier {
	t.Helper()
	cfg := Config{Credentials: []Credentials{
		{AccessKeyID: testAKID, SecretAccessKey: testSecret},
		{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "the-session-token"},
	}}
	for _, m := range mods {
		m(&cfg)
	}
	v, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// outcome is what the server's verifier said of one request, and the body
// the handler read after it.
type outcome struct {
	id        Identity
	err       error
	body      []byte
	req       *http.Request
	canonical string
}

// verifyServer is a loopback HTTP server whose handler verifies each
// request with v and reports the outcome, so that requests are verified as
// net/http's server presents them.
func verifyServer(t *testing.T, v *Verifier) (string, <-chan outcome) {
	t.Helper()
	out := make(chan outcome, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := v.ReadAndVerify(r)
		body, rerr := io.ReadAll(r.Body)
		if rerr != nil {
			t.Errorf("reading the restored body: %v", rerr)
		}
		out <- outcome{id: id, err: err, body: body, req: r, canonical: canonicalOf(v, r, body)}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, out
}

// canonicalOf is the canonical request the verifier builds for r.
func canonicalOf(v *Verifier, r *http.Request, body []byte) string {
	var p parsed
	if e := v.parse(r, &p); e != nil {
		return ""
	}
	sum := sha256.Sum256(body)
	s := &scratch{}
	path := wirePath(r)
	return string(v.appendCanonicalRequest(s, nil, r, &p, path, needsNormalizing(path), false, hex.AppendEncode(nil, sum[:])))
}

func send(t *testing.T, req *http.Request, out <-chan outcome) outcome {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return <-out
}

// escapeARN escapes an ARN as a path segment as aws-sdk-go-v2 and botocore
// do: the colons become %3A (url.PathEscape leaves them).
func escapeARN(arn string) string { return strings.ReplaceAll(arn, ":", "%3A") }

func bodyHash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sign signs req with aws-sdk-go-v2's signer and returns the canonical
// request the signer built.
func sign(t *testing.T, req *http.Request, body []byte, creds aws.Credentials, service string, at time.Time) string {
	t.Helper()
	var canonical string
	logger := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		canonical = v[0].(string)
	})
	err := v4.NewSigner().SignHTTP(context.Background(), creds, req, bodyHash(body), service, testRegion, at,
		func(o *v4.SignerOptions) { o.Logger, o.LogSigning = logger, true })
	if err != nil {
		t.Fatal(err)
	}
	return canonical
}

func newRequest(t *testing.T, method, u string, body []byte) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func wantCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("got %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.Status != http.StatusForbidden {
		t.Errorf("%s: status %d, want 403", e.Code, e.Status)
	}
	return e
}

// TestSDKSignedRequestsVerify signs requests of every shape with
// aws-sdk-go-v2's signer, sends them over loopback and checks that the
// server side rebuilds the signer's canonical request byte for byte.
func TestSDKSignedRequestsVerify(t *testing.T) {
	v := newVerifier(t)
	base, out := verifyServer(t, v)
	cases := []struct {
		name    string
		method  string
		path    string // with query, escaped as the SDK sends it
		body    []byte
		headers [][2]string
		creds   aws.Credentials
		service string
	}{
		{name: "GET with query", method: "GET",
			path: "/2015-03-31/functions?MaxItems=50&Marker=a%20b%2Bc%2F%3D~&FunctionVersion=ALL&Empty=&Marker=%C3%A9"},
		{name: "GET trailing slash", method: "GET", path: "/2015-03-31/functions/"},
		{name: "POST with body", method: "POST", path: "/2015-03-31/functions/hello/invocations",
			body:    []byte(`{"name":"sigv4","n":[1,2,3]}`),
			headers: [][2]string{{"X-Amz-Invocation-Type", "RequestResponse"}, {"X-Amz-Log-Type", "Tail"}}},
		{name: "POST empty body", method: "POST", path: "/2015-03-31/functions/hello/invocations", body: []byte{}},
		{name: "ARN in path", method: "GET",
			path: "/2015-03-31/functions/" + escapeARN(testARN) + "/configuration?Qualifier=%24LATEST"},
		{name: "qualified ARN invoke", method: "POST",
			path: "/2015-03-31/functions/" + escapeARN(testARN+":prod") + "/invocations",
			body: []byte(`{}`)},
		{name: "odd spacing", method: "POST", path: "/2015-03-31/functions/hello/invocations", body: []byte(`{}`),
			headers: [][2]string{{"X-Amz-Client-Context", "  spaced    out   value  "}, {"X-Custom", "a"},
				{"X-Custom", " b   c "}, {"X-Tab", "x\ty  z"}, {"X-Empty", ""}}},
		{name: "session token", method: "GET", path: "/2015-03-31/functions",
			creds: aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "the-session-token"}},
		{name: "logs JSON 1.1", method: "POST", path: "/", body: []byte(`{"limit":5}`), service: "logs",
			headers: [][2]string{{"X-Amz-Target", "Logs_20140328.DescribeLogGroups"}, {"Content-Type", "application/x-amz-json-1.1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := newRequest(t, c.method, base+c.path, c.body)
			for _, h := range c.headers {
				req.Header.Add(h[0], h[1])
			}
			creds, service := c.creds, c.service
			if creds.AccessKeyID == "" {
				creds = testCreds
			}
			if service == "" {
				service = "lambda"
			}
			want := sign(t, req, c.body, creds, service, time.Now())
			o := send(t, req, out)
			if o.err != nil {
				t.Fatalf("%v\nsigner's canonical request:\n%s\nverifier's:\n%s", o.err, want, o.canonical)
			}
			if o.canonical != want {
				t.Errorf("canonical requests differ\nsigner:\n%s\nverifier:\n%s", want, o.canonical)
			}
			if o.id.AccessKeyID != creds.AccessKeyID || o.id.Service != service || o.id.Region != testRegion || o.id.Presigned {
				t.Errorf("identity %+v", o.id)
			}
			if !bytes.Equal(o.body, c.body) {
				t.Errorf("handler read %q, want %q", o.body, c.body)
			}
		})
	}
}

func TestARNPathIsEncodedTwice(t *testing.T) {
	v := newVerifier(t)
	base, out := verifyServer(t, v)
	req := newRequest(t, "GET", base+"/2015-03-31/functions/"+escapeARN(testARN), nil)
	sign(t, req, nil, testCreds, "lambda", time.Now())
	o := send(t, req, out)
	if o.err != nil {
		t.Fatal(o.err)
	}
	if got := wirePath(o.req); got != "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ahello" {
		t.Errorf("wire path %s", got)
	}
	const want = "GET\n/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Ahello\n"
	if !strings.HasPrefix(o.canonical, want) {
		t.Errorf("canonical request starts %q, want %q", o.canonical, want)
	}
}

// TestAWSVector checks the get-vanilla case of AWS's SigV4 test suite,
// signed independently of aws-sdk-go-v2.
func TestAWSVector(t *testing.T) {
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	v := newVerifier(t, func(c *Config) {
		c.Services, c.Now = []string{"service"}, func() time.Time { return at }
	})
	r := httptest.NewRequest("GET", "http://example.amazonaws.com/", nil)
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	id, err := v.Verify(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id.AccessKeyID != testAKID || id.Service != "service" {
		t.Errorf("identity %+v", id)
	}
}

// TestDateHeader signs with the Date header instead of X-Amz-Date, by hand.
func TestDateHeader(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	v := newVerifier(t, func(c *Config) { c.Now = func() time.Time { return at.Add(time.Minute) } })
	r := httptest.NewRequest("GET", "/2015-03-31/functions", nil)
	r.Host = "localhost:9001"
	r.Header.Set("Date", at.Format(http.TimeFormat))
	canonical := "GET\n/2015-03-31/functions\n\ndate:" + at.Format(http.TimeFormat) + "\nhost:localhost:9001\n\ndate;host\n" + bodyHash(nil)
	scope := "20260301/us-east-1/lambda/aws4_request"
	sts := "AWS4-HMAC-SHA256\n20260301T100000Z\n" + scope + "\n" + bodyHash([]byte(canonical))
	var work []byte
	k := hmacSHA256(&work, []byte("AWS4"+testSecret), []byte("20260301"))
	k = hmacSHA256(&work, k[:], []byte("us-east-1"))
	k = hmacSHA256(&work, k[:], []byte("lambda"))
	k = hmacSHA256(&work, k[:], []byte("aws4_request"))
	sig := hmacSHA256(&work, k[:], []byte(sts))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/"+scope+",SignedHeaders=date;host,Signature="+hex.EncodeToString(sig[:]))
	if _, err := v.Verify(r, nil); err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Date", at.Add(time.Second).Format(http.TimeFormat))
	_, err := v.Verify(r, nil)
	wantCode(t, err, CodeInvalidSignature)
}

// TestTampering changes one signed part of a signed request at a time.
func TestTampering(t *testing.T) {
	v := newVerifier(t)
	base, out := verifyServer(t, v)
	body := []byte(`{"ms":10}`)
	cases := []struct {
		name   string
		tamper func(req *http.Request)
		code   string
		msg    string
	}{
		{"method", func(r *http.Request) { r.Method = "PUT" }, CodeInvalidSignature, MsgSignatureMismatch},
		{"path", func(r *http.Request) { r.URL.Path, r.URL.RawPath = "/2015-03-31/functions/other/invocations", "" },
			CodeInvalidSignature, MsgSignatureMismatch},
		{"query value", func(r *http.Request) { r.URL.RawQuery = "Qualifier=prod" }, CodeInvalidSignature, MsgSignatureMismatch},
		{"query added", func(r *http.Request) { r.URL.RawQuery += "&x=1" }, CodeInvalidSignature, MsgSignatureMismatch},
		{"signed header", func(r *http.Request) { r.Header.Set("X-Amz-Invocation-Type", "Event") }, CodeInvalidSignature, MsgSignatureMismatch},
		{"signed header repeated", func(r *http.Request) { r.Header.Add("X-Amz-Invocation-Type", "Event") }, CodeInvalidSignature, MsgSignatureMismatch},
		{"body", func(r *http.Request) {
			b := []byte(`{"ms":99}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}, CodeInvalidSignature, MsgSignatureMismatch},
		{"x-amz-date", func(r *http.Request) {
			at, _ := time.Parse(amzDateLayout, r.Header.Get("X-Amz-Date"))
			if at.Hour() == 0 { // stay on the credential's date
				at = at.Add(time.Second)
			} else {
				at = at.Add(-time.Second)
			}
			r.Header.Set("X-Amz-Date", at.Format(amzDateLayout))
		}, CodeInvalidSignature, MsgSignatureMismatch},
		{"signature", func(r *http.Request) {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			flip := byte('0')
			if last == '0' {
				flip = '1'
			}
			r.Header.Set("Authorization", a[:len(a)-1]+string(flip))
		}, CodeInvalidSignature, MsgSignatureMismatch},
		{"signed headers list", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-invocation-type", "", 1))
		}, CodeInvalidSignature, MsgSignatureMismatch},
		{"signed header removed", func(r *http.Request) { r.Header.Del("X-Amz-Invocation-Type") }, CodeIncompleteSignature,
			"'x-amz-invocation-type' is named as a SignedHeader, but it does not exist in the HTTP request."},
		{"region", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/eu-west-1/", 1))
		}, CodeInvalidSignature, MsgSignatureMismatch},
		{"service", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/lambda/", "/logs/", 1))
		}, CodeInvalidSignature, "Credential should be scoped to correct service: 'lambda'. "},
		{"credential date", func(r *http.Request) {
			a := r.Header.Get("Authorization")
			i := strings.Index(a, "/") + 1
			r.Header.Set("Authorization", a[:i]+"20000101"+a[i+8:])
		}, CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20000101' != '"},
		{"host", func(r *http.Request) { r.Host = "localhost" + r.URL.Host[strings.IndexByte(r.URL.Host, ':'):] },
			CodeInvalidSignature, MsgSignatureMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := newRequest(t, "POST", base+"/2015-03-31/functions/hello/invocations?Qualifier=%24LATEST", body)
			req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
			sign(t, req, body, testCreds, "lambda", time.Now())
			// Untouched, it passes.
			clone := req.Clone(context.Background())
			clone.Body = io.NopCloser(bytes.NewReader(body))
			if o := send(t, clone, out); o.err != nil {
				t.Fatalf("untampered: %v", o.err)
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			c.tamper(req)
			o := send(t, req, out)
			e := wantCode(t, o.err, c.code)
			if !strings.HasPrefix(e.Message, c.msg) {
				t.Errorf("message %q, want %q", e.Message, c.msg)
			}
		})
	}
}

func TestClockSkew(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	v := newVerifier(t, func(c *Config) { c.Now = func() time.Time { return now } })
	check := func(at time.Time) error {
		r := httptest.NewRequest("GET", "/2015-03-31/functions", nil)
		sign(t, r, nil, testCreds, "lambda", at)
		_, err := v.Verify(r, nil)
		return err
	}
	for _, d := range []time.Duration{0, 14 * time.Minute, -14 * time.Minute} {
		if err := check(now.Add(d)); err != nil {
			t.Errorf("signed %v from now: %v", d, err)
		}
	}
	e := wantCode(t, check(now.Add(-20*time.Minute)), CodeInvalidSignature)
	if want := "Signature expired: 20260504T114000Z is now earlier than 20260504T114500Z (20260504T120000Z - 15 min.)"; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	e = wantCode(t, check(now.Add(20*time.Minute)), CodeInvalidSignature)
	if want := "Signature not yet current: 20260504T122000Z is still later than 20260504T121500Z (20260504T120000Z + 15 min.)"; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
}

func TestCredentials(t *testing.T) {
	v := newVerifier(t)
	check := func(creds aws.Credentials) error {
		r := httptest.NewRequest("GET", "/2015-03-31/functions", nil)
		sign(t, r, nil, creds, "lambda", time.Now())
		_, err := v.Verify(r, nil)
		return err
	}
	e := wantCode(t, check(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "wrong"}), CodeInvalidSignature)
	if e.Message != MsgSignatureMismatch {
		t.Errorf("message %q", e.Message)
	}
	e = wantCode(t, check(aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: testSecret}), CodeUnrecognizedClient)
	if e.Message != MsgUnrecognizedClient {
		t.Errorf("message %q", e.Message)
	}
	// A key with a session token needs that token, and one without refuses any.
	wantCode(t, check(aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret"}), CodeUnrecognizedClient)
	wantCode(t, check(aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "other"}), CodeUnrecognizedClient)
	wantCode(t, check(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: "t"}), CodeUnrecognizedClient)
	if err := check(aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "the-session-token"}); err != nil {
		t.Error(err)
	}
}

func TestMalformed(t *testing.T) {
	v := newVerifier(t)
	now := time.Now().UTC()
	date := now.Format(amzDateLayout)
	sig := strings.Repeat("ab", 32)
	cred := testAKID + "/" + date[:8] + "/us-east-1/lambda/aws4_request"
	cases := []struct {
		name, auth, amzDate, code, msg string
	}{
		{"unsigned", "", date, CodeMissingAuthenticationToken, MsgMissingAuthenticationToken},
		{"unsigned, no date", "", "", CodeMissingAuthenticationToken, MsgMissingAuthenticationToken},
		{"other scheme", "Bearer abc", date, CodeIncompleteSignature,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc"},
		{"sigv2", "AWS AKID:c2ln", "", CodeIncompleteSignature,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS AKID:c2ln"},
		{"no signature", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date", date, CodeIncompleteSignature,
			"Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date"},
		{"no date", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=" + sig, "", CodeIncompleteSignature,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "},
		{"missing equal sign", "AWS4-HMAC-SHA256 Credential " + cred + ", SignedHeaders=host;x-amz-date, Signature=" + sig, date, CodeIncompleteSignature,
			"'Credential " + cred + "' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential "},
		{"short credential", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/" + date[:8] + "/us-east-1/lambda, SignedHeaders=host;x-amz-date, Signature=" + sig, date,
			CodeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"},
		{"bad terminator", "AWS4-HMAC-SHA256 Credential=" + testAKID + "/" + date[:8] + "/us-east-1/lambda/aws5_request, SignedHeaders=host;x-amz-date, Signature=" + sig, date,
			CodeInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
		{"bad date", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=" + sig, now.Format(time.RFC3339),
			CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '"},
		{"host unsigned", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=x-amz-date, Signature=" + sig, date,
			CodeIncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"date unsigned", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host, Signature=" + sig, date,
			CodeIncompleteSignature, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."},
		{"short signature", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=abc", date,
			CodeInvalidSignature, MsgSignatureMismatch},
		{"non-hex signature", "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("zz", 32), date,
			CodeInvalidSignature, MsgSignatureMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/2015-03-31/functions", nil)
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			if c.amzDate != "" {
				r.Header.Set("X-Amz-Date", c.amzDate)
			}
			_, err := v.Verify(r, nil)
			e := wantCode(t, err, c.code)
			if !strings.HasPrefix(e.Message, c.msg) {
				t.Errorf("message\n%q\nwant prefix\n%q", e.Message, c.msg)
			}
		})
	}
}

func TestScope(t *testing.T) {
	check := func(v *Verifier, service string, target string) error {
		r := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
		if target != "" {
			r.Header.Set("X-Amz-Target", target)
		}
		sign(t, r, []byte("{}"), testCreds, service, time.Now())
		_, err := v.Verify(r, []byte("{}"))
		return err
	}
	v := newVerifier(t)
	if err := check(v, "logs", "Logs_20140328.DescribeLogGroups"); err != nil {
		t.Error(err)
	}
	e := wantCode(t, check(v, "lambda", "Logs_20140328.DescribeLogGroups"), CodeInvalidSignature)
	if e.Message != "Credential should be scoped to correct service: 'logs'. " {
		t.Errorf("message %q", e.Message)
	}
	wantCode(t, check(v, "s3", ""), CodeInvalidSignature)

	v = newVerifier(t, func(c *Config) { c.Services, c.Regions = []string{"lambda", "logs"}, []string{"eu-west-1"} })
	e = wantCode(t, check(v, "lambda", ""), CodeInvalidSignature)
	if e.Message != "Credential should be scoped to a valid region, not 'us-east-1'. " {
		t.Errorf("message %q", e.Message)
	}
	e = wantCode(t, check(v, "s3", ""), CodeInvalidSignature)
	if e.Message != "Credential should be scoped to correct service: 'lambda'. " {
		t.Errorf("message %q", e.Message)
	}
}

func TestUnsignedPayload(t *testing.T) {
	body := []byte(`{"a":1}`)
	r := httptest.NewRequest("POST", "/2015-03-31/functions/hello/invocations", bytes.NewReader(body))
	r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
	if err := v4.NewSigner().SignHTTP(context.Background(), testCreds, r, UnsignedPayload, "lambda", testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err := newVerifier(t).Verify(r, body)
	wantCode(t, err, CodeInvalidSignature)
	v := newVerifier(t, func(c *Config) { c.AllowUnsignedPayload = true })
	if _, err := v.Verify(r, body); err != nil {
		t.Error(err)
	}
	if _, err := v.Verify(r, []byte("anything")); err != nil {
		t.Errorf("unsigned payload, other body: %v", err)
	}

	// A hash claimed in X-Amz-Content-Sha256 must be the body's.
	r = httptest.NewRequest("POST", "/2015-03-31/functions/hello/invocations", bytes.NewReader(body))
	r.Header.Set("X-Amz-Content-Sha256", bodyHash(body))
	sign(t, r, body, testCreds, "lambda", time.Now())
	if _, err := v.Verify(r, body); err != nil {
		t.Error(err)
	}
	_, err = v.Verify(r, []byte(`{"a":2}`))
	wantCode(t, err, CodeInvalidSignature)
}

func TestPresigned(t *testing.T) {
	v := newVerifier(t)
	base, out := verifyServer(t, v)
	presign := func(expires time.Duration, at time.Time, creds aws.Credentials) string {
		req := newRequest(t, "GET", base+"/2015-03-31/functions/"+escapeARN(testARN)+"?Qualifier=%24LATEST", nil)
		if expires > 0 {
			q := req.URL.Query()
			q.Set("X-Amz-Expires", "60")
			req.URL.RawQuery = q.Encode()
		}
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, bodyHash(nil), "lambda", testRegion, at)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	get := func(u string) outcome { return send(t, newRequest(t, "GET", u, nil), out) }

	o := get(presign(time.Minute, time.Now(), testCreds))
	if o.err != nil || !o.id.Presigned || o.id.AccessKeyID != testAKID {
		t.Fatalf("presigned: %+v %v", o.id, o.err)
	}
	if o := get(presign(0, time.Now(), testCreds)); o.err != nil {
		t.Errorf("presigned without X-Amz-Expires: %v", o.err)
	}
	e := wantCode(t, get(presign(time.Minute, time.Now().Add(-2*time.Minute), testCreds)).err, CodeInvalidSignature)
	if !strings.HasPrefix(e.Message, "Signature expired: ") {
		t.Errorf("message %q", e.Message)
	}
	tok := aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "the-session-token"}
	if o := get(presign(time.Minute, time.Now(), tok)); o.err != nil {
		t.Errorf("presigned with a session token: %v", o.err)
	}
	u := presign(time.Minute, time.Now(), testCreds)
	wantCode(t, get(strings.Replace(u, "Qualifier=%24LATEST", "Qualifier=prod", 1)).err, CodeInvalidSignature)
	wantCode(t, get(strings.Replace(u, "X-Amz-Expires=60", "X-Amz-Expires=600", 1)).err, CodeInvalidSignature)
	i := strings.Index(u, "&X-Amz-Signature=")
	e = wantCode(t, get(u[:i]).err, CodeIncompleteSignature)
	if e.Message != "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters." {
		t.Errorf("message %q", e.Message)
	}
}

// TestPathNormalisation: botocore signs the path with dot segments and
// "//" removed, aws-sdk-go-v2 signs it as it is; both pass.
func TestPathNormalisation(t *testing.T) {
	v := newVerifier(t)
	base, out := verifyServer(t, v)
	// aws-sdk-go-v2: signs what it sends.
	req := newRequest(t, "GET", base+"/2015-03-31//functions/./x/../hello", nil)
	sign(t, req, nil, testCreds, "lambda", time.Now())
	if o := send(t, req, out); o.err != nil {
		t.Errorf("as sent: %v", o.err)
	}
	// botocore: signs the normalised path, sends the raw one.
	req = newRequest(t, "GET", base+"/2015-03-31/functions/hello/", nil)
	sign(t, req, nil, testCreds, "lambda", time.Now())
	req.URL.Path = "/2015-03-31//functions/./x/../hello/"
	if o := send(t, req, out); o.err != nil {
		t.Errorf("normalised: %v", o.err)
	}

	for in, want := range map[string]string{
		"":            "/",
		"/":           "/",
		"/a//b/":      "/a/b/",
		"/a/./b/../c": "/a/c",
		"/..":         "/",
		"/a/..":       "/",
		"//a":         "/a",
		"/a/b/../../": "/",
	} {
		if got := string(appendNormalizedPath(nil, in)); got != want {
			t.Errorf("normalise %q: %q, want %q", in, got, want)
		}
		if in != want && in != "" && !needsNormalizing(in) {
			t.Errorf("needsNormalizing(%q) = false", in)
		}
	}
	for _, p := range []string{"/", "/a/b/", "/2015-03-31/functions/arn%3Aaws", "/a.b/..c/"} {
		if needsNormalizing(p) {
			t.Errorf("needsNormalizing(%q) = true", p)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"b=2&a=1":               "a=1&b=2",
		"a=2&a=1&a=10":          "a=1&a=10&a=2",
		"a+b=c+d":               "a%20b=c%20d",
		"k=%2f%7e%41~":          "k=%2F~A~",
		"k":                     "k=",
		"=v":                    "=v",
		"a=1&&b=2":              "a=1&b=2",
		"bad=%zz&ok=1":          "ok=1",
		"semi=1;x=2&ok=1":       "ok=1",
		"u=%C3%A9&s=%E2%82%AC!": "s=%E2%82%AC%21&u=%C3%A9",
	} {
		s := &scratch{}
		if got := string(s.appendCanonicalQuery(nil, in, false)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	s := &scratch{}
	if got := string(s.appendCanonicalQuery(nil, "X-Amz-Signature=ab&X-Amz-Date=1", true)); got != "X-Amz-Date=1" {
		t.Errorf("presigned: %q", got)
	}
}

func TestHeaderValue(t *testing.T) {
	for _, c := range []struct {
		in, spaces, all string
	}{
		{"  a   b  ", "a b", "a b"},
		{"a\t\tb", "a\t\tb", "a b"},
		{"\ta  \t b ", "a \t b", "a b"},
		{"", "", ""},
	} {
		if got := string(appendHeaderValue(nil, c.in, false)); got != c.spaces {
			t.Errorf("%q: %q, want %q", c.in, got, c.spaces)
		}
		if got := string(appendHeaderValue(nil, c.in, true)); got != c.all {
			t.Errorf("%q (all whitespace): %q, want %q", c.in, got, c.all)
		}
	}
}

func TestNew(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Credentials: []Credentials{{AccessKeyID: "a"}}},
		{Credentials: []Credentials{{AccessKeyID: "a/b", SecretAccessKey: "s"}}},
		{Credentials: []Credentials{{AccessKeyID: "a", SecretAccessKey: "s"}, {AccessKeyID: "a", SecretAccessKey: "t"}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func TestKeyCache(t *testing.T) {
	v := newVerifier(t)
	r := httptest.NewRequest("GET", "/2015-03-31/functions", nil)
	sign(t, r, nil, testCreds, "lambda", time.Now())
	for range 3 {
		if _, err := v.Verify(r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(*v.keys.Load()); n != 1 {
		t.Errorf("%d cached keys, want 1", n)
	}
	if raceEnabled {
		return
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = v.Verify(r, nil) }); n != 0 {
		t.Errorf("Verify allocates %v times", n)
	}
}

func TestErrorWriters(t *testing.T) {
	e := errMismatch()
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("GET", "/2015-03-31/functions", nil), e)
	if rec.Code != 403 || rec.Header().Get("X-Amzn-ErrorType") != CodeInvalidSignature ||
		rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("X-Amzn-RequestId") == "" {
		t.Errorf("rest-json: %d %v", rec.Code, rec.Header())
	}
	if want := `{"Type":"User","message":"` + MsgSignatureMismatch + `"}`; rec.Body.String() != want {
		t.Errorf("rest-json body %s", rec.Body)
	}

	rec = httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("X-Amz-Target", "Logs_20140328.DescribeLogGroups")
	WriteError(rec, r, errUnrecognized())
	if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Errorf("json 1.1: %d %v", rec.Code, rec.Header())
	}
	if want := `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`; rec.Body.String() != want {
		t.Errorf("json 1.1 body %s", rec.Body)
	}
	if e := errTooLarge(10); e.JSON11Status() != 413 {
		t.Errorf("413 becomes %d", e.JSON11Status())
	}
}

func TestWrapBodies(t *testing.T) {
	v := newVerifier(t, func(c *Config) { c.MaxBodyBytes = 1 << 20 })
	var got []byte
	h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		w.WriteHeader(204)
	}), nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	do := func(body []byte, chunked bool) *http.Response {
		var rd io.Reader = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd) // hides the length: sent chunked
		}
		req, _ := http.NewRequest("POST", srv.URL+"/2015-03-31/functions/hello/invocations", rd)
		sign(t, req, body, testCreds, "lambda", time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, n := range []int{0, 1, 1 << 20} {
		for _, chunked := range []bool{false, true} {
			body := bytes.Repeat([]byte{'x'}, n)
			if resp := do(body, chunked); resp.StatusCode != 204 || !bytes.Equal(got, body) {
				t.Errorf("%d bytes (chunked %v): status %d, handler read %d bytes", n, chunked, resp.StatusCode, len(got))
			}
		}
	}
	for _, chunked := range []bool{false, true} {
		resp := do(bytes.Repeat([]byte{'x'}, 1<<20+1), chunked)
		if resp.StatusCode != 413 || resp.Header.Get("X-Amzn-ErrorType") != CodeRequestTooLarge {
			t.Errorf("too large (chunked %v): %d %s", chunked, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
		}
	}
}
