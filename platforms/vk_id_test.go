package platforms_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func vkIDTestLogin(t *testing.T, s *server, opts ...platforms.VKIDOption) (*snskit.API, *snskit.Login) {
	t.Helper()
	api := newAPI(t, platforms.VKID(opts...), s, "/vk", snskit.WithApp("52345678", ""))
	login, err := api.Login("https://example.com/cb", "email", "wall")
	require.NoError(t, err)
	return api, login
}

func TestVKIDAuthCodeURL(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	_, login := vkIDTestLogin(t, s)
	pkce := auth.NewPKCE()
	raw, err := login.AuthCodeURL("state-0123456789-0123456789-0123456789", snskit.WithPKCE(pkce),
		snskit.AuthParam("prompt", "login consent"), snskit.AuthParam("provider", "ok_ru"),
		snskit.AuthParam("lang_id", "3"), snskit.AuthParam("scheme", "dark"))
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, "/vk/authorize", u.Path)
	q := u.Query()
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "52345678", q.Get("client_id"))
	assert.Equal(t, "https://example.com/cb", q.Get("redirect_uri"))
	assert.Equal(t, pkce.Challenge(), q.Get("code_challenge"))
	assert.Equal(t, "s256", q.Get("code_challenge_method"))
	assert.Equal(t, "email wall", q.Get("scope"), "scopes are space-separated")
	assert.Equal(t, "login consent", q.Get("prompt"))
	assert.Equal(t, "ok_ru", q.Get("provider"))
	assert.Equal(t, "3", q.Get("lang_id"))
	assert.Equal(t, "dark", q.Get("scheme"))
	assert.Empty(t, q.Get("code_verifier"))

	_, err = login.AuthCodeURL("s", snskit.WithPKCE(pkce), snskit.AuthParam("state", "x"))
	assert.ErrorContains(t, err, "state is set by the login")
	_, err = login.AuthCodeURL("s")
	assert.ErrorContains(t, err, "WithPKCE")
}

func TestVKIDHost(t *testing.T) {
	api, err := snskit.New(platforms.VKID(platforms.VKIDHost("id.vk.com")), snskit.WithApp("1", ""))
	require.NoError(t, err)
	login, err := api.Login("https://example.com/cb")
	require.NoError(t, err)
	raw, err := login.AuthCodeURL("st", snskit.WithPKCE(auth.NewPKCE()))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "https://id.vk.com/authorize?"), raw)

	def, _ := snskit.New(platforms.VKID(), snskit.WithApp("1", ""))
	dl, _ := def.Login("https://example.com/cb")
	raw, err = dl.AuthCodeURL("st", snskit.WithPKCE(auth.NewPKCE()))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "https://id.vk.ru/authorize?"), raw)

	bad, _ := snskit.New(platforms.VKID(platforms.VKIDHost("id.vk.com/path?x")), snskit.WithApp("1", ""))
	bl, _ := bad.Login("https://example.com/cb")
	_, err = bl.AuthCodeURL("st", snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "VKIDHost")
}

func TestVKIDExchangeChecksStateAndKeepsDeviceID(t *testing.T) {
	var echo string
	s := newServer(t, func(r seen) reply {
		st := r.Form.Get("state")
		if echo != "" {
			st = echo
		}
		return reply{Body: `{"access_token":"vk2.a.acc","refresh_token":"vk2.a.ref","id_token":"jwt","token_type":"Bearer","expires_in":3600,"user_id":7,"state":"` + st + `","scope":"email wall"}`}
	})
	_, login := vkIDTestLogin(t, s)
	pkce := auth.NewPKCE()
	q := url.Values{"code": {"c0de"}, "state": {"st"}, "device_id": {"dev-1"}, "type": {"code_v2"}}
	tok, err := platforms.VKIDExchange(context.Background(), login, q, "st", pkce)
	require.NoError(t, err)
	assert.Equal(t, "dev-1", tok.Extra("device_id"))
	assert.Equal(t, "vk2.a.ref", tok.RefreshToken)
	f := s.last(t).Form
	assert.Equal(t, "authorization_code", f.Get("grant_type"))
	assert.Equal(t, pkce.Verifier, f.Get("code_verifier"))
	assert.Equal(t, "dev-1", f.Get("device_id"))
	assert.Equal(t, "st", f.Get("state"))
	assert.Equal(t, "https://example.com/cb", f.Get("redirect_uri"))
	assert.Equal(t, "52345678", f.Get("client_id"))
	assert.Equal(t, "/vk/oauth2/auth", s.last(t).Path)

	// A refresh sends device_id and a fresh state; a reply with another
	// state is refused.
	_, err = login.Refresh(context.Background(), tok)
	require.NoError(t, err)
	assert.Equal(t, "refresh_token", s.last(t).Form.Get("grant_type"))
	assert.Equal(t, "dev-1", s.last(t).Form.Get("device_id"))
	assert.Len(t, s.last(t).Form.Get("state"), 43)
	echo = "forged"
	_, err = login.Refresh(context.Background(), tok)
	require.ErrorContains(t, err, "state")
	_, err = login.Refresh(context.Background(), (&oauth2.Token{AccessToken: "a", RefreshToken: "r"}))
	require.ErrorContains(t, err, "device_id")
}

func TestVKIDErrors(t *testing.T) {
	s := newServer(t, func(r seen) reply {
		return reply{Status: 400, Body: `{"error":"invalid_request","error_description":"refresh_token is missing or invalid","state":"` + r.Form.Get("state") + `"}`}
	})
	api, login := vkIDTestLogin(t, s)
	tok := (&oauth2.Token{AccessToken: "vk2.a.acc-secret", RefreshToken: "vk2.a.refresh-secret"}).WithExtra(map[string]any{"device_id": "d"})
	_, err := login.Refresh(context.Background(), tok)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.Equal(t, "invalid_request", e.Code)
	assert.Contains(t, err.Error(), "log in again")
	assert.NotContains(t, err.Error(), "refresh-secret")

	_, err = platforms.VKIDExchange(context.Background(), login, url.Values{"code": {"c"}, "state": {"s"}, "device_id": {"d"}}, "s", auth.NewPKCE())
	assert.ErrorIs(t, err, snskit.ErrBadParams, "a refused code is a bad parameter, not a dead token")

	_, err = platforms.VKIDUserInfo(context.Background(), api, tok)
	assert.ErrorIs(t, err, snskit.ErrBadParams)

	_, err = platforms.ParseVKIDRedirect(url.Values{"state": {"s"}, "code": {"c"}}, "s")
	assert.ErrorContains(t, err, "device_id")
	_, err = platforms.ParseVKIDRedirect(url.Values{"state": {"s"}, "error": {"access_denied"}}, "s")
	assert.ErrorIs(t, err, snskit.ErrPermission)
	_, err = platforms.ParseVKIDRedirect(url.Values{"state": {"other"}, "code": {"c"}, "device_id": {"d"}}, "s")
	assert.ErrorContains(t, err, "state")

	classic := newAPI(t, platforms.VK(), s, "/vk", snskit.WithApp("1", ""))
	_, err = platforms.VKIDUserInfo(context.Background(), classic, tok)
	assert.ErrorContains(t, err, "platforms.VKID()")
}
