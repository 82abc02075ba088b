//go:build unix

package runtimes

import (
	"testing"
	"time"
)

// The Runtime API server closes a connection left idle while the handler
// runs (the local Lambda's after 30 s): the client reconnects and answers.
func TestReconnectAfterIdleClose(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ runtime, dir, handler string }{
		{nodeRuntime, "node/cjs", "index.slow"},
		{pythonRuntime, "python/app", "lambda_function.slow"},
	} {
		t.Run(c.runtime, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPIIdle(t, 50*time.Millisecond)
			p := start(t, api, c.runtime, c.dir, c.handler)
			for range 3 {
				_, post := api.invoke(t, fakeEvent{body: `{"ms":250}`})
				wantKind(t, post, "response")
				if string(post.body) != `"slow"` {
					t.Errorf("body %s", post.body)
				}
				api.waitNext(t)
			}
			if n := api.connections(); n < 2 {
				t.Errorf("%d connections: the server's closes went unnoticed?", n)
			}
			if !p.alive() {
				t.Error("the process exited")
			}
		})
	}
}

// A response the Runtime API refuses (413: too large) does not stop the
// client: the invocation's outcome is the API's, the next one is served.
func TestRefusedResponseKeepsServing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ runtime, dir, handler string }{
		{nodeRuntime, "node/cjs", "index.echo"},
		{pythonRuntime, "python/app", "lambda_function.hello"},
	} {
		t.Run(c.runtime, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			p := start(t, api, c.runtime, c.dir, c.handler)
			api.refuse.Store(413)
			_, post := api.invoke(t, fakeEvent{})
			wantKind(t, post, "response")
			api.waitNext(t)
			api.refuse.Store(0)
			_, post = api.invoke(t, fakeEvent{})
			wantKind(t, post, "response")
			if !p.alive() {
				t.Error("the process exited")
			}
		})
	}
}
