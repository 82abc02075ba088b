package loadgen

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testbin"
	"github.com/lambench/lambench/internal/testlocal"
)

// lambenchBin is the lambench binary, built once: the local Lambda runs
// its demo functions as real function processes.
var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// extraFunctions join the demos: "single", a sleep reserved to one
// concurrent execution, which throttles anything beyond one request at a
// time, and "hello-single".
func extraFunctions() []emulator.Function {
	one := 1
	return append([]emulator.Function(nil),
		emulator.Function{Name: "single", Code: emulator.BuiltinPrefix + "sleep", ReservedConcurrency: &one},
		emulator.Function{Name: "hello-single", Code: emulator.BuiltinPrefix + "hello", ReservedConcurrency: &one},
	)
}

// localLambda is a real local Lambda served in-process on loopback.
type localLambda = testlocal.Local

// startLocal serves the demos and extraFunctions (Lambda API and HTTP front) until the
// test ends, failing it if a process it started is left.
func startLocal(t testing.TB, opts ...emulator.Option) *localLambda {
	t.Helper()
	return testlocal.Start(t, lambenchBin, append([]emulator.Option{emulator.WithFunctions(extraFunctions()...)}, opts...)...)
}

// settleGoroutines waits until the number of goroutines is back to at most
// want (connections' goroutines end shortly after their connection is
// closed) and fails the test, with their stacks, if it is not within 3s.
func settleGoroutines(t testing.TB, want int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines, want at most %d:\n%s", n, want, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
