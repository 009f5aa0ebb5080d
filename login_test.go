package snskit_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// expiringServer answers the fake platform's {"fail"} (classed
// ErrTokenExpired) to every token but "fresh".
func expiringServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Query().Get("token") != "fresh" {
			_, _ = io.WriteString(w, `{"fail":42001,"msg":"access_token expired"}`)
			return
		}
		_, _ = io.WriteString(w, `{"ok":"served"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestExpiredTokenIsRefreshedAndCallRetriedOnce(t *testing.T) {
	srv, hits := expiringServer(t)
	var refreshes atomic.Int32
	var persisted []string
	var mu sync.Mutex
	live := auth.NewLive(&oauth2.Token{AccessToken: "stale", RefreshToken: "rt"},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
			refreshes.Add(1)
			return &oauth2.Token{AccessToken: "fresh"}, nil
		},
		auth.OnToken(func(t *oauth2.Token) { mu.Lock(); persisted = append(persisted, t.AccessToken); mu.Unlock() }))
	api, err := snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.TokenSource(live)))
	require.NoError(t, err)

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := api.Method("x.get").Do(nil)
			if assert.NoError(t, err) {
				assert.Equal(t, "served", res.String())
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), refreshes.Load(), "many callers, one refresh")
	assert.Equal(t, []string{"fresh"}, persisted, "the new token reached the hook")
	assert.LessOrEqual(t, hits.Load(), int32(40), "each call is sent at most twice")
}

func TestExpiredTokenWithoutRefreshIsReturned(t *testing.T) {
	srv, hits := expiringServer(t)
	// A static token cannot be refreshed: the error comes back after one try.
	_, err := fakeAPI(t, srv.URL).Method("x.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.Equal(t, int32(1), hits.Load())

	// A refresh that fails is reported beside the platform's error.
	hits.Store(0)
	boom := errors.New("refresh token revoked")
	live := auth.NewLive(&oauth2.Token{AccessToken: "stale", RefreshToken: "rt"},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) { return nil, boom })
	api, _ := snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.TokenSource(live)))
	_, err = api.Method("x.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "refreshing the token failed")
	assert.Equal(t, int32(1), hits.Load())

	// An upload is not resent: its reader is spent.
	hits.Store(0)
	ok := auth.NewLive(&oauth2.Token{AccessToken: "stale", RefreshToken: "rt"},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: "fresh"}, nil
		})
	api, _ = snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.TokenSource(ok)))
	_, err = api.Method("x.upload").Do(snskit.Params{"f": snskit.Upload("a.txt", strings.NewReader("x"))})
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.Equal(t, int32(1), hits.Load())
}

func TestAPIWithDerivesAClient(t *testing.T) {
	srv, _ := fakeServer(t, `{"ok":1}`)
	base, err := snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithParams(snskit.Params{"lang": "en"}))
	require.NoError(t, err)
	_, err = base.Method("x.get").Do(nil)
	assert.ErrorContains(t, err, "needs a credential")
	withTok, err := base.With(snskit.WithAuth(auth.Token(secretToken)))
	require.NoError(t, err)
	_, err = withTok.Method("x.get").Do(nil)
	assert.NoError(t, err)
	_, err = base.Method("x.get").Do(nil)
	assert.Error(t, err, "the original client is unchanged")
	_, err = base.With(snskit.WithAuth(nil))
	assert.Error(t, err)
}

func TestLoginNeedsAuthorizerAndApp(t *testing.T) {
	api, _ := snskit.New(fake{}, snskit.WithApp("id", "secret"))
	_, err := api.Login("https://example.com/cb")
	assert.ErrorContains(t, err, "has no OAuth 2.0 login")
}

// fakeAuthz is the fake platform with a standard OAuth 2.0 login through
// golang.org/x/oauth2.
type fakeAuthz struct{ fake }

func (fakeAuthz) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	cfg, err := l.OAuth2Config("https://auth.example.com/authorize", "https://auth.example.com/token", oauth2.AuthStyleInParams)
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state), nil
}

func (fakeAuthz) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	cfg, err := l.OAuth2Config("https://auth.example.com/authorize", "https://auth.example.com/token", oauth2.AuthStyleInParams)
	if err != nil {
		return nil, err
	}
	tok, err := cfg.Exchange(l.OAuth2Context(ctx), code)
	if err != nil {
		return nil, l.TokenError("oauth2.exchange", err, func(string) snskit.Class { return snskit.ErrBadParams })
	}
	return tok, nil
}

func (fakeAuthz) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	return nil, errors.New("not used")
}

func TestLoginThroughXOAuth2UsesClientSettings(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		require.NoError(t, r.ParseForm())
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("code") != "good" {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"code app-secret-123456 is bad"}`)
			return
		}
		_, _ = io.WriteString(w, `{"access_token":"at-1","token_type":"bearer","expires_in":3600,"openid":"O1"}`)
	}))
	defer srv.Close()
	fixed := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var logs bytes.Buffer
	api, err := snskit.New(fakeAuthz{}, snskit.WithBaseURL(srv.URL), snskit.WithApp("app", "app-secret-123456"),
		snskit.WithClock(func() time.Time { return fixed }), snskit.WithUserAgent("test-agent/1"),
		snskit.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	login, err := api.Login("https://app.example.com/cb", "a", "b")
	require.NoError(t, err)

	u, err := login.AuthCodeURL("st")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(u, srv.URL+"/authorize?"), "the authorize URL follows the base URL: %s", u)
	_, err = login.AuthCodeURL("")
	assert.ErrorContains(t, err, "auth.NewState")

	tok, err := login.Exchange(context.Background(), "good")
	require.NoError(t, err)
	assert.Equal(t, "at-1", tok.AccessToken)
	assert.Equal(t, fixed.Add(time.Hour), tok.Expiry, "expiry by the client's clock")
	assert.Equal(t, "O1", tok.Extra("openid"))
	assert.Equal(t, "test-agent/1", ua)
	assert.Contains(t, logs.String(), "method=oauth2")

	_, err = login.Exchange(context.Background(), "bad")
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_grant", e.Code)
	assert.Equal(t, 400, e.HTTPStatus)
	assert.NotContains(t, e.Error(), "app-secret-123456")
	_, err = login.Exchange(context.Background(), "")
	assert.ErrorContains(t, err, "no code")
	assert.NotContains(t, logs.String(), "app-secret-123456")
}

func TestExpiredTokenIsRetriedExactlyOnce(t *testing.T) {
	// A platform that keeps answering "expired" gets one refresh and one
	// resend, not a loop.
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, `{"fail":42001,"msg":"access_token expired"}`)
	}))
	defer srv.Close()
	var refreshes atomic.Int32
	n := 0
	live := auth.NewLive(&oauth2.Token{AccessToken: "t0", RefreshToken: "rt"},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
			refreshes.Add(1)
			n++
			return &oauth2.Token{AccessToken: "t" + string(rune('0'+n))}, nil
		})
	api, _ := snskit.New(fake{}, snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.TokenSource(live)))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := api.Method("x.get").DoContext(ctx, nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.Equal(t, int32(2), hits.Load(), "the call and one resend")
	assert.Equal(t, int32(1), refreshes.Load())
}
