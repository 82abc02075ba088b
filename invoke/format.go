package invoke

import (
	"strconv"
	"strings"
	"time"
)

// FormatMS writes a duration in milliseconds the way lambench shows them
// everywhere (CLI and TUI): "3 ms", "1.42 ms", "21.3 ms", "512 ms".
func FormatMS(d time.Duration) string {
	if d > 0 && d%time.Millisecond == 0 {
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + " ms"
	}
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
}

// IsErrorLine reports whether a log line looks like an error (for
// highlighting; a heuristic over what the runtimes and Lambda write).
func IsErrorLine(msg string) bool {
	for _, s := range []string{"ERROR", "Error", "error:", "Task timed out", "Runtime.", "Traceback", "panic:", "Exception"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
