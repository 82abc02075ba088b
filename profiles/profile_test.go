package profiles

import (
	"strings"
	"testing"

	"github.com/lambench/lambench/invoke"
)

const profilesDoc = `default_profile = "dev"

[profiles.dev]
target = "aws"
aws_profile = "dev"
region = "eu-west-1"

[profiles.stack]
target = "aws"
endpoint = "http://127.0.0.1:4566"

[profiles.emu]
target = "rie"
endpoint = "http://127.0.0.1:8080"
function = "hello"

[profiles.mine]
target = "local"
`

func TestSelectOrder(t *testing.T) {
	f, err := Parse("lambench.toml", []byte(profilesDoc))
	if err != nil {
		t.Fatal(err)
	}
	aws := func(name string) bool { return name == "sandbox" }
	cases := []struct {
		sel          Selection
		name, source string
		target       invoke.Kind
	}{
		{Selection{}, "dev", "default_profile", invoke.AWS},
		{Selection{Env: "stack"}, "stack", "LAMBENCH_PROFILE", invoke.AWS},
		{Selection{Flag: "emu", Env: "stack"}, "emu", "--profile", invoke.RIE},
		{Selection{Flag: "sandbox", AWSProfileExists: aws}, "sandbox", "AWS profile", invoke.AWS},
	}
	for _, tc := range cases {
		p, err := f.Select(tc.sel)
		if err != nil || p.Name != tc.name || p.Source != tc.source || p.Target != tc.target {
			t.Errorf("%+v: got %+v (%v)", tc.sel, p, err)
		}
	}
	if p, _ := f.Select(Selection{Flag: "sandbox", AWSProfileExists: aws}); p.AWSProfile != "sandbox" {
		t.Errorf("an AWS profile selected by --profile: %+v", p)
	}
	// No file: the built-in local default.
	var none *File
	if p, err := none.Select(Selection{}); err != nil || p.Target != invoke.Local || p.Source != "the built-in default" {
		t.Errorf("no file: %+v %v", p, err)
	}
}

func TestSelectOverrides(t *testing.T) {
	f, _ := Parse("lambench.toml", []byte(profilesDoc))
	p, err := f.Select(Selection{Flag: "dev", Region: "us-west-2", Endpoint: "http://127.0.0.1:9001"})
	if err != nil || p.Region != "us-west-2" || p.Endpoint != "http://127.0.0.1:9001" || p.AWSProfile != "dev" {
		t.Errorf("overrides on dev: %+v %v", p, err)
	}
	var none *File
	p, err = none.Select(Selection{Endpoint: "http://127.0.0.1:9001"})
	if err != nil || p.Target != invoke.AWS || p.Endpoint != "http://127.0.0.1:9001" {
		t.Errorf("--endpoint on the local default means a running Lambda API: %+v %v", p, err)
	}
	p, err = none.Select(Selection{Target: "rie", Endpoint: "http://127.0.0.1:8080"})
	if err != nil || p.Target != invoke.RIE {
		t.Errorf("--target rie: %+v %v", p, err)
	}
	if _, err := none.Select(Selection{Target: "rie"}); err == nil || !strings.Contains(err.Error(), "needs the emulator's endpoint") {
		t.Errorf("rie without endpoint: %v", err)
	}
	if _, err := none.Select(Selection{Target: "lokal"}); err == nil || !strings.Contains(err.Error(), `did you mean "local"?`) {
		t.Errorf("a mistyped target: %v", err)
	}
}

func TestUnknownProfile(t *testing.T) {
	f, _ := Parse("lambench.toml", []byte(profilesDoc))
	_, err := f.Select(Selection{Flag: "stak"})
	if err == nil || !strings.Contains(err.Error(), `--profile names profile "stak", which is neither in lambench.toml nor an AWS profile`) ||
		!strings.Contains(err.Error(), `did you mean "stack"?`) {
		t.Errorf("got %v", err)
	}
}

func TestProfileErrorsPointAtTheMistake(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown key", "[profiles.a]\ntarget = \"aws\"\nregoin = \"x\"\n", `lambench.toml:3:1: unknown key "regoin" in [profiles.a] (did you mean "region"?)`},
		{"bad target", "[profiles.a]\ntarget = \"amazon\"\n", `lambench.toml:2:1: profile "a": unknown target "amazon" (valid: local, aws, rie)`},
		{"rie endpoint", "[profiles.a]\ntarget = \"rie\"\n", `lambench.toml:1:2: profile "a": an rie target needs the emulator's endpoint`},
		{"local endpoint", "[profiles.a]\ntarget = \"local\"\nendpoint = \"http://x:1\"\n", `lambench.toml:3:1: profile "a": a local target starts its own local Lambda`},
		{"endpoint url", "[profiles.a]\ntarget = \"aws\"\nendpoint = \"localhost:4566\"\n", `lambench.toml:3:1: profile "a": "localhost:4566" is not a URL`},
		{"default", "default_profile = \"prod\"\n[profiles.prd]\ntarget = \"aws\"\n", `lambench.toml:1:1: default_profile "prod" names no [profiles.NAME] table (did you mean "prd"?)`},
	} {
		_, err := Parse("lambench.toml", []byte(tc.doc))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s:\ngot  %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// TestFlagErrorsSayTheFlags: a mistake made with flags is explained with
// flags, not with lambench.toml's keys; the file's own keep its wording
// and position.
func TestFlagErrorsSayTheFlags(t *testing.T) {
	var none *File
	for _, tc := range []struct {
		sel       Selection
		want, not string
	}{
		{Selection{Target: "local", Endpoint: "http://127.0.0.1:9403"}, "--target aws --endpoint URL", `target = "aws"`},
		{Selection{Target: "rie"}, "e.g. --endpoint http://127.0.0.1:8080", `endpoint = "`},
		{Selection{Target: "local", AWSProfile: "dev"}, "drop --aws-profile", "[[functions]]\x00"},
	} {
		_, err := none.Select(tc.sel)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), tc.not) {
			t.Errorf("%+v: got %v, want %q", tc.sel, err, tc.want)
		}
	}
	_, err := Parse("lambench.toml", []byte("[profiles.e]\ntarget = \"rie\"\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "lambench.toml:1:2:") || !strings.Contains(err.Error(), `e.g. endpoint = "http://127.0.0.1:8080"`) {
		t.Errorf("file: %v", err)
	}
}
