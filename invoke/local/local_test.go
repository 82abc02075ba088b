package local

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambench/lambench/emulator"
	"github.com/lambench/lambench/internal/testbin"
)

var lambenchBin string

func TestMain(m *testing.M) { os.Exit(testbin.MainWithLambench(m, &lambenchBin)) }

func TestStartServesAndCloseReapsEverything(t *testing.T) {
	s, err := Start(context.Background(), Options{Executable: lambenchBin, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := emulator.OwnerID(s.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.Endpoint+"/2015-03-31/functions/hello/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("invoke: %v %v", err, resp)
	}
	resp.Body.Close()
	if n := len(emulator.ProcessesOwnedBy(owner)); n != 1 {
		t.Errorf("%d function processes, want 1", n)
	}
	if !strings.HasPrefix(s.HTTPEndpoint, "http://127.0.0.1:") {
		t.Errorf("HTTP front %q", s.HTTPEndpoint)
	}
	s.Close()
	s.Close()
	if left := emulator.ProcessesOwnedBy(owner); len(left) > 0 {
		t.Errorf("left after Close: %v", left)
	}
}

func TestStartReportsConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "lambench.toml")
	os.WriteFile(cfg, []byte("[[functions]]\nname = \"x\"\ncode = \"builtin:nope\"\n"), 0o644)
	_, err := Start(context.Background(), Options{Executable: lambenchBin, ConfigPath: cfg, Dir: dir})
	if err == nil || !strings.Contains(err.Error(), cfg+`:3:1: function "x": code: unknown builtin "nope"`) {
		t.Errorf("got %v", err)
	}
}
