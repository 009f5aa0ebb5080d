package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// VKIDRedirect is what VK ID's redirect brings back (PLATFORMS-MORE.md
// §1.3).
type VKIDRedirect struct {
	// Code is the authorization code (it lives 10 minutes).
	Code string
	// DeviceID names the device the tokens will be bound to; the exchange
	// and every refresh send it.
	DeviceID string
	// State is the state the redirect carries.
	State string
}

// ParseVKIDRedirect reads the query of VK ID's redirect and checks it: its
// state must be sent (compared in constant time), it must carry no error
// (a refusal is a *snskit.Error of class snskit.ErrPermission for
// access_denied), and code and device_id must be there.
func ParseVKIDRedirect(q url.Values, sent string) (VKIDRedirect, error) {
	if err := auth.CheckState(sent, q.Get("state")); err != nil {
		return VKIDRedirect{}, fmt.Errorf("snskit: vk id login: %w", err)
	}
	if code := q.Get("error"); code != "" {
		return VKIDRedirect{}, &snskit.Error{Platform: "vk", Method: "authorize", Code: code,
			Message: q.Get("error_description"), Class: vkIDClass(code, false)}
	}
	r := VKIDRedirect{Code: q.Get("code"), DeviceID: q.Get("device_id"), State: q.Get("state")}
	switch {
	case r.Code == "":
		return VKIDRedirect{}, errors.New("snskit: vk id login: the redirect carries no code and no error")
	case r.DeviceID == "":
		return VKIDRedirect{}, errors.New("snskit: vk id login: the redirect carries no device_id; VK ID's redirect always does, so it did not come from VK ID")
	}
	return r, nil
}

// VKIDExchange checks VK ID's redirect (ParseVKIDRedirect with the state
// sent) and exchanges its code with the PKCE verifier given to AuthCodeURL,
// sending the redirect's device_id and state.
func VKIDExchange(ctx context.Context, login *snskit.Login, redirect url.Values, state string, pkce auth.PKCE) (*oauth2.Token, error) {
	if login == nil {
		return nil, errors.New("snskit: vk id login: nil login; build one with api.Login on a platforms.VKID() client")
	}
	r, err := ParseVKIDRedirect(redirect, state)
	if err != nil {
		return nil, err
	}
	return login.Exchange(ctx, r.Code, snskit.WithPKCE(pkce),
		snskit.AuthParam("device_id", r.DeviceID), snskit.AuthParam("state", r.State))
}

// VKIDUserInfo returns the profile of t's user from VK ID's
// /oauth2/user_info: user_id, first_name, last_name, avatar, and email,
// phone, sex, verified and birthday as the scopes allow. api is the
// platforms.VKID() client the token came from.
func VKIDUserInfo(ctx context.Context, api *snskit.API, t *oauth2.Token) (gjson.Result, error) {
	doc, err := vkIDTokenCall(ctx, api, "user_info", t)
	if err != nil {
		return gjson.Result{}, err
	}
	u := doc.Get("user")
	if !u.IsObject() {
		return gjson.Result{}, errors.New(`snskit: vk id oauth2/user_info: the reply has no "user" object`)
	}
	return u, nil
}

// VKIDLogout ends t's session at VK ID's /oauth2/logout: its access token,
// and the refresh token, stop working.
func VKIDLogout(ctx context.Context, api *snskit.API, t *oauth2.Token) error {
	doc, err := vkIDTokenCall(ctx, api, "logout", t)
	if err != nil {
		return err
	}
	if doc.Get("response").Int() != 1 {
		return errors.New(`snskit: vk id oauth2/logout: the reply is not {"response":1}`)
	}
	return nil
}

// vkIDTokenCall posts t's access token (with client_id and device_id) to a
// VK ID endpoint of api's platform.
func vkIDTokenCall(ctx context.Context, api *snskit.API, name string, t *oauth2.Token) (gjson.Result, error) {
	if api == nil {
		return gjson.Result{}, fmt.Errorf("snskit: vk id oauth2/%s: nil client; build one with snskit.New(platforms.VKID(), snskit.WithApp(id, \"\"))", name)
	}
	p, ok := api.Platform().(vkIDPlatform)
	switch {
	case !ok:
		return gjson.Result{}, fmt.Errorf("snskit: vk id oauth2/%s: the client is for %s; build it with platforms.VKID()", name, api.Platform().Name())
	case p.err != nil:
		return gjson.Result{}, p.err
	case api.AppID() == "":
		return gjson.Result{}, fmt.Errorf("snskit: vk id oauth2/%s needs the application's id; pass it with snskit.WithApp(id, \"\")", name)
	case t == nil || t.AccessToken == "":
		return gjson.Result{}, fmt.Errorf("snskit: vk id oauth2/%s needs a token with its access token", name)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	form := url.Values{"access_token": {t.AccessToken}, "client_id": {api.AppID()}}
	if d, _ := t.Extra("device_id").(string); d != "" {
		form.Set("device_id", d)
	}
	endpoint := p.base + "/oauth2/" + name + "?" + url.Values{"client_id": {api.AppID()}}.Encode()
	return vkIDPost(ctx, api.Driver(), endpoint, form, false)
}

// VKIDMigrate trades a legacy VK user token (one that oauth.vk.com gave,
// before VK ID) for VK ID tokens, without the user logging in again: what
// the official SDKs call the OAuth 2.1 migration. /oauth2/auth with
// grant_type=access_token and a fresh PKCE challenge answers a code, which
// is then exchanged as a login's code, at the login's redirect URL. The new
// tokens carry the rights the old one had (vkid.personal_info when it had
// none); email and phone are not carried over and need a login. The legacy
// token is not revoked by the migration (unverified).
func VKIDMigrate(ctx context.Context, login *snskit.Login, legacyToken string) (*oauth2.Token, error) {
	if login == nil {
		return nil, errors.New("snskit: vk id migration: nil login; build one with api.Login on a platforms.VKID() client")
	}
	p, ok := login.API().Platform().(vkIDPlatform)
	switch {
	case !ok:
		return nil, fmt.Errorf("snskit: vk id migration: the login is for %s; build it with platforms.VKID()", login.API().Platform().Name())
	case p.err != nil:
		return nil, p.err
	case login.API().AppID() == "":
		return nil, errors.New("snskit: vk id migration needs the application's id; pass it with snskit.WithApp(id, \"\")")
	case legacyToken == "":
		return nil, errors.New("snskit: vk id migration needs the legacy access token to migrate")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	pkce, state := auth.NewPKCE(), auth.NewState()
	form := url.Values{"response_type": {"code"}, "grant_type": {"access_token"}, "access_token": {legacyToken},
		"client_id": {login.API().AppID()}, "device_id": {auth.NewState()}, "state": {state},
		"code_challenge": {pkce.Challenge()}, "code_challenge_method": {"s256"}}
	doc, err := vkIDPost(ctx, login.Driver(), p.base+"/oauth2/auth", form, false, legacyToken)
	if err != nil {
		return nil, err
	}
	if err := auth.CheckState(state, doc.Get("state").String()); err != nil {
		return nil, fmt.Errorf("snskit: vk id migration: the reply's state is not the one sent; refusing its code: %w", err)
	}
	code, device := doc.Get("code").String(), doc.Get("device_id").String()
	if code == "" {
		return nil, errors.New(`snskit: vk id migration: the reply of oauth2/auth has no "code"`)
	}
	if device == "" {
		device = form.Get("device_id")
	}
	return login.Exchange(ctx, code, snskit.WithPKCE(pkce), snskit.AuthParam("device_id", device), snskit.AuthParam("state", state))
}
