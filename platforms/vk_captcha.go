package platforms

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
)

// VK's captcha (error 14) and validation (error 17), answered through
// snskit.WithCaptcha. Docs: https://dev.vk.com/en/api/captcha-error.
//
//	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(tok)),
//		snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
//			if c.RedirectURI != "" { // the new captcha: a page that yields a token
//				token, err := openAndWait(ctx, c.RedirectURI)
//				return snskit.Answer{SuccessToken: token}, err
//			}
//			text, err := askText(ctx, c.ImageURL) // the old one: an image
//			return snskit.Answer{Key: text}, err
//		}))

// vkRemixstlid is the name of the cookie and the error field that VK's new
// captcha binds its success token to.
const vkRemixstlid = "remixstlid"

// VK's HTTP-level challenge (PLATFORMS-MORE.md §2.3, one source, the VK ID
// Android SDK's "hitman" interceptor; unverified): any reply whose header
// says X-Challenge: required, whatever its status and body, asks for the
// page at X-Challenge-Url, a path on the host the request went to; the page
// yields a token, and the request is resent with the header
// X-Challenge-Solution: <token>. It reaches the captcha handler as a
// ChallengeCaptcha whose RedirectURI is that page.
const (
	vkChallengeHeader         = "X-Challenge"
	vkChallengeURLHeader      = "X-Challenge-Url"
	vkChallengeSolutionHeader = "X-Challenge-Solution"
	// vkChallengeCode is the Code of the *snskit.Error Decode makes of it.
	vkChallengeCode = "challenge"
)

// vkHitman returns the error of a reply that asks for the HTTP-level
// challenge, or nil.
func vkHitman(r *snskit.Response) *snskit.Error {
	vs := r.Header[vkChallengeHeader] // canonical already: no allocation on the usual reply
	if len(vs) == 0 || !strings.EqualFold(vs[0], "required") {
		return nil
	}
	page := r.Header.Get(vkChallengeURLHeader)
	detail, _ := json.Marshal(map[string]string{"challenge_url": page})
	return &snskit.Error{Platform: "vk", Method: r.Method, Code: vkChallengeCode, HTTPStatus: r.StatusCode,
		Message: "VK asks to pass a challenge page (X-Challenge: required) before it answers; set snskit.WithCaptcha to pass it",
		Class:   snskit.ErrCaptcha, Detail: gjson.ParseBytes(detail)}
}

// Challenge implements snskit.Challenger: error 14 is a captcha (old style:
// captcha_sid and captcha_img; new style: redirect_uri, with captcha_sid
// sometimes), error 17 a validation (redirect_uri), and a reply with
// X-Challenge: required the HTTP-level challenge (its page as
// RedirectURI, a path that snskit completes with the request's host).
func (vk) Challenge(e *snskit.Error, h http.Header) (snskit.Challenge, bool) {
	d := e.Detail
	c := snskit.Challenge{Platform: "vk", Method: e.Method, Detail: d, Header: h,
		RedirectURI: d.Get("redirect_uri").String()}
	switch e.Code {
	case "14":
		c.Kind = snskit.ChallengeCaptcha
		c.SID, c.ImageURL = d.Get("captcha_sid").String(), d.Get("captcha_img").String()
	case "17":
		c.Kind = snskit.ChallengeValidation
	case vkChallengeCode:
		c.Kind, c.RedirectURI = snskit.ChallengeCaptcha, d.Get("challenge_url").String()
	default:
		return snskit.Challenge{}, false
	}
	return c, true
}

// ChallengeAnswer implements snskit.Challenger. A success token is sent as
// success_token, with the remixstlid of the error (its field, or the cookie
// the reply set) both as a parameter and as a cookie, since VK's docs and
// its Android SDK disagree on which it reads (PLATFORMS-MORE.md §2.3), and
// with the captcha_sid when the error had one; a key is sent with
// captcha_sid. A passed validation resends the call as it
// was.
func (vk) ChallengeAnswer(c snskit.Challenge, a snskit.Answer) (snskit.Resend, error) {
	if c.Kind == snskit.ChallengeValidation {
		return snskit.Resend{}, nil
	}
	if c.Detail.Get("challenge_url").Exists() { // the HTTP-level challenge
		if a.SuccessToken == "" {
			return snskit.Resend{}, errors.New("this challenge is a page, not an image: pass the page at Challenge.RedirectURI and answer with Answer.SuccessToken")
		}
		// Kept for the host's later requests, as VK ID's SDK does: the
		// challenge is of the client, not of the one call.
		return snskit.Resend{Header: http.Header{vkChallengeSolutionHeader: {a.SuccessToken}}, Keep: true}, nil
	}
	switch {
	case a.SuccessToken != "":
		r := snskit.Resend{Params: url.Values{"success_token": {a.SuccessToken}}}
		if c.SID != "" { // peers resend it beside the token; harmless if unneeded
			r.Params.Set("captcha_sid", c.SID)
		}
		if id := vkRemixstlidOf(c); id != "" {
			r.Params.Set(vkRemixstlid, id)
			r.Header = http.Header{"Cookie": {(&http.Cookie{Name: vkRemixstlid, Value: id}).String()}}
		}
		return r, nil
	case a.Key != "":
		if c.SID == "" {
			return snskit.Resend{}, errors.New("this captcha has no captcha_sid, so a typed key cannot answer it; pass the page at Challenge.RedirectURI and answer with Answer.SuccessToken")
		}
		return snskit.Resend{Params: url.Values{"captcha_sid": {c.SID}, "captcha_key": {a.Key}}}, nil
	}
	return snskit.Resend{}, errors.New("an empty answer; set Answer.Key (the text of the image) or Answer.SuccessToken (what the captcha page yields)")
}

// vkRemixstlidOf returns the remixstlid of a challenge: the error's field,
// or else the cookie its reply set.
func vkRemixstlidOf(c snskit.Challenge) string {
	if v := c.Detail.Get(vkRemixstlid); v.Exists() && v.String() != "" {
		return v.String()
	}
	for _, ck := range (&http.Response{Header: c.Header}).Cookies() {
		if ck.Name == vkRemixstlid && ck.Value != "" {
			return ck.Value
		}
	}
	return ""
}
