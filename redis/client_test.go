package redis_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/redis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// hourly is a budget whose second slot is an hour away.
var hourly = snskit.Limit{Rate: 1, Period: time.Hour, Burst: 1}

func TestBudgetsAreSharedAndKeyedByHash(t *testing.T) {
	rs := startRedis(t)
	a, b := openClient(t, rs), openClient(t, rs) // two processes' clients
	ctx := context.Background()
	key := driver.BudgetKey("vk", "vk1.a.the-secret-token-0123")
	require.NoError(t, a.Wait(ctx, key, hourly))
	require.NoError(t, b.Wait(ctx, driver.BudgetKey("vk", "vk1.a.another-token-0123"), hourly), "another token, another budget")

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := b.Wait(short, key, hourly)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the other client spent this budget")
	assert.ErrorIs(t, err, short.Err())

	rdb := goredis.NewClient(&goredis.Options{Network: "unix", Addr: rs.Socket})
	defer rdb.Close()
	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 2)
	for _, k := range keys {
		assert.Contains(t, k, redis.DefaultPrefix+"budget:") // redis_rate adds its "rate:"
		assert.NotContains(t, k, "secret")
		assert.NotContains(t, k, key, "the budget key is hashed again")
	}
}

func TestBudgetWaitReturnsWhenCancelled(t *testing.T) {
	rs := startRedis(t)
	c := openClient(t, rs)
	require.NoError(t, c.Wait(context.Background(), "k", hourly))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Wait(ctx, "k", hourly) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait went on after its context was cancelled")
	}
	assert.ErrorContains(t, c.Wait(context.Background(), "k", snskit.Limit{}), "want a positive Rate and Period")
}

func TestStoreKeepsTokens(t *testing.T) {
	rs := startRedis(t)
	c := openClient(t, rs)
	ctx := context.Background()
	_, err := c.Load(ctx, "vk")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	assert.ErrorIs(t, c.Delete(ctx, "vk"), auth.ErrNotFound)

	s := &auth.Saved{Platform: "vk", AccessToken: "vk1.a.stored-token-0123", Expiry: time.Now().Add(time.Hour).UTC().Truncate(time.Second)}
	require.NoError(t, c.Save(ctx, "vk", s))
	require.NoError(t, c.Save(ctx, "weixin@http://127.0.0.1:9/weixin", &auth.Saved{Platform: "weixin", AccessToken: "wx-token"}))
	got, err := c.Load(ctx, "vk")
	require.NoError(t, err)
	assert.Equal(t, s.AccessToken, got.AccessToken)
	assert.True(t, s.Expiry.Equal(got.Expiry))
	keys, err := c.Keys(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"vk", "weixin@http://127.0.0.1:9/weixin"}, keys)
	require.NoError(t, c.Delete(ctx, "vk"))
	_, err = c.Load(ctx, "vk")
	assert.ErrorIs(t, err, auth.ErrNotFound)
	var _ auth.Store = c
	var _ snskit.Limiter = c
}

// counter is a refresh function that counts its calls and answers
// "<prefix>-<n>" tokens after a pause.
type counter struct {
	n     atomic.Int32
	pause time.Duration
}

func (r *counter) refresh(_ context.Context, t *oauth2.Token) (*oauth2.Token, error) {
	n := r.n.Add(1)
	time.Sleep(r.pause) // a slow token endpoint, deaf to the context
	return &oauth2.Token{AccessToken: "fresh-" + string(rune('0'+n)), Expiry: time.Now().Add(time.Hour)}, nil
}

func seedToken(t *testing.T, c *redis.Client, key, tok string, expiry time.Time) {
	t.Helper()
	require.NoError(t, c.Save(context.Background(), key, &auth.Saved{Platform: "weixin", AccessToken: tok,
		RefreshToken: "refresh-0123456789", OpenID: "o1", Expiry: expiry}))
}

func TestOneRefreshAcrossSources(t *testing.T) {
	rs := startRedis(t)
	seed := openClient(t, rs)
	seedToken(t, seed, "weixin", "old-token", time.Now().Add(-time.Minute))
	r := &counter{pause: 100 * time.Millisecond}
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		src := openClient(t, rs).TokenSource("weixin", r.refresh) // one client per "process"
		wg.Go(func() {
			tok, err := src.TokenContext(context.Background())
			if assert.NoError(t, err) {
				got[i] = tok.AccessToken
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), r.n.Load(), "one refresh for all")
	for _, g := range got {
		assert.Equal(t, "fresh-1", g, "everyone uses the one new token")
	}
	rec, err := seed.Load(context.Background(), "weixin")
	require.NoError(t, err)
	assert.Equal(t, "refresh-0123456789", rec.RefreshToken, "kept when the answer has none")
	assert.Equal(t, "o1", rec.OpenID)
}

func TestSlowRefresherCannotOverwriteANewerToken(t *testing.T) {
	rs := startRedis(t)
	c := openClient(t, rs)
	seedToken(t, c, "weixin", "old-token", time.Now().Add(-time.Minute))
	slow := &counter{pause: 600 * time.Millisecond}
	fast := &counter{}
	slowSrc := openClient(t, rs).TokenSource("weixin", func(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
		tok, err := slow.refresh(ctx, t)
		tok.AccessToken = "slow"
		return tok, err
	}, redis.LockTTL(100*time.Millisecond))
	fastSrc := openClient(t, rs).TokenSource("weixin", fast.refresh, redis.LockTTL(time.Second))
	done := make(chan error, 1)
	go func() { done <- slowSrc.Refresh(context.Background(), "old-token") }()
	time.Sleep(250 * time.Millisecond) // the slow one's lock has expired
	tok, err := fastSrc.TokenContext(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "fresh-1", tok.AccessToken)
	require.NoError(t, <-done)
	rec, err := c.Load(context.Background(), "weixin")
	require.NoError(t, err)
	assert.Equal(t, "fresh-1", rec.AccessToken, "the stalled refresher's late token lost the compare-and-set")
}

// A platform that revokes the old token when it hands out the new one
// refuses the other processes' calls before the new token reaches Redis:
// Settle must wait for the refresher, or the refused call is not resent.
func TestSettleWaitsForAnotherProcessesRefresh(t *testing.T) {
	rs := startRedis(t)
	c := openClient(t, rs)
	seedToken(t, c, "weixin", "old-token", time.Now().Add(time.Hour))
	asked, release := make(chan struct{}), make(chan struct{})
	refresher := openClient(t, rs).TokenSource("weixin", func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		close(asked) // the lock is held and the platform has been asked
		<-release
		return &oauth2.Token{AccessToken: "fresh-1", Expiry: time.Now().Add(time.Hour)}, nil
	})
	done := make(chan error, 1)
	go func() { done <- refresher.Refresh(context.Background(), "old-token") }() // it met the token refused
	other := openClient(t, rs).TokenSource("weixin", (&counter{}).refresh)
	_, err := other.TokenContext(context.Background())
	require.NoError(t, err)
	<-asked
	settled := make(chan error, 1)
	go func() { settled <- other.Settle(context.Background()) }()
	select {
	case err := <-settled:
		t.Fatalf("Settle returned (%v) while another process was refreshing", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-settled)
	require.NotNil(t, other.Current())
	assert.Equal(t, "fresh-1", other.Current().AccessToken, "the refresher's token, read after it was saved")
	require.NoError(t, <-done)

	start := time.Now()
	require.NoError(t, other.Settle(context.Background()))
	assert.Less(t, time.Since(start), 2*time.Second, "no refresh under way: no wait for a lock")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, other.Settle(ctx), context.Canceled)
}

func TestSourceWithoutRefreshToken(t *testing.T) {
	rs := startRedis(t)
	c := openClient(t, rs)
	require.NoError(t, c.Save(context.Background(), "vk", &auth.Saved{AccessToken: "tok", Expiry: time.Now().Add(-time.Second)}))
	_, err := c.TokenSource("vk", (&counter{}).refresh).TokenContext(context.Background())
	assert.ErrorContains(t, err, "no refresh token; log in again")
	_, err = c.TokenSource("nobody", nil).TokenContext(context.Background())
	assert.True(t, errors.Is(err, auth.ErrNotFound), "%v", err)
}

func TestOpenRefusesBadURLs(t *testing.T) {
	_, err := redis.Open("http://user:hunter2-secret@host/")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2-secret")
	assert.Contains(t, err.Error(), "redis://host:port/0")
	_, err = redis.New(nil)
	assert.ErrorContains(t, err, "Open")
	_, err = redis.Open("redis://127.0.0.1:1/0", redis.OpTimeout(0))
	assert.ErrorContains(t, err, "OpTimeout")
}
