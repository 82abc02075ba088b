package emulator

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestHTTPFrontCallsFunctions(t *testing.T) {
	srv, _ := newTestServer(t, []Function{demoFn("echo", "echo"), demoFn("fail", "fail"), demoFn("off", "echo", withReserved(0))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.HTTPFront()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	base := "http://" + ln.Addr().String()
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	// echo returns the event itself: an object without statusCode, so the
	// whole event comes back as the JSON body.
	resp, body := get("/echo/anything?x=1")
	if resp.StatusCode != 200 || !strings.Contains(body, `"rawPath":"/anything"`) || !strings.Contains(body, `"rawQueryString":"x=1"`) {
		t.Errorf("echo: %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get("X-Amzn-Requestid")
	if !strings.Contains(body, `"requestId":"`+id+`"`) || startLines(srv, "echo", id) != 1 {
		t.Errorf("the HTTP request id %s is not the invocation's", id)
	}
	if resp, _ := get("/fail/"); resp.StatusCode != 502 {
		t.Errorf("function error: %d, want 502", resp.StatusCode)
	}
	if resp, body := get("/nope/x"); resp.StatusCode != 404 || !strings.Contains(body, "echo, fail, off") {
		t.Errorf("unknown function: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get("/off/x"); resp.StatusCode != 429 {
		t.Errorf("throttled: %d, want 429", resp.StatusCode)
	}
}
