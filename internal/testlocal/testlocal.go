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
	"testing"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/lambdaapi"
	"github.com/lambench/lambench/invoke/local"
)

// InProcess serves the demo functions (run by bin, the lambench binary)
// from a local Lambda in this process, with opts after the defaults, and
// returns its Lambda API endpoint and a client of it.
func InProcess(t testing.TB, bin string, opts ...emulator.Option) (endpoint string, c invoke.Client) {
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
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	endpoint = "http://" + ln.Addr().String()
	t.Cleanup(func() {
		srv.Close()
		<-served
		if left := srv.OwnedProcesses(); len(left) > 0 {
			t.Errorf("processes left: %v", left)
		}
	})
	return endpoint, Client(t, endpoint)
}

// Serve runs `lambench serve` (bin) as a child process, so that the
// local Lambda's CPU and memory are not the test's, and returns a client
// of it.
func Serve(t testing.TB, bin string, args ...string) invoke.Client {
	t.Helper()
	srv, err := local.Start(context.Background(), local.Options{Executable: bin, Dir: t.TempDir(), Args: args})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return Client(t, srv.Endpoint)
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
