package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wxNoRedirect is a client that hands back redirects instead of following.
var wxNoRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

func wxSandbox(t *testing.T) (*Server, *Clock) {
	t.Helper()
	clock := NewClock(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC))
	s, err := New(WithClock(clock.Now))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, clock
}

// wxGet GETs an API path and decodes the JSON reply; WeChat always answers
// HTTP 200 with JSON. It is safe to call from any goroutine.
func wxGet(s *Server, path string, q url.Values) (map[string]any, error) {
	resp, err := http.Get(s.URL(Weixin) + path + "?" + q.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d, want 200 (WeChat errors are HTTP 200): %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, fmt.Errorf("GET %s: Content-Type %q", path, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("GET %s: %v: %s", path, err, body)
	}
	return m, nil
}

func wxCall(t *testing.T, s *Server, path string, q url.Values) map[string]any {
	t.Helper()
	m, err := wxGet(s, path, q)
	require.NoError(t, err)
	return m
}

// wxWantErr checks an errcode reply and the shape of its errmsg.
func wxWantErr(t *testing.T, m map[string]any, code int, msg string) {
	t.Helper()
	require.Equal(t, float64(code), m["errcode"], "reply %v", m)
	assert.Regexp(t, `^`+regexp.QuoteMeta(msg)+`, hints: \[ req_id: [A-Za-z0-9]{14} \]$`, m["errmsg"])
}

// wxLink is the documented qrconnect link, parameters in WeChat's order.
func wxLink(s *Server, redirect, state string) string {
	return s.URL(Weixin) + "/connect/qrconnect?appid=" + wxAppID + "&redirect_uri=" + url.QueryEscape(redirect) +
		"&response_type=code&scope=snsapi_login&state=" + state + "#wechat_redirect"
}

// wxTryLogin runs the QR login and returns the code. It is safe to call from
// any goroutine.
func wxTryLogin(s *Server) (string, error) {
	resp, err := wxNoRedirect.Get(wxLink(s, "https://client.example/cb", "xyz"))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("qrconnect status %d, reason %q", resp.StatusCode, resp.Header.Get("X-Sandbox-Reason"))
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return "", err
	}
	return loc.Query().Get("code"), nil
}

func wxLogin(t *testing.T, s *Server) string {
	t.Helper()
	code, err := wxTryLogin(s)
	require.NoError(t, err)
	return code
}

func wxExchangeQuery(code string) url.Values {
	return url.Values{"appid": {wxAppID}, "secret": {wxAppSecret}, "code": {code}, "grant_type": {"authorization_code"}}
}

func wxExchange(t *testing.T, s *Server, code string) map[string]any {
	t.Helper()
	return wxCall(t, s, "/sns/oauth2/access_token", wxExchangeQuery(code))
}

func TestWeixinUserinfoLanguages(t *testing.T) {
	s, _ := wxSandbox(t)
	c := s.Token(Weixin)
	for lang, place := range map[string][3]string{
		"zh_CN": {"广东", "广州", "中国"}, "zh_TW": {"廣東", "廣州", "中國"},
		"en": {"Guangdong", "Guangzhou", "China"}, "": {"Guangdong", "Guangzhou", "China"},
	} {
		m := wxCall(t, s, "/sns/userinfo", url.Values{"access_token": {c.AccessToken}, "openid": {c.OpenID}, "lang": {lang}})
		assert.Equal(t, place, [3]string{fmt.Sprint(m["province"]), fmt.Sprint(m["city"]), fmt.Sprint(m["country"])}, "lang %q", lang)
		assert.Equal(t, c.OpenID, m["openid"])
		assert.Equal(t, "沙盒用户", m["nickname"])
		assert.Equal(t, float64(1), m["sex"])
		assert.Equal(t, []any{}, m["privilege"], "privilege must be [], not null")
		assert.Equal(t, "oUbxA1b2C3d4E5f6G7h8I9j0KlMn", m["unionid"])
		assert.Contains(t, m["headimgurl"], "https://thirdwx.qlogo.cn/")
	}
}

func TestWeixinTokenChecks(t *testing.T) {
	s, _ := wxSandbox(t)
	c := s.Token(Weixin)
	wxWantErr(t, wxCall(t, s, "/sns/userinfo", url.Values{"openid": {c.OpenID}}), 41001, "access_token missing")
	wxWantErr(t, wxCall(t, s, "/sns/userinfo", url.Values{"access_token": {"bogus"}, "openid": {c.OpenID}}), 40014, "invalid access_token")
	wxWantErr(t, wxCall(t, s, "/sns/auth", url.Values{"access_token": {c.AccessToken}}), 41009, "missing openid")

	other, err := s.IssueToken(Weixin, TokenOptions{UserID: "2"})
	require.NoError(t, err)
	wxWantErr(t, wxCall(t, s, "/sns/auth", url.Values{"access_token": {c.AccessToken}, "openid": {other.OpenID}}), 40003, "invalid openid")

	expired, err := s.IssueToken(Weixin, TokenOptions{TTL: -time.Second})
	require.NoError(t, err)
	wxWantErr(t, wxCall(t, s, "/sns/auth", url.Values{"access_token": {expired.AccessToken}, "openid": {expired.OpenID}}), 42001, "access_token expired")

	ok := wxCall(t, s, "/sns/auth", url.Values{"access_token": {c.AccessToken}, "openid": {c.OpenID}})
	assert.Equal(t, map[string]any{"errcode": float64(0), "errmsg": "ok"}, ok)
}

func TestWeixinUnknownPaths(t *testing.T) {
	s, _ := wxSandbox(t)
	wxWantErr(t, wxCall(t, s, "/sns/nothing", nil), 40066, "invalid url")
	resp, err := http.Get(s.URL(Weixin) + "/connect/nothing")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestWeixinBusyAndQuota(t *testing.T) {
	s, clock := wxSandbox(t)
	c, err := s.IssueToken(Weixin, TokenOptions{TTL: 24 * time.Hour})
	require.NoError(t, err)
	q := url.Values{"access_token": {c.AccessToken}, "openid": {c.OpenID}}

	s.WeixinBusy(2)
	wxWantErr(t, wxCall(t, s, "/sns/auth", q), -1, "system error")
	wxWantErr(t, wxCall(t, s, "/sns/userinfo", q), -1, "system error")
	require.Equal(t, float64(0), wxCall(t, s, "/sns/auth", q)["errcode"], "the third call is served")

	s.WeixinQuota(2)
	for i := 0; i < 2; i++ {
		require.NotNil(t, wxCall(t, s, "/sns/userinfo", q)["nickname"], "call %d within the quota", i)
	}
	wxWantErr(t, wxCall(t, s, "/sns/userinfo", q), 45009, "reach max api daily quota limit")
	assert.Equal(t, float64(0), wxCall(t, s, "/sns/auth", q)["errcode"], "the quota is per API")

	// 10:00 UTC is 18:00 in Beijing: the quota resets 6 hours later
	clock.Advance(6*time.Hour - time.Second)
	wxWantErr(t, wxCall(t, s, "/sns/userinfo", q), 45009, "reach max api daily quota limit")
	clock.Advance(time.Second)
	assert.NotNil(t, wxCall(t, s, "/sns/userinfo", q)["nickname"], "quota reset at Beijing midnight")

	s.WeixinQuota(0)
	for i := 0; i < 3; i++ {
		assert.NotNil(t, wxCall(t, s, "/sns/userinfo", q)["nickname"], "no quota, call %d", i)
	}
}

func TestWeixinIssueToken(t *testing.T) {
	s, _ := wxSandbox(t)
	assert.Equal(t, App{ID: wxAppID, Secret: wxAppSecret}, s.App("wechat"))

	c, err := s.IssueToken(Weixin, TokenOptions{UserID: "2", Scope: []string{"snsapi_userinfo"}})
	require.NoError(t, err)
	assert.Equal(t, "oSbx9KfLq2Zx7Vb3Nm8Ws4Ty6Ur1", c.OpenID)
	assert.Equal(t, "snsapi_userinfo", c.Scope)
	assert.NotEmpty(t, c.RefreshToken)
	assert.Equal(t, time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), c.ExpiresAt.UTC())

	m := wxCall(t, s, "/sns/userinfo", url.Values{"access_token": {c.AccessToken}, "openid": {c.OpenID}, "lang": {"zh_CN"}})
	assert.Equal(t, "Alice 陈", m["nickname"])
	assert.Equal(t, "海淀", m["city"])
	assert.Equal(t, float64(2), m["sex"])

	all := s.Token(Weixin)
	assert.Equal(t, "snsapi_base,snsapi_userinfo,snsapi_login", all.Scope)

	for _, o := range []TokenOptions{{UserID: "nobody"}, {OAuth1: true}, {Scope: []string{"snsapi_everything"}}} {
		_, err := s.IssueToken(Weixin, o)
		assert.Error(t, err, "IssueToken(%+v)", o)
	}
}

func TestWeixinConcurrentLogins(t *testing.T) {
	s, _ := wxSandbox(t)
	code := wxLogin(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	tokens := map[string]bool{}
	won := 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// everyone races for the shared code, then logs in alone
			shared, err := wxGet(s, "/sns/oauth2/access_token", wxExchangeQuery(code))
			if !assert.NoError(t, err) {
				return
			}
			own := map[string]any{}
			info := map[string]any{}
			c, err := wxTryLogin(s)
			if err == nil {
				own, err = wxGet(s, "/sns/oauth2/access_token", wxExchangeQuery(c))
			}
			at, _ := own["access_token"].(string)
			openid, _ := own["openid"].(string)
			if err == nil {
				info, err = wxGet(s, "/sns/userinfo", url.Values{"access_token": {at}, "openid": {openid}})
			}
			mu.Lock()
			defer mu.Unlock()
			if !assert.NoError(t, err) {
				return
			}
			if shared["access_token"] != nil {
				won++
			} else {
				assert.Equal(t, float64(40163), shared["errcode"], "a losing redemption")
			}
			assert.False(t, tokens[at], "token %q issued twice", at)
			assert.NotNil(t, info["nickname"])
			tokens[at] = true
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, won, "the shared code is redeemed once")
	assert.Len(t, tokens, 16)
}

func TestWeixinSurvivesGarbage(t *testing.T) {
	s, _ := wxSandbox(t)
	for _, u := range []string{"/connect/qrconnect", "/connect/qrconnect?%zz", "/connect/qrconnect?a;b", "/connect/oauth2/authorize?&&&",
		"/sns/oauth2/access_token", "/sns/oauth2/refresh_token?appid=" + wxAppID, "/sns/userinfo?access_token=%zz", "/"} {
		resp, err := wxNoRedirect.Get(s.URL(Weixin) + u)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Less(t, resp.StatusCode, 500, u)
		assert.NotEqual(t, http.StatusFound, resp.StatusCode, u)
		assert.NotEmpty(t, body, u)
	}
}
