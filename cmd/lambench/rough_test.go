package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// TestNoSDKLogNoise: with no credentials anywhere, the AWS SDK's own log
// lines ("SDK … WARN falling back to IMDSv1 …") do not come before
// lambench's message, and an instance metadata service that never answers
// does not delay it by seconds when the endpoint override is on loopback.
func TestNoSDKLogNoise(t *testing.T) {
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer forbidden.Close()
	// A listener that accepts connections and never answers.
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	for _, imds := range []string{forbidden.URL, "http://" + hang.Addr().String()} {
		c := newCLI(t)
		c.env = []string{"AWS_EC2_METADATA_DISABLED=false", "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds}
		start := time.Now()
		r := c.must(1, "functions", "--target", "aws", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:9")
		took := time.Since(start)
		hasAll(t, "no credentials", r.err, "no AWS credentials found")
		if strings.Contains(r.err, "SDK ") || strings.Contains(r.err, "WARN") {
			t.Errorf("IMDS %s: SDK log lines in\n%s", imds, r.err)
		}
		if !strings.HasPrefix(r.err, "lambench: ") {
			t.Errorf("IMDS %s: stderr does not start with lambench's message:\n%s", imds, r.err)
		}
		// A functional bound, not a performance figure: one attempt of
		// about 1 s against the SDK's retries, which took over 5 s.
		if took > 4*time.Second {
			t.Errorf("IMDS %s: took %v (the metadata lookup was retried?)", imds, took)
		}
	}
}

// TestRIEFunctionErrorInferred: an RIE answers a function's error with
// 200 and no X-Amz-Function-Error; lambench still reports it as the
// function's error (exit 4), saying it was inferred from the payload.
func TestRIEFunctionErrorInferred(t *testing.T) {
	url, _ := testbin.StartRIE(t)
	c := newCLI(t)
	r := c.must(4, "invoke", "hello-go", "--target", "rie", "--endpoint", url, "--payload", `"not an object"`)
	hasAll(t, "function error", r.err, "✗ error", "inferred from the payload", "X-Amz-Function-Error")
	if strings.Contains(r.err, "✓ ok") {
		t.Errorf("a function error shown as success:\n%s", r.err)
	}
	r = c.must(4, "invoke", "hello-go", "--target", "rie", "--endpoint", url, "--payload", `"x"`, "-o", "json")
	hasAll(t, "json", r.out, `"inferred": true`)
	r = c.must(0, "invoke", "hello-go", "--target", "rie", "--endpoint", url, "--payload", `{"name":"x"}`)
	hasAll(t, "success", r.err, "✓ ok")
}

// TestLogsOfNoFunction: logs of a function that does not exist (and has no
// log group) fails as invoke does, naming the functions there are.
func TestLogsOfNoFunction(t *testing.T) {
	c := newCLI(t)
	r := c.must(1, "logs", "nosuch")
	hasAll(t, "logs nosuch", r.err, `no function "nosuch" on local`, "functions: alloc, api")
	r = c.must(1, "logs", "helo")
	hasAll(t, "logs helo", r.err, `did you mean "hello"`)
}

// TestDescribeEnvironmentCount: "1 variable", "2 variables".
func TestDescribeEnvironmentCount(t *testing.T) {
	c := newCLI(t)
	os.WriteFile(filepath.Join(c.dir, "lambench.toml"), []byte(`[[functions]]
name = "one"
code = "builtin:hello"
environment = { A = "1" }

[[functions]]
name = "two"
code = "builtin:hello"
environment = { A = "1", B = "2" }
`), 0o644)
	r := c.must(0, "describe", "one")
	hasAll(t, "one", r.out+r.err, "1 variable ")
	if strings.Contains(r.out+r.err, "1 variables") {
		t.Errorf("describe one:\n%s", r.out)
	}
	r = c.must(0, "describe", "two")
	hasAll(t, "two", r.out+r.err, "2 variables")
}

// TestPrettyJSONTrailingWhitespace: a payload's trailing whitespace (raw
// bytes from a target) leaves no blank lines after the response.
func TestPrettyJSONTrailingWhitespace(t *testing.T) {
	for in, want := range map[string]string{
		"{\"a\":1}\n\n":    "{\n  \"a\": 1\n}",
		"\"ok\"\r\n":       "\"ok\"",
		"not json \n\n":    "not json",
		"[1,2] \t\n":       "[\n  1,\n  2\n]",
		"{\"a\":\"b\\n\"}": "{\n  \"a\": \"b\\n\"\n}",
	} {
		if got := prettyJSON([]byte(in)); got != want {
			t.Errorf("prettyJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAWSConfigFileNamed: messages about AWS profiles name the shared
// config file actually read (AWS_CONFIG_FILE), not ~/.aws/config.
func TestAWSConfigFileNamed(t *testing.T) {
	c := newCLI(t)
	conf := filepath.Join(c.dir, "aws-config")
	os.WriteFile(conf, []byte("[profile dev]\nregion = eu-west-1\n"), 0o644)
	c.env = []string{"AWS_CONFIG_FILE=" + conf}
	r := c.must(1, "functions", "--profile", "nosuch")
	hasAll(t, "--profile", r.err, "nor an AWS profile ("+conf+")")
	r = c.must(1, "functions", "--aws-profile", "nosuch")
	hasAll(t, "--aws-profile", r.err, "(see "+conf+", or `aws configure --profile nosuch`)")
	if strings.Contains(r.err, "~/.aws/config") {
		t.Errorf("~/.aws/config named:\n%s", r.err)
	}
}

// TestUnreachableEndpointsSayWhatToDo: nothing listening, or an RIE where
// the Lambda API was expected: the message gives the next step.
func TestUnreachableEndpointsSayWhatToDo(t *testing.T) {
	c := newCLI(t)
	c.env = []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1"}
	port := testbin.FreePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	r := c.must(1, "invoke", "x", "--target", "aws", "--endpoint", "http://"+addr)
	hasAll(t, "aws refused", r.err, "connection refused", "is it running? Check --endpoint", "lambench serve --addr "+addr)
	r = c.must(1, "invoke", "x", "--target", "rie", "--endpoint", "http://"+addr)
	hasAll(t, "rie refused", r.err, "connection refused", "is it running? Check --endpoint")

	url, _ := testbin.StartRIE(t)
	r = c.must(1, "invoke", "x", "--endpoint", url)
	hasAll(t, "an RIE as the Lambda API", r.err, "HTTP 404", "if it is an AWS Runtime Interface Emulator, use --target rie")
}

// TestUserTemplateDefaultShown: a user template's {{ .param }} with no
// default renders empty, and events show says so rather than "(derived)";
// a built-in derived value is still "(derived)".
func TestUserTemplateDefaultShown(t *testing.T) {
	c := newCLI(t)
	os.WriteFile(filepath.Join(c.dir, "lambench.toml"), nil, 0o644)
	dir := filepath.Join(c.dir, ".lambench", "templates", "myservice")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "myevent.json"), []byte(`{"param": "{{ .param }}"}`), 0o644)
	r := c.must(0, "events", "show", "myservice", "myevent")
	hasAll(t, "show", r.out, `"" (empty)`)
	if strings.Contains(r.out, "(derived)") {
		t.Errorf("shown as derived:\n%s", r.out)
	}
	r = c.must(0, "events", "render", "myservice", "myevent")
	hasAll(t, "render", r.out, `"param": ""`)
	r = c.must(0, "events", "show", "sqs", "receive-message")
	hasAll(t, "built-in", r.out, "(derived)")
}

// TestConfigFileMissing: --config naming no file says so and what to do.
func TestConfigFileMissing(t *testing.T) {
	c := newCLI(t)
	missing := filepath.Join(c.dir, "nope.toml")
	r := c.must(1, "functions", "--config", missing)
	hasAll(t, "--config", r.err, "--config "+missing+": no such file", "omit --config", "lambench.toml in this directory or a parent")
	if strings.Contains(r.err, "open ") {
		t.Errorf("bare open error:\n%s", r.err)
	}
}

// TestLogsHelpSaysHowLogsAreRead: the help does not say that an endpoint
// override is always polled: a lambench serve behind one is streamed.
func TestLogsHelpSaysHowLogsAreRead(t *testing.T) {
	c := newCLI(t)
	r := c.must(0, "logs", "--help")
	if strings.Contains(r.out, "always behind an endpoint override") {
		t.Errorf("logs --help:\n%s", r.out)
	}
	hasAll(t, "logs --help", strings.Join(strings.Fields(r.out), " "),
		"behind an endpoint override that is a lambench serve, the events come from the local Lambda's push stream",
		"Behind any other endpoint override (LocalStack, moto, SAM) they come from FilterLogEvents polling")
}

// TestSetBadValueShowsTheForm: a --set value of the wrong kind says what
// the expected form looks like.
func TestSetBadValueShowsTheForm(t *testing.T) {
	c := newCLI(t)
	r := c.must(1, "events", "render", "s3", "put", "--set", "size=abc")
	hasAll(t, "size=abc", r.err, "parameter size: not an integer (e.g. --set size=1024)")
	r = c.must(1, "invoke", "echo", "--event", "sqs receive-message", "--set", "count=x")
	hasAll(t, "count=x", r.err, "(e.g. --set count=1)")
	r = c.must(1, "events", "render", "sqs", "receive-message", "--set", "message-attributes={x")
	hasAll(t, "json", r.err, "(e.g. --set message-attributes='{}')")
}
