package e2e_test

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

const weixinRedirect = "https://example.test/authorization"

// The seed's Flask app: /login redirects to WeChat, /authorization
// exchanges the code and shows the user, with no openid passed by hand.
func TestWeixinLoginEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	openid := s.Token("weixin").OpenID
	api, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)

	state := auth.NewState()
	u, err := login.AuthCodeURL(state)
	require.NoError(t, err)
	assert.Equal(t, s.URL("weixin")+"/connect/qrconnect?appid="+s.App("weixin").ID+
		"&redirect_uri=https%3A%2F%2Fexample.test%2Fauthorization&response_type=code&scope=snsapi_login&state="+state+"#wechat_redirect", u)
	loc := authorizeRedirect(t, u) // the sandbox matches the link strictly
	assert.Equal(t, "example.test", loc.Host)
	assert.Error(t, auth.CheckState(auth.NewState(), loc.Query().Get("state")), "a wrong state is refused")
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))

	code := loc.Query().Get("code")
	tok, err := login.Exchange(context.Background(), code)
	require.NoError(t, err)
	assert.Equal(t, openid, tok.Extra("openid"))
	assert.NotEmpty(t, tok.Extra("unionid"))
	assert.Equal(t, "snsapi_login", tok.Extra("scope"))
	assert.Equal(t, clock.Now().Add(2*time.Hour), tok.Expiry)

	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	user, err := client.Method("sns.userinfo").Do(snskit.Params{"lang": "zh_CN"})
	require.NoError(t, err, "the openid comes from the token")
	assert.Equal(t, openid, user.Get("openid").String())
	assert.NotEmpty(t, user.Get("nickname").String())
	last := s.Requests()[len(s.Requests())-1]
	assert.Equal(t, []string{openid}, last.Form["openid"])
	ok, err := client.Method("sns.auth").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "ok", ok.Get("errmsg").String())

	_, err = login.Exchange(context.Background(), code)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a code is single use")
	assert.Equal(t, "40163", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	_, err = login.Exchange(context.Background(), "not-a-code")
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "40029", e.Code)
	for _, secret := range []string{s.App("weixin").Secret, code} {
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestWeixinLoginLinkIsStrictEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	_, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)
	_, err := login.AuthCodeURL("st", snskit.AuthParam("lang", "en"))
	assert.ErrorContains(t, err, `takes no "lang" parameter`, "the client refuses extras")

	// Why: WeChat (and the sandbox) refuse a link with an extra parameter.
	u, err := login.AuthCodeURL("st")
	require.NoError(t, err)
	extra := strings.Replace(u, "#wechat_redirect", "&lang=en#wechat_redirect", 1)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(extra)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "WeChat's error page, no redirect")
	assert.Equal(t, "parameter order", resp.Header.Get("X-Sandbox-Reason"))

	_, err = login.Exchange(context.Background(), "c", snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "PKCE")
}

func TestWeixinLoginInsideWeChatEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect, "snsapi_userinfo")
	state := auth.NewState()
	u, err := login.AuthCodeURL(state, platforms.WeixinInWeChat())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(u, s.URL("weixin")+"/connect/oauth2/authorize?appid="), u)
	assert.Contains(t, u, "&scope=snsapi_userinfo&")
	loc := authorizeRedirect(t, u)
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
	tok, err := login.Exchange(context.Background(), loc.Query().Get("code"), platforms.WeixinInWeChat())
	require.NoError(t, err)
	assert.Equal(t, "snsapi_userinfo", tok.Extra("scope"))
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	user, err := client.Method("sns.userinfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, tok.Extra("openid"), user.Get("openid").String())

	_, base := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)
	baseTok := signIn(t, base, platforms.WeixinInWeChat())
	assert.Equal(t, "snsapi_base", baseTok.Extra("scope"), "snsapi_base by default inside WeChat")
}

func TestWeixinLoginRefreshesExpiredTokenEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)
	tok := signIn(t, login)
	var saved []*oauth2.Token
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok,
		auth.OnToken(func(t *oauth2.Token) { saved = append(saved, t) })))))
	require.NoError(t, err)

	clock.Advance(3 * time.Hour) // access tokens live 2 hours
	s.ResetRequests()
	user, err := client.Method("sns.userinfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, tok.Extra("openid"), user.Get("openid").String())
	reqs := s.Requests()
	require.Len(t, reqs, 2, "refreshed before the call")
	assert.Equal(t, "/sns/oauth2/refresh_token", reqs[0].Path, "the documented refresh URL")
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Empty(t, reqs[0].Form["secret"], "WeChat's refresh takes no secret")
	require.Len(t, saved, 1)
	assert.NotEqual(t, tok.AccessToken, saved[0].AccessToken)
	assert.Equal(t, tok.Extra("openid"), saved[0].Extra("openid"))
	assert.Equal(t, tok.Extra("unionid"), saved[0].Extra("unionid"), "kept across the refresh")
}

func TestWeixinLoginRetriesRefusedTokenOnceEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)
	tok := signIn(t, login)
	unknown := *tok
	unknown.Expiry = time.Time{} // the client does not know when it expires
	var hooked []string
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(&unknown,
		auth.OnToken(func(t *oauth2.Token) { hooked = append(hooked, t.AccessToken) })))))
	require.NoError(t, err)

	clock.Advance(3 * time.Hour)
	s.ResetRequests()
	_, err = client.Method("sns.userinfo").Do(nil)
	require.NoError(t, err, "42001, refresh, retry")
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "/sns/userinfo", reqs[0].Path)
	assert.Equal(t, "/sns/oauth2/refresh_token", reqs[1].Path)
	assert.Equal(t, "/sns/userinfo", reqs[2].Path)
	assert.Equal(t, 1, len(served(s, "weixin", "/sns/oauth2/refresh_token", "")))
	require.Len(t, hooked, 1)
	assert.NotEqual(t, tok.AccessToken, hooked[0])
	assert.Equal(t, []string{hooked[0]}, reqs[2].Form["access_token"], "retried with the new token")
}

func TestWeixinLoginManyCallersOneRefreshEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)
	tok := signIn(t, login)
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	clock.Advance(3 * time.Hour)
	s.ResetRequests()
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.Method("sns.auth").Do(nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, len(served(s, "weixin", "/sns/oauth2/refresh_token", "")), "many callers, one refresh")
}

func TestWeixinLoginRefreshTokenExpiresEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Weixin(), "weixin", weixinRedirect)
	tok := signIn(t, login)
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)

	clock.Advance(31 * 24 * time.Hour) // refresh tokens live 30 days
	_, err = login.Refresh(context.Background(), tok)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "42002", e.Code)
	assert.Equal(t, "sns/oauth2/refresh_token", e.Method)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.NotContains(t, err.Error(), tok.RefreshToken)

	_, err = client.Method("sns.userinfo").Do(nil)
	assert.ErrorContains(t, err, "42002", "the call reports the failed refresh: log in again")

	_, err = login.Refresh(context.Background(), &oauth2.Token{RefreshToken: "not-a-refresh-token"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "40030", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
}
