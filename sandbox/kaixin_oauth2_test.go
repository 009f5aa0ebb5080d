package sandbox

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kxAuthorize2 runs /oauth2/authorize and returns where it redirected.
func kxAuthorize2(t *testing.T, s *Server, q url.Values) *url.URL {
	t.Helper()
	resp, err := wxNoRedirect.Get(s.URL(Kaixin) + "/oauth2/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

func kxToken2(t *testing.T, s *Server, form url.Values) kxResult {
	t.Helper()
	return kxDo(t, kxNewRequest(t, "POST", s.URL(Kaixin)+"/oauth2/access_token", form))
}

func TestKaixinOAuth2Flow(t *testing.T) {
	s, _ := kxSandbox(t)
	q := url.Values{"client_id": {kxAppKey}, "response_type": {"code"}, "redirect_uri": {"https://client.example/kx2"},
		"scope": {"basic create_records"}, "state": {"st"}}
	loc := kxAuthorize2(t, s, q)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code)
	assert.Equal(t, "st", loc.Query().Get("state"))

	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {kxAppKey}, "client_secret": {kxAppSecret},
		"code": {code}, "redirect_uri": {"https://client.example/kx2"}}
	edited := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range form {
			f[key] = vs
		}
		f.Set(k, v)
		return f
	}
	r := kxToken2(t, s, edited("client_secret", "wrong"))
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, "invalid_client", r.json["error"])
	r = kxToken2(t, s, edited("grant_type", "password"))
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "unsupported_grant_type", r.json["error"])
	r = kxDo(t, kxNewRequest(t, "GET", s.URL(Kaixin)+"/oauth2/access_token?"+form.Encode(), nil))
	assert.Equal(t, http.StatusBadRequest, r.status, "the token endpoint takes POST")
	assert.Equal(t, "invalid_request", r.json["error"])

	r = kxToken2(t, s, form)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.NotEmpty(t, r.json["access_token"])
	assert.NotEmpty(t, r.json["refresh_token"])
	assert.Equal(t, float64(2592000), r.json["expires_in"])
	assert.Equal(t, "basic create_records", r.json["scope"])

	again := kxToken2(t, s, form)
	assert.Equal(t, http.StatusBadRequest, again.status)
	assert.Equal(t, "invalid_grant", again.json["error"], "a code is good once")
	assert.NotEmpty(t, again.json["error_description"])

	at := r.json["access_token"].(string)
	me := func(at string) kxResult { return kxGet(t, s, "/users/me.json", at, nil) }
	assert.Equal(t, "48620001", me(at).json["uid"])

	refreshed := kxToken2(t, s, url.Values{"grant_type": {"refresh_token"}, "client_id": {kxAppKey},
		"client_secret": {kxAppSecret}, "refresh_token": {r.json["refresh_token"].(string)}})
	require.Equal(t, http.StatusOK, refreshed.status, refreshed.body)
	assert.NotEqual(t, at, refreshed.json["access_token"])
	assert.Equal(t, "basic create_records", refreshed.json["scope"])
	assert.Equal(t, http.StatusOK, me(at).status, "the old token lives on (WithRevokeOnRefresh revokes it)")
	assert.Equal(t, http.StatusOK, me(refreshed.json["access_token"].(string)).status)
	r = kxToken2(t, s, url.Values{"grant_type": {"refresh_token"}, "client_id": {kxAppKey},
		"client_secret": {kxAppSecret}, "refresh_token": {r.json["refresh_token"].(string)}})
	assert.Equal(t, "invalid_grant", r.json["error"], "a refresh token is good once")
}

func TestKaixinOAuth2AuthorizeErrors(t *testing.T) {
	s, clock := kxSandbox(t)
	q := url.Values{"client_id": {kxAppKey}, "response_type": {"code"}, "redirect_uri": {"https://client.example/kx2"},
		"state": {"st"}}

	q.Set("scope", "everything")
	loc := kxAuthorize2(t, s, q)
	assert.Equal(t, "invalid_scope", loc.Query().Get("error"))
	assert.Equal(t, "st", loc.Query().Get("state"))
	assert.Empty(t, loc.Query().Get("code"))

	q.Set("scope", "basic")
	q.Set("response_type", "id_token")
	assert.Equal(t, "unsupported_response_type", kxAuthorize2(t, s, q).Query().Get("error"))

	r := kxDo(t, kxNewRequest(t, "GET", s.URL(Kaixin)+"/oauth2/authorize?client_id=nope&redirect_uri=https://c.example/", nil))
	assert.Equal(t, http.StatusBadRequest, r.status, "a bad client is shown, not redirected")
	assert.Equal(t, "invalid_client", r.json["error"])

	// the implicit flow answers in the fragment
	q.Set("response_type", "token")
	loc = kxAuthorize2(t, s, q)
	frag, err := url.ParseQuery(loc.Fragment)
	require.NoError(t, err)
	assert.NotEmpty(t, frag.Get("access_token"))
	assert.Equal(t, "2592000", frag.Get("expires_in"))
	assert.Equal(t, "st", frag.Get("state"))
	assert.Equal(t, http.StatusOK, kxGet(t, s, "/users/me.json", frag.Get("access_token"), nil).status)

	// the code is bound to its redirect_uri and lives 10 minutes
	q.Set("response_type", "code")
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {kxAppKey}, "client_secret": {kxAppSecret},
		"code": {kxAuthorize2(t, s, q).Query().Get("code")}, "redirect_uri": {"https://client.example/other"}}
	r = kxToken2(t, s, form)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "invalid_grant", r.json["error"], "redirect_uri mismatch")

	form.Set("code", kxAuthorize2(t, s, q).Query().Get("code"))
	form.Set("redirect_uri", "https://client.example/kx2")
	clock.Advance(10 * time.Minute)
	r = kxToken2(t, s, form)
	assert.Equal(t, "invalid_grant", r.json["error"], "expired code")
	assert.Contains(t, r.json["error_description"], "expired")
}
