package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// sKind is what a Go value is once snskit encodes it.
type sKind uint8

const (
	sText  sKind = iota // a string (or []byte, or a fmt.Stringer)
	sInt                // a signed integer (or a time.Time, as Unix seconds)
	sUint               // an unsigned integer
	sFloat              // a float
	sBool               // a bool
	sList               // a slice or array
	sOther              // a map, struct, json.Marshaler or File: JSON or a file part
)

// scalar is a value as snskit will encode it, without allocating.
type scalar struct {
	k    sKind
	text string
	i    int64
	u    uint64
	f    float64
	b    bool
}

// scalarOf classifies v the way snskit's encoder does (same order of
// cases), so that the check judges what is sent.
func scalarOf(v any) scalar { return scalarAt(v, 0) }

// maxPointers bounds the pointers scalarAt follows: a pointer type that
// points to itself must not loop.
const maxPointers = 8

func scalarAt(v any, depth int) scalar {
	switch x := v.(type) {
	case string:
		return scalar{k: sText, text: x}
	case []byte:
		return scalar{k: sText, text: string(x)}
	case int:
		return scalar{k: sInt, i: int64(x)}
	case int64:
		return scalar{k: sInt, i: x}
	case int32:
		return scalar{k: sInt, i: int64(x)}
	case int16:
		return scalar{k: sInt, i: int64(x)}
	case int8:
		return scalar{k: sInt, i: int64(x)}
	case uint:
		return scalar{k: sUint, u: uint64(x)}
	case uint64:
		return scalar{k: sUint, u: x}
	case uint32:
		return scalar{k: sUint, u: uint64(x)}
	case uint16:
		return scalar{k: sUint, u: uint64(x)}
	case uint8:
		return scalar{k: sUint, u: uint64(x)}
	case float64:
		return scalar{k: sFloat, f: x}
	case float32:
		return scalar{k: sFloat, f: float64(x)}
	case bool:
		return scalar{k: sBool, b: x}
	case time.Time:
		return scalar{k: sInt, i: x.Unix()}
	case []string, []int, []int64:
		return scalar{k: sList}
	case json.Marshaler:
		return scalar{k: sOther}
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return scalar{k: sOther}
		}
		return scalar{k: sText, text: x.String()}
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return scalar{k: sText, text: rv.String()}
	case reflect.Bool:
		return scalar{k: sBool, b: rv.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar{k: sInt, i: rv.Int()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return scalar{k: sUint, u: rv.Uint()}
	case reflect.Float32, reflect.Float64:
		return scalar{k: sFloat, f: rv.Float()}
	case reflect.Slice, reflect.Array:
		return scalar{k: sList}
	case reflect.Pointer, reflect.Interface:
		if !rv.IsNil() && depth < maxPointers {
			return scalarAt(rv.Elem().Interface(), depth+1)
		}
	}
	return scalar{k: sOther}
}

// checkValue checks v against p and returns the problem's kind and detail
// (after the parameter's name), or 0.
func checkValue(p *Param, v any) (ProblemKind, string) {
	s := scalarOf(v)
	if p.Type&Array == 0 || s.k == sOther && p.Type&(Object|File) != 0 {
		if s.k == sList {
			if p.Type == Any || p.Type&(String|Object) != 0 {
				return 0, "" // comma-joined text, or JSON
			}
			return WrongType, "wants " + p.TypeString() + ", got a list (" + fmt.Sprintf("%T", v) + ")"
		}
		return checkScalar(p, p.Type, s, 0)
	}
	// An array: a slice, comma-separated text, or one element.
	n := 0
	elem := func(e scalar) (ProblemKind, string) {
		n++
		return checkScalar(p, p.Items, e, n)
	}
	switch x := v.(type) {
	case []int:
		for _, e := range x {
			if k, d := elem(scalar{k: sInt, i: int64(e)}); k != 0 {
				return k, d
			}
		}
	case []string:
		for _, e := range x {
			if k, d := elem(scalar{k: sText, text: e}); k != 0 {
				return k, d
			}
		}
	default:
		switch s.k {
		case sList:
			rv := reflect.ValueOf(v)
			for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
				rv = rv.Elem()
			}
			for i := range rv.Len() {
				if k, d := elem(scalarOf(rv.Index(i).Interface())); k != 0 {
					return k, d
				}
			}
		case sText:
			if s.text != "" {
				for part := range strings.SplitSeq(s.text, ",") {
					if k, d := elem(scalar{k: sText, text: part}); k != 0 {
						return k, d
					}
				}
			}
		case sOther:
			if p.JSON || p.Items&Object != 0 {
				return 0, ""
			}
			return WrongType, "wants " + p.TypeString() + ", got " + fmt.Sprintf("%T", v)
		default:
			if k, d := elem(s); k != 0 {
				return k, d
			}
		}
	}
	switch {
	case p.MaxItems > 0 && n > p.MaxItems:
		return OutOfRange, "has " + strconv.Itoa(n) + " elements, more than the maximum " + strconv.Itoa(p.MaxItems) + "; split the call"
	case p.MinItems > 0 && n < p.MinItems:
		return OutOfRange, "has " + strconv.Itoa(n) + " elements, fewer than the minimum " + strconv.Itoa(p.MinItems)
	}
	return 0, ""
}

// checkScalar checks one value (the parameter's, or its element number elem
// when elem > 0) against the kinds t and p's bounds and enum.
func checkScalar(p *Param, t Type, s scalar, elem int) (ProblemKind, string) {
	kind, detail := checkOne(p, t, s, elem == 0)
	if kind != 0 && elem > 0 {
		detail = "element " + strconv.Itoa(elem) + " " + detail
	}
	return kind, detail
}

// checkOne does checkScalar's work; top is false for an array's element.
func checkOne(p *Param, t Type, s scalar, top bool) (ProblemKind, string) {
	num, isNum, integral := s.number()
	if t != Any && !accepts(t, p.JSON, s, isNum, integral) {
		got := "text that is not " + article(t)
		switch s.k {
		case sInt, sUint, sFloat:
			got = "a number"
		case sBool:
			got = "a bool"
		case sList:
			got = "a list"
		case sOther:
			got = "a JSON object or file"
		}
		return WrongType, "wants " + t.String() + ", got " + got
	}
	if isNum && (t == Any || t&(Integer|Number) != 0) {
		if p.Min != nil && num < *p.Min {
			return OutOfRange, "is " + formatNum(num) + ", less than the minimum " + formatNum(*p.Min)
		}
		if p.Max != nil && num > *p.Max {
			return OutOfRange, "is " + formatNum(num) + ", more than the maximum " + formatNum(*p.Max)
		}
	}
	if s.k == sText && top && (p.MinLength > 0 || p.MaxLength > 0) {
		n := utf8.RuneCountInString(s.text)
		if p.MaxLength > 0 && n > p.MaxLength {
			return OutOfRange, "is " + strconv.Itoa(n) + " characters long, more than the maximum " + strconv.Itoa(p.MaxLength)
		}
		if n < p.MinLength {
			return OutOfRange, "is " + strconv.Itoa(n) + " characters long, less than the minimum " + strconv.Itoa(p.MinLength)
		}
	}
	if len(p.Enum) > 0 && !s.inEnum(p.Enum) {
		return NotInEnum, "must be one of " + strings.Join(p.Enum, ", ")
	}
	return 0, ""
}

// accepts reports whether a value of the kinds t can be s.
func accepts(t Type, isJSON bool, s scalar, isNum, integral bool) bool {
	if t&Object != 0 {
		return true
	}
	if s.k == sOther {
		return t&File != 0 || isJSON && t&String != 0
	}
	if t&String != 0 {
		return true
	}
	if t&Integer != 0 && isNum && integral {
		return true
	}
	if t&Number != 0 && isNum {
		return true
	}
	if t&Boolean != 0 {
		if s.k == sBool || isNum && (num01(s)) {
			return true
		}
		if s.k == sText && (s.text == "true" || s.text == "false") {
			return true
		}
	}
	return false
}

func num01(s scalar) bool {
	n, _, _ := s.number()
	return n == 0 || n == 1
}

// number returns s as a number, whether it is one, and whether it is a
// whole one. Text counts when it is a decimal number.
func (s scalar) number() (float64, bool, bool) {
	switch s.k {
	case sInt:
		return float64(s.i), true, true
	case sUint:
		return float64(s.u), true, true
	case sFloat:
		return s.f, !math.IsNaN(s.f) && !math.IsInf(s.f, 0), s.f == math.Trunc(s.f)
	case sBool:
		if s.b {
			return 1, true, true
		}
		return 0, true, true
	case sText:
		return parseNumber(s.text)
	}
	return 0, false, false
}

// parseNumber reads decimal text without allocating on failure.
func parseNumber(t string) (float64, bool, bool) {
	if t == "" || len(t) > 64 {
		return 0, false, false
	}
	digits, integral := 0, true
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case '0' <= c && c <= '9':
			digits++
		case (c == '-' || c == '+') && (i == 0 || t[i-1] == 'e' || t[i-1] == 'E'):
		case c == '.' || c == 'e' || c == 'E':
			integral = false
		default:
			return 0, false, false
		}
	}
	if digits == 0 {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, false, false
	}
	return f, true, integral || f == math.Trunc(f)
}

// inEnum reports whether s, as written on the wire, is one of enum.
func (s scalar) inEnum(enum []string) bool {
	var buf [32]byte
	var text string
	switch s.k {
	case sText:
		text = s.text
	case sInt:
		text = string(strconv.AppendInt(buf[:0], s.i, 10))
	case sUint:
		text = string(strconv.AppendUint(buf[:0], s.u, 10))
	case sFloat:
		text = string(strconv.AppendFloat(buf[:0], s.f, 'f', -1, 64))
	case sBool:
		for _, e := range enum {
			if s.b && (e == "1" || e == "true") || !s.b && (e == "0" || e == "false") {
				return true
			}
		}
		return false
	default:
		return true
	}
	for _, e := range enum {
		if e == text {
			return true
		}
	}
	return false
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// article names the kinds t for a message: "an integer", "a number".
func article(t Type) string {
	s := t.String()
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
