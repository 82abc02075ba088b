package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lambench/lambench/profiles"
)

// loadConfig reads --config, else lambench.toml in the current directory
// or its nearest parent. It returns nil (no error) when there is none.
func loadConfig(g *GlobalOptions) (*profiles.File, error) {
	path := g.ConfigPath
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if path, err = profiles.Find(wd); err != nil || path == "" {
			return nil, err
		}
	}
	f, err := profiles.Load(path)
	if err != nil && g.ConfigPath != "" && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--config %s: no such file: omit --config to use lambench.toml in this directory or a parent (or, with none, the built-in demo functions)", g.ConfigPath)
	}
	return f, err
}

// announceDir is where a running lambench serve announces itself to the
// local target of other commands: LAMBENCH_RUNTIME_DIR, else a directory
// of this user's in XDG_RUNTIME_DIR or the temporary directory.
func announceDir() string {
	if d := os.Getenv("LAMBENCH_RUNTIME_DIR"); d != "" {
		return d
	}
	base := os.Getenv("XDG_RUNTIME_DIR")
	if base == "" {
		base = os.TempDir()
	}
	return filepath.Join(base, fmt.Sprintf("lambench-serve-uid%d", os.Getuid()))
}

// configKey identifies the functions a local Lambda serves: the absolute
// path of its lambench.toml, or "" for the demo functions.
func configKey(cfg *profiles.File) string {
	if cfg == nil {
		return ""
	}
	if abs, err := filepath.Abs(cfg.Path); err == nil {
		return abs
	}
	return cfg.Path
}
