package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// RefreshFunc renews a token, usually by spending its refresh token at the
// platform's token endpoint (snskit.Login.Refresh is one).
type RefreshFunc func(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error)

// Refresher is implemented by token sources that can be told a token was
// refused as expired, so that the next call gets a fresh one. snskit calls
// Refresh when a platform answers "token expired" and then retries the call
// once.
type Refresher interface {
	// Refresh renews the token if stale, an access token the platform
	// refused, is still the current one; if another caller already renewed
	// it, Refresh returns at once.
	Refresh(ctx context.Context, stale string) error
}

// Live is a token source that keeps a token alive: it renews the token
// shortly before it expires, or when told it was refused (Refresh), and
// hands every new token to a hook so that the application can persist it.
// However many goroutines ask at once, one refresh runs and all of them get
// its result. Live is safe for concurrent use and implements
// oauth2.TokenSource and Refresher.
type Live struct {
	refresh RefreshFunc
	onToken func(*oauth2.Token)
	now     func() time.Time
	leeway  time.Duration
	timeout time.Duration

	mu     sync.Mutex
	tok    *oauth2.Token
	stale  bool    // the current token was refused by the platform
	flight *flight // the refresh under way, if any
}

type flight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// LiveOption configures a Live token source.
type LiveOption func(*Live)

// OnToken sets a hook called with every new token, one call at a time and in
// the order tokens are made, before callers waiting for the refresh get the
// token. Persist the token there. The hook must not call back into the
// source (Current still returns the previous token while it runs).
func OnToken(hook func(*oauth2.Token)) LiveOption { return func(l *Live) { l.onToken = hook } }

// Leeway makes tokens count as expired d before their expiry (10 seconds by
// default), so that a call does not leave with a token about to die.
func Leeway(d time.Duration) LiveOption { return func(l *Live) { l.leeway = d } }

// RefreshTimeout bounds one refresh (1 minute by default), so that a token
// endpoint that never answers cannot hold every caller forever.
func RefreshTimeout(d time.Duration) LiveOption { return func(l *Live) { l.timeout = d } }

// Clock sets the clock that decides expiry (time.Now by default).
func Clock(now func() time.Time) LiveOption { return func(l *Live) { l.now = now } }

// NewLive returns a source that starts from tok and renews it with refresh.
func NewLive(tok *oauth2.Token, refresh RefreshFunc, opts ...LiveOption) *Live {
	l := &Live{refresh: refresh, tok: tok, now: time.Now, leeway: 10 * time.Second, timeout: time.Minute}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Token returns a valid token, refreshing it first if needed. It implements
// oauth2.TokenSource; TokenContext is the same with a context.
func (l *Live) Token() (*oauth2.Token, error) { return l.TokenContext(context.Background()) }

// TokenContext returns a valid token, refreshing it first if needed. A
// caller that waits for another's refresh stops waiting when ctx is done.
func (l *Live) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	l.mu.Lock()
	if l.validLocked() {
		t := l.tok
		l.mu.Unlock()
		return t, nil
	}
	f := l.flight
	if f == nil {
		f = l.startLocked(ctx)
	}
	l.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Refresh implements Refresher: it renews the token when stale is still the
// current access token, and waits for the renewal.
func (l *Live) Refresh(ctx context.Context, stale string) error {
	l.mu.Lock()
	if l.tok != nil && l.tok.AccessToken == stale && l.flight == nil {
		l.stale = true
	}
	l.mu.Unlock()
	_, err := l.TokenContext(ctx)
	return err
}

// Settle waits for a refresh under way, if any, without starting one. A
// call refused because its token was revoked by a refresh in flight asks
// it, then compares its token with Current to know whether to resend.
func (l *Live) Settle(ctx context.Context) error {
	l.mu.Lock()
	f := l.flight
	l.mu.Unlock()
	if f == nil {
		return nil
	}
	select {
	case <-f.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Current returns the token the source holds now, valid or not, without
// refreshing it.
func (l *Live) Current() *oauth2.Token {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tok
}

func (l *Live) validLocked() bool {
	if l.tok == nil || l.tok.AccessToken == "" || l.stale {
		return false
	}
	return l.tok.Expiry.IsZero() || l.now().Add(l.leeway).Before(l.tok.Expiry)
}

// startLocked starts a refresh in its own goroutine, so that a caller whose
// context ends does not cancel the refresh the others wait for.
func (l *Live) startLocked(ctx context.Context) *flight {
	f := &flight{done: make(chan struct{})}
	l.flight = f
	old := l.tok
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.timeout)
	go func() {
		defer cancel()
		tok, err := l.renew(rctx, old)
		// The hook runs while the flight is still the current one, so no
		// other refresh can start, and hooks run one at a time, in order.
		if err == nil && l.onToken != nil {
			l.onToken(tok)
		}
		l.mu.Lock()
		l.flight = nil
		if err == nil {
			l.tok, l.stale = tok, false
		}
		f.tok, f.err = tok, err
		l.mu.Unlock()
		close(f.done)
	}()
	return f
}

func (l *Live) renew(ctx context.Context, old *oauth2.Token) (*oauth2.Token, error) {
	if old == nil || old.RefreshToken == "" {
		return nil, errors.New("auth: the token has expired and there is no refresh token; log in again")
	}
	if l.refresh == nil {
		return nil, errors.New("auth: the token has expired and the source has no refresh function")
	}
	tok, err := l.refresh(ctx, old)
	if err != nil {
		return nil, fmt.Errorf("auth: refreshing the token: %w", err)
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("auth: refreshing the token gave an empty token")
	}
	return carryOver(old, tok), nil
}

// carryOver keeps what a refresh answer leaves out: the refresh token when
// the platform does not rotate it, and extra fields such as openid.
func carryOver(old, tok *oauth2.Token) *oauth2.Token {
	out := *tok
	if out.RefreshToken == "" {
		out.RefreshToken = old.RefreshToken
	}
	extra := map[string]any{}
	for _, t := range []*oauth2.Token{old, tok} {
		for k, v := range rawFields(t) {
			extra[k] = v
		}
	}
	if len(extra) > 0 {
		return out.WithExtra(extra)
	}
	return &out
}

// rawFields returns the extra fields platforms send beside a token that a
// refresh answer may leave out. oauth2.Token keeps its raw fields
// unexported, so they can only be carried over by name.
func rawFields(t *oauth2.Token) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"openid", "unionid", "user_id", "email", "scope", "user", "device_id", "id_token"} {
		if v := t.Extra(k); v != nil && v != "" {
			out[k] = v
		}
	}
	return out
}
