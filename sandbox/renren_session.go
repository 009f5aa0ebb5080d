package sandbox

import (
	"net/http"
	"strconv"
)

// Renren's legacy session keys: https://graph.renren.com/renren_api/session_key
// trades an OAuth 2.0 access token (oauth_token) for an API 1.0 session key:
//
//	{"renren_token": {"session_secret": "...", "expires_in": N, "session_key": "..."},
//	 "user": {"id": N}}
//
// (unverified) The path, the parameter and the answer come from Renren's SDKs
// of the time, which read renren_token.session_key and .expires_in; nothing
// recorded Renren's errors here, so the sandbox answers in the shape of its
// OAuth errors: invalid_request without oauth_token, invalid_token for an
// unknown or revoked token, expired_token for an expired one (HTTP 401).
//
// The key belongs to the token's user, carries its scope and lives as long
// as the token; restserver.do takes it as session_key with api_key and a sig
// made with the app secret. The session secret is random and checked by
// nothing: it signed client-side calls, which the sandbox does not emulate.

// rrSessionKeyPath is the session-key page on graph.renren.com.
const rrSessionKeyPath = "/renren_api/session_key"

// rrSessionCodes() are the numeric error_code values of the session-key page;
// (unverified) the sandbox's own numbers, like rrOAuthCodes().
func rrSessionCodes() map[string]int {
	return map[string]int{"invalid_token": 20200, "expired_token": 20201}
}

// serveSessionKey is https://graph.renren.com/renren_api/session_key.
func (p *renrenPlatform) serveSessionKey(w http.ResponseWriter, r *http.Request) {
	tok := r.Form.Get("oauth_token")
	if tok == "" {
		rrOAuthError(w, http.StatusBadRequest, "invalid_request", "oauth_token is required")
		return
	}
	now := p.env.now()
	g, ok := p.tokens.lookup(tok)
	switch {
	case !ok || g.Revoked:
		rrSessionError(w, "invalid_token", "invalid oauth_token")
		return
	case g.Expired(now):
		rrSessionError(w, "expired_token", "oauth_token has expired")
		return
	}
	sk := &grant{
		Token: rrNewSessionKey(g.User), Secret: randomHex(16), User: g.User, Scope: g.Scope,
		ExpiresAt: g.ExpiresAt, AppID: RenrenAppKey,
	}
	p.sessions.add(sk)
	uid, _ := strconv.ParseInt(g.User, 10, 64)
	writeJSON(w, http.StatusOK, "", map[string]any{
		"renren_token": map[string]any{
			"session_secret": sk.Secret,
			"expires_in":     int64(g.ExpiresAt.Sub(now).Seconds()),
			"session_key":    sk.Token,
		},
		"user": map[string]any{"id": uid},
	})
}

func rrSessionError(w http.ResponseWriter, errName, desc string) {
	writeJSON(w, http.StatusUnauthorized, "", map[string]any{
		"error": errName, "error_code": rrSessionCodes()[errName], "error_description": desc,
	})
}
