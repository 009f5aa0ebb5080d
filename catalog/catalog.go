package catalog

import (
	"slices"
	"strings"
	"sync"
)

// Catalog is the list of one platform's methods. Build it with New (parsed
// on first use) or Parse. A Catalog is immutable once built and safe for
// concurrent use; the values its methods return are shared and must not be
// modified.
type Catalog struct {
	text string
	once sync.Once
	err  error

	name    string
	methods []Method          // sorted by name
	byName  map[string]int    // name -> index in methods
	byLower map[string]int    // lower-case name -> index, for near misses
	common  []Param           // parameters every method takes
	commonX map[string]*Param // common by name
}

// Method is one API method.
type Method struct {
	// Name is the dotted method name: "users.get", "user.friend.list".
	Name string
	// Tokens are the kinds of credential the method accepts, as the
	// platform names them (VK: "user", "group", "service", "open"); empty
	// when unknown.
	Tokens []string
	// Params are the method's own parameters, in the order the platform
	// documents them. The parameters every method takes are
	// Catalog.Common.
	Params []Param
	// Open is true when the catalog does not list every parameter of the
	// method: then Check does not flag names it does not know.
	Open bool
	// Paging tells how the method's list is walked page by page; its Kind
	// is NoPaging for methods that return everything at once.
	Paging Paging

	index map[string]int // param name -> index in Params, for long lists
}

// Param is one parameter of a method.
type Param struct {
	// Name is the parameter's name as sent.
	Name string
	// Type is the set of kinds the value may have; 0 (Any) means the
	// catalog does not know, and any value passes.
	Type Type
	// Items is the set of kinds of an array's elements (Any when unknown).
	Items Type
	// Required is true when the method cannot be called without it.
	Required bool
	// JSON is true when the value is JSON text (VK's format "json").
	JSON bool
	// Min and Max bound a number, or each element of an array; nil when
	// unbounded.
	Min, Max *float64
	// MinLength and MaxLength bound a string's length in characters; 0
	// means no bound.
	MinLength, MaxLength int
	// MinItems and MaxItems bound an array's number of elements; 0 means
	// no bound.
	MinItems, MaxItems int
	// Enum lists the values allowed (for an array, for each element), as
	// written on the wire; empty when any value is.
	Enum []string
	// Default is the value the platform assumes when the parameter is left
	// out, as written on the wire; empty when none is documented.
	Default string
}

// PagingKind is how a list method pages.
type PagingKind uint8

// The ways a method pages.
const (
	// NoPaging: the method returns its whole answer at once.
	NoPaging PagingKind = iota
	// OffsetPaging: Paging.Offset skips that many items and Paging.Count
	// sets the page size (VK offset/count, Kaixin start/num).
	OffsetPaging
	// CursorPaging: Paging.Cursor carries the value of the reply's
	// Paging.Next field to fetch the next page (VK start_from/next_from).
	CursorPaging
	// PagePaging: Paging.Page numbers the pages from Paging.FirstPage and
	// Paging.Count sets the page size (Renren pageNumber/pageSize, pageNo).
	PagePaging
)

// String returns the kind's name as the catalog format writes it.
func (k PagingKind) String() string {
	switch k {
	case OffsetPaging:
		return "offset"
	case CursorPaging:
		return "cursor"
	case PagePaging:
		return "page"
	}
	return "none"
}

// Paging describes how a list method is walked page by page. Field names
// are parameter names of the method, except Next, a field of the reply.
type Paging struct {
	Kind PagingKind
	// Offset is the parameter that skips items (OffsetPaging): "offset",
	// "start".
	Offset string
	// Cursor is the parameter that takes the next page's cursor
	// (CursorPaging): "start_from".
	Cursor string
	// Next is the reply's field that holds the next cursor (CursorPaging):
	// "next_from".
	Next string
	// Page is the page-number parameter (PagePaging): "pageNumber",
	// "pageNo"; FirstPage is the number of the first page (1).
	Page      string
	FirstPage int
	// Count is the page-size parameter: "count", "num", "pageSize"; empty
	// when the method has none.
	Count string
	// MinCount, MaxCount and DefaultCount bound the page size and give the
	// size used when Count is left out; 0 when unknown.
	MinCount, MaxCount, DefaultCount int
}

// New returns the catalog written in text (the format Format writes). text
// is parsed on first use; a catalog that does not parse is empty and says
// why in Err.
func New(text string) *Catalog { return &Catalog{text: text} }

// Parse parses text (the format Format writes) into a catalog, or returns
// an error naming the line that is wrong.
func Parse(text string) (*Catalog, error) {
	c := New(text)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) load() *Catalog {
	c.once.Do(func() {
		if err := c.parse(c.text); err != nil {
			c.err = err
			c.name, c.methods, c.common = "", nil, nil
		}
		c.index()
	})
	return c
}

// index builds the lookup tables, once.
func (c *Catalog) index() {
	c.byName = make(map[string]int, len(c.methods))
	c.byLower = make(map[string]int, len(c.methods))
	for i := range c.methods {
		m := &c.methods[i]
		c.byName[m.Name] = i
		c.byLower[strings.ToLower(m.Name)] = i
		if len(m.Params) > 8 {
			m.index = make(map[string]int, len(m.Params))
			for j := range m.Params {
				m.index[m.Params[j].Name] = j
			}
		}
	}
	c.commonX = make(map[string]*Param, len(c.common))
	for i := range c.common {
		c.commonX[c.common[i].Name] = &c.common[i]
	}
}

// Err returns the error that kept the catalog's text from parsing, or nil.
func (c *Catalog) Err() error { return c.load().err }

// Name returns the catalog's name, the platform's short name ("vk").
func (c *Catalog) Name() string { return c.load().name }

// Len returns the number of methods.
func (c *Catalog) Len() int { return len(c.load().methods) }

// Method returns the method named name (exact spelling) and whether the
// catalog has it. A name under a namespace listed as "ns.*" (VK's
// execute.*, stored procedures) gives that entry.
func (c *Catalog) Method(name string) (*Method, bool) {
	c.load()
	i, ok := c.byName[name]
	if !ok {
		m := c.wildcard(name)
		return m, m != nil
	}
	return &c.methods[i], true
}

// Methods returns the methods whose names start with prefix, sorted by
// name; an empty prefix gives them all. The prefix is matched without
// regard to case.
func (c *Catalog) Methods(prefix string) []*Method {
	c.load()
	lp := strings.ToLower(prefix)
	var out []*Method
	for i := range c.methods {
		n := c.methods[i].Name
		if len(n) >= len(lp) && strings.EqualFold(n[:len(lp)], lp) {
			out = append(out, &c.methods[i])
		}
	}
	return out
}

// Common returns the parameters every method takes (VK's v and
// access_token, QQ's openid...), sorted by name.
func (c *Catalog) Common() []Param { return c.load().common }

// Param returns the method's parameter named name, or nil.
func (m *Method) Param(name string) *Param {
	if m.index != nil {
		if i, ok := m.index[name]; ok {
			return &m.Params[i]
		}
		return nil
	}
	for i := range m.Params {
		if m.Params[i].Name == name {
			return &m.Params[i]
		}
	}
	return nil
}

// AcceptsToken reports whether the method takes a credential of kind
// (such as "group"); a method whose token kinds are unknown accepts any.
func (m *Method) AcceptsToken(kind string) bool {
	return len(m.Tokens) == 0 || slices.Contains(m.Tokens, kind)
}

// param looks name up among the method's parameters, then the common ones.
func (c *Catalog) param(m *Method, name string) *Param {
	if p := m.Param(name); p != nil {
		return p
	}
	return c.commonX[name]
}

// wildcard returns the "ns.*" method that covers name, or nil.
func (c *Catalog) wildcard(name string) *Method {
	for i := strings.LastIndexByte(name, '.'); i > 0; i = strings.LastIndexByte(name[:i], '.') {
		if j, ok := c.byName[name[:i]+".*"]; ok {
			return &c.methods[j]
		}
	}
	return nil
}
