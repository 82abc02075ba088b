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
	ErrNotZip     = errors.New("not a zip file")
)

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
			if err := os.MkdirAll(target, 0o755); err != nil {
				return st, err
			}
			continue
		case mode&fs.ModeSymlink != 0:
			if err := writeLink(f, dir, name, target); err != nil {
				return st, err
			}
			continue
		case !mode.IsRegular():
			return st, fmt.Errorf("%w: %s is a %v, not a file or directory", ErrUnsafePath, f.Name, mode.Type())
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return st, err
		}
		if err := noLinkOnPath(dir, filepath.Dir(target)); err != nil {
			return st, err
		}
		n, err := writeFile(f, target, mode.Perm()|0o400, maxBytes-st.Bytes, maxBytes)
		st.Bytes += n
		if err != nil {
			return st, err
		}
		st.Files++
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
	rc, err := f.Open()
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
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	return os.Symlink(link, target)
}

// noLinkOnPath refuses to write through a directory that is a symbolic
// link (a link entry followed by a file "inside" it).
func noLinkOnPath(root, dir string) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return err
	}
	cur := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part == "." {
			continue
		}
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %s is a link; nothing may be written through it", ErrUnsafePath, rel)
		}
	}
	return nil
}

func writeFile(f *zip.File, target string, perm fs.FileMode, budget, max int64) (int64, error) {
	rc, err := f.Open()
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
