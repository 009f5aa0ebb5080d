package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// VK's validation (API error 17, "Validation required"): the error carries
// redirect_uri, a page of this sandbox (/validate?act=validate&api_hash=...)
// where the user confirms with a code (VKValidationCode, the code the
// sandbox "sends" by SMS). The page's form POSTs api_hash and code and
// redirects to https://oauth.vk.ru/blank.html#success=1&user_id=<id>; from
// then on the user's calls succeed again. A wrong code shows the form again
// with HTTP 400.

// VKRequireValidation makes every API call made with a token of VK user
// userID ("" is the default user) answer error 17 until the user passes the
// validation page at the error's redirect_uri (or VKPassValidation does).
func (s *Server) VKRequireValidation(userID string) error {
	if userID == "" {
		userID = VKUserID
	}
	u, ok := vkResolveUser(userID)
	if !ok {
		return fmt.Errorf("sandbox: vk has no user %q (known: 1 to 5)", userID)
	}
	p := s.platforms[VK].(*vkPlatform)
	p.mu.Lock()
	p.nr.validate[strconv.FormatInt(u.ID, 10)] = true
	p.mu.Unlock()
	return nil
}

// checkValidation answers error 17 to a user who must validate. The caller
// holds mu.
func (p *vkPlatform) checkValidation(c *vkCall) *vkError {
	if c.grant.User == "" || !p.nr.validate[c.grant.User] {
		return nil
	}
	hash := randomHex(9)
	p.nr.hashes[hash] = c.grant.User
	e := vkErr(17, "Validation required: please open redirect_uri in browser")
	e.Challenge = &vkChallenge{RedirectURI: c.base + "/validate?act=validate&api_hash=" + hash}
	return e
}

// serveValidate is the validation page at error 17's redirect_uri.
func (p *vkPlatform) serveValidate(w http.ResponseWriter, r *http.Request) {
	hash := r.Form.Get("api_hash")
	p.mu.Lock()
	user, ok := p.nr.hashes[hash]
	p.mu.Unlock()
	if !ok {
		http.Error(w, "sandbox: unknown or missing api_hash", http.StatusNotFound)
		return
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if r.Form.Get("code") == VKValidationCode {
			p.mu.Lock()
			delete(p.nr.validate, user)
			for h, u := range p.nr.hashes {
				if u == user {
					delete(p.nr.hashes, h)
				}
			}
			p.mu.Unlock()
			http.Redirect(w, r, vkBlankPage+"#success=1&user_id="+user, http.StatusFound)
			return
		}
		status = http.StatusBadRequest
	}
	vkPage(w, status, `<form method="post"><input type="hidden" name="api_hash" value="`+hash+
		`"><label>Code from the SMS <input name="code"></label> <button>Confirm</button></form>`)
}

// VKPassValidation plays the user on a validation page: it opens
// redirectURI (the redirect_uri of an error 17), enters VKValidationCode
// and returns the address the page redirects to (blank.html with
// success=1 in the fragment), without following it.
func (s *Server) VKPassValidation(ctx context.Context, redirectURI string) (*url.URL, error) {
	page, err := s.sandboxURL(redirectURI)
	if err != nil {
		return nil, fmt.Errorf("sandbox: pass validation: %w", err)
	}
	form := url.Values{"api_hash": {page.Query().Get("api_hash")}, "code": {VKValidationCode}}
	post := *page
	post.RawQuery = ""
	return s.submitForm(ctx, post.String(), form)
}
