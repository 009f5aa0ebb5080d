// Package leaktest checks, for snskit's tests, that no value reachable from
// another (an error, a logged line, printed output) holds a secret in any
// of the encodings a secret travels in. It shares no code with the masking
// it checks.
package leaktest

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// Forms returns the encodings of secret a leak may take: raw, query- and
// path-escaped (upper and lower hex), and JSON-escaped as Go, PHP and
// Python write it.
func Forms(secret string) []string {
	q, p := url.QueryEscape(secret), url.PathEscape(secret)
	out := []string{secret, q, p, lowerHex(q), lowerHex(p)}
	out = append(out, strings.ReplaceAll(secret, "/", `\/`), asciiJSON(secret, false), asciiJSON(secret, true))
	return out
}

// asciiJSON writes s as an ASCII-only JSON string body, non-ASCII runes as
// \u escapes (surrogate pairs above U+FFFF), '/' as "\/" when slash.
func asciiJSON(s string, slash bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '/' && slash:
			b.WriteString(`\/`)
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// Find returns a description of where a secret shows in v (its %v, %+v,
// %#v, its Error text, or any string or byte slice reachable from it
// through pointers, fields, exported or not, slices, maps and interfaces),
// or "" when none does.
func Find(v any, secrets ...string) string {
	var forms []string
	for _, s := range secrets {
		forms = append(forms, Forms(s)...)
	}
	has := func(s string) bool {
		for _, f := range forms {
			if f != "" && strings.Contains(s, f) {
				return true
			}
		}
		return false
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, v); has(s) {
			return verb + ": " + s
		}
	}
	w := walker{has: has, seen: map[uintptr]bool{}}
	w.walk(reflect.ValueOf(v), "value", 0)
	return w.found
}

type walker struct {
	has   func(string) bool
	seen  map[uintptr]bool
	found string
}

func (w *walker) walk(v reflect.Value, path string, depth int) {
	if w.found != "" || !v.IsValid() || depth > 40 {
		return
	}
	if v.CanInterface() {
		if e, ok := v.Interface().(error); ok && !(v.Kind() == reflect.Pointer && v.IsNil()) {
			if s := safeError(e); w.has(s) {
				w.found = path + ".Error(): " + s
				return
			}
		}
	}
	switch v.Kind() {
	case reflect.String:
		if w.has(v.String()) {
			w.found = path + ": " + v.String()
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if w.has(string(v.Bytes())) {
				w.found = path + ": " + string(v.Bytes())
			}
			return
		}
		fallthrough
	case reflect.Array:
		for i := 0; i < v.Len() && i < 1000; i++ {
			w.walk(v.Index(i), path+"["+strconv.Itoa(i)+"]", depth+1)
		}
	case reflect.Pointer:
		if v.IsNil() || w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		w.walk(v.Elem(), path, depth+1)
	case reflect.Interface:
		w.walk(v.Elem(), path, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			w.walk(v.Field(i), path+"."+v.Type().Field(i).Name, depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.walk(it.Key(), path+"[key]", depth+1)
			w.walk(it.Value(), path+"["+fmt.Sprint(it.Key())+"]", depth+1)
		}
	}
}

func safeError(e error) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return e.Error()
}

// NoSecret fails t when a secret is reachable from v.
func NoSecret(t testing.TB, v any, secrets ...string) {
	t.Helper()
	if where := Find(v, secrets...); where != "" {
		t.Errorf("a secret is reachable from the %T: %.400s", v, where)
	}
}
