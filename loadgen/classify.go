package loadgen

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lambench/lambench/invoke"
	"github.com/lambench/lambench/loadgen/stats"
)

// classifier turns vegeta's results into samples. It keeps scratch
// buffers between calls, so one classifier serves one goroutine.
type classifier struct {
	kind TargetKind
	enc  []byte // X-Amz-Log-Result, copied to decode it without a conversion
	tail []byte // the decoded log tail
}

// classify fills s from r: outcome, reason or error type, and what the
// REPORT line of the log tail says.
func (c *classifier) classify(r *vegeta.Result, s *stats.Sample) {
	*s = stats.Sample{
		Seq:       r.Seq,
		Timestamp: r.Timestamp,
		Latency:   r.Latency,
		Code:      r.Code,
	}
	if r.Code == 0 {
		s.Outcome = stats.TransportError
		return
	}
	h := r.Headers
	var rep *invoke.Report
	if c.kind == LambdaAPI {
		rep = c.report(h)
	}
	if rep != nil {
		s.Start = stats.StartWarm
		if rep.Cold() {
			s.Start = stats.StartCold
		}
		s.Duration = rep.Duration
		s.BilledDuration = rep.BilledDuration
		s.InitDuration = rep.InitDuration
		if !rep.HasInit {
			s.InitDuration = rep.RestoreDuration // SnapStart
		}
		s.MemorySizeMB = rep.MemorySizeMB
		s.MaxMemoryMB = rep.MaxMemoryUsedMB
	}
	switch {
	case c.kind == LambdaAPI && first(h, headerFunctionError) != "":
		s.Outcome = stats.FunctionError
		s.ErrorType = functionErrorType(first(h, headerFunctionError), r.Body, rep)
	case r.Code == http.StatusTooManyRequests:
		s.Outcome = stats.Throttled
		s.Reason = throttleReason(r.Body)
	case r.Code >= 200 && r.Code < 300, c.kind == HTTP && r.Code < 400:
		s.Outcome = stats.OK
	default:
		s.Outcome = stats.ServiceError
		s.Reason = serviceErrorCode(h, r.Body, r.Code)
	}
}

// first returns the first value of a header given by its canonical name.
func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// report decodes X-Amz-Log-Result (base64 of the last 4 KB of the
// invocation's log) and parses its last REPORT line; nil when there is
// none (no tail asked for or given, or one cut before its REPORT).
func (c *classifier) report(h http.Header) *invoke.Report {
	v := first(h, headerLogResult)
	if v == "" {
		return nil
	}
	c.enc = append(c.enc[:0], v...)
	n := base64.StdEncoding.DecodedLen(len(c.enc))
	if cap(c.tail) < n {
		c.tail = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(c.tail[:n], c.enc)
	if err != nil {
		return nil
	}
	line := lastReportLine(c.tail[:n])
	if line == nil {
		return nil
	}
	rep, _ := invoke.ParseReport(string(line))
	if rep != nil && !rep.Cold() && rep.Status != "" && bytes.Contains(c.tail[:n], initReportPrefix) {
		// A failed init is reported in INIT_REPORT lines, not in the
		// REPORT: read the whole tail (only for failed invocations).
		rep = invoke.FindReport(string(c.tail[:n]))
	}
	return rep
}

var (
	reportPrefix     = []byte("REPORT RequestId:")
	initReportPrefix = []byte("INIT_REPORT Init Duration: ")
	platformReport   = []byte(`"platform.report"`)
)

// lastReportLine finds the last REPORT line of a tail, in the text log
// format or as a JSON platform.report record, without splitting the tail.
func lastReportLine(tail []byte) []byte {
	for len(tail) > 0 {
		i := bytes.LastIndexByte(tail[:len(tail)-1], '\n') + 1
		line := bytes.TrimSpace(tail[i:])
		if bytes.HasPrefix(line, reportPrefix) ||
			(len(line) > 0 && line[0] == '{' && bytes.Contains(line, platformReport)) {
			return line
		}
		tail = tail[:i]
		if i == 0 {
			break
		}
	}
	return nil
}

// functionErrorType reads errorType from a function's error document. A
// document cut by the body limit may not parse; then the errorType member,
// if it came before the cut, or the REPORT line's Error Type is used.
func functionErrorType(kind string, body []byte, rep *invoke.Report) string {
	if fe := invoke.ParseFunctionError(kind, body); fe.Type != "" {
		return fe.Type
	}
	if t := scanStringMember(body, "errorType"); t != "" {
		return t
	}
	if rep != nil {
		return rep.ErrorType
	}
	return ""
}

// scanStringMember finds "name":"value" in a possibly truncated JSON
// document and returns value when it is complete and has no escapes.
func scanStringMember(doc []byte, name string) string {
	key := `"` + name + `"`
	i := bytes.Index(doc, []byte(key))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(doc[i+len(key):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' {
		return ""
	}
	end := bytes.IndexAny(rest[1:], `"\`)
	if end < 0 || rest[1+end] != '"' {
		return ""
	}
	return string(rest[1 : 1+end])
}

// throttleReason reads the Reason of a TooManyRequestsException body
// ({"Type":"User","message":"Rate Exceeded.","Reason":"..."}); "" when it
// has none.
func throttleReason(body []byte) string {
	var doc struct {
		Reason string `json:"Reason"`
	}
	if json.Unmarshal(body, &doc) == nil && doc.Reason != "" {
		return doc.Reason
	}
	return scanStringMember(body, "Reason")
}

// serviceErrorCode names a service error as the AWS SDKs do: the
// x-amzn-ErrorType header, else the body's "__type" or "code", else the
// body's "Type" unless it only says who is to blame ("User", "Service"),
// else the HTTP status, e.g. "HTTP 502".
func serviceErrorCode(h http.Header, body []byte, code uint16) string {
	if v := first(h, headerErrorType); v != "" {
		return cleanErrorCode(v)
	}
	var doc struct {
		Type  string `json:"__type"`
		Code  string `json:"code"`
		Type2 string `json:"Type"`
	}
	if json.Unmarshal(body, &doc) == nil {
		switch {
		case doc.Type != "":
			return cleanErrorCode(doc.Type)
		case doc.Code != "":
			return cleanErrorCode(doc.Code)
		case doc.Type2 != "" && doc.Type2 != "User" && doc.Type2 != "Service":
			return cleanErrorCode(doc.Type2)
		}
	}
	return "HTTP " + strconv.Itoa(int(code))
}

// cleanErrorCode drops what AWS may put around an error code:
// "aws.protocol#Code" and "Code:http://internal.amazon.com/...".
func cleanErrorCode(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
