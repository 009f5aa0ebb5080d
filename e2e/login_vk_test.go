package e2e_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
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

const vkRedirect = "https://example.test/vk/cb"

func vkFormValue(r sandbox.Request, key string) string {
	if v := r.Form[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func TestVKLoginCodeFlowEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.VK(), "vk")
	login, err := api.Login(vkRedirect, "wall", "email")
	require.NoError(t, err)

	state := auth.NewState()
	u, err := login.AuthCodeURL(state)
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	authz := served(s, "vk", "/authorize", "")[0]
	assert.Equal(t, "wall,email", vkFormValue(authz, "scope"), "VK takes scopes comma-separated")
	assert.Equal(t, platforms.VKDefaultVersion, vkFormValue(authz, "v"))
	assert.Error(t, auth.CheckState(auth.NewState(), loc.Query().Get("state")), "a wrong state is refused")
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))

	code := loc.Query().Get("code")
	tok, err := login.Exchange(context.Background(), code)
	require.NoError(t, err)
	id, ok := platforms.VKUserID(tok)
	assert.True(t, ok)
	assert.Equal(t, int64(1), id)
	assert.Equal(t, sandbox.VKLogin, tok.Extra("email"))
	assert.Equal(t, clock.Now().Add(24*time.Hour), tok.Expiry, "without offline: 24 hours")

	_, err = login.Exchange(context.Background(), code)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a code is single use")
	assert.Equal(t, "invalid_grant", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	assert.NotContains(t, err.Error(), s.App("vk").Secret)

	var hooked int
	user, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok, auth.OnToken(func(*oauth2.Token) { hooked++ })))))
	require.NoError(t, err)
	me, err := user.Method("users.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), me.Get("0.id").Int())
	_, err = user.Method("wall.post").Do(snskit.Params{"message": "logged in with the code flow"})
	require.NoError(t, err)

	// VK has no refresh tokens: once expired, the call fails before being
	// sent and says to log in again.
	clock.Advance(25 * time.Hour)
	before := len(s.Requests())
	_, err = user.Method("users.get").Do(nil)
	assert.ErrorContains(t, err, "log in again")
	assert.Len(t, s.Requests(), before, "nothing sent, no refresh tried")
	assert.Zero(t, hooked)
	_, err = login.Refresh(context.Background(), tok)
	assert.Error(t, err)
}

func TestVKLoginOfflineTokenNeverExpires(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.VK(), "vk")
	login, err := api.Login(vkRedirect, "offline")
	require.NoError(t, err)
	state := auth.NewState()
	u, err := login.AuthCodeURL(state, snskit.AuthParam("display", "mobile"))
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
	tok, err := login.Exchange(context.Background(), loc.Query().Get("code"))
	require.NoError(t, err)
	assert.True(t, tok.Expiry.IsZero(), "expires_in 0")
	clock.Advance(365 * 24 * time.Hour)
	user, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	_, err = user.Method("users.get").Do(nil)
	assert.NoError(t, err, "a year later")
}

func TestVKLoginPKCEEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	login, err := appClient(t, s, clock, platforms.VK(), "vk").Login(vkRedirect)
	require.NoError(t, err)
	authorize := func(pkce auth.PKCE) string {
		t.Helper()
		state := auth.NewState()
		u, err := login.AuthCodeURL(state, snskit.WithPKCE(pkce))
		require.NoError(t, err)
		loc := authorizeRedirect(t, u)
		require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
		return loc.Query().Get("code")
	}

	pkce := auth.NewPKCE()
	tok, err := login.Exchange(context.Background(), authorize(pkce), snskit.WithPKCE(pkce))
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	authz, exch := served(s, "vk", "/authorize", ""), served(s, "vk", "/access_token", "")
	assert.Equal(t, pkce.Challenge(), vkFormValue(authz[0], "code_challenge"))
	assert.Equal(t, "S256", vkFormValue(authz[0], "code_challenge_method"))
	assert.Equal(t, pkce.Verifier, vkFormValue(exch[0], "code_verifier"))

	_, err = login.Exchange(context.Background(), authorize(auth.NewPKCE()), snskit.WithPKCE(auth.NewPKCE()))
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a wrong verifier is rejected")
	assert.Equal(t, "invalid_grant", e.Code)
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	_, err = login.Exchange(context.Background(), authorize(auth.NewPKCE()))
	assert.ErrorIs(t, err, snskit.ErrBadParams, "a missing verifier too")
}

func TestVKImplicitFlowCommunityTokensEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.VK(), "vk")
	login, err := api.Login(vkRedirect, "messages", "photos")
	require.NoError(t, err)
	state := auth.NewState()
	u, err := platforms.VKImplicitURL(login, state, 1, 2)
	require.NoError(t, err)
	res, err := platforms.ParseVKRedirect(authorizeRedirect(t, u).String())
	require.NoError(t, err)
	assert.Error(t, auth.CheckState(auth.NewState(), res.State), "a wrong state is refused")
	require.NoError(t, auth.CheckState(state, res.State))
	require.Len(t, res.Communities, 2)
	assert.Nil(t, res.User)
	tok1, tok2 := res.Communities[1].AccessToken, res.Communities[2].AccessToken
	require.NotEqual(t, tok1, tok2)

	groups, err := api.With(snskit.WithAuth(res.CommunityAuth(1)))
	require.NoError(t, err)
	s.ResetRequests()
	for _, p := range []snskit.Params{{"user_ids": 1}, {"group_id": 2, "user_ids": 1}, {"group_id": 1, "user_ids": 2}} {
		got, err := groups.Method("users.get").Do(p)
		require.NoError(t, err, "%v", p)
		assert.Equal(t, p["user_ids"], int(got.Get("0.id").Int()))
	}
	_, err = groups.Method("users.get").Do(snskit.Params{"group_id": 3})
	var ce *snskit.CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Reason, "1, 2", "says which communities have tokens")
	calls := served(s, "vk", "/method/users.get", "")
	require.Len(t, calls, 3, "the call for community 3 was not sent")
	assert.Equal(t, []string{tok1, tok2, tok1}, []string{vkFormValue(calls[0], "access_token"),
		vkFormValue(calls[1], "access_token"), vkFormValue(calls[2], "access_token")}, "each call carried its community's token")

	// The same flow without group_ids gives a user token.
	state = auth.NewState()
	u, err = platforms.VKImplicitURL(login, state)
	require.NoError(t, err)
	res, err = platforms.ParseVKRedirect(authorizeRedirect(t, u).String())
	require.NoError(t, err)
	require.NoError(t, auth.CheckState(state, res.State))
	require.NotNil(t, res.User)
	id, _ := platforms.VKUserID(res.User)
	assert.Equal(t, int64(1), id)
	user, err := api.With(snskit.WithAuth(auth.Token(res.User.AccessToken)))
	require.NoError(t, err)
	me, err := user.Method("users.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), me.Get("0.id").Int())
}

func TestVKCommunityCodeFlowEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.VK(), "vk")
	login, err := api.Login(vkRedirect, "manage")
	require.NoError(t, err)
	state := auth.NewState()
	u, err := login.AuthCodeURL(state, snskit.AuthParam("group_ids", "2"))
	require.NoError(t, err)
	loc := authorizeRedirect(t, u)
	require.NoError(t, auth.CheckState(state, loc.Query().Get("state")))
	toks, err := platforms.VKCommunityExchange(context.Background(), login, loc.Query().Get("code"))
	require.NoError(t, err)
	require.Len(t, toks, 1)
	groups, err := api.With(snskit.WithAuth(platforms.VKCommunity(map[int64]string{2: toks[2].AccessToken}, 0)))
	require.NoError(t, err)
	_, err = groups.Method("users.get").Do(snskit.Params{"group_id": 2, "user_ids": 1})
	require.NoError(t, err)
	calls := served(s, "vk", "/method/users.get", "")
	assert.Equal(t, toks[2].AccessToken, vkFormValue(calls[len(calls)-1], "access_token"))
}

func TestVKDirectAuthEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	var logs strings.Builder
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(vkLockedWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := appClient(t, s, clock, platforms.VK(), "vk", snskit.WithLogger(logger))
	ctx := context.Background()
	userOf := func(tok *oauth2.Token) int64 {
		t.Helper()
		clock.Advance(time.Second)
		user, err := api.With(snskit.WithAuth(auth.Token(tok.AccessToken)))
		require.NoError(t, err)
		me, err := user.Method("users.get").Do(nil)
		require.NoError(t, err)
		return me.Get("0.id").Int()
	}

	t.Run("plain", func(t *testing.T) {
		tok, err := platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{
			Username: sandbox.VKLogin, Password: sandbox.VKPassword, Scope: []string{"wall", "offline"}})
		require.NoError(t, err)
		assert.True(t, tok.Expiry.IsZero(), "offline")
		assert.Equal(t, int64(1), userOf(tok))
		r := served(s, "vk", "/token", "")
		assert.Equal(t, "1", vkFormValue(r[len(r)-1], "2fa_supported"))
	})

	t.Run("two-factor code through the callback", func(t *testing.T) {
		var asked []platforms.VKValidation
		tok, err := platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{
			Username: sandbox.VKLogin2FA, Password: sandbox.VKPassword,
			TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
				asked = append(asked, v)
				if len(asked) == 1 {
					return "000000", nil // a typo: VK asks again
				}
				return sandbox.VKValidationCode, nil
			},
		})
		require.NoError(t, err)
		require.Len(t, asked, 2)
		assert.Equal(t, "+7 *** *** ** 12", asked[0].PhoneMask)
		assert.Equal(t, "2fa_sms", asked[0].Type)
		assert.NotEmpty(t, asked[0].SID)
		assert.True(t, asked[1].Retry)
		assert.Equal(t, int64(2), userOf(tok))

		_, err = platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{Username: sandbox.VKLogin2FA, Password: sandbox.VKPassword})
		var e *snskit.Error
		require.ErrorAs(t, err, &e, "no callback: a typed error")
		assert.Equal(t, "need_validation", e.Code)
		assert.ErrorIs(t, err, snskit.ErrPermission)
		assert.Equal(t, "+7 *** *** ** 12", e.Detail.Get("phone_mask").String())
	})

	t.Run("captcha through the callback", func(t *testing.T) {
		var img []byte
		tok, err := platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{
			Username: sandbox.VKLoginCaptcha, Password: sandbox.VKPassword,
			Captcha: func(ctx context.Context, c platforms.VKCaptcha) (string, error) {
				resp, err := http.Get(c.Img)
				if err != nil {
					return "", err
				}
				defer resp.Body.Close()
				img, err = io.ReadAll(resp.Body)
				return sandbox.VKCaptchaAnswer, err
			},
		})
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(img), "\x89PNG"), "the callback could show the image")
		assert.Equal(t, int64(3), userOf(tok))

		_, err = platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{Username: sandbox.VKLoginCaptcha, Password: sandbox.VKPassword})
		assert.ErrorIs(t, err, snskit.ErrCaptcha)
	})

	t.Run("wrong password", func(t *testing.T) {
		const wrong = "not-the-sandbox-password"
		_, err := platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{Username: sandbox.VKLogin, Password: wrong})
		var e *snskit.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "invalid_client", e.Code)
		assert.Equal(t, 401, e.HTTPStatus)
		assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
		assert.NotContains(t, err.Error(), wrong)
		assert.NotContains(t, err.Error(), s.App("vk").Secret)
	})

	logMu.Lock()
	defer logMu.Unlock()
	assert.Contains(t, logs.String(), "direct auth")
	for _, secret := range []string{sandbox.VKPassword, "not-the-sandbox-password", s.App("vk").Secret, sandbox.VKValidationCode} {
		assert.NotContains(t, logs.String(), secret)
	}
}

func TestVKServiceTokenEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := appClient(t, s, clock, platforms.VK(), "vk")
	tok, err := platforms.VKServiceToken(context.Background(), api)
	require.NoError(t, err)
	assert.True(t, tok.Expiry.IsZero())
	got := served(s, "vk", "/access_token", "")
	require.Len(t, got, 1)
	assert.Equal(t, "client_credentials", vkFormValue(got[0], "grant_type"))

	service, err := api.With(snskit.WithAuth(auth.Token(tok.AccessToken)))
	require.NoError(t, err)
	users, err := service.Method("users.get").Do(snskit.Params{"user_ids": []int{1, 2}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), users.Get("#").Int())
	assert.NotEmpty(t, users.Get("0.first_name").String())

	wrong, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL("vk")), snskit.WithApp(sandbox.VKAppID, "wrong-secret-000"))
	require.NoError(t, err)
	_, err = platforms.VKServiceToken(context.Background(), wrong)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.False(t, errors.Is(err, snskit.ErrTokenExpired))
}

// vkLockedWriter serializes writes to a log buffer shared by goroutines.
type vkLockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l vkLockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
