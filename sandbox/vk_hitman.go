package sandbox

import (
	"net/http"
	"net/url"
)

// VK's HTTP-level challenge ("hitman", PLATFORMS-MORE.md §2.3, one source:
// the VK ID Android SDK; unverified), with
// VKRequireCaptchaStyle(n, VKCaptchaHitman, methods...): the call is
// answered HTTP 403 with X-Challenge: required and X-Challenge-Url, the
// path (on the host the request went to) of a not-robot page of this
// sandbox; the body is a small HTML page, which a client must not need.
// Passing the page (Server.VKSolveCaptcha of host+path) yields a token;
// the call resent with X-Challenge-Solution: <token> goes through, and so
// does every later call that carries it, as a cleared client's (VK ID's
// SDK keeps sending it; how long VK honours one is not known). An unknown
// token gets the challenge again. Calls inside execute are not challenged:
// the challenge is the request's.

// checkHitman answers a call while HTTP-level challenges are required. The
// caller holds mu.
func (p *vkPlatform) checkHitman(c *vkCall) *vkError {
	if s := p.nr.byToken[c.solution]; c.solution != "" && s != nil && s.hitman {
		p.captchaLeft--
		return nil
	}
	s := &vkNotRobot{sid: vkNumericID(), stlid: vkRemixstlid(), session: randomHex(24), attempt: 1, hitman: true}
	p.nr.bySession[s.session] = s
	path := "/not_robot_captcha?domain=vk.com&session_token=" + s.session + "&variant=popup&blank=1"
	if u, err := url.Parse(c.base); err == nil {
		path = u.Path + path // the emulator's own path on the sandbox's host
	}
	return &vkError{Code: 14, Msg: "Challenge required", Hitman: path}
}

// vkWriteHitman writes the HTTP-level challenge of page.
func vkWriteHitman(w http.ResponseWriter, page string) {
	w.Header().Set("X-Challenge", "required")
	w.Header().Set("X-Challenge-Url", page)
	vkPage(w, http.StatusForbidden, `<p>Please confirm that you are not a robot.</p>`)
}
