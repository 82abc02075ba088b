//go:build linux

package watch

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestGenerationSeesEveryCompletedChange(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.js"), []byte("v1"), 0o644)
	w, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	g0 := w.Generation()
	for i := range 200 {
		// No sleeping: a write that returned must be counted at once.
		os.WriteFile(filepath.Join(dir, "index.js"), []byte{byte(i)}, 0o644)
		g := w.Generation()
		if g == g0 {
			t.Fatalf("write %d not seen", i)
		}
		g0 = g
	}
	// A directory created later is watched too.
	sub := filepath.Join(dir, "lib", "deep")
	os.MkdirAll(sub, 0o755)
	g0 = w.Generation()
	os.WriteFile(filepath.Join(sub, "x.py"), []byte("x"), 0o644)
	if w.Generation() == g0 {
		t.Error("a file in a new subdirectory was not seen")
	}
	// Editor noise is not a change.
	g0 = w.Generation()
	for _, name := range []string{".index.js.swp", "index.js~", ".#index.js", "4913"} {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	if w.Generation() != g0 {
		t.Error("editor swap and backup files counted as changes")
	}
}

func TestChangesSignalsWithoutPolling(t *testing.T) {
	dir := t.TempDir()
	w, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main"), 0o644)
	select {
	case <-w.Changes():
	case <-time.After(10 * time.Second):
		t.Fatal("no change signalled")
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
	w.Close() // twice is fine
}

func TestNewFailsForAMissingDirectory(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("watching a missing directory succeeded")
	}
}
