package sandbox

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The two-factor page of VK's direct auth. need_validation carries a
// redirect_uri, <base>/login?act=authcheck&api_hash=H, which the sandbox
// serves as m.vk.ru does: a page whose form
//
//	<form method="post" action="/login?act=authcheck_code&hash=H" novalidate>
//	  <input type="text" name="code" ...>
//
// takes the code. The action is host-relative, as VK writes it: a client
// prepends the base URL it was given (m.vk.ru upstream, URL("vk") here).
// Posting code=VKValidationCode there redirects (302) to
// <base>/blank.html#success=1&access_token=T&expires_in=N&user_id=U: the
// same token (user, scope, lifetime) the code= retry of /token answers. A
// wrong code redirects back to the authcheck page (act=authcheck again), an
// unknown or expired hash to <base>/blank.html#fail=1. A hash lives as long as
// an OAuth code (an hour, unverified) and is good for one success.

const vkAuthcheckPrefix = "authcheck:"

// newAuthcheck records a pending two-factor login of uid with scope and
// returns the redirect_uri of its need_validation error.
func (p *vkPlatform) newAuthcheck(base string, uid int64, scope []string) string {
	h := randomHex(9)
	p.tokens.addCode(&code{
		Value: vkAuthcheckPrefix + h, User: strconv.FormatInt(uid, 10), Scope: scope,
		ExpiresAt: p.env.now().Add(vkCodeTTL),
	})
	return base + "/login?act=authcheck&api_hash=" + h
}

// pendingAuthcheck reports whether hash names a live, unused authcheck.
func (p *vkPlatform) pendingAuthcheck(hash string) bool {
	st := p.tokens
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.codes[vkAuthcheckPrefix+hash]
	return ok && !c.Used && p.env.now().Before(c.ExpiresAt)
}

// serveLogin is m.vk.ru/login: act=authcheck shows the code form,
// act=authcheck_code takes it.
func (p *vkPlatform) serveLogin(w http.ResponseWriter, r *http.Request) {
	base := vkBase(r)
	switch r.URL.Query().Get("act") {
	case "authcheck":
		hash := r.URL.Query().Get("api_hash")
		if !p.pendingAuthcheck(hash) {
			http.Redirect(w, r, base+"/blank.html#fail=1", http.StatusFound)
			return
		}
		vkAuthcheckPage(w, hash, r.URL.Query().Get("wrong_code") == "1")
	case "authcheck_code":
		p.serveAuthcheckCode(w, r, base)
	default:
		http.NotFound(w, r)
	}
}

func (p *vkPlatform) serveAuthcheckCode(w http.ResponseWriter, r *http.Request, base string) {
	hash := r.URL.Query().Get("hash")
	if r.Method != http.MethodPost || !p.pendingAuthcheck(hash) {
		http.Redirect(w, r, base+"/blank.html#fail=1", http.StatusFound)
		return
	}
	if strings.TrimSpace(r.PostForm.Get("code")) != VKValidationCode {
		http.Redirect(w, r, base+"/login?act=authcheck&api_hash="+url.QueryEscape(hash)+"&wrong_code=1", http.StatusFound)
		return
	}
	c, st := p.tokens.redeemCode(vkAuthcheckPrefix + hash)
	if st != codeOK {
		http.Redirect(w, r, base+"/blank.html#fail=1", http.StatusFound)
		return
	}
	uid, _ := strconv.ParseInt(c.User, 10, 64)
	tok, exp := p.mintUser(uid, c.Scope)
	frag := "success=1&access_token=" + url.QueryEscape(tok) + "&expires_in=" + strconv.FormatInt(exp, 10) +
		"&user_id=" + c.User
	http.Redirect(w, r, base+"/blank.html#"+frag, http.StatusFound)
}

// vkAuthcheckPage writes the code form in the markup of m.vk.ru.
func vkAuthcheckPage(w http.ResponseWriter, hash string, wrong bool) {
	note := "Enter the code we sent to +7 *** *** ** 12."
	if wrong {
		note = "Invalid code. Please try again."
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>VK | Login confirmation</title></head><body>
<div class="fi_row"><div class="service_msg">` + html.EscapeString(note) + `</div></div>
<form method="post" action="/login?act=authcheck_code&hash=` + html.EscapeString(url.QueryEscape(hash)) + `" novalidate>
<input type="text" name="code" class="textfield" autocomplete="one-time-code" autocorrect="off" autocapitalize="off" />
<input type="checkbox" class="checkbox" name="remember" value="1" checked="checked" />
<input class="button" type="submit" value="Send code" />
</form></body></html>
`))
}

// vkServeBlank is oauth.vk.ru/blank.html, where VK's flows end with the
// result in the fragment.
func vkServeBlank(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>OAuth Blank</title></head><body></body></html>\n"))
}
