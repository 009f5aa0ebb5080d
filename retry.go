package snskit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// WithRateLimit spaces this client's requests to at most perSecond on
// average, with bursts of up to burst, waiting (and giving up when the call's
// context is done) rather than letting the platform refuse them. VK allows 3
// requests a second for a user token and 20 for a community token.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(cfg *config) error {
		if perSecond <= 0 || burst < 1 {
			return fmt.Errorf("snskit: WithRateLimit(%v, %d): want a positive rate and a burst of at least 1", perSecond, burst)
		}
		cfg.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
		return nil
	}
}

// WithRetry resends a call that the platform refused as rate limited
// (errors.Is(err, ErrRateLimited)) up to max more times, waiting a random
// time up to base, 2*base, 4*base... (capped at 30 s) between tries, and
// stopping as soon as the call's context is done. Such a refusal means the
// platform did nothing, so resending is safe. Calls with files are not
// resent, since their readers cannot be read twice. Each try is built anew,
// with fresh timestamps and nonces.
func WithRetry(max int, base time.Duration) Option {
	return func(cfg *config) error {
		if max < 0 || max > 10 || base <= 0 {
			return fmt.Errorf("snskit: WithRetry(%d, %v): want 0 to 10 retries and a positive base delay", max, base)
		}
		cfg.retries, cfg.retryBase = max, base
		return nil
	}
}

// retryable reports whether a failed try may be resent.
//
// A *PartialError is never resent: the platform acted on the other
// sub-requests (a VK execute that posted, then hit a limit), and doing them
// again would repeat their effects.
func (c Call) retryable(err error, d *driver.Draft, try int) bool {
	var pe *PartialError
	return try < c.api.cfg.retries && len(d.Files) == 0 && errors.Is(err, ErrRateLimited) && !errors.As(err, &pe)
}

// refreshExpired renews the credential's token when the platform refused
// the call's token as expired and the credential can be refreshed. It
// reports whether the call should be sent again, or returns err joined with
// the refresh's failure. Calls with files are not resent: their readers
// cannot be read twice.
func (c Call) refreshExpired(ctx context.Context, err error, d *driver.Draft) (bool, error) {
	var pe *PartialError
	used, usedBy := d.TokenUsed()
	if usedBy == nil || len(d.Files) > 0 || !errors.Is(err, ErrTokenExpired) || errors.As(err, &pe) {
		return false, err // a partial result means the platform acted: never resend
	}
	r, ok := usedBy.Refresher()
	if !ok {
		return false, err
	}
	if rerr := r.Refresh(ctx, used); rerr != nil {
		secrets := d.Secrets()
		if cur, ok := r.(interface{ Current() *oauth2.Token }); ok {
			if t := cur.Current(); t != nil {
				secrets = append(slices.Clip(secrets), t.AccessToken, t.RefreshToken)
			}
		}
		return false, driver.ScrubError(fmt.Errorf("%w (and refreshing the token failed: %w)", err, rerr), secrets)
	}
	return true, nil
}

// backoff waits before try number try+1 with full jitter, or returns the
// context's error.
func (c Call) backoff(ctx context.Context, try int) error {
	ceil := c.api.cfg.retryBase << try
	if ceil > 30*time.Second || ceil <= 0 {
		ceil = 30 * time.Second
	}
	t := time.NewTimer(rand.N(ceil) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wait takes a slot from the client's rate limiter, if it has one.
func (c Call) wait(ctx context.Context) error {
	if l := c.api.cfg.limiter; l != nil {
		if err := l.Wait(ctx); err != nil {
			return fmt.Errorf("snskit: %s %s: waiting for the rate limiter: %w", c.api.platform.Name(), c.name, err)
		}
	}
	return nil
}
