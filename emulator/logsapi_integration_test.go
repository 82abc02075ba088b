package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/lambench/lambench/emulator/logsapi"
)

// TestLogsAPIOnTheLambdaListener: the Logs API and the tail stream answer
// on the Lambda API's listener, about the functions' real logs.
func TestLogsAPIOnTheLambdaListener(t *testing.T) {
	_, url := newTestServer(t, []Function{demoFn("hello", "hello")})

	resp, err := http.Get(url + logsapi.TailPath + "?group=/aws/lambda/hello")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)

	r := invokeHTTP(t, url, "hello", `{"name":"logs"}`)
	id := r.header.Get("X-Amzn-Requestid")

	c := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("/aws/lambda/hello"), FilterPattern: aws.String(`"RequestId: ` + id + `"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, ev := range out.Events {
		msgs = append(msgs, aws.ToString(ev.Message))
	}
	if len(msgs) != 3 || !strings.HasPrefix(msgs[0], "START") || !strings.HasPrefix(msgs[1], "END") || !strings.HasPrefix(msgs[2], "REPORT") {
		t.Errorf("FilterLogEvents for the request: %q", msgs)
	}

	found := false
	deadline := time.Now().Add(10 * time.Second)
	for !found && time.Now().Before(deadline) && lines.Scan() {
		var l struct{ Type, Message string }
		json.Unmarshal(lines.Bytes(), &l)
		found = l.Type == "event" && strings.HasPrefix(l.Message, "REPORT RequestId: "+id)
	}
	if !found {
		t.Error("the live tail did not deliver the REPORT line")
	}
}
