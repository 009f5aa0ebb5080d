package sandbox_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkBearerCall posts form to a method with the token in an Authorization
// header, as vksdk and VK ID's iOS SDK send it.
func vkBearerCall(t *testing.T, s *sandbox.Server, header, method string, form url.Values) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL(sandbox.VK)+"/method/"+method, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return vkDecode(t, resp)
}

func TestVKTakesTheTokenAsABearerHeader(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.VK).AccessToken
	v := url.Values{"v": {"5.199"}, "user_ids": {"2"}}

	m := vkBearerCall(t, s, "Bearer "+tok, "users.get", v)
	require.Zero(t, vkErrCode(m), m)
	assert.EqualValues(t, 2, m["response"].([]any)[0].(map[string]any)["id"])

	clk.Advance(time.Second)
	m = vkBearerCall(t, s, "bearer "+tok, "users.get", v)
	assert.Zero(t, vkErrCode(m), "the scheme is case-insensitive: %v", m)

	m = vkBearerCall(t, s, "Bearer vk1.a.forged", "users.get", v)
	assert.Equal(t, 5, vkErrCode(m))
	assert.Contains(t, vkErrMsg(m), "invalid access_token", "a bad header token is reported as bad, not as missing")
	assert.NotContains(t, vkErrMsg(m), "no access_token")

	m = vkBearerCall(t, s, "Basic "+tok, "users.get", v)
	assert.Contains(t, vkErrMsg(m), "no access_token passed", "another scheme carries no token")

	clk.Advance(time.Second)
	form := url.Values{"v": {"5.199"}, "access_token": {tok}}
	m = vkBearerCall(t, s, "Bearer vk1.a.forged", "users.get", form)
	assert.Zero(t, vkErrCode(m), "the access_token parameter wins over the header: %v", m)
	bad := vkBearerCall(t, s, "Bearer "+tok, "users.get", url.Values{"v": {"5.0"}})
	for _, rp := range bad["error"].(map[string]any)["request_params"].([]any) {
		assert.NotEqual(t, tok, rp.(map[string]any)["value"], "the header token is not echoed")
	}
}

// vkFormAction finds a form's action as voronind/vk's DirectUserAPI does.
var vkFormAction = regexp.MustCompile(`<form[^>]* action="([^"]+)"`)

// vkFragment reads the query-style fragment (or query) of a URL, as clients
// read VK's blank.html redirects.
func vkFragment(t *testing.T, u *url.URL) url.Values {
	t.Helper()
	raw := u.Fragment
	if raw == "" {
		raw = u.RawQuery
	}
	q, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return q
}

func TestVKDirectAuthValidationPage(t *testing.T) {
	s, clk := vkStart(t)
	base := s.URL(sandbox.VK)
	login := url.Values{
		"grant_type": {"password"}, "client_id": {sandbox.VKAppID}, "client_secret": {sandbox.VKAppSecret},
		"username": {sandbox.VKLogin2FA}, "password": {sandbox.VKPassword}, "scope": {"offline,wall"},
		"2fa_supported": {"1"}, "v": {"5.199"},
	}
	_, m := vkPostForm(t, base+"/token", login)
	require.Equal(t, "need_validation", m["error"], m)
	redirect := m["redirect_uri"].(string)
	require.True(t, strings.HasPrefix(redirect, base+"/"), redirect)

	// a client following redirects, as requests does
	jar := &http.Client{}
	page := func(resp *http.Response) (string, url.Values) {
		t.Helper()
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body), vkFragment(t, resp.Request.URL)
	}
	resp, err := jar.Get(redirect)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, q := page(resp)
	assert.Equal(t, "authcheck", q.Get("act"))
	action := vkFormAction.FindStringSubmatch(body)
	require.Len(t, action, 2, body)
	assert.Contains(t, body, `name="code"`)

	// a wrong code brings the form back
	resp, err = jar.PostForm(base+action[1], url.Values{"code": {"000000"}})
	require.NoError(t, err)
	_, q = page(resp)
	assert.Equal(t, "authcheck", q.Get("act"), "a wrong code shows the form again")

	resp, err = jar.PostForm(base+action[1], url.Values{"code": {sandbox.VKValidationCode}, "remember": {"1"}})
	require.NoError(t, err)
	_, q = page(resp)
	assert.Equal(t, "/vk/blank.html", resp.Request.URL.Path)
	assert.Equal(t, "1", q.Get("success"))
	assert.Equal(t, "2", q.Get("user_id"))
	assert.Equal(t, "0", q.Get("expires_in"), "offline: the same lifetime as the code= retry")
	tok := q.Get("access_token")
	require.NotEmpty(t, tok)

	clk.Advance(time.Second)
	me := vkAPI(t, s, tok, "users.get", nil)
	require.Zero(t, vkErrCode(me), me)
	assert.EqualValues(t, 2, me["response"].([]any)[0].(map[string]any)["id"])
	clk.Advance(time.Second)
	post := vkAPI(t, s, tok, "wall.post", url.Values{"message": {"via the page"}})
	assert.Zero(t, vkErrCode(post), "the token carries the scope asked for: %v", post)

	// the hash is good once
	resp, err = jar.PostForm(base+action[1], url.Values{"code": {sandbox.VKValidationCode}})
	require.NoError(t, err)
	_, q = page(resp)
	assert.Equal(t, "1", q.Get("fail"))
	resp, err = jar.Get(base + "/login?act=authcheck&api_hash=forged")
	require.NoError(t, err)
	_, q = page(resp)
	assert.Equal(t, "1", q.Get("fail"))
}
