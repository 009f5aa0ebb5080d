package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
)

// The OAuth 2.0 side of Kaixin: /oauth2/authorize and /oauth2/access_token.
// Errors follow RFC 6749: {"error":"invalid_grant","error_description":..}.

type kxOAuth2Error struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func kxOAuth2Fail(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, kxJSON, kxOAuth2Error{Error: code, Description: desc})
}

// kxTokenReply is the reply of /oauth2/access_token.
type kxTokenReply struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// authorize2 serves GET /oauth2/authorize (client_id, response_type=code or
// token, redirect_uri, scope, state): the default user approves at once.
// A bad client or redirect_uri is shown (400 JSON); other errors go back to
// redirect_uri as error=...&state=...
func (p *kaixinPlatform) authorize2(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	if q.Get("client_id") != kxAppKey {
		kxOAuth2Fail(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
		return
	}
	if !wxValidRedirect(q.Get("redirect_uri")) {
		kxOAuth2Fail(w, http.StatusBadRequest, "invalid_request", "redirect_uri must be an absolute http(s) URL")
		return
	}
	target, _ := url.Parse(q.Get("redirect_uri")) // checked above
	back := target.Query()
	if q.Has("state") {
		back.Set("state", q.Get("state"))
	}
	rt := q.Get("response_type")
	scope, prob := kxParseScope(q.Get("scope"))
	switch {
	case rt != "code" && rt != "token":
		back.Set("error", "unsupported_response_type")
	case prob != nil:
		back.Set("error", "invalid_scope")
		back.Set("error_description", prob.msg)
	case rt == "token":
		g := p.grantOAuth2(p.me, scope, kxTokenTTL)
		frag := url.Values{}
		frag.Set("access_token", g.Token)
		frag.Set("expires_in", strconv.Itoa(int(kxTokenTTL.Seconds())))
		frag.Set("scope", kxScopeString(scope))
		if q.Has("state") {
			frag.Set("state", q.Get("state"))
		}
		target.Fragment, target.RawFragment = "", ""
		w.Header().Set("Location", target.String()+"#"+frag.Encode())
		w.WriteHeader(http.StatusFound)
		return
	default:
		c := &code{
			Value: randomHex(16), User: p.me, Scope: scope, RedirectURI: q.Get("redirect_uri"),
			ExpiresAt: p.env.now().Add(kxCodeTTL),
		}
		p.oauth2.addCode(c)
		back.Set("code", c.Value)
	}
	target.RawQuery = back.Encode()
	w.Header().Set("Location", target.String())
	w.WriteHeader(http.StatusFound)
}

// accessToken2 serves POST /oauth2/access_token for the authorization_code
// and refresh_token grants. A refresh token is good once; the old access
// token keeps working unless WithRevokeOnRefresh(Kaixin) revokes it (then
// it answers 40102).
func (p *kaixinPlatform) accessToken2(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		kxOAuth2Fail(w, http.StatusBadRequest, "invalid_request", "use POST")
		return
	}
	q := r.Form
	gt := q.Get("grant_type")
	switch {
	case gt != "authorization_code" && gt != "refresh_token":
		kxOAuth2Fail(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	case q.Get("client_id") != kxAppKey || q.Get("client_secret") != kxAppSecret:
		kxOAuth2Fail(w, http.StatusUnauthorized, "invalid_client", "unknown client_id or wrong client_secret")
		return
	}
	var user string
	var scope []string
	if gt == "authorization_code" {
		if q.Get("code") == "" {
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_request", "missing code")
			return
		}
		c, st := p.oauth2.redeemCode(q.Get("code"))
		switch {
		case st == codeUnknown:
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_grant", "invalid code")
			return
		case st == codeUsed:
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_grant", "code has already been used")
			return
		case st == codeExpired:
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_grant", "code has expired")
			return
		case c.RedirectURI != q.Get("redirect_uri"):
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
			return
		}
		user, scope = c.User, c.Scope
	} else {
		if q.Get("refresh_token") == "" {
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_request", "missing refresh_token")
			return
		}
		old, ok := p.oauth2.takeRefresh(q.Get("refresh_token"), p.env.revokes(Kaixin))
		if !ok || old.Revoked {
			kxOAuth2Fail(w, http.StatusBadRequest, "invalid_grant", "invalid refresh_token")
			return
		}
		user, scope = old.User, old.Scope
	}
	g := p.grantOAuth2(user, scope, kxTokenTTL)
	writeJSON(w, http.StatusOK, kxJSON, kxTokenReply{
		AccessToken: g.Token, ExpiresIn: int(kxTokenTTL.Seconds()), RefreshToken: g.Refresh,
		Scope: kxScopeString(scope),
	})
}
