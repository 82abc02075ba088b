package logsapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lambench/lambench/emulator/logstore"
)

// Defaults and limits of the API.
const (
	// DefaultRegion is the region in ARNs unless WithRegion says otherwise.
	DefaultRegion = "us-east-1"
	// DefaultAccountID is the account in ARNs unless WithAccountID says otherwise.
	DefaultAccountID = "123456789012"
	// MaxEvents is the most events FilterLogEvents and GetLogEvents return
	// in a page, and the default.
	MaxEvents = 10_000
	// MaxPageBytes bounds a page of events as AWS does (1 MB), counting
	// each event as its message's UTF-8 bytes plus EventOverhead.
	MaxPageBytes = 1 << 20
	// EventOverhead is what an event counts for besides its message, as
	// in CloudWatch Logs' batch sizes.
	EventOverhead = 26
	// MaxDescribe is the most streams or groups a Describe call returns,
	// and the default.
	MaxDescribe = 50
	// DefaultHeartbeat is how long the live tail stays silent at most.
	DefaultHeartbeat = 10 * time.Second
	// DefaultTailMaxLag is how many events a live tail client may lag
	// behind before the oldest of them are skipped (and reported missed).
	DefaultTailMaxLag = 10_000
	// TailPath is where the live tail is served (GET).
	TailPath = "/lambench/v1/logs/tail"
	// TargetPrefix prefixes the X-Amz-Target header of every Logs API call.
	TargetPrefix = "Logs_20140328."
	// ContentType is the Logs API's content type (JSON 1.1).
	ContentType = "application/x-amz-json-1.1"
)

// maxRequestBytes bounds a Logs API request body.
const maxRequestBytes = 1 << 20

// Option configures the handler.
type Option func(*config)

type config struct {
	region, account string
	heartbeat       time.Duration
	maxLag          int
	done            <-chan struct{}
}

// WithRegion sets the region in ARNs (DefaultRegion).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithAccountID sets the account id in ARNs (DefaultAccountID).
func WithAccountID(id string) Option { return func(c *config) { c.account = id } }

// WithHeartbeat sets the longest silence of the live tail: a heartbeat
// line is sent when nothing else was for this long (DefaultHeartbeat).
func WithHeartbeat(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithTailMaxLag sets how many events a live tail client may fall behind
// before the oldest are skipped and reported missed (DefaultTailMaxLag).
func WithTailMaxLag(events int) Option { return func(c *config) { c.maxLag = events } }

// WithDone ends every live tail when done is closed: give it what the
// server closes as it shuts down, so that http.Server.Shutdown need not
// wait for tails (which otherwise last as long as their clients). A tail
// ended this way just ends: its client reads EOF.
func WithDone(done <-chan struct{}) Option { return func(c *config) { c.done = done } }

type server struct {
	store *logstore.Store
	cfg   config
}

// Handler serves the CloudWatch Logs API subset over store (POST /,
// JSON 1.1: FilterLogEvents, GetLogEvents, DescribeLogStreams,
// DescribeLogGroups) and the live tail (GET TailPath). Any other request
// gets a JSON error. It does not check credentials: mount it behind
// whatever authenticates the rest of the local Lambda.
func Handler(store *logstore.Store, opts ...Option) http.Handler {
	cfg := config{region: DefaultRegion, account: DefaultAccountID, heartbeat: DefaultHeartbeat, maxLag: DefaultTailMaxLag}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.heartbeat <= 0 {
		cfg.heartbeat = DefaultHeartbeat
	}
	if cfg.maxLag <= 0 {
		cfg.maxLag = DefaultTailMaxLag
	}
	s := &server{store: store, cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", s.serveAPI)
	mux.HandleFunc("GET "+TailPath, s.serveTail)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{status: http.StatusNotFound, code: "UnknownOperationException",
			msg: "Unknown operation " + r.Method + " " + r.URL.Path + " (the local CloudWatch Logs serves POST / with X-Amz-Target " + TargetPrefix + "<FilterLogEvents|GetLogEvents|DescribeLogStreams|DescribeLogGroups>, and GET " + TailPath + ")"})
	})
	return mux
}

// apiError is a CloudWatch Logs error: HTTP status, __type and message.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func invalidParam(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", msg: fmt.Sprintf(format, args...)}
}

// invalidValue is AWS's message for a member that breaks its model's
// constraint.
func invalidValue(value any, member, constraint string) *apiError {
	return invalidParam("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

func notFound(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ResourceNotFoundException", msg: msg}
}

var (
	errNoGroup  = notFound("The specified log group does not exist.")
	errNoStream = notFound("The specified log stream does not exist.")
	errBadToken = invalidParam("The specified nextToken is invalid.")
)

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, &apiError{status: http.StatusInternalServerError, code: "ServiceUnavailableException", msg: "encode the response: " + err.Error()})
		return
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]string{"__type": e.code, "message": e.msg})
}

// operations maps an X-Amz-Target operation to its implementation.
var operations = map[string]func(*server, []byte) (any, *apiError){
	"FilterLogEvents":    (*server).filterLogEvents,
	"GetLogEvents":       (*server).getLogEvents,
	"DescribeLogStreams": (*server).describeLogStreams,
	"DescribeLogGroups":  (*server).describeLogGroups,
}

func (s *server) serveAPI(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, TargetPrefix)
	op := operations[name]
	if !ok || op == nil {
		writeError(w, &apiError{status: http.StatusBadRequest, code: "UnknownOperationException",
			msg: fmt.Sprintf("Unknown operation %q: the local CloudWatch Logs serves FilterLogEvents, GetLogEvents, DescribeLogStreams and DescribeLogGroups (X-Amz-Target: %sOPERATION)", target, TargetPrefix)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		writeError(w, &apiError{status: http.StatusRequestEntityTooLarge, code: "SerializationException", msg: "read the request: " + err.Error()})
		return
	}
	out, aerr := op(s, body)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// decode reads a request body into v; an empty body is {}.
func decode(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &apiError{status: http.StatusBadRequest, code: "SerializationException", msg: fmt.Sprintf("Unexpected %s for member %s", te.Value, te.Field)}
		}
		return &apiError{status: http.StatusBadRequest, code: "SerializationException", msg: "The request body is not valid JSON: " + err.Error()}
	}
	return nil
}

// Validation of members against the API model's constraints.

func checkRange(v *int64, member string, lo, hi int64) *apiError {
	switch {
	case v == nil:
		return nil
	case *v < lo:
		return invalidValue(*v, member, fmt.Sprintf("Member must have value greater than or equal to %d", lo))
	case *v > hi:
		return invalidValue(*v, member, fmt.Sprintf("Member must have value less than or equal to %d", hi))
	}
	return nil
}

func checkLength(v *string, member string, lo, hi int) *apiError {
	switch {
	case v == nil:
		return nil
	case len(*v) < lo:
		return invalidValue(*v, member, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	case len(*v) > hi:
		return invalidValue(*v, member, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
	return nil
}

// groupNameChars is the LogGroupName pattern [\.\-_/#A-Za-z0-9]+.
func checkGroupName(v *string, member string) *apiError {
	if err := checkLength(v, member, 1, 512); err != nil || v == nil {
		return err
	}
	for _, c := range []byte(*v) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-/#", c) >= 0) {
			return invalidValue(*v, member, `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
		}
	}
	return nil
}

// checkStreamName is the LogStreamName constraint: 1-512 characters, no
// ':' or '*'.
func checkStreamName(v *string, member string) *apiError {
	if err := checkLength(v, member, 1, 512); err != nil || v == nil {
		return err
	}
	if strings.ContainsAny(*v, ":*") {
		return invalidValue(*v, member, "Member must satisfy regular expression pattern: [^:*]*")
	}
	return nil
}

// groupARN returns a group's ARN as DescribeLogGroups' arn reports it
// (with :*) or without.
func (s *server) groupARN(name string, star bool) string {
	arn := "arn:aws:logs:" + s.cfg.region + ":" + s.cfg.account + ":log-group:" + name
	if star {
		arn += ":*"
	}
	return arn
}

func (s *server) streamARN(group, stream string) string {
	return s.groupARN(group, false) + ":log-stream:" + stream
}

// groupName resolves a group given by logGroupName or logGroupIdentifier
// (a name or an ARN) and checks that it exists.
func (s *server) groupName(name, ident *string) (string, *apiError) {
	var g string
	switch {
	case name != nil && ident != nil:
		return "", invalidParam("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name != nil:
		if err := checkGroupName(name, "logGroupName"); err != nil {
			return "", err
		}
		g = *name
	case ident != nil:
		if err := checkLength(ident, "logGroupIdentifier", 1, 2048); err != nil {
			return "", err
		}
		var err *apiError
		if g, err = s.identifiedGroup(*ident); err != nil {
			return "", err
		}
	default:
		return "", invalidParam("Either logGroupName or logGroupIdentifier must be specified.")
	}
	if _, ok := s.store.Group(g); !ok {
		return "", errNoGroup
	}
	return g, nil
}

// identifiedGroup turns a logGroupIdentifier into a group name: a name
// is itself, an ARN (arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME,
// optionally ending :*) must be of this region and account.
func (s *server) identifiedGroup(ident string) (string, *apiError) {
	if !strings.HasPrefix(ident, "arn:") {
		return ident, checkGroupName(&ident, "logGroupIdentifier")
	}
	parts := strings.SplitN(ident, ":", 7)
	var name string
	if len(parts) == 7 {
		name = strings.TrimSuffix(parts[6], ":*")
	}
	if len(parts) != 7 || parts[2] != "logs" || parts[5] != "log-group" || name == "" || strings.Contains(name, ":") {
		return "", invalidParam("%s is not a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME)", ident)
	}
	if parts[3] != s.cfg.region || parts[4] != s.cfg.account {
		return "", errNoGroup
	}
	return name, nil
}
