package snskit

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/snskit/snskit/driver"
)

// Params are a call's parameters by name. Values are encoded as follows:
//
//   - string, and []byte as text; fmt.Stringer through its String method.
//   - int, uint, float and their sized kinds in decimal (NaN and ±Inf are
//     rejected).
//   - bool as the platform's driver.Style says: 1/0 on VK, true/false elsewhere.
//   - time.Time as Unix seconds unless the platform's driver.Style names a layout.
//   - slices and arrays of the above, comma-joined: []int{1, 2} -> "1,2".
//   - maps, structs, json.Marshaler values and slices of them as JSON, for
//     platforms that take JSON in a parameter (VK execute, for instance).
//   - File (or *File) as a multipart file part; the call becomes a multipart
//     POST. A File must be a parameter of its own: one inside a list, map or
//     struct is refused, and so is a bare io.Reader (an *os.File, a
//     *strings.Reader, a *bytes.Buffer), which would otherwise be sent as
//     "{}" or as text: wrap it with Upload(name, r).
//   - nil is left out, as if the key were absent.
//
// Anything else (channels, functions, complex numbers) is an error returned
// before any request is sent, and so is a request whose URL would be longer
// than MaxURLLength (a GET with a huge list).
type Params map[string]any

// Upload returns a File for r named name, with its size when r can tell it.
func Upload(name string, r io.Reader) File {
	return File{Name: name, Reader: r, Size: readerSize(r)}
}

// encodeParams encodes p with style into values and file parts.
func encodeParams(p Params, style driver.Style) (url.Values, []driver.FormFile, error) {
	values := make(url.Values, len(p)+6)
	// One backing array for all values, each capped at one element so that
	// Values.Add reallocates instead of overwriting its neighbour.
	strs := make([]string, 0, len(p))
	var files []driver.FormFile
	for k, v := range p {
		if k == "" {
			return nil, nil, fmt.Errorf("a parameter has an empty name")
		}
		switch f := v.(type) {
		case File:
			if err := checkFile(k, f); err != nil {
				return nil, nil, err
			}
			files = append(files, driver.FormFile{Field: k, File: f})
			continue
		case *File:
			if f == nil {
				continue
			}
			if err := checkFile(k, *f); err != nil {
				return nil, nil, err
			}
			files = append(files, driver.FormFile{Field: k, File: *f})
			continue
		case nil:
			continue
		}
		s, err := encodeValue(v, style, true)
		if err != nil {
			return nil, nil, fmt.Errorf("parameter %q: %w", k, err)
		}
		strs = append(strs, s)
		values[k] = strs[len(strs)-1 : len(strs) : len(strs)]
	}
	return values, files, nil
}

func checkFile(field string, f File) error {
	if f.Reader == nil {
		return fmt.Errorf("parameter %q: the File has no Reader; build it with snskit.Upload(name, reader)", field)
	}
	if f.Name == "" {
		return fmt.Errorf("parameter %q: the File has no Name; platforms need a file name with the right extension", field)
	}
	return nil
}

// encodeValue encodes one value. top is false inside a slice, where nested
// slices and objects are not comma-joinable.
func encodeValue(v any, style driver.Style, top bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case bool:
		return formatBool(x, style), nil
	case time.Time:
		if style.TimeLayout != "" {
			return x.Format(style.TimeLayout), nil
		}
		return strconv.FormatInt(x.Unix(), 10), nil
	case []string:
		return strings.Join(x, ","), nil
	case []int:
		return joinInts(x), nil
	case []int64:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.FormatInt(n, 10)
		}
		return strings.Join(parts, ","), nil
	case File, *File:
		return "", fmt.Errorf("a File can only be a parameter of its own, not inside a list; pass each file under its own name")
	case io.Reader:
		return "", readerError(v)
	case json.Marshaler:
		if isNilPointer(v) {
			return "", fmt.Errorf("nil %T; leave the parameter out instead", v)
		}
		return marshalJSON(v)
	case fmt.Stringer:
		if isNilPointer(v) {
			return "", fmt.Errorf("nil %T; leave the parameter out instead", v)
		}
		return x.String(), nil
	}
	return encodeReflect(v, style, top)
}

// encodeReflect handles the kinds the fast path does not name: named types
// of basic kinds, other slices, maps and structs.
func encodeReflect(v any, style driver.Style, top bool) (string, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return formatBool(rv.Bool(), style), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return formatFloat(rv.Float(), rv.Type().Bits())
	case reflect.Slice, reflect.Array:
		if !top || !scalarElems(rv) {
			return marshalJSON(v)
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			s, err := encodeValue(rv.Index(i).Interface(), style, false)
			if err != nil {
				return "", fmt.Errorf("element %d: %w", i, err)
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	case reflect.Map, reflect.Struct:
		return marshalJSON(v)
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return "", fmt.Errorf("nil %s; leave the parameter out instead", rv.Type())
		}
		return encodeValue(rv.Elem().Interface(), style, top)
	}
	return "", fmt.Errorf("cannot encode a %s; pass a string, number, bool, time.Time, slice, or a JSON-encodable map or struct", rv.Type())
}

// scalarElems reports whether the slice rv is comma-joined rather than sent
// as JSON: its elements are all numbers, strings, bools or times.
func scalarElems(rv reflect.Value) bool {
	t := rv.Type().Elem()
	if t.Kind() == reflect.Interface {
		for i := range rv.Len() {
			e := rv.Index(i)
			if e.IsNil() || !scalarType(e.Elem().Type()) {
				return false
			}
		}
		return true
	}
	return scalarType(t)
}

func scalarType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return t == reflect.TypeFor[time.Time]()
}

// isNilPointer reports whether v is a nil pointer in a non-nil interface.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// readerError refuses a reader passed as a value: it would be encoded as
// "{}" or its text, and the upload would silently not happen.
func readerError(v any) error {
	name := "name.jpg"
	if f, ok := v.(interface{ Name() string }); ok && f.Name() != "" {
		name = filepath.Base(f.Name())
	}
	return fmt.Errorf("a %T is not sent as a file by itself: pass snskit.Upload(%q, r) to upload it, or its content as a string", v, name)
}

// fileInside returns a description of a File or io.Reader inside v (a
// list, map or struct about to be sent as JSON), or "". json.Marshaler
// values are not looked into: their JSON is their own.
func fileInside(v reflect.Value, depth int) string {
	if !v.IsValid() || depth > 32 {
		return ""
	}
	t := v.Type()
	switch {
	case t == reflect.TypeFor[File]() || t == reflect.TypeFor[*File]():
		return "a File"
	case t.Kind() != reflect.Interface && t.Implements(reflect.TypeFor[io.Reader]()):
		return "a " + t.String()
	case t.Kind() != reflect.Interface && t.Implements(reflect.TypeFor[json.Marshaler]()):
		return ""
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return fileInside(v.Elem(), depth+1)
		}
	case reflect.Slice, reflect.Array:
		if !mayHoldFile(t.Elem()) {
			return ""
		}
		for i := range v.Len() {
			if s := fileInside(v.Index(i), depth+1); s != "" {
				return s
			}
		}
	case reflect.Map:
		if !mayHoldFile(t.Elem()) {
			return ""
		}
		it := v.MapRange()
		for it.Next() {
			if s := fileInside(it.Value(), depth+1); s != "" {
				return s
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if t.Field(i).IsExported() {
				if s := fileInside(v.Field(i), depth+1); s != "" {
					return s
				}
			}
		}
	}
	return ""
}

// mayHoldFile reports whether a value of type t can be or hold a File or a
// reader, so that lists of numbers or strings are not walked.
func mayHoldFile(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
		return true
	}
	return false
}

func marshalJSON(v any) (string, error) {
	if what := fileInside(reflect.ValueOf(v), 0); what != "" {
		return "", fmt.Errorf("holds %s, which JSON cannot carry: pass each file as a parameter of its own, built with snskit.Upload(name, reader)", what)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("cannot encode as JSON: %w", err)
	}
	return string(b), nil
}

func formatFloat(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%v is not a number a platform can take", f)
	}
	return strconv.FormatFloat(f, 'f', -1, bits), nil
}

func formatBool(b bool, style driver.Style) string {
	if b {
		if style.True != "" {
			return style.True
		}
		return "true"
	}
	if style.False != "" {
		return style.False
	}
	return "false"
}

func joinInts(x []int) string {
	if len(x) == 1 {
		return strconv.Itoa(x[0])
	}
	b := make([]byte, 0, len(x)*8)
	for i, n := range x {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(b)
}
