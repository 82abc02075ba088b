// Package suggest finds the closest valid name to a mistyped one, for
// error messages that say what the user probably meant.
package suggest

import "strings"

// Closest returns the candidate nearest to s by edit distance
// (case-insensitive), or "" when none is close enough to be a plausible typo.
// Of candidates equally near, one that s begins is preferred ("sq" is
// nearer "sqs" than "s3").
func Closest(s string, candidates []string) string {
	best, bestDist, bestPrefix := "", -1, false
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d, prefix := Distance(ls, lc), strings.HasPrefix(lc, ls)
		if bestDist < 0 || d < bestDist || d == bestDist && prefix && !bestPrefix {
			best, bestDist, bestPrefix = c, d, prefix
		}
	}
	limit := max(2, len(s)/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// Distance is the Levenshtein distance between a and b (bytes).
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
