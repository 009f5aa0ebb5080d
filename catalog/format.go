package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Format writes a catalog named name (the platform's short name) in the
// catalog format, which New and Parse read. The output is deterministic:
// methods are sorted by name, parameters keep their order.
//
// The format is line-based text; '#' starts a comment line:
//
//	catalog vk
//	common v any
//	method users.get tokens=user,group,service
//	method status.put open
//		param user_ids array:integer|string max_items=1000
//		param name_case string enum=nom,gen,dat,acc,ins,abl
//	method friends.get tokens=user,service
//		param count integer min=0 default=5000
//		paging offset offset=offset count=count max=5000 default=5000
//
// A method line is "method name" with tokens=kind,kind (the credentials it
// takes) and open (it takes parameters the catalog does not list).
// A param line is "param name type attr...": the type is any, a kind
// (string, integer, number, boolean, object, file), kinds joined by '|', or
// array or array:kinds last; the attributes are required, json, min=,
// max= (of a number or of each element), min_length=, max_length=,
// min_items=, max_items=, enum=a,b and default=. A paging line is
// "paging offset|cursor|page" with offset=, cursor=, next=, page=, first=,
// count=, min=, max= and default=. Values cannot hold spaces, and enum
// values cannot hold commas.
func Format(name string, common []Param, methods []Method) ([]byte, error) {
	if err := word("catalog name", name); err != nil {
		return nil, err
	}
	sorted := slices.Clone(methods)
	slices.SortFunc(sorted, func(a, b Method) int { return strings.Compare(a.Name, b.Name) })
	var b bytes.Buffer
	b.WriteString("# snskit method catalog: names, types and limits, no descriptions.\n")
	b.WriteString("catalog " + name + "\n")
	for i := range common {
		if err := writeParam(&b, "common", &common[i]); err != nil {
			return nil, err
		}
	}
	for i := range sorted {
		m := &sorted[i]
		if err := word("method name", m.Name); err != nil {
			return nil, err
		}
		if i > 0 && sorted[i-1].Name == m.Name {
			return nil, fmt.Errorf("snskit: catalog: method %s listed twice", m.Name)
		}
		b.WriteString("method " + m.Name)
		if len(m.Tokens) > 0 {
			if err := list("tokens of "+m.Name, m.Tokens); err != nil {
				return nil, err
			}
			b.WriteString(" tokens=" + strings.Join(m.Tokens, ","))
		}
		if m.Open {
			b.WriteString(" open")
		}
		b.WriteByte('\n')
		for j := range m.Params {
			if err := writeParam(&b, "\tparam", &m.Params[j]); err != nil {
				return nil, fmt.Errorf("%w (method %s)", err, m.Name)
			}
		}
		if err := writePaging(&b, &m.Paging); err != nil {
			return nil, fmt.Errorf("%w (method %s)", err, m.Name)
		}
	}
	return b.Bytes(), nil
}

func writeParam(b *bytes.Buffer, kind string, p *Param) error {
	if err := word("parameter name", p.Name); err != nil {
		return err
	}
	b.WriteString(kind + " " + p.Name + " " + p.formatType())
	if p.Required {
		b.WriteString(" required")
	}
	if p.JSON {
		b.WriteString(" json")
	}
	num := func(key string, f *float64) {
		if f != nil {
			b.WriteString(" " + key + "=" + strconv.FormatFloat(*f, 'f', -1, 64))
		}
	}
	num("min", p.Min)
	num("max", p.Max)
	for _, a := range [...]struct {
		key string
		n   int
	}{{"min_length", p.MinLength}, {"max_length", p.MaxLength}, {"min_items", p.MinItems}, {"max_items", p.MaxItems}} {
		if a.n != 0 {
			b.WriteString(" " + a.key + "=" + strconv.Itoa(a.n))
		}
	}
	if len(p.Enum) > 0 {
		if err := list("enum of "+p.Name, p.Enum); err != nil {
			return err
		}
		b.WriteString(" enum=" + strings.Join(p.Enum, ","))
	}
	if p.Default != "" {
		if strings.ContainsFunc(p.Default, unicode.IsSpace) {
			return fmt.Errorf("snskit: catalog: default of %s holds a space", p.Name)
		}
		b.WriteString(" default=" + p.Default)
	}
	b.WriteByte('\n')
	return nil
}

func writePaging(b *bytes.Buffer, pg *Paging) error {
	if pg.Kind == NoPaging {
		return nil
	}
	b.WriteString("\tpaging " + pg.Kind.String())
	for _, a := range [...]struct{ key, v string }{
		{"offset", pg.Offset}, {"cursor", pg.Cursor}, {"next", pg.Next}, {"page", pg.Page}, {"count", pg.Count},
	} {
		if a.v != "" {
			if err := word("paging "+a.key, a.v); err != nil {
				return err
			}
			b.WriteString(" " + a.key + "=" + a.v)
		}
	}
	for _, a := range [...]struct {
		key string
		n   int
	}{{"first", pg.FirstPage}, {"min", pg.MinCount}, {"max", pg.MaxCount}, {"default", pg.DefaultCount}} {
		if a.n != 0 {
			b.WriteString(" " + a.key + "=" + strconv.Itoa(a.n))
		}
	}
	b.WriteByte('\n')
	return nil
}

// word checks that s can stand as one field of a line.
func word(what, s string) error {
	if s == "" || strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsAny(s, "=#") {
		return fmt.Errorf("snskit: catalog: %s %q must be non-empty, without spaces, '=' or '#'", what, s)
	}
	return nil
}

// list checks the elements of a comma-joined attribute.
func list(what string, elems []string) error {
	for _, e := range elems {
		if e == "" || strings.ContainsFunc(e, unicode.IsSpace) || strings.Contains(e, ",") {
			return fmt.Errorf("snskit: catalog: %s: value %q must be non-empty, without spaces or commas", what, e)
		}
	}
	return nil
}
