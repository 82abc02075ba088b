package events

import (
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

	"github.com/lambench/lambench/internal/suggest"
)

// A Registry is a set of templates by name: the built-in ones, and the
// user templates loaded into it.
type Registry struct {
	byName  map[string]*Template // normName(name) → template
	builtin map[string]bool
}

// NewRegistry returns a registry holding the built-in templates.
func NewRegistry() *Registry {
	r := &Registry{byName: map[string]*Template{}, builtin: map[string]bool{}}
	for _, t := range builtinTemplates() {
		r.byName[normName(t.Name())] = t
		r.builtin[normName(t.Name())] = true
	}
	return r
}

var defaultRegistry = sync.OnceValue(NewRegistry)

// Lookup finds a built-in template; see Registry.Lookup.
func Lookup(name string) (*Template, error) { return defaultRegistry().Lookup(name) }

// List lists built-in templates; see Registry.List.
func List(service string) []*Template { return defaultRegistry().List(service) }

// Services lists the services of the built-in templates; see Registry.Services.
func Services() []string { return defaultRegistry().Services() }

// Lookup finds a template by name: "s3 put", "s3:put", "S3 Put" and the
// Lambda console's "s3-put" all name the same one. An unknown name gives an
// *UnknownTemplateError naming the closest templates.
func (r *Registry) Lookup(name string) (*Template, error) {
	if t, ok := r.byName[normName(name)]; ok {
		return t, nil
	}
	var found *Template
	sq := squash(name)
	for _, t := range r.byName {
		if squash(t.Name()) == sq {
			if found != nil {
				found = nil
				break
			}
			found = t
		}
	}
	if found != nil {
		return found, nil
	}
	return nil, &UnknownTemplateError{Name: name, Suggestions: r.suggest(name)}
}

// suggest returns up to three template names close to name; a service's
// name alone suggests its templates. The first word is the service: when
// it names one exactly (or is a prefix of one, or a typo of one), that
// service's events come first, the one whose event begins or contains
// what was typed before mere typos; other templates follow only when the
// whole name is a plausible typo of theirs.
func (r *Registry) suggest(name string) []string {
	if ts := r.List(strings.TrimSpace(name)); len(ts) > 0 {
		var out []string
		for _, t := range ts {
			out = append(out, t.Name())
		}
		return out[:min(len(out), 3)]
	}
	n := normName(name)
	svc, ev, _ := strings.Cut(n, " ")
	type scored struct {
		name    string
		tier, d int
	}
	var list []scored
	for _, t := range r.List("") {
		s, e := strings.ToLower(t.Service), strings.ToLower(t.Event)
		tier := 3
		switch {
		case svc == s:
			tier = 0
		case strings.HasPrefix(s, svc) || strings.HasPrefix(svc, s):
			tier = 1
		case suggest.Distance(svc, s) <= max(1, len(s)/3):
			tier = 2
		}
		if tier < 3 {
			list = append(list, scored{t.Name(), tier, eventDistance(ev, e)})
			continue
		}
		full := normName(t.Name())
		d := suggest.Distance(n, full)
		if strings.Contains(full, n) || strings.Contains(squash(full), squash(n)) {
			d = min(d, 1)
		}
		if ev != "" && eventDistance(ev, e) == 1 {
			d = min(d, 1) // "apigw proxy": the event's words were right
		}
		if d <= max(2, len(n)/3) {
			list = append(list, scored{t.Name(), tier, d})
		}
	}
	slices.SortStableFunc(list, func(a, b scored) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, c := range list {
		// Once the service is known, another service a typo away ("ses"
		// for "sqs") only with an event alike too.
		if len(out) == 3 || len(out) > 0 && list[0].tier < 2 && c.tier >= 2 && c.d > 3 {
			break
		}
		out = append(out, c.name)
	}
	if len(out) == 0 {
		// Nothing alike: the nearest names anyway, as before.
		var names []string
		for _, t := range r.List("") {
			names = append(names, t.Name())
		}
		out = closest(n, names)
		out = out[:min(len(out), 3)]
	}
	return out
}

// eventDistance is how far typed is from a service's event e: 0 for the
// same, 1 when one begins the other or e contains it ("records" in
// "get-records"), else 2 more than the edit distance to e, to its
// beginning or to one of its words ("recieve" and "receive-message").
func eventDistance(typed, e string) int {
	typed = strings.ReplaceAll(typed, " ", "-")
	switch {
	case typed == "" || typed == e:
		return 0
	case strings.HasPrefix(e, typed) || strings.HasPrefix(typed, e) || strings.Contains(e, typed):
		return 1
	}
	d := suggest.Distance(typed, e)
	d = min(d, suggest.Distance(typed, e[:min(len(e), len(typed))]))
	for _, w := range strings.Split(e, "-") {
		d = min(d, suggest.Distance(typed, w))
	}
	return 2 + d
}

// List returns the templates of a service (all of them for ""), sorted by
// service then event.
func (r *Registry) List(service string) []*Template {
	var out []*Template
	for _, t := range r.byName {
		if service == "" || strings.EqualFold(t.Service, service) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *Template) int {
		if c := strings.Compare(a.Service, b.Service); c != 0 {
			return c
		}
		return strings.Compare(a.Event, b.Event)
	})
	return out
}

// Services returns the services that have templates, sorted.
func (r *Registry) Services() []string {
	var out []string
	for _, t := range r.byName {
		if !slices.Contains(out, t.Service) {
			out = append(out, t.Service)
		}
	}
	slices.Sort(out)
	return out
}

func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer(":", " ", "/", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" :/-_\t", r) {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// DefaultTemplatesDir is where lambench keeps user templates, relative to
// the directory of lambench.toml.
const DefaultTemplatesDir = ".lambench/templates"

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// sidecarParam is a parameter's entry in a user template's <event>.params.json.
type sidecarParam struct {
	Default json.RawMessage `json:"default"`
	Help    string          `json:"help"`
	Kind    string          `json:"kind"`
}

// LoadDir adds the user templates of dir: each <dir>/<service>/<event>.json
// becomes the template "<service> <event>", replacing a built-in template
// of that name. A missing dir is no error. A bad template is left out and
// reported, with its file, line and column where known; the good ones are
// added all the same, and the errors are returned joined.
func (r *Registry) LoadDir(dir string) error {
	services, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read user templates: %w", err)
	}
	var errs []error
	for _, s := range services {
		if !s.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, s.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range files {
			name := f.Name()
			if f.IsDir() || !strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".params.json") {
				continue
			}
			t, err := loadUserTemplate(filepath.Join(dir, s.Name()), s.Name(), strings.TrimSuffix(name, ".json"))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			key := normName(t.Name())
			if r.builtin[key] {
				t.Overrides = true
				t.Description += " (overrides the built-in template)"
			}
			r.byName[key] = t
		}
	}
	return errors.Join(errs...)
}

func loadUserTemplate(dir, service, event string) (*Template, error) {
	path := filepath.Join(dir, event+".json")
	if !nameRE.MatchString(service) || !nameRE.MatchString(event) {
		return nil, fmt.Errorf("%s: template directories and files are named with lower-case letters, digits and -", path)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	prog, err := parseProgram(path, string(text))
	if err != nil {
		return nil, err
	}
	sidecar := map[string]sidecarParam{}
	sidecarPath := filepath.Join(dir, event+".params.json")
	if b, err := os.ReadFile(sidecarPath); err == nil {
		if err := json.Unmarshal(b, &sidecar); err != nil {
			return nil, fmt.Errorf("%s: %s", sidecarPath, describeJSONError(b, err))
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var params []Param
	declared := map[string]bool{}
	for _, f := range prog.fields {
		p := Param{Name: f, Kind: String}
		if prog.outside[f] {
			p.Kind, p.Default = JSON, "null"
		}
		if sc, ok := lookupSidecar(sidecar, f); ok {
			declared[normKey(f)] = true
			if sc.Kind != "" {
				k, err := ParseKind(sc.Kind)
				if err != nil {
					return nil, fmt.Errorf("%s: parameter %q: %v", sidecarPath, f, err)
				}
				p.Kind = k
			}
			p.Help = sc.Help
			if len(sc.Default) > 0 {
				var s string
				if json.Unmarshal(sc.Default, &s) == nil {
					p.Default = s
				} else {
					p.Default = string(sc.Default)
				}
			} else if p.Kind != JSON {
				p.Default = ""
			}
		}
		params = append(params, p)
	}
	if prog.hasRecords {
		p := Param{Name: "count", Default: "1", Kind: Int, Help: "records in the event"}
		if sc, ok := lookupSidecar(sidecar, "count"); ok {
			declared["count"] = true
			if len(sc.Default) > 0 {
				p.Default = strings.Trim(string(sc.Default), `"`)
			}
			if sc.Help != "" {
				p.Help = sc.Help
			}
		}
		params = append(params, p)
	}
	for name := range sidecar {
		if !declared[normKey(name)] {
			return nil, fmt.Errorf("%s: parameter %q is not used by %s (its parameters are %s)",
				sidecarPath, name, path, strings.Join(closest(name, prog.fields), ", "))
		}
	}
	t, err := newTemplate(service, event, "user template "+path, path, string(text), params, false)
	if err != nil {
		return nil, err
	}
	if _, err := t.Compile(nil, WithSeed(1)); err != nil {
		return nil, err
	}
	return t, nil
}

func lookupSidecar(m map[string]sidecarParam, field string) (sidecarParam, bool) {
	for k, v := range m {
		if normKey(k) == normKey(field) {
			return v, true
		}
	}
	return sidecarParam{}, false
}
