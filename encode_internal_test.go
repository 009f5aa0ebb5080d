package snskit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// appendQueryEscaped is url.QueryEscape, byte for byte: every byte alone,
// between others, and invalid UTF-8; appended, it keeps what was there.
func TestAppendQueryEscapedIsQueryEscape(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "Z", string([]byte{byte(c), byte(c)})} {
			assert.Equal(t, url.QueryEscape(s), string(appendQueryEscaped(nil, s)), "byte %#x", c)
			assert.Equal(t, "k="+url.QueryEscape(s), string(appendQueryEscaped([]byte("k="), s)), "byte %#x", c)
		}
		for at := range 17 { // in and around the runs read eight bytes at a time
			s := []byte("abcdefghijklmnopqrstuvwxy")
			s[at] = byte(c)
			assert.Equal(t, url.QueryEscape(string(s)), string(appendQueryEscaped(nil, string(s))), "byte %#x at %d", c, at)
		}
	}
}

func FuzzAppendQueryEscaped(f *testing.F) {
	for _, s := range []string{"", "vk1.a.tok|en+/=", "1,2", "x y", "中&=?#+%", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendQueryEscaped(nil, s)), url.QueryEscape(s); got != want {
			t.Fatalf("appendQueryEscaped(%q) = %q, url.QueryEscape gives %q", s, got, want)
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

// httpRequest builds form and bodiless requests itself, without
// http.NewRequestWithContext: they must be what NewRequestWithContext makes,
// field for field, with a body the transport knows is in memory.
func TestHTTPRequestIsWhatNewRequestMakes(t *testing.T) {
	type ctxKey struct{}
	ctx := context.WithValue(context.Background(), ctxKey{}, "mine")
	for _, c := range []struct {
		verb   string
		values url.Values
	}{
		{http.MethodPost, url.Values{"user_ids": {"1,2"}, "q": {"x y&z"}}},
		{http.MethodPost, nil}, // an empty form
		{http.MethodGet, nil},
	} {
		t.Run(c.verb, func(t *testing.T) {
			u, err := url.Parse("http://127.0.0.1:8080/method/users.get?a=1")
			require.NoError(t, err)
			d := driver.NewDraft(nil)
			d.Verb, d.Values, d.URL = c.verb, c.values, u
			d.Header.Set("X-Kept", "1")
			got, err := httpRequest(ctx, d, u)
			require.NoError(t, err)

			form := encodeValues(c.values)
			var body io.Reader
			if c.verb == http.MethodPost {
				body = strings.NewReader(form)
			}
			want, err := http.NewRequestWithContext(ctx, c.verb, u.String(), body)
			require.NoError(t, err)
			want.Header.Set("X-Kept", "1")
			if c.verb == http.MethodPost {
				want.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}

			assert.Equal(t, want.Method, got.Method)
			assert.Equal(t, want.URL, got.URL)
			assert.NotSame(t, u, got.URL, "the request has a URL of its own")
			assert.Equal(t, want.Proto, got.Proto)
			assert.Equal(t, want.ProtoMajor, got.ProtoMajor)
			assert.Equal(t, want.ProtoMinor, got.ProtoMinor)
			assert.Equal(t, want.Header, got.Header)
			assert.Equal(t, want.Host, got.Host)
			assert.Equal(t, want.ContentLength, got.ContentLength)
			assert.Equal(t, "mine", got.Context().Value(ctxKey{}))
			assert.Equal(t, fmt.Sprintf("%T", want.Body), fmt.Sprintf("%T", got.Body), "a body the transport knows")
			assert.Equal(t, want.GetBody == nil, got.GetBody == nil)
			if want.Body == nil {
				assert.Nil(t, got.Body)
				return
			}
			if want.Body == http.NoBody {
				assert.Equal(t, http.NoBody, got.Body)
			}
			read := func(rc io.ReadCloser) string {
				b, err := io.ReadAll(rc)
				require.NoError(t, err)
				require.NoError(t, rc.Close())
				return string(b)
			}
			assert.Equal(t, form, read(got.Body))
			for range 2 { // GetBody rewinds, each time from the start
				again, err := got.GetBody()
				require.NoError(t, err)
				assert.Equal(t, form, read(again))
			}
		})
	}
}

// mayBeTooLong bounds the escaped path without escaping it: the bound must
// hold for any path, escaped or given raw.
func TestMayBeTooLongBoundsTheEscapedPath(t *testing.T) {
	for _, raw := range []string{"http://h/method/users.get", "http://h/a%2Fb/c", "http://h/日本/語", "http://h/%20 x", "http://h/a;b,c=d/@!$&'()*+"} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(u.EscapedPath()), max(3*len(u.Path), len(u.RawPath)), raw)
	}
	long := &url.URL{Scheme: "http", Host: "h", Path: "/" + strings.Repeat("é", MaxURLLength/6)}
	assert.True(t, mayBeTooLong(long), "a path that escapes past the limit")
}
