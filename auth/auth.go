// Package auth holds the credential strategies snskit places on requests: a
// static OAuth 2.0 token or any oauth2.TokenSource (OAuth2), an OAuth 1.0a
// token with its RFC 5849 HMAC-SHA1 signer (OAuth1), and a legacy session
// key (SessionKey).
//
// The package knows no platform: each platform in snskit/platforms decides
// where a credential goes (a header, the query, the body, a signature).
// Every type here masks its secrets when printed with %v, %+v or %#v, and all
// of them are safe for concurrent use once built.
package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// Credential is one user's proof of access. Platforms type-switch on the
// concrete types of this package to place it.
type Credential interface {
	// Kind names the strategy in messages: "oauth2 token", "oauth1 token",
	// "session key".
	Kind() string
}

// OAuth2 is an OAuth 2.0 bearer credential: a token source, and for QQ and
// WeChat the user's openid.
type OAuth2 struct {
	src    oauth2.TokenSource
	openID string
	static string // the access token when built by Token, for masking
}

// Token returns a credential for a fixed access token.
func Token(accessToken string) *OAuth2 {
	return &OAuth2{
		src:    oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken}),
		static: accessToken,
	}
}

// TokenSource returns a credential that asks ts for a token on every call, so
// tokens refreshed by golang.org/x/oauth2 flow into calls. Wrap ts with
// oauth2.ReuseTokenSource if it should cache tokens.
func TokenSource(ts oauth2.TokenSource) *OAuth2 {
	return &OAuth2{src: ts}
}

// WithOpenID returns a copy of c that carries the user's openid (QQ, WeChat).
func (c *OAuth2) WithOpenID(openID string) *OAuth2 {
	cp := *c
	cp.openID = openID
	return &cp
}

// Kind implements Credential.
func (c *OAuth2) Kind() string { return "oauth2 token" }

// Refresher returns the source's Refresher, when it has one: snskit uses it
// to renew a token the platform refused as expired.
func (c *OAuth2) Refresher() (Refresher, bool) {
	r, ok := c.src.(Refresher)
	return r, ok
}

// Source returns the credential's token source.
func (c *OAuth2) Source() oauth2.TokenSource { return c.src }

// Token returns a valid token from the source (through its TokenContext
// method when it has one, as Live does). It fails when ctx is done, the
// source fails, or the token is empty.
func (c *OAuth2) Token(ctx context.Context) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c == nil || c.src == nil {
		return nil, errors.New("auth: OAuth2 credential has no token source; build it with auth.Token or auth.TokenSource")
	}
	var tok *oauth2.Token
	var err error
	if cs, ok := c.src.(interface {
		TokenContext(context.Context) (*oauth2.Token, error)
	}); ok {
		tok, err = cs.TokenContext(ctx)
	} else {
		tok, err = c.src.Token()
	}
	if err != nil {
		return nil, fmt.Errorf("auth: getting a token: %w", err)
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("auth: the access token is empty; pass a token obtained from the platform's login")
	}
	return tok, nil
}

// OpenID returns the openid given with WithOpenID or, failing that, the
// "openid" field the platform returned beside tok. It is empty when neither
// is known.
func (c *OAuth2) OpenID(tok *oauth2.Token) string {
	if c.openID != "" {
		return c.openID
	}
	if tok != nil {
		if s, ok := tok.Extra("openid").(string); ok {
			return s
		}
	}
	return ""
}

// String masks the token.
func (c *OAuth2) String() string {
	switch {
	case c == nil:
		return "auth.OAuth2(nil)"
	case c.static != "":
		return "auth.OAuth2{token: " + Mask(c.static) + "}"
	default:
		return "auth.OAuth2{source}"
	}
}

// GoString masks the token.
func (c *OAuth2) GoString() string { return c.String() }

// SessionKey is a legacy session key (Renren API 1.0, Kaixin001).
type SessionKey struct {
	Key string
}

// Session returns a session-key credential.
func Session(key string) *SessionKey { return &SessionKey{Key: key} }

// Kind implements Credential.
func (s *SessionKey) Kind() string { return "session key" }

// String masks the key.
func (s SessionKey) String() string { return "auth.SessionKey{" + Mask(s.Key) + "}" }

// GoString masks the key.
func (s SessionKey) GoString() string { return s.String() }

// Format prints String whatever the verb.
func (s SessionKey) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// Mask hides a secret for messages and logs: short secrets become "****",
// longer ones keep their last four characters ("****c0ff") so that a person
// can tell two tokens apart without being able to use either.
func Mask(secret string) string {
	if len(secret) <= 12 {
		return "****"
	}
	i := len(secret) - 4
	for i < len(secret) && !utf8.RuneStart(secret[i]) {
		i++ // never half a character
	}
	return "****" + secret[i:]
}
