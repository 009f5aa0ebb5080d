package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/redis"
	"github.com/snskit/snskit/redis/redistest"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The documented choice when Redis is unreachable or hangs: budgets fall
// back to the process's own, tokens to the process's last valid copy, and a
// refresh fails with a clear error. No call waits past its deadline.

// outageSetup is a VK client and a WeChat token source on one Redis.
type outageSetup struct {
	rs  *redistest.Server
	vk  *snskit.API
	src *redis.Source
}

func newOutage(t *testing.T) *outageSetup {
	t.Helper()
	rs := startRedis(t)
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	rc := openClient(t, rs, redis.OpTimeout(100*time.Millisecond))
	vk, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(s.Token(sandbox.VK).AccessToken)),
		snskit.WithLimiter(rc), snskit.WithRateLimit(2, 1), snskit.WithRetry(0, 0)) // under the sandbox's 3/s
	require.NoError(t, err)
	require.NoError(t, rc.Save(context.Background(), "weixin", &auth.Saved{AccessToken: "wx-current-token-0123",
		RefreshToken: "wx-refresh-0123", Expiry: time.Now().Add(time.Hour)}))
	src := rc.TokenSource("weixin", (&counter{}).refresh)
	_, err = src.TokenContext(context.Background())
	require.NoError(t, err, "the source has seen the token while Redis was up")
	return &outageSetup{rs: rs, vk: vk, src: src}
}

// check makes calls while Redis is out and asserts the chosen behaviour.
func (o *outageSetup) check(t *testing.T) {
	t.Helper()
	const deadline = 3 * time.Second
	for i := range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		start := time.Now()
		_, err := o.vk.Method("users.get").DoContext(ctx, snskit.Params{"user_ids": 1})
		took := time.Since(start)
		cancel()
		assert.NoError(t, err, "call %d goes on with this process's own budget", i+1)
		assert.Less(t, took, deadline, "call %d ended within its deadline", i+1)
	}

	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	tok, err := o.src.TokenContext(ctx)
	require.NoError(t, err, "the last valid copy of the token is served")
	assert.Equal(t, "wx-current-token-0123", tok.AccessToken)

	start := time.Now()
	err = o.src.Refresh(ctx, "wx-current-token-0123")
	assert.Less(t, time.Since(start), deadline)
	require.Error(t, err, "a refresh in one process alone could revoke the others' token")
	assert.Contains(t, err.Error(), "snskit: redis")
	assert.Contains(t, err.Error(), "not refreshed in this process alone")
	assert.NotContains(t, err.Error(), "wx-current-token-0123")
}

func TestRedisStoppedMidRun(t *testing.T) {
	o := newOutage(t)
	_, err := o.vk.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.NoError(t, err)
	o.rs.Stop()
	o.check(t)
}

func TestRedisHangingMidRun(t *testing.T) {
	o := newOutage(t)
	_, err := o.vk.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.NoError(t, err)
	o.rs.Freeze()
	defer o.rs.Thaw()
	o.check(t)

	// A wait whose own deadline is shorter than the operation timeout ends
	// by its deadline: with its context's error, or with a slot of this
	// process's own budget if Redis failed fast.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	rc := openClient(t, o.rs, redis.OpTimeout(time.Minute))
	start := time.Now()
	err = rc.Wait(ctx, "k", snskit.Limit{Rate: 1, Period: time.Second})
	if err != nil {
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	}
	assert.Less(t, time.Since(start), 5*time.Second, "not the minute of the operation timeout")
}
