package catalog

import (
	"slices"
	"strconv"
	"strings"
)

// ProblemKind is the kind of a Problem.
type ProblemKind uint8

// The problems Check finds.
const (
	// UnknownMethod: the catalog has no method of that name.
	UnknownMethod ProblemKind = iota + 1
	// UnknownParam: the method takes no parameter of that name.
	UnknownParam
	// MissingParam: a required parameter is absent (or nil).
	MissingParam
	// WrongType: the value is not of the parameter's type.
	WrongType
	// OutOfRange: a number, a length or a number of elements is out of
	// the parameter's bounds.
	OutOfRange
	// NotInEnum: the value is not one of those the parameter allows.
	NotInEnum
)

// String returns the kind's name: "unknown method", "missing parameter"...
func (k ProblemKind) String() string {
	switch k {
	case UnknownMethod:
		return "unknown method"
	case UnknownParam:
		return "unknown parameter"
	case MissingParam:
		return "missing parameter"
	case WrongType:
		return "wrong type"
	case OutOfRange:
		return "out of range"
	case NotInEnum:
		return "not in enum"
	}
	return "problem " + strconv.Itoa(int(k))
}

// Problem is one thing Check found wrong with a call. Its text never holds
// a parameter's string value (values may be secrets); numbers out of range
// are shown.
type Problem struct {
	Kind ProblemKind
	// Method is the method's name as called.
	Method string
	// Param is the parameter's name; empty for UnknownMethod.
	Param string
	// Suggestion is the closest known name for an unknown method or
	// parameter ("users.get", "user_ids"), or empty.
	Suggestion string
	// Detail says what is wrong and what to do, without the method's name.
	Detail string
}

// String describes the problem: `users.get: unknown parameter "user_id";
// did you mean user_ids?`.
func (p Problem) String() string { return p.Method + ": " + p.Text() }

// Text describes the problem without the method's name: `unknown parameter
// "user_id"; did you mean user_ids?`.
func (p Problem) Text() string {
	if p.Suggestion == "" {
		return p.Detail
	}
	return p.Detail + "; did you mean " + p.Suggestion + "?"
}

// Error is String prefixed "snskit: ".
func (p Problem) Error() string { return "snskit: " + p.String() }

// Problems are the problems of one call, sorted by parameter name.
type Problems []Problem

// Error joins the problems' descriptions with "; ", prefixed "snskit: ".
func (ps Problems) Error() string {
	if len(ps) == 0 {
		return "snskit: no catalog problems"
	}
	var b strings.Builder
	b.WriteString("snskit: ")
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Check compares a call of method with params, as snskit.Params holds them
// (nil values count as absent), to the catalog, and returns what does not
// match: an unknown method (then nothing else is checked), unknown
// parameters, missing required ones, values of the wrong type, out of range
// or not in the enum. It returns nil when all is well, without allocating.
//
// A method under a namespace the catalog lists as "ns.*" (VK's stored
// procedures, execute.*) is known, and its parameters are not checked.
//
// Values are judged by what snskit sends: []int{1, 2} and "1,2" are both an
// array of integers, 5 and "5" both an integer, a bool an integer 0 or 1.
func (c *Catalog) Check(method string, params map[string]any) Problems {
	c.load()
	i, ok := c.byName[method]
	if !ok {
		if c.wildcard(method) != nil {
			return nil
		}
		p := Problem{Kind: UnknownMethod, Method: method, Detail: "unknown method " + strconv.Quote(method) + " (not in the " + c.name + " catalog)"}
		if s := c.SuggestMethods(method); len(s) > 0 {
			p.Suggestion = s[0]
		}
		return Problems{p}
	}
	m := &c.methods[i]
	var out Problems
	for name, v := range params {
		if v == nil {
			continue
		}
		p := c.param(m, name)
		if p == nil {
			if m.Open {
				continue
			}
			pr := Problem{Kind: UnknownParam, Method: method, Param: name, Detail: "unknown parameter " + strconv.Quote(name)}
			if s := c.SuggestParams(m, name); len(s) > 0 {
				pr.Suggestion = s[0]
			}
			out = append(out, pr)
			continue
		}
		if kind, detail := checkValue(p, v); kind != 0 {
			out = append(out, Problem{Kind: kind, Method: method, Param: name, Detail: "parameter " + strconv.Quote(name) + " " + detail})
		}
	}
	for j := range m.Params {
		p := &m.Params[j]
		if p.Required && params[p.Name] == nil {
			out = append(out, Problem{Kind: MissingParam, Method: method, Param: p.Name,
				Detail: "missing required parameter " + strconv.Quote(p.Name) + " (" + p.TypeString() + ")"})
		}
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Param, b.Param) })
	}
	return out
}
