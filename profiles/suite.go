package profiles

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/lambench/lambench/internal/suggest"
)

// Suite is a scripted benchmark (lambench bench suite.toml): scenarios
// run in order, each with its own function, event, plan, memory sizes and
// thresholds.
//
//	name = "orders"
//	profile = "dev"                      # optional: the target of every scenario
//	thresholds = ["errors<1%"]           # optional: for every scenario
//
//	[[scenario]]
//	name = "steady"
//	function = "orders"
//	event = "sqs receive-message"
//	set = { body = '{"id":"{{seq}}"}', count = "10" }
//	rate = 50
//	duration = "30s"
//	memory = [256, 512, 1024]
//	thresholds = ["p99<800ms", "cold_p50<300ms"]
type Suite struct {
	// Path is the file's absolute path; Dir its directory.
	Path, Dir string
	// Name names the suite (the file's base name by default).
	Name string
	// Profile is the profile every scenario uses unless it names its own.
	Profile string
	// Thresholds apply to every scenario, before the scenario's own.
	Thresholds []string
	// Scenarios in the order written.
	Scenarios []Scenario

	display string
	pos     map[string]position
}

// Scenario is one load test of a suite.
type Scenario struct {
	// Name identifies the scenario (its reports' directory).
	Name string
	// Function is the function's name.
	Function string
	// Profile overrides the suite's profile.
	Profile string
	// Qualifier is a version or alias.
	Qualifier string
	// The event: a template with values, a payload, a payload file
	// (relative to the suite), or a saved event.
	Event       string
	Set         map[string]string
	Payload     string
	PayloadFile string
	Saved       string
	// The plan: Rate (constant), Ramp ("1..100"), Steps ("10/s for 30s,
	// 50/s for 30s"), Sine ("10..50/1m") or Workers; bounded by Duration
	// and/or Requests.
	Rate           float64
	Ramp           string
	Steps          string
	Sine           string
	Workers        int
	Duration       time.Duration
	Requests       uint64
	Warmup         time.Duration
	WarmupRequests uint64
	// Memory sizes to sweep; ColdOnly forces a cold start per request.
	Memory   []int
	ColdOnly bool
	// Strategy of the recommendation (cost, speed, balanced).
	Strategy string
	// Thresholds: the suite's, then the scenario's.
	Thresholds []string
	// Seed makes per-request values repeatable.
	Seed uint64

	// Where is the scenario's position, for errors found later
	// (an unknown template, a bad threshold): "suite.toml:12:1".
	Where string
}

type rawSuite struct {
	Name       string        `toml:"name"`
	Profile    string        `toml:"profile"`
	Thresholds []string      `toml:"thresholds"`
	Scenario   []rawScenario `toml:"scenario"`
}

type rawScenario struct {
	Name           string            `toml:"name"`
	Function       string            `toml:"function"`
	Profile        string            `toml:"profile"`
	Qualifier      string            `toml:"qualifier"`
	Event          string            `toml:"event"`
	Set            map[string]string `toml:"set"`
	Payload        string            `toml:"payload"`
	PayloadFile    string            `toml:"payload_file"`
	Saved          string            `toml:"saved"`
	Rate           float64           `toml:"rate"`
	Ramp           string            `toml:"ramp"`
	Steps          string            `toml:"steps"`
	Sine           string            `toml:"sine"`
	Workers        int               `toml:"workers"`
	Duration       string            `toml:"duration"`
	Requests       uint64            `toml:"requests"`
	Warmup         string            `toml:"warmup"`
	WarmupRequests uint64            `toml:"warmup_requests"`
	Memory         []int             `toml:"memory"`
	ColdOnly       bool              `toml:"cold_only"`
	Strategy       string            `toml:"strategy"`
	Thresholds     []string          `toml:"thresholds"`
	Seed           uint64            `toml:"seed"`
}

func init() {
	keys["suite"] = []string{"name", "profile", "thresholds", "scenario"}
	keys["scenario"] = []string{"name", "function", "profile", "qualifier", "event", "set", "payload", "payload_file", "saved",
		"rate", "ramp", "steps", "workers", "duration", "requests", "warmup", "warmup_requests", "memory", "cold_only",
		"strategy", "thresholds", "seed"}
}

// LoadSuite reads and checks a suite file.
func LoadSuite(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the suite: %w", err)
	}
	return ParseSuite(path, data)
}

// ParseSuite checks a suite read from path. Errors are located at
// file:line:col.
func ParseSuite(path string, data []byte) (*Suite, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	pos, err := index(data)
	if err != nil {
		return nil, parserError(path, data, err)
	}
	var raw rawSuite
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, decodeError(path, err, "suite")
	}
	s := &Suite{Path: abs, Dir: filepath.Dir(abs), Name: raw.Name, Profile: raw.Profile, Thresholds: raw.Thresholds, display: path, pos: pos}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if len(raw.Scenario) == 0 {
		return nil, &Error{File: path, Msg: "no scenarios: add one as [[scenario]] with name, function, event and a plan (rate and duration)"}
	}
	seen := map[string]int{}
	for i, rs := range raw.Scenario {
		sc, err := s.scenario(i, rs)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[sc.Name]; dup {
			return nil, s.errorAt(fmt.Sprintf("scenario[%d].name", i), fmt.Sprintf("scenario %q is also scenario %d: names must differ (they name the reports)", sc.Name, j+1))
		}
		seen[sc.Name] = i
		s.Scenarios = append(s.Scenarios, sc)
	}
	return s, nil
}

func (s *Suite) errorAt(path, msg string) error {
	f := &File{display: s.display, pos: s.pos}
	return f.errorAt(path, msg)
}

// Names lists the scenarios' names.
func (s *Suite) Names() []string {
	out := make([]string, len(s.Scenarios))
	for i, sc := range s.Scenarios {
		out[i] = sc.Name
	}
	return out
}

// Select keeps the named scenarios (all when names is empty).
func (s *Suite) Select(names []string) error {
	if len(names) == 0 {
		return nil
	}
	var keep []Scenario
	for _, n := range names {
		found := false
		for _, sc := range s.Scenarios {
			if sc.Name == n {
				keep, found = append(keep, sc), true
			}
		}
		if !found {
			msg := fmt.Sprintf("%s has no scenario %q", s.display, n)
			if c := suggest.Closest(n, s.Names()); c != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", c)
			}
			return fmt.Errorf("%s; scenarios: %s", msg, strings.Join(s.Names(), ", "))
		}
	}
	s.Scenarios = keep
	return nil
}

func (s *Suite) scenario(i int, rs rawScenario) (Scenario, error) {
	at := func(field string) string { return fmt.Sprintf("scenario[%d].%s", i, field) }
	where := s.display
	if p, ok := s.pos[fmt.Sprintf("scenario[%d]", i)]; ok {
		where = fmt.Sprintf("%s:%d:%d", s.display, p.line, p.col)
	}
	sc := Scenario{Name: rs.Name, Function: rs.Function, Profile: rs.Profile, Qualifier: rs.Qualifier,
		Event: rs.Event, Set: rs.Set, Payload: rs.Payload, Saved: rs.Saved,
		Rate: rs.Rate, Ramp: rs.Ramp, Steps: rs.Steps, Sine: rs.Sine, Workers: rs.Workers, Requests: rs.Requests, WarmupRequests: rs.WarmupRequests,
		Memory: rs.Memory, ColdOnly: rs.ColdOnly, Strategy: rs.Strategy, Seed: rs.Seed,
		Thresholds: append(append([]string(nil), s.Thresholds...), rs.Thresholds...), Where: where}
	if sc.Profile == "" {
		sc.Profile = s.Profile
	}
	if sc.Name == "" {
		sc.Name = fmt.Sprintf("scenario-%d", i+1)
		if rs.Function != "" {
			sc.Name = rs.Function
		}
	}
	if rs.Function == "" {
		return sc, s.errorAt(fmt.Sprintf("scenario[%d]", i), fmt.Sprintf("scenario %q: missing function", sc.Name))
	}
	if rs.PayloadFile != "" {
		sc.PayloadFile = rs.PayloadFile
		if !filepath.IsAbs(sc.PayloadFile) {
			sc.PayloadFile = filepath.Join(s.Dir, sc.PayloadFile)
		}
	}
	sources := 0
	for _, v := range []string{rs.Event, rs.Payload, rs.PayloadFile, rs.Saved} {
		if v != "" {
			sources++
		}
	}
	if sources > 1 {
		return sc, s.errorAt(at("event"), fmt.Sprintf("scenario %q: give one of event, payload, payload_file and saved", sc.Name))
	}
	if len(rs.Set) > 0 && rs.Event == "" {
		return sc, s.errorAt(at("set"), fmt.Sprintf("scenario %q: set gives a template's parameters: add event = \"SERVICE EVENT\"", sc.Name))
	}
	for field, v := range map[string]string{"duration": rs.Duration, "warmup": rs.Warmup} {
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return sc, s.errorAt(at(field), fmt.Sprintf("scenario %q: %s %q is not a duration such as 30s or 2m", sc.Name, field, v))
		}
		if field == "duration" {
			sc.Duration = d
		} else {
			sc.Warmup = d
		}
	}
	plans := 0
	for _, set := range []bool{rs.Rate > 0, rs.Ramp != "", rs.Steps != "", rs.Sine != "", rs.Workers > 0} {
		if set {
			plans++
		}
	}
	switch {
	case plans == 0:
		return sc, s.errorAt(fmt.Sprintf("scenario[%d]", i), fmt.Sprintf("scenario %q: no plan: set rate (with duration or requests), ramp, steps, sine or workers", sc.Name))
	case plans > 1:
		return sc, s.errorAt(at("rate"), fmt.Sprintf("scenario %q: choose one of rate, ramp, steps, sine and workers", sc.Name))
	case (rs.Rate > 0 || rs.Ramp != "" || rs.Sine != "" || rs.Workers > 0) && sc.Duration == 0 && sc.Requests == 0:
		return sc, s.errorAt(fmt.Sprintf("scenario[%d]", i), fmt.Sprintf("scenario %q: add duration (e.g. \"30s\") or requests", sc.Name))
	}
	for j, m := range rs.Memory {
		if m < 128 || m > 10240 {
			return sc, s.errorAt(at("memory"), fmt.Sprintf("scenario %q: memory %d MB (entry %d) is outside Lambda's 128-10240 MB", sc.Name, m, j+1))
		}
	}
	return sc, nil
}
