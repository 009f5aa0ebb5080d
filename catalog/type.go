package catalog

import "strings"

// Type is a set of kinds a parameter's value may have. The zero Type, Any,
// means the catalog does not know the type: every value passes.
type Type uint8

// The kinds of values. A Type combines them: Integer|String takes a user id
// or a screen name.
const (
	Any    Type = 0
	String Type = 1 << iota
	Integer
	Number
	Boolean
	Array
	Object
	File
)

// typeNames returns the kinds of a Type with their names, in the order the
// format writes them. It is a function, not a table in a variable, so that
// the package holds no state at all.
func typeNames() [7]struct {
	t    Type
	name string
} {
	return [...]struct {
		t    Type
		name string
	}{
		{String, "string"}, {Integer, "integer"}, {Number, "number"}, {Boolean, "boolean"},
		{Array, "array"}, {Object, "object"}, {File, "file"},
	}
}

// String writes the type as the catalog format does: "integer",
// "integer|string", "any".
func (t Type) String() string {
	if t == Any {
		return "any"
	}
	var b strings.Builder
	for _, n := range typeNames() {
		if t&n.t != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n.name)
		}
	}
	return b.String()
}

// ParseType reads a type written as String writes it.
func ParseType(s string) (Type, bool) {
	if s == "any" {
		return Any, true
	}
	var t Type
	for part := range strings.SplitSeq(s, "|") {
		found := false
		for _, n := range typeNames() {
			if part == n.name {
				t |= n.t
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return t, true
}

// TypeString describes the parameter's type: "integer", "array of
// integer|string", "any".
func (p *Param) TypeString() string {
	if p.Type&Array != 0 && p.Items != Any {
		rest := p.Type &^ Array
		s := "array of " + p.Items.String()
		if rest != 0 {
			s = rest.String() + " or " + s
		}
		return s
	}
	return p.Type.String()
}
