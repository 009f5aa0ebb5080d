package e2e_test

import (
	"context"
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

const qqRedirect = "http://127.0.0.1:8080/qq/cb"

func TestQQLoginEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	openid := s.Token("qq").OpenID
	api, login := appLogin(t, s, clock, platforms.QQ(), "qq", qqRedirect, "get_user_info", "list_album", "upload_pic")

	state := auth.NewState()
	u, err := login.AuthCodeURL(state, snskit.AuthParam("display", "mobile"))
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	seen := s.Requests()[len(s.Requests())-1]
	assert.Equal(t, "/oauth2.0/authorize", seen.Path)
	assert.Equal(t, []string{"get_user_info,list_album,upload_pic"}, seen.Form["scope"])
	assert.Equal(t, []string{"mobile"}, seen.Form["display"])
	assert.Error(t, auth.CheckState(auth.NewState(), loc.Query().Get("state")), "a wrong state is refused")
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))

	s.ResetRequests()
	code := loc.Query().Get("code")
	tok, err := login.Exchange(context.Background(), code)
	require.NoError(t, err)
	assert.Equal(t, openid, tok.Extra("openid"), "looked up once through /me")
	assert.Equal(t, clock.Now().Add(90*24*time.Hour), tok.Expiry, "expires_in 7776000 from the urlencoded answer")
	me := len(served(s, "qq", "/oauth2.0/me", ""))
	assert.Equal(t, 1, me)

	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	user, err := client.Method("user.get_user_info").Do(nil)
	require.NoError(t, err)
	assert.NotEmpty(t, user.Get("nickname").String())
	_, err = client.Method("photo.list_album").Do(nil)
	require.NoError(t, err, "the granted scope works")
	last := s.Requests()[len(s.Requests())-1]
	assert.Equal(t, []string{openid}, last.Form["openid"])
	me = len(served(s, "qq", "/oauth2.0/me", ""))
	assert.Equal(t, 1, me, "calls take the openid from the token: no more lookups")

	_, err = login.Exchange(context.Background(), code)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a code is single use")
	assert.Equal(t, "100020", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	assert.NotContains(t, err.Error(), s.App("qq").Secret)
	_, err = login.Exchange(context.Background(), "0123456789ABCDEF0123456789ABCDEF")
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "100019", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)

	_, err = login.AuthCodeURL(state, snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "PKCE")
}

func TestQQLoginJSONAndUnionIDEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	_, login := appLogin(t, s, clock, platforms.QQ(), "qq", qqRedirect)
	s.ResetRequests()
	tok := signIn(t, login, snskit.AuthParam("fmt", "json"), snskit.AuthParam("unionid", "1"))
	assert.NotEmpty(t, tok.Extra("openid"))
	assert.NotEmpty(t, tok.Extra("unionid"))
	assert.Equal(t, clock.Now().Add(90*24*time.Hour), tok.Expiry, "a quoted expires_in in JSON")
	for _, r := range s.Requests() {
		if r.Path == "/oauth2.0/token" {
			assert.Equal(t, []string{"json"}, r.Form["fmt"])
		}
	}

	openid, unionid, err := platforms.QQOpenID(context.Background(), login.API(), tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, tok.Extra("openid"), openid)
	assert.Equal(t, tok.Extra("unionid"), unionid)
	issued := s.Token("qq")
	openid, _, err = platforms.QQOpenID(context.Background(), login.API(), issued.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, issued.OpenID, openid, "a token obtained elsewhere")
	_, _, err = platforms.QQOpenID(context.Background(), login.API(), "0123456789ABCDEF0123456789ABCDEF")
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
}

func TestQQLoginRefreshesExpiredTokenEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.QQ(), "qq", qqRedirect)
	tok := signIn(t, login)
	var saved []*oauth2.Token
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok,
		auth.OnToken(func(t *oauth2.Token) { saved = append(saved, t) })))))
	require.NoError(t, err)

	clock.Advance(91 * 24 * time.Hour) // tokens live 90 days
	s.ResetRequests()
	_, err = client.Method("user.get_user_info").Do(nil)
	require.NoError(t, err)
	reqs := s.Requests()
	require.Len(t, reqs, 2, "refreshed before the call, openid kept: no lookup")
	assert.Equal(t, "/oauth2.0/token", reqs[0].Path)
	assert.Equal(t, []string{"refresh_token"}, reqs[0].Form["grant_type"])
	require.Len(t, saved, 1)
	assert.NotEqual(t, tok.AccessToken, saved[0].AccessToken)
	assert.Equal(t, tok.Extra("openid"), saved[0].Extra("openid"))

	_, err = login.Refresh(context.Background(), tok)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a refresh token is spent once")
	assert.Equal(t, "100016", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
}

func TestQQLoginRetriesRefusedTokenOnceEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.QQ(), "qq", qqRedirect)
	tok := signIn(t, login)
	unknown := *tok
	unknown.Expiry = time.Time{} // the client does not know when it expires
	var hooked []string
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(&unknown,
		auth.OnToken(func(t *oauth2.Token) { hooked = append(hooked, t.AccessToken) })))))
	require.NoError(t, err)

	clock.Advance(91 * 24 * time.Hour)
	s.ResetRequests()
	_, err = client.Method("user.get_user_info").Do(nil)
	require.NoError(t, err, "100014, refresh, retry")
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "/user/get_user_info", reqs[0].Path)
	assert.Equal(t, "/oauth2.0/token", reqs[1].Path)
	assert.Equal(t, "/user/get_user_info", reqs[2].Path)
	refreshes := len(served(s, "qq", "/oauth2.0/token", "refresh_token"))
	assert.Equal(t, 1, refreshes)
	require.Len(t, hooked, 1)
	assert.Equal(t, []string{hooked[0]}, reqs[2].Form["access_token"], "retried with the new token")
}

func TestQQLoginManyCallersOneRefreshEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.QQ(), "qq", qqRedirect)
	tok := signIn(t, login)
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	clock.Advance(91 * 24 * time.Hour)
	s.ResetRequests()
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.Method("user.get_user_info").Do(nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	refreshes := len(served(s, "qq", "/oauth2.0/token", "refresh_token"))
	assert.Equal(t, 1, refreshes, "many callers, one refresh")
	me := len(served(s, "qq", "/oauth2.0/me", ""))
	assert.Zero(t, me)
}
