// Package testlocal starts real local Lambdas for the tests of the
// packages above the emulator (loadgen, tui, ...): in-process, or as a
// `lambench serve` child, with a Lambda API client of it. Everything it
// starts is stopped when the test ends, and a test that leaves a function
// process behind fails. (The emulator's and invoke/lambdaapi's own tests
// cannot use it: it imports them.)
package testlocal

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/lambdaapi"
	"github.com/lambench/lambench/invoke/local"
)

// Local is a local Lambda served in this process on loopback.
type Local struct {
	Server *emulator.Server
	// URL is its Lambda API; FrontURL its HTTP front.
	URL, FrontURL string
}

// Start serves the demo functions (run by bin, the lambench binary) from a
// local Lambda in this process, Lambda API and HTTP front, with opts after
// the defaults (WithFunctions adds to the demos), until the test ends. At
// cleanup it fails the test if a process it started is left.
func Start(t testing.TB, bin string, opts ...emulator.Option) *Local {
	t.Helper()
	base := []emulator.Option{emulator.WithDemoExecutable(bin), emulator.WithFunctions(emulator.DemoFunctions()...),
		emulator.WithLogger(slog.New(slog.DiscardHandler))}
	srv, err := emulator.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	frontLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	front := &http.Server{Handler: srv.HTTPFront(), ReadHeaderTimeout: 10 * time.Second}
	frontDone := make(chan struct{})
	go func() { front.Serve(frontLn); close(frontDone) }()
	t.Cleanup(func() {
		front.Close()
		<-frontDone
		srv.Close()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if left := srv.OwnedProcesses(); len(left) > 0 {
			t.Errorf("processes left behind: %v", left)
		}
	})
	return &Local{Server: srv, URL: "http://" + ln.Addr().String(), FrontURL: "http://" + frontLn.Addr().String()}
}

// InProcess is Start, returning the Lambda API endpoint and a client of it.
func InProcess(t testing.TB, bin string, opts ...emulator.Option) (endpoint string, c invoke.Client) {
	t.Helper()
	l := Start(t, bin, opts...)
	return l.URL, Client(t, l.URL)
}

// StartServe runs `lambench serve` (bin) as a child process, so that the
// local Lambda's CPU and memory are not the test's, stopped when the test
// ends.
func StartServe(t testing.TB, bin string, args ...string) *local.Server {
	t.Helper()
	srv, err := local.Start(context.Background(), local.Options{Executable: bin, Dir: t.TempDir(), Args: args})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Serve is StartServe, returning a client of it.
func Serve(t testing.TB, bin string, args ...string) invoke.Client {
	t.Helper()
	return Client(t, StartServe(t, bin, args...).Endpoint)
}

// Client is a Lambda API client of a local Lambda at endpoint, closed
// when the test ends (before what it talks to stops: cleanups run last
// first).
func Client(t testing.TB, endpoint string) invoke.Client {
	t.Helper()
	c, err := lambdaapi.New(context.Background(), lambdaapi.Options{Kind: invoke.Local, Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
