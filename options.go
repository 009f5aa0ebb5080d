package snskit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
)

// Option configures an API. Each option checks its input and makes New fail
// with a clear error when it is unusable.
type Option func(*config) error

type config struct {
	client    *http.Client
	baseURL   *url.URL
	userAgent string
	logger    *slog.Logger
	auth      auth.Credential
	appID     string
	appSecret string
	version   string
	defaults  Params
	maxBody   int64
	now       func() time.Time
	nonce     func() string
	limiter   Limiter
	rate      *Limit // WithRateLimit: replaces the platform's budgets
	rateOff   bool   // WithoutRateLimit
	retries   int
	retryBase time.Duration
	challenge ChallengeHandler
	batcher   *batcher
	checks    CheckMode // WithCatalogChecks
}

func defaultConfig() config {
	return config{
		client:    guardRedirects(&http.Client{}),
		userAgent: "snskit/" + Version + " (+https://github.com/snskit/snskit)",
		maxBody:   DefaultMaxBodySize,
		now:       time.Now,
		nonce:     randomNonce,
		limiter:   NewLocalLimiter(),
		retries:   DefaultRetries,
		retryBase: DefaultRetryBase,
	}
}

// WithAuth sets the credential placed on every call: auth.Token,
// auth.TokenSource, auth.OAuth1Token or auth.Session.
func WithAuth(c auth.Credential) Option {
	return func(cfg *config) error {
		if c == nil {
			return errors.New("snskit: WithAuth(nil); pass a credential such as auth.Token(accessToken)")
		}
		cfg.auth = c
		return nil
	}
}

// WithHTTPClient sends requests with a copy of c (its Transport, Timeout,
// Jar and CheckRedirect); c itself is never changed. The default is a client
// on http.DefaultTransport, which reuses connections.
func WithHTTPClient(c *http.Client) Option {
	return func(cfg *config) error {
		if c == nil {
			return errors.New("snskit: WithHTTPClient(nil); leave the option out to use the default client")
		}
		cp := *c
		guardRedirects(&cp)
		cfg.client = &cp
		return nil
	}
}

// guardRedirects makes c refuse redirects that change the host or leave
// https: a 307 or 308 would re-send a body that carries tokens, secrets or
// a password to wherever the Location points.
func guardRedirects(c *http.Client) *http.Client {
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		prev := via[len(via)-1].URL
		if req.URL.Host != prev.Host || prev.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("refusing a redirect from %s to another host or to plain http", prev.Host)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return c
}

// WithBaseURL routes every host of the platform (API, OAuth, upload) to one
// base URL, for tests, the sandbox and proxies: with base
// "http://127.0.0.1:8080/vk", https://api.vk.ru/method/users.get is sent to
// http://127.0.0.1:8080/vk/method/users.get.
func WithBaseURL(base string) Option {
	return func(cfg *config) error {
		u, err := url.Parse(base)
		if err != nil {
			return fmt.Errorf("snskit: WithBaseURL(%q): %w", base, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("snskit: WithBaseURL(%q): want an absolute http or https URL such as http://127.0.0.1:8080/vk", base)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("snskit: WithBaseURL(%q): the base URL cannot carry a query, fragment or user info", base)
		}
		cfg.baseURL = u
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(cfg *config) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return fmt.Errorf("snskit: WithUserAgent(%q): want a non-empty single line", ua)
		}
		cfg.userAgent = ua
		return nil
	}
}

// WithLogger logs one line per request at debug level (platform, method,
// verb, URL with secrets masked, status, time taken). No logging by default.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("snskit: WithLogger(nil); leave the option out for no logging")
		}
		cfg.logger = l
		return nil
	}
}

// WithApp sets the application's key and secret: VK client id, QQ app id,
// WeChat appid, Renren or Kaixin app key. Platforms use them where their
// rules say (QQ's oauth_consumer_key, Renren 1.0's sig and api_key...).
// Either may be empty when no rule of the call needs it (Renren 1.0 signs
// access-token calls with the secret alone); a call or login that needs
// the missing one is refused with an error naming it.
func WithApp(id, secret string) Option {
	return func(cfg *config) error {
		if id == "" && secret == "" {
			return errors.New("snskit: WithApp needs the application's id or key, its secret, or both")
		}
		if id != "" && strings.TrimSpace(id) == "" {
			return fmt.Errorf("snskit: WithApp(%q, ...): the application's id is blank; pass it as the platform shows it, or \"\" when only the secret is needed", id)
		}
		cfg.appID, cfg.appSecret = id, secret
		return nil
	}
}

// WithAPIVersion sets the API version sent with every call where the
// platform has one (VK's v, default 5.199). A call's own "v" parameter wins.
func WithAPIVersion(v string) Option {
	return func(cfg *config) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("snskit: WithAPIVersion(\"\"); leave the option out for the platform's default")
		}
		cfg.version = v
		return nil
	}
}

// WithParams sets parameters sent with every call, such as VK's lang; a
// call's own parameters win. They are checked as a call's would be.
func WithParams(p Params) Option {
	return func(cfg *config) error {
		if _, _, err := encodeParams(p, driver.Style{}); err != nil {
			return fmt.Errorf("snskit: WithParams: %w", err)
		}
		for _, v := range p {
			if _, ok := v.(File); ok {
				return errors.New("snskit: WithParams cannot hold a File; pass files with each call")
			}
		}
		cfg.defaults = make(Params, len(p))
		for k, v := range p {
			cfg.defaults[k] = v
		}
		return nil
	}
}

// WithMaxBodySize bounds the size of a reply body (DefaultMaxBodySize, 16
// MiB, by default). A larger reply is an error, never read whole.
func WithMaxBodySize(n int64) Option {
	return func(cfg *config) error {
		if n <= 0 {
			return fmt.Errorf("snskit: WithMaxBodySize(%d): want a positive number of bytes", n)
		}
		cfg.maxBody = n
		return nil
	}
}

// WithClock sets the clock used for timestamps (Renren 1.0's call_id,
// OAuth 1.0a's oauth_timestamp); with WithNonce it makes signed requests
// reproducible in tests. now must be safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return func(cfg *config) error {
		if now == nil {
			return errors.New("snskit: WithClock(nil)")
		}
		cfg.now = now
		return nil
	}
}

// WithNonce sets the source of OAuth 1.0a nonces (32 random hex digits by
// default). nonce must be safe for concurrent use.
func WithNonce(nonce func() string) Option {
	return func(cfg *config) error {
		if nonce == nil {
			return errors.New("snskit: WithNonce(nil)")
		}
		cfg.nonce = nonce
		return nil
	}
}

func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
