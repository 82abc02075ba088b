// Package sweep runs a load plan at several memory sizes of a function,
// changing its configuration between steps, and always puts the original
// configuration back: at the end, on errors, on Ctrl-C, and, through a
// restore journal written before the first change, even after lambench
// was killed (`lambench restore`).
package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lambench/lambench/invoke"
)

// Original is the part of a function's configuration a sweep may change.
type Original struct {
	MemoryMB    int               `json:"memory_mb"`
	Timeout     time.Duration     `json:"timeout_ns"`
	Environment map[string]string `json:"environment"`
}

// Entry is one pending restore: a function whose configuration a run
// changed and has not yet put back.
type Entry struct {
	// Target identifies the target (see invoke.Target.String), so that a
	// restore goes to the same place.
	Target string `json:"target"`
	// Via says how to reach the target again (the profile's fields, as
	// the caller chooses), so that a restore needs no flags.
	Via map[string]string `json:"via,omitempty"`
	// Function is the function's name.
	Function string `json:"function"`
	// Original is the configuration to put back.
	Original Original `json:"original"`
	// Started is when the run began, PID the lambench process.
	Started time.Time `json:"started"`
	PID     int       `json:"pid"`
}

// Journal is a directory of pending restores, one file per target and
// function.
type Journal struct {
	// Dir is the directory, e.g. .lambench/restore next to lambench.toml.
	Dir string
}

func (j *Journal) path(target, function string) string {
	sum := sha256.Sum256([]byte(target + "\x00" + function))
	return filepath.Join(j.Dir, function+"-"+hex.EncodeToString(sum[:6])+".json")
}

// PendingError is a Record refused because the function already has a
// pending restore: that entry holds the real original configuration.
type PendingError struct{ Entry Entry }

func (e *PendingError) Error() string {
	return fmt.Sprintf("%s on %s has a pending restore from %s (pid %d): run `lambench restore %s` first",
		e.Entry.Function, e.Entry.Target, e.Entry.Started.Local().Format(time.DateTime), e.Entry.PID, e.Entry.Function)
}

// Record writes e durably (synced) before any change is made. It refuses
// with a *PendingError when the function has a pending restore.
func (j *Journal) Record(e Entry) error {
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return fmt.Errorf("restore journal: %w", err)
	}
	path := j.path(e.Target, e.Function)
	if prev, err := readEntry(path); err == nil {
		return &PendingError{*prev}
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("restore journal: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore journal: %w", err)
	}
	return nil
}

// Done removes the entry of a function that has been restored.
func (j *Journal) Done(target, function string) error {
	if j.Dir == "" {
		return nil
	}
	err := os.Remove(j.path(target, function))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Pending lists the entries not yet restored, oldest first.
func (j *Journal) Pending() ([]Entry, error) {
	files, err := filepath.Glob(filepath.Join(j.Dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, f := range files {
		e, err := readEntry(f)
		if err != nil {
			return nil, fmt.Errorf("restore journal %s: %w", f, err)
		}
		out = append(out, *e)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Started.Before(out[b].Started) })
	return out, nil
}

func readEntry(path string) (*Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	if e.Function == "" || e.Original.MemoryMB == 0 {
		return nil, errors.New("incomplete entry")
	}
	return &e, nil
}

// ErrFunctionGone is matched by the error of a restore whose function no
// longer exists on its target (deleted since the change): there is
// nothing to put back, and the entry has been removed.
var ErrFunctionGone = errors.New("the function no longer exists: nothing to restore")

// Restore puts e's original configuration back through client (which
// must reach e.Target) and removes the entry. When the function has been
// deleted meanwhile, retrying could never succeed (and a function created
// later under its name would get the old one's configuration): the entry
// is removed too, and the error matches ErrFunctionGone.
func (j *Journal) Restore(ctx context.Context, client invoke.Client, e Entry) error {
	if t := client.Target().String(); t != e.Target {
		return fmt.Errorf("the restore of %s is for %s, not %s: select that target (--profile, --target, --endpoint)", e.Function, e.Target, t)
	}
	if err := restore(ctx, client, e.Function, e.Original); err != nil {
		if !invoke.IsNotFound(err) {
			return err
		}
		if derr := j.Done(e.Target, e.Function); derr != nil {
			return errors.Join(err, derr)
		}
		return fmt.Errorf("%s on %s: %w (%v)", e.Function, strings.TrimSpace(e.Target), ErrFunctionGone, err)
	}
	return j.Done(e.Target, e.Function)
}

// restore applies orig, retrying while another update is in progress.
func restore(ctx context.Context, client invoke.Client, function string, orig Original) error {
	mem, timeout := orig.MemoryMB, orig.Timeout
	env := maps.Clone(orig.Environment)
	if env == nil {
		env = map[string]string{}
	}
	u := invoke.ConfigUpdate{MemoryMB: &mem, Environment: env}
	if timeout > 0 {
		u.Timeout = &timeout
	}
	for attempt := 0; ; attempt++ {
		_, err := client.UpdateConfiguration(ctx, function, u)
		if err == nil || !errors.Is(err, invoke.ErrUpdateInProgress) || attempt >= 30 {
			if err != nil {
				return fmt.Errorf("restore %s to %d MB: %w", function, mem, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("restore %s to %d MB: %w", function, mem, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// originalOf is the restorable part of f's configuration.
func originalOf(f *invoke.Function) Original {
	return Original{MemoryMB: f.MemoryMB, Timeout: f.Timeout, Environment: maps.Clone(f.Environment)}
}

// Describe is an entry in a few words, for a warning.
func (e Entry) Describe() string {
	return fmt.Sprintf("%s on %s back to %d MB (changed %s by pid %d)", e.Function, strings.TrimSpace(e.Target),
		e.Original.MemoryMB, e.Started.Local().Format(time.DateTime), e.PID)
}
