package platforms

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/snskit/snskit"
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

// Challenge implements snskit.Challenger: error 14 is a captcha (old style:
// captcha_sid and captcha_img; new style: redirect_uri, with captcha_sid
// sometimes), error 17 a validation (redirect_uri).
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
