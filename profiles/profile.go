package profiles

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/lambench/lambench/internal/suggest"
	"github.com/lambench/lambench/invoke"
)

// Profile says which target lambench talks to and how.
type Profile struct {
	// Name is the profile's name; "" for the built-in local default.
	Name string
	// Target is local (the built-in local Lambda, started for the command),
	// aws (the Lambda API of AWS or of an endpoint) or rie.
	Target invoke.Kind
	// Region is the AWS region; empty for the AWS profile's or SDK default.
	Region string
	// AWSProfile is the AWS shared-config profile.
	AWSProfile string
	// Endpoint overrides the Lambda (and CloudWatch Logs) endpoint.
	Endpoint string
	// Function is the one function of an rie target (RIE serves any name).
	Function string
	// Source says where the choice came from, for messages: "--profile",
	// "LAMBENCH_PROFILE", "default_profile", "the built-in default" or
	// "AWS profile".
	Source string
}

var targets = []string{string(invoke.Local), string(invoke.AWS), string(invoke.RIE)}

func (f *File) readProfiles(raw map[string]rawProfile) error {
	f.Profiles = map[string]Profile{}
	for name, rp := range raw {
		at := func(field string) string { return "profiles." + name + "." + field }
		p := Profile{Name: name, Target: invoke.Kind(rp.Target), Region: rp.Region, AWSProfile: rp.AWSProfile,
			Endpoint: rp.Endpoint, Function: rp.Function, Source: "lambench.toml"}
		if err := p.validate(); err != nil {
			var fe *profileError
			if errors.As(err, &fe) {
				return f.errorAt(at(fe.field), fmt.Sprintf("profile %q: %s", name, fe.msg))
			}
			return f.errorAt("profiles."+name, err.Error())
		}
		f.Profiles[name] = p
	}
	return nil
}

// profileError is a profile's mistake: msg says how to fix it in
// lambench.toml, flag (when different) how to fix it on the command line.
type profileError struct{ field, msg, flag string }

func (e *profileError) Error() string { return e.field + ": " + e.msg }

// flagMsg is the message for a profile whose target or endpoint came from
// flags.
func (e *profileError) flagMsg() string {
	if e.flag != "" {
		return e.flag
	}
	return e.msg
}

// validate checks a profile, whether from the file or from flags.
func (p Profile) validate() error {
	switch p.Target {
	case invoke.Local:
		if p.Endpoint != "" {
			return &profileError{"endpoint", `a local target starts its own local Lambda; to use a running lambench serve, set target = "aws" with its endpoint`,
				"a local target starts its own local Lambda; to use a running lambench serve, give --target aws --endpoint URL"}
		}
		if p.AWSProfile != "" {
			return &profileError{"aws_profile", "a local target uses no AWS credentials (functions get theirs with aws_profile in [[functions]])",
				"a local target uses no AWS credentials: drop --aws-profile, or give --target aws (functions get theirs with aws_profile in [[functions]])"}
		}
	case invoke.AWS:
	case invoke.RIE:
		if p.Endpoint == "" {
			return &profileError{"endpoint", "an rie target needs the emulator's endpoint, e.g. endpoint = \"http://127.0.0.1:8080\"",
				"an rie target needs the emulator's endpoint, e.g. --endpoint http://127.0.0.1:8080"}
		}
	case "":
		return &profileError{"target", `missing: set target = "local", "aws" or "rie"`, `missing: give --target local, aws or rie`}
	default:
		msg := fmt.Sprintf("unknown target %q (valid: %s)", p.Target, strings.Join(targets, ", "))
		if s := suggest.Closest(string(p.Target), targets); s != "" {
			msg = fmt.Sprintf("unknown target %q (did you mean %q?)", p.Target, s)
		}
		return &profileError{"target", msg, ""}
	}
	if p.Endpoint != "" && !strings.HasPrefix(p.Endpoint, "http://") && !strings.HasPrefix(p.Endpoint, "https://") {
		return &profileError{"endpoint", fmt.Sprintf("%q is not a URL: write it as http://HOST:PORT", p.Endpoint), ""}
	}
	return nil
}

// Selection is what chooses a profile for one command.
type Selection struct {
	// Flag is --profile.
	Flag string
	// Env is LAMBENCH_PROFILE.
	Env string
	// Overrides apply on top of the chosen profile (--target, --endpoint,
	// --region, --aws-profile).
	Target, Endpoint, Region, AWSProfile string
	// AWSProfileExists reports whether the AWS shared config has a profile
	// of that name: a --profile naming no lambench profile but an AWS one
	// means the aws target with that AWS profile. Nil means none has.
	AWSProfileExists func(name string) bool
	// AWSConfigFile names the AWS shared config file read, for messages
	// (AWS_CONFIG_FILE); empty means ~/.aws/config.
	AWSConfigFile string
}

// Select picks the profile for a command: --profile, then
// LAMBENCH_PROFILE, then default_profile, then the built-in local
// default; then applies the overrides. f may be nil (no lambench.toml).
func (f *File) Select(sel Selection) (Profile, error) {
	p, err := f.pick(sel)
	if err != nil {
		return Profile{}, err
	}
	if sel.Target != "" {
		if p.Target != invoke.Kind(sel.Target) {
			// A different target keeps only what the flags give.
			p = Profile{Name: p.Name, Source: p.Source}
		}
		p.Target = invoke.Kind(sel.Target)
	}
	if sel.Endpoint != "" {
		p.Endpoint = sel.Endpoint
		if p.Target == invoke.Local && sel.Target == "" {
			// An endpoint given to the local default means a running local
			// Lambda (or anything speaking the Lambda API).
			p.Target = invoke.AWS
		}
	}
	if sel.Region != "" {
		p.Region = sel.Region
	}
	if sel.AWSProfile != "" {
		p.AWSProfile = sel.AWSProfile
		if p.Target == invoke.Local && sel.Target == "" {
			p.Target = invoke.AWS
		}
	}
	if err := p.validate(); err != nil {
		var pe *profileError
		if errors.As(err, &pe) {
			msg := pe.msg
			if sel.Target != "" || sel.Endpoint != "" || sel.AWSProfile != "" {
				// What is wrong came with flags (a profile of the file
				// was checked when the file was read, with its position).
				msg = pe.flagMsg()
			}
			return Profile{}, fmt.Errorf("%s: %s", p.describe(), msg)
		}
		return Profile{}, err
	}
	return p, nil
}

func (p Profile) describe() string {
	if p.Name == "" {
		return "the " + string(p.Target) + " target"
	}
	return fmt.Sprintf("profile %q", p.Name)
}

func (f *File) pick(sel Selection) (Profile, error) {
	name, source := sel.Flag, "--profile"
	if name == "" {
		name, source = sel.Env, "LAMBENCH_PROFILE"
	}
	if name == "" && f != nil {
		name, source = f.DefaultProfile, "default_profile"
	}
	if name == "" {
		return Profile{Target: invoke.Local, Source: "the built-in default"}, nil
	}
	if f != nil {
		if p, ok := f.Profiles[name]; ok {
			p.Source = source
			return p, nil
		}
	}
	if sel.AWSProfileExists != nil && sel.AWSProfileExists(name) {
		return Profile{Name: name, Target: invoke.AWS, AWSProfile: name, Source: "AWS profile"}, nil
	}
	msg := fmt.Sprintf("%s names profile %q, which is neither in ", source, name)
	if f != nil {
		msg += f.display
	} else {
		msg += "a lambench.toml (there is none here)"
	}
	awsFile := sel.AWSConfigFile
	if awsFile == "" {
		awsFile = "~/.aws/config"
	}
	msg += " nor an AWS profile (" + awsFile + ")"
	if f != nil {
		msg += f.profileHint(name)
	}
	return Profile{}, errors.New(msg)
}

// profileHint suggests the closest profile, or lists them.
func (f *File) profileHint(name string) string {
	names := f.ProfileNames()
	if len(names) == 0 {
		return "; define it as [profiles." + name + "]"
	}
	if s := suggest.Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return "; profiles: " + strings.Join(names, ", ")
}

// ProfileNames lists the file's profiles in order.
func (f *File) ProfileNames() []string {
	if f == nil {
		return nil
	}
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// errorAt is an Error at the position of a key path such as
// "profiles.dev.target" (falling back to its table).
func (f *File) errorAt(path, msg string) error {
	for p := path; p != ""; {
		if at, ok := f.pos[p]; ok {
			return &Error{File: f.display, Line: at.line, Col: at.col, Msg: msg}
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return &Error{File: f.display, Msg: msg}
}
