package sandbox

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// authorize serves GET /oauth2.0/authorize. The default user approves at
// once: 302 to redirect_uri?code=CODE&state=STATE (response_type=code) or
// redirect_uri#access_token=..&expires_in=..&state=.. (response_type=token).
// Errors are QQ's error page (HTTP 200, HTML with the code).
func (p *qqPlatform) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	rt := q.Get("response_type")
	switch {
	case rt != "code" && rt != "token":
		qqPage(w, 100000, "response_type is empty or illegal")
		return
	case q.Get("client_id") == "":
		qqPage(w, 100001, "client_id is empty")
		return
	case q.Get("client_id") != qqAppID:
		qqPage(w, 100008, "client id is illegal")
		return
	case !wxValidRedirect(q.Get("redirect_uri")):
		qqPage(w, 100010, "redirect uri is illegal")
		return
	}
	scope := qqParseScope(q.Get("scope"))
	u := p.users[0]
	target, _ := url.Parse(q.Get("redirect_uri")) // checked above
	if rt == "token" {
		g := p.grant(u, scope, qqTokenTTL)
		frag := url.Values{}
		frag.Set("access_token", g.Token)
		frag.Set("expires_in", strconv.Itoa(int(qqTokenTTL.Seconds())))
		if q.Has("state") {
			frag.Set("state", q.Get("state"))
		}
		target.Fragment = ""
		target.RawFragment = ""
		w.Header().Set("Location", target.String()+"#"+frag.Encode())
		w.WriteHeader(http.StatusFound)
		return
	}
	c := &code{
		Value:       qqRandom(),
		User:        u.ID,
		Scope:       scope,
		RedirectURI: q.Get("redirect_uri"),
		ExpiresAt:   p.env.now().Add(qqCodeTTL),
	}
	p.store.addCode(c)
	rq := target.Query()
	rq.Set("code", c.Value)
	if q.Has("state") {
		rq.Set("state", q.Get("state"))
	}
	target.RawQuery = rq.Encode()
	w.Header().Set("Location", target.String())
	w.WriteHeader(http.StatusFound)
}

// qqParseScope turns a comma-separated scope into a grant's scope: unknown
// names are dropped, "all" grants everything, empty means get_user_info.
func qqParseScope(s string) []string {
	if s == "" {
		return []string{"get_user_info"}
	}
	scope := []string{}
	for _, sc := range strings.Split(s, ",") {
		sc = strings.TrimSpace(sc)
		if sc == "all" {
			return nil
		}
		if qqKnownScope(sc) {
			scope = append(scope, sc)
		}
	}
	return scope
}

// qqPage writes QQ's authorization error page.
func qqPage(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", qqHTML)
	w.Header().Set("X-Sandbox-Reason", strconv.Itoa(code))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>QQ登录</title></head>" +
		"<body><p>很抱歉！出现错误</p><p>" + strconv.Itoa(code) + ": " + html.EscapeString(msg) +
		"</p></body></html>\n"))
}

// token serves /oauth2.0/token for both grant types.
func (p *qqPlatform) token(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	gt := q.Get("grant_type")
	switch {
	case gt != "authorization_code" && gt != "refresh_token":
		qqOAuthFail(w, r, 100004, "param grant_type is wrong or lost")
		return
	case q.Get("client_id") == "":
		qqOAuthFail(w, r, 100001, "param client_id is wrong or lost")
		return
	case q.Get("client_id") != qqAppID:
		qqOAuthFail(w, r, 100008, "client id is illegal")
		return
	case q.Get("client_secret") == "":
		qqOAuthFail(w, r, 100002, "param client_secret is wrong or lost")
		return
	case q.Get("client_secret") != qqAppKey:
		qqOAuthFail(w, r, 100009, "client secret is illegal")
		return
	}
	var g *grant
	if gt == "authorization_code" {
		g = p.exchangeCode(w, r)
	} else {
		g = p.exchangeRefresh(w, r)
	}
	if g == nil {
		return
	}
	expires := strconv.Itoa(int(g.ExpiresAt.Sub(p.env.now()).Round(time.Second).Seconds()))
	if q.Get("fmt") == "json" {
		reply := map[string]string{
			"access_token": g.Token, "expires_in": expires, "refresh_token": g.Refresh,
		}
		if q.Get("need_openid") == "1" {
			reply["openid"] = g.OpenID
		}
		writeJSON(w, http.StatusOK, "text/html", reply)
		return
	}
	body := "access_token=" + g.Token + "&expires_in=" + expires + "&refresh_token=" + g.Refresh
	if q.Get("need_openid") == "1" {
		body += "&openid=" + g.OpenID
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

// exchangeCode redeems a code; it answers the error and returns nil when the
// code or redirect_uri is wrong.
func (p *qqPlatform) exchangeCode(w http.ResponseWriter, r *http.Request) *grant {
	q := r.Form
	if q.Get("code") == "" {
		qqOAuthFail(w, r, 100005, "param code is wrong or lost")
		return nil
	}
	if q.Get("redirect_uri") == "" {
		qqOAuthFail(w, r, 100010, "redirect uri is illegal")
		return nil
	}
	c, st := p.store.redeemCode(q.Get("code"))
	switch st {
	case codeUnknown:
		qqOAuthFail(w, r, 100019, "code to access token error")
		return nil
	case codeUsed:
		qqOAuthFail(w, r, 100020, "code is reused error")
		return nil
	case codeExpired:
		qqOAuthFail(w, r, 100019, "code to access token error: code expired")
		return nil
	}
	if c.RedirectURI != q.Get("redirect_uri") {
		qqOAuthFail(w, r, 100010, "redirect uri is illegal")
		return nil
	}
	u, _ := p.user(c.User)
	return p.grant(u, c.Scope, qqTokenTTL)
}

// exchangeRefresh consumes a refresh token and issues a new pair; the old
// access token keeps working unless WithRevokeOnRefresh(QQ) revokes it
// (then it answers 100015).
func (p *qqPlatform) exchangeRefresh(w http.ResponseWriter, r *http.Request) *grant {
	rt := r.Form.Get("refresh_token")
	if rt == "" {
		qqOAuthFail(w, r, 100006, "param refresh_token is wrong or lost")
		return nil
	}
	old, ok := p.store.takeRefresh(rt, p.env.revokes(QQ))
	if !ok || old.Revoked {
		qqOAuthFail(w, r, 100016, "refresh token check failed")
		return nil
	}
	u, _ := p.user(old.User)
	return p.grant(u, old.Scope, qqTokenTTL)
}

// qqMe is the reply of /oauth2.0/me.
type qqMe struct {
	ClientID string `json:"client_id"`
	OpenID   string `json:"openid"`
	UnionID  string `json:"unionid,omitempty"`
}

// me serves /oauth2.0/me?access_token=T[&unionid=1][&fmt=json].
func (p *qqPlatform) me(w http.ResponseWriter, r *http.Request) {
	g, code, msg := p.checkToken(r.Form.Get("access_token"))
	if code != 0 {
		qqOAuthFail(w, r, code, msg)
		return
	}
	reply := qqMe{ClientID: g.AppID, OpenID: g.OpenID}
	if r.Form.Get("unionid") == "1" {
		u, _ := p.user(g.User)
		reply.UnionID = u.UnionID
	}
	if r.Form.Get("fmt") == "json" {
		writeJSON(w, http.StatusOK, "text/html", reply)
		return
	}
	qqJSONP(w, reply)
}

// checkToken finds the grant of an access token, or the QQ code and message
// saying why it cannot be used.
func (p *qqPlatform) checkToken(tok string) (grant, int, string) {
	if tok == "" {
		return grant{}, 100007, "param access token is wrong or lost"
	}
	if !qqWellFormed(tok) {
		return grant{}, 100013, "access token is illegal"
	}
	g, ok := p.store.lookup(tok)
	switch {
	case !ok:
		return grant{}, 100016, "access token check failed"
	case g.Revoked:
		return grant{}, 100015, "access token is revoked"
	case g.Expired(p.env.now()):
		return grant{}, 100014, "access token is expired"
	}
	return g, 0, ""
}
