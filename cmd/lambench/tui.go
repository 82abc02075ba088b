package main

import (
	"context"
	"os"
	"time"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/loadgen/sweep"
	"github.com/lambench/lambench/profiles"
	"github.com/lambench/lambench/tui"
	"github.com/lambench/lambench/tui/loadview"
)

// TUIOptions are the inputs of `lambench` with no arguments on a terminal.
type TUIOptions struct {
	Factory *Factory
	// Editor is $VISUAL or $EDITOR, for editing events.
	Editor string
	// Started is when the command started (the status line says how long
	// the functions took to show).
	Started time.Time
	// LoadScreen makes the load screen; nil means tui/loadview's.
	LoadScreen tui.LoadScreenFunc
}

// wantsTUI reports whether both standard input and output are terminals.
func wantsTUI(io *IOStreams) bool {
	in, ok := io.In.(*os.File)
	return ok && io.OutTTY && isTerminal(in)
}

// runTUI opens the workbench on the selected profile. The client is made
// inside the TUI (so the frame shows at once) and closed when it quits,
// which stops a local Lambda it started.
func runTUI(ctx context.Context, opts *TUIOptions) error {
	f := opts.Factory
	p, err := f.Profile()
	if err != nil {
		return err
	}
	connecting := "connecting to " + string(p.Target) + "…"
	if p.Target == invoke.Local {
		connecting = "starting the local Lambda…"
	}
	reg, err := f.Templates()
	if err != nil {
		return err
	}
	load := opts.LoadScreen
	if load == nil {
		load = func(c *tui.Common, fn string) tui.Screen {
			var j *sweep.Journal
			if lc, ok := c.Client.(*profiles.LocalClient); !ok || lc.Server == nil {
				j = journal() // a local Lambda started here takes its changes with it
			}
			cfg, _ := f.Config()
			return loadview.New(c, fn, loadview.Options{Journal: j, Via: viaOf(p, configKey(cfg))})
		}
	}
	return tui.Run(ctx, tui.Options{
		Connect:    f.Client,
		Connecting: connecting,
		Templates:  reg,
		Saved:      f.SavedEvents(),
		Editor:     opts.Editor,
		LoadScreen: load,
		Started:    opts.Started,
	}, f.IO.In, f.IO.Out)
}

// editorCommand is the user's editor: $VISUAL, $EDITOR, else vi.
func editorCommand(getenv func(string) string) string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := getenv(v); e != "" {
			return e
		}
	}
	return "vi"
}
