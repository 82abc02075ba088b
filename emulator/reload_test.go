//go:build linux

package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambench/lambench/internal/testbin"
)

// TestHotReloadRunsNewCodeAtOnce: an invocation made right after a file
// is saved (no pause at all) runs the new code, every time.
func TestHotReloadRunsNewCodeAtOnce(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "index.js"), nodeHandler(0))
	srv, url := newTestServer(t, []Function{{Name: "hot", Runtime: "nodejs20.x", Handler: "index.handler", Code: dir, Timeout: 10 * time.Second}})
	if r := invokeHTTP(t, url, "hot", `{}`); string(r.body) != `{"version":0}` {
		t.Fatalf("first invoke: %d %s", r.status, r.body)
	}
	for v := 1; v <= 5; v++ {
		writeFile(t, filepath.Join(dir, "index.js"), nodeHandler(v))
		r := invokeHTTP(t, url, "hot", `{}`)
		if want := fmt.Sprintf(`{"version":%d}`, v); string(r.body) != want {
			t.Fatalf("after saving version %d the function answered %s", v, r.body)
		}
	}
	waitFor(t, "old environments to retire", 5*time.Second, func() bool {
		st, _ := srv.Environments("hot")
		return st.Live == 1
	})
}

// goModule writes a Go function in its own module, resolvable from the
// module cache that building lambench filled.
func goModule(t testing.TB, answer string) string {
	t.Helper()
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(testbin.ModuleRoot(), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(l, "github.com/aws/aws-lambda-go ") {
			lines = append(lines, l)
		}
	}
	writeFile(t, filepath.Join(dir, "go.sum"), strings.Join(lines, "\n")+"\n")
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/fn\n\ngo 1.22\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n")
	writeGoMain(t, dir, answer)
	return dir
}

func writeGoMain(t testing.TB, dir, answer string) {
	writeFile(t, filepath.Join(dir, "main.go"), `package main

import "github.com/aws/aws-lambda-go/lambda"

func main() {
	lambda.Start(func() (string, error) { return `+"`"+answer+"`"+`, nil })
}
`)
}

// TestGoRuntimeBuildsAndReloads: the go runtime builds a source directory,
// rebuilds it when it changes, and reports a broken build as the
// invocation's error.
func TestGoRuntimeBuildsAndReloads(t *testing.T) {
	dir := goModule(t, "v1")
	_, url := newTestServer(t, []Function{{Name: "gofn", Runtime: GoRuntime, Code: dir, Timeout: 10 * time.Second}},
		WithGoBuild("go", append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")))
	if r := invokeHTTP(t, url, "gofn", `{}`); string(r.body) != `"v1"` {
		t.Fatalf("first invoke: %d %s\n%s", r.status, r.body, r.log)
	}
	start := time.Now()
	writeGoMain(t, dir, "v2")
	r := invokeHTTP(t, url, "gofn", `{}`)
	if string(r.body) != `"v2"` {
		t.Fatalf("after the change: %s", r.body)
	}
	t.Logf("save to new answer: %v (a go build)", time.Since(start))

	writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() { undefined() }\n")
	r = invokeHTTP(t, url, "gofn", `{}`)
	if r.header.Get("X-Amz-Function-Error") != "Unhandled" || !strings.Contains(string(r.body), `"errorType":"Runtime.BuildError"`) ||
		!strings.Contains(string(r.body), "undefined: undefined") {
		t.Errorf("a broken build: %s", r.body)
	}
	writeGoMain(t, dir, "v3")
	if r := invokeHTTP(t, url, "gofn", `{}`); string(r.body) != `"v3"` {
		t.Errorf("after fixing the build: %s", r.body)
	}
}
