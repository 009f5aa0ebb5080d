package jsonscan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// kindOf returns the Kind of err, or 0 for nil.
func kindOf(t *testing.T, err error) Kind {
	t.Helper()
	if err == nil {
		return 0
	}
	var e *Error
	require.True(t, errors.As(err, &e), "error of type %T", err)
	return e.Kind
}

func TestValidKinds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Kind
	}{
		{`{}`, 0}, {` [ ] `, 0}, {`"a\u00e9\n\"\\"`, 0}, {`-0.5e+10`, 0}, {`0`, 0}, {`true`, 0},
		{`{"a":[1,{"b":null}],"c":"d"}`, 0}, {"\t{\"a\" : 1 }\r\n", 0},
		{`"Павел Дуров, 王小明"`, 0}, {`"exactly8"`, 0}, {`"abcdefghijklmnopqrstuvwxyz\"0123456789"`, 0},
		{``, Empty}, {"  \n", Empty},
		{`{"a":`, Incomplete}, {`[1,2`, Incomplete}, {`"abc`, Incomplete}, {`"abcdefghijklmnop`, Incomplete},
		{`{"a"`, Incomplete}, {`tru`, Incomplete}, {`[1.`, Incomplete}, {`1e`, Incomplete}, {`"\u12`, Incomplete},
		{`{`, Incomplete}, {`[`, Incomplete}, {`"\`, Incomplete},
		{`{}x`, Trailing}, {`{} {}`, Trailing}, {`1 2`, Trailing}, {`[1]]`, Trailing},
		{`{a:1}`, Syntax}, {`[1,]`, Syntax}, {`{"a":1,}`, Syntax}, {`[01]`, Syntax}, {`nul!`, Syntax},
		{`"a` + "\x01" + `"`, Syntax}, {`"tab	here"`, Syntax}, {`"\x"`, Syntax}, {`"\u12g4"`, Syntax},
		{`{"a" 1}`, Syntax}, {`[1}`, Syntax}, {`{"a":1]`, Syntax}, {`-`, Incomplete}, {`-a`, Syntax},
		{`+1`, Syntax}, {`.5`, Syntax}, {`<html>`, Syntax}, {`1.e5`, Syntax},
	} {
		assert.Equal(t, c.want, kindOf(t, Valid(c.in)), "%q", c.in)
		assert.Equal(t, c.want == 0, gjson.Valid(c.in), "gjson disagrees on %q", c.in)
	}
}

func TestDepth(t *testing.T) {
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	assert.NoError(t, Valid(deep(MaxDepth, "[", "]")))
	assert.NoError(t, Valid(deep(MaxDepth, `{"a":`, "}")))
	assert.NoError(t, Valid(deep(MaxDepth/2, `[{"a":`, "}]")))
	assert.NoError(t, Object(deep(MaxDepth, `{"a":`, "}"), []string{"a"}, make([]gjson.Result, 1)))
	for _, s := range []string{
		deep(MaxDepth+1, "[", "]"), deep(MaxDepth+1, `{"a":`, "}"),
		strings.Repeat("[", 6_000_000), strings.Repeat(`{"a":`, 1_200_000), strings.Repeat(`[{"a":[`, 900_000),
	} {
		err := Valid(s)
		assert.Equal(t, TooDeep, kindOf(t, err))
		assert.ErrorContains(t, err, "deeper than 10,000 levels")
	}
	// encoding/json agrees on where the limit is.
	assert.True(t, json.Valid([]byte(deep(MaxDepth, "[", "]"))))
	assert.False(t, json.Valid([]byte(deep(MaxDepth+1, "[", "]"))))
}

func TestObject(t *testing.T) {
	s := `{"response":[1,2],"error":{"code":5},"x":"y","response":"second","\u0065rr":1,"e\u0078ecute":"esc"}`
	keys := []string{"error", "response", "missing", "execute"}
	vals := make([]gjson.Result, len(keys))
	require.NoError(t, Object(s, keys, vals))
	assert.Equal(t, `{"code":5}`, vals[0].Raw)
	assert.Equal(t, s[vals[0].Index:vals[0].Index+len(vals[0].Raw)], vals[0].Raw)
	assert.Equal(t, int64(5), vals[0].Get("code").Int())
	assert.Equal(t, `[1,2]`, vals[1].Raw, "the first of duplicate members, as gjson.Get")
	assert.Equal(t, gjson.Get(s, "response").Raw, vals[1].Raw)
	assert.False(t, vals[2].Exists())
	assert.Equal(t, "esc", vals[3].Str, "escaped member names are compared unescaped")

	// Not an object: validated, vals cleared.
	vals = []gjson.Result{gjson.Parse("1")}
	require.NoError(t, Object(`[{"error":1}]`, []string{"error"}, vals))
	assert.False(t, vals[0].Exists())
	// A broken object is refused even after the keys were found.
	assert.Equal(t, Incomplete, kindOf(t, Object(`{"response":1,"more":[`, []string{"response"}, vals)))
	assert.Equal(t, Trailing, kindOf(t, Object(`{"response":1}{}`, []string{"response"}, vals)))
	assert.Equal(t, Syntax, kindOf(t, Object(`{"response":1 "a":2}`, []string{"response"}, vals)))
	assert.NoError(t, Object(` { } `, []string{"response"}, vals))
}

func TestNoAllocations(t *testing.T) {
	s := `{"response":[{"id":1,"first_name":"Павел"}],"error":null}`
	keys := []string{"response", "error"}
	vals := make([]gjson.Result, 2)
	allocs := testing.AllocsPerRun(100, func() {
		if Object(s, keys, vals) != nil {
			t.Fatal("refused")
		}
	})
	assert.Zero(t, allocs)
}

// FuzzValid: Valid agrees with gjson.Valid on every text gjson can check
// without deep recursion, and Object finds the members gjson.Get finds.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",null,true,false,-1.5e3]`, `{"a":`, `"\u00e9"`, `{}{}`,
		strings.Repeat("[", 20000), strings.Repeat(`{"a":`, 20000), `{"error":{"x":[]},"response":"r"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Valid(s)
		if strings.Count(s, "[")+strings.Count(s, "{") < MaxDepth {
			if (err == nil) != gjson.Valid(s) {
				t.Fatalf("Valid(%q) = %v, gjson.Valid = %v", s, err, gjson.Valid(s))
			}
		}
		vals := make([]gjson.Result, 2)
		if Object(s, []string{"error", "response"}, vals) == nil && gjson.Parse(s).IsObject() {
			for k, key := range []string{"error", "response"} {
				if g := gjson.Get(s, key); g.Raw != vals[k].Raw && !strings.ContainsAny(key, `\`) {
					t.Fatalf("member %s of %q: %q, gjson %q", key, s, vals[k].Raw, g.Raw)
				}
			}
		}
	})
}

// bigReply is a VK friends.get-like reply of n users with fields.
func bigReply(n int) string {
	var b strings.Builder
	b.WriteString(`{"response":{"count":5000,"items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":12345678,"first_name":"Александра","last_name":"Владимирова","can_access_closed":true,"is_closed":false,"sex":1,"bdate":"12.3.1990","city":{"id":2,"title":"Санкт-Петербург"},"photo_100":"https://sun9-61.userapi.com/s/v1/ig2/Tq2Oq9pRzYu8zV9T7gkG7QdE9u0S6t7BLoW2TRPo1sgtmC2CzWlE6yQZm9h2FnP8fVkBX5K4mXz0GJaWcbVrk8x1.jpg?quality=96&crop=214,0,1079,1079&as=32x32,48x48,72x72&ava=1&cs=100x100","online":0,"track_code":"8f2b1c0dQx9w"}`)
	}
	b.WriteString(`]}}`)
	return b.String()
}

func BenchmarkValid(b *testing.B) {
	s := bigReply(5000)
	b.SetBytes(int64(len(s)))
	b.Run("jsonscan", func(b *testing.B) {
		for b.Loop() {
			if Valid(s) != nil {
				b.Fatal("refused")
			}
		}
	})
	b.Run("gjson.Valid", func(b *testing.B) {
		for b.Loop() {
			if !gjson.Valid(s) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("gjson.Get-error", func(b *testing.B) { // what a hand-written client pays to look for "error"
		for b.Loop() {
			if gjson.Get(s, "error").Exists() {
				b.Fatal("error")
			}
		}
	})
}
