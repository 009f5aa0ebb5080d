package sandbox

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// vkError is a VK API error; Msg is VK's error_msg, from VK's error schema
// (reference/vk-errors.json) with VK's usual detail after a colon.
type vkError struct {
	Code       int
	Msg        string
	CaptchaSID string
	CaptchaImg string
	Challenge  *vkChallenge // not-robot captcha and validation fields
	// Hitman is the page of an HTTP-level challenge (vk_hitman.go): the
	// reply is that challenge, not an error object.
	Hitman string
}

func vkErr(code int, msg string) *vkError { return &vkError{Code: code, Msg: msg} }

// vkParamErr is error 100 with VK's detail, e.g. "count not integer".
func vkParamErr(detail string) *vkError {
	return vkErr(100, "One of the parameters specified was missing or invalid: "+detail)
}

type vkParam struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type vkErrorBody struct {
	ErrorCode     int       `json:"error_code"`
	ErrorMsg      string    `json:"error_msg"`
	RequestParams []vkParam `json:"request_params"`
	CaptchaSID    string    `json:"captcha_sid,omitempty"`
	CaptchaImg    string    `json:"captcha_img,omitempty"`
	*vkChallenge
}

// vkCall is one API method call, on its own or inside execute.
type vkCall struct {
	method string
	params map[string]string
	grant  grant
	base   string // absolute base URL of the VK emulator
	// remixstlid is the value of the request's remixstlid cookie.
	remixstlid string
	// solution is the request's X-Challenge-Solution header.
	solution string
}

// vkKind is a set of token kinds a method accepts.
type vkKind int

const (
	vkUserTok vkKind = 1 << iota
	vkGroupTok
	vkServiceTok
	vkAnyTok = vkUserTok | vkGroupTok | vkServiceTok
)

// vkMethod describes one emulated method: the token kinds it accepts, the
// user right it needs, and what it does.
type vkMethod struct {
	kinds vkKind
	scope string
	run   func(p *vkPlatform, c *vkCall) (any, *vkError)
}

// vkLookup finds a method; VK method names are case-insensitive.
func vkLookup(name string) (vkMethod, bool) {
	switch strings.ToLower(name) {
	case "users.get":
		return vkMethod{kinds: vkAnyTok, run: (*vkPlatform).usersGet}, true
	case "friends.get":
		return vkMethod{kinds: vkUserTok | vkServiceTok, run: (*vkPlatform).friendsGet}, true
	case "wall.get":
		return vkMethod{kinds: vkUserTok | vkServiceTok, run: (*vkPlatform).wallGet}, true
	case "wall.post":
		return vkMethod{kinds: vkUserTok, scope: "wall", run: (*vkPlatform).wallPost}, true
	case "photos.getwalluploadserver":
		return vkMethod{kinds: vkUserTok, scope: "photos", run: (*vkPlatform).photosGetWallUploadServer}, true
	case "photos.savewallphoto":
		return vkMethod{kinds: vkUserTok, scope: "photos", run: (*vkPlatform).photosSaveWallPhoto}, true
	case "execute":
		return vkMethod{kinds: vkAnyTok, run: (*vkPlatform).execute}, true
	}
	if m, ok := vkMoreMethod(strings.ToLower(name)); ok {
		return m, true
	}
	return vkLookupMore(strings.ToLower(name))
}

// vkExecResult is what execute returns: a response and the errors of the
// calls that failed inside it.
type vkExecResult struct {
	Response any           `json:"response"`
	Errors   []vkExecError `json:"execute_errors,omitempty"`
}

// serveAPI answers https://api.vk.ru/method/<name>. Errors come with HTTP
// 200, as VK sends them.
func (p *vkPlatform) serveAPI(w http.ResponseWriter, r *http.Request, method string) {
	c := &vkCall{method: method, params: map[string]string{}, base: vkBase(r)}
	if ck, err := r.Cookie("remixstlid"); err == nil {
		c.remixstlid = ck.Value
	}
	c.solution = r.Header.Get("X-Challenge-Solution")
	for k, v := range r.Form {
		if len(v) > 0 {
			c.params[k] = v[0]
		}
	}
	if tok := vkCallToken(r, c.params); tok != "" {
		c.params["access_token"] = tok
	}
	var res any
	var verr *vkError
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		verr = vkErr(8, "Invalid request: use GET or POST")
	} else {
		res, verr = p.handle(c)
	}
	if verr != nil && verr.Hitman != "" {
		vkWriteHitman(w, verr.Hitman)
		return
	}
	if verr != nil {
		vkSetChallengeCookie(w, verr)
		writeJSON(w, http.StatusOK, "", map[string]any{"error": vkErrorBody{
			ErrorCode:     verr.Code,
			ErrorMsg:      verr.Msg,
			RequestParams: vkRequestParams(c),
			CaptchaSID:    verr.CaptchaSID,
			CaptchaImg:    verr.CaptchaImg,
			vkChallenge:   verr.Challenge,
		}})
		return
	}
	if er, ok := res.(vkExecResult); ok {
		for _, e := range er.Errors {
			vkSetChallengeCookie(w, &vkError{Challenge: e.vkChallenge})
		}
		writeJSON(w, http.StatusOK, "", er)
		return
	}
	writeJSON(w, http.StatusOK, "", map[string]any{"response": res})
}

// handle runs the checks of a top-level call in VK's order: token present,
// known, unexpired; version; method; rate; captcha; then the method itself.
func (p *vkPlatform) handle(c *vkCall) (any, *vkError) {
	tok := c.params["access_token"]
	if tok == "" {
		return nil, vkErr(5, "User authorization failed: no access_token passed.")
	}
	g, ok := p.tokens.lookup(tok)
	if !ok || g.Revoked {
		return nil, vkErr(5, "User authorization failed: invalid access_token (4).")
	}
	if g.Expired(p.env.now()) {
		return nil, vkErr(5, "User authorization failed: access_token has expired.")
	}
	c.grant = g
	if err := vkCheckVersion(c.params["v"]); err != nil {
		return nil, err
	}
	m, ok := vkLookup(c.method)
	if !ok {
		return nil, vkErr(3, "Unknown method passed")
	}
	limit := p.env.vkRateUser
	if g.GroupID != 0 {
		limit = p.env.vkRateComm
	}
	if limit > 0 && !p.allowCall(tok, limit) {
		return nil, vkErr(6, "Too many requests per second")
	}
	if err := p.checkCaptcha(c); err != nil {
		return nil, err
	}
	return p.invoke(m, c)
}

// invoke checks the token kind and right a method needs, then runs it.
func (p *vkPlatform) invoke(m vkMethod, c *vkCall) (any, *vkError) {
	switch {
	case c.grant.Service && m.kinds&vkServiceTok == 0:
		return nil, vkErr(28, "Application authorization failed: method is unavailable with service token.")
	case c.grant.GroupID != 0 && m.kinds&vkGroupTok == 0:
		return nil, vkErr(27, "Group authorization failed: method is unavailable with group auth.")
	}
	// VK answers 15 when the token lacks the right a method needs (7 is
	// kept for actions the right does not cover).
	if m.scope != "" && !c.grant.Allows(m.scope) {
		return nil, vkErr(15, "Access denied: no access to call this method")
	}
	return m.run(p, c)
}

// vkCheckVersion wants v present and not older than 5.81, the oldest
// version VK still serves.
func vkCheckVersion(v string) *vkError {
	if v == "" {
		return vkErr(8, "Invalid request: v (version) is required")
	}
	major, minor, ok := strings.Cut(v, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if !ok || err1 != nil || err2 != nil || ma < 5 || (ma == 5 && mi < 81) {
		return vkErr(8, `Invalid request: versions below 5.81 are deprecated. Version param should be passed as "v". "version" param is invalid and not supported. For more information go to https://dev.vk.com/ru/reference/versions`)
	}
	return nil
}

// vkRequestParams echoes a call's parameters as VK does (method, oauth, v,
// then the rest), never the token or other secrets.
func vkRequestParams(c *vkCall) []vkParam {
	out := []vkParam{{Key: "method", Value: c.method}}
	if c.params["access_token"] != "" {
		out = append(out, vkParam{Key: "oauth", Value: "1"})
	}
	if v, ok := c.params["v"]; ok {
		out = append(out, vkParam{Key: "v", Value: v})
	}
	keys := make([]string, 0, len(c.params))
	for k := range c.params {
		switch k {
		case "access_token", "v", "method", "oauth", "client_secret", "password":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, vkParam{Key: k, Value: c.params[k]})
	}
	return out
}

// int reads an integer parameter, def when absent.
func (c *vkCall) int(name string, def int64) (int64, *vkError) {
	s := strings.TrimSpace(c.params[name])
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, vkParamErr(name + " not integer")
	}
	return n, nil
}

// list reads a comma-separated parameter.
func (c *vkCall) list(name string) []string {
	var out []string
	for _, s := range strings.Split(c.params[name], ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// userID is the id of the token's user, 0 for community and service tokens.
func (c *vkCall) userID() int64 {
	n, _ := strconv.ParseInt(c.grant.User, 10, 64)
	return n
}

// page reads count and offset, with VK's default and maximum count.
func (c *vkCall) page(def, maxCount int64) (count, offset int64, err *vkError) {
	if count, err = c.int("count", def); err != nil {
		return 0, 0, err
	}
	if offset, err = c.int("offset", 0); err != nil {
		return 0, 0, err
	}
	if count < 0 {
		return 0, 0, vkParamErr("count should be positive")
	}
	if offset < 0 {
		return 0, 0, vkParamErr("offset should be positive")
	}
	return min(count, maxCount), offset, nil
}

// vkWindow returns the [offset, offset+count) window of n items.
func vkWindow(n int, count, offset int64) (lo, hi int) {
	lo = int(min(offset, int64(n)))
	hi = int(min(int64(lo)+count, int64(n)))
	return lo, hi
}
