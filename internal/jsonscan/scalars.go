package jsonscan

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// The scanners of whitespace, strings, literals and numbers: each returns
// the index after what it read, or the *Error that stops the scan.

// JSON whitespace.
func space(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\n', '\r', '\t':
			i++
			continue
		}
		break
	}
	return i
}

// str scans the rest of a string whose opening quote is just before s[i]
// and returns the offset after its closing quote. Eight bytes at a time
// while none of them is a quote, a backslash or a control character.
func str(s string, i int) (int, *Error) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	b := unsafe.Slice(unsafe.StringData(s), len(s)) // read only
	for {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q := x ^ ('"' * ones)
			e := x ^ ('\\' * ones)
			if t := ((x-0x20*ones)&^x | (q-ones)&^q | (e-ones)&^e) & highs; t != 0 {
				// The lowest flagged byte is exact: the borrows that can
				// flag wrongly only run upwards from a flagged byte.
				i += bits.TrailingZeros64(t) >> 3
				break
			}
			i += 8
		}
		if i == len(s) {
			return i, &Error{Incomplete, i}
		}
		switch c := s[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			i++
			if i == len(s) {
				return i, &Error{Incomplete, i}
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				for k := 1; k <= 4; k++ {
					if i+k == len(s) {
						return i + k, &Error{Incomplete, i + k}
					}
					if !hex(s[i+k]) {
						return i + k, &Error{Syntax, i + k}
					}
				}
				i += 5
			default:
				return i, &Error{Syntax, i}
			}
		case c < 0x20:
			return i, &Error{Syntax, i}
		default:
			i++
		}
	}
}

func hex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// literal scans true, false or null at s[i].
func literal(s string, i int, word string) (int, *Error) {
	for k := 0; k < len(word); k++ {
		if i+k == len(s) {
			return i + k, &Error{Incomplete, i + k}
		}
		if s[i+k] != word[k] {
			return i + k, &Error{Syntax, i + k}
		}
	}
	return i + len(word), nil
}

// number scans a number at s[i]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func number(s string, i int) (int, *Error) {
	if s[i] == '-' {
		i++
	}
	if i == len(s) {
		return i, &Error{Incomplete, i}
	}
	switch c := s[i]; {
	case c == '0':
		i++
	case '1' <= c && c <= '9':
		i = digits(s, i+1)
	default:
		return i, &Error{Syntax, i}
	}
	if i < len(s) && s[i] == '.' {
		var err *Error
		if i, err = someDigits(s, i+1); err != nil {
			return i, err
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		var err *Error
		if i, err = someDigits(s, i); err != nil {
			return i, err
		}
	}
	return i, nil
}

// someDigits scans one digit or more at s[i].
func someDigits(s string, i int) (int, *Error) {
	if i == len(s) {
		return i, &Error{Incomplete, i}
	}
	if s[i] < '0' || s[i] > '9' {
		return i, &Error{Syntax, i}
	}
	return digits(s, i+1), nil
}

// digits skips the digits at s[i].
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}
