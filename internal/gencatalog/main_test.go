package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/snskit/snskit/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCommittedCatalogIsGenerated re-runs the generator on VK's schema and
// compares its output with the committed platforms/vk_catalog.txt.
func TestCommittedCatalogIsGenerated(t *testing.T) {
	shared := os.Getenv("SNSKIT_SHARED")
	if shared == "" {
		shared = filepath.Join("..", "..", "..", "shared") // the repository's ../shared
	}
	schema := filepath.Join(shared, "reference", "vk-api-schema")
	if _, err := os.Stat(schema); err != nil {
		t.Skipf("VK's schema is not at %s (set SNSKIT_SHARED to the shared directory to run this test): %v", schema, err)
	}
	out := filepath.Join(t.TempDir(), "vk_catalog.txt")
	require.NoError(t, run(schema, out))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	committed, err := os.ReadFile(filepath.Join("..", "..", "platforms", "vk_catalog.txt"))
	require.NoError(t, err)
	assert.True(t, string(got) == string(committed), "platforms/vk_catalog.txt is stale: run go generate ./platforms from the repository at /work/main")

	again := filepath.Join(t.TempDir(), "again.txt")
	require.NoError(t, run(schema, again))
	b, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(b), "the generator is deterministic")
}

// schemaFixture is a two-section schema in VK's format, descriptions
// included.
var schemaFixture = fstest.MapFS{
	"users/methods.json": {Data: []byte(`{"methods": [
	  {"name": "users.get", "description": "VK's own sentence.", "access_token_type": ["user", "group"],
	   "parameters": [
	     {"name": "user_ids", "description": "Another sentence.", "type": "array", "items": {"type": ["integer", "string"], "minimum": 1}, "maxItems": 1000},
	     {"name": "fields", "type": "array", "items": {"$ref": "../users/objects.json#/definitions/users_fields"}},
	     {"name": "name_case", "type": "string", "enum": ["nom", "gen"], "default": "nom"},
	     {"name": "extended", "type": "boolean", "default": false}
	   ]},
	  {"name": "users.getFollowers", "access_token_type": [],
	   "parameters": [
	     {"name": "offset", "type": "integer", "minimum": 0},
	     {"name": "count", "type": "integer", "minimum": 0, "maximum": 1000, "default": 100, "required": true},
	     {"name": "lat", "type": "number", "minimum": -90.5, "maximum": 90},
	     {"name": "code", "type": "string", "format": "json", "maxLength": 20, "minLength": 2}
	   ]}
	]}`)},
	"execute/methods.json": {Data: []byte(`{"methods": [{"name": "execute", "access_token_type": ["user", "group"]}]}`)},
	"newsfeed/methods.json": {Data: []byte(`{"methods": [
	  {"name": "newsfeed.get", "access_token_type": ["user"],
	   "parameters": [{"name": "start_from", "type": "string"}, {"name": "count", "type": "integer"}]}
	]}`)},
}

func TestSchemaConversion(t *testing.T) {
	text, err := vkCatalog(schemaFixture)
	require.NoError(t, err)
	assert.NotContains(t, string(text), "sentence", "no descriptions")
	c, err := catalog.Parse(string(text))
	require.NoError(t, err)
	assert.Equal(t, "vk", c.Name())
	assert.Equal(t, 5, c.Len(), "four methods, and execute.*")
	_, ok := c.Method("execute.*")
	assert.True(t, ok)

	ex, ok := c.Method("execute")
	require.True(t, ok)
	assert.Equal(t, []string{"user", "group", "service"}, ex.Tokens, "PLATFORMS-MORE.md §4.1 where the schema falls short")
	require.NotNil(t, ex.Param("code"))
	assert.True(t, ex.Param("code").Required)
	assert.NotNil(t, ex.Param("func_v"))

	m, ok := c.Method("users.get")
	require.True(t, ok)
	assert.Equal(t, []string{"user", "group"}, m.Tokens)
	ids := m.Param("user_ids")
	assert.Equal(t, catalog.Array, ids.Type)
	assert.Equal(t, catalog.Integer|catalog.String, ids.Items)
	assert.Equal(t, 1000, ids.MaxItems)
	assert.Equal(t, 1.0, *ids.Min, "an array's element bounds")
	assert.Equal(t, catalog.Any, m.Param("fields").Items, "a $ref element is loosely typed")
	assert.Equal(t, []string{"nom", "gen"}, m.Param("name_case").Enum)
	assert.Equal(t, "nom", m.Param("name_case").Default)
	assert.Equal(t, "0", m.Param("extended").Default, "bools as VK writes them")
	assert.Equal(t, catalog.NoPaging, m.Paging.Kind)
	assert.Equal(t, []string{"user_ids", "fields", "name_case", "extended"}, paramNames(m), "the schema's order")

	f, _ := c.Method("users.getFollowers")
	assert.Empty(t, f.Tokens)
	assert.True(t, f.Param("count").Required)
	assert.Equal(t, -90.5, *f.Param("lat").Min)
	code := f.Param("code")
	assert.True(t, code.JSON)
	assert.Equal(t, 2, code.MinLength)
	assert.Equal(t, 20, code.MaxLength)
	assert.Equal(t, catalog.Paging{Kind: catalog.OffsetPaging, Offset: "offset", Count: "count", MaxCount: 1000, DefaultCount: 100}, f.Paging)

	n, _ := c.Method("newsfeed.get")
	assert.Equal(t, catalog.Paging{Kind: catalog.CursorPaging, Cursor: "start_from", Next: "next_from", Count: "count", MaxCount: 100, DefaultCount: 50}, n.Paging,
		"page sizes from PLATFORMS-MORE.md where the schema has none")

	first := strings.Index(string(text), "method newsfeed.get")
	second := strings.Index(string(text), "method users.get")
	assert.Less(t, first, second, "methods sorted by name whatever the section order")
}

func TestSchemaErrors(t *testing.T) {
	_, err := vkCatalog(fstest.MapFS{})
	assert.ErrorContains(t, err, "no */methods.json")
	_, err = vkCatalog(fstest.MapFS{"a/methods.json": {Data: []byte(`{"methods": [`)}})
	assert.ErrorContains(t, err, "a/methods.json")
	_, err = vkCatalog(fstest.MapFS{"a/methods.json": {Data: []byte(`{"methods": [{"name": "a.b", "parameters": [{"name": "x", "type": "tuple"}]}]}`)}})
	assert.ErrorContains(t, err, `unknown type "tuple"`)
	assert.ErrorContains(t, run(filepath.Join(t.TempDir(), "nope"), filepath.Join(t.TempDir(), "out")), "cannot read the schema directory")
}

func paramNames(m *catalog.Method) []string {
	var out []string
	for _, p := range m.Params {
		out = append(out, p.Name)
	}
	return out
}
