package sandbox

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strconv"
	"strings"
)

// VK's captcha (API error 14) in both generations, PLATFORMS-MORE.md §2.
//
// Legacy: the error carries captcha_sid and captcha_img; the call is re-sent
// with captcha_sid and captcha_key=VKCaptchaAnswer.
//
// "Not robot" (2025+): the error carries redirect_uri (a page of this
// sandbox, /not_robot_captcha?domain=vk.com&session_token=...&variant=popup&blank=1),
// remixstlid (also set as a cookie), captcha_ts, captcha_attempt,
// captcha_ratio, is_sound_captcha_available, captcha_track,
// is_refresh_enabled and uiux_changes, and with VKCaptchaNotRobotWithSID
// also captcha_sid and captcha_img. Submitting the page's form (or
// Server.VKSolveCaptcha) yields a success_token. The call is re-sent with
// success_token=<token> and remixstlid=<value> (as a parameter or as the
// cookie), plus captcha_sid when the error had one: the sandbox's strict
// reading of open question 5. A token is single use; a wrong, reused or
// incomplete answer gets error 14 again with captcha_attempt one higher.

// VKCaptchaStyle picks the generation of the captcha VK asks for.
type VKCaptchaStyle int

const (
	// VKCaptchaLegacy is the old captcha: captcha_sid and captcha_img,
	// answered with captcha_key.
	VKCaptchaLegacy VKCaptchaStyle = iota
	// VKCaptchaNotRobot is the 2025 captcha without captcha_sid and
	// captcha_img, answered with a success_token from its redirect_uri.
	VKCaptchaNotRobot
	// VKCaptchaNotRobotWithSID is the 2025 captcha that still carries
	// captcha_sid and captcha_img (an "unsupported" picture): answered with
	// a success_token and the captcha_sid.
	VKCaptchaNotRobotWithSID
	// VKCaptchaHitman is the HTTP-level challenge (vk_hitman.go): HTTP 403
	// with X-Challenge: required and X-Challenge-Url, answered by resending
	// with X-Challenge-Solution.
	VKCaptchaHitman
)

// vkCaptchaRatio is the captcha_ratio of every not-robot captcha.
const vkCaptchaRatio = 2.6

// vkChallenge holds the fields of error 14 (not robot) and error 17 beyond
// error_code and error_msg; it is embedded in error bodies.
type vkChallenge struct {
	RedirectURI    string  `json:"redirect_uri,omitempty"`
	Remixstlid     int64   `json:"remixstlid,omitempty"`
	CaptchaTS      float64 `json:"captcha_ts,omitempty"`
	CaptchaAttempt int     `json:"captcha_attempt,omitempty"`
	CaptchaRatio   float64 `json:"captcha_ratio,omitempty"`
	SoundAvailable *bool   `json:"is_sound_captcha_available,omitempty"`
	CaptchaTrack   string  `json:"captcha_track,omitempty"`
	RefreshEnabled *bool   `json:"is_refresh_enabled,omitempty"`
	UIUXChanges    *bool   `json:"uiux_changes,omitempty"`
}

// vkNotRobot is one not-robot captcha session.
type vkNotRobot struct {
	sid      string // internal or shown captcha_sid
	showSID  bool
	stlid    string
	session  string // session_token of the page
	attempt  int
	success  string // set once the page is passed
	answered bool   // the success token was spent
	hitman   bool   // an HTTP-level challenge's page (vk_hitman.go)
}

// vkCaptchas is the captcha state of the VK emulator, guarded by the
// platform's mu.
type vkCaptchas struct {
	style     VKCaptchaStyle
	methods   []string               // lower-case method names; empty: every call
	byStlid   map[string]*vkNotRobot // by remixstlid
	bySession map[string]*vkNotRobot // by session_token
	byToken   map[string]*vkNotRobot // by success_token
	validate  map[string]bool        // users who must pass validation (error 17)
	hashes    map[string]string      // validation api_hash -> user
}

func newVKCaptchas() *vkCaptchas {
	return &vkCaptchas{byStlid: map[string]*vkNotRobot{}, bySession: map[string]*vkNotRobot{}, byToken: map[string]*vkNotRobot{},
		validate: map[string]bool{}, hashes: map[string]string{}}
}

// VKRequireCaptchaStyle makes the next n VK API calls need a captcha of the
// given style: each is answered with error 14 until it is re-sent with a
// right answer (see VKCaptchaStyle). With methods named, only calls of those
// methods are challenged (case-insensitive), including calls made inside
// execute; with none, every top-level call is. n <= 0 turns the challenge
// off. VKRequireCaptcha(n) is VKRequireCaptchaStyle(n, VKCaptchaLegacy).
func (s *Server) VKRequireCaptchaStyle(n int, style VKCaptchaStyle, methods ...string) {
	p := s.platforms[VK].(*vkPlatform)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.captchaLeft = max(n, 0)
	p.nr.style = style
	p.nr.methods = nil
	for _, m := range methods {
		p.nr.methods = append(p.nr.methods, strings.ToLower(m))
	}
}

// challenge applies validation and captcha to a call; inner reports a call
// made inside execute. The caller holds mu.
func (p *vkPlatform) challenge(c *vkCall, inner bool) *vkError {
	if e := p.checkValidation(c); e != nil {
		return e
	}
	if !p.captchaApplies(c.method, inner) {
		return nil
	}
	switch p.nr.style {
	case VKCaptchaHitman:
		if inner {
			return nil // a challenge of the whole request, not of a call in it
		}
		return p.checkHitman(c)
	case VKCaptchaNotRobot, VKCaptchaNotRobotWithSID:
		return p.checkNotRobot(c)
	}
	if p.solveCaptcha(c.params["captcha_sid"], c.params["captcha_key"]) {
		p.captchaLeft--
		return nil
	}
	e := vkErr(14, "Captcha needed")
	e.CaptchaSID, e.CaptchaImg = p.newCaptcha(c.base)
	return e
}

// innerChallenge applies captcha and validation to a call made inside
// execute. The answer to an inner captcha (captcha_sid and captcha_key, or
// success_token and remixstlid) may ride among the inner call's own
// parameters or on the execute call itself (remixstlid also as the
// cookie): the sandbox's reading of open question 6 takes both.
func (p *vkPlatform) innerChallenge(sub, exec *vkCall) *vkError {
	for _, k := range []string{"captcha_sid", "captcha_key", "success_token", "remixstlid"} {
		if _, ok := sub.params[k]; !ok && exec.params[k] != "" {
			sub.params[k] = exec.params[k]
		}
	}
	sub.remixstlid = exec.remixstlid
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.challenge(sub, true)
}

// captchaApplies reports whether a call is challenged while captchas are
// required: inner reports a call made inside execute. The caller holds mu.
func (p *vkPlatform) captchaApplies(method string, inner bool) bool {
	if p.captchaLeft == 0 {
		return false
	}
	if len(p.nr.methods) == 0 {
		return !inner
	}
	return vkHas(p.nr.methods, strings.ToLower(method))
}

// checkNotRobot answers a call while not-robot captchas are required: nil
// when it carries a right answer (spending it), else a fresh error 14.
// The caller holds mu.
func (p *vkPlatform) checkNotRobot(c *vkCall) *vkError {
	stlid := c.params["remixstlid"]
	if stlid == "" {
		stlid = c.remixstlid
	}
	if tok := c.params["success_token"]; tok != "" {
		if s := p.nr.byToken[tok]; s != nil && !s.answered && s.stlid == stlid &&
			(!s.showSID || c.params["captcha_sid"] == s.sid) {
			s.answered = true
			p.captchaLeft--
			return nil
		}
	}
	attempt := 1
	if prev := p.nr.byStlid[stlid]; prev != nil {
		attempt = prev.attempt + 1
	}
	return p.newNotRobot(c.base, attempt)
}

// newNotRobot records a fresh not-robot session and returns its error 14.
// The caller holds mu.
func (p *vkPlatform) newNotRobot(base string, attempt int) *vkError {
	s := &vkNotRobot{sid: vkNumericID(), showSID: p.nr.style == VKCaptchaNotRobotWithSID,
		stlid: vkRemixstlid(), session: randomHex(24), attempt: attempt}
	p.nr.byStlid[s.stlid] = s
	p.nr.bySession[s.session] = s
	yes, no := true, false
	stlid, _ := strconv.ParseInt(s.stlid, 10, 64)
	now := p.env.now()
	e := vkErr(14, "Captcha needed")
	e.Challenge = &vkChallenge{
		RedirectURI:    base + "/not_robot_captcha?domain=vk.com&session_token=" + s.session + "&variant=popup&blank=1",
		Remixstlid:     stlid,
		CaptchaTS:      float64(now.UnixMilli()) / 1000,
		CaptchaAttempt: attempt,
		CaptchaRatio:   vkCaptchaRatio,
		SoundAvailable: &yes,
		CaptchaTrack:   base + "/sound_captcha.php?captcha_sid=" + s.sid + "&act=get",
		RefreshEnabled: &yes,
		UIUXChanges:    &no,
	}
	if s.showSID {
		e.CaptchaSID, e.CaptchaImg = s.sid, base+"/captcha.php?sid="+s.sid+"&s=1"
	}
	return e
}

// vkRemixstlid returns a random remixstlid: a decimal number of 15 digits,
// exact as a JSON number in any client (below 2^53).
func vkRemixstlid() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9e14))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return strconv.FormatInt(n.Int64()+1e14, 10)
}

// vkSetChallengeCookie sets the remixstlid cookie of a not-robot error, as
// VK does next to the field in the body.
func vkSetChallengeCookie(w http.ResponseWriter, e *vkError) {
	if e == nil || e.Challenge == nil || e.Challenge.Remixstlid == 0 {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "remixstlid", Value: strconv.FormatInt(e.Challenge.Remixstlid, 10),
		Path: "/", HttpOnly: true})
}
