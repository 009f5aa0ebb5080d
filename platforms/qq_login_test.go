package platforms_test

import (
	"context"
	"net/http"
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
	qqLoginRedirect = "https://example.test/qq/cb"
	qqLoginToken    = "FE04************************CCE2"
	qqLoginRefresh  = "88E4************************BE14"
	// qqTokenValues is the token endpoint's default answer, urlencoded and
	// served as text/html, as QQ's page shows it.
	qqTokenValues = "access_token=FE04************************CCE2&expires_in=7776000&refresh_token=88E4************************BE14"
)

var qqLoginNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// qqLoginServer answers /oauth2.0/token with token and /oauth2.0/me in JSONP
// (with a unionid when asked).
func qqLoginServer(t *testing.T, token reply) *server {
	t.Helper()
	return newServer(t, func(r seen) reply {
		if r.Path == "/qq/oauth2.0/me" {
			body := `{"client_id":"` + qqAppID + `","openid":"` + qqOpenIDOf(r.Query.Get("access_token")) + `"`
			if r.Query.Get("unionid") == "1" {
				body += `,"unionid":"UID_` + r.Query.Get("access_token") + `"`
			}
			return reply{ContentType: "text/html", Body: "callback( " + body + "} );\n"}
		}
		if token.ContentType == "" {
			token.ContentType = "text/html"
		}
		return token
	})
}

// qqLogin returns a QQ login routed to s under /qq, on a fixed clock, and
// the recorder of its raw queries.
func qqLogin(t *testing.T, s *server, scopes ...string) (*snskit.Login, *tencentRaw) {
	t.Helper()
	raw := &tencentRaw{}
	api := newAPI(t, platforms.QQ(), s, "/qq", snskit.WithApp(qqAppID, qqAppKey),
		snskit.WithClock(func() time.Time { return qqLoginNow }), snskit.WithHTTPClient(&http.Client{Transport: raw}))
	l, err := api.Login(qqLoginRedirect, scopes...)
	require.NoError(t, err)
	return l, raw
}

func TestQQAuthCodeURL(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	l, _ := qqLogin(t, s, "get_user_info", "list_album,upload_pic")
	got, err := l.AuthCodeURL("st-1", snskit.AuthParam("display", "mobile"))
	require.NoError(t, err)
	assert.Equal(t, s.URL+"/qq/oauth2.0/authorize?response_type=code&client_id="+qqAppID+
		"&redirect_uri=https%3A%2F%2Fexample.test%2Fqq%2Fcb&state=st-1&scope=get_user_info,list_album,upload_pic&display=mobile", got,
		"the documented order, scopes comma-separated")

	l, _ = qqLogin(t, s)
	got, err = l.AuthCodeURL("st-2")
	require.NoError(t, err)
	u, err := url.Parse(got)
	require.NoError(t, err)
	assert.False(t, u.Query().Has("scope"), "no scope asked: QQ grants get_user_info")

	_, err = l.AuthCodeURL("st", snskit.AuthParam("redirect_uri", "https://evil.test/"))
	assert.ErrorContains(t, err, "redirect_uri is set by the login itself")
	_, err = l.AuthCodeURL("st", snskit.WithPKCE(auth.NewPKCE()))
	assert.ErrorContains(t, err, "does not take PKCE")
	assert.Empty(t, s.requests())
}

func TestQQExchangeURLEncoded(t *testing.T) {
	s := qqLoginServer(t, reply{Body: qqTokenValues})
	l, raw := qqLogin(t, s)
	tok, err := l.Exchange(context.Background(), "CODE-1", snskit.AuthParam("display", "mobile"))
	require.NoError(t, err)

	rs := s.requests()
	require.Len(t, rs, 2, "the token, then one openid lookup")
	assert.Equal(t, http.MethodGet, rs[0].Method)
	assert.Equal(t, "/qq/oauth2.0/token", rs[0].Path)
	assert.Equal(t, "/qq/oauth2.0/me", rs[1].Path)
	assert.Equal(t, url.Values{"access_token": {qqLoginToken}}, rs[1].Query)
	raw.mu.Lock()
	assert.Equal(t, "grant_type=authorization_code&client_id="+qqAppID+"&client_secret="+qqAppKey+
		"&code=CODE-1&redirect_uri=https%3A%2F%2Fexample.test%2Fqq%2Fcb", raw.queries[0], "the documented order; display stays on the authorize page")
	raw.mu.Unlock()

	assert.Equal(t, qqLoginToken, tok.AccessToken)
	assert.Equal(t, qqLoginRefresh, tok.RefreshToken)
	assert.Equal(t, qqLoginNow.Add(7776000*time.Second), tok.Expiry)
	assert.Equal(t, qqOpenIDOf(qqLoginToken), tok.Extra("openid"))
	assert.Nil(t, tok.Extra("unionid"))
	assert.Equal(t, "7776000", tok.Extra("expires_in"), "every field stays reachable")
}

func TestQQExchangeJSONAndUnionID(t *testing.T) {
	s := qqLoginServer(t, reply{ContentType: "text/html",
		Body: `{"access_token":"` + qqLoginToken + `","expires_in":"7776000","refresh_token":"` + qqLoginRefresh + `"}`})
	l, _ := qqLogin(t, s)
	tok, err := l.Exchange(context.Background(), "CODE-2", snskit.AuthParam("fmt", "json"), snskit.AuthParam("unionid", "1"))
	require.NoError(t, err)
	rs := s.requests()
	require.Len(t, rs, 2)
	assert.Equal(t, "json", rs[0].Query.Get("fmt"), "fmt goes to the token endpoint")
	assert.False(t, rs[0].Query.Has("unionid"), "unionid goes to /me")
	assert.Equal(t, "1", rs[1].Query.Get("unionid"))
	assert.Equal(t, qqLoginNow.Add(7776000*time.Second), tok.Expiry, "a quoted expires_in")
	assert.Equal(t, qqOpenIDOf(qqLoginToken), tok.Extra("openid"))
	assert.Equal(t, "UID_"+qqLoginToken, tok.Extra("unionid"))
}

func TestQQExchangeWithOpenIDSkipsMe(t *testing.T) {
	s := qqLoginServer(t, reply{Body: qqTokenValues + "&openid=OPENID-SENT"})
	l, _ := qqLogin(t, s)
	tok, err := l.Exchange(context.Background(), "CODE-3", snskit.AuthParam("need_openid", "1"))
	require.NoError(t, err)
	require.Len(t, s.requests(), 1, "QQ sent the openid: no lookup")
	assert.Equal(t, "1", s.last(t).Query.Get("need_openid"))
	assert.Equal(t, "OPENID-SENT", tok.Extra("openid"))
}

func TestQQRefresh(t *testing.T) {
	s := qqLoginServer(t, reply{Body: "access_token=NEW0&expires_in=7776000&refresh_token=NEWR"})
	l, raw := qqLogin(t, s)
	old := (&oauth2.Token{AccessToken: "OLD", RefreshToken: qqLoginRefresh}).WithExtra(map[string]any{"openid": "OPENID-OLD", "unionid": "UNION-OLD"})
	tok, err := l.Refresh(context.Background(), old)
	require.NoError(t, err)
	require.Len(t, s.requests(), 1, "the openid is kept, not looked up")
	assert.Equal(t, "/qq/oauth2.0/token", s.last(t).Path)
	assert.Equal(t, "grant_type=refresh_token&client_id="+qqAppID+"&client_secret="+qqAppKey+"&refresh_token="+url.QueryEscape(qqLoginRefresh), raw.last(t))
	assert.Equal(t, "NEW0", tok.AccessToken)
	assert.Equal(t, "NEWR", tok.RefreshToken)
	assert.Equal(t, "OPENID-OLD", tok.Extra("openid"))
	assert.Equal(t, "UNION-OLD", tok.Extra("unionid"))
}

func TestQQTokenErrors(t *testing.T) {
	cases := []struct {
		name    string
		refresh bool
		body    string
		code    string
		class   snskit.Class
	}{
		{"code reused, JSONP", false, `callback( {"error":100020,"error_description":"code is reused error"} );` + "\n", "100020", snskit.ErrBadParams},
		{"code refused, JSONP", false, `callback( {"error":100019,"error_description":"code to access token error"} );`, "100019", snskit.ErrBadParams},
		{"wrong secret, JSON (fmt=json)", false, `{"error":100009,"error_description":"client secret is illegal"}`, "100009", snskit.ErrBadParams},
		{"refresh check failed", true, `callback( {"error":100016,"error_description":"refresh token check failed"} );`, "100016", snskit.ErrTokenInvalid},
		{"urlencoded error", false, `error=100010&error_description=redirect+uri+is+illegal`, "100010", snskit.ErrBadParams},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := qqLoginServer(t, reply{Body: c.body})
			l, _ := qqLogin(t, s)
			var err error
			if c.refresh {
				_, err = l.Refresh(context.Background(), &oauth2.Token{RefreshToken: "RT-SECRET-VALUE"})
			} else {
				_, err = l.Exchange(context.Background(), "CODE-SECRET-VALUE")
			}
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "qq", e.Platform)
			assert.Equal(t, "oauth2.0/token", e.Method)
			assert.Equal(t, c.code, e.Code)
			assert.NotEmpty(t, e.Message)
			assert.ErrorIs(t, err, c.class)
			assert.Len(t, s.requests(), 1, "no openid lookup after a failed exchange")
			for _, secret := range []string{qqAppKey, "RT-SECRET-VALUE", "CODE-SECRET-VALUE"} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestQQTokenBadReplies(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"error page", `<!DOCTYPE html><html><body>很抱歉！出现错误</body></html>`, "HTML"},
		{"no token", `expires_in=7776000`, "no access_token"},
		{"bad expiry", `access_token=SECRET_ACCESS_TOKEN_1&expires_in=soon`, "expires_in"},
		{"cut off JSON", `{"access_token":"SECRET_ACCESS_TOKEN_1","expires_in":"77`, "not complete JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := qqLoginServer(t, reply{Body: c.body})
			l, _ := qqLogin(t, s)
			_, err := l.Exchange(context.Background(), "c")
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "SECRET_ACCESS_TOKEN_1")
		})
	}
}

func TestQQExchangeKeepsTokenWhenMeFails(t *testing.T) {
	s := newServer(t, func(r seen) reply {
		if r.Path == "/qq/oauth2.0/me" {
			return reply{ContentType: "text/html", Body: `callback( {"error":100016,"error_description":"access token check failed"} );`}
		}
		return reply{ContentType: "text/html", Body: qqTokenValues}
	})
	l, _ := qqLogin(t, s)
	tok, err := l.Exchange(context.Background(), "CODE-4")
	require.NotNil(t, tok, "the code is spent: the token is not lost")
	assert.Equal(t, qqLoginToken, tok.AccessToken)
	assert.ErrorContains(t, err, "keep the token")
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), qqLoginToken)
}

func TestQQOpenID(t *testing.T) {
	s := qqLoginServer(t, reply{})
	api := newAPI(t, platforms.QQ(), s, "/qq", snskit.WithApp(qqAppID, qqAppKey))
	openid, unionid, err := platforms.QQOpenID(context.Background(), api, "TOKEN-ELSEWHERE")
	require.NoError(t, err)
	assert.Equal(t, qqOpenIDOf("TOKEN-ELSEWHERE"), openid)
	assert.Equal(t, "UID_TOKEN-ELSEWHERE", unionid)
	got := s.last(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/qq/oauth2.0/me", got.Path)
	assert.Equal(t, url.Values{"access_token": {"TOKEN-ELSEWHERE"}, "unionid": {"1"}}, got.Query)

	bad := newServer(t, fixed(`callback( {"error":100014,"error_description":"access token is expired"} );`))
	_, _, err = platforms.QQOpenID(context.Background(), newAPI(t, platforms.QQ(), bad, "/qq", snskit.WithApp(qqAppID, qqAppKey)), "EXPIRED-TOKEN-0")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "100014", e.Code)
	assert.Equal(t, "oauth2.0/me", e.Method)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.NotContains(t, err.Error(), "EXPIRED-TOKEN-0")

	n := len(s.requests())
	_, _, err = platforms.QQOpenID(context.Background(), newAPI(t, platforms.Weixin(), s, "/qq", snskit.WithApp("a", "b")), "T")
	assert.ErrorContains(t, err, "use a platforms.QQ client")
	_, _, err = platforms.QQOpenID(context.Background(), api, "")
	assert.ErrorContains(t, err, "empty access token")
	assert.Len(t, s.requests(), n)
}
