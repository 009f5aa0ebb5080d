package sandbox

// QQ Connect (QQ互联), emulated from https://wiki.connect.qq.com (API list,
// OAuth 2.0 pages, 公共返回码说明) and PLATFORMS.md. graph.qq.com's OAuth
// pages (/oauth2.0/...) and OpenAPI (/user/get_user_info, ...) share the
// platform's base URL.
//
// Choices the documentation leaves open:
//   - An unknown API path answers HTTP 404 with {"ret":-9,"msg":"api not
//     exist"} (-9 is Tencent's open-platform code for a missing API).
//   - A POST API called with GET answers ret 100012 (HTTP请求非post方式), a
//     GET API called with POST ret 100029 (错误的http请求).
//   - A missing access_token answers ret 1002 "请先登录"; an ill-formed one
//     100013, a well-formed but unknown one (or one that does not belong to
//     oauth_consumer_key) 100016, an expired one 100014, a revoked one 100015.
//   - Token endpoint errors with fmt=json are plain JSON, not JSONP.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	qqAppID    = "101234567"
	qqAppKey   = "c3f1e5a7b9d2c4e6f8a0b1c3d5e7f9a2"
	qqTokenTTL = 90 * 24 * time.Hour // 7776000 s
	qqCodeTTL  = 10 * time.Minute
	// qqHTML is the content type of every graph.qq.com reply.
	qqHTML = "text/html; charset=utf-8"
)

type qqPlatform struct {
	env   *env
	store *store
	users []qqUser

	mu     sync.Mutex
	albums map[string][]*qqAlbum // by user id
	weibo  map[string]*qqWeibo   // by weibo name
	tweets map[string]*qqTweet   // by tweet id
	order  []string              // tweet ids, oldest first
	seq    int64                 // last id handed out
}

func newQQ(e *env) *qqPlatform {
	p := &qqPlatform{env: e, store: newStore(e.now), users: qqUsers()}
	p.seed()
	return p
}

func (p *qqPlatform) app() App { return App{ID: qqAppID, Secret: qqAppKey} }

// issue makes a token as /oauth2.0/token would, without the login.
func (p *qqPlatform) issue(o TokenOptions) (Credentials, error) {
	if o.GroupID != 0 || o.Service || o.OAuth1 {
		return Credentials{}, fmt.Errorf("sandbox: qq has no community, service or OAuth 1.0a tokens")
	}
	u, ok := p.user(o.UserID)
	if !ok {
		return Credentials{}, fmt.Errorf("sandbox: qq: unknown user %q", o.UserID)
	}
	for _, s := range o.Scope {
		if !qqKnownScope(s) {
			return Credentials{}, fmt.Errorf("sandbox: qq: unknown scope %q", s)
		}
	}
	scope := o.Scope
	if slices.Contains(scope, "all") {
		scope = nil
	}
	ttl := o.TTL
	if ttl == 0 {
		ttl = qqTokenTTL
	}
	g := p.grant(u, scope, ttl)
	return Credentials{
		AccessToken:  g.Token,
		RefreshToken: g.Refresh,
		ExpiresAt:    g.ExpiresAt,
		OpenID:       u.OpenID,
		Scope:        qqScopeString(scope),
	}, nil
}

// grant stores and returns a new access token of u.
func (p *qqPlatform) grant(u qqUser, scope []string, ttl time.Duration) *grant {
	g := &grant{
		Token:     qqRandom(),
		Refresh:   qqRandom(),
		User:      u.ID,
		Scope:     scope,
		ExpiresAt: p.env.now().Add(ttl),
		OpenID:    u.OpenID,
		AppID:     qqAppID,
	}
	p.store.add(g)
	return g
}

func (p *qqPlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/oauth2.0/authorize":
		p.authorize(w, r)
	case "/oauth2.0/token":
		p.token(w, r)
	case "/oauth2.0/me":
		p.me(w, r)
	default:
		p.api(w, r)
	}
}

// QQRevoke revokes a QQ access token, as a user removing the app's
// authorization does: calls with it answer 100015 from then on.
func (s *Server) QQRevoke(accessToken string) {
	s.platforms[QQ].(*qqPlatform).store.revoke(accessToken)
}

// qqRandom returns a token, code or openid as QQ writes them: 32 upper-case
// hex digits.
func qqRandom() string { return strings.ToUpper(randomHex(16)) }

// qqWellFormed reports whether s looks like a QQ token.
func qqWellFormed(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func qqScopeString(scope []string) string {
	if scope == nil {
		return "all"
	}
	return strings.Join(scope, ",")
}

// qqJSONP writes `callback( {...} );`, the shape of /oauth2.0/ replies.
func qqJSONP(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, "callback( %s );\n", b)
}

// qqOAuthError is the error object of the /oauth2.0/ endpoints.
type qqOAuthError struct {
	Error       int    `json:"error"`
	Description string `json:"error_description"`
}

// qqOAuthFail writes an /oauth2.0/ error: JSONP, or JSON with fmt=json.
func qqOAuthFail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	e := qqOAuthError{Error: code, Description: msg}
	if r.Form.Get("fmt") == "json" {
		writeJSON(w, http.StatusOK, "text/html", e)
		return
	}
	qqJSONP(w, e)
}
