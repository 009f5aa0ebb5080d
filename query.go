package snskit

import (
	"net/url"
	"slices"
	"unsafe"
)

// mergeQuery encodes the query and values of a GET in one sorted string.
func mergeQuery(q, v url.Values) string {
	if len(q) == 0 {
		return encodeValues(v)
	}
	all := make(url.Values, len(q)+len(v))
	for k, vs := range v {
		all[k] = vs
	}
	for k, vs := range q {
		all[k] = append(all[k], vs...)
	}
	return encodeValues(all)
}

// encodeValues is url.Values.Encode (sorted by key, query-escaped) in one
// allocation for the usual call: the buffer is sized first, the keys are
// sorted on the stack, and the runs of bytes that need no escaping (a
// token, most values) are copied whole.
func encodeValues(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	var stack [16]string
	keys := stack[:0]
	n := 0
	for k, vs := range v {
		keys = append(keys, k)
		for _, s := range vs {
			n += len(k) + len(s) + 2
		}
	}
	slices.Sort(keys)
	buf := make([]byte, 0, n+n/8)
	for _, k := range keys {
		for _, s := range v[k] {
			if len(buf) > 0 {
				buf = append(buf, '&')
			}
			buf = appendQueryEscaped(buf, k)
			buf = append(buf, '=')
			buf = appendQueryEscaped(buf, s)
		}
	}
	// buf is never written again, so it can back the string.
	return unsafe.String(unsafe.SliceData(buf), len(buf))
}

// appendQueryEscaped appends url.QueryEscape(s) to b, without the string
// QueryEscape allocates for each value that needs escaping.
func appendQueryEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	// keep holds a bit for each byte QueryEscape leaves as it is: ASCII
	// letters, digits and "-._~" (bytes 0-63 in the first word, 64-127 in
	// the second). A table lookup, where a test per range would branch on
	// every letter and digit of a token.
	keep := [4]uint64{
		1<<'-' | 1<<'.' | 0x3ff<<'0',
		0x3ffffff<<('A'-64) | 1<<('_'-64) | 0x3ffffff<<('a'-64) | 1<<('~'-64),
	}
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep[c>>6]>>(c&63)&1 != 0 {
			continue
		}
		b = append(b, s[start:i]...)
		if c == ' ' {
			b = append(b, '+')
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}
