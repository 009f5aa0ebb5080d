package snskit

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
)

// AuthOption sets an optional part of a login step.
type AuthOption func(*driver.AuthParams)

// AuthParam sets a platform parameter of the authorize URL or the exchange:
// AuthParam("display", "mobile"), AuthParam("x_renew", "true").
func AuthParam(key, value string) AuthOption {
	return func(p *driver.AuthParams) {
		if p.Extra == nil {
			p.Extra = url.Values{}
		}
		p.Extra.Set(key, value)
	}
}

// WithPKCE adds an RFC 7636 proof key: pass the same one to AuthCodeURL and
// Exchange. Platforms that do not accept PKCE refuse it with an error.
func WithPKCE(p auth.PKCE) AuthOption {
	return func(ap *driver.AuthParams) { ap.PKCE = &p }
}

func authParams(opts []AuthOption) *driver.AuthParams {
	p := &driver.AuthParams{Extra: url.Values{}}
	for _, o := range opts {
		if o != nil {
			o(p)
		}
	}
	return p
}

// Login is one application's OAuth 2.0 login on a platform: the authorize
// URL, the code exchange and refresh. Build it with API.Login. It is
// immutable and safe for concurrent use.
type Login struct {
	api      *API
	authz    driver.Authorizer
	redirect string
	scopes   []string
}

// Login returns the OAuth 2.0 login of the client's platform for an
// application (set with WithApp) whose redirect address is redirectURL.
// Every host it talks to follows WithBaseURL, and its requests go through
// the client's HTTP client.
func (a *API) Login(redirectURL string, scopes ...string) (*Login, error) {
	name := a.platform.Name()
	authz, ok := a.platform.(driver.Authorizer)
	if !ok {
		return nil, fmt.Errorf("snskit: %s has no OAuth 2.0 login", name)
	}
	if a.cfg.appID == "" {
		return nil, fmt.Errorf("snskit: %s login needs the application's id and secret; pass them with snskit.WithApp", name)
	}
	u, err := url.Parse(redirectURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("snskit: %s login: redirect URL %q is not absolute; use the one registered with the platform", name, redirectURL)
	}
	return &Login{api: a, authz: authz, redirect: redirectURL, scopes: append([]string(nil), scopes...)}, nil
}

// API returns the client the login belongs to.
func (l *Login) API() *API { return l.api }

// RedirectURL returns the redirect address.
func (l *Login) RedirectURL() string { return l.redirect }

// Scopes returns the permissions asked for.
func (l *Login) Scopes() []string { return append([]string(nil), l.scopes...) }

// AuthCodeURL returns the address to send the user to. state must be
// unguessable and checked on return: see auth.NewState and auth.CheckState.
func (l *Login) AuthCodeURL(state string, opts ...AuthOption) (string, error) {
	if state == "" {
		return "", fmt.Errorf("snskit: %s login: an empty state; pass auth.NewState() and keep it to check the redirect", l.api.platform.Name())
	}
	return l.authz.AuthCodeURL(l.Driver(), state, authParams(opts))
}

// Exchange trades the code of the redirect for a token. Platform errors are
// *Error values (a reused or expired code, a wrong secret...).
func (l *Login) Exchange(ctx context.Context, code string, opts ...AuthOption) (*oauth2.Token, error) {
	if code == "" {
		return nil, fmt.Errorf("snskit: %s login: the redirect carries no code; the user may have denied access", l.api.platform.Name())
	}
	tok, err := l.authz.Exchange(contextOrBackground(ctx), l.Driver(), code, authParams(opts))
	return l.clockExpiry(tok), rateLimitedStatus(driver.ScrubError(err, []string{l.api.cfg.appSecret, code}))
}

// Refresh renews t with its refresh token.
func (l *Login) Refresh(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
	if t == nil || t.RefreshToken == "" {
		return nil, fmt.Errorf("snskit: %s login: the token has no refresh token; log in again", l.api.platform.Name())
	}
	tok, err := l.authz.Refresh(contextOrBackground(ctx), l.Driver(), t)
	return l.clockExpiry(tok), rateLimitedStatus(driver.ScrubError(err, []string{l.api.cfg.appSecret, t.RefreshToken, t.AccessToken}))
}

// clockExpiry sets a token's expiry from its expires_in by the client's
// clock (WithClock): golang.org/x/oauth2 uses the wall clock, which a test
// clock or a sandbox's would disagree with.
func (l *Login) clockExpiry(t *oauth2.Token) *oauth2.Token {
	if t == nil || t.ExpiresIn <= 0 {
		return t
	}
	out := *t
	out.Expiry = l.api.cfg.now().Add(time.Duration(t.ExpiresIn) * time.Second)
	return &out
}

// TokenSource returns a source that keeps t alive with Refresh: pass it to
// auth.TokenSource and WithAuth, and persist new tokens with auth.OnToken.
// A call the platform refuses as expired is retried once with a new token.
func (l *Login) TokenSource(t *oauth2.Token, opts ...auth.LiveOption) *auth.Live {
	return auth.NewLive(t, l.Refresh, append([]auth.LiveOption{auth.Clock(l.api.cfg.now)}, opts...)...)
}

// With returns a copy of the client with more options applied, such as the
// credential a login produced: api.With(snskit.WithAuth(...)).
func (a *API) With(opts ...Option) (*API, error) {
	cfg := a.cfg
	if len(cfg.defaults) > 0 {
		cfg.defaults = make(Params, len(a.cfg.defaults))
		for k, v := range a.cfg.defaults {
			cfg.defaults[k] = v
		}
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if err := checkConfig(a.platform, &cfg); err != nil {
		return nil, err
	}
	return &API{platform: a.platform, cfg: cfg}, nil
}
