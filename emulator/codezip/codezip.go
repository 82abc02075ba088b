// Package codezip unpacks a Lambda deployment package (a zip file) into a
// directory, safely: no entry may land outside the directory (absolute
// paths, "..", links pointing out), and the unpacked size is counted in
// bytes actually written, not trusted from the headers, so a zip bomb
// stops at the limit.
package codezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Limits of AWS Lambda for zip deployment packages.
const (
	// MaxZippedBytes is the largest zip file CreateFunction accepts directly.
	MaxZippedBytes = 50 << 20
	// MaxUnzippedBytes is the largest unpacked size: 250 MB.
	MaxUnzippedBytes = 262144000
	// MaxEntries bounds the number of entries, against zips of many empty files.
	MaxEntries = 100_000
)

// Errors of Extract, for callers that map them to API errors.
var (
	ErrUnsafePath = errors.New("unsafe path")
	ErrTooLarge   = errors.New("too large")
	// ErrNotZip is a package that is no zip, or whose entries cannot be
	// read (a bad checksum, a size that lies, an unknown compression).
	ErrNotZip = errors.New("not a zip file")
)

// openEntry opens a zip entry for reading; its errors, at open and while
// reading, are the package's fault, and say so with ErrNotZip.
func openEntry(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotZip, f.Name, err)
	}
	return entryReader{rc, f.Name}, nil
}

type entryReader struct {
	io.ReadCloser
	name string
}

func (r entryReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %s: %v", ErrNotZip, r.name, err)
	}
	return n, err
}

// Stats describes what Extract wrote.
type Stats struct {
	// Files counts the regular files written.
	Files int
	// Bytes is the unpacked size in bytes.
	Bytes int64
}

// Extract unpacks the zip in data into dir, which must not exist yet (it
// is created; on error it is removed again). maxBytes bounds the unpacked
// size (MaxUnzippedBytes when <= 0).
func Extract(data []byte, dir string, maxBytes int64) (Stats, error) {
	if maxBytes <= 0 {
		maxBytes = MaxUnzippedBytes
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Stats{}, fmt.Errorf("%w: %v", ErrNotZip, err)
	}
	if len(zr.File) > MaxEntries {
		return Stats{}, fmt.Errorf("%w: %d entries (at most %d)", ErrTooLarge, len(zr.File), MaxEntries)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return Stats{}, err
	}
	st, err := extract(zr, dir, maxBytes)
	if err != nil {
		os.RemoveAll(dir)
		return Stats{}, err
	}
	return st, nil
}

func extract(zr *zip.Reader, dir string, maxBytes int64) (Stats, error) {
	var st Stats
	var links []string
	for _, f := range zr.File {
		name, err := cleanName(f.Name)
		if err != nil {
			return st, err
		}
		if name == "" {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := mkdirInside(dir, name); err != nil {
				return st, err
			}
			continue
		case mode&fs.ModeSymlink != 0:
			if err := writeLink(f, dir, name, target); err != nil {
				return st, err
			}
			links = append(links, name)
			continue
		case !mode.IsRegular():
			return st, fmt.Errorf("%w: %s is a %v, not a file or directory", ErrUnsafePath, f.Name, mode.Type())
		}
		if err := mkdirInside(dir, path.Dir(name)); err != nil {
			return st, err
		}
		n, err := writeFile(f, target, mode.Perm()|0o400, maxBytes-st.Bytes, maxBytes)
		st.Bytes += n
		if err != nil {
			return st, err
		}
		st.Files++
	}
	// A link's target was checked as written, but the links around it
	// decide where it leads ("a" -> "." makes "b" -> "a/.." the parent of
	// the package): follow each one as the kernel would, now that all are
	// in place.
	for _, name := range links {
		if !resolvesInside(dir, name) {
			return st, fmt.Errorf("%w: link %s leads outside the package through other links", ErrUnsafePath, name)
		}
	}
	return st, nil
}

// cleanName returns the entry's slash-separated path relative to the
// root, or an error when it would leave it.
func cleanName(name string) (string, error) {
	if strings.ContainsRune(name, 0) || strings.Contains(name, `\`) {
		return "", fmt.Errorf("%w: %q", ErrUnsafePath, name)
	}
	if path.IsAbs(name) || filepath.IsAbs(name) || (len(name) > 1 && name[1] == ':') {
		return "", fmt.Errorf("%w: %q is absolute", ErrUnsafePath, name)
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("%w: %q leaves the package", ErrUnsafePath, name)
	}
	return clean, nil
}

// writeLink creates a symbolic link whose target stays inside the package.
func writeLink(f *zip.File, dir, name, target string) error {
	rc, err := openEntry(f)
	if err != nil {
		return err
	}
	dest, err := io.ReadAll(io.LimitReader(rc, 4096))
	rc.Close()
	if err != nil {
		return err
	}
	link := string(dest)
	if path.IsAbs(link) {
		return fmt.Errorf("%w: link %s points to the absolute path %s", ErrUnsafePath, f.Name, link)
	}
	resolved := path.Join(path.Dir(name), link)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return fmt.Errorf("%w: link %s points outside the package (%s)", ErrUnsafePath, f.Name, link)
	}
	if err := mkdirInside(dir, path.Dir(name)); err != nil {
		return err
	}
	return os.Symlink(link, target)
}

// mkdirInside creates the directory rel (slash-separated, clean, relative)
// under root one component at a time, refusing to go through a symbolic
// link: MkdirAll would follow a link entry ("d" -> ".." or a chain of
// links that each look harmless) and create directories outside root.
func mkdirInside(root, rel string) error {
	if rel == "." || rel == "" {
		return nil
	}
	cur := root
	for _, part := range strings.Split(rel, "/") {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			if err := os.Mkdir(cur, 0o755); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %s is a link; nothing may be written through it", ErrUnsafePath, rel)
		}
		if !fi.IsDir() {
			return fmt.Errorf("%w: %s is a file, not a directory", ErrUnsafePath, rel)
		}
	}
	return nil
}

// resolvesInside follows the path rel under root component by component,
// reading links as the kernel would (missing components count as plain
// directories), and reports whether it stays inside root.
func resolvesInside(root, rel string) bool {
	todo := strings.Split(rel, "/")
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
		p := filepath.Join(root, filepath.Join(cur...), part)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			cur = append(cur, part)
			continue
		}
		if hops++; hops > 255 {
			return false // a loop of links: refuse it
		}
		link, err := os.Readlink(p)
		if err != nil || path.IsAbs(link) {
			return false
		}
		todo = append(strings.Split(link, "/"), todo...)
	}
	return true
}

func writeFile(f *zip.File, target string, perm fs.FileMode, budget, max int64) (int64, error) {
	rc, err := openEntry(f)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) {
		return 0, fmt.Errorf("%w: %s appears twice in the package", ErrUnsafePath, f.Name)
	}
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(rc, budget+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if n > budget {
		return n, fmt.Errorf("%w: unzipped size must be smaller than %d bytes", ErrTooLarge, max)
	}
	return n, nil
}
