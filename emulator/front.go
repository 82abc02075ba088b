package emulator

import (
	"context"
	"net/http"

	"github.com/lambench/lambench/emulator/httpfront"
)

// HTTPFront returns the HTTP front of the functions, like Lambda Function
// URLs, for its own listener: http://HOST:PORT/<function>/<path>?<query>
// invokes the function with a payload v2 event and answers with its HTTP
// response (package httpfront). It must not share a listener with
// Handler: function names would collide with the API's paths.
// With WithAuth, requests must be signed as for a Function URL whose auth
// type is AWS_IAM.
func (s *Server) HTTPFront() http.Handler { return s.authenticated(httpfront.New(frontInvoker{s})) }

type frontInvoker struct{ s *Server }

var (
	_ httpfront.Invoker        = frontInvoker{}
	_ httpfront.FunctionLister = frontInvoker{}
	_ httpfront.StatusError    = (*APIError)(nil)
)

func (f frontInvoker) Invoke(ctx context.Context, function string, payload []byte) (httpfront.Result, error) {
	in := &InvokeInput{FunctionName: function, Payload: payload}
	// One request id for the HTTP answer, the event and the log lines.
	in.requestID, _ = httpfront.RequestIDFromContext(ctx)
	out, err := f.s.Invoke(ctx, in)
	if err != nil {
		return httpfront.Result{}, err
	}
	return httpfront.Result{Payload: out.Payload, FunctionError: out.FunctionError != ""}, nil
}

func (f frontInvoker) FunctionNames() []string {
	f.s.mu.RLock()
	defer f.s.mu.RUnlock()
	return append([]string(nil), f.s.names...)
}

// HTTPStatus is the status an HTTP front answers this error with.
func (e *APIError) HTTPStatus() int { return e.Status }
