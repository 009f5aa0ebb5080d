package driver_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const oddToken = "239975|6.8d4c1f+a/b=c.5184000.1367|ЖТ=="

// Redact finds a secret in each form it travels in, and a masked JSON
// document or query stays well-formed.
func TestRedactEveryForm(t *testing.T) {
	for _, sec := range []string{oddToken, "tok\"en\\with<quotes>&0123", "emoji🙂token/0123456789"} {
		for _, form := range leaktest.Forms(sec) {
			got := driver.Redact("a "+form+" b", []string{sec})
			assert.NotContains(t, got, form, "form %q", form)
			assert.Contains(t, got, "****", "form %q", form)
		}
		doc := `{"msg":` + jsonASCII(sec) + `,"n":1}`
		got := driver.Redact(doc, []string{sec})
		leaktest.NoSecret(t, got, sec)
		assert.True(t, json.Valid([]byte(got)), "still JSON: %s", got)
		q := "x=1&echo=" + url.QueryEscape(sec)
		v, err := url.ParseQuery(driver.Redact(q, []string{sec}))
		require.NoError(t, err)
		assert.Equal(t, "1", v.Get("x"))
	}
	assert.Equal(t, "abc", driver.Redact("abc", []string{"ab"}), "too short to mask")
}

func jsonASCII(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		} else if r >= 0x80 {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// A Response masks its request's secrets in whatever its errors quote of
// the body, in every form, wherever the quote is cut.
func TestResponseMasksBeforeItCuts(t *testing.T) {
	for _, form := range leaktest.Forms(oddToken) {
		for pad := 100; pad <= 125; pad += 5 {
			body := "<p>" + strings.Repeat("x", pad-3) + form + " refused</p>"
			r := driver.NewResponse("vk", "users.get", 502, nil, body, []string{oddToken})
			assert.NotContains(t, r.MaskedBody(), form)
			_, err := driver.ParseJSON(r)
			var re *driver.ReplyError
			require.ErrorAs(t, err, &re)
			assert.NotContains(t, re.Snippet, form[:8], "form %q, pad %d: the start of the token shows", form, pad)
		}
	}
	r := driver.NewResponse("vk", "users.get", 200, nil, "no secrets "+oddToken, nil)
	assert.Equal(t, r.Body, r.MaskedBody(), "a response without secrets masks nothing")
}
