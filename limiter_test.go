package snskit_test

import (
	"context"
	"io"
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
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slow is a budget whose second slot is an hour away.
var slow = snskit.Limit{Rate: 1, Period: time.Hour, Burst: 1}

func TestLocalLimiterKeepsOneBudgetPerKey(t *testing.T) {
	l := snskit.NewLocalLimiter()
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx, "a", slow))
	require.NoError(t, l.Wait(ctx, "b", slow), "another key has a budget of its own")

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err := l.Wait(short, "a", slow)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a's budget is spent for an hour")
	assert.ErrorIs(t, err, short.Err())
}

func TestLocalLimiterWaitReturnsWhenCancelled(t *testing.T) {
	var l snskit.LocalLimiter // the zero value is ready to use
	require.NoError(t, l.Wait(context.Background(), "k", slow))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, "k", slow) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait kept waiting for a slot an hour away after its context was cancelled")
	}
	// The cancelled wait gave its slot back: a cancelled context fails at
	// once, without taking one.
	err := l.Wait(ctx, "k", slow)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestLocalLimiterRefusesBadLimits(t *testing.T) {
	l := snskit.NewLocalLimiter()
	for _, lim := range []snskit.Limit{{}, {Rate: 1}, {Period: time.Second}, {Rate: -1, Period: time.Second}} {
		err := l.Wait(context.Background(), "k", lim)
		assert.ErrorContains(t, err, "want a positive Rate and Period", "%v", lim)
	}
}

func TestLocalLimiterUnderManyGoroutines(t *testing.T) {
	l := snskit.NewLocalLimiter()
	fast := snskit.Limit{Rate: 1000, Period: time.Millisecond, Burst: 1000}
	var wg sync.WaitGroup
	var errs atomic.Int32
	for g := range 32 {
		wg.Go(func() {
			for i := range 200 {
				key := string(rune('a' + (g+i)%7))
				lim := fast
				if i%50 == 0 {
					lim.Burst = 500 // a changed limit adjusts the budget in place
				}
				if l.Wait(context.Background(), key, lim) != nil {
					errs.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Zero(t, errs.Load())
}

// vkCountingServer answers users.get and counts calls per token.
func vkCountingServer(t *testing.T) (*httptest.Server, func(tok string) int) {
	t.Helper()
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		calls[r.PostForm.Get("access_token")]++
		mu.Unlock()
		_, _ = io.WriteString(w, `{"response":[{"id":1}]}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func(tok string) int {
		mu.Lock()
		defer mu.Unlock()
		return calls[tok]
	}
}

func TestTwoTokensKeepTwoBudgets(t *testing.T) {
	srv, count := vkCountingServer(t)
	shared := snskit.NewLocalLimiter()
	client := func(tok string) *snskit.API {
		api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(tok)), snskit.WithBaseURL(srv.URL),
			snskit.WithLimiter(shared), snskit.WithRateLimit(1.0/3600, 1))
		require.NoError(t, err)
		return api
	}
	one, two := client("vk1.a.token-one-0123456789"), client("vk1.a.token-two-0123456789")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := one.Method("users.get").DoContext(ctx, nil)
	require.NoError(t, err)
	_, err = two.Method("users.get").DoContext(ctx, nil)
	require.NoError(t, err, "the second token's budget is its own")

	// A third client on the first token shares its spent budget.
	again := client("vk1.a.token-one-0123456789")
	short, cancelShort := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancelShort()
	_, err = again.Method("users.get").DoContext(short, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "waiting for the rate limiter")
	assert.NotContains(t, err.Error(), "token-one", "the error names the budget, never the token")
	assert.Equal(t, 1, count("vk1.a.token-one-0123456789"), "the waiting call was never sent")
	assert.Equal(t, 1, count("vk1.a.token-two-0123456789"))
}

func TestVKCommunityTokensKeepOneBudgetEach(t *testing.T) {
	srv, count := vkCountingServer(t)
	cred := platforms.VKCommunity(map[int64]string{1: "vk1.a.community-one-0123", 2: "vk1.a.community-two-0123"}, 1)
	api, err := snskit.New(platforms.VK(), snskit.WithAuth(cred), snskit.WithBaseURL(srv.URL), snskit.WithRateLimit(1.0/3600, 1))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = api.Method("groups.getById").DoContext(ctx, snskit.Params{"group_id": 1})
	require.NoError(t, err)
	_, err = api.Method("groups.getById").DoContext(ctx, snskit.Params{"group_id": 2})
	require.NoError(t, err, "one client, two community tokens, two budgets")
	short, cancelShort := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancelShort()
	_, err = api.Method("groups.getById").DoContext(short, snskit.Params{"group_id": 2})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, count("vk1.a.community-two-0123"))
}

func TestWithoutRateLimitSendsAtOnce(t *testing.T) {
	srv, count := vkCountingServer(t)
	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("vk1.a.unlimited-0123456789")), snskit.WithBaseURL(srv.URL),
		snskit.WithRateLimit(1.0/3600, 1), snskit.WithoutRateLimit())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 10 {
		_, err := api.Method("users.get").DoContext(ctx, nil)
		require.NoError(t, err, "no budget: ten calls, none waits an hour")
	}
	assert.Equal(t, 10, count("vk1.a.unlimited-0123456789"))

	_, err = snskit.New(platforms.VK(), snskit.WithLimiter(nil))
	assert.ErrorContains(t, err, "WithoutRateLimit")
	for _, bad := range []float64{0, -1, 1 / zero()} {
		_, err = snskit.New(platforms.VK(), snskit.WithRateLimit(bad, 1))
		assert.Error(t, err, "%v", bad)
	}
}

func zero() float64 { return 0 }

func TestBudgetKeyHidesTheCredential(t *testing.T) {
	const tok = "vk1.a.secret-token-0123456789"
	k := driver.BudgetKey("vk", tok)
	assert.True(t, strings.HasPrefix(k, "vk:"), k)
	assert.NotContains(t, k, "secret")
	assert.Len(t, k, len("vk:")+32)
	assert.Equal(t, k, driver.BudgetKey("vk", tok), "stable, so processes agree on it")
	assert.NotEqual(t, k, driver.BudgetKey("vk", tok+"x"))
	assert.NotEqual(t, k, driver.BudgetKey("weixin", tok), "the platform is part of the key")
}
