// Package runtimes ships the runtime interface clients that let lambench's
// local Lambda run functions written for AWS's managed Node.js and Python
// runtimes with the node and python3 found on the machine.
//
// The clients are small programs embedded in this package, using only Node
// built-ins and the Python standard library. Each speaks the Lambda Runtime
// API over HTTP (one kept-alive connection) and behaves like AWS's own
// client for its language:
//
//   - nodejs/runtime.cjs, after aws-lambda-nodejs-runtime-interface-client:
//     handlers "file.export" (also "dir/file.nested.export") in CommonJS or
//     ES modules, async and callback handlers with
//     context.callbackWaitsForEmptyEventLoop, the context object, error
//     bodies {"errorType","errorMessage","trace"}, the Runtime.* init
//     errors, uncaught exceptions and unhandled rejections, and console
//     output as "TIMESTAMP\tREQUEST_ID\tLEVEL\tmessage".
//   - python/bootstrap.py, after awslambdaric: handlers "module.function"
//     (also "pkg.mod.function" and "pkg/mod.function"), the context object,
//     error bodies {"errorMessage","errorType","requestId","stackTrace"},
//     the Runtime.* init errors, Runtime.MarshalError, the root logger as
//     "[LEVEL]\tTIMESTAMP\tREQUEST_ID\tmessage" and unbuffered print().
//
// Using it takes three steps: [Install] writes the clients into a
// directory once; [Find] locates the interpreter for a runtime identifier
// such as "nodejs20.x" or "python3.12" and reads its version, which
// [Interpreter.Mismatch] compares with the runtime's; [Interpreter.Argv]
// (or [Command]) gives the argv to start, and [Interpreter.Env] the
// variables to add to the function process's environment on top of the
// Runtime API contract (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT
// as the working directory, and the rest).
package runtimes
