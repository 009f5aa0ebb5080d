package catalog_test

import (
	"testing"

	"github.com/snskit/snskit/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testText is a small catalog exercising every attribute of the format.
const testText = `# a test catalog
catalog test
common access_token string
common v any
method friends.get tokens=user,service
	param user_id integer min=0
	param order string enum=hints,random,name
	param count integer min=0 max=5000 default=5000
	param offset integer min=0
	param fields array:string
	paging offset offset=offset count=count max=5000 default=5000
method newsfeed.get tokens=user
	param start_from string
	param count integer min=0
	paging cursor cursor=start_from next=next_from count=count max=100 default=50
method photo.upload open
	param file file required
method status.put
	param content string required min_length=1 max_length=240
method user.friend.list
	param pageSize integer min=1 max=100 default=20
	param pageNumber integer min=1 default=1
	paging page page=pageNumber first=1 count=pageSize min=1 max=100 default=20
method users.get tokens=user,group,service
	param user_ids array:string|integer max_items=3
	param name_case string enum=nom,gen
	param lat number min=-90 max=90
	param flag boolean
	param ids array:integer min=1
	param data string json
	param obj object
`

func mustParse(t *testing.T, text string) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse(text)
	require.NoError(t, err)
	return c
}

func TestParseAndLookup(t *testing.T) {
	c := mustParse(t, testText)
	assert.Equal(t, "test", c.Name())
	assert.Equal(t, 6, c.Len())

	m, ok := c.Method("users.get")
	require.True(t, ok)
	assert.Equal(t, []string{"user", "group", "service"}, m.Tokens)
	assert.True(t, m.AcceptsToken("group"))
	assert.False(t, m.AcceptsToken("open"))
	p := m.Param("user_ids")
	require.NotNil(t, p)
	assert.Equal(t, catalog.Array, p.Type)
	assert.Equal(t, catalog.String|catalog.Integer, p.Items)
	assert.Equal(t, 3, p.MaxItems)
	assert.Equal(t, "array of string|integer", p.TypeString())
	lat := m.Param("lat")
	require.NotNil(t, lat)
	assert.Equal(t, -90.0, *lat.Min)
	assert.Equal(t, 90.0, *lat.Max)
	assert.True(t, m.Param("data").JSON)
	assert.Nil(t, m.Param("nope"))

	_, ok = c.Method("users.Get")
	assert.False(t, ok, "lookup is exact")

	fg, _ := c.Method("friends.get")
	assert.Equal(t, catalog.Paging{Kind: catalog.OffsetPaging, Offset: "offset", Count: "count", MaxCount: 5000, DefaultCount: 5000}, fg.Paging)
	assert.Equal(t, "5000", fg.Param("count").Default)
	nf, _ := c.Method("newsfeed.get")
	assert.Equal(t, catalog.Paging{Kind: catalog.CursorPaging, Cursor: "start_from", Next: "next_from", Count: "count", MaxCount: 100, DefaultCount: 50}, nf.Paging)
	rl, _ := c.Method("user.friend.list")
	assert.Equal(t, catalog.Paging{Kind: catalog.PagePaging, Page: "pageNumber", FirstPage: 1, Count: "pageSize", MinCount: 1, MaxCount: 100, DefaultCount: 20}, rl.Paging)
	st, _ := c.Method("status.put")
	assert.Equal(t, catalog.NoPaging, st.Paging.Kind)
	up, _ := c.Method("photo.upload")
	assert.True(t, up.Open)
	assert.Len(t, c.Common(), 2)
}

func TestMethodsByPrefix(t *testing.T) {
	c := mustParse(t, testText)
	names := func(ms []*catalog.Method) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	assert.Equal(t, []string{"user.friend.list", "users.get"}, names(c.Methods("user")))
	assert.Equal(t, []string{"users.get"}, names(c.Methods("USERS.")), "prefixes ignore case")
	assert.Len(t, c.Methods(""), 6)
	assert.Empty(t, c.Methods("wall."))
}

func TestFormatRoundTrip(t *testing.T) {
	c := mustParse(t, testText)
	var methods []catalog.Method
	for _, m := range c.Methods("") {
		methods = append(methods, *m)
	}
	text, err := catalog.Format(c.Name(), c.Common(), methods)
	require.NoError(t, err)
	again := mustParse(t, string(text))
	for _, m := range c.Methods("") {
		m2, ok := again.Method(m.Name)
		require.True(t, ok, m.Name)
		assert.Equal(t, m.Params, m2.Params, m.Name)
		assert.Equal(t, m.Paging, m2.Paging, m.Name)
		assert.Equal(t, m.Tokens, m2.Tokens, m.Name)
		assert.Equal(t, m.Open, m2.Open, m.Name)
	}
	text2, err := catalog.Format(again.Name(), again.Common(), methods)
	require.NoError(t, err)
	assert.Equal(t, string(text), string(text2), "Format is deterministic")

	// Reversed input gives the same output: Format sorts.
	rev := make([]catalog.Method, len(methods))
	for i := range methods {
		rev[len(methods)-1-i] = methods[i]
	}
	text3, err := catalog.Format(c.Name(), c.Common(), rev)
	require.NoError(t, err)
	assert.Equal(t, string(text), string(text3))
}

func TestFormatRefusesWhatCannotBeRead(t *testing.T) {
	for name, m := range map[string]catalog.Method{
		"space in name":   {Name: "users get"},
		"comma in enum":   {Name: "a.b", Params: []catalog.Param{{Name: "x", Enum: []string{"a,b"}}}},
		"space in value":  {Name: "a.b", Params: []catalog.Param{{Name: "x", Default: "a b"}}},
		"equals in param": {Name: "a.b", Params: []catalog.Param{{Name: "x=1"}}},
	} {
		_, err := catalog.Format("t", nil, []catalog.Method{m})
		assert.Error(t, err, name)
	}
	_, err := catalog.Format("t", nil, []catalog.Method{{Name: "a.b"}, {Name: "a.b"}})
	assert.ErrorContains(t, err, "twice")
}

func TestParseErrors(t *testing.T) {
	for text, want := range map[string]string{
		"method a.b":                                           "no catalog line",
		"catalog x\nparam y string":                            "line 2: param before any method",
		"catalog x\nmethod a\nparam y strnig":                  `line 3: parameter y: unknown type "strnig"`,
		"catalog x\nmethod a\nparam y":                         "has no type",
		"catalog x\nmethod a\nparam y int max=z":               "unknown type",
		"catalog x\nmethod a\nparam y integer max=z":           `bad attribute "max=z"`,
		"catalog x\nmethod a\nparam y integer color":           `unknown attribute "color"`,
		"catalog x\nmethod a\nparam y integer\nparam y string": "listed twice",
		"catalog x\nmethod b\nmethod a":                        "out of order",
		"catalog x\nmethod a\nmethod a":                        "listed twice",
		"catalog x\nmethod a\npaging sideways":                 "unknown paging kind",
		"catalog x\nmethod a\npaging cursor cursor=s":          "lacks its parameter names",
		"catalog x\nmethod a speed=2":                          "unknown method attribute",
		"catalog x\nwhatever y":                                `unknown line kind "whatever"`,
		"catalog x\nmethod a\nparam y array:array":             "unknown element type",
	} {
		_, err := catalog.Parse(text)
		if assert.Error(t, err, text) {
			assert.Contains(t, err.Error(), want, text)
			assert.Contains(t, err.Error(), "snskit: catalog:", text)
		}
	}
}

func TestBrokenCatalogIsEmpty(t *testing.T) {
	c := catalog.New("catalog x\nmethod a\nparam")
	assert.Error(t, c.Err())
	assert.Zero(t, c.Len())
	_, ok := c.Method("a")
	assert.False(t, ok)
	ps := c.Check("a", nil)
	require.Len(t, ps, 1)
	assert.Equal(t, catalog.UnknownMethod, ps[0].Kind)
}

func TestTypeString(t *testing.T) {
	assert.Equal(t, "any", catalog.Any.String())
	assert.Equal(t, "string|integer", (catalog.Integer | catalog.String).String())
	for _, s := range []string{"any", "string", "integer|number", "boolean|object|file", "array"} {
		ty, ok := catalog.ParseType(s)
		require.True(t, ok, s)
		assert.Equal(t, s, ty.String())
	}
	_, ok := catalog.ParseType("int")
	assert.False(t, ok)
}

func TestDescriptions(t *testing.T) {
	c := mustParse(t, testText)
	fg, _ := c.Method("friends.get")
	assert.Equal(t, "integer, min 0, max 5000, default 5000", fg.Param("count").Summary())
	assert.Equal(t, "string, one of hints|random|name", fg.Param("order").Summary())
	assert.Equal(t, "offset: offset, count (at most 5000, default 5000)", fg.Paging.String())
	st, _ := c.Method("status.put")
	assert.Equal(t, "string, required, at least 1 characters, at most 240 characters", st.Param("content").Summary())
	assert.Equal(t, "none", st.Paging.String())
	ug, _ := c.Method("users.get")
	assert.Equal(t, "string (JSON)", ug.Param("data").Summary())
	assert.Equal(t, "array of string|integer, at most 3 elements", ug.Param("user_ids").Summary())
	nf, _ := c.Method("newsfeed.get")
	assert.Equal(t, "cursor: start_from from the reply's next_from, count (at most 100, default 50)", nf.Paging.String())
	rl, _ := c.Method("user.friend.list")
	assert.Equal(t, "page: pageNumber from 1, pageSize (at least 1, at most 100, default 20)", rl.Paging.String())
}

func TestNoProblems(t *testing.T) {
	var ps catalog.Problems
	assert.Equal(t, "snskit: no catalog problems", ps.Error())
}

func TestWildcardNamespace(t *testing.T) {
	c := mustParse(t, "catalog x\nmethod execute tokens=user\n\tparam code string required\nmethod execute.* open\n")
	m, ok := c.Method("execute.myProcedure")
	require.True(t, ok)
	assert.Equal(t, "execute.*", m.Name)
	assert.Empty(t, c.Check("execute.myProcedure", map[string]any{"anything": 1}))
	assert.Empty(t, c.Check("execute.a.b", nil))
	ps := c.Check("execute", map[string]any{"x": 1})
	assert.Len(t, ps, 2, "execute itself is not the wildcard")
	_, ok = c.Method("executes.x")
	assert.False(t, ok)
	assert.Len(t, c.Check("other.x", nil), 1)
}
