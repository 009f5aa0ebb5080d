package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWeixinQRConnectApprovesTheDocumentedLink(t *testing.T) {
	s, _ := wxSandbox(t)
	resp, err := wxNoRedirect.Get(wxLink(s, "https://client.example/cb?from=test", "st%26ate"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)

	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "client.example", loc.Host)
	assert.Equal(t, "/cb", loc.Path)
	q := loc.Query()
	assert.Equal(t, "test", q.Get("from"), "the redirect_uri's own query is kept")
	assert.Equal(t, "st&ate", q.Get("state"))
	assert.Len(t, q.Get("code"), 32)
}

func TestWeixinQRConnectRejectsWhatWeChatRejects(t *testing.T) {
	s, _ := wxSandbox(t)
	cb := url.QueryEscape("https://client.example/cb")
	base := s.URL(Weixin) + "/connect/qrconnect?"
	cases := []struct {
		name, query, page string
	}{
		{"wrong order", "appid=" + wxAppID + "&redirect_uri=" + cb + "&scope=snsapi_login&response_type=code&state=1", "参数错误"},
		{"state first", "state=1&appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_login", "参数错误"},
		{"extra parameter", "appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_login&state=1&x=1", "参数错误"},
		{"repeated parameter", "appid=" + wxAppID + "&appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_login", "参数错误"},
		{"missing scope", "appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=code&state=1", "Scope参数错误或没有Scope权限"},
		{"in-WeChat scope", "appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_userinfo&state=1", "Scope参数错误或没有Scope权限"},
		{"wrong appid", "appid=wx0000000000000000&redirect_uri=" + cb + "&response_type=code&scope=snsapi_login&state=1", "AppID 参数错误"},
		{"relative redirect", "appid=" + wxAppID + "&redirect_uri=%2Fcb&response_type=code&scope=snsapi_login&state=1", "redirect_uri 参数错误"},
		{"token flow", "appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=token&scope=snsapi_login&state=1", "response_type参数错误"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := wxNoRedirect.Get(base + tc.query)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode, "WeChat shows an error page")
			assert.Empty(t, resp.Header.Get("Location"))
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.Contains(t, string(body), ">"+tc.page+"<")
		})
	}
	// without state the link is still the documented one
	resp, err := wxNoRedirect.Get(base + "appid=" + wxAppID + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_login")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
}

func TestWeixinOAuth2AuthorizeTakesInWeChatScopes(t *testing.T) {
	s, _ := wxSandbox(t)
	link := func(scope string) string {
		return s.URL(Weixin) + "/connect/oauth2/authorize?appid=" + wxAppID +
			"&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&response_type=code&scope=" + scope + "&state=s"
	}
	resp, err := wxNoRedirect.Get(link("snsapi_base"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	tok := wxExchange(t, s, loc.Query().Get("code"))
	assert.Equal(t, "snsapi_base", tok["scope"])

	// a snsapi_base token may check itself but not read the profile
	q := url.Values{"access_token": {tok["access_token"].(string)}, "openid": {tok["openid"].(string)}}
	wxWantErr(t, wxCall(t, s, "/sns/userinfo", q), 48001, "api unauthorized")
	assert.Equal(t, float64(0), wxCall(t, s, "/sns/auth", q)["errcode"])

	resp, err = wxNoRedirect.Get(link("snsapi_login"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "scope", resp.Header.Get("X-Sandbox-Reason"), "snsapi_login belongs to qrconnect")
}

func TestWeixinCodeExchangeAndReuse(t *testing.T) {
	s, _ := wxSandbox(t)
	code := wxLogin(t, s)
	tok := wxExchange(t, s, code)
	assert.Equal(t, float64(7200), tok["expires_in"])
	assert.Equal(t, "snsapi_login", tok["scope"])
	assert.Equal(t, "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g", tok["openid"])
	assert.Equal(t, "oUbxA1b2C3d4E5f6G7h8I9j0KlMn", tok["unionid"])
	assert.NotEmpty(t, tok["access_token"])
	assert.NotEmpty(t, tok["refresh_token"])
	assert.NotEqual(t, tok["access_token"], tok["refresh_token"])

	wxWantErr(t, wxExchange(t, s, code), 40163, "code been used")
	wxWantErr(t, wxExchange(t, s, "nonexistentcode"), 40029, "invalid code")
}

func TestWeixinCodeLivesFiveMinutes(t *testing.T) {
	s, clock := wxSandbox(t)
	early, late := wxLogin(t, s), wxLogin(t, s)
	clock.Advance(5*time.Minute - time.Second)
	require.NotNil(t, wxExchange(t, s, early)["access_token"], "a code is good for 5 minutes")
	clock.Advance(time.Second)
	wxWantErr(t, wxExchange(t, s, late), 42003, "code expired")
}

func TestWeixinTokenEndpointChecksAppAndGrant(t *testing.T) {
	s, _ := wxSandbox(t)
	code := wxLogin(t, s)
	q := func(appid, secret, grant string) url.Values {
		return url.Values{"appid": {appid}, "secret": {secret}, "code": {code}, "grant_type": {grant}}
	}
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/access_token", q("wxdeadbeefdeadbeef", wxAppSecret, "authorization_code")), 40013, "invalid appid")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/access_token", q("", wxAppSecret, "authorization_code")), 41002, "appid missing")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/access_token", q(wxAppID, "wrong", "authorization_code")), 40125, "invalid appsecret, view more at http://t.cn/RAEkdVq")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/access_token", q(wxAppID, "", "authorization_code")), 41004, "appsecret missing")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/access_token", q(wxAppID, wxAppSecret, "client_credential")), 40002, "invalid grant_type")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/access_token", url.Values{"appid": {wxAppID}, "secret": {wxAppSecret}, "grant_type": {"authorization_code"}}), 41008, "missing code")
	// none of the failures above used the code up
	assert.NotNil(t, wxExchange(t, s, code)["access_token"])
}

func TestWeixinExpiryAndRefresh(t *testing.T) {
	s, clock := wxSandbox(t)
	tok := wxExchange(t, s, wxLogin(t, s))
	at, rt, openid := tok["access_token"].(string), tok["refresh_token"].(string), tok["openid"].(string)
	refresh := func(rt string) map[string]any {
		return wxCall(t, s, "/sns/oauth2/refresh_token", url.Values{
			"appid": {wxAppID}, "grant_type": {"refresh_token"}, "refresh_token": {rt},
		})
	}
	user := func(at string) map[string]any {
		return wxCall(t, s, "/sns/userinfo", url.Values{"access_token": {at}, "openid": {openid}})
	}

	// before expiry a refresh renews the same token
	clock.Advance(time.Hour)
	r1 := refresh(rt)
	require.Equal(t, at, r1["access_token"], "a live token is kept")
	assert.Equal(t, rt, r1["refresh_token"])
	assert.Equal(t, float64(7200), r1["expires_in"])
	clock.Advance(2*time.Hour - time.Second)
	require.NotNil(t, user(at)["nickname"], "the renewed token lives 2 hours from the refresh")

	// after expiry the token is refused, and a refresh replaces it
	clock.Advance(time.Second)
	wxWantErr(t, user(at), 42001, "access_token expired")
	r2 := refresh(rt)
	newAT, _ := r2["access_token"].(string)
	require.NotEmpty(t, newAT)
	assert.NotEqual(t, at, newAT)
	assert.Equal(t, openid, r2["openid"])
	assert.NotNil(t, user(newAT)["nickname"])
	wxWantErr(t, user(at), 40001, "invalid credential, access_token is invalid or not latest")

	wxWantErr(t, refresh("bogus"), 40030, "invalid refresh_token")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/refresh_token", url.Values{"appid": {wxAppID}, "grant_type": {"refresh_token"}}), 41003, "refresh_token missing")
	wxWantErr(t, wxCall(t, s, "/sns/oauth2/refresh_token", url.Values{"appid": {"wx1"}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}), 40013, "invalid appid")

	// the refresh token lives 30 days from the login
	clock.Advance(30*24*time.Hour - 3*time.Hour - time.Second)
	assert.NotNil(t, refresh(rt)["access_token"], "refresh token alive until day 30")
	clock.Advance(time.Second)
	wxWantErr(t, refresh(rt), 42002, "refresh_token expired")
}
