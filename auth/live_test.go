package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestLiveRefreshesOnceForManyCallers(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	var refreshes atomic.Int32
	release := make(chan struct{})
	refresh := func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
		refreshes.Add(1)
		<-release // hold the refresh until every caller is waiting
		return &oauth2.Token{AccessToken: "new-access", Expiry: clk.now().Add(time.Hour)}, nil
	}
	var hooked []string
	var hookMu sync.Mutex
	start := (&oauth2.Token{AccessToken: "old-access", RefreshToken: "rt-1", Expiry: clk.now().Add(time.Minute)}).
		WithExtra(map[string]any{"openid": "OPENID-1"})
	live := NewLive(start, refresh, Clock(clk.now), OnToken(func(t *oauth2.Token) {
		hookMu.Lock()
		hooked = append(hooked, t.AccessToken)
		hookMu.Unlock()
	}))

	tok, err := live.Token()
	require.NoError(t, err)
	assert.Equal(t, "old-access", tok.AccessToken, "a valid token is served as it is")

	clk.advance(2 * time.Minute)
	var wg sync.WaitGroup
	got := make(chan string, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := live.TokenContext(context.Background())
			if assert.NoError(t, err) {
				got <- tok.AccessToken
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the callers pile up behind the refresh
	close(release)
	wg.Wait()
	close(got)
	for a := range got {
		assert.Equal(t, "new-access", a)
	}
	assert.Equal(t, int32(1), refreshes.Load(), "exactly one refresh")
	assert.Equal(t, []string{"new-access"}, hooked)
	cur := live.Current()
	assert.Equal(t, "rt-1", cur.RefreshToken, "a refresh token the platform does not rotate is kept")
	assert.Equal(t, "OPENID-1", cur.Extra("openid"), "extra fields are carried over")
}

func TestLiveRefreshOfStaleToken(t *testing.T) {
	n := 0
	live := NewLive(&oauth2.Token{AccessToken: "a1", RefreshToken: "r"}, func(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
		n++
		return &oauth2.Token{AccessToken: "a" + string(rune('1'+n)), RefreshToken: "r"}, nil
	})
	require.NoError(t, live.Refresh(context.Background(), "a1"))
	assert.Equal(t, "a2", live.Current().AccessToken)
	// A caller still holding a1 must not cause a second refresh.
	require.NoError(t, live.Refresh(context.Background(), "a1"))
	assert.Equal(t, 1, n)
	assert.Equal(t, "a2", live.Current().AccessToken)
}

func TestLiveRefreshFailures(t *testing.T) {
	boom := errors.New("invalid_grant")
	live := NewLive(&oauth2.Token{AccessToken: "a", RefreshToken: "r", Expiry: time.Unix(1, 0)},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) { return nil, boom })
	_, err := live.Token()
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "a", live.Current().AccessToken, "a failed refresh keeps the old token")

	noRefresh := NewLive(&oauth2.Token{AccessToken: "a", Expiry: time.Unix(1, 0)}, nil)
	_, err = noRefresh.Token()
	assert.ErrorContains(t, err, "no refresh token; log in again")

	empty := NewLive(&oauth2.Token{AccessToken: "a", RefreshToken: "r", Expiry: time.Unix(1, 0)},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) { return &oauth2.Token{}, nil })
	_, err = empty.Token()
	assert.ErrorContains(t, err, "empty token")
}

func TestLiveWaiterHonoursContext(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	live := NewLive(&oauth2.Token{AccessToken: "a", RefreshToken: "r", Expiry: time.Unix(1, 0)},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
			<-release
			return &oauth2.Token{AccessToken: "b"}, nil
		})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := live.TokenContext(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestStateAndPKCE(t *testing.T) {
	a, b := NewState(), NewState()
	assert.NotEqual(t, a, b)
	assert.Len(t, a, 43)
	assert.NoError(t, CheckState(a, a))
	assert.ErrorContains(t, CheckState(a, b), "does not match")
	assert.ErrorContains(t, CheckState(a, ""), "no state")
	assert.ErrorContains(t, CheckState("", a), "no state was kept")
	assert.NotContains(t, CheckState(a, b).Error(), a)

	// RFC 7636 appendix B.
	p := PKCE{Verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}
	assert.Equal(t, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", p.Challenge())
	assert.Equal(t, "S256", p.Method())
	assert.Len(t, NewPKCE().Verifier, 43)
}
