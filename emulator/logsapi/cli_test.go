package logsapi

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// awsCLI runs the real aws CLI against the fixture and decodes its JSON
// output. The CLI is required: without it the test fails, it does not
// skip.
func awsCLI(t *testing.T, f *fixture, out any, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Fatalf("the aws CLI is required by this test and is not on PATH (%v): install it (pip install awscli) and run the tests again", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, append(args, "--endpoint-url", f.url, "--region", "us-east-1", "--output", "json")...)
	// Only our AWS settings: no profile, config or credentials of the machine.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env,
		"AWS_ACCESS_KEY_ID=AKIDLOCAL", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start aws %v: %v", args, err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("aws %v did not finish in 60 s", args)
	}
	if err != nil {
		t.Fatalf("aws %v: %v\n%s", args, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("aws %v printed %q: %v", args, stdout.String(), err)
	}
}

func TestAWSCLI(t *testing.T) {
	f := newFixture(t)
	type event struct {
		LogStreamName string `json:"logStreamName"`
		Timestamp     int64  `json:"timestamp"`
		Message       string `json:"message"`
		IngestionTime int64  `json:"ingestionTime"`
		EventID       string `json:"eventId"`
	}

	t.Run("filter-log-events", func(t *testing.T) {
		t.Parallel()
		var out struct {
			Events             []event `json:"events"`
			SearchedLogStreams []struct {
				LogStreamName string `json:"logStreamName"`
			} `json:"searchedLogStreams"`
		}
		awsCLI(t, f, &out, "logs", "filter-log-events", "--log-group-name", helloGroup, "--filter-pattern", `"some phrase"`)
		if len(out.Events) != 24 || out.Events[0].Message != "INFO b-01 some phrase here" || out.Events[0].LogStreamName != streamB ||
			out.Events[0].EventID == "" || out.Events[0].IngestionTime == 0 || len(out.SearchedLogStreams) != 2 {
			t.Errorf("%d events: %+v", len(out.Events), out)
		}
		// The CLI follows nextToken by itself: pages of 5 end.
		awsCLI(t, f, &out, "logs", "filter-log-events", "--log-group-name", helloGroup, "--filter-pattern", "ERROR", "--page-size", "5")
		if len(out.Events) != 6 {
			t.Errorf("paged by 5: %d events", len(out.Events))
		}
	})

	t.Run("get-log-events", func(t *testing.T) {
		t.Parallel()
		var out struct {
			Events            []event `json:"events"`
			NextForwardToken  string  `json:"nextForwardToken"`
			NextBackwardToken string  `json:"nextBackwardToken"`
		}
		awsCLI(t, f, &out, "logs", "get-log-events", "--log-group-name", helloGroup, "--log-stream-name", streamA, "--start-from-head", "--limit", "5")
		if len(out.Events) != 5 || out.Events[0].Message != "START RequestId: a-00 Version: $LATEST" || out.Events[0].Timestamp != t0 ||
			out.NextForwardToken == "" || out.NextBackwardToken == "" {
			t.Fatalf("%+v", out)
		}
		next := out.NextForwardToken
		awsCLI(t, f, &out, "logs", "get-log-events", "--log-group-name", helloGroup, "--log-stream-name", streamA, "--next-token", next, "--limit", "100")
		if len(out.Events) != 25 {
			t.Errorf("rest: %d events", len(out.Events))
		}
		end := out.NextForwardToken
		awsCLI(t, f, &out, "logs", "get-log-events", "--log-group-name", helloGroup, "--log-stream-name", streamA, "--next-token", end)
		if len(out.Events) != 0 || out.NextForwardToken != end {
			t.Errorf("at the end: %d events, token %s, want %s", len(out.Events), out.NextForwardToken, end)
		}
	})

	t.Run("describe-log-streams", func(t *testing.T) {
		t.Parallel()
		var out struct {
			LogStreams []struct {
				LogStreamName       string `json:"logStreamName"`
				CreationTime        int64  `json:"creationTime"`
				FirstEventTimestamp int64  `json:"firstEventTimestamp"`
				LastEventTimestamp  int64  `json:"lastEventTimestamp"`
				Arn                 string `json:"arn"`
			} `json:"logStreams"`
		}
		awsCLI(t, f, &out, "logs", "describe-log-streams", "--log-group-name", helloGroup, "--order-by", "LastEventTime", "--descending")
		if len(out.LogStreams) != 2 || out.LogStreams[0].LogStreamName != streamB || out.LogStreams[0].LastEventTimestamp != t0+295 ||
			out.LogStreams[1].FirstEventTimestamp != t0 || out.LogStreams[1].Arn == "" {
			t.Errorf("%+v", out)
		}
	})

	t.Run("describe-log-groups", func(t *testing.T) {
		t.Parallel()
		var out struct {
			LogGroups []struct {
				LogGroupName string `json:"logGroupName"`
				Arn          string `json:"arn"`
				StoredBytes  int64  `json:"storedBytes"`
			} `json:"logGroups"`
		}
		awsCLI(t, f, &out, "logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/", "--page-size", "1")
		var names []string
		for _, g := range out.LogGroups {
			names = append(names, g.LogGroupName)
		}
		if !slices.Equal(names, []string{helloGroup, "/aws/lambda/other"}) || out.LogGroups[0].Arn != "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/hello:*" {
			t.Errorf("%+v", out)
		}
	})
}
