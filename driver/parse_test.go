package driver_test

import (
	"strings"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// deep returns n levels of open, a 1, and n levels of close.
func deep(n int, open, close string) string {
	return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
}

func TestParseJSONRefusals(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"two values":         {`{"ok":1}{"ok":2}`, "more than one JSON value"},
		"two values spaced":  {"{\"ok\":1}\n{\"ok\":2}\n", "more than one JSON value"},
		"trailing garbage":   {`{"ok":1} <!-- cached -->`, "more than one JSON value"},
		"truncated":          {`{"ok":{"a":[1,2`, "not complete JSON (truncated after 15 bytes)"},
		"malformed":          {`{"ok":{"a":[1,,2]}}`, "not complete JSON (malformed at byte 14)"},
		"empty":              {" \r\n", "empty reply body"},
		"empty JSONP":        {"cb( );", "empty JSONP reply"},
		"html":               {"<html><title>504</title></html>", "HTML or XML page"},
		"brackets":           {strings.Repeat("[", 6_000_000), "reply nests deeper than 10,000 levels of arrays and objects"},
		"objects":            {strings.Repeat(`{"a":`, 1_200_000), "deeper than 10,000 levels"},
		"one level too many": {deep(driver.MaxJSONDepth+1, "[", "]"), "deeper than 10,000 levels"},
		"deep JSONP":         {"cb(" + strings.Repeat(`[{"a":`, 500_000) + ");", "deeper than 10,000 levels"},
		"deep in envelope":   {`{"ok":1,"more":` + strings.Repeat("[", 100_000), "deeper than 10,000 levels"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := &driver.Response{Platform: "p", Method: "m", Body: c.body}
			var env [1]gjson.Result
			for _, parse := range []func() (gjson.Result, error){
				func() (gjson.Result, error) { return driver.ParseJSON(r) },
				func() (gjson.Result, error) { return driver.ParseJSONFields(r, []string{"ok"}, env[:]) },
			} {
				doc, err := parse()
				var re *driver.ReplyError
				require.ErrorAs(t, err, &re)
				assert.Contains(t, re.Reason, c.want)
				assert.False(t, doc.Exists())
				assert.Less(t, len(err.Error()), 400, "only the start of the body is quoted")
			}
		})
	}
}

func TestParseJSONOrdinaryDepth(t *testing.T) {
	// VK execute results nest a few dozen levels; the limit is far above.
	for _, body := range []string{
		`{"response":` + deep(60, `[{"a":`, "}]") + `}`,
		deep(driver.MaxJSONDepth, "[", "]"),
		`{"response":` + deep(driver.MaxJSONDepth-1, "[", "]") + `}`,
	} {
		r := &driver.Response{Platform: "p", Body: body}
		var env [1]gjson.Result
		doc, err := driver.ParseJSONFields(r, []string{"response"}, env[:])
		require.NoError(t, err)
		assert.True(t, doc.Exists())
		if doc.IsObject() {
			assert.Contains(t, driver.ObjectFields(doc), "response")
		}
	}
}

func TestParseJSONFields(t *testing.T) {
	body := "\uFEFF {\"error\":{\"error_code\":5},\"response\":[1,2],\"execute_errors\":[],\"error\":\"second\"} "
	r := &driver.Response{Platform: "p", Body: body}
	var env [4]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"response", "error", "execute_errors", "absent"}, env[:])
	require.NoError(t, err)
	assert.True(t, doc.IsObject())
	assert.Equal(t, "[1,2]", env[0].Raw)
	assert.Equal(t, int64(5), env[1].Get("error_code").Int(), "the first of repeated members, as doc.Get")
	assert.Equal(t, doc.Get("error").Raw, env[1].Raw)
	assert.Equal(t, "[]", env[2].Raw)
	assert.False(t, env[3].Exists())
	assert.True(t, strings.Contains(r.Body, env[0].Raw) && r.Body[env[0].Index:env[0].Index+len(env[0].Raw)] == env[0].Raw,
		"values point into the body")

	// JSONP and arrays: the members are those of the object inside, or none.
	env = [4]gjson.Result{}
	_, err = driver.ParseJSONFields(&driver.Response{Body: `cb( {"openid":"X"} );`}, []string{"openid"}, env[:])
	require.NoError(t, err)
	assert.Equal(t, "X", env[0].String())
	env = [4]gjson.Result{}
	_, err = driver.ParseJSONFields(&driver.Response{Body: `[{"openid":"X"}]`}, []string{"openid"}, env[:])
	require.NoError(t, err)
	assert.False(t, env[0].Exists())

	_, err = driver.ParseJSONFields(r, []string{"a", "b"}, env[:1])
	assert.ErrorContains(t, err, "2 keys but only 1 vals")
}

func TestParseJSONFieldsAllocations(t *testing.T) {
	r := &driver.Response{Platform: "p", Body: `{"response":[{"id":1,"first_name":"Павел"}],"x":{"y":[1,2,3]}}`}
	allocs := testing.AllocsPerRun(100, func() {
		var env [3]gjson.Result
		if _, err := driver.ParseJSONFields(r, []string{"response", "error", "execute_errors"}, env[:]); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

func TestRedactJSONHostile(t *testing.T) {
	for _, raw := range []string{strings.Repeat("[", 6_000_000), strings.Repeat(`{"access_token":`, 500_000), `{"a":1}{"b":2}`} {
		assert.Equal(t, raw, driver.RedactJSON(raw), "not JSON: returned as it is")
	}
	// At the limit it still masks.
	raw := strings.Repeat(`{"a":`, driver.MaxJSONDepth-1) + `{"access_token":"SECRET-TOKEN-123"}` + strings.Repeat("}", driver.MaxJSONDepth-1)
	assert.NotContains(t, driver.RedactJSON(raw), "SECRET-TOKEN-123")
}
