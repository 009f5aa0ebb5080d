package snskit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/snskit/snskit/driver"
)

// WithLimiter makes the client keep its request budgets in l instead of a
// LocalLimiter of its own: give several clients one LocalLimiter to share
// budgets between them, or a Redis limiter to share them between
// processes.
func WithLimiter(l Limiter) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("snskit: WithLimiter(nil); leave the option out to keep budgets in the client, or use WithoutRateLimit to turn them off")
		}
		cfg.limiter = l
		return nil
	}
}

// WithRateLimit replaces the platform's budget (VK: 3 requests a second per
// user token, 20 per community token) with perSecond requests a second on
// average, in bursts of up to burst, for every credential of the client;
// on platforms without a budget of their own it adds one. Each credential
// still has its own budget. Calls wait for a slot, giving up when their
// context is done, rather than letting the platform refuse them.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(cfg *config) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) || burst < 1 {
			return fmt.Errorf("snskit: WithRateLimit(%v, %d): want a positive rate and a burst of at least 1; use WithoutRateLimit to turn budgets off", perSecond, burst)
		}
		l := Limit{Rate: int(perSecond), Period: time.Second, Burst: burst}
		if float64(l.Rate) != perSecond { // 0.5 or 2.5 a second: one request every 1/perSecond
			l = Limit{Rate: 1, Period: time.Duration(float64(time.Second) / perSecond), Burst: burst}
		}
		if l.Period <= 0 {
			return fmt.Errorf("snskit: WithRateLimit(%v, %d): the rate is too high to apply", perSecond, burst)
		}
		cfg.rate, cfg.rateOff = &l, false
		return nil
	}
}

// WithoutRateLimit turns request budgets off: calls are sent at once, and
// the platform may refuse them as too many (VK's error 6, which WithRetry
// resends after a pause).
func WithoutRateLimit() Option {
	return func(cfg *config) error {
		cfg.rate, cfg.rateOff = nil, true
		return nil
	}
}

// waitLogAfter is the shortest budget wait worth a log line.
const waitLogAfter = time.Millisecond

// wait takes a slot of the budget the prepared request d draws from, if
// any, logging the wait when it was not trivial.
func (c Call) wait(ctx context.Context, d *driver.Draft) error {
	key, limit, ok := c.budgetOf(d)
	if !ok {
		return nil
	}
	logger := c.api.cfg.logger
	var start time.Time // for the log line of a long wait, if there is a logger
	if logger != nil {
		start = time.Now()
	}
	if err := c.api.cfg.limiter.Wait(ctx, key, limit); err != nil {
		return fmt.Errorf("snskit: %s %s: waiting for the rate limiter (budget %v): %w", d.Platform, d.Method, limit, driver.ScrubError(err, d.Secrets()))
	}
	if logger == nil {
		return nil
	}
	if waited := time.Since(start); waited >= waitLogAfter {
		c.api.debug(ctx, "snskit budget wait", slog.String("platform", d.Platform), slog.String("method", d.Method),
			slog.String("budget", key), slog.String("limit", limit.String()), slog.Duration("waited", waited))
	}
	return nil
}

// debug writes one debug line to the client's logger, if it has one.
func (a *API) debug(ctx context.Context, msg string, attrs ...slog.Attr) {
	if l := a.cfg.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
		l.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
	}
}

// budgetOf returns the budget a prepared request draws from: the platform's
// (Budgeter), replaced by the client's WithRateLimit when set, or none. With
// WithRateLimit on a platform that has no budget of its own, the key is the
// credential the request carries.
func (c Call) budgetOf(d *driver.Draft) (string, Limit, bool) {
	cfg := &c.api.cfg
	if cfg.rateOff {
		return "", Limit{}, false
	}
	key, limit, ok := "", Limit{}, false
	if b, isB := c.api.platform.(driver.Budgeter); isB {
		key, limit, ok = b.Budget(d)
	}
	if cfg.rate == nil {
		return key, limit, ok
	}
	if key == "" {
		key = d.BudgetKey(d.Platform, credentialID(d))
	}
	return key, *cfg.rate, true
}

// credentialID returns what identifies the credential a prepared request
// carries: the access token handed out by AccessToken, or else the secrets
// placed on the request (a session key, an app secret) and the app's id.
func credentialID(d *driver.Draft) string {
	if used, _ := d.TokenUsed(); used != "" {
		return used
	}
	return strings.Join(d.Secrets(), "\x00") + "\x00" + d.AppID
}
