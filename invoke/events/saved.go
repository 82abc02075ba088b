package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// DefaultSavedDir is where lambench keeps saved events, relative to the
// directory of lambench.toml.
const DefaultSavedDir = ".lambench/events"

// A Store keeps saved test events per function, like the Lambda console's
// saved test events: <Dir>/<function>/<name>.json.
type Store struct {
	// Dir is the store's root directory.
	Dir string
}

// NewStore returns a store rooted at dir.
func NewStore(dir string) *Store { return &Store{Dir: dir} }

// savedNameRE is compiled on first use: its {0,127} makes a large program
// (2.5 ms, 1,700 allocations), which every process of the lambench
// executable, demo functions included, would pay at start.
var savedNameRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$`)
})

// ValidateName checks the name of a saved event (or of a function's
// directory): 1 to 128 letters, digits, '-', '_' and '.', not starting
// with '.'.
func ValidateName(name string) error {
	if !savedNameRE().MatchString(name) {
		return fmt.Errorf("invalid name %q: use 1 to 128 letters, digits, '-', '_' and '.', not starting with '.'", name)
	}
	return nil
}

// NotFoundError is a saved event that does not exist.
type NotFoundError struct {
	// Function is the function's name.
	Function string
	// Name is the name asked for.
	Name string
	// Saved are the names of the function's saved events, closest first.
	Saved []string
}

// Error names the missing event and lists the saved ones.
func (e *NotFoundError) Error() string {
	if len(e.Saved) == 0 {
		return fmt.Sprintf("no saved event %q for %s: it has no saved events", e.Name, e.Function)
	}
	return fmt.Sprintf("no saved event %q for %s; saved events: %s", e.Name, e.Function, strings.Join(e.Saved, ", "))
}

// SyntaxError is an event that is not valid JSON.
type SyntaxError struct {
	// Line and Column locate the error, from 1.
	Line, Column int
	// Err is the decoder's error.
	Err error
}

// Error gives the line, column and cause of the syntax error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("the event is not valid JSON: line %d, column %d: %v", e.Line, e.Column, e.Err)
}

// Unwrap returns the decoder's error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// ValidateJSON checks that event is one valid JSON document; a syntax error
// is a *SyntaxError with its line and column.
func ValidateJSON(event []byte) error {
	dec := json.NewDecoder(bytes.NewReader(event))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		// One document only.
		off := int(dec.InputOffset())
		for off < len(event) && strings.ContainsRune(" \t\r\n", rune(event[off])) {
			off++
		}
		if off < len(event) {
			line, col := lineCol(event, off)
			return &SyntaxError{Line: line, Column: col, Err: errors.New("more than one JSON value")}
		}
		return nil
	}
	off := len(event)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset) - 1
	}
	line, col := lineCol(event, off)
	return &SyntaxError{Line: line, Column: col, Err: err}
}

func (s *Store) path(function, name string) (string, error) {
	if err := ValidateName(function); err != nil {
		return "", fmt.Errorf("function: %w", err)
	}
	if name == "" {
		return filepath.Join(s.Dir, function), nil
	}
	if err := ValidateName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.Dir, function, name+".json"), nil
}

// Save saves event as name for function, replacing an event of that name.
// The event must be valid JSON.
func (s *Store) Save(function, name string, event []byte) error {
	path, err := s.path(function, name)
	if err != nil {
		return err
	}
	if err := ValidateJSON(event); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save event %s: %w", name, err)
	}
	data := event
	if !bytes.HasSuffix(data, []byte("\n")) {
		data = append(slices.Clip(data), '\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("save event %s: %w", name, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save event %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save event %s: %w", name, err)
	}
	return nil
}

// List returns the names of function's saved events, sorted; none is no error.
func (s *Store) List(function string) ([]string, error) {
	dir, err := s.path(function, "")
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list saved events of %s: %w", function, err)
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && !e.IsDir() && ValidateName(name) == nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Load returns the saved event name of function. An unknown name is a
// *NotFoundError listing the saved ones.
func (s *Store) Load(function, name string) ([]byte, error) {
	path, err := s.path(function, name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, s.notFound(function, name)
	}
	if err != nil {
		return nil, fmt.Errorf("load event %s: %w", name, err)
	}
	return b, nil
}

// Delete deletes the saved event name of function. An unknown name is a
// *NotFoundError listing the saved ones.
func (s *Store) Delete(function, name string) error {
	path, err := s.path(function, name)
	if err != nil {
		return err
	}
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s.notFound(function, name)
	}
	if err != nil {
		return fmt.Errorf("delete event %s: %w", name, err)
	}
	return nil
}

func (s *Store) notFound(function, name string) error {
	saved, err := s.List(function)
	if err != nil {
		return err
	}
	return &NotFoundError{Function: function, Name: name, Saved: closest(name, saved)}
}
