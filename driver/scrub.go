package driver

import (
	"net/url"
	"reflect"

	"github.com/tidwall/gjson"
)

// ScrubError returns an error that reads as err does with secrets masked,
// and from which no secret is reachable: not through %#v, errors.As, nor
// any field. errors.Is still finds the causes that hold no secret
// (context.DeadlineExceeded, a Class...). snskit's error types, and
// *url.Error (with its Timeout), keep their types with their fields
// masked; any other error that holds a secret is replaced by its masked
// message, wrapping its own causes scrubbed the same way.
func ScrubError(err error, secrets []string) error {
	return newMasker(secrets).scrub(err)
}

func (m masker) scrub(err error) error {
	switch x := err.(type) {
	case nil:
		return nil
	case *url.Error:
		u := x.URL
		if pu, perr := url.Parse(u); perr == nil {
			u = RedactURL(pu, nil) // secret parameters by name
		}
		return &url.Error{Op: x.Op, URL: m.mask(u), Err: m.scrub(x.Err)}
	case *Error: // secret fields by name too (VK echoes captcha_key)
		cp := *x
		m.maskError(&cp)
		return &cp
	case *PartialError:
		cp := *x
		cp.Errors = make([]*Error, len(x.Errors))
		for i, e := range x.Errors {
			c := *e
			m.maskError(&c)
			cp.Errors[i] = &c
		}
		return &cp
	}
	if !m.reaches(err) {
		return err
	}
	switch x := err.(type) {
	case *CallError:
		cp := *x
		cp.Reason, cp.Err = m.mask(x.Reason), m.scrub(x.Err)
		return &cp
	case *ReplyError:
		cp := *x
		cp.Reason, cp.Snippet = m.mask(x.Reason), m.mask(x.Snippet)
		return &cp
	case *TransportError:
		cp := *x
		cp.Err = m.scrub(x.Err)
		return &cp
	}
	s := &scrubbed{msg: m.mask(err.Error())}
	if t, ok := err.(interface{ Timeout() bool }); ok {
		s.timeout = t.Timeout()
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			s.causes = []error{m.scrub(c)}
		}
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			s.causes = append(s.causes, m.scrub(c))
		}
	}
	return s
}

// maskError masks the secrets in a platform error's message and error
// object, and the object's secret fields by name.
func (m masker) maskError(e *Error) {
	e.Message = m.mask(e.Message)
	raw := e.Detail.Raw
	if raw == "" {
		return
	}
	if masked := m.json(raw); masked != raw {
		e.Detail = gjson.Parse(masked)
	}
}

// scrubbed stands for an error that held a secret: its masked message, its
// causes scrubbed, and whether it was a timeout.
type scrubbed struct {
	msg     string
	causes  []error
	timeout bool
}

func (s *scrubbed) Error() string   { return s.msg }
func (s *scrubbed) Unwrap() []error { return s.causes }

// Timeout reports whether the original error was a timeout, as net.Error
// and url.Error do.
func (s *scrubbed) Timeout() bool { return s.timeout }

// maxReachWalk bounds the values reaches looks at; a larger error counts as
// holding a secret, to be safe.
const maxReachWalk = 5000

// reaches reports whether a form of a secret is reachable from v through
// pointers, fields (exported or not), slices, maps and interfaces.
func (m masker) reaches(v any) bool {
	if m.r == nil {
		return false
	}
	w := reachWalk{m: m, seen: map[uintptr]bool{}}
	return w.walk(reflect.ValueOf(v))
}

type reachWalk struct {
	m     masker
	seen  map[uintptr]bool
	steps int
}

func (w *reachWalk) walk(v reflect.Value) bool {
	if w.steps++; w.steps > maxReachWalk {
		return true
	}
	switch v.Kind() {
	case reflect.String:
		return w.m.holds(v.String())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return w.m.holds(string(v.Bytes()))
		}
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			if w.walk(v.Index(i)) {
				return true
			}
		}
	case reflect.Pointer:
		if v.IsNil() || w.seen[v.Pointer()] {
			return false
		}
		w.seen[v.Pointer()] = true
		return w.walk(v.Elem())
	case reflect.Interface:
		return !v.IsNil() && w.walk(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if w.walk(v.Field(i)) {
				return true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if w.walk(it.Key()) || w.walk(it.Value()) {
				return true
			}
		}
	}
	return false
}
