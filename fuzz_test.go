package snskit_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// FuzzParseJSON: any body gives a document or a *ReplyError, never a panic
// nor a stack overflow; RedactJSON returns whatever it is given or JSON.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `cb({"a":1});`, "\uFEFF[1]", `<title>x</title>`, `{"a":`, ``, `(`, `a(`, `)(`,
		`{"a":1}{"a":2}`, `{"a":1} x`, `{"access_token":"x","k":[{"key":"sig","value":"y"}]}`,
		strings.Repeat("[", 20000), strings.Repeat(`{"a":`, 20000), strings.Repeat(`[{"a":[`, 5000),
		`{"response":` + strings.Repeat("[", 20000), "cb(" + strings.Repeat("[", 20000) + ")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		_, err := driver.ParseJSONFields(&snskit.Response{Platform: "p", Body: body}, []string{"a", "response"}, make([]gjson.Result, 2))
		if err != nil {
			if _, ok := err.(*snskit.ReplyError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
		if out := driver.RedactJSON(body); out != body && !json.Valid([]byte(out)) {
			t.Fatalf("RedactJSON(%q) = %q, not JSON", body, out)
		}
		_, _ = driver.UnwrapJSONP(body)
		_ = driver.RedactQuery(body)
	})
}
