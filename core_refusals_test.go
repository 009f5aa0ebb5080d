package snskit_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

func TestRefusedCallsAreCallErrors(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	var ce *snskit.CallError

	_, err := api.Method("a..b").Do(nil)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "fake", ce.Platform)
	assert.False(t, ce.NeedsAuth)

	_, err = api.Method("a.b").Do(snskit.Params{"x": make(chan int)})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "a.b", ce.Method)

	_, err = api.Method("a.b").WithVerb("PUT").Do(nil)
	require.ErrorAs(t, err, &ce)

	noAuth, _ := snskit.New(fake{}, snskit.WithBaseURL(srv.URL))
	_, err = noAuth.Method("a.b").Do(nil)
	require.ErrorAs(t, err, &ce)
	assert.True(t, ce.NeedsAuth)

	cause := errors.New("token endpoint unreachable")
	broken, _ := snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.TokenSource(failingSource{cause})))
	_, err = broken.Method("a.b").Do(nil)
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, cause, "the token source's error stays reachable")
	assert.Empty(t, *hits)
}

type failingSource struct{ err error }

func (f failingSource) Token() (*oauth2.Token, error) { return nil, f.err }

func TestRedactHeader(t *testing.T) {
	for _, name := range []string{"X-Challenge-Solution", "x-auth-token", "X-Api-Key", "X-Client-Secret"} {
		assert.Equal(t, "****6789", driver.RedactHeader(name, "abcdef0123456789", nil), name)
	}
	assert.Equal(t, "text/html", driver.RedactHeader("Accept", "text/html", nil), "other headers are shown")
	assert.Equal(t, "Bearer ****cdef", driver.RedactHeader("authorization", "Bearer "+secretToken, nil))
	oauth := `OAuth oauth_consumer_key="ck", oauth_nonce="n", oauth_signature="c2lnbmF0dXJlLXZhbHVl", oauth_token="` + secretToken + `"`
	got := driver.RedactHeader("Authorization", oauth, nil)
	assert.Contains(t, got, `oauth_consumer_key="ck"`)
	assert.Contains(t, got, `oauth_nonce="n"`)
	assert.NotContains(t, got, secretToken)
	assert.NotContains(t, got, "c2lnbmF0dXJlLXZhbHVl")
	assert.Equal(t, "****", driver.RedactHeader("Cookie", "remixsid=abc", nil))
	assert.Equal(t, "x ****cdef y", driver.RedactHeader("X-Other", "x "+secretToken+" y", []string{secretToken}))
	assert.True(t, driver.IsSecretParam("Access_Token"))
	assert.False(t, driver.IsSecretParam("user_ids"))
}

// fetcher is the fake platform with a side request in Prepare.
type fetcher struct{ fake }

func (fetcher) Prepare(ctx context.Context, d *driver.Draft) error {
	if err := (fake{}).Prepare(ctx, d); err != nil {
		return err
	}
	u, _ := d.Endpoint("https://api.example.com/lookup?token=" + secretToken)
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	_, err := d.Fetch(ctx, req)
	return err
}

func TestDryRunRefusesSideRequests(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api, err := snskit.New(fetcher{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token(secretToken)))
	require.NoError(t, err)
	_, err = api.Method("x.get").Request(context.Background(), nil)
	var ce *snskit.CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "a dry run sends nothing")
	assert.NotContains(t, err.Error(), secretToken)
	assert.Empty(t, *hits)

	_, err = api.Method("x.get").Do(nil)
	require.NoError(t, err)
	assert.Len(t, *hits, 2, "a real call makes its side request, then the call")
}

func TestAPIPrintsNoSecret(t *testing.T) {
	api, err := snskit.New(fake{}, snskit.WithApp("app-1", "APPSECRET-0123456789"), snskit.WithAuth(auth.Token(secretToken)),
		snskit.WithBaseURL("http://127.0.0.1:9/x"))
	require.NoError(t, err)
	holder := struct{ API *snskit.API }{api}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{api, holder} {
			out := sprintf(format, v)
			assert.NotContains(t, out, "APPSECRET-0123456789", format)
			assert.NotContains(t, out, secretToken, format)
		}
	}
	assert.Equal(t, "snskit.API{platform: fake, app: app-1, secret: ****6789, base: http://127.0.0.1:9/x, auth: oauth2 token}", api.String())
}

func TestRedactJSON(t *testing.T) {
	raw := `{"error_code":14,"captcha_sid":"548","request_params":[{"key":"method","value":"wall.post"},{"key":"captcha_key","value":"s4ndb0x-answer"},{"key":"access_token","value":"` + secretToken + `"}],"nested":{"refresh_token":"rt-0123456789abcdef","id":12345678901234567890}}`
	got := driver.RedactJSON(raw)
	assert.NotContains(t, got, "s4ndb0x-answer")
	assert.NotContains(t, got, secretToken)
	assert.NotContains(t, got, "rt-0123456789abcdef")
	doc := gjson.Parse(got)
	assert.Equal(t, "548", doc.Get("captcha_sid").String(), "what callers need stays")
	assert.Equal(t, "wall.post", doc.Get("request_params.0.value").String())
	assert.Equal(t, "12345678901234567890", doc.Get("nested.id").Raw, "numbers are kept exactly")
	plain := `{"a": 1, "b": [true]}`
	assert.Equal(t, plain, driver.RedactJSON(plain), "nothing secret: returned as it is")
	assert.Equal(t, "not json", driver.RedactJSON("not json"))
}
