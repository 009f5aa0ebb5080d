package catalog_test

import (
	"testing"

	"github.com/snskit/snskit/catalog"
)

// FuzzParse feeds arbitrary text to the parser: it returns an error or a
// catalog, never panics, and what it reads Format writes back readably.
func FuzzParse(f *testing.F) {
	f.Add(testText)
	f.Add("catalog x\nmethod a.b tokens=user open\n\tparam p string|array:integer|string min=-1 max=1e3 enum=a,b\n\tpaging page page=n count=s\n")
	f.Add("catalog x\nmethod a\nparam y array:\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := catalog.Parse(text)
		if err != nil {
			return
		}
		var methods []catalog.Method
		for _, m := range c.Methods("") {
			methods = append(methods, *m)
		}
		out, err := catalog.Format(c.Name(), c.Common(), methods)
		if err != nil {
			return // values Format refuses (a '#' in a name, say) that parsing let through
		}
		again, err := catalog.Parse(string(out))
		if err != nil {
			t.Fatalf("Format wrote what Parse refuses: %v\n%s", err, out)
		}
		if again.Len() != c.Len() {
			t.Fatalf("round trip lost methods: %d, then %d", c.Len(), again.Len())
		}
	})
}

// FuzzCheck checks arbitrary names and values: problems or none, never a
// panic.
func FuzzCheck(f *testing.F) {
	c := catalog.New(testText)
	f.Add("users.get", "user_ids", "1,2,durov", int64(5))
	f.Add("friends.get", "count", "9e999", int64(-1))
	f.Add("Users.Gte", "", "", int64(0))
	f.Fuzz(func(t *testing.T, method, name, text string, n int64) {
		for _, v := range []any{text, n, []string{text, text}, []any{n, text, nil, []any{text}}, float64(n) / 3, n%2 == 0, &text, map[string]string{name: text}} {
			for _, p := range c.Check(method, map[string]any{name: v, "content": text}) {
				if p.Kind == 0 || p.Detail == "" {
					t.Fatalf("empty problem %#v", p)
				}
			}
		}
	})
}
