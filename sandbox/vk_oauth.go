package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// VK OAuth at oauth.vk.ru (https://dev.vk.com/ru/api/access-token/getting-started):
// /authorize (code and implicit flows, community tokens through group_ids,
// S256 PKCE as VK ID takes it), /access_token (code exchange, service
// tokens) and /token (direct auth and service tokens). Classic VK OAuth has
// no refresh tokens. The sandbox approves every authorization at once, as the
// default user (id 1).

const vkBlankPage = "https://oauth.vk.ru/blank.html"

// vkScopeBit pairs a right with its bit in VK's scope bitmask.
type vkScopeBit struct {
	name string
	bit  int64
}

func vkUserScopes() []vkScopeBit {
	return []vkScopeBit{
		{"notify", 1}, {"friends", 2}, {"photos", 4}, {"audio", 8}, {"video", 16},
		{"stories", 64}, {"pages", 128}, {"menu", 256}, {"status", 1024}, {"notes", 2048},
		{"messages", 4096}, {"wall", 8192}, {"ads", 32768}, {"offline", 65536},
		{"docs", 131072}, {"groups", 262144}, {"notifications", 524288}, {"stats", 1048576},
		{"email", 4194304}, {"market", 134217728}, {"phone_number", 268435456},
	}
}

func vkCommunityScopes() []vkScopeBit {
	return []vkScopeBit{
		{"stories", 1}, {"photos", 4}, {"app_widget", 64}, {"messages", 4096},
		{"docs", 131072}, {"manage", 262144},
	}
}

func vkAllScopes(community bool) []string {
	bits := vkUserScopes()
	if community {
		bits = vkCommunityScopes()
	}
	out := make([]string, len(bits))
	for i, b := range bits {
		out[i] = b.name
	}
	return out
}

// vkParseScope reads a comma list or a bitmask. The result is never nil:
// an empty scope grants no rights.
func vkParseScope(s string, community bool) []string {
	s = strings.TrimSpace(s)
	out := []string{}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		bits := vkUserScopes()
		if community {
			bits = vkCommunityScopes()
		}
		for _, b := range bits {
			if n&b.bit != 0 {
				out = append(out, b.name)
			}
		}
		return out
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f = strings.ToLower(f); !vkHas(out, f) {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// mintUser stores a user token; it never expires with "offline".
func (p *vkPlatform) mintUser(uid int64, scope []string) (tok string, expiresIn int64) {
	g := &grant{Token: vkNewToken(), User: strconv.FormatInt(uid, 10), Scope: scope, AppID: VKAppID}
	if !vkHas(scope, "offline") {
		g.ExpiresAt = p.env.now().Add(vkUserTTL)
		expiresIn = int64(vkUserTTL.Seconds())
	}
	p.tokens.add(g)
	return g.Token, expiresIn
}

// mintGroup stores a community token, which does not expire.
func (p *vkPlatform) mintGroup(gid int64, scope []string) string {
	g := &grant{Token: vkNewToken(), GroupID: gid, Scope: scope, AppID: VKAppID}
	p.tokens.add(g)
	return g.Token
}

// serveAuthorize is https://oauth.vk.ru/authorize.
func (p *vkPlatform) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	if q.Get("client_id") != VKAppID {
		writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_client", "error_description": "client_id is incorrect"})
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		redirect = vkBlankPage
	}
	u, err := url.Parse(redirect)
	if err != nil || !(redirect == vkBlankPage || redirect == "https://oauth.vk.com/blank.html" || trustedTestRedirect(u, r.Host)) {
		writeJSON(w, http.StatusBadRequest, "", map[string]string{"error": "invalid_request", "error_description": "redirect_uri is incorrect, check application domain in the settings page"})
		return
	}
	state := q.Get("state")
	withState := func(kv ...string) []string {
		if state != "" {
			kv = append(kv, "state", state)
		}
		return kv
	}
	rt := q.Get("response_type")
	if rt == "" {
		rt = "code"
	}
	if rt != "code" && rt != "token" {
		vkRedirect(w, r, u, false, withState("error", "unsupported_response_type", "error_description", "response_type is incorrect"))
		return
	}
	var groups []int64
	for _, s := range strings.Split(q.Get("group_ids"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		gid, err := strconv.ParseInt(s, 10, 64)
		g, ok := vkGroupByID(gid)
		if err != nil || !ok || !g.isAdmin(1) {
			vkRedirect(w, r, u, rt == "token", withState("error", "invalid_request", "error_description", "group_ids is incorrect"))
			return
		}
		groups = append(groups, gid)
	}
	scope := vkParseScope(q.Get("scope"), len(groups) > 0)
	challenge := q.Get("code_challenge")
	if m := q.Get("code_challenge_method"); challenge != "" && m != "S256" || challenge == "" && m != "" {
		// VK ID takes S256 PKCE only (unverified for oauth.vk.ru).
		vkRedirect(w, r, u, rt == "token", withState("error", "invalid_request", "error_description", "code_challenge_method must be S256"))
		return
	}
	if rt == "code" {
		ids := make([]string, len(groups))
		for i, g := range groups {
			ids[i] = strconv.FormatInt(g, 10)
		}
		c := &code{Value: randomHex(9), User: VKUserID, Scope: scope, RedirectURI: redirect,
			ExpiresAt: p.env.now().Add(vkCodeTTL),
			Extra:     map[string]string{"client_id": VKAppID, "group_ids": strings.Join(ids, ","), "code_challenge": challenge}}
		p.tokens.addCode(c)
		vkRedirect(w, r, u, false, withState("code", c.Value))
		return
	}
	var kv []string
	if len(groups) > 0 {
		for _, gid := range groups {
			kv = append(kv, "access_token_"+strconv.FormatInt(gid, 10), p.mintGroup(gid, scope))
		}
		kv = append(kv, "expires_in", "0")
	} else {
		tok, exp := p.mintUser(1, scope)
		kv = append(kv, "access_token", tok, "expires_in", strconv.FormatInt(exp, 10), "user_id", VKUserID)
		if vkHas(scope, "email") {
			kv = append(kv, "email", VKLogin)
		}
	}
	vkRedirect(w, r, u, true, withState(kv...))
}

// vkRedirect sends the browser to u with kv (key, value, ...) in the query,
// or in the fragment for the implicit flow.
func vkRedirect(w http.ResponseWriter, r *http.Request, u *url.URL, fragment bool, kv []string) {
	parts := make([]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, url.QueryEscape(kv[i])+"="+url.QueryEscape(kv[i+1]))
	}
	enc := strings.Join(parts, "&")
	to := *u
	to.Fragment, to.RawFragment = "", ""
	if fragment {
		http.Redirect(w, r, to.String()+"#"+enc, http.StatusFound)
		return
	}
	if to.RawQuery != "" {
		enc = to.RawQuery + "&" + enc
	}
	to.RawQuery = enc
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// checkClient answers invalid_client unless client_id and client_secret are
// the test app's.
func (p *vkPlatform) checkClient(w http.ResponseWriter, q url.Values) bool {
	switch {
	case q.Get("client_id") != VKAppID:
		writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_client", "error_description": "client_id is incorrect"})
		return false
	case q.Get("client_secret") != VKAppSecret:
		writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_client", "error_description": "client_secret is incorrect"})
		return false
	}
	return true
}

// serveAccessToken is https://oauth.vk.ru/access_token: a code for a token,
// or a service token (grant_type=client_credentials, as VK documents it).
func (p *vkPlatform) serveAccessToken(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	if q.Get("grant_type") == "client_credentials" {
		p.serveDirectAuth(w, r)
		return
	}
	if !p.checkClient(w, q) {
		return
	}
	invalid := map[string]string{"error": "invalid_grant", "error_description": "Code is invalid or expired."}
	c, st := p.tokens.redeemCode(q.Get("code"))
	if st != codeOK || c.Extra["client_id"] != q.Get("client_id") {
		writeJSON(w, http.StatusUnauthorized, "", invalid)
		return
	}
	if ch := c.Extra["code_challenge"]; ch != "" && !vkVerifierMatches(q.Get("code_verifier"), ch) {
		// (unverified) VK ID's answer to a wrong PKCE verifier.
		writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_grant", "error_description": "code_verifier is invalid"})
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		redirect = vkBlankPage
	}
	if redirect != c.RedirectURI {
		writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_grant", "error_description": "redirect_uri is incorrect"})
		return
	}
	if ids := c.Extra["group_ids"]; ids != "" {
		var groups []map[string]any
		for _, s := range strings.Split(ids, ",") {
			gid, _ := strconv.ParseInt(s, 10, 64)
			groups = append(groups, map[string]any{"group_id": gid, "access_token": p.mintGroup(gid, c.Scope)})
		}
		writeJSON(w, http.StatusOK, "", map[string]any{"groups": groups, "expires_in": 0})
		return
	}
	uid, _ := strconv.ParseInt(c.User, 10, 64)
	p.writeUserToken(w, uid, c.Scope)
}

func (p *vkPlatform) writeUserToken(w http.ResponseWriter, uid int64, scope []string) {
	tok, exp := p.mintUser(uid, scope)
	out := map[string]any{"access_token": tok, "expires_in": exp, "user_id": uid}
	if vkHas(scope, "email") {
		for _, a := range vkAccounts() {
			if a.UserID == uid {
				out["email"] = a.Login
			}
		}
	}
	writeJSON(w, http.StatusOK, "", out)
}

// serveDirectAuth is https://oauth.vk.ru/token: direct auth with a login and
// password (grant_type=password), or a service token (client_credentials).
func (p *vkPlatform) serveDirectAuth(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	gt := q.Get("grant_type")
	if gt != "password" && gt != "client_credentials" {
		// (unverified) VK's exact answer to an unknown grant type.
		writeJSON(w, http.StatusBadRequest, "", map[string]string{"error": "unsupported_grant_type", "error_description": "grant_type is invalid"})
		return
	}
	if !p.checkClient(w, q) {
		return
	}
	if gt == "client_credentials" {
		g := &grant{Token: vkNewToken(), Service: true, AppID: VKAppID}
		p.tokens.add(g)
		writeJSON(w, http.StatusOK, "", map[string]any{"access_token": g.Token, "expires_in": 0})
		return
	}
	acct, known := vkAccountByLogin(q.Get("username"))
	if known && acct.Captcha {
		p.mu.Lock()
		solved := p.solveCaptcha(q.Get("captcha_sid"), q.Get("captcha_key"))
		var sid, img string
		if !solved {
			sid, img = p.newCaptcha(vkBase(r))
		}
		p.mu.Unlock()
		if !solved {
			writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "need_captcha", "captcha_sid": sid, "captcha_img": img})
			return
		}
	}
	if !known || q.Get("password") != VKPassword {
		writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_client", "error_description": "Username or password is incorrect"})
		return
	}
	if acct.TwoFA {
		switch q.Get("code") {
		case "":
			writeJSON(w, http.StatusUnauthorized, "", map[string]string{
				"error":             "need_validation",
				"error_description": "sms sent, use code param",
				"validation_type":   "2fa_sms",
				"validation_sid":    vkNumericID(),
				"phone_mask":        "+7 *** *** ** 12",
				"redirect_uri":      p.newAuthcheck(vkBase(r), acct.UserID, vkParseScope(q.Get("scope"), false)),
			})
			return
		case VKValidationCode:
		default:
			// (unverified) the shape of VK's wrong-code answer.
			writeJSON(w, http.StatusUnauthorized, "", map[string]string{"error": "invalid_request", "error_type": "wrong_otp", "error_description": "Wrong code"})
			return
		}
	}
	p.writeUserToken(w, acct.UserID, vkParseScope(q.Get("scope"), false))
}

// trustedTestRedirect reports whether a test app trusts redirect URI u: an
// http(s) URL on a loopback host, on the sandbox itself (host), or on a
// domain reserved for examples and tests (RFC 2606, RFC 6761).
func trustedTestRedirect(u *url.URL, host string) bool {
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	if u.Host == host {
		return true
	}
	h := strings.ToLower(u.Hostname())
	switch h {
	case "localhost", "127.0.0.1", "::1", "example.com", "example.org", "example.net":
		return true
	}
	for _, suffix := range []string{".localhost", ".test", ".example", ".example.com", ".example.org", ".example.net"} {
		if strings.HasSuffix(h, suffix) {
			return true
		}
	}
	return false
}

// vkVerifierMatches reports whether an RFC 7636 code_verifier answers an S256
// challenge: BASE64URL(SHA256(verifier)) without padding.
func vkVerifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}
