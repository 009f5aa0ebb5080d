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

// vkIDLogin builds a platforms.VKID() client of the sandbox's VK ID app and
// its login.
func vkIDLogin(t *testing.T, s *sandbox.Server, clock *sandbox.Clock, scopes ...string) (*snskit.API, *snskit.Login) {
	t.Helper()
	api, err := snskit.New(platforms.VKID(), snskit.WithBaseURL(s.URL("vk")),
		snskit.WithApp(sandbox.VKIDAppID, ""), snskit.WithClock(clock.Now))
	require.NoError(t, err)
	login, err := api.Login("http://127.0.0.1:9/vkid/callback", scopes...)
	require.NoError(t, err)
	return api, login
}

// vkIDSignIn runs VK ID's authorize page (approved at once) and exchanges
// the redirect.
func vkIDSignIn(t *testing.T, login *snskit.Login, opts ...snskit.AuthOption) *oauth2.Token {
	t.Helper()
	state, pkce := auth.NewState(), auth.NewPKCE()
	u, err := login.AuthCodeURL(state, append([]snskit.AuthOption{snskit.WithPKCE(pkce)}, opts...)...)
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	tok, err := platforms.VKIDExchange(context.Background(), login, loc.Query(), state, pkce)
	require.NoError(t, err)
	return tok
}

func TestVKIDLoginEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := vkIDLogin(t, s, clock, "vkid.personal_info", "email", "wall")
	tok := vkIDSignIn(t, login, snskit.AuthParam("prompt", "login"), snskit.AuthParam("lang_id", "3"),
		snskit.AuthParam("scheme", "dark"), snskit.AuthParam("provider", "vkid"))
	assert.NotEmpty(t, tok.AccessToken)
	assert.NotEmpty(t, tok.RefreshToken)
	assert.NotEmpty(t, tok.Extra("device_id"))
	assert.NotEmpty(t, tok.Extra("id_token"))
	assert.Equal(t, clock.Now().Add(time.Hour), tok.Expiry)
	uid, ok := platforms.VKUserID(tok)
	require.True(t, ok)
	assert.Equal(t, int64(1), uid)

	ex := served(s, "vk", "/oauth2/auth", "authorization_code")
	require.Len(t, ex, 1)
	assert.NotEmpty(t, vkFormValue(ex[0], "code_verifier"))
	assert.Equal(t, tok.Extra("device_id"), vkFormValue(ex[0], "device_id"))

	// The token calls the API at once.
	user, err := api.With(snskit.WithAuth(auth.Token(tok.AccessToken)))
	require.NoError(t, err)
	res, err := user.Method("users.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("0.id").Int())

	info, err := platforms.VKIDUserInfo(context.Background(), api, tok)
	require.NoError(t, err)
	assert.NotEmpty(t, info.Get("first_name").String())
	assert.NotEmpty(t, info.Get("email").String(), "the email scope was granted")

	require.NoError(t, platforms.VKIDLogout(context.Background(), api, tok))
	_, err = platforms.VKIDUserInfo(context.Background(), api, tok)
	require.ErrorIs(t, err, snskit.ErrTokenInvalid, "a logged-out token is refused")
}

func TestVKIDRefreshRotatesAndPersistsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api, login := vkIDLogin(t, s, clock)
	first := vkIDSignIn(t, login)

	var mu sync.Mutex
	var saved []*auth.Saved // what a token store would keep, newest last
	live := login.TokenSource(first, auth.OnToken(func(tk *oauth2.Token) {
		mu.Lock()
		saved = append(saved, auth.NewSaved(tk))
		mu.Unlock()
	}))
	user, err := api.With(snskit.WithAuth(auth.TokenSource(live)))
	require.NoError(t, err)

	for i := range 3 {
		clock.Advance(time.Hour + time.Minute) // past the one-hour access token
		_, err = user.Method("users.get").Do(nil)
		require.NoError(t, err, "call %d after expiry", i)
	}
	require.Len(t, saved, 3, "each refresh hands its token to OnToken")
	seen := map[string]bool{first.RefreshToken: true}
	for _, sv := range saved {
		assert.False(t, seen[sv.RefreshToken], "every refresh rotates the refresh token")
		seen[sv.RefreshToken] = true
		assert.Equal(t, first.Extra("device_id"), sv.DeviceID, "device_id travels with every token")
	}

	// A reused (rotated-out) refresh token is refused: log in again.
	_, err = login.Refresh(context.Background(), first)
	require.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.Contains(t, err.Error(), "log in again")
	assert.NotContains(t, err.Error(), first.RefreshToken)

	// The next run starts from the newest stored token.
	next := saved[len(saved)-1].Token()
	renewed, err := login.Refresh(context.Background(), next)
	require.NoError(t, err)
	assert.NotEqual(t, next.RefreshToken, renewed.RefreshToken)
	assert.Equal(t, next.Extra("device_id"), renewed.Extra("device_id"))
}

func TestVKIDLoginRefusalsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	_, login := vkIDLogin(t, s, clock)

	_, err := login.AuthCodeURL(auth.NewState())
	require.ErrorContains(t, err, "WithPKCE", "VK ID always needs PKCE")

	s.VKIDRefuse(1)
	state, pkce := auth.NewState(), auth.NewPKCE()
	u, err := login.AuthCodeURL(state, snskit.WithPKCE(pkce))
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	_, err = platforms.VKIDExchange(context.Background(), login, loc.Query(), state, pkce)
	require.ErrorIs(t, err, snskit.ErrPermission)

	// A wrong state, a code redeemed twice and a wrong verifier are refused.
	u, err = login.AuthCodeURL(state, snskit.WithPKCE(pkce))
	require.NoError(t, err)
	q := authorizeRedirect(t, u).Query()
	_, err = platforms.VKIDExchange(context.Background(), login, q, auth.NewState(), pkce)
	require.ErrorContains(t, err, "state")
	_, err = platforms.VKIDExchange(context.Background(), login, q, state, auth.NewPKCE())
	require.ErrorIs(t, err, snskit.ErrBadParams)
	bad := url.Values{}
	for k, v := range q {
		bad[k] = v
	}
	_, err = platforms.VKIDExchange(context.Background(), login, bad, state, pkce)
	require.ErrorIs(t, err, snskit.ErrBadParams, "the code was spent by the wrong-verifier try")
}
