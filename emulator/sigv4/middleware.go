package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
)

// ReadAndVerify reads r's body (at most Config.MaxBodyBytes), verifies
// r's signature over it and puts the body back, so that r.Body reads it
// again from the start. On failure the error is an *Error.
func (v *Verifier) ReadAndVerify(r *http.Request) (Identity, error) {
	body, e := v.readBody(r)
	if e != nil {
		return Identity{}, e
	}
	sum := sha256.Sum256(body)
	var hexSum [64]byte
	hex.Encode(hexSum[:], sum[:])
	id, e := v.verify(r, &hexSum)
	if e != nil {
		return Identity{}, e
	}
	return id, nil
}

// Wrap returns a handler that verifies each request's signature before
// passing it, with its body restored, to next. A request that fails gets
// writeError's response (nil means WriteError, which answers in Lambda's
// or CloudWatch Logs' error format depending on the request).
func (v *Verifier) Wrap(next http.Handler, writeError func(http.ResponseWriter, *http.Request, *Error)) http.Handler {
	if writeError == nil {
		writeError = WriteError
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, e := v.readBody(r)
		if e == nil {
			sum := sha256.Sum256(body)
			var hexSum [64]byte
			hex.Encode(hexSum[:], sum[:])
			_, e = v.verify(r, &hexSum)
		}
		if e != nil {
			writeError(w, r, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads r's whole body, bounded by v.maxBody, and replaces r.Body
// with a reader over it.
func (v *Verifier) readBody(r *http.Request) ([]byte, *Error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > v.maxBody {
		return nil, errTooLarge(v.maxBody)
	}
	var body []byte
	if r.ContentLength > 0 {
		body = make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, errReadBody(err)
		}
	} else {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, v.maxBody+1))
		if err != nil {
			return nil, errReadBody(err)
		}
		if int64(len(body)) > v.maxBody {
			return nil, errTooLarge(v.maxBody)
		}
	}
	rb := &replayBody{}
	rb.Reset(body)
	r.Body = rb
	return body, nil
}

// replayBody serves a body already read.
type replayBody struct{ bytes.Reader }

func (*replayBody) Close() error { return nil }
