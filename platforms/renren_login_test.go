package platforms_test

import (
	"context"
	"net/http"
	"net/url"
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

const (
	renrenLoginSecret   = "renren-app-secret-9f8e7d6c"
	renrenLoginRedirect = "https://example.test/renren/cb"
	// renrenTokenReply is Renren's token answer as its OAuth page shows it.
	renrenTokenReply = `{"access_token":"195789|6.8a2d1e0f.2592000.1700000000-600000001","expires_in":2592000,` +
		`"refresh_token":"195789|0.AbCdEf.600000001","scope":"status_update photo_upload","token_type":"bearer",` +
		`"user":{"id":600000001,"name":"张小沙","avatar":[{"type":"avatar","url":"http://hdn.xnimg.cn/a.jpg"},{"type":"tiny","url":"http://hdn.xnimg.cn/t.jpg"}]}}`
)

var renrenLoginNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// renrenLogin returns a login of platform p routed to s under /rr, on a
// fixed clock.
func renrenLogin(t *testing.T, p snskit.Platform, s *server, scopes ...string) *snskit.Login {
	t.Helper()
	api := newAPI(t, p, s, "/rr", snskit.WithApp("renren-key", renrenLoginSecret),
		snskit.WithClock(func() time.Time { return renrenLoginNow }))
	l, err := api.Login(renrenLoginRedirect, scopes...)
	require.NoError(t, err)
	return l
}

func TestRenrenAuthCodeURL(t *testing.T) {
	for _, p := range []snskit.Platform{platforms.Renren(), platforms.Renren1()} {
		t.Run(p.Name(), func(t *testing.T) {
			s := newServer(t, fixed(`{}`))
			l := renrenLogin(t, p, s, "status_update", "photo_upload")
			raw, err := l.AuthCodeURL("st-1", snskit.AuthParam("x_renew", "true"), snskit.AuthParam("display", "touch"))
			require.NoError(t, err)
			u, err := url.Parse(raw)
			require.NoError(t, err)
			assert.Equal(t, s.URL+"/rr/oauth/authorize", u.Scheme+"://"+u.Host+u.Path, "graph.renren.com's authorize page, routed")
			assert.Equal(t, url.Values{
				"client_id": {"renren-key"}, "redirect_uri": {renrenLoginRedirect}, "response_type": {"code"},
				"scope": {"status_update photo_upload"}, "state": {"st-1"}, "x_renew": {"true"}, "display": {"touch"},
			}, u.Query())
			assert.Contains(t, u.RawQuery, "scope=status_update+photo_upload", "scopes are space-separated")
			assert.NotContains(t, raw, renrenLoginSecret)
			assert.Empty(t, s.requests(), "building the URL sends nothing")

			_, err = l.AuthCodeURL("st", snskit.AuthParam("client_id", "other"))
			assert.ErrorContains(t, err, "client_id is set by the login itself")
			_, err = l.AuthCodeURL("st", snskit.WithPKCE(auth.NewPKCE()))
			assert.ErrorContains(t, err, "does not take PKCE")
		})
	}
}

func TestRenrenExchange(t *testing.T) {
	s := newServer(t, fixed(renrenTokenReply))
	l := renrenLogin(t, platforms.Renren(), s)
	tok, err := l.Exchange(context.Background(), "the-code", snskit.AuthParam("x_renew", "true"))
	require.NoError(t, err)

	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/rr/oauth/token", got.Path)
	assert.Equal(t, url.Values{
		"grant_type": {"authorization_code"}, "code": {"the-code"}, "redirect_uri": {renrenLoginRedirect},
		"client_id": {"renren-key"}, "client_secret": {renrenLoginSecret},
	}, got.Form, "credentials in the form (AuthStyleInParams); x_renew stays on the authorize page")
	assert.Empty(t, got.Header.Get("Authorization"))

	assert.Equal(t, "195789|6.8a2d1e0f.2592000.1700000000-600000001", tok.AccessToken)
	assert.Equal(t, "195789|0.AbCdEf.600000001", tok.RefreshToken)
	assert.Equal(t, renrenLoginNow.Add(2592000*time.Second), tok.Expiry, "expiry by the client's clock")
	assert.Equal(t, "status_update photo_upload", tok.Extra("scope"))
	id, name := platforms.RenrenUser(tok)
	assert.Equal(t, "600000001", id)
	assert.Equal(t, "张小沙", name)
	user, ok := tok.Extra("user").(map[string]any)
	require.True(t, ok, "Renren's user is reachable")
	assert.Len(t, user["avatar"], 2)
}

func TestRenrenRefresh(t *testing.T) {
	s := newServer(t, fixed(strings.Replace(renrenTokenReply, "6.8a2d1e0f", "6.fresh", 1)))
	l := renrenLogin(t, platforms.Renren1(), s)
	old := &oauth2.Token{AccessToken: "old", RefreshToken: "rt-1", Expiry: renrenLoginNow.Add(time.Hour)}
	tok, err := l.Refresh(context.Background(), old)
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/rr/oauth/token", got.Path)
	assert.Equal(t, url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {"rt-1"},
		"client_id": {"renren-key"}, "client_secret": {renrenLoginSecret},
	}, got.Form, "a token still valid by the wall clock is refreshed all the same")
	assert.Contains(t, tok.AccessToken, "6.fresh")
	assert.Equal(t, renrenLoginNow.Add(2592000*time.Second), tok.Expiry)
	id, _ := platforms.RenrenUser(tok)
	assert.Equal(t, "600000001", id)
}

func TestRenrenTokenErrors(t *testing.T) {
	cases := []struct {
		name    string
		refresh bool
		status  int
		ctype   string
		body    string
		code    string
		class   snskit.Class
	}{
		{"used code", false, 400, "", `{"error":"invalid_grant","error_code":20102,"error_description":"authorization code has been used"}`, "invalid_grant", snskit.ErrBadParams},
		{"bad refresh token", true, 400, "", `{"error":"invalid_grant","error_code":20102,"error_description":"invalid refresh token"}`, "invalid_grant", snskit.ErrTokenInvalid},
		{"wrong secret", false, 401, "", `{"error":"invalid_client","error_code":20101,"error_description":"invalid client_id or client_secret"}`, "invalid_client", snskit.ErrBadParams},
		{"wrong secret on refresh", true, 401, "", `{"error":"invalid_client","error_code":20101,"error_description":"bad client"}`, "invalid_client", snskit.ErrBadParams},
		{"redirect mismatch", false, 400, "", `{"error":"redirect_uri_mismatch","error_code":20104,"error_description":"redirect_uri differs"}`, "redirect_uri_mismatch", snskit.ErrBadParams},
		{"unauthorized app", false, 400, "", `{"error":"unauthorized_client","error_code":20103,"error_description":"app blocked"}`, "unauthorized_client", snskit.ErrPermission},
		{"gateway page", false, 502, "text/html", `<html><body>502 Bad Gateway</body></html>`, "http 502", snskit.ErrServer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return reply{Status: c.status, ContentType: c.ctype, Body: c.body} })
			l := renrenLogin(t, platforms.Renren(), s)
			var err error
			if c.refresh {
				_, err = l.Refresh(context.Background(), &oauth2.Token{RefreshToken: "rt"})
			} else {
				_, err = l.Exchange(context.Background(), "code")
			}
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "renren", e.Platform)
			assert.Equal(t, "oauth/token", e.Method)
			assert.Equal(t, c.code, e.Code)
			assert.Equal(t, c.status, e.HTTPStatus)
			assert.ErrorIs(t, err, c.class)
			assert.NotContains(t, err.Error(), renrenLoginSecret)
			if c.status < 500 {
				assert.NotEmpty(t, e.Message)
				assert.True(t, e.Detail.Get("error_code").Exists(), "the whole answer is in Detail")
			}
		})
	}
}

func TestRenrenUserWithoutUser(t *testing.T) {
	id, name := platforms.RenrenUser(&oauth2.Token{AccessToken: "x"})
	assert.Empty(t, id)
	assert.Empty(t, name)
	id, _ = platforms.RenrenUser((&oauth2.Token{}).WithExtra(map[string]any{"user": map[string]any{"id": "42"}}))
	assert.Equal(t, "42", id)
	id, _ = platforms.RenrenUser(nil)
	assert.Empty(t, id)
}

func TestRenrenSessionKey(t *testing.T) {
	const tok = "195789|6.8a2d1e0f.2592000.1700000000-600000001"
	s := newServer(t, func(r seen) reply {
		switch r.Query.Get("oauth_token") {
		case tok:
			return reply{Body: `{"renren_token":{"session_secret":"9a8b7c","expires_in":86400,"session_key":"6.sk.86400-600000001"},"user":{"id":600000001}}`}
		case "expired-token-000":
			return reply{Status: 401, Body: `{"error":"expired_token","error_code":20201,"error_description":"oauth_token has expired"}`}
		}
		return reply{Status: 401, Body: `{"error":"invalid_token","error_code":20200,"error_description":"invalid oauth_token"}`}
	})
	api := newAPI(t, platforms.Renren1(), s, "/rr", snskit.WithApp("renren-key", renrenLoginSecret))
	sk, err := platforms.RenrenSessionKey(context.Background(), api, tok)
	require.NoError(t, err)
	assert.Equal(t, "6.sk.86400-600000001", sk.Key)
	got := s.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/rr/renren_api/session_key", got.Path)
	assert.Equal(t, url.Values{"oauth_token": {tok}}, got.Query)

	_, err = platforms.RenrenSessionKey(context.Background(), api, "expired-token-000")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "expired_token", e.Code)
	assert.Equal(t, "renren1", e.Platform)
	assert.Equal(t, "renren_api/session_key", e.Method)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)

	_, err = platforms.RenrenSessionKey(context.Background(), api, "unknown-token-000")
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotErrorIs(t, err, snskit.ErrTokenExpired)
	assert.NotContains(t, err.Error(), "unknown-token-000")

	v2 := newAPI(t, platforms.Renren(), s, "/rr", snskit.WithApp("renren-key", renrenLoginSecret))
	_, err = platforms.RenrenSessionKey(context.Background(), v2, tok)
	assert.NoError(t, err, "API 2.0 clients work too")

	n := len(s.requests())
	_, err = platforms.RenrenSessionKey(context.Background(), newAPI(t, platforms.QQ(), s, "/rr", snskit.WithApp("a", "b")), tok)
	assert.ErrorContains(t, err, "use a platforms.Renren or platforms.Renren1 client")
	_, err = platforms.RenrenSessionKey(context.Background(), api, "")
	assert.ErrorContains(t, err, "empty access token")
	assert.Len(t, s.requests(), n, "refused before sending")
	_, err = platforms.RenrenSessionKey(context.Background(), newAPI(t, platforms.Renren1(), s, "/rr"), tok)
	assert.NoError(t, err, "the exchange needs no app credentials")

	bad := newServer(t, fixed(`{"renren_token":{}}`))
	_, err = platforms.RenrenSessionKey(context.Background(), newAPI(t, platforms.Renren1(), bad, "/rr", snskit.WithApp("k", "s")), tok)
	var re *snskit.ReplyError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Reason, "no renren_token.session_key")
}
