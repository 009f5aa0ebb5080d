// Package jsonscan checks JSON text without recursion: in one pass, in time
// linear in its length, with the nesting of arrays and objects bounded by
// MaxDepth, and without allocating unless it reports an error. A document it
// accepts can then be read with gjson, whose recursive parts (Result.Value,
// Array, ForEach) then recurse at most MaxDepth levels.
//
// It accepts what gjson.Valid accepts (RFC 8259 JSON; strings are not
// checked for valid UTF-8) and refuses, besides, nesting deeper than
// MaxDepth, which gjson.Valid meets with a recursion that a few million
// brackets turn into a fatal stack overflow.
package jsonscan

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// MaxDepth is the deepest nesting of arrays and objects accepted, as in
// encoding/json: the outermost array or object is at depth 1.
const MaxDepth = 10000

// Kind says what is wrong with a text.
type Kind uint8

// The kinds of Error.
const (
	// Incomplete: the text ends inside a value (truncated).
	Incomplete Kind = iota + 1
	// Syntax: a byte that JSON does not allow where it stands.
	Syntax
	// TooDeep: arrays and objects nest deeper than MaxDepth.
	TooDeep
	// Trailing: something other than whitespace follows the value (a
	// second value, garbage).
	Trailing
	// Empty: the text holds only whitespace.
	Empty
)

// Error reports why a text is not one JSON value.
type Error struct {
	Kind Kind
	// Offset is the byte offset where the problem was found.
	Offset int
}

// Error says what is wrong and where.
func (e *Error) Error() string {
	at := strconv.Itoa(e.Offset)
	switch e.Kind {
	case Incomplete:
		return "json ends inside a value after " + at + " bytes"
	case TooDeep:
		return "json nests deeper than " + DepthText + " levels at byte " + at
	case Trailing:
		return "json has more after its value at byte " + at
	case Empty:
		return "json text is empty"
	}
	return "json syntax error at byte " + at
}

// DepthText is MaxDepth as messages write it.
const DepthText = "10,000"

// Valid checks that s is one JSON value with only whitespace around it.
func Valid(s string) error {
	return Object(s, nil, nil)
}

// Object checks s as Valid does and sets vals[k] to the value of the first
// top-level member named keys[k], in the same pass, or to the zero Result
// when s has none or is not an object. vals must be at least as long as
// keys. The values point into s: their Raw is a substring of s and Index its
// offset.
func Object(s string, keys []string, vals []gjson.Result) error {
	for k := range keys {
		vals[k] = gjson.Result{}
	}
	i := space(s, 0)
	if i == len(s) {
		return &Error{Empty, i}
	}
	var err *Error
	if s[i] != '{' {
		i, err = Value(s, i, 0)
	} else {
		i, err = members(s, i+1, keys, vals)
	}
	if err != nil {
		return err
	}
	if i = space(s, i); i != len(s) {
		return &Error{Trailing, i}
	}
	return nil
}

// members scans the members of the top-level object whose '{' is just
// before s[i], filling vals, and returns the offset after its '}'.
func members(s string, i int, keys []string, vals []gjson.Result) (int, *Error) {
	var found uint64 // bit k: vals[k] set, for the first 64 keys
	i = space(s, i)
	if i < len(s) && s[i] == '}' {
		return i + 1, nil
	}
	for {
		var member string
		var err *Error
		if member, i, err = name(s, i); err != nil {
			return i, err
		}
		i = space(s, i)
		vstart := i
		if i, err = Value(s, i, 1); err != nil {
			return i, err
		}
		if len(keys) > 0 {
			for k, key := range keys {
				if k < 64 && found&(1<<k) != 0 || !keyIs(member, key) {
					continue
				}
				r := gjson.Parse(s[vstart:i])
				r.Index = vstart
				vals[k] = r
				if k < 64 {
					found |= 1 << k
				}
				break
			}
		}
		i = space(s, i)
		if i == len(s) {
			return i, &Error{Incomplete, i}
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			return i + 1, nil
		default:
			return i, &Error{Syntax, i}
		}
	}
}

// keyIs reports whether the raw (still escaped) member name equals key.
func keyIs(raw, key string) bool {
	if raw == key {
		return true
	}
	for j := 0; j < len(raw); j++ {
		if raw[j] == '\\' {
			return gjson.Parse(`"`+raw+`"`).Str == key
		}
	}
	return false
}

// name scans a member name at s[i] (after any whitespace) and the ':'
// after it, and returns the name still escaped and the offset after the
// colon.
func name(s string, i int) (string, int, *Error) {
	i = space(s, i)
	if i == len(s) {
		return "", i, &Error{Incomplete, i}
	}
	if s[i] != '"' {
		return "", i, &Error{Syntax, i}
	}
	start := i + 1
	end, err := str(s, start)
	if err != nil {
		return "", end, err
	}
	i = space(s, end)
	if i == len(s) {
		return "", i, &Error{Incomplete, i}
	}
	if s[i] != ':' {
		return "", i, &Error{Syntax, i}
	}
	return s[start : end-1], i + 1, nil
}

// Value scans the JSON value at s[i] (after any whitespace), inside
// containers already depth deep, and returns the offset just past it.
// Nesting is tracked in a bit stack on the goroutine's stack, not by
// recursion.
func Value(s string, i, depth int) (int, *Error) {
	var objects [MaxDepth/64 + 1]uint64 // bit d: level d+1 is an object
	base := depth
	for {
		// A value starts at i.
		i = space(s, i)
		if i == len(s) {
			return i, &Error{Incomplete, i}
		}
		var err *Error
		switch c := s[i]; c {
		case '{', '[':
			if depth >= MaxDepth {
				return i, &Error{TooDeep, i}
			}
			obj := c == '{'
			if obj {
				objects[depth>>6] |= 1 << (depth & 63)
			} else {
				objects[depth>>6] &^= 1 << (depth & 63)
			}
			depth++
			i = space(s, i+1)
			if i < len(s) && (obj && s[i] == '}' || !obj && s[i] == ']') {
				depth--
				i++
				break
			}
			if obj {
				if _, i, err = name(s, i); err != nil {
					return i, err
				}
			}
			continue
		case '"':
			i, err = str(s, i+1)
		case 't':
			i, err = literal(s, i, "true")
		case 'f':
			i, err = literal(s, i, "false")
		case 'n':
			i, err = literal(s, i, "null")
		default:
			i, err = number(s, i)
		}
		if err != nil {
			return i, err
		}
		// After a value: close containers until one continues.
		for {
			if depth == base {
				return i, nil
			}
			i = space(s, i)
			if i == len(s) {
				return i, &Error{Incomplete, i}
			}
			d := depth - 1
			obj := objects[d>>6]&(1<<(d&63)) != 0
			c := s[i]
			if c == ',' {
				i++
				if obj {
					if _, i, err = name(s, i); err != nil {
						return i, err
					}
				}
				break
			}
			if obj && c == '}' || !obj && c == ']' {
				depth--
				i++
				continue
			}
			return i, &Error{Syntax, i}
		}
	}
}

// space returns the offset of the first byte at or after i that is not
