package snskit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
)

// The retries of a client without WithRetry: three more tries, after about
// 1, 2 and 4 seconds. VK's peers pause 0.5 to 1.1 s after its error 6.
const (
	DefaultRetries   = 3
	DefaultRetryBase = time.Second
)

// maxBackoff caps one pause between tries.
const maxBackoff = 30 * time.Second

// WithRetry resends a failed call up to max more times (DefaultRetries by
// default; 0 turns retries off), pausing between tries for a random time
// between half and all of base, 2*base, 4*base... (capped at 30 s), and at
// least as long as a reply's Retry-After header asks (seconds or an HTTP
// date; a call asked to wait more than 30 s is not resent), stopping as
// soon as the call's context is done. Only failures that are
// safe to resend are:
//
//   - refusals the platform says did nothing and may pass (VK's error 6,
//     too many requests per second), and any HTTP 429 (ErrRateLimited on
//     every platform);
//   - passing trouble on a call that is safe to repeat (see Call.Idempotent
//     and Retrier): the platform's own (WeChat's -1, busy), an HTTP 502,
//     503 or 504, or a connection dropped before any byte of the reply.
//
// A call that may have reached the platform and is not safe to repeat (VK's
// wall.post) is never resent; neither are calls with files, whose readers
// cannot be read twice, nor partial results (*PartialError), nor quotas and
// flood control (ErrQuotaExceeded, ErrFloodControl), which do not pass in
// seconds. Each try is built anew, with fresh timestamps and nonces, and
// waits for its own slot of the budget (WithRateLimit).
func WithRetry(max int, base time.Duration) Option {
	return func(cfg *config) error {
		if max < 0 || max > 10 || max > 0 && base <= 0 {
			return fmt.Errorf("snskit: WithRetry(%d, %v): want 0 to 10 retries and a positive base delay", max, base)
		}
		cfg.retries, cfg.retryBase = max, base
		return nil
	}
}

// retryReason returns why a failed try may be resent, or "" when it may not.
// r is the reply, nil when none came.
func (c Call) retryReason(d *driver.Draft, r *Response, err error) string {
	var pe *PartialError
	if len(d.Files) > 0 || errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "" // a partial result means the platform acted: never resend
	}
	rt, hasRT := c.api.platform.(driver.Retrier)
	var e *Error
	if errors.As(err, &e) && hasRT && rt.Transient(d, e) {
		return "error " + e.Code
	}
	if r != nil && r.StatusCode == http.StatusTooManyRequests {
		return "http 429" // refused unprocessed, by the platform or its gateway
	}
	if !c.repeatable(d, rt, hasRT) {
		return ""
	}
	if r != nil {
		switch r.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return "http " + strconv.Itoa(r.StatusCode)
		}
		return ""
	}
	var te *TransportError
	if errors.As(err, &te) && connectionDropped(err) {
		return "connection dropped before the reply"
	}
	return ""
}

// repeatable reports whether d is safe to send twice: the caller said so
// (Call.Idempotent), or the platform does; without a Retrier, GET calls are.
func (c Call) repeatable(d *driver.Draft, rt driver.Retrier, hasRT bool) bool {
	switch {
	case d.Idempotent:
		return true
	case hasRT:
		return rt.Idempotent(d)
	}
	return d.Verb == http.MethodGet
}

// connectionDropped reports whether err is the connection closing or being
// reset with no reply (a reply that broke off mid-way is a *ReplyError).
func connectionDropped(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// retry decides whether try number try (0 for the first) is resent: when
// its failure is safe to resend and tries are left, it logs one line and
// pauses. It returns the error to give the caller otherwise: err, wrapped
// with the context's error when the context ended during the pause.
func (c Call) retry(ctx context.Context, d *driver.Draft, r *Response, err error, try int) (bool, error) {
	if try >= c.api.cfg.retries {
		return false, err
	}
	reason := c.retryReason(d, r, err)
	if reason == "" {
		return false, err
	}
	pause := c.backoff(try)
	if after, ok := retryAfter(r, c.api.cfg.now()); ok {
		if after > maxBackoff {
			return false, err // not worth holding the call for
		}
		pause = max(pause, after) // never sooner than the platform asks
	}
	c.api.debug(ctx, "snskit retry", slog.String("platform", d.Platform), slog.String("method", d.Method),
		slog.Int("try", try+2), slog.String("reason", reason), slog.Duration("pause", pause),
		slog.String("error", driver.Redact(err.Error(), d.Secrets())))
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, fmt.Errorf("%w (stopped retrying: %w)", err, ctx.Err())
	case <-t.C:
		return true, nil
	}
}

// backoff returns the pause before try number try+2: a random time between
// half and all of base<<try, capped at maxBackoff ("equal jitter": never
// almost nothing, as VK's error 6 needs a real pause).
func (c Call) backoff(try int) time.Duration {
	ceil := c.api.cfg.retryBase << try
	if ceil > maxBackoff || ceil <= 0 {
		ceil = maxBackoff
	}
	half := ceil / 2
	return half + rand.N(ceil-half+1)
}

// refreshExpired decides whether a call the platform refused for its token
// is sent again, once: when the credential has replaced the token since
// (another call's refresh, after which the platform may revoke the old
// token: the refusal is then "invalid", not "expired"), or when the token
// expired and the credential can refresh it. It reports whether to resend,
// or returns err joined with the refresh's failure. A token refusal means
// the platform did nothing, so resending is safe; calls with files are not
// resent (their readers cannot be read twice), nor partial results.
func (c Call) refreshExpired(ctx context.Context, err error, d *driver.Draft) (bool, error) {
	var pe *PartialError
	used, usedBy := d.TokenUsed()
	if usedBy == nil || len(d.Files) > 0 || !errors.Is(err, ErrTokenInvalid) || errors.As(err, &pe) {
		return false, err // a partial result means the platform acted: never resend
	}
	if tokenReplaced(ctx, used, usedBy) {
		return true, nil
	}
	if !errors.Is(err, ErrTokenExpired) {
		return false, err
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

// tokenReplaced reports whether the credential c now holds a token other
// than used, after any refresh under way (auth.Live's Settle) has ended. It
// starts no refresh of its own unless the token has expired by the clock.
func tokenReplaced(ctx context.Context, used string, c *auth.OAuth2) bool {
	if s, ok := c.Source().(interface{ Settle(context.Context) error }); ok {
		if s.Settle(ctx) != nil {
			return false
		}
	}
	if cur, ok := c.Source().(interface{ Current() *oauth2.Token }); ok {
		t := cur.Current()
		return t != nil && t.AccessToken != "" && t.AccessToken != used
	}
	t, err := c.Token(ctx)
	return err == nil && t.AccessToken != used
}
