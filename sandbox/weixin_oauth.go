package sandbox

import (
	"html"
	"net/http"
	"net/url"
	"strings"
)

// authorize serves /connect/qrconnect (allowed = snsapi_login) and
// /connect/oauth2/authorize (snsapi_base, snsapi_userinfo). WeChat matches the
// link strictly: exactly appid, redirect_uri, response_type, scope and an
// optional state, in that order, each once. A bad link gets WeChat's error
// page (HTTP 200, HTML); a good one is approved at once by the default user:
// 302 to redirect_uri?code=CODE&state=STATE. The #wechat_redirect fragment
// never reaches a server, so it cannot be checked here.
func (p *weixinPlatform) authorize(w http.ResponseWriter, r *http.Request, allowed []string) {
	q, keys, ok := wxParseQuery(r.URL.RawQuery)
	if !ok {
		wxPage(w, "参数错误", "unreadable query")
		return
	}
	scopes, scopeOK := wxScopes(q.Get("scope"), allowed)
	switch {
	case !scopeOK:
		wxPage(w, "Scope参数错误或没有Scope权限", "scope")
		return
	case q.Get("appid") != wxAppID:
		wxPage(w, "AppID 参数错误", "appid")
		return
	case !wxValidRedirect(q.Get("redirect_uri")):
		wxPage(w, "redirect_uri 参数错误", "redirect_uri")
		return
	case q.Get("response_type") != "code":
		wxPage(w, "response_type参数错误", "response_type")
		return
	case !wxLinkOrder(keys):
		wxPage(w, "参数错误", "parameter order")
		return
	}
	u := p.users[0]
	c := &code{
		Value:       wxRandom(32),
		User:        u.ID,
		Scope:       scopes,
		RedirectURI: q.Get("redirect_uri"),
		ExpiresAt:   p.env.now().Add(wxCodeTTL),
	}
	p.store.addCode(c)
	target, _ := url.Parse(c.RedirectURI) // checked by wxValidRedirect
	rq := target.Query()
	rq.Set("code", c.Value)
	rq.Set("state", q.Get("state"))
	target.RawQuery = rq.Encode()
	w.Header().Set("Location", target.String())
	w.WriteHeader(http.StatusFound)
}

// wxParseQuery decodes a raw query and returns the keys in link order.
func wxParseQuery(raw string) (url.Values, []string, bool) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, nil, false
	}
	var keys []string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return nil, nil, false
		}
		keys = append(keys, k)
	}
	return q, keys, true
}

// wxLinkOrder reports whether keys are exactly the documented link.
func wxLinkOrder(keys []string) bool {
	want := []string{"appid", "redirect_uri", "response_type", "scope", "state"}
	if len(keys) == len(want)-1 {
		want = want[:len(want)-1] // state is optional
	}
	if len(keys) != len(want) {
		return false
	}
	for i := range keys {
		if keys[i] != want[i] {
			return false
		}
	}
	return true
}

// wxScopes splits a comma-separated scope list; every scope must be allowed.
func wxScopes(s string, allowed []string) ([]string, bool) {
	if s == "" {
		return nil, false
	}
	scopes := strings.Split(s, ",")
	for _, sc := range scopes {
		ok := false
		for _, a := range allowed {
			ok = ok || sc == a
		}
		if !ok {
			return nil, false
		}
	}
	return scopes, true
}

func wxValidRedirect(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// wxPage writes WeChat's error page. reason goes in X-Sandbox-Reason too,
// for tests.
func wxPage(w http.ResponseWriter, msg, reason string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Sandbox-Reason", reason)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>微信登录</title></head>" +
		"<body><div class=\"weui-msg\"><h4 class=\"weui-msg__title\">" + html.EscapeString(msg) +
		"</h4></div></body></html>\n"))
}

// accessToken serves GET /sns/oauth2/access_token.
func (p *weixinPlatform) accessToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !wxCheckApp(w, q) {
		return
	}
	switch {
	case q.Get("secret") == "":
		wxError(w, 41004, "appsecret missing")
		return
	case q.Get("secret") != wxAppSecret:
		wxError(w, 40125, "invalid appsecret, view more at http://t.cn/RAEkdVq")
		return
	case q.Get("grant_type") != "authorization_code":
		wxError(w, 40002, "invalid grant_type")
		return
	case q.Get("code") == "":
		wxError(w, 41008, "missing code")
		return
	}
	c, st := p.store.redeemCode(q.Get("code"))
	switch st {
	case codeUnknown:
		wxError(w, 40029, "invalid code")
		return
	case codeUsed:
		wxError(w, 40163, "code been used")
		return
	case codeExpired:
		wxError(w, 42003, "code expired")
		return
	}
	u, _ := p.user(c.User)
	g := p.grant(u, c.Scope, wxTokenTTL)
	writeJSON(w, http.StatusOK, wxContentType, wxTokenReply{
		AccessToken:  g.Token,
		ExpiresIn:    int(wxTokenTTL.Seconds()),
		RefreshToken: g.Refresh,
		OpenID:       u.OpenID,
		Scope:        strings.Join(c.Scope, ","),
		UnionID:      u.UnionID,
	})
}

type wxTokenReply struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	OpenID       string `json:"openid"`
	Scope        string `json:"scope"`
	UnionID      string `json:"unionid,omitempty"`
}

// refreshToken serves GET /sns/oauth2/refresh_token. As WeChat documents, a
// token that has not expired yet is kept and its lifetime renewed; an expired
// one is replaced by a new token. The refresh token itself is kept and lives
// 30 days from the login. The store has no renew operation, so this works on
// its maps under its lock.
func (p *weixinPlatform) refreshToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !wxCheckApp(w, q) {
		return
	}
	switch {
	case q.Get("grant_type") != "refresh_token":
		wxError(w, 40002, "invalid grant_type")
		return
	case q.Get("refresh_token") == "":
		wxError(w, 41003, "refresh_token missing")
		return
	}
	now := p.env.now()
	st := p.store
	st.mu.Lock()
	g, ok := st.refresh[q.Get("refresh_token")]
	if !ok || g.Revoked {
		st.mu.Unlock()
		wxError(w, 40030, "invalid refresh_token")
		return
	}
	if !g.RefreshExpiresAt.IsZero() && !now.Before(g.RefreshExpiresAt) {
		st.mu.Unlock()
		wxError(w, 42002, "refresh_token expired")
		return
	}
	old := ""
	if g.Expired(now) {
		old = g.Token
		delete(st.tokens, g.Token)
		g.Token = wxRandom(86)
		st.tokens[g.Token] = g
	}
	g.ExpiresAt = now.Add(wxTokenTTL)
	reply := wxTokenReply{
		AccessToken:  g.Token,
		ExpiresIn:    int(wxTokenTTL.Seconds()),
		RefreshToken: g.Refresh,
		OpenID:       g.OpenID,
		Scope:        wxScopeString(g.Scope),
	}
	st.mu.Unlock()
	if old != "" {
		p.mu.Lock()
		p.stale[old] = true
		p.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, wxContentType, reply)
}

// wxCheckApp checks appid and answers the error when it is wrong.
func wxCheckApp(w http.ResponseWriter, q url.Values) bool {
	switch q.Get("appid") {
	case "":
		wxError(w, 41002, "appid missing")
		return false
	case wxAppID:
		return true
	default:
		wxError(w, 40013, "invalid appid")
		return false
	}
}

func wxScopeString(scope []string) string {
	if scope == nil {
		return strings.Join(wxAllScopes(), ",")
	}
	return strings.Join(scope, ",")
}
