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
// QueryEscape allocates for each value that needs escaping. Runs of bytes
// that need none (a token is one) are found eight bytes at a time and
// copied whole.
func appendQueryEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	start, i := 0, 0
	for i < len(s) {
		if i+8 <= len(s) && unreserved[s[i]]&unreserved[s[i+1]]&unreserved[s[i+2]]&unreserved[s[i+3]]&
			unreserved[s[i+4]]&unreserved[s[i+5]]&unreserved[s[i+6]]&unreserved[s[i+7]] == 1 {
			i += 8
			continue
		}
		c := s[i]
		i++
		if unreserved[c] == 1 {
			continue
		}
		b = append(b, s[start:i-1]...)
		if c == ' ' {
			b = append(b, '+')
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
		start = i
	}
	return append(b, s[start:]...)
}

// unreserved holds 1 at each byte url.QueryEscape leaves as it is (ASCII
// letters, digits and "-._~") and 0 elsewhere. A constant, indexed by a
// byte without a bounds check.
const unreserved = "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00" +
	"\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x01" +
	"\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x01\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
