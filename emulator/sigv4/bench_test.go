package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// capturedInvoke is an Invoke request exactly as aws-sdk-go-v2's Lambda
// client sends it and net/http's server receives it, with its body.
func capturedInvoke(b testing.TB, payload []byte) (*http.Request, []byte) {
	b.Helper()
	var req *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		req = r.Clone(context.Background())
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	c := lambda.New(lambda.Options{Region: testRegion, BaseEndpoint: aws.String(srv.URL),
		Credentials: staticCreds{}, Retryer: aws.NopRetryer{}})
	if _, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("hello"), Payload: payload}); err != nil {
		b.Fatal(err)
	}
	req.Body = http.NoBody
	return req, body
}

type staticCreds struct{}

func (staticCreds) Retrieve(context.Context) (aws.Credentials, error) { return testCreds, nil }

func benchVerify(b *testing.B, payload []byte) {
	v := newVerifier(b)
	req, body := capturedInvoke(b, payload)
	if _, err := v.Verify(req, body); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Verify(req, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyInvoke verifies a typical Invoke: aws-sdk-go-v2's
// headers, a small JSON payload.
func BenchmarkVerifyInvoke(b *testing.B) { benchVerify(b, []byte(`{"name":"bench","ms":10}`)) }

// BenchmarkVerifyInvoke6MB verifies an Invoke with Lambda's largest
// synchronous payload: the body's SHA-256 dominates.
func BenchmarkVerifyInvoke6MB(b *testing.B) { benchVerify(b, bytes.Repeat([]byte("x"), 6<<20)) }

func BenchmarkVerifyInvokeParallel(b *testing.B) {
	v := newVerifier(b)
	req, body := capturedInvoke(b, []byte(`{"name":"bench","ms":10}`))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(req, body); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkWrapInvoke is the middleware around a handler that does
// nothing: reading the body (its one allocation), verifying, putting the
// body back (the second).
func BenchmarkWrapInvoke(b *testing.B) {
	v := newVerifier(b)
	req, body := capturedInvoke(b, []byte(`{"name":"bench","ms":10}`))
	h := v.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), func(_ http.ResponseWriter, _ *http.Request, e *Error) {
		b.Fatal(e)
	})
	rd := &replayBody{}
	var w nopWriter
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rd.Reset(body)
		req.Body = rd
		h.ServeHTTP(w, req)
	}
}

type nopWriter struct{}

func (nopWriter) Header() http.Header         { return nil }
func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriter) WriteHeader(int)             {}
