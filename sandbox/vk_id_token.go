package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// VK ID's token endpoints (PLATFORMS-MORE.md §1.4-1.7), all POST with form
// parameters taken from the query and the body merged (the body wins):
//
//	/oauth2/auth         grant_type=authorization_code, refresh_token, or
//	                     access_token (a classic user token's migration)
//	/oauth2/user_info    access_token (or Authorization: Bearer), client_id
//	/oauth2/public_info  id_token, client_id
//	/oauth2/logout       access_token (or Bearer), client_id
//	/oauth2/revoke       access_token (or Bearer), client_id
//
// Access tokens are stored with the classic ones, so /method/ calls take
// them; they live VKIDTokenTTL by the sandbox clock and then get API error 5.

// serveOAuth2 routes /oauth2/<name>.
func (p *vkPlatform) serveOAuth2(w http.ResponseWriter, r *http.Request, name string) {
	q := r.Form
	if r.Method != http.MethodPost {
		vkIDError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST", q.Get("state"))
		return
	}
	if q.Get("client_id") != VKIDAppID {
		vkIDError(w, http.StatusUnauthorized, "invalid_client", "client_id is missing or invalid", q.Get("state"))
		return
	}
	switch name {
	case "auth":
		switch q.Get("grant_type") {
		case "authorization_code":
			p.idExchange(w, r)
		case "refresh_token":
			p.idRefresh(w, r)
		case "access_token":
			p.idMigrate(w, r)
		default:
			vkIDError(w, http.StatusBadRequest, "invalid_request", "grant_type is missing or invalid", q.Get("state"))
		}
	case "user_info", "logout", "revoke":
		p.idWithToken(w, r, name)
	case "public_info":
		p.idPublicInfo(w, r)
	default:
		http.NotFound(w, r)
	}
}

// idExchange trades a code, its PKCE verifier and device_id for tokens.
func (p *vkPlatform) idExchange(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	state := q.Get("state")
	bad := func(desc string) { vkIDError(w, http.StatusBadRequest, "invalid_request", desc, state) }
	if state == "" {
		bad("state is missing")
		return
	}
	if q.Get("code_verifier") == "" {
		bad("code_verifier is missing")
		return
	}
	c, st := p.tokens.redeemCode(q.Get("code"))
	switch {
	case st != codeOK || c.Extra["client_id"] != VKIDAppID:
		bad("code is invalid or expired")
	case !vkVerifierMatches(q.Get("code_verifier"), c.Extra["code_challenge"]):
		bad("code_verifier is invalid")
	case q.Get("device_id") != c.Extra["device_id"]:
		bad("device_id is invalid")
	case c.Extra["migrated"] == "" && q.Get("redirect_uri") != c.RedirectURI,
		c.Extra["migrated"] != "" && !vkIDTrusted(q.Get("redirect_uri"), r.Host):
		bad("redirect_uri is invalid")
	default:
		uid, _ := strconv.ParseInt(c.User, 10, 64)
		out := p.idMint(uid, c.Scope, c.Extra["device_id"], state)
		out["id_token"] = p.idToken(uid, c.Scope)
		writeJSON(w, http.StatusOK, "", out)
	}
}

// idMigrate answers the migration of a classic user token (the official
// SDKs' exchangeToken, PLATFORMS-MORE.md §1.1): response_type=code, the
// token as access_token, device_id, state and an S256 code_challenge give
// {code, state, device_id}. The code is exchanged as a login's, at any
// redirect URL the app trusts, and its tokens carry the classic token's
// rights (less email and phone, which need a login) and
// vkid.personal_info. The classic token keeps working. VK ID tokens,
// community and service tokens are refused.
func (p *vkPlatform) idMigrate(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	state := q.Get("state")
	bad := func(desc string) { vkIDError(w, http.StatusBadRequest, "invalid_request", desc, state) }
	switch {
	case state == "":
		bad("state is missing")
		return
	case q.Get("response_type") != "code":
		bad("response_type is missing or invalid")
		return
	case q.Get("device_id") == "":
		bad("device_id is missing")
		return
	case q.Get("code_challenge") == "" || !strings.EqualFold(q.Get("code_challenge_method"), "s256"):
		bad("code_challenge is missing or code_challenge_method is not s256")
		return
	case q.Get("code_verifier") != "":
		bad("code_verifier and code_challenge must not be sent together")
		return
	}
	g, ok := p.tokens.lookup(q.Get("access_token"))
	if !ok || g.Revoked || g.Expired(p.env.now()) || g.GroupID != 0 || g.Service || g.AppID == VKIDAppID || g.User == "" {
		vkIDError(w, http.StatusUnauthorized, "invalid_token", "access_token is missing or invalid", state)
		return
	}
	scope := []string{"vkid.personal_info"}
	for _, b := range vkUserScopes() {
		if b.name != "email" && b.name != "phone_number" && g.Allows(b.name) {
			scope = append(scope, b.name)
		}
	}
	c := &code{Value: "vk2.a." + randomHex(24), User: g.User, Scope: scope, ExpiresAt: p.env.now().Add(VKIDCodeTTL),
		Extra: map[string]string{"client_id": VKIDAppID, "code_challenge": q.Get("code_challenge"),
			"device_id": q.Get("device_id"), "migrated": "1"}}
	p.tokens.addCode(c)
	writeJSON(w, http.StatusOK, "", map[string]string{"code": c.Value, "state": state, "device_id": q.Get("device_id")})
}

// vkIDTrusted reports whether raw is a redirect URL the VK ID app trusts.
func vkIDTrusted(raw, host string) bool {
	u, err := url.Parse(raw)
	return raw != "" && err == nil && u.Fragment == "" && trustedTestRedirect(u, host)
}

// idRefresh rotates a refresh token: the reply carries a new one and the
// old one is refused from then on. The previous access token keeps working
// until it expires. A scope may narrow the grant, never widen it (then
// invalid_scope, and the refresh token stays valid).
func (p *vkPlatform) idRefresh(w http.ResponseWriter, r *http.Request) {
	q := r.Form
	state := q.Get("state")
	if state == "" {
		vkIDError(w, http.StatusBadRequest, "invalid_request", "state is missing", state)
		return
	}
	now := p.env.now()
	p.id.mu.Lock()
	sess, ok := p.id.refresh[q.Get("refresh_token")]
	if ok && (sess.device != q.Get("device_id") || !now.Before(sess.expiresAt)) {
		ok = false
	}
	scope, wider := []string(nil), ""
	if ok {
		scope = sess.scope
		if asked := strings.Fields(q.Get("scope")); len(asked) > 0 {
			scope = asked
			for _, x := range asked {
				if !vkHas(sess.scope, x) {
					wider = x
				}
			}
		}
		if wider == "" {
			delete(p.id.refresh, q.Get("refresh_token"))
		}
	}
	p.id.mu.Unlock()
	switch {
	case !ok:
		vkIDError(w, http.StatusBadRequest, "invalid_request", "refresh_token is missing or invalid", state)
		return
	case wider != "":
		vkIDError(w, http.StatusBadRequest, "invalid_scope", "scope is wider than the one granted: "+wider, state)
		return
	}
	writeJSON(w, http.StatusOK, "", p.idMint(sess.user, scope, sess.device, state))
}

// idMint issues an access and a refresh token and returns the token object
// of §1.4 without id_token.
func (p *vkPlatform) idMint(uid int64, scope []string, device, state string) map[string]any {
	now := p.env.now()
	g := &grant{Token: "vk2.a." + randomHex(40), User: strconv.FormatInt(uid, 10), Scope: scope,
		ExpiresAt: now.Add(VKIDTokenTTL), AppID: VKIDAppID}
	p.tokens.add(g)
	rt := "vk2.a." + randomHex(48)
	p.id.mu.Lock()
	p.id.refresh[rt] = &vkIDSession{user: uid, scope: scope, device: device, access: g.Token,
		expiresAt: now.Add(VKIDRefreshTTL)}
	p.id.mu.Unlock()
	return map[string]any{
		"access_token":  g.Token,
		"refresh_token": rt,
		"token_type":    "Bearer",
		"expires_in":    int64(VKIDTokenTTL.Seconds()),
		"user_id":       uid,
		"state":         state,
		"scope":         strings.Join(scope, " "),
	}
}

// idWithToken serves user_info, logout and revoke, which all need a live
// VK ID access token.
func (p *vkPlatform) idWithToken(w http.ResponseWriter, r *http.Request, name string) {
	tok := vkCallToken(r, map[string]string{"access_token": r.Form.Get("access_token")})
	g, ok := p.tokens.lookup(tok)
	if !ok || g.Revoked || g.Expired(p.env.now()) || g.AppID != VKIDAppID {
		vkIDError(w, http.StatusUnauthorized, "invalid_token", "access_token is missing or invalid", "")
		return
	}
	uid, _ := strconv.ParseInt(g.User, 10, 64)
	if name == "user_info" {
		writeJSON(w, http.StatusOK, "", map[string]any{"user": vkIDProfile(uid, g.Scope, false)})
		return
	}
	// logout ends the session (its refresh token too); revoke withdraws
	// the grant, with the same effect in the sandbox.
	p.tokens.revoke(tok)
	p.id.mu.Lock()
	for rt, s := range p.id.refresh {
		if s.access == tok {
			delete(p.id.refresh, rt)
		}
	}
	p.id.mu.Unlock()
	writeJSON(w, http.StatusOK, "", map[string]any{"response": 1})
}

// idPublicInfo answers the masked profile of an id_token's user.
func (p *vkPlatform) idPublicInfo(w http.ResponseWriter, r *http.Request) {
	claims, ok := p.idParseToken(r.Form.Get("id_token"))
	if !ok {
		vkIDError(w, http.StatusBadRequest, "invalid_id_token", "id_token is missing or invalid", "")
		return
	}
	uid, _ := strconv.ParseInt(claims.Sub, 10, 64)
	writeJSON(w, http.StatusOK, "", map[string]any{"user": vkIDProfile(uid, strings.Fields(claims.Scope), true)})
}

// vkIDProfile is the user object of user_info (and public_info, masked):
// user_id as a string, as the web SDK types it; email and phone only with
// their scopes.
func vkIDProfile(uid int64, scope []string, masked bool) map[string]any {
	u, _ := vkUserByID(uid)
	out := map[string]any{
		"user_id":    strconv.FormatInt(u.ID, 10),
		"first_name": u.First,
		"last_name":  u.Last,
		"avatar":     "https://userapi.sandbox.invalid/u" + strconv.FormatInt(u.ID, 10) + "/photo_200.jpg",
		"sex":        u.Sex,
		"verified":   false,
		"birthday":   u.BDate,
	}
	email, phone := vkIDContacts(uid)
	if masked {
		email, phone = "pr***@sandbox.test", "+7 *** *** ** "+phone[len(phone)-2:]
	}
	if vkHas(scope, "email") {
		out["email"] = email
	}
	if vkHas(scope, "phone") {
		out["phone"] = phone
	}
	return out
}

// vkIDContacts is a user's fictional e-mail and phone number.
func vkIDContacts(uid int64) (email, phone string) {
	for _, a := range vkAccounts() {
		if a.UserID == uid {
			email = a.Login
		}
	}
	if email == "" {
		email = "user" + strconv.FormatInt(uid, 10) + "@sandbox.test"
	}
	return email, "79000000" + strconv.FormatInt(100+uid, 10)
}

// vkIDClaims are the claims of the sandbox's id_token (unverified upstream:
// sub, email, given_name, family_name), plus the scope it was issued for.
type vkIDClaims struct {
	Iss        string `json:"iss"`
	Sub        string `json:"sub"`
	Aud        string `json:"aud"`
	Iat        int64  `json:"iat"`
	Exp        int64  `json:"exp"`
	Email      string `json:"email,omitempty"`
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
	Scope      string `json:"scope"`
}

// idToken returns a JWT for uid, signed with HS256 by a key only this
// sandbox knows: clients should treat it as opaque and pass it back.
func (p *vkPlatform) idToken(uid int64, scope []string) string {
	u, _ := vkUserByID(uid)
	now := p.env.now()
	c := vkIDClaims{Iss: "VK ID", Sub: strconv.FormatInt(uid, 10), Aud: VKIDAppID, Iat: now.Unix(),
		Exp: now.Add(VKIDTokenTTL).Unix(), GivenName: u.First, FamilyName: u.Last, Scope: strings.Join(scope, " ")}
	if vkHas(scope, "email") {
		c.Email, _ = vkIDContacts(uid)
	}
	body, _ := json.Marshal(c)
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(body)
	return head + "." + enc.EncodeToString(p.idSign(head))
}

func (p *vkPlatform) idSign(s string) []byte {
	m := hmac.New(sha256.New, p.id.jwtKey)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// idParseToken checks an id_token's signature and expiry.
func (p *vkPlatform) idParseToken(tok string) (vkIDClaims, bool) {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return vkIDClaims{}, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || !hmac.Equal(sig, p.idSign(tok[:i])) {
		return vkIDClaims{}, false
	}
	_, body, _ := strings.Cut(tok[:i], ".")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	var c vkIDClaims
	if err != nil || json.Unmarshal(raw, &c) != nil || !p.env.now().Before(time.Unix(c.Exp, 0)) {
		return vkIDClaims{}, false
	}
	return c, true
}
