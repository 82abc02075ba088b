package profiles

import (
	"strings"
	"testing"
	"time"
)

func TestParseSuite(t *testing.T) {
	s, err := ParseSuite("suite.toml", []byte(`
name = "orders"
profile = "dev"
thresholds = ["errors<1%"]

[[scenario]]
name = "steady"
function = "orders"
event = "sqs receive-message"
set = { body = '{"id":"{{seq}}"}', count = "10" }
rate = 50
duration = "30s"
warmup = "5s"
memory = [256, 512]
thresholds = ["p99<800ms"]

[[scenario]]
function = "api"
payload_file = "events/get.json"
workers = 8
requests = 1000
profile = "local"
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "orders" || len(s.Scenarios) != 2 {
		t.Fatalf("%+v", s)
	}
	a, b := s.Scenarios[0], s.Scenarios[1]
	if a.Rate != 50 || a.Duration != 30*time.Second || a.Warmup != 5*time.Second || a.Set["count"] != "10" ||
		len(a.Memory) != 2 || a.Profile != "dev" || strings.Join(a.Thresholds, ";") != "errors<1%;p99<800ms" || a.Where != "suite.toml:6:3" {
		t.Errorf("first: %+v", a)
	}
	if b.Name != "api" || b.Workers != 8 || b.Requests != 1000 || b.Profile != "local" || !strings.HasSuffix(b.PayloadFile, "/events/get.json") {
		t.Errorf("second: %+v", b)
	}
	if err := s.Select([]string{"stedy"}); err == nil || !strings.Contains(err.Error(), `did you mean "steady"`) {
		t.Errorf("Select: %v", err)
	}
	if err := s.Select([]string{"api"}); err != nil || len(s.Scenarios) != 1 {
		t.Errorf("Select api: %v %d", err, len(s.Scenarios))
	}
}

func TestParseSuiteErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"", "no scenarios"},
		{"nam = \"x\"\n", `suite.toml:1:1: unknown key "nam" (did you mean "name"?)`},
		{"[[scenario]]\nfunction = \"f\"\nrat = 5\n", `suite.toml:3:1: unknown key "rat" in [[scenario]] (did you mean "rate"?)`},
		{"[[scenario]]\nname = \"a\"\nrate = 5\nduration = \"1s\"\n", `suite.toml:1:3: scenario "a": missing function`},
		{"[[scenario]]\nfunction = \"f\"\n", `no plan`},
		{"[[scenario]]\nfunction = \"f\"\nrate = 5\n", `add duration`},
		{"[[scenario]]\nfunction = \"f\"\nrate = 5\nworkers = 2\nduration = \"1s\"\n", `choose one of rate, ramp, steps, sine and workers`},
		{"[[scenario]]\nfunction = \"f\"\nsine = \"1..5/2s\"\n", `add duration`},
		{"[[scenario]]\nfunction = \"f\"\nrate = 5\nduration = \"10\"\n", `suite.toml:4:1: scenario "f": duration "10" is not a duration`},
		{"[[scenario]]\nfunction = \"f\"\nrate = 5\nduration = \"1s\"\nmemory = [64]\n", `suite.toml:5:1: scenario "f": memory 64 MB`},
		{"[[scenario]]\nfunction = \"f\"\nrate = 5\nduration = \"1s\"\n[[scenario]]\nfunction = \"f\"\nrate = 5\nduration = \"1s\"\n", `also scenario 1`},
		{"[[scenario]]\nfunction = \"f\"\nset = {a = \"b\"}\nrate = 5\nduration = \"1s\"\n", `add event = "SERVICE EVENT"`},
		{"[[scenario]]\nfunction = \"f\"\nrate = \"fast\"\n", `suite.toml:3:`},
	} {
		_, err := ParseSuite("suite.toml", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.doc, err, tc.want)
		}
	}
}
