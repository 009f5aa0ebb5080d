package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/snskit/snskit"
)

// Wait implements snskit.Limiter with a GCRA budget in Redis shared by
// every process that uses the same Redis, prefix and key: it blocks until
// one more request under key may be sent at limit, or returns an error
// wrapping ctx.Err() when ctx ends. While Redis cannot be reached or is
// slower than the operation timeout, Wait takes the slot from this
// process's own budget of key instead, so calls go on at one process's
// rate.
func (c *Client) Wait(ctx context.Context, key string, limit snskit.Limit) error {
	if err := limit.Check(); err != nil {
		return err
	}
	rk := c.key("budget", key)
	rl := redis_rate.Limit{Rate: limit.Rate, Period: limit.Period, Burst: max(limit.Burst, 1)}
	stale := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var res *redis_rate.Result
		asked := time.Now()
		err := c.op(ctx, func(ctx context.Context) error {
			var err error
			res, err = c.rate.Allow(ctx, rk, rl)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return c.local.Wait(ctx, key, limit) // Redis is down or slow: this process's own budget
		}
		if res.Allowed > 0 {
			if time.Since(asked) > staleGrant && stale < maxStaleGrants {
				// The answer took long (this process was not running, or
				// Redis was slow): the slot may lie well before the request
				// would leave, which would bunch it with the next process's
				// request in the platform's second. Let it go and take a
				// fresh one.
				stale++
				continue
			}
			return nil
		}
		if err := sleep(ctx, max(res.RetryAfter, time.Millisecond)); err != nil {
			return err
		}
	}
}

// A slot granted more than staleGrant after it was asked for is given up
// for a fresh one, up to maxStaleGrants times per wait.
const (
	staleGrant     = 50 * time.Millisecond
	maxStaleGrants = 3
)

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// String names the client for messages.
func (c *Client) String() string { return fmt.Sprintf("snskit/redis.Client{prefix: %s}", c.prefix) }
