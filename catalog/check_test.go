package catalog_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type named string

func (n named) String() string { return string(n) }

type rawJSON struct{}

func (rawJSON) MarshalJSON() ([]byte, error) { return []byte(`{"a":1}`), nil }

func TestCheck(t *testing.T) {
	c := mustParse(t, testText)
	type want struct {
		kind   catalog.ProblemKind
		param  string
		detail string // part of the detail
		sugg   string
	}
	ok := []want(nil)
	for _, tc := range []struct {
		name   string
		method string
		params map[string]any
		want   []want
	}{
		{"all fine", "users.get", map[string]any{"user_ids": []int{1, 2}, "name_case": "gen", "access_token": "t", "v": "5.199"}, ok},
		{"nil is absent", "status.put", map[string]any{"content": "hi", "other": nil}, ok},
		{"no params", "users.get", nil, ok},
		{"comma list", "users.get", map[string]any{"user_ids": "1,durov,3"}, ok},
		{"one element", "users.get", map[string]any{"user_ids": 1}, ok},
		{"[]any list", "users.get", map[string]any{"user_ids": []any{1, "durov"}}, ok},
		{"[]int64 list", "users.get", map[string]any{"ids": []int64{1, 2}}, ok},
		{"integer as text", "friends.get", map[string]any{"count": "100", "user_id": int64(5), "offset": uint8(3)}, ok},
		{"integral float", "friends.get", map[string]any{"count": 100.0}, ok},
		{"number", "users.get", map[string]any{"lat": 55.75, "flag": true}, ok},
		{"number as text", "users.get", map[string]any{"lat": "-12.5e0"}, ok},
		{"bool as 0/1", "users.get", map[string]any{"flag": 1}, ok},
		{"bool as text", "users.get", map[string]any{"flag": "false"}, ok},
		{"stringer enum", "users.get", map[string]any{"name_case": named("nom")}, ok},
		{"json param takes a map", "users.get", map[string]any{"data": map[string]int{"a": 1}}, ok},
		{"object takes anything", "users.get", map[string]any{"obj": rawJSON{}}, ok},
		{"file", "photo.upload", map[string]any{"file": struct{ Name string }{"a.png"}}, ok},
		{"open method takes unknown names", "photo.upload", map[string]any{"file": struct{}{}, "albumId": 5}, ok},
		{"time as integer", "friends.get", map[string]any{"user_id": time.Unix(100, 0)}, ok},
		{"pointer", "friends.get", map[string]any{"count": new(int)}, ok},
		{"string list for a string", "friends.get", map[string]any{"order": []string{"name"}}, ok},

		{"unknown method", "users.gett", nil, []want{{catalog.UnknownMethod, "", `unknown method "users.gett" (not in the test catalog)`, "users.get"}}},
		{"method case", "Users.Get", nil, []want{{catalog.UnknownMethod, "", "unknown method", "users.get"}}},
		{"unknown method, nothing close", "wall.post", nil, []want{{catalog.UnknownMethod, "", "unknown method", ""}}},
		{"unknown param", "users.get", map[string]any{"user_id": 1}, []want{{catalog.UnknownParam, "user_id", `unknown parameter "user_id"`, "user_ids"}}},
		{"unknown param near a common one", "users.get", map[string]any{"acess_token": "x"}, []want{{catalog.UnknownParam, "acess_token", "unknown parameter", "access_token"}}},
		{"missing", "status.put", map[string]any{}, []want{{catalog.MissingParam, "content", `missing required parameter "content" (string)`, ""}}},
		{"missing when nil", "status.put", map[string]any{"content": nil}, []want{{catalog.MissingParam, "content", "missing required", ""}}},
		{"wrong type text", "friends.get", map[string]any{"count": "many"}, []want{{catalog.WrongType, "count", "wants integer, got text that is not an integer", ""}}},
		{"wrong type float", "friends.get", map[string]any{"count": 1.5}, []want{{catalog.WrongType, "count", "got a number", ""}}},
		{"wrong type list", "friends.get", map[string]any{"count": []int{1}}, []want{{catalog.WrongType, "count", "got a list ([]int)", ""}}},
		{"wrong type bool", "users.get", map[string]any{"flag": "yes"}, []want{{catalog.WrongType, "flag", "wants boolean", ""}}},
		{"bool out of 0/1", "users.get", map[string]any{"flag": 2}, []want{{catalog.WrongType, "flag", "wants boolean, got a number", ""}}},
		{"wrong type map", "friends.get", map[string]any{"order": map[string]int{}}, []want{{catalog.WrongType, "order", "got a JSON object or file", ""}}},
		{"wrong element", "users.get", map[string]any{"ids": []string{"1", "x"}}, []want{{catalog.WrongType, "ids", "element 2 wants integer", ""}}},
		{"wrong element in text", "users.get", map[string]any{"ids": "1,2,x"}, []want{{catalog.WrongType, "ids", "element 3 wants integer", ""}}},
		{"map for an array", "users.get", map[string]any{"ids": map[string]int{}}, []want{{catalog.WrongType, "ids", "wants array of integer, got map[string]int", ""}}},
		{"too big", "friends.get", map[string]any{"count": 6000}, []want{{catalog.OutOfRange, "count", "is 6000, more than the maximum 5000", ""}}},
		{"too small", "friends.get", map[string]any{"offset": -1}, []want{{catalog.OutOfRange, "offset", "is -1, less than the minimum 0", ""}}},
		{"float too big", "users.get", map[string]any{"lat": "90.5"}, []want{{catalog.OutOfRange, "lat", "more than the maximum 90", ""}}},
		{"element too small", "users.get", map[string]any{"ids": []int{1, 0}}, []want{{catalog.OutOfRange, "ids", "element 2 is 0, less than the minimum 1", ""}}},
		{"too many elements", "users.get", map[string]any{"user_ids": []int{1, 2, 3, 4}}, []want{{catalog.OutOfRange, "user_ids", "has 4 elements, more than the maximum 3", ""}}},
		{"too many in text", "users.get", map[string]any{"user_ids": "1,2,3,4"}, []want{{catalog.OutOfRange, "user_ids", "has 4 elements", ""}}},
		{"too long", "status.put", map[string]any{"content": string(make([]rune, 241))}, []want{{catalog.OutOfRange, "content", "is 241 characters long, more than the maximum 240", ""}}},
		{"too short", "status.put", map[string]any{"content": ""}, []want{{catalog.OutOfRange, "content", "less than the minimum 1", ""}}},
		{"length in characters", "status.put", map[string]any{"content": "状态状态"}, ok},
		{"not in enum", "users.get", map[string]any{"name_case": "abl"}, []want{{catalog.NotInEnum, "name_case", "must be one of nom, gen", ""}}},
		{"several, sorted by name", "status.put", map[string]any{"zzz": 1, "aaa": 2}, []want{
			{catalog.UnknownParam, "aaa", "unknown parameter", ""},
			{catalog.MissingParam, "content", "missing", ""},
			{catalog.UnknownParam, "zzz", "unknown parameter", ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Check(tc.method, tc.params)
			require.Len(t, got, len(tc.want), "%v", got)
			for i, w := range tc.want {
				assert.Equal(t, w.kind, got[i].Kind, got[i].String())
				assert.Equal(t, w.param, got[i].Param)
				assert.Contains(t, got[i].Detail, w.detail)
				assert.Equal(t, w.sugg, got[i].Suggestion)
				assert.Equal(t, tc.method, got[i].Method)
			}
		})
	}
}

func TestProblemText(t *testing.T) {
	c := mustParse(t, testText)
	ps := c.Check("users.get", map[string]any{"user_id": 1})
	require.Len(t, ps, 1)
	assert.Equal(t, `users.get: unknown parameter "user_id"; did you mean user_ids?`, ps[0].String())
	assert.Equal(t, `snskit: users.get: unknown parameter "user_id"; did you mean user_ids?`, ps[0].Error())
	assert.Equal(t, `unknown parameter "user_id"; did you mean user_ids?`, ps[0].Text())
	assert.Equal(t, "unknown parameter", ps[0].Kind.String())

	var err error = c.Check("status.put", map[string]any{"x": 1})
	var got catalog.Problems
	require.True(t, errors.As(err, &got))
	assert.Len(t, got, 2)
	assert.Equal(t, `snskit: status.put: missing required parameter "content" (string); status.put: unknown parameter "x"`, err.Error())
}

// TestCheckNeverShowsStrings: values may be secrets, so problems name
// parameters and bounds, never a string value.
func TestCheckNeverShowsStrings(t *testing.T) {
	c := mustParse(t, testText)
	const secret = "s3cr3t-value-XYZ"
	for _, params := range []map[string]any{
		{"count": secret},
		{"name_case": secret},
		{"ids": "1," + secret},
		{"flag": secret},
		{"content": secret + string(make([]rune, 300))},
	} {
		for _, m := range []string{"friends.get", "users.get", "status.put"} {
			for _, p := range c.Check(m, params) {
				assert.NotContains(t, p.String(), secret)
				assert.NotContains(t, fmt.Sprintf("%#v", p), secret)
			}
		}
	}
}

func TestCheckAllocatesNothingWhenFine(t *testing.T) {
	c := mustParse(t, testText)
	params := map[string]any{"user_ids": []int{1, 2}, "name_case": "gen", "lat": 1.5, "ids": "1,2,3", "access_token": "t", "flag": true}
	require.Empty(t, c.Check("users.get", params))
	allocs := testing.AllocsPerRun(100, func() { _ = c.Check("users.get", params) })
	assert.Zero(t, allocs)
}

func TestCheckConcurrent(t *testing.T) {
	c := catalog.New(testText) // parsed by whichever goroutine comes first
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			for j := range 200 {
				switch (i + j) % 4 {
				case 0:
					assert.Empty(t, c.Check("users.get", map[string]any{"user_ids": []int{i, j}}))
				case 1:
					ps := c.Check("users.gett", nil)
					if assert.Len(t, ps, 1) {
						assert.Equal(t, "users.get", ps[0].Suggestion)
					}
				case 2:
					assert.Len(t, c.Methods("user"), 2)
				default:
					ps := c.Check("friends.get", map[string]any{"count": 9999})
					assert.Len(t, ps, 1)
				}
			}
		})
	}
	wg.Wait()
}

func TestSuggestions(t *testing.T) {
	c := mustParse(t, testText)
	assert.Equal(t, []string{"users.get"}, c.SuggestMethods("users.gte"))
	assert.Equal(t, []string{"users.get"}, c.SuggestMethods("USERS.GET"), "case alone")
	assert.Equal(t, []string{"status.put"}, c.SuggestMethods("statos.put"))
	assert.Nil(t, c.SuggestMethods("messages.send"))
	assert.Nil(t, c.SuggestMethods("users.get"), "an exact name needs no suggestion")
	m, _ := c.Method("users.get")
	assert.Equal(t, []string{"user_ids"}, c.SuggestParams(m, "userids"))
	assert.Equal(t, []string{"user_ids"}, c.SuggestParams(m, "User_Ids"))
	assert.Equal(t, []string{"v"}, c.SuggestParams(m, "V"))
	assert.Nil(t, c.SuggestParams(m, "q"), "a change of half the name is no suggestion")
	assert.Nil(t, c.SuggestParams(m, "completely_else"))
	// Ranked by distance, then by name, at most three.
	many := mustParse(t, "catalog x\nmethod a.b\nmethod a.bc\nmethod a.bd\nmethod a.be\nmethod a.bf\n")
	assert.Equal(t, []string{"a.b", "a.bc", "a.bd"}, many.SuggestMethods("a.bx"))
}

// Ensure json is used (rawJSON implements json.Marshaler).
var _ json.Marshaler = rawJSON{}
