package snskit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// expiringServer answers the fake platform's {"fail"} (classed
// ErrTokenExpired) to every token but "fresh".
func expiringServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
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
