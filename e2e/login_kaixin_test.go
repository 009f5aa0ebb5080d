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

const kaixinRedirect = "http://127.0.0.1:8080/kaixin/cb"

func TestKaixinOAuth1LoginEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.Kaixin(), "kaixin")
	flow, err := platforms.KaixinOAuth1(api, kaixinRedirect, "basic", "friends_intro")
	require.NoError(t, err)
	ctx := context.Background()

	token, secret, err := flow.RequestToken(ctx)
	require.NoError(t, err)
	u, err := flow.AuthorizationURL(token)
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	assert.Equal(t, "127.0.0.1:8080", loc.Host, "back to the callback")
	assert.Equal(t, token, loc.Query().Get("oauth_token"))
	verifier := loc.Query().Get("oauth_verifier")
	require.NotEmpty(t, verifier)

	cred, err := flow.AccessToken(ctx, token, secret, verifier)
	require.NoError(t, err)
	assert.Equal(t, s.App("kaixin").ID, cred.ConsumerKey)
	assert.NotEmpty(t, cred.TokenSecret)

	user, err := api.With(snskit.WithAuth(cred))
	require.NoError(t, err)
	friends, err := user.Method("friends.me").Do(snskit.Params{"fields": []string{"uid", "name", "intro"}, "start": 0, "num": 5})
	require.NoError(t, err)
	assert.Equal(t, int64(5), friends.Get("users.#").Int())
	assert.NotEmpty(t, friends.Get("users.0.name").String())
	seen := served(s, "kaixin", "/friends/me.json", "")
	require.NotEmpty(t, seen)
	last := seen[len(seen)-1]
	assert.Equal(t, []string{cred.Token}, last.Form["oauth_token"], "signed with the new token")
	assert.NotEmpty(t, last.Form["oauth_signature"])

	_, err = flow.AccessToken(ctx, token, secret, verifier)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a request token is good for one exchange")
	assert.Equal(t, "40102", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), secret)

	token2, secret2, err := flow.RequestToken(ctx)
	require.NoError(t, err)
	u, err = flow.AuthorizationURL(token2)
	require.NoError(t, err)
	authorizeRedirect(t, u)
	_, err = flow.AccessToken(ctx, token2, secret2, "not-the-verifier")
	require.ErrorAs(t, err, &e, "a wrong verifier")
	assert.Equal(t, "40102", e.Code)
	assert.NotContains(t, err.Error(), "not-the-verifier")

	wrongApp, err := snskit.New(platforms.Kaixin(), snskit.WithBaseURL(s.URL("kaixin")),
		snskit.WithApp(s.App("kaixin").ID, "wrong-consumer-secret"), snskit.WithClock(clock.Now))
	require.NoError(t, err)
	bad, err := platforms.KaixinOAuth1(wrongApp, kaixinRedirect)
	require.NoError(t, err)
	_, _, err = bad.RequestToken(ctx)
	require.ErrorAs(t, err, &e, "a wrong consumer secret")
	assert.Equal(t, "40104", e.Code)
	assert.NotContains(t, err.Error(), "wrong-consumer-secret")
}

func TestKaixinOAuth2LoginEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.Kaixin(), "kaixin")
	login, err := api.Login(kaixinRedirect, "basic", "user_records")
	require.NoError(t, err)

	state := auth.NewState()
	u, err := login.AuthCodeURL(state)
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	assert.Error(t, auth.CheckState(auth.NewState(), loc.Query().Get("state")), "a wrong state is refused")
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
	code := loc.Query().Get("code")
	tok, err := login.Exchange(context.Background(), code)
	require.NoError(t, err)
	assert.NotEmpty(t, tok.RefreshToken)
	assert.Equal(t, clock.Now().Add(30*24*time.Hour), tok.Expiry)
	assert.Equal(t, "basic user_records", tok.Extra("scope"))

	_, err = login.Exchange(context.Background(), code)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a code is single use")
	assert.Equal(t, "invalid_grant", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)

	var mu sync.Mutex
	var saved []*oauth2.Token
	src := login.TokenSource(tok, auth.OnToken(func(t *oauth2.Token) { mu.Lock(); saved = append(saved, t); mu.Unlock() }))
	user, err := api.With(snskit.WithAuth(auth.TokenSource(src)))
	require.NoError(t, err)
	res, err := user.Method("friends.me").Do(snskit.Params{"num": 3})
	require.NoError(t, err)
	assert.Equal(t, int64(3), res.Get("users.#").Int())

	// Past the expiry the source renews the token before the call.
	clock.Advance(31 * 24 * time.Hour)
	_, err = user.Method("friends.me").Do(nil)
	require.NoError(t, err)
	assert.Len(t, served(s, "kaixin", "/oauth2/access_token", "refresh_token"), 1)
	mu.Lock()
	require.Len(t, saved, 1, "the hook got the new token")
	assert.NotEqual(t, tok.AccessToken, saved[0].AccessToken)
	assert.Equal(t, clock.Now().Add(30*24*time.Hour), saved[0].Expiry)
	mu.Unlock()

	// The old refresh token was spent by the refresh.
	_, err = login.Refresh(context.Background(), tok)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_grant", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
}

func TestKaixinOAuth2ExpiredTokenRetriedOnceEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.Kaixin(), "kaixin")
	login, err := api.Login(kaixinRedirect, "basic")
	require.NoError(t, err)
	tok := signIn(t, login)

	// A stored token whose expiry the application did not keep: the client
	// sends it, Kaixin refuses it as expired, and the call is retried once
	// with a refreshed token.
	stored := &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken}
	var hooked []string
	user, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(stored,
		auth.OnToken(func(t *oauth2.Token) { hooked = append(hooked, t.AccessToken) })))))
	require.NoError(t, err)
	clock.Advance(31 * 24 * time.Hour)
	s.ResetRequests()
	res, err := user.Method("friends.me").Do(snskit.Params{"num": 2})
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Get("users.#").Int())

	calls := served(s, "kaixin", "/friends/me.json", "")
	require.Len(t, calls, 2, "sent, refused, sent again")
	assert.Equal(t, 401, calls[0].Status)
	assert.Equal(t, []string{tok.AccessToken}, calls[0].Form["access_token"])
	assert.Equal(t, 200, calls[1].Status)
	require.Len(t, hooked, 1)
	assert.Equal(t, []string{hooked[0]}, calls[1].Form["access_token"])
	assert.Len(t, served(s, "kaixin", "/oauth2/access_token", "refresh_token"), 1, "exactly one refresh")
}

func TestKaixinOAuth2ManyCallersOneRefreshEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.Kaixin(), "kaixin")
	login, err := api.Login(kaixinRedirect, "basic")
	require.NoError(t, err)
	tok := signIn(t, login)
	var mu sync.Mutex
	var hooked []string
	user, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok,
		auth.OnToken(func(t *oauth2.Token) { mu.Lock(); hooked = append(hooked, t.AccessToken); mu.Unlock() })))))
	require.NoError(t, err)

	clock.Advance(31 * 24 * time.Hour)
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := user.Method("friends.me").Do(snskit.Params{"num": 1})
			if assert.NoError(t, err) {
				assert.Equal(t, int64(1), res.Get("users.#").Int())
			}
		}()
	}
	wg.Wait()
	assert.Len(t, served(s, "kaixin", "/oauth2/access_token", "refresh_token"), 1, "24 callers, one refresh")
	mu.Lock()
	assert.Len(t, hooked, 1)
	mu.Unlock()
	for _, r := range served(s, "kaixin", "/friends/me.json", "") {
		assert.Equal(t, 200, r.Status, "no call went out with the expired token")
	}
}
