// Command lambench is a terminal workbench and load tester for AWS Lambda
// functions, with a built-in local Lambda.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lambench/lambench/emulator/demo"
)

func main() {
	// A demo function's process is this executable started by the local
	// Lambda as the function's bootstrap: dispatch before any command
	// wiring, so its init costs what a standalone aws-lambda-go binary's does.
	if name := os.Getenv(demo.EnvVar); name != "" {
		os.Exit(demo.Main(name))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], systemStreams())
	stop()
	os.Exit(code)
}
