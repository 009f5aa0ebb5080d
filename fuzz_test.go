package snskit_test

import (
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
)

// FuzzParseJSON: any body gives a document or a *ReplyError, never a panic.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `cb({"a":1});`, "\uFEFF[1]", `<title>x</title>`, `{"a":`, ``, `(`, `a(`, `)(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		_, err := driver.ParseJSON(&snskit.Response{Platform: "p", Body: body})
		if err != nil {
			if _, ok := err.(*snskit.ReplyError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
		_, _ = driver.UnwrapJSONP(body)
		_ = driver.RedactQuery(body)
	})
}
