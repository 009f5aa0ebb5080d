package sandbox

// Kaixin001 (开心网) Open API, emulated from its documentation (seed 004,
// PLATFORMS.md): OAuth 1.0a (RFC 5849, HMAC-SHA1), OAuth 2.0 and legacy
// session keys, and the JSON API at /<ns>/<m>.json. The service is gone
// upstream; where its documentation is lost the choices are the sandbox's:
//
// Errors are {"error_code":N,"error":"...","request":"/friends/me.json"} with
// the HTTP statuses of the documentation and these codes:
//
//	400 40001 bad parameter         401 40101 no credentials
//	400 40002 wrong HTTP method     401 40102 unknown token, key or consumer
//	400 40003 rate limit reached    401 40103 token expired
//	400 40004 format not served     401 40104 bad OAuth 1.0a signature
//	400 40005 bad OAuth parameters  401 40105 nonce already used
//	403 40301 scope not granted     401 40106 timestamp too far from the clock
//	404 40401 no such method        502 50201 closed or upgrading
//
// OAuth 1.0a timestamps may be 5 minutes away from the sandbox's clock; a
// nonce may not come back with the same consumer and token within that
// window. Access tokens (OAuth 2.0) and session keys live 30 days, OAuth 1.0a
// access tokens do not expire, codes and request tokens live 10 minutes.
// friends/me clamps num to 50, its documented maximum. records/add needs the
// scope create_records, records/me user_records, photo/upload upload_photo;
// profile fields beyond the basic ones need friends_<x> (user_<x> on
// users/me) and are left out without it, as Kaixin does.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	kxAppKey     = "7e2b4d6f8a1c3e5b7d9f0a2c4e6b8d1f"
	kxAppSecret  = "d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9"
	kxTokenTTL   = 30 * 24 * time.Hour
	kxCodeTTL    = 10 * time.Minute
	kxClockSkew  = 5 * time.Minute
	kxJSON       = "application/json; charset=utf-8"
	kxFormReply  = "application/x-www-form-urlencoded"
	kxBasicScope = "basic"
)

// kxScopes() are the scopes the sandbox knows.
func kxScopes() []string {
	return []string{
		kxBasicScope, "create_records", "user_records", "upload_photo",
		"user_birthday", "user_bodyform", "user_blood", "user_marriage", "user_intro",
		"user_education", "user_career", "user_online",
		"friends_birthday", "friends_bodyform", "friends_blood", "friends_marriage", "friends_intro",
		"friends_education", "friends_career", "friends_online",
	}
}

type kaixinPlatform struct {
	env      *env
	oauth2   *store // OAuth 2.0 tokens and codes
	oauth1   *store // OAuth 1.0a access tokens (grant.Secret is the token secret)
	sessions *store // session keys
	users    map[string]*kxUser
	me       string // the default user's uid
	groups   []kxGroup

	mu          sync.Mutex
	requests    map[string]*kxRequestToken
	nonces      map[string]int64 // consumer&token&nonce -> oauth_timestamp
	maintenance bool
	rateLimit   int            // calls per credential and hour; 0 means none
	calls       map[string]int // "hour credential" -> calls
	records     map[string][]kxRecord
	photos      map[string][]kxPhoto
	seq         int64
}

func newKaixin(e *env) *kaixinPlatform {
	p := &kaixinPlatform{
		env:      e,
		oauth2:   newStore(e.now),
		oauth1:   newStore(e.now),
		sessions: newStore(e.now),
		requests: map[string]*kxRequestToken{},
		nonces:   map[string]int64{},
		calls:    map[string]int{},
		records:  map[string][]kxRecord{},
		photos:   map[string][]kxPhoto{},
		seq:      600000000,
	}
	p.seed()
	return p
}

func (p *kaixinPlatform) app() App { return App{ID: kxAppKey, Secret: kxAppSecret} }

// issue makes an OAuth 2.0 access token (or, with o.OAuth1, an OAuth 1.0a
// token and secret) and a session key for the same user and scope.
func (p *kaixinPlatform) issue(o TokenOptions) (Credentials, error) {
	if o.GroupID != 0 || o.Service {
		return Credentials{}, fmt.Errorf("sandbox: kaixin has no community or service tokens")
	}
	uid := o.UserID
	if uid == "" {
		uid = p.me
	}
	if _, ok := p.users[uid]; !ok {
		return Credentials{}, fmt.Errorf("sandbox: kaixin: unknown user %q", o.UserID)
	}
	for _, s := range o.Scope {
		if !slices.Contains(kxScopes(), s) {
			return Credentials{}, fmt.Errorf("sandbox: kaixin: unknown scope %q", s)
		}
	}
	ttl := o.TTL
	if ttl == 0 && !o.OAuth1 {
		ttl = kxTokenTTL
	}
	var c Credentials
	if o.OAuth1 {
		g := p.grantOAuth1(uid, o.Scope, ttl)
		c = Credentials{AccessToken: g.Token, TokenSecret: g.Secret, ExpiresAt: g.ExpiresAt}
	} else {
		g := p.grantOAuth2(uid, o.Scope, ttl)
		c = Credentials{AccessToken: g.Token, RefreshToken: g.Refresh, ExpiresAt: g.ExpiresAt}
	}
	sttl := o.TTL
	if sttl == 0 {
		sttl = kxTokenTTL
	}
	s := &grant{Token: "6_" + uid + "_" + randomHex(12), User: uid, Scope: o.Scope,
		ExpiresAt: p.env.now().Add(sttl), AppID: kxAppKey}
	p.sessions.add(s)
	c.SessionKey = s.Token
	c.UserID = uid
	c.Scope = kxScopeString(o.Scope)
	return c, nil
}

// grantOAuth2 stores a new OAuth 2.0 token; ttl 0 means no expiry.
func (p *kaixinPlatform) grantOAuth2(uid string, scope []string, ttl time.Duration) *grant {
	g := &grant{Token: uid + "." + randomHex(16), Refresh: uid + "." + randomHex(16),
		User: uid, Scope: scope, AppID: kxAppKey}
	if ttl != 0 {
		g.ExpiresAt = p.env.now().Add(ttl)
	}
	p.oauth2.add(g)
	return g
}

// grantOAuth1 stores a new OAuth 1.0a token and secret; ttl 0 means no
// expiry. The token looks like the documentation's example.
func (p *kaixinPlatform) grantOAuth1(uid string, scope []string, ttl time.Duration) *grant {
	now := p.env.now()
	g := &grant{Token: fmt.Sprintf("46765_%s_46765_%d_%s", uid, now.Unix(), randomHex(16)),
		Secret: randomHex(16), User: uid, Scope: scope, AppID: kxAppKey}
	if ttl != 0 {
		g.ExpiresAt = now.Add(ttl)
	}
	p.oauth1.add(g)
	return g
}

func kxScopeString(scope []string) string {
	if scope == nil {
		return strings.Join(kxScopes(), " ")
	}
	return strings.Join(scope, " ")
}

func (p *kaixinPlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	closed := p.maintenance
	p.mu.Unlock()
	if closed {
		kxFail(w, r, http.StatusBadGateway, 50201, "api is closed or upgrading")
		return
	}
	switch r.URL.Path {
	case "/oauth/request_token":
		p.requestToken(w, r)
	case "/oauth/authorize":
		p.authorize1(w, r)
	case "/oauth/access_token":
		p.accessToken1(w, r)
	case "/oauth2/authorize":
		p.authorize2(w, r)
	case "/oauth2/access_token":
		p.accessToken2(w, r)
	default:
		p.api(w, r)
	}
}

// KaixinMaintenance switches Kaixin into (on) or out of "upgrading" mode, in
// which every request answers HTTP 502 with error_code 50201, as the API does
// when closed or being upgraded.
func (s *Server) KaixinMaintenance(on bool) {
	p := s.platforms[Kaixin].(*kaixinPlatform)
	p.mu.Lock()
	p.maintenance = on
	p.mu.Unlock()
}

// KaixinRateLimit allows each Kaixin credential (access token, OAuth 1.0a
// token or session key) n API calls per clock hour; the next ones answer
// HTTP 400 with error_code 40003. n <= 0 removes the limit and forgets the
// calls counted so far.
func (s *Server) KaixinRateLimit(n int) {
	p := s.platforms[Kaixin].(*kaixinPlatform)
	p.mu.Lock()
	p.rateLimit = max(n, 0)
	if n <= 0 {
		p.calls = map[string]int{}
	}
	p.mu.Unlock()
}

// kxError is Kaixin's error object.
type kxError struct {
	Code    int    `json:"error_code"`
	Message string `json:"error"`
	Request string `json:"request"`
}

// kxFail writes a Kaixin error with its HTTP status.
func kxFail(w http.ResponseWriter, r *http.Request, status, code int, msg string) {
	writeJSON(w, status, kxJSON, kxError{Code: code, Message: msg, Request: r.URL.Path})
}

// kxProblem is an error found while handling a request, written by kxFail.
type kxProblem struct {
	status, code int
	msg          string
}

func (e *kxProblem) write(w http.ResponseWriter, r *http.Request) {
	kxFail(w, r, e.status, e.code, e.msg)
}

func kxBad(code int, format string, args ...any) *kxProblem {
	return &kxProblem{http.StatusBadRequest, code, fmt.Sprintf(format, args...)}
}

func kxUnauthorized(code int, format string, args ...any) *kxProblem {
	return &kxProblem{http.StatusUnauthorized, code, fmt.Sprintf(format, args...)}
}
