package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/snskit/snskit/catalog"
)

// The parts of methods.json that the catalog keeps; descriptions are not
// even decoded.
type schemaFile struct {
	Methods []schemaMethod `json:"methods"`
}

type schemaMethod struct {
	Name            string        `json:"name"`
	AccessTokenType []string      `json:"access_token_type"`
	Parameters      []schemaParam `json:"parameters"`
}

type schemaParam struct {
	Name      string          `json:"name"`
	Type      json.RawMessage `json:"type"` // "integer" or ["integer", "string"]
	Format    string          `json:"format"`
	Required  bool            `json:"required"`
	Minimum   *json.Number    `json:"minimum"`
	Maximum   *json.Number    `json:"maximum"`
	MinLength int             `json:"minLength"`
	MaxLength int             `json:"maxLength"`
	MinItems  int             `json:"minItems"`
	MaxItems  int             `json:"maxItems"`
	Enum      []any           `json:"enum"`
	Default   any             `json:"default"`
	Items     *schemaParam    `json:"items"`
}

// vkCommon are the parameters VK takes on every method: PLATFORMS.md (v,
// lang, test_mode, access_token), PLATFORMS-MORE.md §2 (the captcha retry's
// parameters), and group_id, by which platforms.VKCommunity picks a
// community's token (seed 002: api.users.get(group_id=654321, user_ids=1)).
var vkCommon = []catalog.Param{
	{Name: "group_id", Type: catalog.Integer},
	{Name: "access_token", Type: catalog.String},
	{Name: "v", Type: catalog.Any},
	{Name: "lang", Type: catalog.Any},
	{Name: "test_mode", Type: catalog.Boolean},
	{Name: "captcha_sid", Type: catalog.Any},
	{Name: "captcha_key", Type: catalog.String},
	{Name: "success_token", Type: catalog.String},
	{Name: "captcha_ts", Type: catalog.Any},
	{Name: "captcha_attempt", Type: catalog.Any},
	{Name: "is_sound_captcha", Type: catalog.Any},
}

// vkMissing are what the schema leaves out of a method and
// PLATFORMS-MORE.md states: execute(code, func_v?) with a user, group or
// service token (§4.1). They are added to the method's own.
var vkMissing = map[string]struct {
	tokens []string
	params []catalog.Param
}{
	"execute": {
		tokens: []string{"service"},
		params: []catalog.Param{{Name: "code", Type: catalog.String, Required: true}, {Name: "func_v", Type: catalog.Any}},
	},
}

// vkExtra are methods the schema lacks: execute.*, the stored procedures an
// application defines and calls as execute.<name> (PLATFORMS-MORE.md §4.3
// names execute* methods); their parameters are the application's.
var vkExtra = []catalog.Method{
	{Name: "execute.*", Tokens: []string{"user", "group", "service"}, Open: true},
}

// vkPageSizes are page sizes the schema gives only in its descriptions, from
// PLATFORMS-MORE.md §6.1. They feed Paging only, never the checks of count.
var vkPageSizes = map[string][2]int{ // method -> max, default
	"friends.get":      {5000, 5000},
	"wall.get":         {100, 0},
	"wall.getComments": {100, 0},
	"newsfeed.get":     {100, 50},
}

// vkCatalog reads every section's methods.json in fsys and writes the
// catalog.
func vkCatalog(fsys fs.FS) ([]byte, error) {
	files, err := fs.Glob(fsys, "*/methods.json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no */methods.json in the schema directory; point -schema at vk-api-schema")
	}
	var methods []catalog.Method
	for _, name := range files { // fs.Glob sorts
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f schemaFile
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Clean(name), err)
		}
		for _, sm := range f.Methods {
			m, err := convertMethod(sm)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			methods = append(methods, m)
		}
	}
	return catalog.Format("vk", vkCommon, append(methods, vkExtra...))
}

func convertMethod(sm schemaMethod) (catalog.Method, error) {
	m := catalog.Method{Name: sm.Name, Tokens: sm.AccessTokenType}
	for _, sp := range sm.Parameters {
		p, err := convertParam(sp)
		if err != nil {
			return m, fmt.Errorf("%s: %w", sm.Name, err)
		}
		m.Params = append(m.Params, p)
	}
	if add, ok := vkMissing[sm.Name]; ok {
		for _, t := range add.tokens {
			if !slices.Contains(m.Tokens, t) {
				m.Tokens = append(slices.Clip(m.Tokens), t)
			}
		}
		for _, p := range add.params {
			if m.Param(p.Name) == nil {
				m.Params = append(m.Params, p)
			}
		}
	}
	m.Paging = paging(&m)
	return m, nil
}

func convertParam(sp schemaParam) (catalog.Param, error) {
	p := catalog.Param{
		Name:      sp.Name,
		Required:  sp.Required,
		JSON:      sp.Format == "json",
		MinLength: sp.MinLength,
		MaxLength: sp.MaxLength,
		MinItems:  sp.MinItems,
		MaxItems:  sp.MaxItems,
	}
	t, err := kinds(sp.Type)
	if err != nil {
		return p, fmt.Errorf("parameter %s: %w", sp.Name, err)
	}
	p.Type = t
	bounds := &sp // where min, max and enum are: the value's, or each element's
	if t&catalog.Array != 0 && sp.Items != nil {
		if p.Items, err = kinds(sp.Items.Type); err != nil {
			return p, fmt.Errorf("parameter %s items: %w", sp.Name, err)
		}
		if p.Items&catalog.Array != 0 {
			p.Items = catalog.Any // arrays of arrays are not comma lists
		}
		bounds = sp.Items
	}
	if p.Min, err = number(bounds.Minimum); err != nil {
		return p, err
	}
	if p.Max, err = number(bounds.Maximum); err != nil {
		return p, err
	}
	for _, e := range bounds.Enum {
		p.Enum = append(p.Enum, text(e))
	}
	if sp.Default != nil {
		p.Default = text(sp.Default)
	}
	return p, nil
}

// kinds reads a JSON Schema type: absent (a $ref: unknown here), a name or a
// list of names.
func kinds(raw json.RawMessage) (catalog.Type, error) {
	if len(raw) == 0 {
		return catalog.Any, nil
	}
	var names []string
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &names); err != nil {
			return 0, err
		}
	} else {
		var one string
		if err := json.Unmarshal(raw, &one); err != nil {
			return 0, err
		}
		names = []string{one}
	}
	var t catalog.Type
	for _, n := range names {
		k, ok := catalog.ParseType(n)
		if !ok {
			return 0, fmt.Errorf("unknown type %q", n)
		}
		t |= k
	}
	return t, nil
}

func number(n *json.Number) (*float64, error) {
	if n == nil {
		return nil, nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// text writes a JSON value as VK takes it on the wire: bools as 1/0, lists
// comma-joined.
func text(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "1"
		}
		return "0"
	case string:
		return x
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = text(e)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// paging derives how m pages from its parameters: start_from is a cursor
// fed by the reply's next_from; offset with count (or limit) is an offset.
func paging(m *catalog.Method) catalog.Paging {
	var pg catalog.Paging
	count := m.Param("count")
	switch {
	case m.Param("start_from") != nil:
		pg = catalog.Paging{Kind: catalog.CursorPaging, Cursor: "start_from", Next: "next_from"}
	case m.Param("offset") != nil && count != nil:
		pg = catalog.Paging{Kind: catalog.OffsetPaging, Offset: "offset"}
	case m.Param("offset") != nil && m.Param("limit") != nil:
		pg = catalog.Paging{Kind: catalog.OffsetPaging, Offset: "offset"}
		count = m.Param("limit")
	default:
		return pg
	}
	if count == nil {
		return pg
	}
	pg.Count = count.Name
	if count.Max != nil {
		pg.MaxCount = int(*count.Max)
	}
	if n, err := strconv.Atoi(count.Default); err == nil {
		pg.DefaultCount = n
	}
	if s, ok := vkPageSizes[m.Name]; ok {
		pg.MaxCount = s[0]
		if s[1] != 0 {
			pg.DefaultCount = s[1]
		}
	}
	return pg
}
