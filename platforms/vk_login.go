package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
)

// VK login: the Go form of the seed's UserAPI, CommunityAPI, DirectUserAPI
// and InteractiveMixin. VK's OAuth docs:
// https://dev.vk.com/ru/api/access-token/authcode-flow-user (code flow),
// https://dev.vk.com/ru/api/access-token/implicit-flow-user (implicit flow),
// https://dev.vk.com/ru/api/access-token/implicit-flow-community (community
// tokens), https://dev.vk.com/ru/api/direct-auth (direct auth) and
// https://dev.vk.com/ru/api/access-token/getting-started (service tokens).
//
// Authorization code flow (a web site):
//
//	api, _ := snskit.New(platforms.VK(), snskit.WithApp(clientID, clientSecret))
//	login, _ := api.Login("https://example.com/vk/callback", "wall", "offline")
//	state := auth.NewState() // keep it in the user's session
//	u, _ := login.AuthCodeURL(state, snskit.AuthParam("display", "popup"))
//	// ... the redirect brings code and state back:
//	if err := auth.CheckState(state, r.FormValue("state")); err != nil { ... }
//	tok, _ := login.Exchange(ctx, r.FormValue("code"))
//	userID, _ := platforms.VKUserID(tok)
//	user, _ := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
//
// Implicit flow, for a user (UserAPI) or for communities (CommunityAPI):
//
//	u, _ := platforms.VKImplicitURL(login, state, 123456, 654321)
//	// ... the user approves; the browser lands on the redirect URL:
//	res, err := platforms.ParseVKRedirect(landedURL)
//	if err := auth.CheckState(state, res.State); err != nil { ... }
//	groups, _ := api.With(snskit.WithAuth(res.CommunityAuth(123456)))
//	groups.Method("users.get").Do(snskit.Params{"group_id": 654321, "user_ids": 1})
//
// Direct auth with a login and password (DirectUserAPI), where the 2FA code
// and the captcha are asked through callbacks (InteractiveMixin): see
// VKDirectAuth. Service tokens: VKServiceToken.

// vkSetByLogin() returns the authorize URL parameters the login sets itself.
func vkSetByLogin() []string {
	return []string{"client_id", "redirect_uri", "response_type", "state", "code_challenge", "code_challenge_method"}
}

// AuthCodeURL implements driver.Authorizer: VK's authorize URL with
// client_id, redirect_uri, response_type=code, scope (comma-separated, or a
// bitmask passed as the only scope), state, v (the client's API version)
// and display=page (snskit.AuthParam("display", "popup") or "mobile"
// changes it). Other AuthParams are added as they are (revoke=1,
// group_ids=1,2 for community tokens, see VKCommunityExchange). With
// snskit.WithPKCE it adds an S256 code_challenge (VK ID accepts PKCE;
// unverified for oauth.vk.ru).
func (vk) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	cfg, err := vkOAuth2Config(l)
	if err != nil {
		return "", err
	}
	for _, k := range vkSetByLogin() {
		if p.Extra.Has(k) {
			return "", fmt.Errorf("snskit: vk login: %s is set by the login; leave it out of AuthParam", k)
		}
	}
	v := url.Values{"v": {vkVersion(l)}, "display": {"page"}}
	if s := vkScope(l.Scopes()); s != "" {
		v.Set("scope", s)
	}
	if p.PKCE != nil {
		v.Set("code_challenge", p.PKCE.Challenge())
		v.Set("code_challenge_method", p.PKCE.Method())
	}
	for k := range p.Extra {
		v.Set(k, p.Extra.Get(k))
	}
	opts := make([]oauth2.AuthCodeOption, 0, len(v))
	for k := range v {
		opts = append(opts, oauth2.SetAuthURLParam(k, v.Get(k)))
	}
	return cfg.AuthCodeURL(state, opts...), nil
}

// Exchange implements driver.Authorizer: it trades the code for a token at
// https://oauth.vk.ru/access_token (with the PKCE verifier when given). The
// token's Extra holds user_id and, with the email scope, email; an
// expires_in of 0 (the offline scope) gives a token that never expires.
// VK's errors are *snskit.Error values: invalid_grant (a reused, expired or
// unknown code, a wrong verifier) is snskit.ErrBadParams, invalid_client
// snskit.ErrTokenInvalid.
func (vk) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	cfg, err := vkOAuth2Config(l)
	if err != nil {
		return nil, err
	}
	var opts []oauth2.AuthCodeOption
	if p.PKCE != nil {
		opts = append(opts, oauth2.VerifierOption(p.PKCE.Verifier))
	}
	for k := range p.Extra {
		opts = append(opts, oauth2.SetAuthURLParam(k, p.Extra.Get(k)))
	}
	tok, err := cfg.Exchange(l.OAuth2Context(ctx), code, opts...)
	if err != nil {
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) && strings.Contains(err.Error(), "missing access_token") {
			return nil, errors.New("snskit: vk login: the answer holds no user token; a code issued for group_ids is exchanged with VKCommunityExchange")
		}
		return nil, l.TokenError("access_token", err, vkOAuthClass, code)
	}
	return tok, nil
}

// Refresh implements driver.Authorizer. VK's OAuth has no refresh tokens, so
// it always fails: log in again, or ask for the offline scope, whose tokens
// never expire.
func (vk) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	return nil, errors.New("snskit: vk tokens cannot be refreshed (VK's OAuth has no refresh tokens); log in again, or ask for the offline scope for a token that never expires")
}

func vkOAuth2Config(l driver.Login) (*oauth2.Config, error) {
	cfg, err := l.OAuth2Config(VKOAuthURL+"/authorize", VKOAuthURL+"/access_token", oauth2.AuthStyleInParams)
	if err != nil {
		return nil, err
	}
	cfg.Scopes = nil // x/oauth2 joins scopes with spaces; VK takes commas (vkScope)
	return cfg, nil
}

// vkScope writes scopes as VK takes them: comma-separated names, or a
// bitmask given as the only scope.
func vkScope(scopes []string) string {
	return strings.Join(scopes, ",")
}

// vkVersion returns the API version the client sends with its calls
// (snskit.WithAPIVersion, or VKDefaultVersion).
func vkVersion(api interface{ Version() string }) string {
	if v := api.Version(); v != "" {
		return v
	}
	return VKDefaultVersion
}

// vkOAuthClass classifies the error codes of VK's OAuth endpoints.
func vkOAuthClass(code string) snskit.Class {
	switch code {
	case "invalid_client": // a wrong app secret, or a wrong login or password
		return snskit.ErrTokenInvalid
	case "invalid_grant", "invalid_request", "invalid_scope", "unsupported_grant_type", "unsupported_response_type":
		return snskit.ErrBadParams
	case "access_denied", "need_validation":
		return snskit.ErrPermission
	case "need_captcha":
		return snskit.ErrCaptcha
	}
	return snskit.ErrUnclassified
}

// VKUserID returns the user_id VK sent beside a token (code flow, implicit
// flow, direct auth), whether it came as a number or a string.
func VKUserID(t *oauth2.Token) (int64, bool) {
	if t == nil {
		return 0, false
	}
	switch v := t.Extra("user_id").(type) {
	case float64:
		return int64(v), v > 0
	case int64:
		return v, v > 0
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil && n > 0
	}
	return 0, false
}

// vkApp checks that api is a VK client with an application key and secret,
// for the flows that have no redirect of their own (direct auth, service
// tokens).
func vkApp(api *snskit.API, step string) (*snskit.API, error) {
	if api == nil {
		return nil, fmt.Errorf("snskit: vk %s: nil client; build one with snskit.New(platforms.VK(), snskit.WithApp(id, secret))", step)
	}
	if !isVK(api.Platform()) {
		return nil, fmt.Errorf("snskit: vk %s: the client is for %s; build it with platforms.VK()", step, api.Platform().Name())
	}
	if api.AppID() == "" || api.Driver().AppSecret() == "" {
		return nil, fmt.Errorf("snskit: vk %s needs the application's id and secret (protected key); pass them with snskit.WithApp(id, secret)", step)
	}
	return api, nil
}
