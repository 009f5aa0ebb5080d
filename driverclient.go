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
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/internal/jsonscan"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// Driver returns the client as platforms see it (package driver): its
// configuration and its side requests. Applications do not need it; a
// platform's own helpers that take a *API (platforms.VKDirectAuth...) do.
func (a *API) Driver() driver.Client { return apiClient{a} }

// Driver returns the login as a platform's driver.Authorizer sees it.
func (l *Login) Driver() driver.Login { return loginClient{apiClient{l.api}, l} }

// apiClient is an API seen through driver.Client.
type apiClient struct{ a *API }

func (c apiClient) Name() string                             { return c.a.platform.Name() }
func (c apiClient) AppID() string                            { return c.a.cfg.appID }
func (c apiClient) AppSecret() string                        { return c.a.cfg.appSecret }
func (c apiClient) Version() string                          { return c.a.cfg.version }
func (c apiClient) Auth() auth.Credential                    { return c.a.cfg.auth }
func (c apiClient) Now() time.Time                           { return c.a.cfg.now() }
func (c apiClient) Nonce() string                            { return c.a.cfg.nonce() }
func (c apiClient) HTTPClient() *http.Client                 { return c.a.httpClient() }
func (c apiClient) Endpoint(rawURL string) (*url.URL, error) { return c.a.endpoint(rawURL) }
func (c apiClient) BudgetKey(platform, credential string) string {
	return c.a.budgetKeys.key(platform, credential)
}
func (c apiClient) MethodEndpoint(root, method, sep, suffix string) (url.URL, error) {
	return c.a.methodEndpoint(root, method, sep, suffix)
}

// loginClient is a Login seen through driver.Login.
type loginClient struct {
	apiClient
	l *Login
}

func (lc loginClient) RedirectURL() string { return lc.l.redirect }
func (lc loginClient) Scopes() []string    { return lc.l.Scopes() }

// OAuth2Config returns a golang.org/x/oauth2 configuration for platforms
// that speak standard OAuth 2.0, with the endpoints routed by WithBaseURL.
// Use it with OAuth2Context so that it sends through the client's HTTP
// client.
func (lc loginClient) OAuth2Config(authURL, tokenURL string, style oauth2.AuthStyle) (*oauth2.Config, error) {
	l := lc.l
	au, err := l.api.endpoint(authURL)
	if err != nil {
		return nil, err
	}
	tu, err := l.api.endpoint(tokenURL)
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
func (lc loginClient) OAuth2Context(ctx context.Context) context.Context {
	l := lc.l
	c := l.api.httpClient()
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

// Send sends a side request of a platform (an openid lookup, a session-key
// exchange) through the client: its HTTP client, User-Agent, logger and
// body limit. The reply is read once and returned unparsed; step names the
// request in errors and logs; the app secret and secrets are masked in both.
func (c apiClient) Send(ctx context.Context, req *http.Request, step string, secrets ...string) (*Response, error) {
	a := c.a
	return a.send(req.WithContext(contextOrBackground(ctx)), a.platform.Name(), step,
		append(secrets, a.cfg.appSecret))
}

// TokenFromJSON builds a token from a token endpoint's JSON answer:
// access_token, refresh_token, token_type, and expires_in as a number or a
// quoted number (0 or absent: no expiry), the expiry by the client's clock.
// Every field stays reachable through Token.Extra (openid, unionid,
// user_id, email, Renren's user...).
func (c apiClient) TokenFromJSON(doc gjson.Result) (*oauth2.Token, error) {
	fields := driver.ObjectFields(doc)
	if fields == nil || doc.Get("access_token").String() == "" {
		return nil, errors.New("the token answer has no access_token")
	}
	return c.a.token(doc.Get("access_token").String(), doc.Get("refresh_token").String(),
		doc.Get("token_type").String(), doc.Get("expires_in").String(), fields)
}

// TokenFromValues builds a token from a urlencoded token answer (QQ's), like
// TokenFromJSON.
func (c apiClient) TokenFromValues(v url.Values) (*oauth2.Token, error) {
	if v.Get("access_token") == "" {
		return nil, errors.New("the token answer has no access_token")
	}
	fields := make(map[string]any, len(v))
	for k := range v {
		fields[k] = v.Get(k)
	}
	return c.a.token(v.Get("access_token"), v.Get("refresh_token"), v.Get("token_type"), v.Get("expires_in"), fields)
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
// error code, such as "invalid_grant"), with secrets masked. A successful
// answer x/oauth2 cannot read (not JSON, nested too deep, no access_token)
// becomes a *ReplyError, a failure to reach the endpoint a *TransportError;
// other errors are returned as they are.
func (lc loginClient) TokenError(step string, err error, classify func(code string) Class, secrets ...string) error {
	l := lc.l
	secrets = append(secrets, l.api.cfg.appSecret)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var ue *url.Error
		if errors.As(err, &ue) {
			return &driver.TransportError{Platform: l.api.platform.Name(), Method: step, Err: driver.ScrubError(err, secrets)}
		}
		if msg := err.Error(); strings.HasPrefix(msg, "oauth2: cannot parse") || strings.HasPrefix(msg, "oauth2: server response missing") {
			// x/oauth2 reads at most 1 MiB of the answer and parses it with
			// encoding/json, which stops at 10,000 levels of nesting.
			return &driver.ReplyError{Platform: l.api.platform.Name(), Method: step,
				Reason: "the token endpoint's answer cannot be read (" + driver.Redact(strings.TrimPrefix(msg, "oauth2: "), secrets) + ")"}
		}
		return err
	}
	e := &driver.Error{Platform: l.api.platform.Name(), Method: step, Code: re.ErrorCode, Message: re.ErrorDescription}
	if re.Response != nil {
		e.HTTPStatus = re.Response.StatusCode
	}
	if body := string(re.Body); jsonscan.Valid(body) == nil {
		e.Detail = gjson.Parse(body)
	}
	if e.Code == "" {
		e.Code = "http " + strconv.Itoa(e.HTTPStatus)
	}
	if classify != nil {
		e.Class = classify(e.Code)
	}
	return driver.ScrubError(e, secrets)
}
