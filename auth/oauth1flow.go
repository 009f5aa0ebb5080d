package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultOAuth1MaxBody bounds the replies of an OAuth1Flow unless its
// MaxBody says otherwise.
const DefaultOAuth1MaxBody = 1 << 20

// OAuth1Flow is the three-legged OAuth 1.0a flow (RFC 5849 section 2):
//
//	token, secret, err := flow.RequestToken(ctx)       // temporary credentials
//	u, err := flow.AuthorizationURL(token)              // send the user there
//	// ... the callback brings oauth_token and oauth_verifier back
//	cred, err := flow.AccessToken(ctx, token, secret, verifier)
//
// Requests are POSTed with their oauth_* parameters, signed with HMAC-SHA1
// (OAuth1.Sign), in an "Authorization: OAuth" header; answers are
// form-encoded (oauth_token, oauth_token_secret, oauth_callback_confirmed).
// Errors never show the consumer secret, tokens, token secrets or the
// verifier. Fill in the fields, then do not change them: a flow is then
// safe for concurrent use. It masks the consumer secret when printed.
type OAuth1Flow struct {
	// ConsumerKey and ConsumerSecret are the application's credentials.
	ConsumerKey, ConsumerSecret string
	// RequestTokenURL, AuthorizeURL and AccessTokenURL are the platform's
	// endpoints for temporary credentials, the user's approval, and token
	// credentials.
	RequestTokenURL, AuthorizeURL, AccessTokenURL string
	// Callback is where the platform sends the user back after approval;
	// empty means "oob" (the platform shows the verifier to the user).
	Callback string
	// RequestParams are more parameters sent, and signed, with the request
	// for temporary credentials, such as a scope.
	RequestParams url.Values
	// HTTPClient sends the requests (http.DefaultClient when nil).
	HTTPClient *http.Client
	// Now and Nonce give oauth_timestamp and oauth_nonce (time.Now and 32
	// random hex digits when nil); fixed ones make signatures reproducible.
	Now   func() time.Time
	Nonce func() string
	// MaxBody bounds a reply's size (DefaultOAuth1MaxBody when 0).
	MaxBody int64
	// CheckReply, when set, sees every reply first, with the flow's secrets
	// masked in body, and may turn it into the platform's own error.
	CheckReply func(step string, status int, header http.Header, body []byte) error
}

// RequestToken asks for temporary credentials (a request token and its
// secret), sending oauth_callback.
func (f *OAuth1Flow) RequestToken(ctx context.Context) (token, secret string, err error) {
	cb := f.Callback
	if cb == "" {
		cb = "oob"
	}
	v, err := f.post(ctx, "request token", f.RequestTokenURL, &OAuth1{ConsumerKey: f.ConsumerKey, ConsumerSecret: f.ConsumerSecret},
		f.RequestParams, map[string]string{"oauth_callback": cb})
	if err != nil {
		return "", "", err
	}
	if c := v.Get("oauth_callback_confirmed"); c != "" && c != "true" {
		return "", "", fmt.Errorf("auth: oauth1 request token: the platform did not confirm the callback (oauth_callback_confirmed=%q)", c)
	}
	return v.Get("oauth_token"), v.Get("oauth_token_secret"), nil
}

// AuthorizationURL returns the address to send the user to, to approve the
// request token.
func (f *OAuth1Flow) AuthorizationURL(requestToken string) (string, error) {
	if requestToken == "" {
		return "", errors.New("auth: oauth1 authorization URL: empty request token; get one with RequestToken")
	}
	u, err := url.Parse(f.AuthorizeURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("auth: oauth1 authorization URL: AuthorizeURL %q is not an absolute URL", f.AuthorizeURL)
	}
	q := u.Query()
	q.Set("oauth_token", requestToken)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// AccessToken trades an approved request token and the verifier the
// callback brought (oauth_verifier) for token credentials, returned as a
// credential ready for calls.
func (f *OAuth1Flow) AccessToken(ctx context.Context, requestToken, requestSecret, verifier string) (*OAuth1, error) {
	if requestToken == "" || verifier == "" {
		return nil, errors.New("auth: oauth1 access token: needs the request token and the oauth_verifier the callback brought")
	}
	c := &OAuth1{ConsumerKey: f.ConsumerKey, ConsumerSecret: f.ConsumerSecret, Token: requestToken, TokenSecret: requestSecret}
	v, err := f.post(ctx, "access token", f.AccessTokenURL, c, nil, map[string]string{"oauth_verifier": verifier}, verifier)
	if err != nil {
		return nil, err
	}
	return OAuth1Token(f.ConsumerKey, f.ConsumerSecret, v.Get("oauth_token"), v.Get("oauth_token_secret")), nil
}

// post sends one signed request of the flow and reads its form-encoded
// answer, which must hold oauth_token and oauth_token_secret.
func (f *OAuth1Flow) post(ctx context.Context, step, endpoint string, c *OAuth1, params url.Values, extra map[string]string, more ...string) (url.Values, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.ConsumerKey == "" {
		return nil, fmt.Errorf("auth: oauth1 %s: the flow has no ConsumerKey", step)
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("auth: oauth1 %s: endpoint %q is not an absolute URL", step, endpoint)
	}
	secrets := append([]string{f.ConsumerSecret, c.Token, c.TokenSecret}, more...)
	now, nonce := time.Now, f.Nonce
	if f.Now != nil {
		now = f.Now
	}
	if nonce == nil {
		nonce = oauth1Nonce
	}
	oauth := c.Sign(http.MethodPost, u, params, now().Unix(), nonce(), extra)
	body := params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("auth: oauth1 %s: %v", step, err)
	}
	req.Header.Set("Authorization", AuthorizationHeader(oauth))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := f.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auth: oauth1 %s: %w", step, err)
	}
	defer resp.Body.Close()
	limit := f.MaxBody
	if limit <= 0 {
		limit = DefaultOAuth1MaxBody
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("auth: oauth1 %s: reading the reply: %v", step, err)
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("auth: oauth1 %s: the reply is larger than %d bytes", step, limit)
	}
	masked := oauth1MaskAll(oauth1MaskForm(string(raw)), secrets)
	if f.CheckReply != nil {
		if err := f.CheckReply(step, resp.StatusCode, resp.Header, []byte(masked)); err != nil {
			return nil, err
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("auth: oauth1 %s: http %d: %s", step, resp.StatusCode, oauth1Snippet(masked))
	}
	v, err := url.ParseQuery(strings.TrimSpace(string(raw)))
	if err != nil || v.Get("oauth_token") == "" || v.Get("oauth_token_secret") == "" {
		return nil, fmt.Errorf("auth: oauth1 %s: the reply is not a form-encoded oauth_token and oauth_token_secret: %s", step, oauth1Snippet(masked))
	}
	return v, nil
}

// String masks the consumer secret.
func (f OAuth1Flow) String() string {
	return "auth.OAuth1Flow{consumer: " + f.ConsumerKey + ", request token URL: " + f.RequestTokenURL + "}"
}

// GoString masks the consumer secret.
func (f OAuth1Flow) GoString() string { return f.String() }

// Format prints String whatever the verb.
func (f OAuth1Flow) Format(s fmt.State, verb rune) { io.WriteString(s, f.String()) }

// oauth1MaskAll masks every occurrence of secrets (of 4 bytes or more) in s,
// raw and query- or path-escaped (a form-encoded answer echoes them
// escaped: OAuth 1.0a secrets often hold '+', '/' and '=').
func oauth1MaskAll(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			for _, form := range []string{url.QueryEscape(sec), url.PathEscape(sec), sec} {
				s = strings.ReplaceAll(s, form, Mask(sec))
			}
		}
	}
	return s
}

// oauth1MaskForm masks the values of oauth_token and oauth_token_secret in a
// form-encoded answer, whatever separates its pairs.
func oauth1MaskForm(s string) string {
	for _, k := range []string{"oauth_token_secret=", "oauth_token="} {
		for i := 0; ; {
			j := strings.Index(s[i:], k)
			if j < 0 {
				break
			}
			start := i + j + len(k)
			end := start + strings.IndexAny(s[start:]+"&", "&; \r\n\"")
			s = s[:start] + Mask(s[start:end]) + s[end:]
			i = start + 1
		}
	}
	return s
}

// oauth1Snippet returns the start of a reply for an error message.
func oauth1Snippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return strconv.Quote(s)
}

func oauth1Nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
