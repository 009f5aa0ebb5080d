package platforms_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	weixinAppID    = "wx8d3c5f0a1b2e4c67"
	weixinSecret   = "5a1f3c7e9b2d4f6a8c0e1b3d5f7a9c2e"
	weixinRedirect = "http://localhost.com/authorization"
	// weixinTokenReply is /sns/oauth2/access_token's answer as WeChat
	// documents it.
	weixinTokenReply = `{"access_token":"ACCESS_TOKEN_wx_0123456789","expires_in":7200,"refresh_token":"REFRESH_TOKEN_wx_0123456789",` +
		`"openid":"oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g","scope":"snsapi_login","unionid":"oUbxA1b2C3d4E5f6G7h8I9j0KlMn"}`
)

var weixinLoginNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// weixinLogin returns a WeChat login routed to s under /wx, on a fixed
// clock, and the recorder of its raw queries.
func weixinLogin(t *testing.T, s *server, scopes ...string) (*snskit.Login, *tencentRaw) {
	t.Helper()
	raw := &tencentRaw{}
	api := newAPI(t, platforms.Weixin(), s, "/wx", snskit.WithApp(weixinAppID, weixinSecret),
		snskit.WithClock(func() time.Time { return weixinLoginNow }), snskit.WithHTTPClient(&http.Client{Transport: raw}))
	l, err := api.Login(weixinRedirect, scopes...)
	require.NoError(t, err)
	return l, raw
}

func TestWeixinAuthCodeURLIsExact(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	cases := []struct {
		name   string
		scopes []string
		opts   []snskit.AuthOption
		want   string
	}{
		{"default scope", nil, nil,
			"/wx/connect/qrconnect?appid=wx8d3c5f0a1b2e4c67&redirect_uri=http%3A%2F%2Flocalhost.com%2Fauthorization&response_type=code&scope=snsapi_login&state=ST_1#wechat_redirect"},
		{"given scope", []string{"snsapi_login"}, []snskit.AuthOption{snskit.AuthParam("page", "qrconnect")},
			"/wx/connect/qrconnect?appid=wx8d3c5f0a1b2e4c67&redirect_uri=http%3A%2F%2Flocalhost.com%2Fauthorization&response_type=code&scope=snsapi_login&state=ST_1#wechat_redirect"},
		{"in WeChat, default scope", nil, []snskit.AuthOption{platforms.WeixinInWeChat()},
			"/wx/connect/oauth2/authorize?appid=wx8d3c5f0a1b2e4c67&redirect_uri=http%3A%2F%2Flocalhost.com%2Fauthorization&response_type=code&scope=snsapi_base&state=ST_1#wechat_redirect"},
		{"in WeChat, two scopes comma-separated", []string{"snsapi_base", " snsapi_userinfo", ""}, []snskit.AuthOption{snskit.AuthParam("page", "oauth2")},
			"/wx/connect/oauth2/authorize?appid=wx8d3c5f0a1b2e4c67&redirect_uri=http%3A%2F%2Flocalhost.com%2Fauthorization&response_type=code&scope=snsapi_base,snsapi_userinfo&state=ST_1#wechat_redirect"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _ := weixinLogin(t, s, c.scopes...)
			got, err := l.AuthCodeURL("ST_1", c.opts...)
			require.NoError(t, err)
			assert.Equal(t, s.URL+c.want, got)
		})
	}
	// Without a base URL the link is WeChat's own.
	api, err := snskit.New(platforms.WeChat(), snskit.WithApp(weixinAppID, weixinSecret))
	require.NoError(t, err)
	l, err := api.Login("https://example.test/cb?from=wx")
	require.NoError(t, err)
	got, err := l.AuthCodeURL("a-b_c")
	require.NoError(t, err)
	assert.Equal(t, "https://open.weixin.qq.com/connect/qrconnect?appid=wx8d3c5f0a1b2e4c67&redirect_uri=https%3A%2F%2Fexample.test%2Fcb%3Ffrom%3Dwx&response_type=code&scope=snsapi_login&state=a-b_c#wechat_redirect", got)
	assert.Empty(t, s.requests(), "building the URL sends nothing")
}

func TestWeixinAuthCodeURLRefusals(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	cases := []struct {
		name   string
		scopes []string
		state  string
		opts   []snskit.AuthOption
		want   string
	}{
		{"extra parameter", nil, "st", []snskit.AuthOption{snskit.AuthParam("lang", "en")}, `takes no "lang" parameter`},
		{"PKCE", nil, "st", []snskit.AuthOption{snskit.WithPKCE(auth.NewPKCE())}, "does not take PKCE"},
		{"unknown page", nil, "st", []snskit.AuthOption{snskit.AuthParam("page", "mp")}, `unknown page "mp"`},
		{"in-WeChat scope on the QR page", []string{"snsapi_userinfo"}, "st", nil, "pass platforms.WeixinInWeChat()"},
		{"QR scope inside WeChat", []string{"snsapi_base,snsapi_login"}, "st", []snskit.AuthOption{platforms.WeixinInWeChat()}, "drop platforms.WeixinInWeChat()"},
		{"long state", nil, strings.Repeat("s", 129), nil, "128 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _ := weixinLogin(t, s, c.scopes...)
			_, err := l.AuthCodeURL(c.state, c.opts...)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestWeixinExchange(t *testing.T) {
	s := newServer(t, func(seen) reply {
		return reply{ContentType: "application/json; encoding=utf-8", Body: weixinTokenReply}
	})
	l, raw := weixinLogin(t, s)
	tok, err := l.Exchange(context.Background(), "CODE_0123", platforms.WeixinInWeChat())
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/wx/sns/oauth2/access_token", got.Path)
	assert.Equal(t, "appid="+weixinAppID+"&secret="+weixinSecret+"&code=CODE_0123&grant_type=authorization_code",
		raw.last(t), "the documented order")
	assert.Empty(t, got.Body)

	assert.Equal(t, "ACCESS_TOKEN_wx_0123456789", tok.AccessToken)
	assert.Equal(t, "REFRESH_TOKEN_wx_0123456789", tok.RefreshToken)
	assert.Equal(t, weixinLoginNow.Add(2*time.Hour), tok.Expiry)
	assert.Equal(t, "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g", tok.Extra("openid"))
	assert.Equal(t, "oUbxA1b2C3d4E5f6G7h8I9j0KlMn", tok.Extra("unionid"))
	assert.Equal(t, "snsapi_login", tok.Extra("scope"))
	assert.Equal(t, "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g", auth.TokenSource(oauth2.StaticTokenSource(tok)).OpenID(tok),
		"the credential finds the openid in the token")

	n := len(s.requests())
	_, err = l.Exchange(context.Background(), "c", snskit.AuthParam("lang", "en"))
	assert.ErrorContains(t, err, `takes no "lang" parameter`)
	_, err = l.Exchange(context.Background(), "c", snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "does not take PKCE")
	assert.Len(t, s.requests(), n, "refused before sending")
}

func TestWeixinRefresh(t *testing.T) {
	s := newServer(t, fixed(`{"access_token":"NEW_ACCESS_wx","expires_in":7200,"refresh_token":"REFRESH_TOKEN_wx_0123456789","openid":"oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g","scope":"snsapi_login"}`))
	l, raw := weixinLogin(t, s)
	old := (&oauth2.Token{AccessToken: "old", RefreshToken: "REFRESH_TOKEN_wx_0123456789"}).WithExtra(map[string]any{
		"openid": "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g", "unionid": "oUbxA1b2C3d4E5f6G7h8I9j0KlMn"})
	tok, err := l.Refresh(context.Background(), old)
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/wx/sns/oauth2/refresh_token", got.Path, "the documented URL")
	assert.Equal(t, "appid="+weixinAppID+"&grant_type=refresh_token&refresh_token=REFRESH_TOKEN_wx_0123456789", raw.last(t))
	assert.NotContains(t, raw.last(t), "secret", "WeChat's refresh takes no secret")
	assert.Equal(t, "NEW_ACCESS_wx", tok.AccessToken)
	assert.Equal(t, weixinLoginNow.Add(2*time.Hour), tok.Expiry)
	assert.Equal(t, "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g", tok.Extra("openid"))
	assert.Equal(t, "oUbxA1b2C3d4E5f6G7h8I9j0KlMn", tok.Extra("unionid"), "the refresh answer has no unionid: the old one is kept")
	assert.Equal(t, "snsapi_login", tok.Extra("scope"))
}

func TestWeixinTokenErrors(t *testing.T) {
	cases := []struct {
		name    string
		refresh bool
		errcode string
		errmsg  string
		class   snskit.Class
	}{
		{"invalid code", false, "40029", "invalid code", snskit.ErrBadParams},
		{"code used", false, "40163", "code been used", snskit.ErrBadParams},
		{"code expired", false, "42003", "code expired", snskit.ErrBadParams},
		{"wrong secret", false, "40125", "invalid appsecret, view more at http://t.cn/RAEkdVq", snskit.ErrBadParams},
		{"wrong appid", false, "40013", "invalid appid", snskit.ErrBadParams},
		{"busy", false, "-1", "system error", snskit.ErrServer},
		{"refresh expired", true, "42002", "refresh_token expired", snskit.ErrTokenExpired},
		{"refresh invalid", true, "40030", "invalid refresh_token", snskit.ErrTokenInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, fixed(`{"errcode":`+c.errcode+`,"errmsg":"`+c.errmsg+`, hints: [ req_id: AbCd1234 ]"}`))
			l, _ := weixinLogin(t, s)
			var err error
			step := "sns/oauth2/access_token"
			if c.refresh {
				step = "sns/oauth2/refresh_token"
				_, err = l.Refresh(context.Background(), &oauth2.Token{RefreshToken: "RT_secret_value"})
			} else {
				_, err = l.Exchange(context.Background(), "CODE_secret_value")
			}
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "weixin", e.Platform)
			assert.Equal(t, step, e.Method)
			assert.Equal(t, c.errcode, e.Code)
			assert.Equal(t, c.errmsg, e.Message, "the req_id tail is dropped")
			assert.Equal(t, 200, e.HTTPStatus, "WeChat errors come with HTTP 200")
			assert.ErrorIs(t, err, c.class)
			for _, secret := range []string{weixinSecret, "RT_secret_value", "CODE_secret_value"} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestWeixinTokenBadReplies(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"no token", `{"openid":"o1"}`, "no access_token"},
		{"error page", `<html><body>502</body></html>`, "HTML"},
		{"cut off", `{"access_token":"SECRET_ACCESS_TOKEN_123","expires_in":72`, "not complete JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, fixed(c.body))
			l, _ := weixinLogin(t, s)
			_, err := l.Exchange(context.Background(), "c")
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "SECRET_ACCESS_TOKEN_123", "no token in errors")
		})
	}
}

// tencentRaw records the raw query of every request a client sends, to
// check parameter order (the test server's records are parsed).
type tencentRaw struct {
	mu      sync.Mutex
	queries []string
}

func (r *tencentRaw) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.queries = append(r.queries, req.URL.RawQuery)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// last returns the raw query of the last request.
func (r *tencentRaw) last(t *testing.T) string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.queries, "no request was sent")
	return r.queries[len(r.queries)-1]
}
