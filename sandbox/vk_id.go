package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// VK ID (OAuth 2.1) at id.vk.ru, written from PLATFORMS-MORE.md §1 (the
// official VK ID SDKs for web, Android and iOS). It shares the /authorize
// path with classic VK OAuth, as every VK host maps to one base URL: a
// request whose client_id is VKIDAppID follows VK ID's rules, any other
// goes to the classic flow.
//
// Where VK's behaviour is an open question the sandbox takes the strict
// reading, so that a client passing here passes upstream:
//   - state is required at /authorize and must be at least 32 characters of
//     [A-Za-z0-9_-], as the Dart SDK demands;
//   - PKCE is required (S256 only, the method compared case-insensitively);
//   - a used refresh token is refused at once (rotation), and so is a code
//     redeemed twice, with a wrong verifier or for another device_id;
//   - errors carry HTTP 400 (invalid_request, invalid_scope), 401
//     (invalid_client, invalid_token) or 405 (a verb other than POST).

const (
	// VKIDAppID is the client id of the sandbox's VK ID application (a
	// public PKCE client: it has no secret). It trusts the same redirect
	// URLs as the classic test application: http(s) URLs on loopback hosts,
	// on the sandbox itself and on the domains reserved for tests and
	// examples (.test, .example, example.com, ...).
	VKIDAppID = "52345678"
	// VKIDCodeTTL is the lifetime of a VK ID authorization code (the
	// redirect's expires_in).
	VKIDCodeTTL = 10 * time.Minute
	// VKIDTokenTTL is the lifetime of a VK ID access token (expires_in).
	VKIDTokenTTL = time.Hour
	// VKIDRefreshTTL is the lifetime of a VK ID refresh token, by the
	// sandbox clock (VK's is not documented; about a year per one report).
	VKIDRefreshTTL = 365 * 24 * time.Hour
)

// vkIDScopes are the rights a VK ID login may ask for: VK ID's own
// vkid.personal_info, email and phone, and the classic API rights.
func vkIDScopes() []string {
	out := []string{"vkid.personal_info", "email", "phone"}
	for _, b := range vkUserScopes() {
		if b.name != "email" && b.name != "phone_number" {
			out = append(out, b.name)
		}
	}
	return out
}

// vkIDSession is what a VK ID refresh token stands for.
type vkIDSession struct {
	user      int64
	scope     []string
	device    string
	access    string // the latest access token of the session
	expiresAt time.Time
}

// vkID is the VK ID state of the VK emulator. It is safe for concurrent use.
type vkID struct {
	jwtKey []byte

	mu      sync.Mutex
	refresh map[string]*vkIDSession // by refresh token
	refuse  int                     // authorizations still to be refused
}

func newVKID() *vkID {
	return &vkID{jwtKey: []byte(randomHex(32)), refresh: map[string]*vkIDSession{}}
}

// VKIDRefuse makes the user refuse the next n VK ID authorizations: the
// authorize page redirects with error=access_denied (and the state) instead
// of a code. n <= 0 turns refusals off.
func (s *Server) VKIDRefuse(n int) {
	p := s.platforms[VK].(*vkPlatform)
	p.id.mu.Lock()
	p.id.refuse = max(n, 0)
	p.id.mu.Unlock()
}

// vkIDStateOK applies the Dart SDK's rule to state: 32 or more characters
// of [A-Za-z0-9_-].
func vkIDStateOK(s string) bool {
	if len(s) < 32 || len(s) > 1024 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// vkIDChallengeOK reports whether c looks like an S256 challenge: 43
// characters of base64url.
func vkIDChallengeOK(c string) bool {
	if len(c) != 43 {
		return false
	}
	return vkIDStateOK(c)
}

// serveIDAuthorize is https://id.vk.ru/authorize for VKIDAppID. The
// sandbox approves at once as the default user (id 1), unless VKIDRefuse
// asked for a refusal.
func (p *vkPlatform) serveIDAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	redirect := q.Get("redirect_uri")
	u, err := url.Parse(redirect)
	if redirect == "" || err != nil || !trustedTestRedirect(u, r.Host) || u.Fragment != "" {
		w.Header().Set("X-Sandbox-Reason", "redirect_uri is missing or not a trusted redirect URL of the VK ID app")
		vkIDError(w, http.StatusBadRequest, "invalid_request", "redirect_uri is missing or invalid", "")
		return
	}
	state := q.Get("state")
	fail := func(code, desc string) {
		w.Header().Set("X-Sandbox-Reason", desc)
		kv := []string{"error", code, "error_description", desc}
		if state != "" {
			kv = append(kv, "state", state)
		}
		vkRedirect(w, r, u, false, kv)
	}
	challenge := q.Get("code_challenge")
	scope := strings.Fields(q.Get("scope"))
	if len(scope) == 0 {
		scope = []string{"vkid.personal_info"}
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
		return
	case !vkIDStateOK(state):
		fail("invalid_request", "state is missing or invalid: 32 or more characters of [A-Za-z0-9_-]")
		return
	case q.Get("code_verifier") != "":
		fail("invalid_request", "code_verifier must not be sent to authorize; send code_challenge")
		return
	case !strings.EqualFold(q.Get("code_challenge_method"), "s256"):
		fail("invalid_request", "code_challenge_method must be s256")
		return
	case !vkIDChallengeOK(challenge):
		fail("invalid_request", "code_challenge is missing or invalid: base64url(sha256(code_verifier)) without padding")
		return
	}
	for _, s := range scope {
		if !vkHas(vkIDScopes(), s) {
			fail("invalid_scope", "scope is invalid: "+s)
			return
		}
	}
	if desc := vkIDCheckExtras(q); desc != "" {
		fail("invalid_request", desc)
		return
	}
	p.id.mu.Lock()
	refused := p.id.refuse > 0
	if refused {
		p.id.refuse--
	}
	p.id.mu.Unlock()
	if refused {
		fail("access_denied", "user denied access")
		return
	}
	device := "sb" + randomHex(16)
	c := &code{Value: "vk2.a." + randomHex(24), User: VKUserID, Scope: scope, RedirectURI: redirect,
		ExpiresAt: p.env.now().Add(VKIDCodeTTL),
		Extra:     map[string]string{"client_id": VKIDAppID, "code_challenge": challenge, "device_id": device}}
	p.tokens.addCode(c)
	vkRedirect(w, r, u, false, []string{"code", c.Value, "state", state, "device_id", device,
		"type", "code_v2", "expires_in", strconv.Itoa(int(VKIDCodeTTL.Seconds()))})
}

// vkIDCheckExtras checks the optional parameters VK ID defines (prompt,
// provider, lang_id, scheme) and returns what is wrong, or "". SDK extras
// (v, sdk_type, app_id, origin, stats_info, oauth_version, device_id,
// oauth2_params) are ignored.
func vkIDCheckExtras(q url.Values) string {
	for _, pr := range strings.Fields(q.Get("prompt")) {
		if !vkHas([]string{"none", "login", "consent", "select_account"}, pr) {
			return "prompt is invalid: " + pr
		}
	}
	if pv := q.Get("provider"); pv != "" && !vkHas([]string{"vkid", "ok_ru", "mail_ru"}, pv) {
		return "provider is invalid: " + pv
	}
	if l := q.Get("lang_id"); l != "" {
		if _, err := strconv.Atoi(l); err != nil {
			return "lang_id is invalid: not an integer"
		}
	}
	if sc := q.Get("scheme"); sc != "" && !vkHas([]string{"light", "dark", "space_gray"}, sc) {
		return "scheme is invalid: " + sc
	}
	return ""
}

// vkIDError writes VK ID's error object: error, error_description and the
// request's state when it had one.
func vkIDError(w http.ResponseWriter, status int, code, desc, state string) {
	out := map[string]string{"error": code, "error_description": desc}
	if state != "" {
		out["state"] = state
	}
	writeJSON(w, status, "", out)
}
