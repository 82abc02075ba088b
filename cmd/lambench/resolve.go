package main

import (
	"context"
	"os"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/lambdaapi"
	"github.com/lambench/lambench/profiles"
)

// resolveClient connects to a profile's target (profiles.Resolve), with
// what only cmd knows: this executable, the configuration file, where
// running serves announce themselves.
func resolveClient(ctx context.Context, f *Factory, p profiles.Profile) (invoke.Client, error) {
	exe, err := f.Executable()
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	wd, _ := os.Getwd()
	return profiles.Resolve(ctx, p, profiles.ResolveOptions{
		Executable: exe, ConfigPath: configKey(cfg), Dir: wd, AnnounceDir: announceDir(),
	})
}

// awsProfileExists reports whether the AWS shared config has a profile
// of that name.
func awsProfileExists(name string) bool {
	return lambdaapi.ProfileExists(context.Background(), name)
}
