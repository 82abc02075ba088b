// Package requestid makes the request ids of the local Lambda: random
// version 4 UUIDs, as Lambda's are, made without allocating.
package requestid

import "math/rand/v2"

const hexDigits = "0123456789abcdef"

// New returns a random UUID (version 4, RFC 4122 variant) in its 36-byte
// text form. The random source is math/rand/v2's ChaCha8: unpredictable
// enough for ids, and fast on the invoke path.
func New() [36]byte {
	hi, lo := rand.Uint64(), rand.Uint64()
	hi = hi&^0xf000 | 0x4000           // version 4
	lo = lo&^(0xc000<<48) | 0x8000<<48 // RFC 4122 variant
	var b [36]byte
	put := func(pos int, v uint64, digits int) {
		for i := digits - 1; i >= 0; i-- {
			b[pos+i] = hexDigits[v&0xf]
			v >>= 4
		}
	}
	put(0, hi>>32, 8)
	b[8] = '-'
	put(9, hi>>16&0xffff, 4)
	b[13] = '-'
	put(14, hi&0xffff, 4)
	b[18] = '-'
	put(19, lo>>48, 4)
	b[23] = '-'
	put(24, lo&0xffffffffffff, 12)
	return b
}

// String returns New as a string.
func String() string {
	b := New()
	return string(b[:])
}
