package catalog

import (
	"strconv"
	"strings"
)

// Summary describes the parameter in one line for help texts: its type,
// then "required", bounds, enum and default where known:
// "integer, required, min 0, max 1000, default 100".
func (p *Param) Summary() string {
	parts := []string{p.TypeString()}
	if p.JSON {
		parts[0] += " (JSON)"
	}
	if p.Required {
		parts = append(parts, "required")
	}
	if p.Min != nil {
		parts = append(parts, "min "+formatNum(*p.Min))
	}
	if p.Max != nil {
		parts = append(parts, "max "+formatNum(*p.Max))
	}
	if p.MinLength > 0 {
		parts = append(parts, "at least "+strconv.Itoa(p.MinLength)+" characters")
	}
	if p.MaxLength > 0 {
		parts = append(parts, "at most "+strconv.Itoa(p.MaxLength)+" characters")
	}
	if p.MinItems > 0 {
		parts = append(parts, "at least "+strconv.Itoa(p.MinItems)+" elements")
	}
	if p.MaxItems > 0 {
		parts = append(parts, "at most "+strconv.Itoa(p.MaxItems)+" elements")
	}
	if len(p.Enum) > 0 {
		parts = append(parts, "one of "+strings.Join(p.Enum, "|"))
	}
	if p.Default != "" {
		parts = append(parts, "default "+p.Default)
	}
	return strings.Join(parts, ", ")
}

// String describes the paging in one line for help texts: "offset:
// offset, count (at most 5000, default 5000)", "cursor: start_from from
// the reply's next_from, count", "page: pageNumber from 1, pageSize", or
// "none".
func (pg Paging) String() string {
	var b strings.Builder
	b.WriteString(pg.Kind.String())
	switch pg.Kind {
	case NoPaging:
		return b.String()
	case OffsetPaging:
		b.WriteString(": " + pg.Offset)
	case CursorPaging:
		b.WriteString(": " + pg.Cursor + " from the reply's " + pg.Next)
	case PagePaging:
		b.WriteString(": " + pg.Page + " from " + strconv.Itoa(pg.FirstPage))
	}
	if pg.Count == "" {
		return b.String()
	}
	b.WriteString(", " + pg.Count)
	var limits []string
	if pg.MinCount > 0 {
		limits = append(limits, "at least "+strconv.Itoa(pg.MinCount))
	}
	if pg.MaxCount > 0 {
		limits = append(limits, "at most "+strconv.Itoa(pg.MaxCount))
	}
	if pg.DefaultCount > 0 {
		limits = append(limits, "default "+strconv.Itoa(pg.DefaultCount))
	}
	if len(limits) > 0 {
		b.WriteString(" (" + strings.Join(limits, ", ") + ")")
	}
	return b.String()
}
