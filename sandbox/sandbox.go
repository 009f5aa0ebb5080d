// Package sandbox is an offline emulator of the wire protocols of every
// platform snskit speaks: VK, Renren (API 1.0 and 2.0), WeChat web login,
// QQ Connect and Kaixin001. It is to social-platform clients what
// net/http/httptest is to servers: start one, point a client at it, and test
// against replies shaped like the real ones, with no account and no network.
//
//	s, err := sandbox.New()
//	if err != nil { ... }
//	defer s.Close()
//	api, _ := snskit.New(platforms.VK(),
//		snskit.WithBaseURL(s.URL("vk")),
//		snskit.WithAuth(auth.Token(s.Token("vk").AccessToken)))
//
// The sandbox is written from the platforms' documentation (PLATFORMS.md in
// the snskit repository), independently of the client: it imports none of
// snskit's platform, encoding or signing code, so a wire bug cannot hide on
// both sides.
//
// Every platform is served under its own base URL (URL), which stands for all
// of that platform's hosts at once: /vk/method/users.get is api.vk.ru's
// /method/users.get, /vk/authorize is oauth.vk.ru's /authorize. Renren API 1.0
// and 2.0 share one base URL, as they share hosts and tokens upstream.
//
// A Server is safe for concurrent use. Its clock is injectable (WithClock), so
// tests can expire tokens and codes without sleeping.
package sandbox

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Platform names accepted by URL, App, Token and IssueToken.
const (
	VK      = "vk"
	Renren  = "renren"
	Renren1 = "renren1"
	Weixin  = "weixin"
	QQ      = "qq"
	Kaixin  = "kaixin"
)

// App is the registered test application of a platform: the app key or
// client id, and its secret.
type App struct {
	ID     string
	Secret string
}

// Credentials is what a user of a platform holds after logging in. Fields a
// platform does not use are empty.
type Credentials struct {
	AccessToken  string
	RefreshToken string
	// ExpiresAt is zero for tokens that never expire.
	ExpiresAt time.Time
	// OpenID identifies the user on QQ and WeChat.
	OpenID string
	// UserID is the user's numeric id as the platform writes it.
	UserID string
	// TokenSecret is the OAuth 1.0a token secret (Kaixin).
	TokenSecret string
	// SessionKey is the legacy session key (Renren 1.0, Kaixin).
	SessionKey string
	// Scope is the granted scope, as the platform writes it.
	Scope string
}

// TokenOptions shape a token issued by IssueToken.
type TokenOptions struct {
	// TTL is the access token's lifetime; zero means the platform's usual
	// lifetime, a negative value a token that is already expired.
	TTL time.Duration
	// Scope lists granted permissions; nil means every scope.
	Scope []string
	// GroupID, on VK, makes a community token for that group.
	GroupID int64
	// Service, on VK, makes a service (app) token.
	Service bool
	// OAuth1, on Kaixin, makes an OAuth 1.0a token and secret.
	OAuth1 bool
	// UserID picks the user; empty means the default user.
	UserID string
}

// Request is one request the sandbox served, for tests to inspect.
type Request struct {
	Platform string
	Method   string
	// Path is the path below the platform's base URL.
	Path   string
	Query  string
	Header http.Header
	// Form holds the query and body parameters; file parts are listed by
	// field name with their file name as value.
	Form   map[string][]string
	Status int
	// Time is when the request arrived, by the sandbox's clock (WithClock).
	Time time.Time
	// Token is the credential the request carried (see record.go): an
	// access_token parameter, a Bearer header, a session_key or an OAuth
	// 1.0a oauth_token; "" when none.
	Token string
	// Error is the platform's error code of the reply as text ("6" for VK's
	// rate limit, "invalid_authorization.INVALID-TOKEN" on Renren 2.0,
	// "40001" on WeChat, "100015" on QQ, "40102" on Kaixin, "invalid_grant"
	// from an OAuth endpoint); "" for a reply that is no error.
	Error string
}

// Option configures a Server.
type Option func(*config) error

type config struct {
	addr      string
	stateFile string
	clock     func() time.Time
	tuning
}

// WithAddr makes the server listen on addr (host:port) instead of a free
// loopback port.
func WithAddr(addr string) Option {
	return func(c *config) error {
		if addr == "" {
			return errors.New("sandbox: empty listen address")
		}
		c.addr = addr
		return nil
	}
}

// WithClock sets the clock the sandbox uses for token and code lifetimes,
// rate limits and timestamps. now must be safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("sandbox: nil clock")
		}
		c.clock = now
		return nil
	}
}

// platform is implemented by each emulated platform.
type platform interface {
	http.Handler
	app() App
	issue(o TokenOptions) (Credentials, error)
}

// env is what every emulated platform shares with the server.
type env struct {
	now func() time.Time
	tuning
}

// Server is a running sandbox.
type Server struct {
	srv       *httptest.Server
	platforms map[string]platform
	env       *env
	stateFile string // WithStateFile, or empty

	mu   sync.Mutex
	reqs []Request
}

// New starts a sandbox on a loopback address.
func New(opts ...Option) (*Server, error) {
	cfg := config{clock: time.Now, tuning: defaultTuning()}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	e := &env{now: cfg.clock, tuning: cfg.tuning}
	s := &Server{env: e, stateFile: cfg.stateFile}
	renren := newRenren(e)
	s.platforms = map[string]platform{
		VK:     newVK(e),
		Renren: renren,
		Weixin: newWeixin(e),
		QQ:     newQQ(e),
		Kaixin: newKaixin(e),
	}
	if s.stateFile != "" {
		if err := s.loadState(); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	for name, p := range s.platforms {
		mux.Handle("/"+name+"/", s.record(name, http.StripPrefix("/"+name, p)))
	}
	srv := httptest.NewUnstartedServer(mux)
	if cfg.addr != "" {
		l, err := net.Listen("tcp", cfg.addr)
		if err != nil {
			return nil, fmt.Errorf("sandbox: listen on %s: %w", cfg.addr, err)
		}
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	s.srv = srv
	return s, nil
}

// Close stops the server and waits for running requests to finish. Waiting
// long-poll requests are answered at once and background deliveries (VK
// callbacks) stop; no goroutine of the sandbox outlives Close. A sandbox
// with a state file (WithStateFile) then saves its state; call SaveState
// first to see whether saving works.
func (s *Server) Close() {
	for _, p := range s.platforms {
		if c, ok := p.(interface{ close() }); ok {
			c.close()
		}
	}
	s.srv.Close()
	_ = s.SaveState() // SaveState reports errors to callers who ask
}

// URL returns the base URL that stands for all of a platform's hosts, to be
// given to the client's base URL option. "renren1" and "wechat" are accepted
// as aliases. It panics on an unknown platform name, as a test helper does.
func (s *Server) URL(platform string) string {
	return s.srv.URL + "/" + s.lookupName(platform)
}

// App returns the platform's registered test application.
func (s *Server) App(platform string) App {
	return s.platforms[s.lookupName(platform)].app()
}

// Token returns fresh credentials of the default user with every scope and
// the platform's usual lifetime.
func (s *Server) Token(platform string) Credentials {
	c, err := s.IssueToken(platform, TokenOptions{})
	if err != nil {
		panic(err)
	}
	return c
}

// IssueToken issues credentials shaped by o.
func (s *Server) IssueToken(platform string, o TokenOptions) (Credentials, error) {
	return s.platforms[s.lookupName(platform)].issue(o)
}

// Platforms lists the platform names the sandbox serves, sorted.
func (s *Server) Platforms() []string {
	names := make([]string, 0, len(s.platforms))
	for n := range s.platforms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Requests returns a copy of the requests served so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// ResetRequests forgets the requests served so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

func (s *Server) lookupName(platform string) string {
	name := strings.ToLower(platform)
	switch name {
	case Renren1:
		name = Renren
	case "wechat":
		name = Weixin
	}
	if _, ok := s.platforms[name]; !ok {
		panic(fmt.Sprintf("sandbox: unknown platform %q", platform))
	}
	return name
}
