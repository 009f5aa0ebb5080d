package e2e_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const renrenRedirect = "http://127.0.0.1:8080/renren/cb"

func TestRenrenLoginEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Renren(), "renren", renrenRedirect, "read_user_status", "status_update")

	state := auth.NewState()
	u, err := login.AuthCodeURL(state, snskit.AuthParam("x_renew", "true"))
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	assert.Equal(t, "127.0.0.1:8080", loc.Host)
	seen := s.Requests()[len(s.Requests())-1]
	assert.Equal(t, "/oauth/authorize", seen.Path)
	assert.Equal(t, []string{"read_user_status status_update"}, seen.Form["scope"], "scopes space-separated")
	assert.Equal(t, []string{"true"}, seen.Form["x_renew"], "force_relogin")

	assert.Error(t, auth.CheckState(auth.NewState(), loc.Query().Get("state")), "a wrong state is refused")
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
	code := loc.Query().Get("code")
	tok, err := login.Exchange(context.Background(), code)
	require.NoError(t, err)
	assert.NotEmpty(t, tok.RefreshToken)
	assert.Equal(t, clock.Now().Add(30*24*time.Hour), tok.Expiry)
	assert.Equal(t, "read_user_status status_update", tok.Extra("scope"))
	id, name := platforms.RenrenUser(tok)
	assert.Equal(t, sandbox.RenrenUserID, id)
	assert.NotEmpty(t, name)

	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	me, err := client.NS("user").NS("login").M("get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, id, me.Get("id").String())
	assert.Equal(t, name, me.Get("name").String())
	_, err = client.NS("status").M("put").Do(snskit.Params{"content": "登录之后"})
	require.NoError(t, err, "the granted scope works")

	_, err = login.Exchange(context.Background(), code)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a code is single use")
	assert.Equal(t, "invalid_grant", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	assert.NotContains(t, err.Error(), s.App("renren").Secret)

	_, err = login.AuthCodeURL(state, snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "PKCE")
}

func TestRenrenLoginRefreshesExpiredTokenEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Renren(), "renren", renrenRedirect)
	tok := signIn(t, login)

	var mu sync.Mutex
	var saved []*oauth2.Token
	live := login.TokenSource(tok, auth.OnToken(func(t *oauth2.Token) { mu.Lock(); saved = append(saved, t); mu.Unlock() }))
	client, err := api.With(snskit.WithAuth(auth.TokenSource(live)))
	require.NoError(t, err)

	clock.Advance(31 * 24 * time.Hour) // past the 30 days of the token
	s.ResetRequests()
	me, err := client.NS("user").NS("login").M("get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, sandbox.RenrenUserID, me.Get("id").String())
	assert.Equal(t, 1, len(served(s, "renren", "/oauth/token", "refresh_token")))
	reqs := s.Requests()
	require.Len(t, reqs, 2, "the known expiry is refreshed before the call: no refused call")
	assert.Equal(t, "/oauth/token", reqs[0].Path)

	mu.Lock()
	require.Len(t, saved, 1, "the hook got the new token")
	assert.NotEqual(t, tok.AccessToken, saved[0].AccessToken)
	assert.Equal(t, saved[0].AccessToken, live.Current().AccessToken)
	id, _ := platforms.RenrenUser(saved[0])
	assert.Equal(t, sandbox.RenrenUserID, id, "the refreshed token carries the user too")
	mu.Unlock()

	// A refresh token is spent once: refreshing the old token again fails.
	_, err = login.Refresh(context.Background(), tok)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_grant", e.Code)
}

func TestRenrenLoginRetriesRefusedTokenOnceEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Renren(), "renren", renrenRedirect)
	tok := signIn(t, login)
	unknown := *tok
	unknown.Expiry = time.Time{} // the client does not know when it expires
	var hooked []string
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(&unknown,
		auth.OnToken(func(t *oauth2.Token) { hooked = append(hooked, t.AccessToken) })))))
	require.NoError(t, err)

	clock.Advance(31 * 24 * time.Hour)
	s.ResetRequests()
	me, err := client.NS("user").NS("login").M("get").Do(nil)
	require.NoError(t, err, "EXPIRED-TOKEN, refresh, retry")
	assert.Equal(t, sandbox.RenrenUserID, me.Get("id").String())
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "/v2/user/login/get", reqs[0].Path)
	assert.GreaterOrEqual(t, reqs[0].Status, 400, "refused as expired")
	assert.Equal(t, "/oauth/token", reqs[1].Path)
	assert.Equal(t, "/v2/user/login/get", reqs[2].Path)
	assert.Equal(t, 200, reqs[2].Status)
	assert.Equal(t, 1, len(served(s, "renren", "/oauth/token", "refresh_token")))
	require.Len(t, hooked, 1)
	assert.NotEqual(t, tok.AccessToken, hooked[0])
}

func TestRenrenLoginManyCallersOneRefreshEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Renren(), "renren", renrenRedirect)
	tok := signIn(t, login)
	var mu sync.Mutex
	hooks := 0
	client, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok,
		auth.OnToken(func(*oauth2.Token) { mu.Lock(); hooks++; mu.Unlock() })))))
	require.NoError(t, err)

	clock.Advance(31 * 24 * time.Hour)
	s.ResetRequests()
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me, err := client.NS("user").NS("login").M("get").Do(nil)
			if assert.NoError(t, err) {
				assert.Equal(t, sandbox.RenrenUserID, me.Get("id").String())
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, len(served(s, "renren", "/oauth/token", "refresh_token")), "many callers, one refresh")
	assert.Equal(t, 1, hooks)
}

func TestRenrenSessionKeyEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := appLogin(t, s, clock, platforms.Renren1(), "renren", renrenRedirect, "read_user_status", "status_update")
	tok := signIn(t, login)

	// API 1.0 with the OAuth 2.0 token itself.
	v1, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	info, err := v1.NS("users").M("getInfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, sandbox.RenrenUserID, info.Get("0.uid").String())

	// The legacy session key, signed with the app secret.
	sk, err := platforms.RenrenSessionKey(context.Background(), api, tok.AccessToken)
	require.NoError(t, err)
	require.NotEmpty(t, sk.Key)
	legacy, err := api.With(snskit.WithAuth(sk))
	require.NoError(t, err)
	me, err := legacy.NS("users").M("getLoggedInUser").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, sandbox.RenrenUserID, me.Get("uid").String())
	_, err = legacy.NS("status").M("set").Do(snskit.Params{"status": "会话密钥"})
	require.NoError(t, err, "the key carries the token's scope")
	last := s.Requests()[len(s.Requests())-1]
	assert.Equal(t, "/restserver.do", last.Path)
	assert.Equal(t, []string{sk.Key}, last.Form["session_key"])
	assert.Equal(t, []string{s.App("renren1").ID}, last.Form["api_key"])
	assert.NotEmpty(t, last.Form["sig"], "session-key calls are signed")
	assert.Empty(t, last.Form["access_token"])

	for _, r := range s.Requests() {
		if r.Path == "/renren_api/session_key" {
			assert.Equal(t, "GET", r.Method)
			assert.Equal(t, url.Values{"oauth_token": {tok.AccessToken}}.Encode(), r.Query)
		}
	}

	_, err = platforms.RenrenSessionKey(context.Background(), api, "bogus-token-000000")
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	clock.Advance(31 * 24 * time.Hour)
	_, err = platforms.RenrenSessionKey(context.Background(), api, tok.AccessToken)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	_, err = legacy.NS("users").M("getLoggedInUser").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired, "the key expires with its token (450)")
}
