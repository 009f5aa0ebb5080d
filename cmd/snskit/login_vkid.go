package main

import (
	"context"
	"net/url"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
)

// vkID reports whether "snskit login" logs in to VK through VK ID: the
// default for vk, unless -vk-classic or -username asks for an older flow.
func (f *loginFlags) vkID(name string) bool {
	return name == "vk" && f.username == "" && !f.vkClassic
}

// vkIDLogin runs VK ID's login (OAuth 2.1 with PKCE) through the loopback
// listener: the redirect's state is checked, and its code exchanged with
// the verifier and its device_id, which is stored with the token so that
// later runs can refresh it (no app secret needed).
func (lr *loginRun) vkIDLogin(ctx context.Context) (*auth.Saved, int) {
	return lr.viaBrowser(ctx, func(ctx context.Context, redirect string) (string, func(url.Values) (*auth.Saved, error), error) {
		login, err := lr.api.Login(redirect, lr.f.scopes()...)
		if err != nil {
			return "", nil, err
		}
		state, pkce := auth.NewState(), auth.NewPKCE()
		authURL, err := login.AuthCodeURL(state, snskit.WithPKCE(pkce))
		if err != nil {
			return "", nil, err
		}
		handle := func(q url.Values) (*auth.Saved, error) {
			tok, err := platforms.VKIDExchange(ctx, login, q, state, pkce)
			if err != nil {
				return nil, err
			}
			s := auth.NewSaved(tok)
			s.RedirectURL = redirect
			return s, nil
		}
		return authURL, handle, nil
	})
}
