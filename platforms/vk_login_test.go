package platforms_test

import (
	"context"
	"fmt"
	"net/url"
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
	vkLoginSecret = "vk-app-secret-0123456789"
	vkLoginCB     = "https://example.test/vk/cb"
)

var vkLoginNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func vkLoginAPI(t *testing.T, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	return newAPI(t, platforms.VK(), s, "/vk", append([]snskit.Option{snskit.WithApp("51234567", vkLoginSecret),
		snskit.WithClock(func() time.Time { return vkLoginNow })}, opts...)...)
}

func vkLogin(t *testing.T, api *snskit.API, scopes ...string) *snskit.Login {
	t.Helper()
	l, err := api.Login(vkLoginCB, scopes...)
	require.NoError(t, err)
	return l
}

func vkQuery(t *testing.T, raw string) (*url.URL, url.Values) {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u, u.Query()
}

func TestVKAuthCodeURL(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	login := vkLogin(t, vkLoginAPI(t, s), "wall", "offline", "email")
	raw, err := login.AuthCodeURL("st4te")
	require.NoError(t, err)
	u, q := vkQuery(t, raw)
	assert.Equal(t, "/vk/authorize", u.Path)
	assert.Equal(t, url.Values{"client_id": {"51234567"}, "redirect_uri": {vkLoginCB}, "response_type": {"code"},
		"scope": {"wall,offline,email"}, "state": {"st4te"}, "v": {platforms.VKDefaultVersion}, "display": {"page"}}, q)

	pkce := auth.NewPKCE()
	raw, err = vkLogin(t, vkLoginAPI(t, s, snskit.WithAPIVersion("5.131")), "140492191").
		AuthCodeURL("s", snskit.AuthParam("display", "mobile"), snskit.AuthParam("revoke", "1"), snskit.WithPKCE(pkce))
	require.NoError(t, err)
	_, q = vkQuery(t, raw)
	assert.Equal(t, "140492191", q.Get("scope"), "a bitmask passes as it is")
	assert.Equal(t, "5.131", q.Get("v"), "the client's version")
	assert.Equal(t, "mobile", q.Get("display"))
	assert.Equal(t, "1", q.Get("revoke"))
	assert.Equal(t, pkce.Challenge(), q.Get("code_challenge"))
	assert.Equal(t, "S256", q.Get("code_challenge_method"))

	_, err = login.AuthCodeURL("s", snskit.AuthParam("redirect_uri", "https://evil.test/"))
	assert.ErrorContains(t, err, "redirect_uri is set by the login")
	assert.Empty(t, s.requests(), "building URLs sends nothing")
}

func TestVKExchange(t *testing.T) {
	s := newServer(t, fixed(`{"access_token":"vk1.a.exchanged-token-000","expires_in":86400,"user_id":66748,"email":"pavel@example.test"}`))
	login := vkLogin(t, vkLoginAPI(t, s), "email")
	pkce := auth.NewPKCE()
	tok, err := login.Exchange(context.Background(), "c0de", snskit.WithPKCE(pkce))
	require.NoError(t, err)
	assert.Equal(t, "vk1.a.exchanged-token-000", tok.AccessToken)
	assert.Equal(t, vkLoginNow.Add(24*time.Hour), tok.Expiry, "expiry by the client's clock")
	id, ok := platforms.VKUserID(tok)
	assert.True(t, ok)
	assert.Equal(t, int64(66748), id)
	assert.Equal(t, "pavel@example.test", tok.Extra("email"))

	r := s.last(t)
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/vk/access_token", r.Path)
	assert.Equal(t, url.Values{"grant_type": {"authorization_code"}, "code": {"c0de"}, "client_id": {"51234567"},
		"client_secret": {vkLoginSecret}, "redirect_uri": {vkLoginCB}, "code_verifier": {pkce.Verifier}}, r.Form)

	never := newServer(t, fixed(`{"access_token":"vk1.a.offline-token-0000","expires_in":0,"user_id":1}`))
	tok, err = vkLogin(t, vkLoginAPI(t, never), "offline").Exchange(context.Background(), "c0de")
	require.NoError(t, err)
	assert.True(t, tok.Expiry.IsZero(), "expires_in 0: never expires")
	assert.True(t, tok.Valid())

	_, err = login.Refresh(context.Background(), &oauth2.Token{AccessToken: "a", RefreshToken: "r"})
	assert.ErrorContains(t, err, "log in again")
}

func TestVKExchangeErrors(t *testing.T) {
	s := newServer(t, func(r seen) reply {
		if r.Form.Get("code") == "used" {
			return reply{Status: 401, Body: `{"error":"invalid_grant","error_description":"Code is invalid or expired."}`}
		}
		return reply{Status: 401, Body: `{"error":"invalid_client","error_description":"client_secret is incorrect"}`}
	})
	login := vkLogin(t, vkLoginAPI(t, s))
	_, err := login.Exchange(context.Background(), "used")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_grant", e.Code)
	assert.Equal(t, 401, e.HTTPStatus)
	assert.ErrorIs(t, err, snskit.ErrBadParams)

	_, err = login.Exchange(context.Background(), "other")
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_client", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), vkLoginSecret)

	groups := newServer(t, fixed(`{"groups":[{"group_id":1,"access_token":"vk1.a.g1"}],"expires_in":0}`))
	_, err = vkLogin(t, vkLoginAPI(t, groups)).Exchange(context.Background(), "c")
	assert.ErrorContains(t, err, "VKCommunityExchange")
}

func TestVKImplicitURL(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	login := vkLogin(t, vkLoginAPI(t, s), "messages", "photos")
	raw, err := platforms.VKImplicitURL(login, "st", 1, 2)
	require.NoError(t, err)
	u, q := vkQuery(t, raw)
	assert.Equal(t, "/vk/authorize", u.Path)
	assert.Equal(t, url.Values{"client_id": {"51234567"}, "redirect_uri": {vkLoginCB}, "response_type": {"token"},
		"scope": {"messages,photos"}, "state": {"st"}, "v": {platforms.VKDefaultVersion}, "display": {"page"},
		"group_ids": {"1,2"}}, q)

	raw, err = platforms.VKImplicitURL(login, "st")
	require.NoError(t, err)
	_, q = vkQuery(t, raw)
	assert.False(t, q.Has("group_ids"))

	_, err = platforms.VKImplicitURL(login, "st", -1)
	assert.ErrorContains(t, err, "positive id")
	_, err = platforms.VKImplicitURL(login, "")
	assert.ErrorContains(t, err, "empty state")
	kx, err := newAPI(t, platforms.Kaixin(), s, "/kx", snskit.WithApp("k", "s")).Login(vkLoginCB)
	require.NoError(t, err)
	_, err = platforms.VKImplicitURL(kx, "st")
	assert.ErrorContains(t, err, "for kaixin")
}

func TestParseVKRedirect(t *testing.T) {
	res, err := platforms.ParseVKRedirect("https://oauth.vk.ru/blank.html#access_token=vk1.a.user-token&expires_in=86400&user_id=8492&email=u%40example.test&state=abc")
	require.NoError(t, err)
	require.NotNil(t, res.User)
	assert.Equal(t, "vk1.a.user-token", res.User.AccessToken)
	assert.WithinDuration(t, time.Now().Add(24*time.Hour), res.User.Expiry, time.Minute)
	id, _ := platforms.VKUserID(res.User)
	assert.Equal(t, int64(8492), id)
	assert.Equal(t, "u@example.test", res.User.Extra("email"))
	assert.Equal(t, "abc", res.State)
	assert.Empty(t, res.Communities)

	res, err = platforms.ParseVKRedirect("https://example.test/cb#access_token_11=vk1.a.g11&access_token_22=vk1.a.g22&expires_in=0&state=x")
	require.NoError(t, err)
	assert.Nil(t, res.User)
	require.Len(t, res.Communities, 2)
	assert.Equal(t, "vk1.a.g22", res.Communities[22].AccessToken)
	assert.True(t, res.Communities[11].Expiry.IsZero())
	assert.Equal(t, int64(11), res.Communities[11].Extra("group_id"))

	_, err = platforms.ParseVKRedirect("https://example.test/cb#error=access_denied&error_description=User+denied+your+request&state=x")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "access_denied", e.Code)
	assert.Equal(t, "User denied your request", e.Message)
	assert.ErrorIs(t, err, snskit.ErrPermission)

	_, err = platforms.ParseVKRedirect("https://example.test/cb?error=invalid_request&error_description=bad")
	assert.ErrorIs(t, err, snskit.ErrBadParams, "errors in the query too")
	_, err = platforms.ParseVKRedirect("https://example.test/cb#state=x")
	assert.ErrorContains(t, err, "no access token")
	_, err = platforms.ParseVKRedirect("https://example.test/cb#access_token=t&expires_in=soon")
	assert.ErrorContains(t, err, "expires_in")
	_, err = platforms.ParseVKRedirect("https://example.test/cb#access_token_x=t")
	assert.ErrorContains(t, err, "does not name a community")
}

func TestVKCommunityTokensPickedByGroupID(t *testing.T) {
	s := newServer(t, fixed(`{"response":[]}`))
	cred := platforms.VKCommunity(map[int64]string{1: "vk1.a.community-one-token", 2: "vk1.a.community-two-token"}, 1)
	api := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(cred))
	for _, tc := range []struct {
		params snskit.Params
		want   string
	}{
		{nil, "vk1.a.community-one-token"},
		{snskit.Params{"group_id": 2}, "vk1.a.community-two-token"},
		{snskit.Params{"group_id": 1}, "vk1.a.community-one-token"},
		{snskit.Params{"group_id": 2, "access_token": "vk1.a.call-own-token"}, "vk1.a.call-own-token"},
	} {
		_, err := api.Method("users.get").Do(tc.params)
		require.NoError(t, err)
		assert.Equal(t, tc.want, s.last(t).Form.Get("access_token"), "%v", tc.params)
	}
	assert.Equal(t, "2", s.last(t).Form.Get("group_id"), "group_id is still sent")

	n := len(s.requests())
	_, err := api.Method("users.get").Do(snskit.Params{"group_id": 3})
	var ce *snskit.CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Reason, `no token for group_id "3"`)
	assert.Contains(t, ce.Reason, "1, 2")
	assert.Len(t, s.requests(), n, "refused before sending")

	noDefault := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(platforms.VKCommunity(
		map[int64]string{1: "vk1.a.community-one-token", 2: "vk1.a.community-two-token"}, 0)))
	_, err = noDefault.Method("users.get").Do(nil)
	assert.ErrorContains(t, err, "sets no group_id")
	only := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(platforms.VKCommunity(map[int64]string{7: "vk1.a.community-seven-token"}, 0)))
	_, err = only.Method("users.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "vk1.a.community-seven-token", s.last(t).Form.Get("access_token"), "a single community is the default")

	shown := fmt.Sprintf("%v %+v %#v", cred, cred, cred)
	assert.NotContains(t, shown, "community-one-token")
	assert.Contains(t, shown, "group_id")
}

func TestVKCommunityExchange(t *testing.T) {
	for name, body := range map[string]string{
		"groups list":   `{"groups":[{"group_id":1,"access_token":"vk1.a.g1"},{"group_id":2,"access_token":"vk1.a.g2"}],"expires_in":0}`,
		"per-group key": `{"access_token_1":"vk1.a.g1","access_token_2":"vk1.a.g2","expires_in":0}`,
	} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, fixed(body))
			toks, err := platforms.VKCommunityExchange(context.Background(), vkLogin(t, vkLoginAPI(t, s)), "c0de")
			require.NoError(t, err)
			require.Len(t, toks, 2)
			assert.Equal(t, "vk1.a.g2", toks[2].AccessToken)
			r := s.last(t)
			assert.Equal(t, "/vk/access_token", r.Path)
			assert.Equal(t, "c0de", r.Form.Get("code"))
			assert.Equal(t, vkLoginCB, r.Form.Get("redirect_uri"))
		})
	}
	s := newServer(t, func(seen) reply {
		return reply{Status: 401, Body: `{"error":"invalid_grant","error_description":"Code is invalid or expired."}`}
	})
	_, err := platforms.VKCommunityExchange(context.Background(), vkLogin(t, vkLoginAPI(t, s)), "c0de")
	assert.ErrorIs(t, err, snskit.ErrBadParams)
}

func TestVKServiceToken(t *testing.T) {
	s := newServer(t, fixed(`{"access_token":"vk1.a.service-token-0000","expires_in":0}`))
	tok, err := platforms.VKServiceToken(context.Background(), vkLoginAPI(t, s))
	require.NoError(t, err)
	assert.Equal(t, "vk1.a.service-token-0000", tok.AccessToken)
	assert.True(t, tok.Expiry.IsZero())
	r := s.last(t)
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/vk/access_token", r.Path)
	assert.Empty(t, r.Query, "the secret stays out of the URL")
	assert.Equal(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {"51234567"},
		"client_secret": {vkLoginSecret}, "v": {platforms.VKDefaultVersion}}, r.Form)

	bad := newServer(t, func(seen) reply {
		return reply{Status: 401, Body: `{"error":"invalid_client","error_description":"client_secret is incorrect"}`}
	})
	_, err = platforms.VKServiceToken(context.Background(), vkLoginAPI(t, bad))
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), vkLoginSecret)

	_, err = platforms.VKServiceToken(context.Background(), newAPI(t, platforms.VK(), s, "/vk"))
	assert.ErrorContains(t, err, "WithApp")
	_, err = platforms.VKServiceToken(context.Background(), newAPI(t, platforms.VK(), s, "/vk", snskit.WithApp("51234567", "")))
	assert.ErrorContains(t, err, "secret")
	_, err = platforms.VKServiceToken(context.Background(), newAPI(t, platforms.QQ(), s, "/qq", snskit.WithApp("1", "2")))
	assert.ErrorContains(t, err, "platforms.VK()")
}
