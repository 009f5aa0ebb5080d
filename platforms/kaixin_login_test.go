package platforms_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const kaixinLoginCB = "https://example.test/kaixin/cb"

var kaixinLoginNow = time.Unix(1309861543, 0)

func kaixinLoginAPI(t *testing.T, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	return kaixinAPI(t, s, append([]snskit.Option{snskit.WithApp("ck", "cs-app-secret"),
		snskit.WithClock(func() time.Time { return kaixinLoginNow })}, opts...)...)
}

// kaixinOAuth1Server plays Kaixin's three OAuth 1.0a endpoints and friends/me,
// checking every signature as a server would (kaixinSignature).
func kaixinOAuth1Server(t *testing.T) *server {
	t.Helper()
	var s *server
	s = newServer(t, func(r seen) reply {
		tokenSecret := ""
		switch r.Path {
		case "/kx/oauth/access_token":
			tokenSecret = "rsecret"
		case "/kx/friends/me.json":
			tokenSecret = "asecret"
		}
		sent, want := kaixinSignature(r, s.URL+r.Path, "cs-app-secret", tokenSecret)
		if sent != want {
			return reply{Status: 401, Body: `{"error_code":40104,"error":"invalid signature","request":"` + r.Path + `"}`}
		}
		switch r.Path {
		case "/kx/oauth/request_token":
			return reply{ContentType: "application/x-www-form-urlencoded", Body: "oauth_token=rtok&oauth_token_secret=rsecret&oauth_callback_confirmed=true"}
		case "/kx/oauth/access_token":
			return reply{ContentType: "application/x-www-form-urlencoded", Body: "oauth_token=46765_1_atok&oauth_token_secret=asecret"}
		}
		return reply{Body: kaixinFriends}
	})
	return s
}

func TestKaixinOAuth1Flow(t *testing.T) {
	s := kaixinOAuth1Server(t)
	api := kaixinLoginAPI(t, s)
	flow, err := platforms.KaixinOAuth1(api, kaixinLoginCB, "basic", "friends_intro")
	require.NoError(t, err)
	assert.Equal(t, s.URL+"/kx/oauth/request_token", flow.RequestTokenURL)
	assert.Equal(t, s.URL+"/kx/oauth/access_token", flow.AccessTokenURL)
	flow.Nonce = func() string { return "n0nce" }

	tok, secret, err := flow.RequestToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "rtok", tok)
	assert.Equal(t, "rsecret", secret)
	r := s.last(t)
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "basic friends_intro", r.Form.Get("scope"))
	h := oauthParams(t, r.Header.Get("Authorization"))
	assert.Equal(t, kaixinLoginCB, h.Get("oauth_callback"))
	assert.Equal(t, "ck", h.Get("oauth_consumer_key"))
	assert.Equal(t, "n0nce", h.Get("oauth_nonce"))
	assert.Equal(t, strconv.FormatInt(kaixinLoginNow.Unix(), 10), h.Get("oauth_timestamp"), "the client's clock")
	// The signature, recomputed apart from the client with crypto/hmac.
	base := "POST&" + kaixinEnc(s.URL+"/kx/oauth/request_token") + "&" + kaixinEnc(
		"oauth_callback="+kaixinEnc(kaixinLoginCB)+"&oauth_consumer_key=ck&oauth_nonce=n0nce"+
			"&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1309861543&oauth_version=1.0&scope=basic%20friends_intro")
	assert.Equal(t, kaixinHMAC(base, "cs-app-secret", ""), h.Get("oauth_signature"))

	u, err := flow.AuthorizationURL(tok)
	require.NoError(t, err)
	assert.Equal(t, s.URL+"/kx/oauth/authorize?oauth_token=rtok", u)

	cred, err := flow.AccessToken(context.Background(), tok, secret, "v3rif")
	require.NoError(t, err)
	assert.Equal(t, "v3rif", oauthParams(t, s.last(t).Header.Get("Authorization")).Get("oauth_verifier"))
	assert.Equal(t, auth.OAuth1Token("ck", "cs-app-secret", "46765_1_atok", "asecret"), cred)

	user, err := api.With(snskit.WithAuth(cred))
	require.NoError(t, err)
	res, err := user.Method("friends.me").Do(snskit.Params{"num": 2})
	require.NoError(t, err, "friends.me signed with the new token")
	assert.Equal(t, "2", res.Get("total").String())
	assert.Equal(t, "46765_1_atok", s.last(t).Query.Get("oauth_token"))
}

// oauthParams parses an "Authorization: OAuth" header.
func oauthParams(t *testing.T, h string) url.Values {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "OAuth ")
	require.True(t, ok, h)
	v := url.Values{}
	for _, part := range strings.Split(rest, ", ") {
		k, val, _ := strings.Cut(part, "=")
		val, err := url.PathUnescape(strings.Trim(val, `"`))
		require.NoError(t, err)
		v.Set(k, val)
	}
	return v
}

func TestKaixinOAuth1Errors(t *testing.T) {
	s := newServer(t, func(seen) reply {
		return reply{Status: 401, Body: `{"error_code":40102,"error":"invalid or used request token rtok-request-token","request":"/oauth/access_token"}`}
	})
	flow, err := platforms.KaixinOAuth1(kaixinLoginAPI(t, s), "")
	require.NoError(t, err)
	_, err = flow.AccessToken(context.Background(), "rtok-request-token", "rsecret", "v3rif")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "40102", e.Code)
	assert.Equal(t, "oauth1 access token", e.Method)
	assert.Equal(t, 401, e.HTTPStatus)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), "rtok-request-token")

	_, _, err = flow.RequestToken(context.Background())
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "oauth1 request token", e.Method)
	assert.Equal(t, "oob", oauthParams(t, s.last(t).Header.Get("Authorization")).Get("oauth_callback"))
	assert.False(t, s.last(t).Form.Has("scope"), "no scope asked, none sent")

	_, err = platforms.KaixinOAuth1(kaixinAPI(t, s), kaixinLoginCB)
	assert.ErrorContains(t, err, "WithApp")
	_, err = platforms.KaixinOAuth1(kaixinAPI(t, s, snskit.WithApp("ck", "")), kaixinLoginCB)
	assert.ErrorContains(t, err, "secret")
	_, err = platforms.KaixinOAuth1(newAPI(t, platforms.VK(), s, "/vk", snskit.WithApp("1", "2")), kaixinLoginCB)
	assert.ErrorContains(t, err, "platforms.Kaixin()")
}

func TestKaixinOAuth2AuthCodeURL(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	login, err := kaixinLoginAPI(t, s).Login(kaixinLoginCB, "basic", "user_records")
	require.NoError(t, err)
	raw, err := login.AuthCodeURL("st", snskit.AuthParam("display", "popup"))
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, "/kx/oauth2/authorize", u.Path)
	assert.Equal(t, url.Values{"client_id": {"ck"}, "response_type": {"code"}, "redirect_uri": {kaixinLoginCB},
		"scope": {"basic user_records"}, "state": {"st"}, "display": {"popup"}}, u.Query())
	_, err = login.AuthCodeURL("st", snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "PKCE")
	_, err = login.Exchange(context.Background(), "c", snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "PKCE")
	assert.Empty(t, s.requests())
}

func TestKaixinOAuth2ExchangeAndRefresh(t *testing.T) {
	s := newServer(t, func(r seen) reply {
		switch {
		case r.Form.Get("code") == "used" || r.Form.Get("refresh_token") == "dead":
			return reply{Status: 400, Body: `{"error":"invalid_grant","error_description":"code has already been used"}`}
		case r.Form.Get("client_secret") != "cs-app-secret":
			return reply{Status: 401, Body: `{"error":"invalid_client","error_description":"wrong client_secret"}`}
		case r.Form.Get("grant_type") == "refresh_token":
			return reply{Body: `{"access_token":"1.kx-refreshed","expires_in":2592000,"refresh_token":"1.kx-refresh-2","scope":"basic"}`}
		}
		return reply{Body: `{"access_token":"1.kx-access","expires_in":2592000,"refresh_token":"1.kx-refresh","scope":"basic"}`}
	})
	login, err := kaixinLoginAPI(t, s).Login(kaixinLoginCB, "basic")
	require.NoError(t, err)
	tok, err := login.Exchange(context.Background(), "c0de")
	require.NoError(t, err)
	assert.Equal(t, "1.kx-access", tok.AccessToken)
	assert.Equal(t, "1.kx-refresh", tok.RefreshToken)
	assert.Equal(t, kaixinLoginNow.Add(30*24*time.Hour), tok.Expiry, "by the client's clock")
	assert.Equal(t, "basic", tok.Extra("scope"))
	r := s.last(t)
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/kx/oauth2/access_token", r.Path)
	assert.Equal(t, url.Values{"grant_type": {"authorization_code"}, "code": {"c0de"}, "redirect_uri": {kaixinLoginCB},
		"client_id": {"ck"}, "client_secret": {"cs-app-secret"}}, r.Form)

	tok, err = login.Refresh(context.Background(), tok)
	require.NoError(t, err)
	assert.Equal(t, "1.kx-refreshed", tok.AccessToken)
	assert.Equal(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"1.kx-refresh"},
		"client_id": {"ck"}, "client_secret": {"cs-app-secret"}}, s.last(t).Form)

	_, err = login.Exchange(context.Background(), "used")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_grant", e.Code)
	assert.Equal(t, 400, e.HTTPStatus)
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	_, err = login.Refresh(context.Background(), &oauth2.Token{RefreshToken: "dead"})
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid, "a dead refresh token: log in again")
	assert.NotErrorIs(t, err, snskit.ErrBadParams)

	wrong, err := kaixinAPI(t, s, snskit.WithApp("ck", "wrong-secret-000")).Login(kaixinLoginCB)
	require.NoError(t, err)
	_, err = wrong.Exchange(context.Background(), "c0de")
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), "wrong-secret-000")
}
