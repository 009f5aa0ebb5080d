package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// parse reads the catalog format (see Format) into c.
func (c *Catalog) parse(text string) error {
	var cur *Method
	seen := map[string]bool{}
	lineNo := 0
	for line := range strings.Lines(text) {
		lineNo++
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("snskit: catalog: line %d: %s", lineNo, fmt.Sprintf(format, args...))
		}
		if len(fields) < 2 {
			return bad("%q needs a name after it", fields[0])
		}
		switch fields[0] {
		case "catalog":
			if c.name != "" {
				return bad("a second catalog line")
			}
			c.name = fields[1]
		case "method":
			if seen[fields[1]] {
				return bad("method %s listed twice", fields[1])
			}
			seen[fields[1]] = true
			c.methods = append(c.methods, Method{Name: fields[1]})
			cur = &c.methods[len(c.methods)-1]
			for _, kv := range fields[2:] {
				k, v, _ := strings.Cut(kv, "=")
				switch {
				case kv == "open":
					cur.Open = true
				case k == "tokens" && v != "":
					cur.Tokens = strings.Split(v, ",")
				default:
					return bad("unknown method attribute %q; want tokens=kind,kind or open", kv)
				}
			}
		case "param", "common":
			p, err := parseParam(fields[1:])
			if err != nil {
				return bad("%v", err)
			}
			if fields[0] == "common" {
				c.common = append(c.common, p)
				continue
			}
			if cur == nil {
				return bad("param before any method line")
			}
			if cur.Param(p.Name) != nil {
				return bad("parameter %s of %s listed twice", p.Name, cur.Name)
			}
			cur.Params = append(cur.Params, p)
		case "paging":
			if cur == nil {
				return bad("paging before any method line")
			}
			pg, err := parsePaging(fields[1:])
			if err != nil {
				return bad("%v", err)
			}
			cur.Paging = pg
		default:
			return bad("unknown line kind %q; want catalog, common, method, param or paging", fields[0])
		}
	}
	if c.name == "" {
		return fmt.Errorf("snskit: catalog: no catalog line naming the platform")
	}
	for i := 1; i < len(c.methods); i++ {
		if c.methods[i-1].Name > c.methods[i].Name {
			return fmt.Errorf("snskit: catalog: methods out of order: %s before %s; keep them sorted by name", c.methods[i-1].Name, c.methods[i].Name)
		}
	}
	return nil
}

// parseParam reads "name type attr...".
func parseParam(f []string) (Param, error) {
	p := Param{Name: f[0]}
	if len(f) < 2 {
		return p, fmt.Errorf("parameter %s has no type; write any when it is unknown", p.Name)
	}
	if err := p.parseType(f[1]); err != nil {
		return p, err
	}
	for _, kv := range f[2:] {
		k, v, hasValue := strings.Cut(kv, "=")
		var err error
		switch k {
		case "required":
			p.Required = true
		case "json":
			p.JSON = true
		case "min":
			p.Min, err = parseFloat(v)
		case "max":
			p.Max, err = parseFloat(v)
		case "min_length":
			p.MinLength, err = strconv.Atoi(v)
		case "max_length":
			p.MaxLength, err = strconv.Atoi(v)
		case "min_items":
			p.MinItems, err = strconv.Atoi(v)
		case "max_items":
			p.MaxItems, err = strconv.Atoi(v)
		case "enum":
			p.Enum = strings.Split(v, ",")
		case "default":
			p.Default = v
		default:
			return p, fmt.Errorf("parameter %s: unknown attribute %q", p.Name, kv)
		}
		if err != nil || hasValue != (k != "required" && k != "json") {
			return p, fmt.Errorf("parameter %s: bad attribute %q", p.Name, kv)
		}
	}
	return p, nil
}

// parseType reads "integer", "integer|string", "array", "array:integer",
// "string|array:integer|string".
func (p *Param) parseType(s string) error {
	kinds, items, isArray := s, "", false
	if i := strings.Index(s, "array"); i >= 0 {
		isArray = true
		kinds = strings.TrimSuffix(s[:i], "|")
		rest := s[i+len("array"):]
		if rest != "" {
			if rest[0] != ':' {
				return fmt.Errorf("parameter %s: bad type %q; write array or array:kind last", p.Name, s)
			}
			items = rest[1:]
		}
	}
	if kinds != "" {
		t, ok := ParseType(kinds)
		if !ok {
			return fmt.Errorf("parameter %s: unknown type %q", p.Name, s)
		}
		p.Type = t
	}
	if isArray {
		p.Type |= Array
		if items != "" {
			t, ok := ParseType(items)
			if !ok || t&Array != 0 {
				return fmt.Errorf("parameter %s: unknown element type %q", p.Name, items)
			}
			p.Items = t
		}
	}
	return nil
}

// formatType writes the parameter's type as parseType reads it.
func (p *Param) formatType() string {
	if p.Type&Array == 0 {
		return p.Type.String()
	}
	s := "array"
	if p.Items != Any {
		s += ":" + p.Items.String()
	}
	if rest := p.Type &^ Array; rest != 0 {
		s = rest.String() + "|" + s
	}
	return s
}

// parsePaging reads "kind key=value...".
func parsePaging(f []string) (Paging, error) {
	var pg Paging
	switch f[0] {
	case "offset":
		pg.Kind = OffsetPaging
	case "cursor":
		pg.Kind = CursorPaging
	case "page":
		pg.Kind = PagePaging
	default:
		return pg, fmt.Errorf("unknown paging kind %q; want offset, cursor or page", f[0])
	}
	for _, kv := range f[1:] {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "offset":
			pg.Offset = v
		case "cursor":
			pg.Cursor = v
		case "next":
			pg.Next = v
		case "page":
			pg.Page = v
		case "count":
			pg.Count = v
		case "first":
			pg.FirstPage, err = strconv.Atoi(v)
		case "min":
			pg.MinCount, err = strconv.Atoi(v)
		case "max":
			pg.MaxCount, err = strconv.Atoi(v)
		case "default":
			pg.DefaultCount, err = strconv.Atoi(v)
		default:
			return pg, fmt.Errorf("unknown paging attribute %q", kv)
		}
		if err != nil || v == "" {
			return pg, fmt.Errorf("bad paging attribute %q", kv)
		}
	}
	switch {
	case pg.Kind == OffsetPaging && pg.Offset == "",
		pg.Kind == CursorPaging && (pg.Cursor == "" || pg.Next == ""),
		pg.Kind == PagePaging && pg.Page == "":
		return pg, fmt.Errorf("paging %s lacks its parameter names (offset=, cursor= and next=, or page=)", f[0])
	}
	if pg.Kind == PagePaging && pg.FirstPage == 0 {
		pg.FirstPage = 1
	}
	return pg, nil
}

func parseFloat(s string) (*float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, err
	}
	return &f, nil
}
