package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
)

// The logins of "snskit login" that are not OAuth 2.0's authorization
// code: VK's direct auth from the terminal and Kaixin001's OAuth 1.0a.

// vkDirect logs in to VK with -username and a password (-password,
// SNSKIT_PASSWORD, or asked on the terminal), asking the 2FA code and the
// captcha text on the terminal when VK wants them.
func (lr *loginRun) vkDirect(ctx context.Context) (*auth.Saved, int) {
	password := lr.f.password
	if password == "" {
		var err error
		password, err = lr.prompt.secret(ctx, fmt.Sprintf("VK password for %s: ", lr.f.username))
		if err != nil {
			return lr.fail(fmt.Errorf("reading the password: %w (pass -password or set SNSKIT_PASSWORD)", err))
		}
		lr.errw.addSecrets(password)
		lr.out.addSecrets(password)
	}
	cfg := platforms.VKDirectAuthConfig{
		Username: lr.f.username,
		Password: password,
		Scope:    lr.f.scopes(),
		TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
			if v.Retry {
				fmt.Fprintln(lr.errw, "snskit: VK refused that code; try again.")
			}
			switch v.Type {
			case "2fa_app":
				fmt.Fprintln(lr.errw, "snskit: VK asks for the code of your authenticator app.")
			default:
				fmt.Fprintf(lr.errw, "snskit: VK sent a code by SMS to %s.\n", v.PhoneMask)
			}
			return lr.prompt.line(ctx, "code: ")
		},
		Captcha: func(ctx context.Context, c platforms.VKCaptcha) (string, error) {
			fmt.Fprintf(lr.errw, "snskit: VK asks for a captcha: open %s and type its text.\n", c.Img)
			return lr.prompt.line(ctx, "captcha: ")
		},
	}
	tok, err := platforms.VKDirectAuth(ctx, lr.api, cfg)
	if err != nil {
		return lr.fail(err)
	}
	return auth.NewSaved(tok), exitOK
}

// kaixinOAuth1 runs Kaixin001's three-legged OAuth 1.0a login: a request
// token, the user's approval in the browser, whose redirect brings the
// request token back with oauth_verifier, and the access token.
func (lr *loginRun) kaixinOAuth1(ctx context.Context) (*auth.Saved, int) {
	return lr.viaBrowser(ctx, func(ctx context.Context, redirect string) (string, func(url.Values) (*auth.Saved, error), error) {
		flow, err := platforms.KaixinOAuth1(lr.api, redirect, lr.f.scopes()...)
		if err != nil {
			return "", nil, err
		}
		token, secret, err := flow.RequestToken(ctx)
		if err != nil {
			return "", nil, err
		}
		lr.errw.addSecrets(secret)
		authURL, err := flow.AuthorizationURL(token)
		if err != nil {
			return "", nil, err
		}
		handle := func(q url.Values) (*auth.Saved, error) {
			// The request token plays the part of OAuth 2.0's state.
			if subtle.ConstantTimeCompare([]byte(q.Get("oauth_token")), []byte(token)) != 1 {
				return nil, errors.New("the redirect's oauth_token is not the request token of this login; refusing it (possible CSRF)")
			}
			if err := redirectError(lr.name, q); err != nil {
				return nil, err
			}
			cred, err := flow.AccessToken(ctx, token, secret, q.Get("oauth_verifier"))
			if err != nil {
				return nil, err
			}
			return &auth.Saved{AccessToken: cred.Token, TokenSecret: cred.TokenSecret, RedirectURL: redirect}, nil
		}
		return authURL, handle, nil
	})
}
