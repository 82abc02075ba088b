package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/invoke/local"
	"github.com/lambench/lambench/loadgen/sweep"
	"github.com/lambench/lambench/profiles"
)

// journal is the restore journal of memory sweeps: LAMBENCH_STATE_DIR,
// else XDG_STATE_HOME or ~/.local/state, /lambench/restore. It is the
// user's, not the project's, so `lambench restore` works from anywhere.
func journal() *sweep.Journal {
	dir := os.Getenv("LAMBENCH_STATE_DIR")
	if dir == "" {
		base := os.Getenv("XDG_STATE_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				home = os.TempDir()
			}
			base = filepath.Join(home, ".local", "state")
		}
		dir = filepath.Join(base, "lambench")
	}
	return &sweep.Journal{Dir: filepath.Join(dir, "restore")}
}

// viaOf records how to reach a profile's target again.
func viaOf(p profiles.Profile, configPath string) map[string]string {
	return map[string]string{
		"target": string(p.Target), "endpoint": p.Endpoint, "region": p.Region,
		"aws_profile": p.AWSProfile, "function": p.Function, "config": configPath,
	}
}

// profileOf is the inverse of viaOf.
func profileOf(via map[string]string) (profiles.Profile, string) {
	return profiles.Profile{
		Target: invoke.Kind(via["target"]), Endpoint: via["endpoint"], Region: via["region"],
		AWSProfile: via["aws_profile"], Function: via["function"], Source: "the restore journal",
	}, via["config"]
}

func newRestoreCmd(f *Factory) *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:   "restore [FUNCTION]",
		Short: "Put back functions a memory sweep changed and could not restore",
		Long: `A memory sweep (lambench load --memory ...) writes the function's original
configuration to a journal before changing it, and puts it back at the end,
on errors and on Ctrl-C. If lambench was killed before it could, the journal
still holds it: restore applies it, on the same target, with no other flags.
Runs warn while a restore is pending.`,
		Example: `  lambench restore            # every pending restore
  lambench restore cpu        # only cpu's
  lambench restore --list`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRestore(cmd.Context(), f, args, list)
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "only list the pending restores")
	return cmd
}

func runRestore(ctx context.Context, f *Factory, args []string, list bool) error {
	j := journal()
	pending, err := j.Pending()
	if err != nil {
		return err
	}
	io := f.IO
	if len(args) == 1 {
		var only []sweep.Entry
		for _, e := range pending {
			if e.Function == args[0] {
				only = append(only, e)
			}
		}
		if len(only) == 0 {
			return fmt.Errorf("no pending restore for %s (%d pending in %s)", args[0], len(pending), j.Dir)
		}
		pending = only
	}
	if len(pending) == 0 {
		fmt.Fprintln(io.ErrOut, "nothing to restore: every function a sweep changed has been put back")
		return nil
	}
	if list {
		for _, e := range pending {
			fmt.Fprintln(io.Out, e.Describe())
		}
		return nil
	}
	var errs []error
	for _, e := range pending {
		p, cfg := profileOf(e.Via)
		if p.Target == invoke.Local {
			if _, ok := local.Find(announceDir(), cfg); !ok {
				// Its changes went with the local Lambda that stopped.
				j.Done(e.Target, e.Function)
				fmt.Fprintf(io.ErrOut, "nothing to restore for %s: the local Lambda it changed has stopped, and its changes with it\n", e.Function)
				continue
			}
		}
		client, err := profiles.Resolve(ctx, p, profiles.ResolveOptions{AnnounceDir: announceDir(), ConfigPath: cfg})
		if err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", e.Function, err))
			continue
		}
		err = j.Restore(ctx, client, e)
		client.Close()
		if errors.Is(err, sweep.ErrFunctionGone) {
			fmt.Fprintf(io.ErrOut, "nothing to restore: %v\n", err)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(io.ErrOut, "restored %s\n", e.Describe())
	}
	return errors.Join(errs...)
}

// warnPendingRestores says, on standard error, which restores are pending.
func warnPendingRestores(io *IOStreams) {
	pending, err := journal().Pending()
	if err != nil || len(pending) == 0 {
		return
	}
	st := newStyle(io)
	for _, e := range pending {
		fmt.Fprintln(io.ErrOut, st.yellow("warning: pending restore: "+e.Describe()+"; run `lambench restore "+e.Function+"`"))
	}
}
