package redis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bsm/redislock"
	"github.com/snskit/snskit/auth"
	"golang.org/x/oauth2"
)

// Source is a token source shared by every process that uses the same
// Redis and account key: each call reads the account's current token from
// Redis, and when it has expired (or the platform refused it, see Refresh),
// one process renews it, holding a lock with an expiry, while the others
// wait for the new token and use it. A refresher whose lock expired before
// it finished (a stalled process) cannot overwrite a newer token: the write
// is a compare-and-set on the record's version. Source implements
// oauth2.TokenSource and auth.Refresher; wrap it with auth.TokenSource to
// pass it to snskit.WithAuth. It is safe for concurrent use.
type Source struct {
	c       *Client
	key     string
	refresh auth.RefreshFunc
	onToken func(*oauth2.Token)
	leeway  time.Duration
	lockTTL time.Duration
	now     func() time.Time

	mu   sync.Mutex
	last *auth.Saved // the last record seen, served while Redis is unreachable
}

// SourceOption configures a Source.
type SourceOption func(*Source)

// OnToken sets a hook called with each token this process makes by a
// refresh (the other processes' tokens are in Redis already).
func OnToken(hook func(*oauth2.Token)) SourceOption { return func(s *Source) { s.onToken = hook } }

// Leeway makes tokens count as expired d before their expiry (10 seconds by
// default), so that a call does not leave with a token about to die.
func Leeway(d time.Duration) SourceOption { return func(s *Source) { s.leeway = d } }

// LockTTL bounds how long one refresh may hold the account's lock (30
// seconds by default); the refresh's context ends then too.
func LockTTL(d time.Duration) SourceOption { return func(s *Source) { s.lockTTL = d } }

// TokenSource returns the shared source of the token stored under key
// (store it first with Save, or "snskit login -redis"), renewed with
// refresh (such as snskit.Login's Refresh).
func (c *Client) TokenSource(key string, refresh auth.RefreshFunc, opts ...SourceOption) *Source {
	s := &Source{c: c, key: key, refresh: refresh, leeway: 10 * time.Second, lockTTL: 30 * time.Second, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// Token returns a valid token; see TokenContext.
func (s *Source) Token() (*oauth2.Token, error) { return s.TokenContext(context.Background()) }

// TokenContext returns the account's current token, refreshing it first
// (once across all processes) when it has expired. While Redis is
// unreachable it returns this process's last copy if that is still valid.
func (s *Source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	rec, _, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	if s.valid(rec) {
		return rec.Token(), nil
	}
	if err := s.Refresh(ctx, rec.AccessToken); err != nil {
		return nil, err
	}
	rec, _, err = s.load(ctx)
	if err != nil {
		return nil, err
	}
	return rec.Token(), nil
}

// Settle waits for a refresh that any process has under way, then reads
// the account's current token from Redis, so that Current returns it:
// snskit calls Settle then Current to tell whether a token the platform
// refused has been replaced meanwhile by another process. The wait
// matters: a platform that revokes the old token when it hands out the new
// one (WeChat does) refuses calls from the moment the refresher asked,
// before the new token reaches Redis.
func (s *Source) Settle(ctx context.Context) error {
	if err := s.awaitRefresh(ctx); err != nil {
		return err
	}
	_, _, err := s.load(ctx)
	return err
}

// awaitRefresh returns once no process holds the account's refresh lock
// (at most the lock's TTL, when its holder stalled), or when ctx ends. A
// Redis that does not answer is no refresh to wait for: load then falls
// back to this process's copy.
func (s *Source) awaitRefresh(ctx context.Context) error {
	key := s.c.key("lock", s.key)
	var held int64
	if err := s.c.op(ctx, func(ctx context.Context) (err error) {
		held, err = s.c.rdb.Exists(ctx, key).Result()
		return err
	}); err != nil || held == 0 {
		if ctx.Err() != nil {
			return s.waitEnded(ctx)
		}
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, s.lockTTL)
	defer cancel()
	lock, err := s.lock(wctx)
	if err != nil {
		if ctx.Err() != nil {
			return s.waitEnded(ctx)
		}
		return nil // the holder outlived its TTL or Redis stopped answering: read what is there
	}
	_ = lock.Release(context.WithoutCancel(ctx))
	return nil
}

// lock takes the account's refresh lock, waiting while another process
// holds it, until ctx ends.
func (s *Source) lock(ctx context.Context) (*redislock.Lock, error) {
	return s.c.locks.Obtain(ctx, s.c.key("lock", s.key), s.lockTTL,
		&redislock.Options{RetryStrategy: redislock.LinearBackoff(20 * time.Millisecond)})
}

// waitEnded is the error of a wait for the refresh lock that ctx ended.
func (s *Source) waitEnded(ctx context.Context) error {
	return fmt.Errorf("snskit: redis: waiting for the refresh of %q: %w", s.key, ctx.Err())
}

// Current returns the last token this process saw, valid or not.
func (s *Source) Current() *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return nil
	}
	return s.last.Token()
}

// Refresh implements auth.Refresher: it renews the token when stale is
// still the account's current access token, and otherwise returns at once.
// Of all the processes that call it for one stale token, one refreshes; the
// others wait for its token.
func (s *Source) Refresh(ctx context.Context, stale string) error {
	rec, version, err := s.load(ctx)
	if err != nil {
		return err
	}
	if rec.AccessToken != stale && s.valid(rec) {
		return nil // another process renewed it
	}
	if version < 0 { // this process's copy: Redis did not answer
		return s.unreachable("reading the token", errors.New("no answer from Redis"))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	lock, err := s.lock(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return s.waitEnded(ctx)
		}
		return s.unreachable("taking the refresh lock", err)
	}
	defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
	rec, version, err = s.load(ctx)
	if err != nil {
		return err
	}
	if rec.AccessToken != stale && s.valid(rec) {
		return nil // renewed while this process waited for the lock
	}
	if version < 0 {
		return s.unreachable("reading the token", errors.New("no answer from Redis"))
	}
	return s.renew(ctx, rec, version)
}

// renew refreshes rec while holding the lock and writes the new token if
// the record is still at version.
func (s *Source) renew(ctx context.Context, rec *auth.Saved, version int64) error {
	if rec.RefreshToken == "" {
		return fmt.Errorf("snskit: redis: the token of %q has expired and has no refresh token; log in again", s.key)
	}
	if s.refresh == nil {
		return fmt.Errorf("snskit: redis: the token of %q has expired and the source has no refresh function", s.key)
	}
	rctx, cancel := context.WithTimeout(ctx, s.lockTTL)
	defer cancel()
	tok, err := s.refresh(rctx, rec.Token())
	if err != nil {
		return fmt.Errorf("snskit: redis: refreshing the token of %q: %w", s.key, err)
	}
	if tok == nil || tok.AccessToken == "" {
		return fmt.Errorf("snskit: redis: refreshing the token of %q gave an empty token", s.key)
	}
	next := merge(rec, tok, s.now())
	v, err := s.c.save(context.WithoutCancel(ctx), s.key, next, version)
	if err != nil {
		return s.unreachable("saving the new token", err)
	}
	if v == 0 {
		return nil // a newer token was written meanwhile: it wins
	}
	s.remember(next)
	if s.onToken != nil {
		s.onToken(next.Token())
	}
	return nil
}

// merge returns the record of tok, keeping what a refresh answer leaves out
// (the refresh token when not rotated, openid, where the token is valid).
func merge(old *auth.Saved, tok *oauth2.Token, now time.Time) *auth.Saved {
	n := auth.NewSaved(tok)
	n.Platform, n.BaseURL, n.AppID, n.RedirectURL = old.Platform, old.BaseURL, old.AppID, old.RedirectURL
	if n.RefreshToken == "" {
		n.RefreshToken = old.RefreshToken
	}
	for _, f := range []struct{ dst, src *string }{{&n.OpenID, &old.OpenID}, {&n.UnionID, &old.UnionID},
		{&n.UserID, &old.UserID}, {&n.Email, &old.Email}, {&n.Scope, &old.Scope}, {&n.DeviceID, &old.DeviceID}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if len(n.User) == 0 {
		n.User = old.User
	}
	n.Updated = now.UTC()
	return n
}

// load reads the account's record, or falls back to the last one seen when
// Redis cannot be reached and that one is still valid.
func (s *Source) load(ctx context.Context) (*auth.Saved, int64, error) {
	rec, v, err := s.c.load(ctx, s.key)
	if err == nil {
		s.remember(rec)
		return rec, v, nil
	}
	if errors.Is(err, auth.ErrNotFound) || ctx.Err() != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	last := s.last
	s.mu.Unlock()
	if last != nil && s.valid(last) {
		return last, -1, nil
	}
	return nil, 0, err
}

func (s *Source) remember(rec *auth.Saved) {
	s.mu.Lock()
	s.last = rec
	s.mu.Unlock()
}

// valid reports whether rec's token is usable for at least the leeway.
func (s *Source) valid(rec *auth.Saved) bool {
	return rec.AccessToken != "" && (rec.Expiry.IsZero() || s.now().Add(s.leeway).Before(rec.Expiry))
}

// unreachable explains a refresh that Redis stopped.
func (s *Source) unreachable(step string, err error) error {
	return fmt.Errorf("snskit: redis: %s of %q: %w; the token is not refreshed in this process alone, which could revoke the token the other processes use", step, s.key, err)
}

// String names the source without its token.
func (s *Source) String() string { return "snskit/redis.Source{" + s.key + "}" }
