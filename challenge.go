package snskit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/snskit/snskit/driver"
)

// Challenge is a platform's request that a person answer before a call
// goes through (a captcha, a validation); see driver.Challenge.
type Challenge = driver.Challenge

// Answer is a person's answer to a Challenge.
type Answer = driver.Answer

// Resend is what the resend of a challenged call adds to it.
type Resend = driver.Resend

// The kinds of Challenge.
const (
	// ChallengeCaptcha is a captcha: an image to read or a page to pass.
	ChallengeCaptcha = driver.ChallengeCaptcha
	// ChallengeValidation asks the user to confirm the action on a page.
	ChallengeValidation = driver.ChallengeValidation
)

// ChallengeHandler asks a person to answer a challenge and returns the
// answer, or an error to give up (the call then fails with the platform's
// error and this one). It must honour ctx and be safe for concurrent use.
type ChallengeHandler func(ctx context.Context, c Challenge) (Answer, error)

// DefaultChallengeTries is how many challenges of one call WithCaptcha
// answers before the call fails with the platform's error.
const DefaultChallengeTries = 3

// WithCaptcha sets the handler asked to answer the captchas and validations
// a platform puts in the way of a call (VK's errors 14 and 17): the call is
// then resent with the answer (VK: captcha_sid and captcha_key, or
// success_token with the remixstlid the error brought), at most
// DefaultChallengeTries times, after which it fails with the platform's
// error (errors.Is(err, ErrCaptcha) for a captcha). Calls with files are not
// resent, since their readers cannot be read twice. Platform login helpers
// that meet a captcha (VK's direct auth) ask the same handler.
func WithCaptcha(h ChallengeHandler) Option {
	return func(cfg *config) error {
		if h == nil {
			return errors.New("snskit: WithCaptcha(nil); leave the option out to get captchas as errors")
		}
		cfg.challenge = h
		return nil
	}
}

// ErrNoChallengeHandler is what AskChallenge returns (wrapped) when the
// client has no handler set with WithCaptcha.
const ErrNoChallengeHandler challengeError = "snskit: no captcha handler; set one with snskit.WithCaptcha"

type challengeError string

// Error returns the message.
func (e challengeError) Error() string { return string(e) }

// AskChallenge asks the client's handler (WithCaptcha) to answer c. Login
// helpers of platforms use it for challenges outside API calls.
func (a *API) AskChallenge(ctx context.Context, c Challenge) (Answer, error) {
	if a.cfg.challenge == nil {
		return Answer{}, ErrNoChallengeHandler
	}
	ans, err := a.cfg.challenge(contextOrBackground(ctx), c)
	if err != nil {
		return Answer{}, fmt.Errorf("snskit: %s %s: the captcha handler: %w", c.Platform, c.Method, err)
	}
	return ans, nil
}

// AnswerChallenge reads the challenge the error of one call carries, asks
// the client's handler (WithCaptcha) to answer it, and returns what the
// resend of that call adds: give it to Call.WithResend. attempt counts the
// challenges of this call so far, from 1. ok is false, with a nil error,
// when err carries no challenge, the platform has none, or no handler is
// set. Batching uses it to resend alone the one call of a batch that needs
// a captcha.
func (a *API) AnswerChallenge(ctx context.Context, err error, h http.Header, attempt int) (Resend, bool, error) {
	return a.answerChallengeAt(ctx, err, h, attempt, nil)
}

// challengeOf returns the challenge err carries when the client can answer
// it: its platform is a Challenger and a handler is set (WithCaptcha).
func (a *API) challengeOf(err error, h http.Header) (driver.Challenger, *Error, Challenge, bool) {
	ch, ok := a.platform.(driver.Challenger)
	var e *Error
	var pe *PartialError
	if !ok || a.cfg.challenge == nil || errors.As(err, &pe) || !errors.As(err, &e) {
		return nil, nil, Challenge{}, false
	}
	c, ok := ch.Challenge(e, h)
	return ch, e, c, ok
}

// answerChallengeAt is AnswerChallenge for a request sent to at: a
// challenge page given as a path (VK's HTTP-level challenge) is on at's
// host.
func (a *API) answerChallengeAt(ctx context.Context, err error, h http.Header, attempt int, at *url.URL) (Resend, bool, error) {
	ch, e, c, ok := a.challengeOf(err, h)
	if !ok {
		return Resend{}, false, nil
	}
	if c.Platform == "" {
		c.Platform = e.Platform
	}
	if c.Method == "" {
		c.Method = e.Method
	}
	if at != nil && strings.HasPrefix(c.RedirectURI, "/") && !strings.HasPrefix(c.RedirectURI, "//") {
		c.RedirectURI = at.Scheme + "://" + at.Host + c.RedirectURI
	}
	c.Attempt = attempt
	ans, herr := a.AskChallenge(ctx, c)
	if herr != nil {
		return Resend{}, false, fmt.Errorf("%w (%w)", err, herr)
	}
	res, aerr := ch.ChallengeAnswer(c, ans)
	if aerr != nil {
		return Resend{}, false, fmt.Errorf("%w (the captcha handler's answer: %w)", err, aerr)
	}
	return res, true, nil
}

// WithResend returns a copy of c whose requests add r's parameters (which
// win over the call's own) and headers: the resend of a challenged call.
func (c Call) WithResend(r Resend) Call {
	c.resend = &r
	return c
}

// answerChallenge is the call loop's use of AnswerChallenge: it reports
// whether the call should be sent again with the answer, set on c.
func (c *Call) answerChallenge(ctx context.Context, err error, d *driver.Draft, r *Response, attempt *int) (bool, error) {
	if len(d.Files) > 0 || *attempt >= DefaultChallengeTries || r == nil {
		return false, err
	}
	*attempt++
	res, ok, aerr := c.api.answerChallengeAt(ctx, err, r.Header, *attempt, d.URL)
	if aerr != nil {
		return false, aerr // it wraps err
	}
	if !ok {
		return false, err
	}
	c.resend = &res
	if res.Keep && d.URL != nil {
		c.api.kept.set(d.URL.Host, res.Header)
	}
	return true, nil
}

// applyResend adds the resend's parameters to the call's values before the
// platform prepares it, registering the secret ones.
func applyResend(d *driver.Draft, r *Resend) {
	if r == nil {
		return
	}
	for k, vs := range r.Params {
		d.Values[k] = append([]string(nil), vs...)
		if driver.IsSecretParam(k) {
			d.Secret(vs...)
		}
	}
	for k, vs := range r.Header {
		if !strings.EqualFold(k, "Cookie") { // a challenge's solution, not shown in logs
			d.Secret(vs...)
		}
	}
}

// resendHeader adds the resend's headers to req; a Cookie is appended to
// the ones already set.
func resendHeader(req *http.Request, r *Resend) {
	if r == nil {
		return
	}
	for k, vs := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			for _, v := range vs {
				if old := req.Header.Get("Cookie"); old != "" {
					v = old + "; " + v
				}
				req.Header.Set("Cookie", v)
			}
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...) // the answer wins over a kept one
	}
}
