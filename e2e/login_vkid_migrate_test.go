package e2e_test

import (
	"context"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/internal/leaktest"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVKIDMigrationEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	classic, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"friends", "wall"}})
	require.NoError(t, err)
	api, login := vkIDLogin(t, s, clock)
	ctx := context.Background()

	tok, err := platforms.VKIDMigrate(ctx, login, classic.AccessToken)
	require.NoError(t, err)
	assert.NotEqual(t, classic.AccessToken, tok.AccessToken)
	assert.NotEmpty(t, tok.RefreshToken)
	assert.NotEmpty(t, tok.Extra("device_id"))
	assert.Equal(t, "vkid.personal_info friends wall", tok.Extra("scope"))

	// The wire: the migration, then the code's exchange at the login's
	// redirect URL, with the verifier of the challenge sent first.
	mig := served(s, "vk", "/oauth2/auth", "access_token")
	require.Len(t, mig, 1)
	for _, k := range []string{"response_type", "access_token", "client_id", "device_id", "state", "code_challenge"} {
		assert.NotEmpty(t, vkFormValue(mig[0], k), k)
	}
	assert.Equal(t, "s256", vkFormValue(mig[0], "code_challenge_method"))
	assert.Empty(t, vkFormValue(mig[0], "code_verifier"))
	ex := served(s, "vk", "/oauth2/auth", "authorization_code")
	require.Len(t, ex, 1)
	assert.Equal(t, login.RedirectURL(), vkFormValue(ex[0], "redirect_uri"))
	assert.Equal(t, vkFormValue(mig[0], "device_id"), vkFormValue(ex[0], "device_id"))

	// The new tokens call the API, and refresh like a login's.
	user, err := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
	require.NoError(t, err)
	res, err := user.NS("friends").M("get").Do(nil)
	require.NoError(t, err)
	assert.Positive(t, res.Get("count").Int())
	again, err := login.Refresh(ctx, tok)
	require.NoError(t, err)
	assert.NotEqual(t, tok.RefreshToken, again.RefreshToken)

	// A token VK ID refuses: a classified error that shows no token.
	_, err = platforms.VKIDMigrate(ctx, login, "vk1.a.not-a-token-of-the-sandbox")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_token", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	leaktest.NoSecret(t, err, "vk1.a.not-a-token-of-the-sandbox")

	// Refused before sending: what is missing, said in Go's words.
	_, err = platforms.VKIDMigrate(ctx, login, "")
	assert.ErrorContains(t, err, "needs the legacy access token")
	_, err = platforms.VKIDMigrate(ctx, nil, classic.AccessToken)
	assert.ErrorContains(t, err, "nil login")
	classicAPI, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL("vk")), snskit.WithApp(sandbox.VKAppID, sandbox.VKAppSecret))
	require.NoError(t, err)
	classicLogin, err := classicAPI.Login("http://127.0.0.1:9/cb")
	require.NoError(t, err)
	_, err = platforms.VKIDMigrate(ctx, classicLogin, classic.AccessToken)
	assert.ErrorContains(t, err, "platforms.VKID()")
}
