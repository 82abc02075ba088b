package events

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUserTemplates(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "orders", "created.json"), `{
  "id": "{{ .order_id }}",
  "quantity": {{ .quantity }},
  "customer": {{ .customer }},
  "digest": "{{ md5 .order_id }}",
  "items": [{{ range .records }}
    {"sku": "{{ .sku }}", "line": {{ recno }}}{{ end }}
  ]
}
`)
	writeFile(t, filepath.Join(dir, "orders", "created.params.json"), `{
  "order_id": {"default": "o-1", "help": "order id"},
  "quantity": {"default": 2, "kind": "int", "help": "how many"},
  "customer": {"default": {"name": "Ann"}},
  "count": {"default": "2"}
}`)
	writeFile(t, filepath.Join(dir, "sqs", "receive-message.json"), `{"Records": [{"body": "{{.body}}", "messageId": "{{uuid}}"}]}`)
	r := NewRegistry()
	if err := r.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	tmpl, err := r.Lookup("Orders:Created")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range tmpl.Params {
		names = append(names, p.Name+"="+p.Default+":"+p.Kind.String())
	}
	if got := strings.Join(names, " "); got != `order_id=o-1:string quantity=2:int customer={"name": "Ann"}:json sku=:string count=2:int` {
		t.Errorf("parameters %s", got)
	}
	if p, _ := tmpl.Param("order-id"); p.Help != "order id" {
		t.Errorf("help %q", p.Help)
	}
	out, err := tmpl.Render(map[string]string{"order-id": `o-"2"`, "quantity": "5", "sku": "A1", "count": "3"})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID       string
		Quantity int
		Customer struct{ Name string }
		Digest   string
		Items    []struct {
			SKU  string
			Line int
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.ID != `o-"2"` || got.Quantity != 5 || got.Customer.Name != "Ann" || len(got.Items) != 3 || got.Items[2].Line != 2 || got.Items[0].SKU != "A1" || len(got.Digest) != 32 {
		t.Errorf("rendered %+v", got)
	}
	if _, err := tmpl.Render(map[string]string{"quantity": "many"}); err == nil || !strings.Contains(err.Error(), "quantity") {
		t.Errorf("bad int: %v", err)
	}

	// A user template replaces the built-in one of its name, and says so.
	sqs, err := r.Lookup("sqs receive-message")
	if err != nil {
		t.Fatal(err)
	}
	if !sqs.Overrides || !strings.Contains(sqs.Description, "overrides") || sqs.Source != filepath.Join(dir, "sqs", "receive-message.json") {
		t.Errorf("override: %+v", sqs)
	}
	var ev lambdaevents.SQSEvent
	out, _ = sqs.Render(map[string]string{"body": "x"})
	if err := json.Unmarshal(out, &ev); err != nil || ev.Records[0].Body != "x" {
		t.Errorf("override render: %v %s", err, out)
	}
	// The package's registry is not changed.
	if builtin, _ := Lookup("sqs receive-message"); builtin.Overrides {
		t.Error("LoadDir changed the built-in registry")
	}
	found := false
	for _, tm := range r.List("orders") {
		found = found || tm.Name() == "orders created"
	}
	if !found {
		t.Error("List(orders) misses orders created")
	}
}

func TestBadUserTemplatesSayWhere(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good", "one.json"), `{"a": "{{.a}}"}`)
	writeFile(t, filepath.Join(dir, "bad", "unclosed.json"), "{\n  \"a\": {{.a}\n}")
	writeFile(t, filepath.Join(dir, "bad", "json.json"), "{\n  \"a\": \"{{.a}}\",\n  \"b\": [1,, 2]\n}")
	writeFile(t, filepath.Join(dir, "bad", "func.json"), "{\n  \"a\": \"{{nosuch .a}}\"\n}")
	writeFile(t, filepath.Join(dir, "bad", "sidecar.json"), `{"a": "{{.a}}"}`)
	writeFile(t, filepath.Join(dir, "bad", "sidecar.params.json"), `{"aa": {"default": "x"}}`)
	writeFile(t, filepath.Join(dir, "bad", "kind.json"), `{"a": "{{.a}}"}`)
	writeFile(t, filepath.Join(dir, "bad", "kind.params.json"), `{"a": {"kind": "float"}}`)
	r := NewRegistry()
	err := r.LoadDir(dir)
	if err == nil {
		t.Fatal("no error for bad templates")
	}
	msg := err.Error()
	for _, want := range []string{
		filepath.Join(dir, "bad", "unclosed.json") + ":2",
		filepath.Join(dir, "bad", "json.json") + ":3:11",
		filepath.Join(dir, "bad", "func.json") + ":2",
		`function "nosuch" not defined`,
		`parameter "aa" is not used`,
		`unknown parameter kind "float"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
	if _, err := r.Lookup("good one"); err != nil {
		t.Errorf("the good template was not loaded: %v", err)
	}
	if err := NewRegistry().LoadDir(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("a missing directory: %v", err)
	}
}

func TestSavedEvents(t *testing.T) {
	s := NewStore(t.TempDir())
	if names, err := s.List("orders-fn"); err != nil || len(names) != 0 {
		t.Fatalf("empty list: %v %v", names, err)
	}
	event, err := mustLookup(t, "sqs receive-message").Render(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"big-batch", "one_message", "v1.2"} {
		if err := s.Save("orders-fn", name, event); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save("orders-fn", "compact", []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	names, err := s.List("orders-fn")
	if err != nil || strings.Join(names, ",") != "big-batch,compact,one_message,v1.2" {
		t.Fatalf("list %v %v", names, err)
	}
	got, err := s.Load("orders-fn", "one_message")
	if err != nil || string(got) != string(event) {
		t.Fatalf("load: %v\n%s", err, got)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "orders-fn", "one_message.json")); err != nil {
		t.Errorf("layout: %v", err)
	}
	if err := s.Delete("orders-fn", "v1.2"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Load("orders-fn", "one-mesage")
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Saved[0] != "one_message" || !strings.Contains(err.Error(), "big-batch") {
		t.Errorf("unknown name: %v", err)
	}
	if err := s.Delete("orders-fn", "v1.2"); !errors.As(err, &nf) {
		t.Errorf("delete twice: %v", err)
	}
	for _, bad := range []string{"", "../x", "a/b", ".hidden", "sp ace", strings.Repeat("x", 200)} {
		if err := s.Save("orders-fn", bad, event); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if err := s.Save("../up", "x", event); err == nil {
		t.Error("function ../up accepted")
	}
	err = s.Save("orders-fn", "broken", []byte("{\n  \"a\": 1,\n  \"b\": tru\n}"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || se.Column != 11 {
		t.Errorf("syntax error: %v", err)
	}
	if err := s.Save("orders-fn", "two", []byte(`{} {}`)); !errors.As(err, &se) || !regexp.MustCompile(`line 1, column 4`).MatchString(err.Error()) {
		t.Errorf("two documents: %v", err)
	}
}
