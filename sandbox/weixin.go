package sandbox

// WeChat web login (微信网站应用微信登录) and the sns API, emulated from the
// documentation at
// https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
// and PLATFORMS.md. open.weixin.qq.com (/connect/...) and api.weixin.qq.com
// (/sns/...) share the platform's base URL.
//
// Choices the documentation leaves open:
//   - An unknown path on the API host answers errcode 40066 "invalid url"
//     (HTTP 200, like every WeChat error); an unknown /connect/ page is a
//     plain 404, as open.weixin.qq.com serves pages, not JSON.
//   - A wrong secret answers 40125 "invalid appsecret", what WeChat returns
//     on /sns/oauth2/access_token. 40001 "invalid credential, access_token is
//     invalid or not latest" answers an access token that a refresh replaced;
//     40014 "invalid access_token" one the sandbox never issued.
//   - Only the API host answers -1 (WeixinBusy) and 45009 (WeixinQuota).
//   - An unknown lang on /sns/userinfo falls back to en, the default.

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

const (
	wxAppID      = "wx8d3c5f0a1b2e4c67"
	wxAppSecret  = "5a1f3c7e9b2d4f6a8c0e1b3d5f7a9c2e"
	wxTokenTTL   = 2 * time.Hour
	wxRefreshTTL = 30 * 24 * time.Hour
	wxCodeTTL    = 5 * time.Minute
	// wxContentType is what api.weixin.qq.com sends (sic: "encoding").
	wxContentType = "application/json; encoding=utf-8"
)

// WeChat scopes.
const (
	wxScopeBase     = "snsapi_base"
	wxScopeUserinfo = "snsapi_userinfo"
	wxScopeLogin    = "snsapi_login"
)

func wxAllScopes() []string { return []string{wxScopeBase, wxScopeUserinfo, wxScopeLogin} }

// wxBeijing() is the zone in which WeChat's daily quotas reset.
func wxBeijing() *time.Location { return time.FixedZone("CST", 8*3600) }

type weixinPlatform struct {
	env   *env
	store *store
	users []wxUser

	mu    sync.Mutex
	stale map[string]bool // access tokens a refresh replaced
	busy  int             // the next busy calls answer -1
	quota int             // calls per API and day; 0 means no limit
	calls map[string]int  // "day path" -> calls counted
}

func newWeixin(e *env) *weixinPlatform {
	return &weixinPlatform{
		env:   e,
		store: newStore(e.now),
		users: wxUsers(),
		stale: map[string]bool{},
		calls: map[string]int{},
	}
}

func (p *weixinPlatform) app() App { return App{ID: wxAppID, Secret: wxAppSecret} }

// issue makes a token as /sns/oauth2/access_token would, without the login.
func (p *weixinPlatform) issue(o TokenOptions) (Credentials, error) {
	if o.GroupID != 0 || o.Service || o.OAuth1 {
		return Credentials{}, fmt.Errorf("sandbox: weixin has no community, service or OAuth 1.0a tokens")
	}
	u, ok := p.user(o.UserID)
	if !ok {
		return Credentials{}, fmt.Errorf("sandbox: weixin: unknown user %q", o.UserID)
	}
	for _, s := range o.Scope {
		if !wxKnownScope(s) {
			return Credentials{}, fmt.Errorf("sandbox: weixin: unknown scope %q", s)
		}
	}
	ttl := o.TTL
	if ttl == 0 {
		ttl = wxTokenTTL
	}
	g := p.grant(u, o.Scope, ttl)
	scope := o.Scope
	if scope == nil {
		scope = wxAllScopes()
	}
	return Credentials{
		AccessToken:  g.Token,
		RefreshToken: g.Refresh,
		ExpiresAt:    g.ExpiresAt,
		OpenID:       u.OpenID,
		Scope:        strings.Join(scope, ","),
	}, nil
}

// grant stores and returns a new access token of u.
func (p *weixinPlatform) grant(u wxUser, scope []string, ttl time.Duration) *grant {
	now := p.env.now()
	g := &grant{
		Token:            wxRandom(86),
		Refresh:          wxRandom(86),
		User:             u.ID,
		Scope:            scope,
		ExpiresAt:        now.Add(ttl),
		RefreshExpiresAt: now.Add(wxRefreshTTL),
		OpenID:           u.OpenID,
		AppID:            wxAppID,
	}
	p.store.add(g)
	return g
}

func (p *weixinPlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch path {
	case "/connect/qrconnect":
		p.authorize(w, r, []string{wxScopeLogin})
		return
	case "/connect/oauth2/authorize":
		p.authorize(w, r, []string{wxScopeBase, wxScopeUserinfo})
		return
	}
	if strings.HasPrefix(path, "/connect/") {
		http.NotFound(w, r)
		return
	}
	if p.takeBusy() {
		wxError(w, -1, "system error")
		return
	}
	switch path {
	case "/sns/oauth2/access_token":
		p.accessToken(w, r)
	case "/sns/oauth2/refresh_token":
		p.refreshToken(w, r)
	case "/sns/userinfo":
		p.userinfo(w, r)
	case "/sns/auth":
		p.auth(w, r)
	default:
		wxError(w, 40066, "invalid url")
	}
}

// takeBusy reports whether this call is one WeixinBusy asked to fail.
func (p *weixinPlatform) takeBusy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy > 0 {
		p.busy--
		return true
	}
	return false
}

// overQuota counts a call of path and reports whether it is over the quota.
func (p *weixinPlatform) overQuota(path string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quota <= 0 {
		return false
	}
	key := p.env.now().In(wxBeijing()).Format("2006-01-02") + " " + path
	p.calls[key]++
	return p.calls[key] > p.quota
}

// WeixinBusy makes the next n calls to WeChat's API host (token, refresh and
// sns endpoints) answer errcode -1 "system error", as WeChat does when busy,
// so that retries can be tested. n <= 0 clears what is left.
func (s *Server) WeixinBusy(n int) {
	p := s.platforms[Weixin].(*weixinPlatform)
	p.mu.Lock()
	p.busy = max(n, 0)
	p.mu.Unlock()
}

// WeixinQuota limits each WeChat sns API (/sns/userinfo, /sns/auth) to n
// calls a day, counted in Beijing time as WeChat does; the call after the
// last one answers errcode 45009. n <= 0 removes the limit and forgets the
// calls counted so far.
func (s *Server) WeixinQuota(n int) {
	p := s.platforms[Weixin].(*weixinPlatform)
	p.mu.Lock()
	p.quota = max(n, 0)
	if n <= 0 {
		p.calls = map[string]int{}
	}
	p.mu.Unlock()
}

// wxError writes a WeChat error: HTTP 200, errcode and an errmsg that ends
// with a request id, as the real API does.
func wxError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, http.StatusOK, wxContentType, map[string]any{
		"errcode": code,
		"errmsg":  msg + ", hints: [ req_id: " + wxRandom(14) + " ]",
	})
}

func wxKnownScope(s string) bool {
	for _, k := range wxAllScopes() {
		if s == k {
			return true
		}
	}
	return false
}

const wxAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// wxRandom returns n random letters and digits, the look of WeChat's codes,
// tokens and request ids.
func wxRandom(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = wxAlphabet[int(b[i])%len(wxAlphabet)]
	}
	return string(b)
}
