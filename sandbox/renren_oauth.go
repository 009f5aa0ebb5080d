package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Renren OAuth 2.0 at graph.renren.com
// (http://wiki.dev.renren.com/wiki/Authentication): /oauth/authorize
// approves at once, as the default user; /oauth/token exchanges a code or
// rotates a refresh token (good once; the old access token lives on unless
// WithRevokeOnRefresh(Renren) revokes it). Errors are {"error",
// "error_code","error_description"}.

// rrOAuthCodes() are the numeric error_code values. (unverified) Renren's own
// numbers are not documented anywhere the sandbox could check: these are the
// sandbox's, and clients should key on the "error" string.
func rrOAuthCodes() map[string]int {
	return map[string]int{
		"invalid_request":           20100,
		"invalid_client":            20101,
		"invalid_grant":             20102,
		"unauthorized_client":       20103,
		"redirect_uri_mismatch":     20104,
		"unsupported_response_type": 20105,
		"unsupported_grant_type":    20106,
		"invalid_scope":             20107,
	}
}

func rrOAuthError(w http.ResponseWriter, status int, errName, desc string) {
	writeJSON(w, status, "", map[string]any{"error": errName, "error_code": rrOAuthCodes()[errName], "error_description": desc})
}

// rrParseScope splits a space- (or comma-) separated scope. An empty scope
// grants the basic rights only, never "everything".
func rrParseScope(s string) []string {
	out := []string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '+' }) {
		if !vkHas(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// serveAuthorize is https://graph.renren.com/oauth/authorize.
func (p *renrenPlatform) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	if q.Get("client_id") != RenrenAppKey {
		rrOAuthError(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		rrOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri is required")
		return
	}
	u, err := url.Parse(redirect)
	if err != nil || !trustedTestRedirect(u, r.Host) {
		rrOAuthError(w, http.StatusBadRequest, "redirect_uri_mismatch", "redirect_uri does not match the application's domain")
		return
	}
	kv := []string{}
	state := q.Get("state")
	if rt := q.Get("response_type"); rt != "code" {
		kv = append(kv, "error", "unsupported_response_type", "error_description", "response_type must be code")
	} else {
		c := &code{
			Value: randomHex(16), User: RenrenUserID, Scope: rrParseScope(q.Get("scope")),
			RedirectURI: redirect, ExpiresAt: p.env.now().Add(rrCodeTTL),
			Extra: map[string]string{"client_id": RenrenAppKey},
		}
		p.tokens.addCode(c)
		kv = append(kv, "code", c.Value)
	}
	if state != "" {
		kv = append(kv, "state", state)
	}
	vkRedirect(w, r, u, false, kv)
}

// serveToken is https://graph.renren.com/oauth/token (POST form).
func (p *renrenPlatform) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rrOAuthError(w, http.StatusBadRequest, "invalid_request", "the token endpoint takes POST")
		return
	}
	q := r.PostForm
	gt := q.Get("grant_type")
	switch gt {
	case "authorization_code", "refresh_token":
	case "":
		rrOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	default:
		rrOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type: "+gt)
		return
	}
	if q.Get("client_id") != RenrenAppKey || q.Get("client_secret") != RenrenAppSecret {
		rrOAuthError(w, http.StatusUnauthorized, "invalid_client", "invalid client_id or client_secret")
		return
	}
	var uid string
	var scope []string
	if gt == "authorization_code" {
		v := q.Get("code")
		if v == "" {
			rrOAuthError(w, http.StatusBadRequest, "invalid_request", "code is required")
			return
		}
		c, st := p.tokens.redeemCode(v)
		switch st {
		case codeUnknown:
			rrOAuthError(w, http.StatusBadRequest, "invalid_grant", "invalid authorization code")
			return
		case codeUsed:
			rrOAuthError(w, http.StatusBadRequest, "invalid_grant", "authorization code has been used")
			return
		case codeExpired:
			rrOAuthError(w, http.StatusBadRequest, "invalid_grant", "authorization code has expired")
			return
		}
		if q.Get("redirect_uri") != c.RedirectURI {
			rrOAuthError(w, http.StatusBadRequest, "redirect_uri_mismatch", "redirect_uri differs from the one of the authorization")
			return
		}
		uid, scope = c.User, c.Scope
	} else {
		rt := q.Get("refresh_token")
		if rt == "" {
			rrOAuthError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required")
			return
		}
		old, ok := p.tokens.takeRefresh(rt, p.env.revokes(Renren))
		if !ok {
			rrOAuthError(w, http.StatusBadRequest, "invalid_grant", "invalid refresh token")
			return
		}
		uid, scope = old.User, old.Scope
	}
	g := p.mint(uid, scope, p.env.now().Add(rrTokenTTL))
	id, _ := strconv.ParseInt(uid, 10, 64)
	u, _ := rrUserByID(id)
	writeJSON(w, http.StatusOK, "", map[string]any{
		"access_token":  g.Token,
		"expires_in":    int64(rrTokenTTL.Seconds()),
		"refresh_token": g.Refresh,
		"scope":         rrScopeString(scope),
		"token_type":    "bearer",
		"user":          u.oauth(),
	})
}
