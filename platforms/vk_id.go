package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// VK ID (OAuth 2.1: PKCE always, one-hour access tokens, rotating refresh
// tokens), the login of new VK applications. Docs:
// https://id.vk.ru/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-description
//
//	api, _ := snskit.New(platforms.VKID(), snskit.WithApp(clientID, ""))
//	login, _ := api.Login("https://example.com/vkid/callback", "email", "wall")
//	state, pkce := auth.NewState(), auth.NewPKCE() // keep both in the session
//	u, _ := login.AuthCodeURL(state, snskit.WithPKCE(pkce), snskit.AuthParam("lang_id", "3"))
//	// ... the redirect brings code, state and device_id back:
//	tok, err := platforms.VKIDExchange(ctx, login, r.URL.Query(), state, pkce)
//	live := login.TokenSource(tok, auth.OnToken(save)) // save each rotated token
//	user, _ := api.With(snskit.WithAuth(auth.TokenSource(live)))
//	user.Method("users.get").Do(nil) // VK ID tokens call the API at once
//
// An application moving to VK ID migrates its users' classic tokens with
// VKIDMigrate, without a new login.

// VKIDURL is VK ID's host (id.vk.com serves the same).
const VKIDURL = "https://id.vk.ru"

// VKIDOption configures platforms.VKID.
type VKIDOption func(*vkIDConf)

type vkIDConf struct {
	base string
	err  error
}

// VKIDHost sets VK ID's host, "id.vk.ru" (the default) or "id.vk.com", or
// a whole base URL such as "https://id.vk.com".
func VKIDHost(host string) VKIDOption {
	return func(c *vkIDConf) {
		raw := host
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" {
			c.err = fmt.Errorf("snskit: vk id: platforms.VKIDHost(%q): want a host such as \"id.vk.com\"", host)
			return
		}
		c.base = u.Scheme + "://" + u.Host
	}
}

// VKID returns VK with VK ID's login: its API calls follow platforms.VK's
// rules; api.Login is VK ID's authorization-code flow (PLATFORMS-MORE.md
// §1):
//
//   - AuthCodeURL needs snskit.WithPKCE (S256) and sends response_type=code,
//     client_id, redirect_uri, state, code_challenge, space-separated
//     scopes, and AuthParams such as prompt, provider, lang_id and scheme.
//   - Exchange needs the same WithPKCE and the redirect's device_id
//     (snskit.AuthParam("device_id", ...)); VKIDExchange does both and
//     checks the redirect. The token's Extra holds device_id, user_id,
//     scope and id_token.
//   - Refresh sends the token's device_id and gets a new refresh token,
//     which replaces the old one (persist it with auth.OnToken).
//   - Every reply's state is checked against the one sent.
//
// Errors are *snskit.Error values with VK ID's code: a refused refresh
// (invalid_request, a used or expired refresh token) is
// snskit.ErrTokenInvalid: log in again.
func VKID(opts ...VKIDOption) snskit.Platform {
	c := vkIDConf{base: VKIDURL}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return vkIDPlatform{base: c.base, err: c.err}
}

// vkIDPlatform is VK with VK ID's login. It is comparable and immutable.
type vkIDPlatform struct {
	vk
	base string
	err  error
}

// isVK reports whether p is a VK platform (platforms.VK or VKID).
func isVK(p snskit.Platform) bool {
	switch p.(type) {
	case vk, vkIDPlatform:
		return true
	}
	return false
}

// vkIDSetByLogin lists the authorize parameters the login sets itself.
func vkIDSetByLogin() []string {
	return []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "code_verifier"}
}

// AuthCodeURL implements driver.Authorizer.
func (p vkIDPlatform) AuthCodeURL(l driver.Login, state string, ap *driver.AuthParams) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	if ap.PKCE == nil {
		return "", errors.New("snskit: vk id login needs PKCE: pass snskit.WithPKCE(auth.NewPKCE()) here, and the same to Exchange")
	}
	for _, k := range vkIDSetByLogin() {
		if ap.Extra.Has(k) {
			return "", fmt.Errorf("snskit: vk id login: %s is set by the login; leave it out of AuthParam", k)
		}
	}
	u, err := l.Endpoint(p.base + "/authorize")
	if err != nil {
		return "", err
	}
	q := url.Values{}
	for k := range ap.Extra {
		q.Set(k, ap.Extra.Get(k))
	}
	q.Set("response_type", "code")
	q.Set("client_id", l.AppID())
	q.Set("redirect_uri", l.RedirectURL())
	q.Set("state", state)
	q.Set("code_challenge", ap.PKCE.Challenge())
	q.Set("code_challenge_method", "s256") // as the official SDKs write it
	if s := strings.Join(l.Scopes(), " "); s != "" {
		q.Set("scope", s)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Exchange implements driver.Authorizer: grant_type=authorization_code at
// /oauth2/auth with the verifier, device_id, redirect_uri and a state,
// which the reply must echo.
func (p vkIDPlatform) Exchange(ctx context.Context, l driver.Login, code string, ap *driver.AuthParams) (*oauth2.Token, error) {
	if p.err != nil {
		return nil, p.err
	}
	if ap.PKCE == nil {
		return nil, errors.New("snskit: vk id login: the exchange needs the PKCE verifier: pass the snskit.WithPKCE given to AuthCodeURL")
	}
	device := ap.Extra.Get("device_id")
	if device == "" {
		return nil, errors.New("snskit: vk id login: the exchange needs the redirect's device_id: pass snskit.AuthParam(\"device_id\", ...) or use platforms.VKIDExchange")
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {ap.PKCE.Verifier},
		"client_id": {l.AppID()}, "device_id": {device}, "redirect_uri": {l.RedirectURL()}}
	return p.tokenCall(ctx, l, "oauth2/auth", form, ap.Extra.Get("state"), nil, code, ap.PKCE.Verifier)
}

// Refresh implements driver.Authorizer: grant_type=refresh_token with the
// token's device_id. The reply's new refresh token replaces the old one,
// which VK ID no longer takes.
func (p vkIDPlatform) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	if p.err != nil {
		return nil, p.err
	}
	device, _ := t.Extra("device_id").(string)
	if device == "" {
		return nil, errors.New("snskit: vk id refresh: the token has no device_id (it travels in the token's Extra, and auth.Saved keeps it); log in again")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {t.RefreshToken},
		"client_id": {l.AppID()}, "device_id": {device}}
	return p.tokenCall(ctx, l, "oauth2/auth", form, "", t, t.RefreshToken)
}

// tokenCall posts form (with a state, fresh when empty) to a token
// endpoint and builds the token, keeping device_id and, from old, the
// id_token a refresh leaves out.
func (p vkIDPlatform) tokenCall(ctx context.Context, l driver.Login, path string, form url.Values, state string, old *oauth2.Token, secrets ...string) (*oauth2.Token, error) {
	if state == "" {
		state = auth.NewState()
	}
	form.Set("state", state)
	refresh := old != nil
	doc, err := vkIDPost(ctx, l, p.base+"/"+path, form, refresh, secrets...)
	if err != nil {
		return nil, err
	}
	step := vkIDStep(refresh)
	if err := auth.CheckState(state, doc.Get("state").String()); err != nil {
		return nil, fmt.Errorf("snskit: vk id %s: the reply's state is not the one sent; refusing the token: %w", step, err)
	}
	tok, err := l.TokenFromJSON(doc)
	if err != nil {
		return nil, fmt.Errorf("snskit: vk id %s: %v", step, err)
	}
	fields := driver.ObjectFields(doc)
	fields["device_id"] = form.Get("device_id")
	if old != nil {
		for _, k := range []string{"id_token", "user_id", "scope"} {
			if _, ok := fields[k]; !ok && old.Extra(k) != nil {
				fields[k] = old.Extra(k)
			}
		}
	}
	return tok.WithExtra(fields), nil
}

func vkIDStep(refresh bool) string {
	if refresh {
		return "refresh"
	}
	return "exchange"
}

// vkIDPost posts a form to a VK ID endpoint and returns its JSON reply, or
// the *snskit.Error of its {"error": ...} object.
func vkIDPost(ctx context.Context, c driver.Client, endpoint string, form url.Values, refresh bool, secrets ...string) (gjson.Result, error) {
	path, _, _ := strings.Cut(endpoint, "?")
	step := "oauth2/" + path[strings.LastIndex(path, "/")+1:]
	doc, err := vkTokenRequest(ctx, c, endpoint, step, form, append(secrets, form.Get("access_token"), form.Get("refresh_token"))...)
	var e *snskit.Error
	if errors.As(err, &e) {
		e.Class = vkIDClass(e.Code, refresh)
		if refresh && e.Class == snskit.ErrTokenInvalid {
			e.Message += " (log in again)"
		}
		e.Detail = gjson.Parse(driver.RedactJSON(e.Detail.Raw))
	}
	return doc, err
}

// vkIDClass classifies VK ID's error codes (PLATFORMS-MORE.md §1.6). On a
// refresh, a refused request means the refresh token is spent or expired.
func vkIDClass(code string, refresh bool) snskit.Class {
	switch code {
	case "invalid_request", "invalid_grant":
		if refresh {
			return snskit.ErrTokenInvalid
		}
		return snskit.ErrBadParams
	case "invalid_client", "invalid_token", "invalid_id_token":
		return snskit.ErrTokenInvalid
	case "invalid_scope", "unsupported_grant_type", "unsupported_response_type":
		return snskit.ErrBadParams
	case "access_denied":
		return snskit.ErrPermission
	case "server_error", "temporarily_unavailable":
		return snskit.ErrServer
	case "slow_down":
		return snskit.ErrRateLimited
	}
	return snskit.ErrUnclassified
}
