// Package invoke is lambench's domain for talking to Lambda: the functions
// of a target, invocations and their results, the parsed REPORT line, log
// events, and the Client interface that every backend implements.
//
// Backends: invoke/lambdaapi (aws-sdk-go-v2: real AWS, the built-in local
// Lambda, LocalStack, SAM's start-lambda, moto, a remote lambench serve)
// and invoke/rie (an AWS Runtime Interface Emulator: one function, invoke
// only). The CLI, the TUI and the load tester use only this package's
// types, whatever the target.
//
// Facts a target does not give are unknown, never guessed: a Result of an
// invoke without a log tail (RIE, SAM, moto) has no Report, so whether it
// was a cold start is unknown.
package invoke
