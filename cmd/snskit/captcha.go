package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
)

// The captcha of "snskit call": -captcha auto (the default) asks on a
// terminal and fails elsewhere; ask always asks on standard input; fail
// never asks. A failed call prints the challenge and how to resend it.

// captchaModes are the values of -captcha.
func captchaModes() []string { return []string{"auto", "ask", "fail"} }

// checkCaptchaMode validates -captcha.
func checkCaptchaMode(mode string) error {
	for _, m := range captchaModes() {
		if mode == m {
			return nil
		}
	}
	return fmt.Errorf("-captcha %q: want one of %s", mode, strings.Join(captchaModes(), ", "))
}

// captchaHandler returns the handler that asks the user on the terminal, or
// nil when -captcha says not to ask (auto without a terminal, or fail).
func (f *callFlags) captchaHandler(con console, errw io.Writer) snskit.ChallengeHandler {
	p := &prompter{in: con.stdin, w: errw, term: con.terminal}
	if f.captcha == "fail" || f.captcha == "auto" && !p.interactive() {
		return nil
	}
	return func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
		open := func(u string) {
			if con.browse != nil && u != "" {
				if err := con.browse(u); err != nil {
					fmt.Fprintf(errw, "snskit: could not open a browser (%v); open the address yourself\n", err)
				}
			}
		}
		switch {
		case c.Kind == snskit.ChallengeValidation:
			fmt.Fprintf(errw, "snskit: %s asks you to confirm this action at:\n\n  %s\n\n", c.Platform, c.RedirectURI)
			open(c.RedirectURI)
			_, err := p.line(ctx, "press Enter once confirmed: ")
			return snskit.Answer{}, err
		case c.RedirectURI != "":
			fmt.Fprintf(errw, "snskit: %s asks for a captcha: pass the page at\n\n  %s\n\nand paste the success token it gives.\n", c.Platform, c.RedirectURI)
			open(c.RedirectURI)
			tok, err := p.line(ctx, "success token: ")
			return snskit.Answer{SuccessToken: strings.TrimSpace(tok)}, err
		default:
			fmt.Fprintf(errw, "snskit: %s asks for a captcha: open\n\n  %s\n\nand type its text.\n", c.Platform, c.ImageURL)
			open(c.ImageURL)
			key, err := p.line(ctx, "captcha: ")
			return snskit.Answer{Key: strings.TrimSpace(key)}, err
		}
	}
}

// hintChallenge tells, after a call refused with a captcha or a validation
// nobody answered, what the platform asked and how to send the call again.
func hintChallenge(w io.Writer, api *snskit.API, r *snskit.Response, err error, f *callFlags) {
	var e *snskit.Error
	ch, ok := api.Platform().(driver.Challenger)
	if err == nil || !ok || !errors.As(err, &e) {
		return
	}
	var h map[string][]string
	if r != nil {
		h = r.Header
	}
	c, ok := ch.Challenge(e, h)
	if !ok {
		return
	}
	again := "snskit call ... (the same call)"
	switch {
	case c.Detail.Get("challenge_url").Exists(): // VK's HTTP-level challenge: answered in a header
		page := c.RedirectURI
		if u, err := api.Driver().Endpoint(platforms.VKAPIURL); err == nil && strings.HasPrefix(page, "/") {
			page = u.Scheme + "://" + u.Host + page
		}
		fmt.Fprintf(w, "snskit: %s asks to pass a challenge page first: %s\n", c.Platform, page)
		fmt.Fprintln(w, "snskit: its answer travels in a header, so run the call on a terminal (or with -captcha ask) to be asked")
		return
	case c.Kind == snskit.ChallengeValidation:
		fmt.Fprintf(w, "snskit: confirm the action at %s, then send the call again\n", c.RedirectURI)
		return
	case c.RedirectURI != "":
		fmt.Fprintf(w, "snskit: the captcha's page: %s\n", c.RedirectURI)
		extra := "success_token=TOKEN"
		if c.SID != "" {
			extra += " captcha_sid=" + c.SID
		}
		if id := c.Detail.Get("remixstlid").String(); id != "" {
			extra += " remixstlid=" + id
		}
		fmt.Fprintf(w, "snskit: pass it, then resend with the token it gives: %s %s\n", again, extra)
	default:
		fmt.Fprintf(w, "snskit: the captcha's image: %s\n", c.ImageURL)
		fmt.Fprintf(w, "snskit: resend with its text: %s captcha_sid=%s captcha_key=TEXT\n", again, c.SID)
	}
	if f.captcha != "ask" {
		fmt.Fprintln(w, "snskit: or run the call on a terminal (or with -captcha ask) to be asked")
	}
}
