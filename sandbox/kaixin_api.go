package sandbox

import (
	"net/http"
	"strings"
	"time"
)

// kxCall is one API call that passed routing, verb and authentication.
type kxCall struct {
	r     *http.Request
	grant grant
}

func (c *kxCall) param(k string) string { return c.r.Form.Get(k) }

// kxMethod describes one API method.
type kxMethod struct {
	post  bool   // POST, else GET
	scope string // needed scope; "" is basic, which every token has
	fn    func(p *kaixinPlatform, c *kxCall) (any, *kxProblem)
}

// kxAPIs() lists the methods the sandbox serves, by "ns/m".
func kxAPIs() map[string]kxMethod {
	return map[string]kxMethod{
		"users/me":      {false, "", (*kaixinPlatform).usersMe},
		"users/show":    {false, "", (*kaixinPlatform).usersShow},
		"friends/me":    {false, "", (*kaixinPlatform).friendsMe},
		"friends/group": {false, "", (*kaixinPlatform).friendsGroup},
		"app/friends":   {false, "", (*kaixinPlatform).appFriends},
		"app/invited":   {false, "", (*kaixinPlatform).appInvited},
		"records/add":   {true, "create_records", (*kaixinPlatform).recordsAdd},
		"records/me":    {false, "user_records", (*kaixinPlatform).recordsMe},
		"photo/upload":  {true, "upload_photo", (*kaixinPlatform).photoUpload},
	}
}

// api serves /<ns>/<m>.json: route (404), verb (400), credential (401),
// rate limit (400), scope (403), then the method.
func (p *kaixinPlatform) api(w http.ResponseWriter, r *http.Request) {
	name, ext, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), ".")
	m, ok := kxAPIs()[name]
	switch {
	case ok && ext == "xml":
		kxFail(w, r, http.StatusBadRequest, 40004, "the sandbox serves .json only")
		return
	case !ok || ext != "json":
		kxFail(w, r, http.StatusNotFound, 40401, "no such resource or method")
		return
	case m.post && r.Method != http.MethodPost:
		kxFail(w, r, http.StatusBadRequest, 40002, "HTTP method "+r.Method+" not allowed, use POST")
		return
	case !m.post && r.Method != http.MethodGet && r.Method != http.MethodHead:
		kxFail(w, r, http.StatusBadRequest, 40002, "HTTP method "+r.Method+" not allowed, use GET")
		return
	}
	g, prob := p.authenticate(r)
	if prob == nil {
		prob = p.countCall(g.Token)
	}
	if prob == nil && m.scope != "" && !g.Allows(m.scope) {
		prob = &kxProblem{http.StatusForbidden, 40301, "scope " + m.scope + " not granted"}
	}
	if prob != nil {
		prob.write(w, r)
		return
	}
	reply, prob := m.fn(p, &kxCall{r: r, grant: g})
	if prob != nil {
		prob.write(w, r)
		return
	}
	writeJSON(w, http.StatusOK, kxJSON, reply)
}

// authenticate finds the credential of an API call: an OAuth 1.0a
// signature, else access_token, else session_key with api_key.
func (p *kaixinPlatform) authenticate(r *http.Request) (grant, *kxProblem) {
	o, prob, signed := kxReadOAuth(r)
	if prob != nil {
		return grant{}, prob
	}
	if signed {
		return p.authOAuth1(r, o)
	}
	var g grant
	var ok bool
	switch {
	case r.Form.Get("access_token") != "":
		g, ok = p.oauth2.lookup(r.Form.Get("access_token"))
	case r.Form.Get("session_key") != "":
		if r.Form.Get("api_key") != kxAppKey {
			return grant{}, kxUnauthorized(40102, "invalid or missing api_key")
		}
		g, ok = p.sessions.lookup(r.Form.Get("session_key"))
	default:
		return grant{}, kxUnauthorized(40101, "no credentials: send access_token, session_key or an OAuth 1.0a signature")
	}
	switch {
	case !ok || g.Revoked:
		return grant{}, kxUnauthorized(40102, "invalid access token or session key")
	case g.Expired(p.env.now()):
		return grant{}, kxUnauthorized(40103, "access token or session key expired")
	}
	return g, nil
}

// countCall applies KaixinRateLimit to a credential.
func (p *kaixinPlatform) countCall(cred string) *kxProblem {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rateLimit <= 0 {
		return nil
	}
	hour := p.env.now().Truncate(time.Hour).Format(time.RFC3339) + " "
	if len(p.calls) >= 1024 {
		for k := range p.calls {
			if !strings.HasPrefix(k, hour) {
				delete(p.calls, k)
			}
		}
	}
	key := hour + cred
	p.calls[key]++
	if p.calls[key] > p.rateLimit {
		return kxBad(40003, "rate limit exceeded: %d calls per hour", p.rateLimit)
	}
	return nil
}
