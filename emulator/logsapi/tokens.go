package logsapi

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Pagination tokens are opaque to clients but plain inside: they name a
// position, not a page, so they stay valid as events come and go.

// filterCursor is FilterLogEvents' position: the (timestamp, id) of the
// last event returned, and the direction of travel.
type filterCursor struct {
	desc bool
	ts   int64
	id   uint64
}

func (c filterCursor) token() string {
	dir := 'a'
	if c.desc {
		dir = 'd'
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "F1%c%d.%d", dir, c.ts, c.id))
}

func parseFilterToken(tok string) (filterCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 4 || string(b[:2]) != "F1" || (b[2] != 'a' && b[2] != 'd') {
		return filterCursor{}, false
	}
	tsText, idText, ok := strings.Cut(string(b[3:]), ".")
	if !ok {
		return filterCursor{}, false
	}
	ts, err1 := strconv.ParseInt(tsText, 10, 64)
	id, err2 := strconv.ParseUint(idText, 10, 64)
	if err1 != nil || err2 != nil {
		return filterCursor{}, false
	}
	return filterCursor{desc: b[2] == 'd', ts: ts, id: id}, true
}

// GetLogEvents' tokens look like AWS's, f/<56 digits>/s and b/<56
// digits>/s. The number is an event ID: f/N reads forward from the event
// with ID N (or the next one), b/N backward from the one before it.

func streamToken(forward bool, id uint64) string {
	dir := 'b'
	if forward {
		dir = 'f'
	}
	return fmt.Sprintf("%c/%056d/s", dir, id)
}

func parseStreamToken(tok string) (forward bool, id uint64, ok bool) {
	if len(tok) != 60 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' || tok[58:] != "/s" {
		return false, 0, false
	}
	id, err := strconv.ParseUint(tok[2:58], 10, 64)
	if err != nil {
		return false, 0, false
	}
	return tok[0] == 'f', id, true
}

// describeCursor is DescribeLogStreams' and DescribeLogGroups' position:
// the sort key of the last item returned, and the order it was in.
type describeCursor struct {
	order string // "name", "time" (LastEventTime) or "group"
	desc  bool
	time  int64
	name  string
}

func (c describeCursor) token() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "D1|%s|%t|%d|%s", c.order, c.desc, c.time, c.name))
}

func parseDescribeToken(tok string) (describeCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return describeCursor{}, false
	}
	parts := strings.SplitN(string(b), "|", 5)
	if len(parts) != 5 || parts[0] != "D1" {
		return describeCursor{}, false
	}
	desc, err1 := strconv.ParseBool(parts[2])
	t, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return describeCursor{}, false
	}
	return describeCursor{order: parts[1], desc: desc, time: t, name: parts[4]}, true
}

// eventID is FilteredLogEvent.eventId: 56 digits, as AWS's, holding the
// store's event ID.
func eventID(id uint64) string { return fmt.Sprintf("%056d", id) }
