package codezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name string
	body string
	mode fs.FileMode
	size int // when > 0: a body of this many zero bytes
}

func makeZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if e.size > 0 {
			zero := make([]byte, 1<<20)
			for left := e.size; left > 0; left -= len(zero) {
				w.Write(zero[:min(left, len(zero))])
			}
		} else {
			w.Write([]byte(e.body))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractKeepsModesAndLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "code")
	data := makeZip(t,
		entry{name: "bootstrap", body: "#!/bin/sh\n", mode: 0o755},
		entry{name: "lib/", mode: fs.ModeDir | 0o755},
		entry{name: "lib/data.txt", body: "hello"},
		entry{name: "lib/current", body: "data.txt", mode: fs.ModeSymlink | 0o777},
		entry{name: "./nested/../top.txt", body: "x"},
	)
	st, err := Extract(data, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 3 || st.Bytes != int64(len("#!/bin/sh\n")+5+1) {
		t.Errorf("stats %+v", st)
	}
	fi, err := os.Stat(filepath.Join(dir, "bootstrap"))
	if err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("bootstrap lost its executable bit: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "lib", "current")); string(b) != "hello" {
		t.Errorf("link inside the package: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "top.txt")); err != nil {
		t.Error(err)
	}
}

func TestExtractRefusesEscapes(t *testing.T) {
	cases := map[string][]entry{
		"zip slip":              {{name: "../evil", body: "x"}},
		"deep zip slip":         {{name: "a/../../evil", body: "x"}},
		"absolute":              {{name: "/etc/evil", body: "x"}},
		"windows absolute":      {{name: "C:/evil", body: "x"}},
		"backslashes":           {{name: `..\evil`, body: "x"}},
		"link out":              {{name: "l", body: "../../etc", mode: fs.ModeSymlink | 0o777}},
		"absolute link":         {{name: "l", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}},
		"write through a link":  {{name: "d", body: ".", mode: fs.ModeSymlink | 0o777}, {name: "d/x", body: "x"}},
		"device":                {{name: "dev", body: "", mode: fs.ModeDevice | 0o644}},
		"duplicate entry names": {{name: "a", body: "1"}, {name: "a", body: "2"}},
	}
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "code")
			_, err := Extract(makeZip(t, entries...), dir, 0)
			if !errors.Is(err, ErrUnsafePath) {
				t.Fatalf("got %v, want ErrUnsafePath", err)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the partial extraction was not removed")
			}
			if _, err := os.Stat(filepath.Join(parent, "evil")); err == nil {
				t.Errorf("a file escaped the package")
			}
		})
	}
}

func TestExtractStopsZipBombs(t *testing.T) {
	// 20 MB of zeros compress to a few KB; the limit counts bytes written.
	data := makeZip(t, entry{name: "a", size: 8 << 20}, entry{name: "b", size: 12 << 20})
	if len(data) > 100<<10 {
		t.Fatalf("the bomb is %d bytes", len(data))
	}
	dir := filepath.Join(t.TempDir(), "code")
	_, err := Extract(data, dir, 10<<20)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "smaller than 10485760 bytes") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the partial extraction was not removed")
	}
}

func TestExtractRejectsNonZip(t *testing.T) {
	_, err := Extract([]byte("not a zip"), filepath.Join(t.TempDir(), "code"), 0)
	if !errors.Is(err, ErrNotZip) {
		t.Errorf("got %v", err)
	}
}
