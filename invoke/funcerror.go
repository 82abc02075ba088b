package invoke

import (
	"encoding/json"
	"fmt"
	"strings"
)

// FunctionError is a function's error, from the error document a runtime
// posted. The shapes differ by runtime; all are read:
//
//   - Go (aws-lambda-go): {"errorMessage","errorType"} and, after a panic,
//     "stackTrace":[{"path","line","label"}]
//   - Node.js: {"errorType","errorMessage","trace":["Error: ...","    at ..."]}
//   - Python: {"errorMessage","errorType","requestId","stackTrace":["  File ..."]}
//   - Lambda's own: {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ..."}
type FunctionError struct {
	// Kind is the X-Amz-Function-Error header: "Unhandled" (or "Handled").
	Kind string
	// Type is errorType, e.g. TypeError, Runtime.ExitError, Sandbox.Timedout.
	Type string
	// Message is errorMessage.
	Message string
	// Stack is the stack trace, one frame per line, whatever the runtime.
	Stack []string
	// Raw is the error document as returned.
	Raw []byte
	// Inferred is set when the target sent no X-Amz-Function-Error and
	// the error was recognised by the payload's shape alone (an RIE).
	Inferred bool
}

func (e *FunctionError) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// ParseFunctionError reads an error document. A payload that is not one
// of the known shapes still gives an error, with the payload as message.
func ParseFunctionError(kind string, payload []byte) *FunctionError {
	fe := &FunctionError{Kind: kind, Raw: payload}
	var v struct {
		ErrorType    string          `json:"errorType"`
		ErrorMessage string          `json:"errorMessage"`
		Trace        []string        `json:"trace"`
		StackTrace   json.RawMessage `json:"stackTrace"`
	}
	if err := json.Unmarshal(payload, &v); err != nil {
		fe.Message = strings.TrimSpace(string(payload))
		return fe
	}
	fe.Type, fe.Message = v.ErrorType, v.ErrorMessage
	switch {
	case len(v.Trace) > 0:
		// Node.js: the first line repeats "Type: message".
		for i, l := range v.Trace {
			if i == 0 && strings.HasPrefix(l, v.ErrorType) {
				continue
			}
			fe.Stack = append(fe.Stack, strings.TrimSpace(l))
		}
	case len(v.StackTrace) > 0:
		var lines []string
		var frames []struct {
			Path  string `json:"path"`
			Line  int    `json:"line"`
			Label string `json:"label"`
		}
		if json.Unmarshal(v.StackTrace, &lines) == nil {
			// Python: "  File \"x.py\", line 3, in handler\n    code\n"
			for _, l := range lines {
				for _, part := range strings.Split(strings.TrimRight(l, "\n"), "\n") {
					if s := strings.TrimSpace(part); s != "" {
						fe.Stack = append(fe.Stack, s)
					}
				}
			}
		} else if json.Unmarshal(v.StackTrace, &frames) == nil {
			for _, f := range frames {
				fe.Stack = append(fe.Stack, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.Label))
			}
		}
	}
	return fe
}

// errorDocKeys are the keys of an error document, in any runtime.
var errorDocKeys = map[string]bool{"errorType": true, "errorMessage": true, "stackTrace": true, "trace": true, "requestId": true, "cause": true}

// LooksLikeFunctionError reports whether payload is a JSON object with
// errorType and errorMessage and no key other than those of an error
// document (errorType, errorMessage, stackTrace, trace, requestId, cause):
// the shape every runtime posts for a function's error.
func LooksLikeFunctionError(payload []byte) bool {
	var doc map[string]json.RawMessage
	if json.Unmarshal(payload, &doc) != nil {
		return false
	}
	if _, ok := doc["errorType"]; !ok {
		return false
	}
	if _, ok := doc["errorMessage"]; !ok {
		return false
	}
	for k := range doc {
		if !errorDocKeys[k] {
			return false
		}
	}
	return true
}
