package loadgen

import (
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testbin"
)

// lambenchBin is the lambench binary, built once: the local Lambda runs
// its demo functions as real function processes.
var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

// testFunctions are the demos plus "single", a sleep reserved to one
// concurrent execution, which throttles anything beyond one request at a
// time.
func testFunctions() []emulator.Function {
	one := 1
	return append(emulator.DemoFunctions(),
		emulator.Function{Name: "single", Code: emulator.BuiltinPrefix + "sleep", ReservedConcurrency: &one},
		emulator.Function{Name: "hello-single", Code: emulator.BuiltinPrefix + "hello", ReservedConcurrency: &one},
	)
}

// localLambda is a real local Lambda served in-process on loopback.
type localLambda struct {
	srv *emulator.Server
	// URL is its Lambda API; FrontURL its HTTP front.
	URL, FrontURL string
}

// startLocal serves a local Lambda (Lambda API and HTTP front) until the
// test ends. At cleanup it fails the test if a process it started is left.
func startLocal(t testing.TB, opts ...emulator.Option) *localLambda {
	t.Helper()
	base := []emulator.Option{
		emulator.WithDemoExecutable(lambenchBin),
		emulator.WithFunctions(testFunctions()...),
		emulator.WithLogger(slog.New(slog.DiscardHandler)),
	}
	srv, err := emulator.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	frontSrv := newFrontServer(srv)
	frontDone := make(chan struct{})
	go func() { frontSrv.Serve(front); close(frontDone) }()
	t.Cleanup(func() {
		frontSrv.Close()
		<-frontDone
		srv.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if left := srv.OwnedProcesses(); len(left) > 0 {
			t.Errorf("processes left behind: %v", left)
		}
	})
	return &localLambda{srv: srv, URL: "http://" + ln.Addr().String(), FrontURL: "http://" + front.Addr().String()}
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

// newFrontServer serves the local Lambda's HTTP front.
func newFrontServer(srv *emulator.Server) *http.Server {
	return &http.Server{Handler: srv.HTTPFront(), ReadHeaderTimeout: 10 * time.Second}
}
