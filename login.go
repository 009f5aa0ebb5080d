package snskit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// Authorizer is implemented by platforms that log users in with OAuth 2.0's
// authorization-code flow. Login calls it; applications use Login.
type Authorizer interface {
	// AuthCodeURL returns the address to send the user to.
	AuthCodeURL(l *Login, state string, p *AuthParams) (string, error)
	// Exchange trades the code the redirect brought for a token.
	Exchange(ctx context.Context, l *Login, code string, p *AuthParams) (*oauth2.Token, error)
	// Refresh renews t with its refresh token.
	Refresh(ctx context.Context, l *Login, t *oauth2.Token) (*oauth2.Token, error)
}

// AuthParams are the optional parts of a login step.
type AuthParams struct {
	// Extra holds platform parameters: Renren's x_renew, QQ's display, VK's
	// display and v, WeChat's lang...
	Extra url.Values
	// PKCE, when set, adds an RFC 7636 S256 challenge to the authorize URL
	// and the verifier to the exchange, on platforms that accept it.
	PKCE *auth.PKCE
}

// AuthOption sets an optional part of a login step.
type AuthOption func(*AuthParams)

// AuthParam sets a platform parameter of the authorize URL or the exchange:
// AuthParam("display", "mobile"), AuthParam("x_renew", "true").
func AuthParam(key, value string) AuthOption {
	return func(p *AuthParams) {
		if p.Extra == nil {
			p.Extra = url.Values{}
		}
		p.Extra.Set(key, value)
	}
}

// WithPKCE adds an RFC 7636 proof key: pass the same one to AuthCodeURL and
// Exchange. Platforms that do not accept PKCE refuse it with an error.
func WithPKCE(p auth.PKCE) AuthOption {
	return func(ap *AuthParams) { ap.PKCE = &p }
}

func authParams(opts []AuthOption) *AuthParams {
	p := &AuthParams{Extra: url.Values{}}
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
	authz    Authorizer
	redirect string
	scopes   []string
}

// Login returns the OAuth 2.0 login of the client's platform for an
// application (set with WithApp) whose redirect address is redirectURL.
// Every host it talks to follows WithBaseURL, and its requests go through
// the client's HTTP client.
func (a *API) Login(redirectURL string, scopes ...string) (*Login, error) {
	name := a.platform.Name()
	authz, ok := a.platform.(Authorizer)
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

// AppID and AppSecret return the application's credentials.
func (l *Login) AppID() string { return l.api.cfg.appID }

// AppSecret returns the application's secret.
func (l *Login) AppSecret() string { return l.api.cfg.appSecret }

// Now returns the current time of the client's clock.
func (l *Login) Now() time.Time { return l.api.cfg.now() }

// AuthCodeURL returns the address to send the user to. state must be
// unguessable and checked on return: see auth.NewState and auth.CheckState.
func (l *Login) AuthCodeURL(state string, opts ...AuthOption) (string, error) {
	if state == "" {
		return "", fmt.Errorf("snskit: %s login: an empty state; pass auth.NewState() and keep it to check the redirect", l.api.platform.Name())
	}
	return l.authz.AuthCodeURL(l, state, authParams(opts))
}

// Exchange trades the code of the redirect for a token. Platform errors are
// *Error values (a reused or expired code, a wrong secret...).
func (l *Login) Exchange(ctx context.Context, code string, opts ...AuthOption) (*oauth2.Token, error) {
	if code == "" {
		return nil, fmt.Errorf("snskit: %s login: the redirect carries no code; the user may have denied access", l.api.platform.Name())
	}
	tok, err := l.authz.Exchange(contextOrBackground(ctx), l, code, authParams(opts))
	return l.clockExpiry(tok), err
}

// Refresh renews t with its refresh token.
func (l *Login) Refresh(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
	if t == nil || t.RefreshToken == "" {
		return nil, fmt.Errorf("snskit: %s login: the token has no refresh token; log in again", l.api.platform.Name())
	}
	tok, err := l.authz.Refresh(contextOrBackground(ctx), l, t)
	return l.clockExpiry(tok), err
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

// Endpoint routes a platform URL as the client's calls are (WithBaseURL).
func (l *Login) Endpoint(rawURL string) (*url.URL, error) { return l.api.Endpoint(rawURL) }

// OAuth2Config returns a golang.org/x/oauth2 configuration for platforms
// that speak standard OAuth 2.0, with the endpoints routed by WithBaseURL.
// Use it with OAuth2Context so that it sends through the client's HTTP
// client.
func (l *Login) OAuth2Config(authURL, tokenURL string, style oauth2.AuthStyle) (*oauth2.Config, error) {
	au, err := l.Endpoint(authURL)
	if err != nil {
		return nil, err
	}
	tu, err := l.Endpoint(tokenURL)
	if err != nil {
		return nil, err
	}
	return &oauth2.Config{
		ClientID:     l.api.cfg.appID,
		ClientSecret: l.api.cfg.appSecret,
		RedirectURL:  l.redirect,
		Scopes:       l.Scopes(),
		Endpoint:     oauth2.Endpoint{AuthURL: au.String(), TokenURL: tu.String(), AuthStyle: style},
	}, nil
}

// OAuth2Context returns ctx carrying the client's HTTP client for
// golang.org/x/oauth2, with the client's User-Agent and logger applied to
// its requests.
func (l *Login) OAuth2Context(ctx context.Context) context.Context {
	c := l.api.HTTPClient()
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = &loginTransport{api: l.api, base: base}
	return context.WithValue(contextOrBackground(ctx), oauth2.HTTPClient, c)
}

// loginTransport sets the User-Agent of golang.org/x/oauth2's requests and
// logs them like the client's own, with secrets masked.
type loginTransport struct {
	api  *API
	base http.RoundTripper
}

func (t *loginTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.api.cfg.userAgent)
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	t.api.log(req, t.api.platform.Name(), "oauth2", status, start, err, []string{t.api.cfg.appSecret})
	return resp, err
}

// Send sends a request of the login flow (a token endpoint a platform
// answers in its own way) and reads the reply once, bounded, with the app
// secret and extra secrets masked in errors and logs.
func (l *Login) Send(ctx context.Context, req *http.Request, step string, secrets ...string) (*Response, error) {
	return l.api.Send(ctx, req, step, secrets...)
}

// Send sends a side request of a platform (an openid lookup, a session-key
// exchange) through the client: its HTTP client, User-Agent, logger and
// body limit. The reply is read once and returned unparsed; step names the
// request in errors and logs; the app secret and secrets are masked in both.
func (a *API) Send(ctx context.Context, req *http.Request, step string, secrets ...string) (*Response, error) {
	return a.send(req.WithContext(contextOrBackground(ctx)), a.platform.Name(), step,
		append(secrets, a.cfg.appSecret))
}

// TokenFromJSON is API.TokenFromJSON.
func (l *Login) TokenFromJSON(doc gjson.Result) (*oauth2.Token, error) {
	return l.api.TokenFromJSON(doc)
}

// TokenFromValues is API.TokenFromValues.
func (l *Login) TokenFromValues(v url.Values) (*oauth2.Token, error) { return l.api.TokenFromValues(v) }

// TokenFromJSON builds a token from a token endpoint's JSON answer:
// access_token, refresh_token, token_type, and expires_in as a number or a
// quoted number (0 or absent: no expiry), the expiry by the client's clock.
// Every field stays reachable through Token.Extra (openid, unionid,
// user_id, email, Renren's user...).
func (a *API) TokenFromJSON(doc gjson.Result) (*oauth2.Token, error) {
	fields, ok := doc.Value().(map[string]any)
	if !ok || doc.Get("access_token").String() == "" {
		return nil, errors.New("the token answer has no access_token")
	}
	return a.token(doc.Get("access_token").String(), doc.Get("refresh_token").String(),
		doc.Get("token_type").String(), doc.Get("expires_in").String(), fields)
}

// TokenFromValues builds a token from a urlencoded token answer (QQ's), like
// TokenFromJSON.
func (a *API) TokenFromValues(v url.Values) (*oauth2.Token, error) {
	if v.Get("access_token") == "" {
		return nil, errors.New("the token answer has no access_token")
	}
	fields := make(map[string]any, len(v))
	for k := range v {
		fields[k] = v.Get(k)
	}
	return a.token(v.Get("access_token"), v.Get("refresh_token"), v.Get("token_type"), v.Get("expires_in"), fields)
}

func (a *API) token(access, refresh, typ, expiresIn string, fields map[string]any) (*oauth2.Token, error) {
	t := &oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: typ}
	if expiresIn != "" {
		secs, err := strconv.ParseInt(strings.TrimSpace(expiresIn), 10, 64)
		if err != nil || secs < 0 {
			return nil, fmt.Errorf("the token answer's expires_in %q is not a number of seconds", expiresIn)
		}
		if secs > 0 {
			t.Expiry = a.cfg.now().Add(time.Duration(secs) * time.Second)
			t.ExpiresIn = secs
		}
	}
	return t.WithExtra(fields), nil
}

// TokenError turns an error of golang.org/x/oauth2's token endpoint calls
// into a *Error of the platform, classified by classify (given the OAuth
// error code, such as "invalid_grant"), with secrets masked. Other errors
// are returned as they are.
func (l *Login) TokenError(step string, err error, classify func(code string) Class, secrets ...string) error {
	secrets = append(secrets, l.api.cfg.appSecret)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var ue *url.Error
		if errors.As(err, &ue) {
			return &TransportError{Platform: l.api.platform.Name(), Method: step, Err: scrubError(err, secrets)}
		}
		return err
	}
	e := &Error{Platform: l.api.platform.Name(), Method: step, Code: re.ErrorCode, Message: re.ErrorDescription}
	if re.Response != nil {
		e.HTTPStatus = re.Response.StatusCode
	}
	if gjson.ValidBytes(re.Body) {
		e.Detail = gjson.Parse(RedactJSON(string(re.Body)))
	}
	if e.Code == "" {
		e.Code = "http " + strconv.Itoa(e.HTTPStatus)
	}
	if classify != nil {
		e.Class = classify(e.Code)
	}
	e.Message = Redact(e.Message, secrets)
	return e
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
	return &API{platform: a.platform, cfg: cfg}, nil
}
