package events

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// validForKind reports whether v is a value of kind k as a user would
// write it, without placeholders.
func validForKind(k Kind, v string) bool {
	if strings.Contains(v, "{{") || !utf8.ValidString(v) {
		return false
	}
	switch k {
	case Int:
		_, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return err == nil
	case Bool:
		_, err := strconv.ParseBool(strings.TrimSpace(v))
		return err == nil
	case JSON:
		return json.Valid([]byte(v))
	}
	return true
}

// FuzzRender renders every built-in template with arbitrary values for
// two of its parameters (placeholders included): no panic; errors are
// errors naming the parameter; what renders is valid JSON (UTF-8 when the
// values are), for request 1 and for request n; and values valid for
// their kinds never make a template produce something that is not JSON.
func FuzzRender(f *testing.F) {
	f.Add(uint16(0), uint8(0), "hello", uint8(1), "world", uint64(7))
	f.Add(uint16(1), uint8(0), `{"a": {{seq}}}`, uint8(2), "{{uuid}}", uint64(1))
	f.Add(uint16(2), uint8(0), "3", uint8(3), "true", uint64(2))
	f.Add(uint16(3), uint8(1), `"\u00e9 \"q\" \\ </script>`+"\x00\t\n", uint8(0), "{{random 1 9}}", uint64(3))
	f.Add(uint16(4), uint8(2), `{{choice a|b|"c"}}`, uint8(1), "{{hex 8}}", uint64(4))
	f.Add(uint16(5), uint8(0), `{{now}}`, uint8(4), `{{"{{"}}`, uint64(5))
	f.Add(uint16(6), uint8(3), "[1,2,{\"k\":null}]", uint8(5), "-9223372036854775808", uint64(6))
	f.Add(uint16(7), uint8(0), "{{", uint8(1), "}}{{seq", uint64(0))
	f.Add(uint16(8), uint8(0), "10000", uint8(1), "0", uint64(1<<63))
	f.Add(uint16(9), uint8(0), "a/b c+d%2F?.txt", uint8(1), "\xff\xfe", uint64(9))
	templates := List("")
	clock := func() time.Time { return time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, ti uint16, p1 uint8, v1 string, p2 uint8, v2 string, n uint64) {
		tmpl := templates[int(ti)%len(templates)]
		if len(tmpl.Params) == 0 {
			return
		}
		a, b := tmpl.Params[int(p1)%len(tmpl.Params)], tmpl.Params[int(p2)%len(tmpl.Params)]
		values := map[string]string{a.Name: v1}
		if b.Name != a.Name {
			values[b.Name] = v2
		} else {
			v2 = v1
		}
		// A count of records costs time in proportion: keep it small.
		for _, p := range []Param{a, b} {
			if normKey(p.Name) == "count" {
				if c, err := strconv.Atoi(strings.TrimSpace(values[p.Name])); err == nil && c > 100 {
					return
				}
			}
		}
		r, err := tmpl.Compile(values, WithSeed(uint64(n)), WithClock(clock))
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				if validForKind(a.Kind, v1) && validForKind(b.Kind, v2) {
					t.Fatalf("%s with %s=%q %s=%q (values valid for their kinds): %T %v", tmpl.Name(), a.Name, v1, b.Name, v2, err, err)
				}
				var ue *UnknownParamError
				if errors.As(err, &ue) {
					t.Fatalf("%s: its own parameter is unknown: %v", tmpl.Name(), err)
				}
			}
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		valuesUTF8 := utf8.ValidString(v1) && utf8.ValidString(v2)
		for _, req := range []uint64{1, n} {
			out, err := r.Render(nil, req)
			if err != nil {
				t.Fatalf("%s: compiled, then request %d failed: %v", tmpl.Name(), req, err)
			}
			if !json.Valid(out) {
				t.Fatalf("%s with %q=%q %q=%q: request %d is not JSON:\n%s", tmpl.Name(), a.Name, v1, b.Name, v2, req, out)
			}
			if valuesUTF8 && !utf8.Valid(out) {
				t.Fatalf("%s with %q=%q %q=%q: request %d is not UTF-8:\n%q", tmpl.Name(), a.Name, v1, b.Name, v2, req, out)
			}
		}
		out, err := tmpl.Render(values)
		if err != nil {
			t.Fatalf("%s: Compile succeeded, Render failed: %v", tmpl.Name(), err)
		}
		if !json.Valid(out) {
			t.Fatalf("%s: Render made invalid JSON:\n%s", tmpl.Name(), out)
		}
	})
}
