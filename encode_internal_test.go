package snskit

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
)

func TestEncodeValuesMatchesURLValuesEncode(t *testing.T) {
	cases := []url.Values{
		nil,
		{},
		{"a": {"1"}},
		{"b": {"2"}, "a": {"1", "x y"}, "ü": {"中&=?#+%"}, "empty": {""}, "k k": {"v/v"}},
	}
	many := url.Values{}
	for i := range 40 { // more keys than the stack buffer holds
		many.Set(fmt.Sprintf("key%02d", 39-i), fmt.Sprint(i))
	}
	cases = append(cases, many)
	for _, v := range cases {
		assert.Equal(t, v.Encode(), encodeValues(v))
	}
}

// writeQueryEscaped is url.QueryEscape, byte for byte: every byte alone,
// between others, and invalid UTF-8.
func TestWriteQueryEscapedIsQueryEscape(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "Z", string([]byte{byte(c), byte(c)})} {
			var b strings.Builder
			writeQueryEscaped(&b, s)
			assert.Equal(t, url.QueryEscape(s), b.String(), "byte %#x", c)
		}
	}
}

func FuzzWriteQueryEscaped(f *testing.F) {
	for _, s := range []string{"", "vk1.a.tok|en+/=", "1,2", "x y", "中&=?#+%", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		writeQueryEscaped(&b, s)
		if got, want := b.String(), url.QueryEscape(s); got != want {
			t.Fatalf("writeQueryEscaped(%q) = %q, url.QueryEscape gives %q", s, got, want)
		}
	})
}

func TestEncodedParamsDoNotShareStorage(t *testing.T) {
	v, _, err := encodeParams(Params{"a": 1, "b": 2, "c": 3}, driver.Style{})
	assert.NoError(t, err)
	v.Add("a", "extra") // must not overwrite b or c in the shared array
	assert.Equal(t, []string{"1", "extra"}, v["a"])
	assert.Equal(t, []string{"2"}, v["b"])
	assert.Equal(t, []string{"3"}, v["c"])
}
