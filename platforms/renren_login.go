package platforms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
)

// Renren's OAuth 2.0 login, shared by API 2.0 (Renren) and API 1.0
// (Renren1): both log in at graph.renren.com and use the same tokens.
// Docs: http://wiki.dev.renren.com/wiki/Authentication (offline upstream;
// web archives and the renrenpy SDK are the remaining references).
//
//   - Authorize: https://graph.renren.com/oauth/authorize with client_id,
//     redirect_uri, response_type=code, scope (space-separated) and state.
//     Extras ride on snskit.AuthParam: x_renew=true forces the user to log
//     in again (the seed's force_relogin), display picks the page's look
//     (page, popup, touch...). Any other extra is passed through; the
//     parameters the login sets itself are refused.
//   - Token: POST https://graph.renren.com/oauth/token, form-encoded with
//     client_id and client_secret, grant_type=authorization_code or
//     refresh_token, through golang.org/x/oauth2. The answer's user
//     {id, name, avatar:[{type,url}]} stays reachable as
//     tok.Extra("user"); RenrenUser reads its id and name.
//   - Errors {"error","error_code","error_description"} are *snskit.Error
//     values whose Code is the "error" string: invalid_grant (a wrong,
//     used or expired code) is ErrBadParams on the exchange and
//     ErrTokenInvalid on a refresh (log in again); invalid_client and the
//     other request errors are ErrBadParams.
//   - PKCE is not part of Renren's OAuth: snskit.WithPKCE is refused.
//   - Session keys for API 1.0: RenrenSessionKey trades an access token for
//     a legacy session key.
//
// The seed's flow (renrenpy's get_authorize_url, request_access_token,
// refresh_token) in Go:
//
//	api, _ := snskit.New(platforms.Renren(), snskit.WithApp(appKey, appSecret))
//	login, _ := api.Login(redirectURI, "status_update", "photo_upload", "read_user_status")
//	state := auth.NewState() // keep it in the user's session
//	u, _ := login.AuthCodeURL(state, snskit.AuthParam("x_renew", "true")) // force_relogin=True
//	// redirect the user to u; on return:
//	if err := auth.CheckState(state, r.FormValue("state")); err != nil { ... }
//	tok, err := login.Exchange(ctx, r.FormValue("code"))
//	id, name := platforms.RenrenUser(tok)
//	live := login.TokenSource(tok, auth.OnToken(save)) // refresh_token(...) when needed
//	client, _ := api.With(snskit.WithAuth(auth.TokenSource(live)))
//	user, err := client.NS("user").M("get").Do(snskit.Params{"userId": id})
//
// The seed's version=1 is platforms.Renren1() in place of platforms.Renren():
// the login is the same.

// renrenSessionKeyPath is the graph.renren.com page that trades an access
// token for an API 1.0 session key.
const renrenSessionKeyPath = "/renren_api/session_key"

// AuthCodeURL implements driver.Authorizer.
func (renren) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	if p.PKCE != nil {
		return "", renrenNoPKCE(l)
	}
	conf, err := renrenConfig(l)
	if err != nil {
		return "", err
	}
	var opts []oauth2.AuthCodeOption
	for _, k := range renrenSortedKeys(p.Extra) {
		switch k {
		case "client_id", "redirect_uri", "response_type", "scope", "state":
			return "", fmt.Errorf("snskit: %s login: %s is set by the login itself (snskit.WithApp, API.Login, AuthCodeURL); drop the AuthParam", renrenName(l), k)
		}
		opts = append(opts, oauth2.SetAuthURLParam(k, p.Extra.Get(k)))
	}
	return conf.AuthCodeURL(state, opts...), nil
}

// Exchange implements driver.Authorizer. Extras of the authorize page
// (x_renew, display) are ignored, so that one set of options can serve both
// steps; other extras are sent to the token endpoint.
func (renren) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	if p.PKCE != nil {
		return nil, renrenNoPKCE(l)
	}
	conf, err := renrenConfig(l)
	if err != nil {
		return nil, err
	}
	var opts []oauth2.AuthCodeOption
	for _, k := range renrenSortedKeys(p.Extra) {
		switch k {
		case "x_renew", "display":
			continue
		case "grant_type", "code", "client_id", "client_secret", "redirect_uri":
			return nil, fmt.Errorf("snskit: %s login: %s is set by the login itself; drop the AuthParam", renrenName(l), k)
		}
		opts = append(opts, oauth2.SetAuthURLParam(k, p.Extra.Get(k)))
	}
	tok, err := conf.Exchange(l.OAuth2Context(ctx), code, opts...)
	if err != nil {
		return nil, l.TokenError("oauth/token", err, renrenOAuthClass(false), code)
	}
	return tok, nil
}

// Refresh implements driver.Authorizer with grant_type=refresh_token.
func (renren) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	conf, err := renrenConfig(l)
	if err != nil {
		return nil, err
	}
	// A token without an access token is never valid, so x/oauth2 refreshes
	// it whatever its clock says.
	tok, err := conf.TokenSource(l.OAuth2Context(ctx), &oauth2.Token{RefreshToken: t.RefreshToken}).Token()
	if err != nil {
		return nil, l.TokenError("oauth/token", err, renrenOAuthClass(true), t.RefreshToken)
	}
	return tok, nil
}

// AuthCodeURL implements driver.Authorizer: API 1.0 logs in as API 2.0 does.
func (*renren1) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	return renren{}.AuthCodeURL(l, state, p)
}

// Exchange implements driver.Authorizer, as for API 2.0.
func (*renren1) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	return renren{}.Exchange(ctx, l, code, p)
}

// Refresh implements driver.Authorizer, as for API 2.0.
func (*renren1) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	return renren{}.Refresh(ctx, l, t)
}

func renrenConfig(l driver.Login) (*oauth2.Config, error) {
	return l.OAuth2Config(RenrenGraphURL+"/oauth/authorize", RenrenGraphURL+"/oauth/token", oauth2.AuthStyleInParams)
}

func renrenName(l driver.Login) string { return l.Name() }

func renrenNoPKCE(l driver.Login) error {
	return fmt.Errorf("snskit: %s login: Renren's OAuth does not take PKCE; drop snskit.WithPKCE and keep checking state", renrenName(l))
}

func renrenSortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// renrenOAuthClass classifies the "error" of Renren's token endpoint (RFC
// 6749 names). A bad code is a bad parameter of the exchange; a bad refresh
// token means the user must log in again.
func renrenOAuthClass(refresh bool) func(code string) snskit.Class {
	return func(code string) snskit.Class {
		switch code {
		case "invalid_grant":
			if refresh {
				return snskit.ErrTokenInvalid
			}
			return snskit.ErrBadParams
		case "invalid_client", "invalid_request", "redirect_uri_mismatch", "unsupported_grant_type",
			"unsupported_response_type", "invalid_scope":
			return snskit.ErrBadParams
		case "unauthorized_client", "access_denied":
			return snskit.ErrPermission
		case "invalid_token":
			return snskit.ErrTokenInvalid
		case "expired_token":
			return snskit.ErrTokenExpired
		case "server_error", "temporarily_unavailable":
			return snskit.ErrServer
		}
		if strings.HasPrefix(code, "http 5") {
			return snskit.ErrServer
		}
		return snskit.ErrUnclassified
	}
}

// RenrenUser returns the id and name of the user Renren's token endpoint
// sent beside tok ({"user": {"id", "name", "avatar"}}), or empty strings
// when the token carries none. The whole object, avatars included, is
// tok.Extra("user").
func RenrenUser(tok *oauth2.Token) (id, name string) {
	if tok == nil {
		return "", ""
	}
	u, ok := tok.Extra("user").(map[string]any)
	if !ok {
		return "", ""
	}
	switch v := u["id"].(type) {
	case float64:
		id = strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		id = v.String()
	case string:
		id = v
	case int64:
		id = strconv.FormatInt(v, 10)
	case int:
		id = strconv.Itoa(v)
	}
	name, _ = u["name"].(string)
	return id, name
}

// RenrenSessionKey trades an OAuth 2.0 access token for a legacy API 1.0
// session key, for Renren 1.0 calls made with auth.Session:
//
//	GET https://graph.renren.com/renren_api/session_key?oauth_token=ACCESS_TOKEN
//	-> {"renren_token": {"session_secret", "expires_in", "session_key"}, "user": {"id"}}
//
// api is a Renren or Renren1 client with the app key and secret
// (snskit.WithApp: session-key calls are signed with the secret); its base
// URL and HTTP client apply. The key lives as long as Renren says
// (expires_in; in the sandbox, as long as the access token); the session
// secret is for client-side apps and not needed by snskit, which signs with
// the app secret. Errors are *snskit.Error values: invalid_token
// (ErrTokenInvalid), expired_token (ErrTokenExpired).
//
// (unverified) The endpoint and its answer come from Renren's SDKs of the
// time (PHP, Java, Ruby, Objective-C), which all read renren_token.session_key
// and renren_token.expires_in; the error names are the sandbox's reading of
// OAuth 2.0, not seen in a Renren reply.
//
//	sk, err := platforms.RenrenSessionKey(ctx, api, tok.AccessToken)
//	v1, _ := snskit.New(platforms.Renren1(), snskit.WithApp(appKey, appSecret), snskit.WithAuth(sk))
//	me, err := v1.NS("users").M("getLoggedInUser").Do(nil)
func RenrenSessionKey(ctx context.Context, api *snskit.API, accessToken string) (*auth.SessionKey, error) {
	if api == nil {
		return nil, errors.New("snskit: renren session key: nil client; build one with snskit.New(platforms.Renren(), ...)")
	}
	switch api.Platform().(type) {
	case renren, *renren1:
	default:
		return nil, fmt.Errorf("snskit: renren session key: the client is for %s; use a platforms.Renren or platforms.Renren1 client", api.Platform().Name())
	}
	if accessToken == "" {
		return nil, errors.New("snskit: renren session key: empty access token; pass the one Renren's login gave")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// Client.Send reads the page bounded and masks the token and the app
	// secret in errors and logs.
	u, err := api.Driver().Endpoint(RenrenGraphURL + renrenSessionKeyPath)
	if err != nil {
		return nil, err
	}
	u.RawQuery = url.Values{"oauth_token": {accessToken}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errors.New("snskit: renren session key: building the request: " + driver.Redact(err.Error(), []string{accessToken}))
	}
	const step = "renren_api/session_key"
	r, err := api.Driver().Send(ctx, req, step, accessToken)
	if err != nil {
		return nil, err
	}
	doc, err := driver.ParseJSON(r)
	if err != nil {
		var re *snskit.ReplyError
		if errors.As(err, &re) {
			re.Snippet = "" // a cut-off answer may hold the key
		}
		return nil, err
	}
	if e := doc.Get("error"); e.Exists() {
		code := e.String()
		return nil, &snskit.Error{
			Platform: api.Platform().Name(), Method: step, Code: code,
			Message:    driver.Redact(doc.Get("error_description").String(), []string{accessToken}),
			HTTPStatus: r.StatusCode, Class: renrenOAuthClass(false)(code), Detail: doc,
		}
	}
	key := doc.Get("renren_token.session_key").String()
	if key == "" {
		return nil, &snskit.ReplyError{Platform: api.Platform().Name(), Method: step, HTTPStatus: r.StatusCode,
			Reason: "Renren's session-key answer has no renren_token.session_key"}
	}
	return auth.Session(key), nil
}
