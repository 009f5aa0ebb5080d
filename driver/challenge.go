package driver

import (
	"net/http"
	"net/url"

	"github.com/tidwall/gjson"
)

// Challenge is a platform's request that a person answer before a call goes
// through: a captcha (VK's error 14, old or new style) or a validation (VK's
// error 17). Every field but Kind may be empty; which are set depends on the
// platform and the style.
type Challenge struct {
	// Platform and Method name the call that was refused.
	Platform, Method string
	// Kind is ChallengeCaptcha or ChallengeValidation.
	Kind string
	// SID and ImageURL are an old-style captcha: show the image, and
	// answer its text in Answer.Key.
	SID, ImageURL string
	// RedirectURI is a page to open in a browser (VK's new captcha, or a
	// validation): once passed, it yields the token to put in
	// Answer.SuccessToken (a validation needs no answer).
	RedirectURI string
	// Attempt counts the challenges of this call, from 1.
	Attempt int
	// Detail is the platform's whole error object (VK's captcha_ts,
	// captcha_attempt, is_sound_captcha_available, captcha_track...).
	Detail gjson.Result
	// Header is the header of the reply that brought the challenge (VK sets
	// the remixstlid cookie there); nil for a call inside a batch.
	Header http.Header
}

// The kinds of Challenge.
const (
	// ChallengeCaptcha is a captcha: an image to read or a page to pass.
	ChallengeCaptcha = "captcha"
	// ChallengeValidation asks the user to confirm the action on a page
	// (VK's "validation required", error 17).
	ChallengeValidation = "validation"
)

// Answer is a person's answer to a Challenge.
type Answer struct {
	// Key is the text of an old-style captcha image.
	Key string
	// SuccessToken is what a new-style captcha page yields once passed.
	SuccessToken string
}

// Resend is what the resend of a challenged call adds to it: parameters
// (captcha_sid and captcha_key, or success_token) and headers (a cookie).
type Resend struct {
	Params url.Values
	Header http.Header
	// Keep, when set, makes Header stay on the client's later requests to
	// the same host, until a newer Keep resend replaces it: a challenge
	// passed once for the host (VK's X-Challenge-Solution).
	Keep bool
}

// Challenger is the optional capability of platforms whose errors can
// carry a Challenge; snskit discovers it by type assertion.
type Challenger interface {
	// Challenge returns the challenge e carries; h is the reply's header,
	// nil for a call inside a batch. ok is false when e asks for none.
	Challenge(e *Error, h http.Header) (c Challenge, ok bool)
	// ChallengeAnswer returns what the resend of the challenged call adds
	// for answer a, or an error when a does not answer c.
	ChallengeAnswer(c Challenge, a Answer) (Resend, error)
}
