package codezip

import (
	"archive/zip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzMax is the unpacked-size limit of the fuzzers: small, so that the
// zip-bomb path is reached cheaply.
const fuzzMax = 64 << 10

// FuzzExtract unpacks arbitrary bytes as a zip.
func FuzzExtract(f *testing.F) {
	for _, es := range fuzzSeeds() {
		f.Add(makeZip(f, es...))
	}
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte("not a zip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkExtract(t, data)
	})
}

// FuzzExtractEntries builds a zip from a compact description of its
// entries, so that the fuzzer explores names, link targets and sizes
// rather than zip framing: each line is KIND NAME [ARG], where KIND is f
// (file, ARG its body; a body "*N" is N zero bytes), d (directory), l
// (symbolic link, ARG its target) or x (a file of another type: a FIFO).
func FuzzExtractEntries(f *testing.F) {
	for _, s := range []string{
		"f bootstrap #!/bin/sh\nd lib/\nf lib/a.so x",
		"f ../evil x",
		"f /etc/evil x",
		"f a/../../evil x",
		"l link ../outside\nf link/evil x",
		"l link /etc",
		"l link .\nl link/up ..\nd up/evil/",
		"l a .\nl b a/..\nd b/evil/",
		"d dir/\nl dir/l ../..",
		"f big *70000",
		"f a *40000\nf b *40000",
		"f a x\nf a y",
		"l a b\nf a x",
		"x fifo",
		"f C:evil x",
		"f a\\..\\..\\evil x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, desc string) {
		var es []entry
		for _, line := range strings.Split(desc, "\n") {
			kind, rest, _ := strings.Cut(line, " ")
			name, arg, _ := strings.Cut(rest, " ")
			e := entry{name: name, body: arg}
			switch kind {
			case "f":
				if n, ok := strings.CutPrefix(arg, "*"); ok {
					var size int
					for _, c := range n {
						if c < '0' || c > '9' || size > 1<<20 {
							break
						}
						size = size*10 + int(c-'0')
					}
					e.size, e.body = min(size, 1<<20), ""
				}
			case "d":
				e.mode = fs.ModeDir | 0o755
				if !strings.HasSuffix(e.name, "/") {
					e.name += "/"
				}
			case "l":
				e.mode = fs.ModeSymlink | 0o777
			case "x":
				e.mode = fs.ModeNamedPipe | 0o644
			default:
				continue
			}
			es = append(es, e)
		}
		if len(es) > 64 {
			return
		}
		checkExtract(t, makeZip(t, es...))
	})
}

func fuzzSeeds() [][]entry {
	return [][]entry{
		{{name: "bootstrap", body: "#!/bin/sh\n", mode: 0o755}, {name: "lib/", mode: fs.ModeDir | 0o755}, {name: "lib/a", body: "a"}},
		{{name: "../evil", body: "x"}},
		{{name: "link", body: "../outside", mode: fs.ModeSymlink | 0o777}, {name: "link/evil", body: "x"}},
		{{name: "bomb", size: fuzzMax + 1}},
	}
}

// checkExtract unpacks data into a fresh directory inside a fresh parent
// and checks the properties: no panic; nothing written outside the
// destination; no link in it that resolves outside it; no more than the
// limit unpacked; on error, nothing left behind at all.
func checkExtract(t *testing.T, data []byte) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "out")
	st, err := Extract(data, dest, fuzzMax)

	ents, rerr := os.ReadDir(parent)
	if rerr != nil {
		t.Fatal(rerr)
	}
	for _, e := range ents {
		if e.Name() != "out" {
			t.Fatalf("Extract wrote %s outside its destination (err %v)", e.Name(), err)
		}
	}
	if err != nil {
		if !errors.Is(err, ErrUnsafePath) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrNotZip) &&
			!errors.Is(err, zip.ErrFormat) && !errors.Is(err, zip.ErrChecksum) && !errors.Is(err, zip.ErrAlgorithm) && !errors.Is(err, zip.ErrInsecurePath) {
			// Other errors are possible (a corrupt deflate stream), but
			// they must not be file system errors from escaping.
			var pe *fs.PathError
			if errors.As(err, &pe) && !strings.HasPrefix(pe.Path, dest) {
				t.Fatalf("Extract failed on a path outside its destination: %v", err)
			}
		}
		if len(ents) != 0 {
			t.Fatalf("Extract failed (%v) but left %s behind", err, dest)
		}
		return
	}
	if st.Bytes > fuzzMax {
		t.Fatalf("Extract unpacked %d bytes, more than the limit %d", st.Bytes, fuzzMax)
	}
	var total int64
	files := 0
	werr := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			rel, _ := filepath.Rel(dest, p)
			if !oracleInside(dest, rel) || kernelEscapes(t, dest, rel) {
				target, _ := os.Readlink(p)
				t.Errorf("link %s -> %s resolves outside the destination", rel, target)
			}
		case d.Type().IsRegular():
			fi, err := d.Info()
			if err != nil {
				return err
			}
			total += fi.Size()
			files++
		case d.IsDir():
		default:
			t.Errorf("%s is a %v", p, d.Type())
		}
		return nil
	})
	if werr != nil {
		t.Fatal(werr)
	}
	if total > fuzzMax || total != st.Bytes || files != st.Files {
		t.Fatalf("unpacked %d files, %d bytes; Extract said %+v (limit %d)", files, total, st, fuzzMax)
	}
}

// oracleInside follows rel (relative to root) link by link as the
// kernel would, and reports whether it never steps above root. Missing
// components are taken as plain directories.
func oracleInside(root, rel string) bool {
	todo := strings.Split(filepath.ToSlash(rel), "/")
	var cur []string
	for hops := 0; len(todo) > 0; {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		p := filepath.Join(append([]string{root}, append(cur, part)...)...)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			cur = append(cur, part)
			continue
		}
		if hops++; hops > 40 {
			return true // a loop: the kernel gives ELOOP, nothing escapes
		}
		target, err := os.Readlink(p)
		if err != nil {
			return false
		}
		if filepath.IsAbs(target) {
			return false
		}
		todo = append(strings.Split(filepath.ToSlash(target), "/"), todo...)
	}
	return true
}
