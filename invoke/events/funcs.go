package events

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A function is one of the functions templates can call. Results are bytes;
// raw ones are JSON (written as they are outside strings), the others text.
type function struct {
	name string
	// volatile functions depend on the request (its time or its random
	// values), so the load tester evaluates them per request instead of
	// folding them at compile time.
	volatile bool
	raw      bool
	// keyed functions take an optional trailing string key: actions with
	// the same key share the random value of a record.
	keyed    bool
	min, max int // argument counts; max < 0 means any number
	help     string
	call     func(st *state, e *expr, rec int, dst []byte, args [][]byte) ([]byte, error)
}

func (f *function) checkArgs(n int) error {
	if n < f.min || (f.max >= 0 && n > f.max) {
		want := strconv.Itoa(f.min)
		switch {
		case f.max < 0:
			want = "at least " + want
		case f.max != f.min:
			want = fmt.Sprintf("%d to %d", f.min, f.max)
		}
		return fmt.Errorf("%s takes %s arguments, not %d", f.name, want, n)
	}
	return nil
}

// functions is the table of template functions, keyed by name.
var functions = func() map[string]*function {
	m := make(map[string]*function, len(functionList))
	for _, f := range functionList {
		m[f.name] = f
	}
	return m
}()

// funcNames is the function table in the form text/template/parse checks names against.
func funcNames() map[string]any {
	m := make(map[string]any, len(functions))
	for name := range functions {
		m[name] = struct{}{}
	}
	return m
}

// FunctionHelp lists the functions event templates can call, one line each,
// sorted by name, for `lambench events functions` and the docs.
func FunctionHelp() []string {
	out := make([]string, 0, len(functionList))
	for _, f := range functionList {
		out = append(out, f.name+": "+f.help)
	}
	slices.Sort(out)
	return out
}

var functionList = []*function{
	{name: "uuid", volatile: true, keyed: true, min: 0, max: 1,
		help: `uuid [key]: a random UUID, new per request and record; actions with the same key share it`,
		call: func(st *state, e *expr, rec int, dst []byte, _ [][]byte) ([]byte, error) {
			r := st.rng(e.key, rec)
			return appendUUID(dst, r.next(), r.next()), nil
		}},
	{name: "hex", volatile: true, keyed: true, min: 1, max: 2,
		help: `hex N [key]: N random lower-case hex digits`,
		call: func(st *state, e *expr, rec int, dst []byte, args [][]byte) ([]byte, error) {
			return appendRandom(dst, st.rng(e.key, rec), args[0], "0123456789abcdef")
		}},
	{name: "HEX", volatile: true, keyed: true, min: 1, max: 2,
		help: `HEX N [key]: N random upper-case hex digits`,
		call: func(st *state, e *expr, rec int, dst []byte, args [][]byte) ([]byte, error) {
			return appendRandom(dst, st.rng(e.key, rec), args[0], "0123456789ABCDEF")
		}},
	{name: "digits", volatile: true, keyed: true, min: 1, max: 2,
		help: `digits N [key]: N random decimal digits`,
		call: func(st *state, e *expr, rec int, dst []byte, args [][]byte) ([]byte, error) {
			return appendRandom(dst, st.rng(e.key, rec), args[0], "0123456789")
		}},
	{name: "token", volatile: true, keyed: true, min: 1, max: 2,
		help: `token N [key]: N random base64 characters (receipt handles, request ids)`,
		call: func(st *state, e *expr, rec int, dst []byte, args [][]byte) ([]byte, error) {
			return appendRandom(dst, st.rng(e.key, rec), args[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
		}},
	{name: "now", volatile: true, min: 0, max: 1,
		help: `now [layout]: the request's time in UTC; layouts iso (default, 2006-01-02T15:04:05Z), iso-ms, iso-ms-offset (2006-01-02T15:04:05.000+0000), clf (02/Jan/2006:15:04:05 +0000), amz (20060102T150405Z), rfc1123, date, date_time (2006-01-02_15:04:05)`,
		call: func(st *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			var layout []byte
			if len(args) > 0 {
				layout = args[0]
			}
			return appendTime(dst, st.time(), layout)
		}},
	{name: "epoch", volatile: true, raw: true, min: 0, max: 2,
		help: `epoch [unit] [offset]: the request's time as a number: s (default), ms or float (seconds with milliseconds), plus offset seconds (such as 3600 for a token's expiry)`,
		call: func(st *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			unit := []byte("s")
			if len(args) > 0 {
				unit = args[0]
			}
			t := st.time()
			if len(args) > 1 {
				off, err := strconv.ParseInt(string(args[1]), 10, 32)
				if err != nil {
					return dst, fmt.Errorf("epoch offset %q is not a number of seconds", args[1])
				}
				t = t.Add(time.Duration(off) * time.Second)
			}
			return appendEpoch(dst, t, unit)
		}},
	{name: "sequencer", volatile: true, min: 0, max: 0,
		help: `sequencer: an S3 event sequencer, increasing with time and record`,
		call: func(st *state, _ *expr, rec int, dst []byte, _ [][]byte) ([]byte, error) {
			v := uint64(st.time().UnixNano())
			dst = append(dst, "00"...)
			dst = appendHexUpper(dst, v, 16)
			return appendHexUpper(dst, uint64(rec)&0xff, 2), nil
		}},
	{name: "recno", raw: true, min: 0, max: 0,
		help: `recno: the index of the record inside {{range .records}}, from 0`,
		call: func(_ *state, _ *expr, rec int, dst []byte, _ [][]byte) ([]byte, error) {
			return strconv.AppendInt(dst, int64(rec), 10), nil
		}},
	{name: "seqnum", min: 1, max: 1,
		help: `seqnum N: the decimal number N plus the record index (distinct sequence numbers)`,
		call: func(_ *state, _ *expr, rec int, dst []byte, args [][]byte) ([]byte, error) {
			return appendDecimalAdd(dst, args[0], uint64(rec))
		}},
	{name: "md5", min: 1, max: 1, help: `md5 s: the MD5 of s in hex`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			sum := md5.Sum(args[0])
			return hex.AppendEncode(dst, sum[:]), nil
		}},
	{name: "sha256", min: 1, max: 1, help: `sha256 s: the SHA-256 of s in hex`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			sum := sha256.Sum256(args[0])
			return hex.AppendEncode(dst, sum[:]), nil
		}},
	{name: "base64", min: 1, max: 1, help: `base64 s: s in standard base64`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return base64.StdEncoding.AppendEncode(dst, args[0]), nil
		}},
	{name: "s3key", min: 1, max: 1, help: `s3key s: an object key URL-encoded as S3 events carry it ("a b/c" is "a+b/c")`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendS3Key(dst, args[0]), nil
		}},
	{name: "urlquery", min: 1, max: 1, help: `urlquery s: s escaped for a URL query`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return append(dst, url.QueryEscape(string(args[0]))...), nil
		}},
	{name: "len", raw: true, min: 1, max: -1, help: `len s...: the total length of the arguments in bytes`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			n := 0
			for _, a := range args {
				n += len(a)
			}
			return strconv.AppendInt(dst, int64(n), 10), nil
		}},
	{name: "upper", min: 1, max: 1, help: `upper s: s in upper case`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return append(dst, bytes.ToUpper(args[0])...), nil
		}},
	{name: "lower", min: 1, max: 1, help: `lower s: s in lower case`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return append(dst, bytes.ToLower(args[0])...), nil
		}},
	{name: "concat", min: 1, max: -1, help: `concat s...: the arguments joined`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			for _, a := range args {
				dst = append(dst, a...)
			}
			return dst, nil
		}},
	{name: "or", min: 1, max: -1, help: `or s...: the first non-empty argument`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			for _, a := range args {
				if len(a) > 0 {
					return append(dst, a...), nil
				}
			}
			return dst, nil
		}},
	{name: "json", raw: true, min: 1, max: 1, help: `json s: s as a quoted JSON string`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			dst = append(dst, '"')
			dst = appendEscaped(dst, args[0])
			return append(dst, '"'), nil
		}},
	{name: "domain", min: 4, max: 4,
		help: `domain prefix service region suffix: prefix.service.region.suffix, leaving out empty parts and a region the suffix starts with`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			region, suffix := args[2], args[3]
			if len(region) > 0 && len(suffix) > len(region) && bytes.HasPrefix(suffix, region) && suffix[len(region)] == '.' {
				region = nil
			}
			first := true
			for _, part := range [][]byte{args[0], args[1], region, suffix} {
				if len(part) == 0 {
					continue
				}
				if !first {
					dst = append(dst, '.')
				}
				first = false
				dst = append(dst, part...)
			}
			return dst, nil
		}},
	{name: "uuidof", min: 1, max: -1,
		help: `uuidof s...: a UUID derived from the arguments (the same arguments give the same UUID)`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			h := md5.New()
			for _, a := range args {
				h.Write(a)
				h.Write([]byte{0})
			}
			sum := h.Sum(nil)
			return appendUUID(dst, binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])), nil
		}},
	{name: "abspath", min: 1, max: 1, help: `abspath p: p with a leading /`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			if len(args[0]) == 0 || args[0][0] != '/' {
				dst = append(dst, '/')
			}
			return append(dst, args[0]...), nil
		}},
	{name: "body", raw: true, min: 2, max: 2,
		help: `body s base64: an HTTP body as API Gateway sends it: null when empty, else a string, base64-encoded when base64 is true`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			if len(args[0]) == 0 {
				return append(dst, "null"...), nil
			}
			dst = append(dst, '"')
			if string(args[1]) == "true" {
				dst = base64.StdEncoding.AppendEncode(dst, args[0])
			} else {
				dst = appendEscaped(dst, args[0])
			}
			return append(dst, '"'), nil
		}},
	{name: "nullable", raw: true, min: 1, max: 1, help: `nullable s: null when s is empty, else s as a JSON string`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			if len(args[0]) == 0 {
				return append(dst, "null"...), nil
			}
			return appendQuoted(dst, string(args[0])), nil
		}},
	{name: "header", min: 2, max: 2, help: `header obj name: the value of a header of the object obj, any case; empty if none`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			members, _, err := decodeObject(args[0])
			if err != nil {
				return dst, err
			}
			for _, m := range members {
				if strings.EqualFold(m.name, string(args[1])) {
					v, err := m.values()
					if err == nil && len(v) > 0 {
						dst = append(dst, v[0]...)
					}
					break
				}
			}
			return dst, nil
		}},
	{name: "pathparameters", raw: true, min: 2, max: 2,
		help: `pathparameters resource path: the values of the {name} and {name+} variables of an API Gateway resource in path, as a JSON object, or null`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendPathParameters(dst, string(args[0]), string(args[1])), nil
		}},
	{name: "multivalue", raw: true, min: 1, max: 1,
		help: `multivalue obj: a JSON object of strings (or string arrays) as an object of string arrays`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendMultiValue(dst, args[0])
		}},
	{name: "singlevalue", raw: true, min: 2, max: 2,
		help: `singlevalue obj last|join: a JSON object of strings or string arrays as an object of strings, keeping an array's last value or joining it with commas`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendSingleValue(dst, args[0], string(args[1]))
		}},
	{name: "querystring", min: 1, max: 1,
		help: `querystring obj: a JSON object of strings or string arrays as a raw query string (a=1&b=2)`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendQueryString(dst, args[0])
		}},
	{name: "merge", raw: true, min: 1, max: -1,
		help: `merge obj name value...: the JSON object obj with each name set to value, unless obj has it already (any case) or value is empty`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendMerge(dst, args[0], args[1:])
		}},
	{name: "sqsattributes", raw: true, min: 1, max: 1,
		help: `sqsattributes obj: SQS message attributes as Lambda sends them; a plain string value is a String attribute`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			attrs, err := parseSQSAttributes(args[0])
			if err != nil {
				return dst, err
			}
			b, err := json.Marshal(attrs)
			return append(dst, b...), err
		}},
	{name: "sqsattributesmd5", raw: true, min: 1, max: 1,
		help: `sqsattributesmd5 obj: the MD5 SQS computes over message attributes, or null when there are none`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			attrs, err := parseSQSAttributes(args[0])
			if err != nil {
				return dst, err
			}
			if len(attrs) == 0 {
				return append(dst, "null"...), nil
			}
			dst = append(dst, '"')
			dst = append(dst, sqsAttributesMD5(attrs)...)
			return append(dst, '"'), nil
		}},
	{name: "awslogs", volatile: true, min: 5, max: 5,
		help: `awslogs owner group stream filter lines: the awslogs.data of a CloudWatch Logs subscription: base64(gzip(JSON)) of the log lines (a JSON array) stamped with the request's time`,
		call: func(st *state, e *expr, rec int, dst []byte, args [][]byte) ([]byte, error) {
			return appendAWSLogs(dst, st, e, rec, args)
		}},
	{name: "gzip", min: 1, max: 1, help: `gzip s: s gzip-compressed (bytes: pass them to base64)`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			var buf bytes.Buffer
			w := gzip.NewWriter(&buf)
			w.Write(args[0])
			if err := w.Close(); err != nil {
				return dst, err
			}
			return append(dst, buf.Bytes()...), nil
		}},
	{name: "kpl", min: 2, max: 2,
		help: `kpl key records: a Kinesis Producer Library aggregated record of the records (a JSON array) under the partition key key (bytes: pass them to base64)`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendKPL(dst, args[0], args[1])
		}},
	{name: "cfheaders", raw: true, min: 1, max: -1,
		help: `cfheaders obj name value...: a JSON object of headers (strings or string arrays) as CloudFront sends them, {"host": [{"key": "Host", "value": ...}]}, with each name set to value unless obj has it already (any case) or value is empty`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendCFHeaders(dst, args[0], args[1:])
		}},
	{name: "lexslotdetails", raw: true, min: 1, max: 1,
		help: `lexslotdetails slots: the slotDetails of an Amazon Lex V1 event for a JSON object of slot values (strings or null)`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendLexSlotDetails(dst, args[0])
		}},
	{name: "lexv2slots", raw: true, min: 2, max: 2,
		help: `lexv2slots slots intent|resolved: a JSON object of slot values (strings or null) as Amazon Lex V2 slots: all of them, unfilled ones null (intent), or the filled ones as a transcription's resolvedSlots (resolved)`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendLexV2Slots(dst, args[0], string(args[1]))
		}},
	{name: "graphqlselection", min: 1, max: 1,
		help: `graphqlselection list: an AppSync selectionSetList (a JSON array of field paths such as "author/name") as its selectionSetGraphQL`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendGraphQLSelection(dst, args[0])
		}},
	{name: "objects", raw: true, min: 2, max: 2,
		help: `objects name list: a JSON array of strings as an array of objects, each with the string as its member name: objects "address" ["a@example.com"] is [{"address":"a@example.com"}]`,
		call: func(_ *state, _ *expr, _ int, dst []byte, args [][]byte) ([]byte, error) {
			return appendObjects(dst, string(args[0]), args[1])
		}},
}

// appendEscaped appends s escaped as the content of a JSON string.
func appendEscaped(dst, s []byte) []byte {
	const hexDigits = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}

func appendUUID(dst []byte, a, b uint64) []byte {
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], a)
	binary.BigEndian.PutUint64(u[8:], b)
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	dst = hex.AppendEncode(dst, u[0:4])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, u[4:6])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, u[6:8])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, u[8:10])
	dst = append(dst, '-')
	return hex.AppendEncode(dst, u[10:])
}

func appendRandom(dst []byte, r splitmix, n []byte, alphabet string) ([]byte, error) {
	count := 0
	for _, c := range n {
		if c < '0' || c > '9' || count > 4096 {
			return dst, fmt.Errorf("length %q is not a number from 0 to 4096", string(n))
		}
		count = count*10 + int(c-'0')
	}
	if len(n) == 0 || count > 4096 {
		return dst, fmt.Errorf("length %q is not a number from 0 to 4096", string(n))
	}
	for count > 0 {
		v := r.next()
		for i := 0; i < 10 && count > 0; i++ {
			dst = append(dst, alphabet[v%uint64(len(alphabet))])
			v /= uint64(len(alphabet))
			count--
		}
	}
	return dst, nil
}

func appendHexUpper(dst []byte, v uint64, width int) []byte {
	const digits = "0123456789ABCDEF"
	for i := width - 1; i >= 0; i-- {
		dst = append(dst, digits[(v>>(4*uint(i)))&0xf])
	}
	return dst
}

func appendTime(dst []byte, t time.Time, layout []byte) ([]byte, error) {
	t = t.UTC()
	switch string(layout) {
	case "", "iso":
		return t.AppendFormat(dst, "2006-01-02T15:04:05Z"), nil
	case "iso-ms":
		return t.AppendFormat(dst, "2006-01-02T15:04:05.000Z"), nil
	case "iso-ms-offset":
		return t.AppendFormat(dst, "2006-01-02T15:04:05.000-0700"), nil
	case "clf":
		return t.AppendFormat(dst, "02/Jan/2006:15:04:05 +0000"), nil
	case "amz":
		return t.AppendFormat(dst, "20060102T150405Z"), nil
	case "rfc1123":
		return t.AppendFormat(dst, "Mon, 2 Jan 2006 15:04:05 -0700"), nil
	case "date":
		return t.AppendFormat(dst, "2006-01-02"), nil
	case "date_time":
		return t.AppendFormat(dst, "2006-01-02_15:04:05"), nil
	}
	return dst, fmt.Errorf("unknown time layout %q (iso, iso-ms, iso-ms-offset, clf, amz, rfc1123, date, date_time)", string(layout))
}

func appendEpoch(dst []byte, t time.Time, unit []byte) ([]byte, error) {
	switch string(unit) {
	case "s":
		return strconv.AppendInt(dst, t.Unix(), 10), nil
	case "ms":
		return strconv.AppendInt(dst, t.UnixMilli(), 10), nil
	case "float":
		ms := t.UnixMilli()
		dst = strconv.AppendInt(dst, ms/1000, 10)
		dst = append(dst, '.')
		frac := ms % 1000
		dst = append(dst, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		return dst, nil
	}
	return dst, fmt.Errorf("unknown epoch unit %q (s, ms, float)", string(unit))
}

// appendDecimalAdd appends the decimal number s plus n, for sequence numbers
// longer than any integer type.
func appendDecimalAdd(dst, s []byte, n uint64) ([]byte, error) {
	if len(s) == 0 {
		return dst, fmt.Errorf("seqnum of an empty number")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return dst, fmt.Errorf("seqnum: %q is not a decimal number", s)
		}
	}
	start := len(dst)
	dst = append(dst, s...)
	digits := dst[start:]
	for i := len(digits) - 1; i >= 0 && n > 0; i-- {
		v := uint64(digits[i]-'0') + n%10
		n /= 10
		if v >= 10 {
			v -= 10
			n++
		}
		digits[i] = byte('0' + v)
	}
	if n > 0 {
		prefix := strconv.AppendUint(nil, n, 10)
		dst = append(dst[:start], append(prefix, digits...)...)
	}
	return dst, nil
}

// appendS3Key encodes an object key as S3 puts it in event notifications:
// form encoding (a space is +) that keeps the slashes.
func appendS3Key(dst, key []byte) []byte {
	const hexDigits = "0123456789ABCDEF"
	for _, c := range key {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/', c == '*':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return dst
}

// A member is one member of a JSON object, in the order of the source.
type member struct {
	name  string
	value json.RawMessage
}

// decodeObject decodes a JSON object keeping the order of its members; null
// gives nil, null=true.
func decodeObject(b []byte) (members []member, null bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, false, err
	}
	if tok == nil {
		return nil, true, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, false, fmt.Errorf("want a JSON object, not %s", b)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false, err
		}
		var m member
		m.name, _ = tok.(string)
		if err := dec.Decode(&m.value); err != nil {
			return nil, false, err
		}
		members = append(members, m)
	}
	return members, false, nil
}

// values reads a member's value: a string, an array of strings, or null.
func (m member) values() ([]string, error) {
	var s string
	if err := json.Unmarshal(m.value, &s); err == nil {
		if string(m.value) == "null" {
			return nil, nil
		}
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(m.value, &list); err != nil {
		return nil, fmt.Errorf("%q: want a string or an array of strings, not %s", m.name, m.value)
	}
	return list, nil
}

func appendMultiValue(dst, obj []byte) ([]byte, error) {
	members, null, err := decodeObject(obj)
	if err != nil || null {
		return append(dst, "null"...), err
	}
	out := make(map[string][]string, len(members))
	order := make([]string, 0, len(members))
	for _, m := range members {
		v, err := m.values()
		if err != nil {
			return dst, err
		}
		if _, seen := out[m.name]; !seen {
			order = append(order, m.name)
		}
		out[m.name] = append(out[m.name], v...)
	}
	dst = append(dst, '{')
	for i, k := range order {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, k)
		dst = append(dst, ":["...)
		for j, v := range out[k] {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendQuoted(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

func appendSingleValue(dst, obj []byte, mode string) ([]byte, error) {
	if mode != "last" && mode != "join" {
		return dst, fmt.Errorf("singlevalue: mode %q is not last or join", mode)
	}
	members, null, err := decodeObject(obj)
	if err != nil || null {
		return append(dst, "null"...), err
	}
	dst = append(dst, '{')
	for i, m := range members {
		v, err := m.values()
		if err != nil {
			return dst, err
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, m.name)
		dst = append(dst, ':')
		switch {
		case len(v) == 0:
			dst = append(dst, `""`...)
		case mode == "last":
			dst = appendQuoted(dst, v[len(v)-1])
		default:
			dst = appendQuoted(dst, strings.Join(v, ","))
		}
	}
	return append(dst, '}'), nil
}

func appendQueryString(dst, obj []byte) ([]byte, error) {
	members, _, err := decodeObject(obj)
	if err != nil {
		return dst, err
	}
	first := true
	for _, m := range members {
		v, err := m.values()
		if err != nil {
			return dst, err
		}
		for _, s := range v {
			if !first {
				dst = append(dst, '&')
			}
			first = false
			dst = append(dst, url.QueryEscape(m.name)...)
			dst = append(dst, '=')
			dst = append(dst, url.QueryEscape(s)...)
		}
	}
	return dst, nil
}

func appendMerge(dst, obj []byte, pairs [][]byte) ([]byte, error) {
	if len(pairs)%2 != 0 {
		return dst, fmt.Errorf("merge takes name value pairs after the object")
	}
	members, _, err := decodeObject(obj)
	if err != nil {
		return dst, err
	}
	dst = append(dst, '{')
	n := 0
	for _, m := range members {
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, m.name)
		dst = append(dst, ':')
		var buf bytes.Buffer
		if err := json.Compact(&buf, m.value); err != nil {
			return dst, err
		}
		dst = append(dst, buf.Bytes()...)
		n++
	}
	for i := 0; i < len(pairs); i += 2 {
		name, value := string(pairs[i]), pairs[i+1]
		if len(value) == 0 || slices.ContainsFunc(members, func(m member) bool { return strings.EqualFold(m.name, name) }) {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, name)
		dst = append(dst, ':', '"')
		dst = appendEscaped(dst, value)
		dst = append(dst, '"')
		n++
	}
	return append(dst, '}'), nil
}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, []byte(s))
	return append(dst, '"')
}

// sqsAttribute is an SQS message attribute as Lambda delivers it.
type sqsAttribute struct {
	name             string
	StringValue      *string  `json:"stringValue,omitempty"`
	BinaryValue      *string  `json:"binaryValue,omitempty"`
	StringListValues []string `json:"stringListValues"`
	BinaryListValues []string `json:"binaryListValues"`
	DataType         string   `json:"dataType"`
}

type sqsAttributes []sqsAttribute

// MarshalJSON writes the attributes as an object in their given order.
func (a sqsAttributes) MarshalJSON() ([]byte, error) {
	dst := []byte{'{'}
	for i, attr := range a {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, attr.name)
		dst = append(dst, ':')
		b, err := json.Marshal(attr)
		if err != nil {
			return nil, err
		}
		dst = append(dst, b...)
	}
	return append(dst, '}'), nil
}

func parseSQSAttributes(obj []byte) (sqsAttributes, error) {
	members, _, err := decodeObject(obj)
	if err != nil {
		return nil, err
	}
	attrs := make(sqsAttributes, 0, len(members))
	for _, m := range members {
		a := sqsAttribute{name: m.name, StringListValues: []string{}, BinaryListValues: []string{}}
		var s string
		if json.Unmarshal(m.value, &s) == nil {
			a.StringValue, a.DataType = &s, "String"
		} else if err := json.Unmarshal(m.value, &a); err != nil {
			return nil, fmt.Errorf("message attribute %q: %v", m.name, err)
		}
		if a.StringListValues == nil {
			a.StringListValues = []string{}
		}
		if a.BinaryListValues == nil {
			a.BinaryListValues = []string{}
		}
		if a.DataType == "" {
			a.DataType = "String"
			if a.BinaryValue != nil {
				a.DataType = "Binary"
			}
		}
		if a.BinaryValue != nil {
			if _, err := base64.StdEncoding.DecodeString(*a.BinaryValue); err != nil {
				return nil, fmt.Errorf("message attribute %q: binaryValue is not base64", m.name)
			}
		}
		attrs = append(attrs, a)
	}
	return attrs, nil
}

// sqsAttributesMD5 is the MD5 SQS computes over message attributes: for
// each attribute by name, the length-prefixed name, data type, a transport
// byte (1 string, 2 binary) and the length-prefixed value.
func sqsAttributesMD5(attrs sqsAttributes) string {
	sorted := slices.Clone(attrs)
	slices.SortFunc(sorted, func(a, b sqsAttribute) int { return strings.Compare(a.name, b.name) })
	h := md5.New()
	put := func(b []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, a := range sorted {
		put([]byte(a.name))
		put([]byte(a.DataType))
		if a.BinaryValue != nil {
			v, _ := base64.StdEncoding.DecodeString(*a.BinaryValue)
			h.Write([]byte{2})
			put(v)
		} else {
			h.Write([]byte{1})
			put([]byte(deref(a.StringValue)))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// logsPayload is the document CloudWatch Logs gzips into awslogs.data.
type logsPayload struct {
	MessageType         string     `json:"messageType"`
	Owner               string     `json:"owner"`
	LogGroup            string     `json:"logGroup"`
	LogStream           string     `json:"logStream"`
	SubscriptionFilters []string   `json:"subscriptionFilters"`
	LogEvents           []logEvent `json:"logEvents"`
}

type logEvent struct {
	ID        string `json:"id"`
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

func appendAWSLogs(dst []byte, st *state, e *expr, rec int, args [][]byte) ([]byte, error) {
	var lines []json.RawMessage
	if err := json.Unmarshal(args[4], &lines); err != nil {
		return dst, fmt.Errorf("log lines: want a JSON array, not %s", args[4])
	}
	p := logsPayload{
		MessageType:         "DATA_MESSAGE",
		Owner:               string(args[0]),
		LogGroup:            string(args[1]),
		LogStream:           string(args[2]),
		SubscriptionFilters: []string{string(args[3])},
		LogEvents:           make([]logEvent, 0, len(lines)),
	}
	ms := st.time().UnixMilli()
	r := st.rng(e.key, rec)
	for i, line := range lines {
		var msg string
		if json.Unmarshal(line, &msg) != nil {
			var buf bytes.Buffer
			if err := json.Compact(&buf, line); err != nil {
				return dst, err
			}
			msg = buf.String()
		}
		// Event ids are 56 digits that start with the time.
		id := strconv.AppendInt(nil, ms+int64(i), 10)
		id, _ = appendRandom(id, r, []byte(strconv.Itoa(56-len(id))), "0123456789")
		p.LogEvents = append(p.LogEvents, logEvent{ID: string(id), Timestamp: ms + int64(i), Message: msg})
	}
	b, err := json.Marshal(p)
	if err != nil {
		return dst, err
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(b)
	if err := w.Close(); err != nil {
		return dst, err
	}
	return base64.StdEncoding.AppendEncode(dst, gz.Bytes()), nil
}

// appendPathParameters matches an API Gateway resource such as
// /items/{id}/{proxy+} against a path and appends the variables' values.
func appendPathParameters(dst []byte, resource, path string) []byte {
	res := strings.Split(strings.Trim(resource, "/"), "/")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	n := 0
	for i, r := range res {
		if !strings.HasPrefix(r, "{") || !strings.HasSuffix(r, "}") || i >= len(segs) {
			continue
		}
		name := strings.Trim(r, "{}")
		value := segs[i]
		if strings.HasSuffix(name, "+") {
			name = strings.TrimSuffix(name, "+")
			value = strings.Join(segs[i:], "/")
		}
		if n == 0 {
			dst = append(dst, '{')
		} else {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, name)
		dst = append(dst, ':')
		dst = appendQuoted(dst, value)
		n++
	}
	if n == 0 {
		return append(dst, "null"...)
	}
	return append(dst, '}')
}

// stringsOf reads a JSON array whose elements are strings (or, compacted, other
// JSON values); null is no elements.
func stringsOf(b []byte) ([]string, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, fmt.Errorf("want a JSON array, not %s", b)
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		if json.Unmarshal(item, &s) != nil {
			var buf bytes.Buffer
			if err := json.Compact(&buf, item); err != nil {
				return nil, err
			}
			s = buf.String()
		}
		out = append(out, s)
	}
	return out, nil
}

// appendKPL appends a KPL aggregated record: the magic bytes, the protobuf
// AggregatedRecord (one partition key; each record refers to it) and the
// MD5 of the protobuf.
func appendKPL(dst, key, records []byte) ([]byte, error) {
	items, err := stringsOf(records)
	if err != nil {
		return dst, fmt.Errorf("records: %v", err)
	}
	field := func(b []byte, tag byte, v []byte) []byte {
		b = append(b, tag)
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	var pb []byte
	pb = field(pb, 0x0a, key) // partition_key_table, field 1
	for _, item := range items {
		rec := []byte{0x08, 0x00}            // partition_key_index 0, field 1
		rec = field(rec, 0x1a, []byte(item)) // data, field 3
		pb = field(pb, 0x1a, rec)            // records, field 3
	}
	sum := md5.Sum(pb)
	dst = append(dst, 0xf3, 0x89, 0x9a, 0xc2)
	dst = append(dst, pb...)
	return append(dst, sum[:]...), nil
}

func appendCFHeaders(dst, obj []byte, pairs [][]byte) ([]byte, error) {
	if len(pairs)%2 != 0 {
		return dst, fmt.Errorf("cfheaders takes name value pairs after the object")
	}
	members, _, err := decodeObject(obj)
	if err != nil {
		return dst, err
	}
	type entry struct{ key, value string }
	var order []string
	byName := map[string][]entry{}
	add := func(name, value string) {
		k := strings.ToLower(name)
		if _, seen := byName[k]; !seen {
			order = append(order, k)
		}
		byName[k] = append(byName[k], entry{name, value})
	}
	for _, m := range members {
		values, err := m.values()
		if err != nil {
			return dst, err
		}
		for _, v := range values {
			add(m.name, v)
		}
	}
	for i := 0; i < len(pairs); i += 2 {
		name, value := string(pairs[i]), string(pairs[i+1])
		if _, ok := byName[strings.ToLower(name)]; ok || value == "" {
			continue
		}
		add(name, value)
	}
	dst = append(dst, '{')
	for i, k := range order {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, k)
		dst = append(dst, ":["...)
		for j, e := range byName[k] {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"key":`...)
			dst = appendQuoted(dst, e.key)
			dst = append(dst, `,"value":`...)
			dst = appendQuoted(dst, e.value)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// lexSlots reads a JSON object of slot values: strings, or null for a slot
// not filled yet.
func lexSlots(obj []byte) ([]member, []*string, error) {
	members, _, err := decodeObject(obj)
	if err != nil {
		return nil, nil, err
	}
	values := make([]*string, len(members))
	for i, m := range members {
		if string(m.value) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(m.value, &s); err != nil {
			return nil, nil, fmt.Errorf("slot %q: want a string or null, not %s", m.name, m.value)
		}
		values[i] = &s
	}
	return members, values, nil
}

func appendLexSlotDetails(dst, obj []byte) ([]byte, error) {
	members, values, err := lexSlots(obj)
	if err != nil {
		return dst, err
	}
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendQuoted(dst, m.name)
		if values[i] == nil {
			dst = append(dst, `:{"resolutions":[],"originalValue":null}`...)
			continue
		}
		dst = append(dst, `:{"resolutions":[{"value":`...)
		dst = appendQuoted(dst, *values[i])
		dst = append(dst, `}],"originalValue":`...)
		dst = appendQuoted(dst, *values[i])
		dst = append(dst, '}')
	}
	return append(dst, '}'), nil
}

func appendLexV2Slots(dst, obj []byte, mode string) ([]byte, error) {
	if mode != "intent" && mode != "resolved" {
		return dst, fmt.Errorf("lexv2slots: mode %q is not intent or resolved", mode)
	}
	members, values, err := lexSlots(obj)
	if err != nil {
		return dst, err
	}
	dst = append(dst, '{')
	n := 0
	for i, m := range members {
		v := values[i]
		if v == nil && mode == "resolved" {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = appendQuoted(dst, m.name)
		dst = append(dst, ':')
		if v == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, `{"shape":"Scalar","value":{"originalValue":`...)
		dst = appendQuoted(dst, *v)
		dst = append(dst, `,"resolvedValues":[`...)
		dst = appendQuoted(dst, *v)
		dst = append(dst, ']')
		if mode == "intent" {
			dst = append(dst, `,"interpretedValue":`...)
			dst = appendQuoted(dst, *v)
		}
		dst = append(dst, "}}"...)
	}
	return append(dst, '}'), nil
}

// appendGraphQLSelection writes a selection set list ("id", "author",
// "author/name") as GraphQL, two spaces an indent as AppSync does.
func appendGraphQLSelection(dst, list []byte) ([]byte, error) {
	paths, err := stringsOf(list)
	if err != nil {
		return dst, fmt.Errorf("selection set: %v", err)
	}
	type field struct {
		name     string
		children []*field
	}
	root := &field{}
	for _, p := range paths {
		f := root
		for _, name := range strings.Split(p, "/") {
			if name == "" {
				continue
			}
			var next *field
			for _, c := range f.children {
				if c.name == name {
					next = c
				}
			}
			if next == nil {
				next = &field{name: name}
				f.children = append(f.children, next)
			}
			f = next
		}
	}
	var write func(f *field, indent string)
	write = func(f *field, indent string) {
		dst = append(dst, "{\n"...)
		for _, c := range f.children {
			dst = append(dst, indent+"  "...)
			dst = append(dst, c.name...)
			if len(c.children) > 0 {
				dst = append(dst, ' ')
				write(c, indent+"  ")
			}
			dst = append(dst, '\n')
		}
		dst = append(dst, indent...)
		dst = append(dst, '}')
	}
	write(root, "")
	return dst, nil
}

func appendObjects(dst []byte, name string, list []byte) ([]byte, error) {
	items, err := stringsOf(list)
	if err != nil {
		return dst, err
	}
	dst = append(dst, '[')
	for i, item := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = appendQuoted(dst, name)
		dst = append(dst, ':')
		dst = appendQuoted(dst, item)
		dst = append(dst, '}')
	}
	return append(dst, ']'), nil
}
