package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

func TestVKOAuthCodeFlow(t *testing.T) {
	s, clk := vkStart(t)
	app := s.App(sandbox.VK)
	base := s.URL(sandbox.VK)
	redirect := "http://127.0.0.1:9999/cb?keep=1"

	authorize := func(scope string) string {
		t.Helper()
		q := url.Values{"client_id": {app.ID}, "redirect_uri": {redirect}, "response_type": {"code"},
			"scope": {scope}, "state": {"xyz"}, "v": {"5.199"}}
		resp, err := vkNoFollow.Get(base + "/authorize?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		loc, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		assert.Equal(t, "xyz", loc.Query().Get("state"))
		assert.Equal(t, "1", loc.Query().Get("keep"), "the redirect URI's own query is kept")
		return loc.Query().Get("code")
	}
	exchange := func(code, secret string) (int, map[string]any) {
		return vkPostForm(t, base+"/access_token", url.Values{"client_id": {app.ID}, "client_secret": {secret},
			"redirect_uri": {redirect}, "code": {code}})
	}

	code := authorize("wall,email")
	status, m := exchange(code, "wrong")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, map[string]any{"error": "invalid_client", "error_description": "client_secret is incorrect"}, m)

	status, m = exchange(code, app.Secret)
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 86400, m["expires_in"])
	assert.EqualValues(t, 1, m["user_id"])
	assert.Equal(t, sandbox.VKLogin, m["email"])
	assert.NotContains(t, m, "refresh_token", "VK classic OAuth has no refresh tokens")
	assert.Zero(t, vkErrCode(vkAPI(t, s, m["access_token"].(string), "wall.post", url.Values{"message": {"via oauth"}})))

	status, m = exchange(code, app.Secret)
	assert.Equal(t, http.StatusUnauthorized, status, "a code is single use")
	assert.Equal(t, map[string]any{"error": "invalid_grant", "error_description": "Code is invalid or expired."}, m)

	late := authorize("offline")
	clk.Advance(time.Hour + time.Second)
	status, m = exchange(late, app.Secret)
	assert.Equal(t, http.StatusUnauthorized, status, "codes expire")
	assert.Equal(t, "invalid_grant", m["error"])

	status, m = exchange(authorize("offline"), app.Secret)
	require.Equal(t, http.StatusOK, status)
	assert.EqualValues(t, 0, m["expires_in"], "offline tokens never expire")
	assert.NotContains(t, m, "email")

	resp, err := vkNoFollow.Get(base + "/authorize?client_id=1&redirect_uri=" + url.QueryEscape(redirect))
	require.NoError(t, err)
	assert.Equal(t, "invalid_client", vkDecode(t, resp)["error"])
	resp, err = vkNoFollow.Get(base + "/authorize?client_id=" + app.ID + "&redirect_uri=" + url.QueryEscape("https://evil.invalid/cb"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "invalid_request", vkDecode(t, resp)["error"])
}

func TestVKImplicitFlowCommunityTokens(t *testing.T) {
	s, _ := vkStart(t)
	q := url.Values{"client_id": {sandbox.VKAppID}, "redirect_uri": {"https://oauth.vk.ru/blank.html"},
		"response_type": {"token"}, "group_ids": {"1,2"}, "scope": {"photos,messages"}, "state": {"s1"}}
	resp, err := vkNoFollow.Get(s.URL(sandbox.VK) + "/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Empty(t, loc.RawQuery, "the implicit flow answers in the fragment")
	frag, err := url.ParseQuery(loc.Fragment)
	require.NoError(t, err)
	g1, g2 := frag.Get("access_token_1"), frag.Get("access_token_2")
	require.NotEmpty(t, g1)
	require.NotEmpty(t, g2)
	assert.NotEqual(t, g1, g2)
	assert.Equal(t, "s1", frag.Get("state"))
	assert.Empty(t, frag.Get("access_token"))

	assert.Zero(t, vkErrCode(vkAPI(t, s, g1, "users.get", url.Values{"user_ids": {"1"}})))
	assert.Equal(t, 27, vkErrCode(vkAPI(t, s, g2, "friends.get", url.Values{"user_id": {"1"}})))

	q.Del("group_ids")
	resp, err = vkNoFollow.Get(s.URL(sandbox.VK) + "/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	loc, err = url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	frag, err = url.ParseQuery(loc.Fragment)
	require.NoError(t, err)
	assert.Equal(t, "86400", frag.Get("expires_in"))
	assert.Equal(t, sandbox.VKUserID, frag.Get("user_id"))
	assert.Zero(t, vkErrCode(vkAPI(t, s, frag.Get("access_token"), "users.get", nil)))

	// The code flow gives community tokens at the exchange.
	q.Set("response_type", "code")
	q.Set("group_ids", "2")
	resp, err = vkNoFollow.Get(s.URL(sandbox.VK) + "/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	loc, err = url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	status, m := vkPostForm(t, s.URL(sandbox.VK)+"/access_token", url.Values{"client_id": {sandbox.VKAppID},
		"client_secret": {sandbox.VKAppSecret}, "redirect_uri": {"https://oauth.vk.ru/blank.html"}, "code": {loc.Query().Get("code")}})
	require.Equal(t, http.StatusOK, status, m)
	groups := m["groups"].([]any)
	require.Len(t, groups, 1)
	assert.EqualValues(t, 2, groups[0].(map[string]any)["group_id"])
	assert.Equal(t, 27, vkErrCode(vkAPI(t, s, groups[0].(map[string]any)["access_token"].(string), "wall.get", nil)))
}

func TestVKDirectAuth(t *testing.T) {
	s, _ := vkStart(t)
	tokenURL := s.URL(sandbox.VK) + "/token"
	login := func(user string, extra url.Values) (int, map[string]any) {
		t.Helper()
		form := url.Values{"grant_type": {"password"}, "client_id": {sandbox.VKAppID}, "client_secret": {sandbox.VKAppSecret},
			"username": {user}, "password": {sandbox.VKPassword}, "scope": {"wall,offline"}, "2fa_supported": {"1"}, "v": {"5.199"}}
		for k, v := range extra {
			form[k] = v
		}
		return vkPostForm(t, tokenURL, form)
	}

	status, m := login(sandbox.VKLogin, nil)
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 1, m["user_id"])
	assert.EqualValues(t, 0, m["expires_in"])

	status, m = login(sandbox.VKLogin, url.Values{"password": {"nope"}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, map[string]any{"error": "invalid_client", "error_description": "Username or password is incorrect"}, m)

	status, m = login(sandbox.VKLogin2FA, nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "need_validation", m["error"])
	assert.Equal(t, "2fa_sms", m["validation_type"])
	assert.Equal(t, "+7 *** *** ** 12", m["phone_mask"])
	assert.NotEmpty(t, m["validation_sid"])
	assert.NotEmpty(t, m["redirect_uri"])
	status, _ = login(sandbox.VKLogin2FA, url.Values{"code": {"000000"}})
	assert.Equal(t, http.StatusUnauthorized, status, "a wrong code")
	status, m = login(sandbox.VKLogin2FA, url.Values{"code": {sandbox.VKValidationCode}})
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 2, m["user_id"])

	status, m = login(sandbox.VKLoginCaptcha, nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "need_captcha", m["error"])
	sid := m["captcha_sid"].(string)
	assert.Contains(t, m["captcha_img"], sid)
	status, m = login(sandbox.VKLoginCaptcha, url.Values{"captcha_sid": {sid}, "captcha_key": {sandbox.VKCaptchaAnswer}})
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 3, m["user_id"])
	_, m = login(sandbox.VKLoginCaptcha, url.Values{"captcha_sid": {sid}, "captcha_key": {sandbox.VKCaptchaAnswer}})
	assert.Equal(t, "need_captcha", m["error"], "a captcha sid is single use")

	status, m = vkPostForm(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {sandbox.VKAppID},
		"client_secret": {sandbox.VKAppSecret}, "v": {"5.199"}})
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 0, m["expires_in"])
	svc := m["access_token"].(string)
	assert.Zero(t, vkErrCode(vkAPI(t, s, svc, "users.get", url.Values{"user_ids": {"1"}})))
	assert.Equal(t, 28, vkErrCode(vkAPI(t, s, svc, "wall.post", url.Values{"message": {"x"}})))
}

func TestVKOAuthPKCEAndServiceTokenAtAccessToken(t *testing.T) {
	s, _ := vkStart(t)
	base := s.URL(sandbox.VK)
	redirect := "https://example.test/cb"
	// RFC 7636 appendix B.
	const verifier, challenge = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	authorize := func(extra url.Values) *url.URL {
		t.Helper()
		q := url.Values{"client_id": {sandbox.VKAppID}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"s"}}
		for k, v := range extra {
			q[k] = v
		}
		resp, err := vkNoFollow.Get(base + "/authorize?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		loc, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		return loc
	}
	exchange := func(code, verifier string) (int, map[string]any) {
		form := url.Values{"client_id": {sandbox.VKAppID}, "client_secret": {sandbox.VKAppSecret},
			"redirect_uri": {redirect}, "code": {code}}
		if verifier != "" {
			form.Set("code_verifier", verifier)
		}
		return vkPostForm(t, base+"/access_token", form)
	}
	pkce := url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}

	status, m := exchange(authorize(pkce).Query().Get("code"), verifier)
	assert.Equal(t, http.StatusOK, status, m)
	status, m = exchange(authorize(pkce).Query().Get("code"), verifier[:42]+"X")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_grant", m["error"])
	status, _ = exchange(authorize(pkce).Query().Get("code"), "")
	assert.Equal(t, http.StatusUnauthorized, status, "a code issued with a challenge needs its verifier")
	status, _ = exchange(authorize(nil).Query().Get("code"), "")
	assert.Equal(t, http.StatusOK, status, "no challenge, no verifier")
	plain := authorize(url.Values{"code_challenge": {verifier}, "code_challenge_method": {"plain"}})
	assert.Equal(t, "invalid_request", plain.Query().Get("error"))

	status, m = vkPostForm(t, base+"/access_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {sandbox.VKAppID}, "client_secret": {sandbox.VKAppSecret}, "v": {"5.199"}})
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 0, m["expires_in"])
	assert.Zero(t, vkErrCode(vkAPI(t, s, m["access_token"].(string), "users.get", url.Values{"user_ids": {"1"}})))
	status, m = vkPostForm(t, base+"/access_token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {sandbox.VKAppID}, "client_secret": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_client", m["error"])
}
