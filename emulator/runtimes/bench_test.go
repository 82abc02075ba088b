//go:build unix

package runtimes

import "testing"

// The warm path: one invocation through a running client, from queuing the
// event to the client's next GET /next.
func benchmarkInvoke(b *testing.B, runtime, dir, handler string) {
	api := newFakeAPI(b)
	start(b, api, runtime, dir, handler)
	api.waitNext(b)
	b.ResetTimer()
	for range b.N {
		_, post := api.invoke(b, fakeEvent{body: `{"name":"bench"}`})
		if post.kind != "response" {
			b.Fatalf("posted to /%s: %s", post.kind, post.body)
		}
		api.waitNext(b)
	}
}

func BenchmarkNodeInvoke(b *testing.B) { benchmarkInvoke(b, nodeRuntime, "node/cjs", "index.echo") }

func BenchmarkPythonInvoke(b *testing.B) {
	benchmarkInvoke(b, pythonRuntime, "python/app", "lambda_function.hello")
}
