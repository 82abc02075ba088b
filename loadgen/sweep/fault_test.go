package sweep

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testlocal"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/loadgen/stats"
)

// slowUpdateClient is localClient with updates that stay InProgress for
// delay, as AWS's do, and a second, raw SDK client of the same local
// Lambda: another actor (a deployment, a colleague) changing the function
// while a sweep runs.
func slowUpdateClient(t *testing.T, delay time.Duration) (invoke.Client, *lambda.Client) {
	t.Helper()
	endpoint, c := testlocal.InProcess(t, lambenchBin, emulator.WithUpdateDelay(delay))
	other := lambda.New(lambda.Options{
		BaseEndpoint: aws.String(endpoint), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("other", "actor", ""),
	})
	return c, other
}

// TestFaultSweepUpdateRefusedMidway: the second step's
// UpdateFunctionConfiguration really fails: another actor's update of the
// function is still in progress, and Lambda answers
// ResourceConflictException. The sweep stops with that error, the restore
// waits for the other update to settle and puts the original back, and
// the journal entry is cleared. (Ctrl-C is TestSweepRestoresOnCancelAndError
// here and TestLoadSweepRestores in cmd/lambench.)
func TestFaultSweepUpdateRefusedMidway(t *testing.T) {
	c, other := slowUpdateClient(t, 1500*time.Millisecond)
	j := &Journal{Dir: t.TempDir()}
	var events []string
	steps, err := Run(context.Background(), Options{
		Client: c, Function: "sleep", MemoryMB: []int{256, 512}, Journal: j,
		Run: func(ctx context.Context, step, mem int) (*stats.Aggregator, error) {
			if step == 0 {
				if _, err := other.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
					FunctionName: aws.String("sleep"), Timeout: aws.Int32(9),
				}); err != nil {
					t.Errorf("the other actor's update: %v", err)
				}
			}
			return stats.New(), nil
		},
		Event: func(s string) { events = append(events, s) },
	})
	if !errors.Is(err, invoke.ErrUpdateInProgress) || !strings.Contains(err.Error(), "set sleep to 512 MB") {
		t.Errorf("sweep: %v, want the refused update of the second step", err)
	}
	if len(steps) != 1 || steps[0].MemoryMB != 256 {
		t.Errorf("steps %+v, want the first one", steps)
	}
	f, ferr := c.Function(context.Background(), "sleep")
	if ferr != nil || f.MemoryMB != 128 || f.Timeout != 30*time.Second {
		t.Errorf("after the sweep: %v %+v, want 128 MB and the original 30 s timeout", ferr, f)
	}
	if p, _ := j.Pending(); len(p) != 0 {
		t.Errorf("journal after a restore: %+v", p)
	}
	if !strings.Contains(strings.Join(events, "\n"), "restored sleep to 128 MB") {
		t.Errorf("events %q", events)
	}
}

// TestFaultSweepFunctionDeletedMidway: the function is deleted during
// the first step, so the second update and the restore both fail. The
// error says so, and the journal entry is removed: `lambench restore`
// could never succeed, and would put the old configuration on a function
// created later under the same name.
func TestFaultSweepFunctionDeletedMidway(t *testing.T) {
	c, other := slowUpdateClient(t, 0)
	j := &Journal{Dir: t.TempDir()}
	_, err := Run(context.Background(), Options{
		Client: c, Function: "sleep", MemoryMB: []int{256, 512}, Journal: j,
		Run: func(ctx context.Context, step, mem int) (*stats.Aggregator, error) {
			if step == 0 {
				if _, err := other.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("sleep")}); err != nil {
					t.Fatalf("delete: %v", err)
				}
			}
			return stats.New(), nil
		},
	})
	if !invoke.IsNotFound(err) || !errors.Is(err, ErrFunctionGone) || !strings.Contains(err.Error(), "set sleep to 512 MB") ||
		strings.Contains(err.Error(), "lambench restore") {
		t.Errorf("sweep: %v", err)
	}
	if p, _ := j.Pending(); len(p) != 0 {
		t.Errorf("journal: %+v, want no entry for a deleted function", p)
	}

	// An entry left by a killed run, for a function deleted since.
	if err := j.Record(Entry{Target: c.Target().String(), Function: "echo", Original: Original{MemoryMB: 128}, Started: time.Now(), PID: 999999}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.DeleteFunction(context.Background(), &lambda.DeleteFunctionInput{FunctionName: aws.String("echo")}); err != nil {
		t.Fatal(err)
	}
	p, _ := j.Pending()
	if err := j.Restore(context.Background(), c, p[0]); !errors.Is(err, ErrFunctionGone) {
		t.Errorf("restore of a deleted function: %v", err)
	}
	if p, _ := j.Pending(); len(p) != 0 {
		t.Errorf("journal: %+v, want no entry for a deleted function", p)
	}
}
