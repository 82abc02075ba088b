package main

import (
	"os"

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
	return profiles.Load(path)
}
