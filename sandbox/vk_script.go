package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
)

// A parser for the narrow VKScript subset execute understands (see
// vk_execute.go): `return CALL;` or `return [CALL, ...];`, where CALL is
// API.ns.method(OBJECT) and OBJECT a literal with quoted or bare keys.

const errVKScript sandboxError = "unable to compile code"

// vkScanner is a cursor over VKScript source.
type vkScanner struct {
	s     string
	i     int
	depth int
}

// vkParseScript parses `return CALL;` or `return [CALL, ...];`.
func vkParseScript(src string) (calls []vkScriptCall, list bool, err error) {
	sc := &vkScanner{s: src}
	sc.space()
	if !strings.HasPrefix(sc.s[sc.i:], "return") {
		return nil, false, errVKScript
	}
	sc.i += len("return")
	if sc.i < len(sc.s) && vkIdentByte(sc.s[sc.i]) {
		return nil, false, errVKScript
	}
	sc.space()
	if sc.eat('[') {
		list = true
		for {
			call, err := sc.call()
			if err != nil {
				return nil, false, err
			}
			calls = append(calls, call)
			sc.space()
			if sc.eat(',') {
				continue
			}
			if sc.eat(']') {
				break
			}
			return nil, false, errVKScript
		}
	} else {
		call, err := sc.call()
		if err != nil {
			return nil, false, err
		}
		calls = append(calls, call)
	}
	sc.space()
	sc.eat(';')
	sc.space()
	if sc.i != len(sc.s) {
		return nil, false, errVKScript
	}
	return calls, list, nil
}

func (sc *vkScanner) space() {
	for sc.i < len(sc.s) && strings.IndexByte(" \t\r\n", sc.s[sc.i]) >= 0 {
		sc.i++
	}
}

func (sc *vkScanner) eat(b byte) bool {
	sc.space()
	if sc.i < len(sc.s) && sc.s[sc.i] == b {
		sc.i++
		return true
	}
	return false
}

func vkIdentByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func (sc *vkScanner) ident() string {
	sc.space()
	start := sc.i
	for sc.i < len(sc.s) && vkIdentByte(sc.s[sc.i]) {
		sc.i++
	}
	return sc.s[start:sc.i]
}

// call parses API.ns.method(ARGS).
func (sc *vkScanner) call() (vkScriptCall, error) {
	if sc.ident() != "API" || !sc.eat('.') {
		return vkScriptCall{}, errVKScript
	}
	ns := sc.ident()
	if ns == "" || !sc.eat('.') {
		return vkScriptCall{}, errVKScript
	}
	m := sc.ident()
	if m == "" || !sc.eat('(') {
		return vkScriptCall{}, errVKScript
	}
	call := vkScriptCall{method: ns + "." + m, params: map[string]string{}}
	if sc.eat(')') {
		return call, nil
	}
	sc.space()
	if sc.i >= len(sc.s) || sc.s[sc.i] != '{' {
		return vkScriptCall{}, errVKScript
	}
	v, err := sc.value()
	if err != nil {
		return vkScriptCall{}, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return vkScriptCall{}, errVKScript
	}
	for k, val := range obj {
		if s, ok := vkParamString(val); ok {
			call.params[k] = s
		}
	}
	if !sc.eat(')') {
		return vkScriptCall{}, errVKScript
	}
	return call, nil
}

// vkNumber is a number literal kept as written.
type vkNumber string

// value parses one literal.
func (sc *vkScanner) value() (any, error) {
	sc.space()
	if sc.i >= len(sc.s) {
		return nil, errVKScript
	}
	switch b := sc.s[sc.i]; {
	case b == '{' || b == '[':
		if sc.depth++; sc.depth > vkExecMaxDepth {
			return nil, errVKScript
		}
		defer func() { sc.depth-- }()
		if b == '{' {
			return sc.object()
		}
		return sc.array()
	case b == '"' || b == '\'':
		return sc.str()
	case b == '-' || b >= '0' && b <= '9':
		start := sc.i
		sc.i++
		for sc.i < len(sc.s) && strings.IndexByte("0123456789.eE+-", sc.s[sc.i]) >= 0 {
			sc.i++
		}
		lit := sc.s[start:sc.i]
		if _, err := strconv.ParseFloat(lit, 64); err != nil {
			return nil, errVKScript
		}
		return vkNumber(lit), nil
	}
	switch sc.ident() {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return nil, errVKScript
}

func (sc *vkScanner) object() (any, error) {
	sc.i++ // {
	obj := map[string]any{}
	if sc.eat('}') {
		return obj, nil
	}
	for {
		sc.space()
		var key string
		if sc.i < len(sc.s) && (sc.s[sc.i] == '"' || sc.s[sc.i] == '\'') {
			k, err := sc.str()
			if err != nil {
				return nil, err
			}
			key = k
		} else if key = sc.ident(); key == "" {
			return nil, errVKScript
		}
		if !sc.eat(':') {
			return nil, errVKScript
		}
		v, err := sc.value()
		if err != nil {
			return nil, err
		}
		obj[key] = v
		if sc.eat(',') {
			continue
		}
		if sc.eat('}') {
			return obj, nil
		}
		return nil, errVKScript
	}
}

func (sc *vkScanner) array() (any, error) {
	sc.i++ // [
	arr := []any{}
	if sc.eat(']') {
		return arr, nil
	}
	for {
		v, err := sc.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		if sc.eat(',') {
			continue
		}
		if sc.eat(']') {
			return arr, nil
		}
		return nil, errVKScript
	}
}

// str parses a double-quoted (JSON escapes) or single-quoted string.
func (sc *vkScanner) str() (string, error) {
	q := sc.s[sc.i]
	start := sc.i
	sc.i++
	for sc.i < len(sc.s) && sc.s[sc.i] != q {
		if sc.s[sc.i] == '\\' {
			sc.i++
		}
		sc.i++
	}
	if sc.i >= len(sc.s) {
		return "", errVKScript
	}
	sc.i++
	body := sc.s[start+1 : sc.i-1]
	if q == '\'' { // re-quote as JSON: \' needs no escape there, " does
		var b strings.Builder
		for i := 0; i < len(body); i++ {
			switch {
			case body[i] == '\\' && i+1 < len(body):
				if body[i+1] == '\'' {
					b.WriteByte('\'')
				} else {
					b.WriteString(body[i : i+2])
				}
				i++
			case body[i] == '"':
				b.WriteString(`\"`)
			default:
				b.WriteByte(body[i])
			}
		}
		body = b.String()
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+body+`"`), &out); err != nil {
		return "", errVKScript
	}
	return out, nil
}

// vkParamString turns a literal into an API parameter: arrays are
// comma-joined, booleans 1 or 0, objects JSON; null drops the parameter.
func vkParamString(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case vkNumber:
		return string(x), true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := vkParamString(e); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ","), true
	}
	b, _ := json.Marshal(vkPlain(v))
	return string(b), true
}

// vkPlain converts parsed literals back to plain JSON values.
func vkPlain(v any) any {
	switch x := v.(type) {
	case vkNumber:
		return json.Number(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = vkPlain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = vkPlain(e)
		}
		return out
	}
	return v
}
