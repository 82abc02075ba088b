package logsapi

import (
	"strings"
	"testing"
)

func TestPatternMatches(t *testing.T) {
	errorLines := []string{
		"[ERROR 400] BAD REQUEST",
		"[ERROR 401] UNAUTHORIZED REQUEST",
		"[ERROR 419] MISSING ARGUMENTS",
		"[ERROR 420] INVALID ARGUMENTS",
		"[ERROR 500] INTERNAL SERVER ERROR",
	}
	type row struct {
		pattern string
		msg     string
		want    bool
	}
	rows := []row{
		// AWS's examples for unstructured events.
		{"ERROR", "[ERROR] A fatal exception has occurred", true},
		{"ERROR", "Exiting with ERRORCODE: -1", true},
		{"ERROR -Exiting", "Exiting with ERRORCODE: -1", false},
		{"ERROR -Exiting", "[ERROR] A fatal exception has occurred", true},
		{"ERROR Exception", "[ERROR] Caught IllegalArgumentException", true},
		{"ERROR Exception", "[ERROR] Unhandled Exception", true},
		{"ERROR Exception", "[ERROR] A fatal exception has occurred", false}, // case-sensitive
		{`"Failed to process the request"`, "[WARN] Failed to process the request", true},
		{`"Failed to process the request"`, "[ERROR] Unable to continue: Failed to process the request", true},
		{`"Failed to process the request"`, "Failed to process a request", false},
		{`"INTERNAL SERVER ERROR"`, "[ERROR 500] INTERNAL SERVER ERROR", true},
		{`"INTERNAL SERVER ERROR"`, "[ERROR 500] INTERNAL SERVER", false},
		{"ERROR ARGUMENTS", errorLines[2], true},
		{"ERROR ARGUMENTS", errorLines[0], false},
		{"?ERROR ?ARGUMENTS", "ARGUMENTS IS THE ONLY KEYWORD IN LOG", true},
		{"?ERROR ?ARGUMENTS", "nothing here", false},
		{"?BAD ?INVALID", errorLines[0], true},
		{"?BAD ?INVALID", errorLines[1], false},
		{`?"clean up" ?xyz`, "xyz will do clean up", true},
		{`?"clean up" ?xyz`, "map is cleaned up", false},
		{"ERROR -ARGUMENTS", errorLines[3], false},
		{"ERROR -ARGUMENTS", errorLines[1], true},
		// Terms and phrases are substrings, case-sensitive, in any order.
		{"error", "[ERROR] x", false},
		{"REQUEST BAD", errorLines[0], true},
		{`"BAD REQUEST"`, errorLines[0], true},
		{`"REQUEST BAD"`, errorLines[0], false},
		{`"ERROR][grpc"`, "2025-03-28 [ERROR][grpc] failed", true},
		{`"ERROR][grpc"`, "[ERROR] [grpc]", false},
		{`"user@example.com"`, "login user@example.com ok", true},
		{`"say \"hi\""`, `they say "hi" twice`, true},
		{`"back\\slash"`, `a back\slash`, true},
		{`"a  b"`, "a b", false},
		// Mixed kinds: all plain terms, any ?term, no -term.
		{"START ?hello ?bye -REPORT", "START hello", true},
		{"START ?hello ?bye -REPORT", "START nothing", false},
		{"START ?hello ?bye -REPORT", "START bye REPORT", false},
		{`-"Init Duration"`, "REPORT Duration: 1 ms", true},
		{`-"Init Duration"`, "REPORT Init Duration: 1 ms", false},
		// Match everything.
		{"", "anything", true},
		{"   ", "anything", true},
		{`" "`, "nospace", true},
		{`""`, "", true},
		{"日本", "こんにちは日本", true},
		// Regex.
		{"%AUTHORIZED%", "[SUCCESS 200] AUTHORIZED REQUEST", true},
		{"%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", true},
		{"%^[hc]at%", "hat trick", true},
		{"%^[hc]at%", "a cat", false},
		{`%10\.10\.0\.1%`, "from 10.10.0.1", true},
		{`%10\.10\.0\.1%`, "from 10.10.0.11", true},
		{`%10\.10\.0\.1%`, "from 10a10.0.1", false},
		{"%colou?r%", "the color", true},
		{"ERROR %[0-9]{3}%", "[ERROR 500]", true},
		// JSON patterns.
		{`{ $.level = "ERROR" }`, `{"level":"ERROR","msg":"x"}`, true},
		{`{ $.level = "ERROR" }`, `{"level":"INFO"}`, false},
		{`{ $.level = "ERROR" }`, `level ERROR`, false},
		{`{$.level="ERROR"}`, `  {"level":"ERROR"}`, true},
		{`{ $.level != "ERROR" }`, `{"level":"INFO"}`, true},
		{`{ $.level != "ERROR" }`, `{"other":1}`, false},
		{`{ $.level = ERROR }`, `{"level":"ERROR"}`, true},
		{`{ $.eventName = "Describe*" }`, `{"eventName":"DescribeInstances"}`, true},
		{`{ $.eventName = "*Instances" }`, `{"eventName":"DescribeInstances"}`, true},
		{`{ $.eventName = "*Volumes" }`, `{"eventName":"DescribeInstances"}`, false},
		{`{ $.sourceIPAddress != 123.123.* }`, `{"sourceIPAddress":"10.0.0.1"}`, true},
		{`{ $.sourceIPAddress != 123.123.* }`, `{"sourceIPAddress":"123.123.4.5"}`, false},
		{`{ $.latency > 100 }`, `{"latency":150}`, true},
		{`{ $.latency > 100 }`, `{"latency":100}`, false},
		{`{ $.latency >= 100 }`, `{"latency":100.0}`, true},
		{`{ $.latency < 100 }`, `{"latency":"50"}`, false},
		{`{ $.latency <= -1.5 }`, `{"latency":-2}`, true},
		{`{ $.user.id = 1 }`, `{"user":{"id":1}}`, true},
		{`{ $.user.id = 1 }`, `{"user":{"id":1.0}}`, true},
		{`{ $.user.id = 1 }`, `{"user":{"id":2}}`, false},
		{`{ $.code = 200 }`, `{"code":"200"}`, true},
		{`{ $.arrayKey[0] = "value" }`, `{"arrayKey":["value","x"]}`, true},
		{`{ $.objectList[1].id = 2 }`, `{"objectList":[{"id":1},{"id":2}]}`, true},
		{`{ $.coordinates[0][1] = 330 }`, `{"coordinates":[[332,330],[1,2]]}`, true},
		{`{ $.objectList[5].id = 2 }`, `{"objectList":[{"id":1}]}`, false},
		{`{ $.SomeObject IS NULL }`, `{"SomeObject":null}`, true},
		{`{ $.SomeObject IS NULL }`, `{}`, false},
		{`{ $.SomeOtherObject NOT EXISTS }`, `{"SomeObject":null}`, true},
		{`{ $.SomeObject NOT EXISTS }`, `{"SomeObject":null}`, false},
		{`{ $.ThisFlag IS TRUE }`, `{"ThisFlag":true}`, true},
		{`{ $.ThisFlag IS FALSE }`, `{"ThisFlag":true}`, false},
		{`{ $.ThisFlag = true }`, `{"ThisFlag":true}`, true},
		{`{ $.field = * }`, `{"field":"x"}`, true},
		{`{ $.field = "*" }`, `{"other":"x"}`, false},
		{`{ $.email = %@example\.com$% }`, `{"email":"jo@example.com"}`, true},
		{`{ $.email != %@example\.com$% }`, `{"email":"jo@example.com"}`, false},
		{`{ $.detail-type = "Scheduled Event" }`, `{"detail-type":"Scheduled Event"}`, true},
		{`{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`,
			`{"user":{"id":2},"users":[{"email":"a"}],"actions":["PUT","POST","GET"]}`, true},
		{`{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`,
			`{"user":{"id":1},"users":[{"email":"John.Doe@example.com"}]}`, true},
		// && and || have equal precedence, left to right, as CloudWatch
		// documents: (true || false) && false.
		{`{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`,
			`{"user":{"email":"John.Stiles@example.com"},"coordinates":[[0,1]],"actions":["a","b","c"]}`, false},
		{`{ $.a = 1 || ($.b = 2 && $.c = 3) }`, `{"a":1,"b":0}`, true},
		{`{ $.a = 1 }`, `{"a":1} trailing`, true},
		{`{ $.a = 1 }`, `{"a":`, false},
	}
	for _, r := range rows {
		p, err := ParsePattern(r.pattern)
		if err != nil {
			t.Errorf("ParsePattern(%s): %v", r.pattern, err)
			continue
		}
		if got := p.Match(r.msg); got != r.want {
			t.Errorf("pattern %s on %q = %v, want %v", r.pattern, r.msg, got, r.want)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	rows := []struct{ pattern, want string }{
		{"user@example.com", "Invalid character(s) in term '@.'"},
		{"?Status: timeout", "Invalid character(s) in term ':'"},
		{"foo-bar", "Invalid character(s) in term '-'"},
		{"ERROR*", "Invalid character(s) in term '*'"},
		{`"unclosed phrase`, "is not closed"},
		{`"a"b`, "Invalid character(s) in term 'b'"},
		{"?", "Invalid character(s) in term '?'"},
		{"ERROR -", "Invalid character(s) in term '-'"},
		{"%something!%", "Invalid character(s) in term '!'"},
		{"%(a|b)%", "Invalid character(s) in term '()'"},
		{"%abc", "not closed"},
		{"%a% %b% %c%", "at most 2 regular expressions"},
		{"%a[%", "invalid regular expression"},
		{`{ $.level = "ERROR"`, "If a filter pattern starts with '{' it must end with '}'"},
		{`{ }`, "holds no condition"},
		{`{ $.a = }`, "expected a value"},
		{`{ $.a }`, "expected an operator"},
		{`{ $.a > "x" }`, "compares numbers"},
		{`{ $.a > abc }`, "compares numbers"},
		{`{ $.a = 1 && }`, "expected a condition"},
		{`{ ($.a = 1 }`, "expected ')'"},
		{`{ $.a = 1 $.b = 2 }`, "expected && or ||"},
		{`{ $."sc-status" = 5 }`, `Invalid character(s) in term '$."'`},
		{`{ $.a IS MAYBE }`, "unknown test"},
		{`{ $..a = 1 }`, "invalid selector"},
		{`{ a = 1 }`, "expected a selector"},
		{`[ip, user, status = 404]`, "space-delimited"},
	}
	for _, r := range rows {
		_, err := ParsePattern(r.pattern)
		if err == nil {
			t.Errorf("ParsePattern(%s) accepted", r.pattern)
			continue
		}
		if _, ok := err.(*PatternError); !ok || !strings.Contains(err.Error(), r.want) {
			t.Errorf("ParsePattern(%s) = %v, want an error with %q", r.pattern, err, r.want)
		}
	}
}

func TestNilPatternMatchesAll(t *testing.T) {
	var p *Pattern
	if !p.Match("x") || !p.MatchesAll() || p.String() != "" {
		t.Error("nil pattern")
	}
	p, _ = ParsePattern("  ")
	if !p.MatchesAll() {
		t.Error("blank pattern")
	}
	p, _ = ParsePattern("x")
	if p.MatchesAll() || p.String() != "x" {
		t.Error("x matches all")
	}
}

func BenchmarkPatternTerms(b *testing.B) {
	p, _ := ParsePattern(`"RequestId: 42" ?ERROR ?WARN -DEBUG`)
	msg := "2026-01-01T00:00:00.000Z\tb6f1c3a2-6c1f-4d7b-9a0e-000000000000\tINFO\tserved request 1234 in 5 ms RequestId: 43"
	for b.Loop() {
		p.Match(msg)
	}
}

func BenchmarkPatternJSON(b *testing.B) {
	p, _ := ParsePattern(`{ $.level = "ERROR" && $.latency > 100 }`)
	msg := `{"level":"INFO","latency":12,"msg":"served request 1234","requestId":"b6f1c3a2-6c1f-4d7b-9a0e-000000000000"}`
	for b.Loop() {
		p.Match(msg)
	}
}
