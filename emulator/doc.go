// Package emulator is lambench's built-in local Lambda: an AWS-compatible
// Lambda service that runs real function code as separate processes speaking
// the real Lambda Runtime API.
//
// The main types:
//
//   - [Server] owns everything: the function registry, the scheduler (warm
//     pool, concurrency limits, throttling, idle reaping), the log store and
//     the HTTP Lambda API ([Server.Handler]). [Server.Close] stops every
//     execution environment and reaps every child process.
//   - [Function] is the configuration of one function (code, memory,
//     timeout, environment, reserved concurrency).
//   - An execution environment is one function process with its own Runtime
//     API endpoint on loopback, moving through explicit states
//     (initializing, idle, busy, dead). Its stdout and stderr become the log
//     stream /aws/lambda/NAME / YYYY/MM/DD/[$LATEST]<32 hex> in the
//     log store (package logstore), framed by START / END / REPORT lines in AWS's format with
//     measured figures.
//
// The package is a server and a library: it imports nothing else of
// lambench, so it could be its own module. `lambench serve` wires it to a
// listener; the local target of lambench starts that as a child process.
package emulator
