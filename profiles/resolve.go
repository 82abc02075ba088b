package profiles

import (
	"context"
	"fmt"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/lambdaapi"
	"github.com/lambench/lambench/invoke/local"
	"github.com/lambench/lambench/invoke/rie"
)

// ResolveOptions are what Resolve needs besides the profile.
type ResolveOptions struct {
	// Executable is the lambench binary, which the local target runs as
	// `lambench serve`.
	Executable string
	// ConfigPath is the lambench.toml whose functions the local target
	// serves; empty for the demo functions. When set it must be absolute:
	// it also identifies a running serve of the same functions.
	ConfigPath string
	// Dir is the local Lambda's working directory.
	Dir string
	// AnnounceDir is where running `lambench serve`s announce themselves;
	// the local target uses one serving ConfigPath instead of starting its
	// own. Empty never looks.
	AnnounceDir string
	// ServeArgs are extra arguments for a local Lambda started here.
	ServeArgs []string
}

// LocalClient is the client of a local target: the Lambda API of a local
// Lambda, either a running `lambench serve` (shared with other commands)
// or one started for this client and stopped by Close.
type LocalClient struct {
	*lambdaapi.Client
	// Server is the local Lambda started for this client; nil when the
	// client uses a running serve.
	Server *local.Server
	// Shared is the running serve used, when Server is nil.
	Shared *local.Announcement
}

// Close closes the client and stops a local Lambda it started.
func (c *LocalClient) Close() error {
	err := c.Client.Close()
	if c.Server != nil {
		c.Server.Close()
	}
	return err
}

// Resolve connects to a profile's target: for local, a running
// `lambench serve` of the same functions, else a local Lambda started as
// a child process (stopped by Close); for aws, the Lambda API with the
// AWS SDK's standard configuration; for rie, the emulator's endpoint.
func Resolve(ctx context.Context, p Profile, o ResolveOptions) (invoke.Client, error) {
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", p.describe(), err)
	}
	switch p.Target {
	case invoke.Local:
		if a, ok := local.Find(o.AnnounceDir, o.ConfigPath); ok {
			c, err := lambdaapi.New(ctx, lambdaapi.Options{Kind: invoke.Local, Endpoint: a.Endpoint, Region: p.Region})
			if err != nil {
				return nil, err
			}
			return &LocalClient{Client: c, Shared: a}, nil
		}
		srv, err := local.Start(ctx, local.Options{Executable: o.Executable, ConfigPath: o.ConfigPath, Dir: o.Dir, Args: o.ServeArgs})
		if err != nil {
			return nil, fmt.Errorf("start the local Lambda: %w", err)
		}
		c, err := lambdaapi.New(ctx, lambdaapi.Options{Kind: invoke.Local, Endpoint: srv.Endpoint, Region: p.Region})
		if err != nil {
			srv.Close()
			return nil, err
		}
		return &LocalClient{Client: c, Server: srv}, nil
	case invoke.RIE:
		return rie.New(p.Endpoint, p.Function), nil
	default:
		return lambdaapi.New(ctx, lambdaapi.Options{Profile: p.AWSProfile, Region: p.Region, Endpoint: p.Endpoint})
	}
}
