package driver

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// Client is the snskit client as platforms see it: its configuration and
// the way it sends side requests (an openid lookup, a token endpoint). Get
// it from a *snskit.API with its Driver method. A Client is safe for
// concurrent use.
type Client interface {
	// Name is the platform's short name.
	Name() string
	// AppID and AppSecret are the application's credentials (WithApp).
	AppID() string
	AppSecret() string
	// Version is the API version configured, or empty.
	Version() string
	// Auth is the client's credential, or nil.
	Auth() auth.Credential
	// Now and Nonce are the client's clock and nonce source.
	Now() time.Time
	Nonce() string
	// Endpoint routes a platform URL to the client's base URL, if any.
	Endpoint(rawURL string) (*url.URL, error)
	// MethodEndpoint is Endpoint of root, then the dotted method's names
	// joined by sep, then suffix, remembered per method, returned as a
	// copy (see Draft.SetMethodURL).
	MethodEndpoint(root, method, sep, suffix string) (url.URL, error)
	// BudgetKey is the package's BudgetKey, remembered for the
	// credentials the client used last (see Draft.BudgetKey).
	BudgetKey(platform, credential string) string
	// HTTPClient returns a copy of the client's HTTP client.
	HTTPClient() *http.Client
	// Send sends a side request and reads its reply once, bounded, with
	// the app secret and secrets masked in errors and logs; step names the
	// request in both.
	Send(ctx context.Context, req *http.Request, step string, secrets ...string) (*Response, error)
	// TokenFromJSON builds a token from a token endpoint's JSON answer:
	// access_token, refresh_token, token_type, and expires_in as a number
	// or a quoted number, the expiry by the client's clock. Every field
	// stays reachable through Token.Extra.
	TokenFromJSON(doc gjson.Result) (*oauth2.Token, error)
	// TokenFromValues does the same for a urlencoded token answer.
	TokenFromValues(v url.Values) (*oauth2.Token, error)
}

// Login is one application's OAuth 2.0 login as an Authorizer sees it.
type Login interface {
	Client
	// RedirectURL is the application's redirect address.
	RedirectURL() string
	// Scopes are the permissions asked for.
	Scopes() []string
	// OAuth2Config returns a golang.org/x/oauth2 configuration with the
	// endpoints routed by the client's base URL; use it with OAuth2Context.
	OAuth2Config(authURL, tokenURL string, style oauth2.AuthStyle) (*oauth2.Config, error)
	// OAuth2Context returns ctx carrying the client's HTTP client for
	// golang.org/x/oauth2, with its User-Agent and logger applied.
	OAuth2Context(ctx context.Context) context.Context
	// TokenError turns an error of golang.org/x/oauth2's token calls into
	// a *Error of the platform classified by classify, secrets masked.
	TokenError(step string, err error, classify func(code string) Class, secrets ...string) error
}

// Authorizer is implemented by platforms that log users in with OAuth 2.0's
// authorization-code flow. snskit.Login calls it; applications use
// snskit.Login.
type Authorizer interface {
	// AuthCodeURL returns the address to send the user to.
	AuthCodeURL(l Login, state string, p *AuthParams) (string, error)
	// Exchange trades the code the redirect brought for a token.
	Exchange(ctx context.Context, l Login, code string, p *AuthParams) (*oauth2.Token, error)
	// Refresh renews t with its refresh token.
	Refresh(ctx context.Context, l Login, t *oauth2.Token) (*oauth2.Token, error)
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
