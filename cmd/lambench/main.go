// Command lambench is a terminal workbench and load tester for AWS Lambda
// functions, with a built-in local Lambda.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lambench/lambench/emulator/cgroup"
	"github.com/lambench/lambench/emulator/demo"
)

func main() {
	// Processes the local Lambda starts from this executable are dispatched
	// before any command wiring, so that their start-up costs what a
	// standalone aws-lambda-go binary's does:
	//   - the cgroup shim joins an execution environment's cgroup (v1
	//     cannot start a process inside one), then runs the function;
	//   - a demo function's process serves the Runtime API.
	if v, ok := os.LookupEnv(cgroup.JoinEnv); ok {
		if name := os.Getenv(demo.EnvVar); name != "" && len(os.Args) == 1 {
			files, err := cgroup.DecodeJoin(v)
			if err == nil {
				err = cgroup.Join(files)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "lambench: cgroup shim:", err)
				os.Exit(126)
			}
			os.Unsetenv(cgroup.JoinEnv)
			cgroup.Notify()
			os.Exit(demo.Main(name))
		}
		err := cgroup.ExecShim(os.Args[1:])
		fmt.Fprintln(os.Stderr, "lambench:", err)
		os.Exit(126)
	}
	if name := os.Getenv(demo.EnvVar); name != "" {
		os.Exit(demo.Main(name))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], systemStreams())
	stop()
	os.Exit(code)
}
