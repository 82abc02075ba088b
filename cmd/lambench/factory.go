package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/events"
	"github.com/lambench/lambench/invoke/lambdaapi"
	"github.com/lambench/lambench/profiles"
)

// Factory gives the commands what they share, made when first asked for:
// the configuration file, the selected profile and a client of its target.
type Factory struct {
	IO     *IOStreams
	Global *GlobalOptions
	// Getenv reads the environment (LAMBENCH_PROFILE); tests replace it.
	Getenv func(string) string
	// Executable is the lambench binary that the local target runs as
	// `lambench serve`; tests point it at a built binary.
	Executable func() (string, error)
	// NewClient makes the client of a profile (resolveClient by default).
	NewClient func(ctx context.Context, f *Factory, p profiles.Profile) (invoke.Client, error)

	cfgOnce sync.Once
	cfg     *profiles.File
	cfgErr  error

	tmplOnce sync.Once
	tmpl     *events.Registry
}

func newFactory(io *IOStreams, g *GlobalOptions) *Factory {
	return &Factory{IO: io, Global: g, Getenv: os.Getenv, Executable: lambenchExecutable, NewClient: resolveClient}
}

// Config is lambench.toml (--config, else found from the current
// directory up), or nil when there is none.
func (f *Factory) Config() (*profiles.File, error) {
	f.cfgOnce.Do(func() { f.cfg, f.cfgErr = loadConfig(f.Global) })
	return f.cfg, f.cfgErr
}

// Profile is the profile selected for this command.
func (f *Factory) Profile() (profiles.Profile, error) {
	cfg, err := f.Config()
	if err != nil {
		return profiles.Profile{}, err
	}
	g := f.Global
	return cfg.Select(profiles.Selection{
		Flag: g.Profile, Env: f.Getenv("LAMBENCH_PROFILE"),
		Target: g.Target, Endpoint: g.Endpoint, Region: g.Region, AWSProfile: g.AWSProfile,
		AWSProfileExists: awsProfileExists,
		AWSConfigFile:    lambdaapi.SharedConfigFile(),
	})
}

// Client connects to the selected profile's target. Close it when done:
// for the local target that stops the local Lambda.
func (f *Factory) Client(ctx context.Context) (invoke.Client, error) {
	p, err := f.Profile()
	if err != nil {
		return nil, err
	}
	return f.NewClient(ctx, f, p)
}

// ProjectDir is where the project's files live: the directory of
// lambench.toml, else the current directory.
func (f *Factory) ProjectDir() string {
	if cfg, err := f.Config(); err == nil && cfg != nil {
		return filepath.Dir(cfg.Path)
	}
	wd, _ := os.Getwd()
	return wd
}

// lambenchExecutable is this binary, for the local target's `lambench serve`.
func lambenchExecutable() (string, error) { return os.Executable() }
