package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// VK direct auth (https://dev.vk.com/ru/api/direct-auth) and service tokens
// (https://dev.vk.com/ru/api/access-token/getting-started).
//
// The seed's DirectUserAPI with InteractiveMixin, in Go:
//
//	api, _ := snskit.New(platforms.VK(), snskit.WithApp(clientID, clientSecret))
//	tok, err := platforms.VKDirectAuth(ctx, api, platforms.VKDirectAuthConfig{
//		Username: login, Password: password, Scope: []string{"offline", "wall"},
//		TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
//			fmt.Printf("code sent to %s: ", v.PhoneMask)
//			return readLine(ctx)
//		},
//		Captcha: func(ctx context.Context, c platforms.VKCaptcha) (string, error) {
//			fmt.Printf("open %s and type the text: ", c.Img)
//			return readLine(ctx)
//		},
//	})
//	user, _ := api.With(snskit.WithAuth(auth.Token(tok.AccessToken)))
//	user.Method("users.get").Do(snskit.Params{"user_ids": 1})

// vkDirectRounds bounds the requests of one direct auth: the first, and the
// repeats with a 2FA code or a captcha answer.
const vkDirectRounds = 5

// VKDirectAuthConfig is a login with a user's login and password. Its
// String and GoString mask the password.
type VKDirectAuthConfig struct {
	// Username is the user's phone number or e-mail address.
	Username string
	// Password is the user's password. It is sent in the request body only
	// and never appears in errors or logs.
	Password string
	// Scope lists the rights asked for ("offline", "wall", ...); empty asks
	// for "offline", as the seed does, whose tokens never expire.
	Scope []string
	// TwoFactor returns the code of a two-factor check (an SMS, an
	// authenticator app or a backup code). Nil makes an account with 2FA
	// fail with a *snskit.Error of Code "need_validation".
	TwoFactor func(ctx context.Context, v VKValidation) (code string, err error)
	// Captcha returns the text of the captcha image at c.Img, or for a
	// new-style captcha (c.SID empty, c.RedirectURI set) the success token
	// its page yields. Nil asks the client's snskit.WithCaptcha handler
	// instead; with neither, a captcha fails with a *snskit.Error of Code
	// "need_captcha".
	Captcha func(ctx context.Context, c VKCaptcha) (answer string, err error)
}

// String masks the password.
func (c VKDirectAuthConfig) String() string {
	return fmt.Sprintf("platforms.VKDirectAuthConfig{Username: %q, Password: ****, Scope: %q}", c.Username, c.Scope)
}

// GoString masks the password.
func (c VKDirectAuthConfig) GoString() string { return c.String() }

// VKValidation is VK's request for a two-factor code (need_validation).
type VKValidation struct {
	// Type is "2fa_sms" (a code sent by SMS) or "2fa_app" (an
	// authenticator app's code).
	Type string
	// SID is VK's validation_sid.
	SID string
	// PhoneMask is the masked phone number the SMS went to, such as
	// "+7 *** *** ** 12".
	PhoneMask string
	// RedirectURI is VK's page for checking in a browser instead.
	RedirectURI string
	// Retry is true when VK refused the previous code.
	Retry bool
}

// VKCaptcha is VK's request for a captcha (need_captcha).
type VKCaptcha struct {
	// SID is VK's captcha_sid.
	SID string
	// Img is the address of the captcha image.
	Img string
	// RedirectURI is the page of a new-style captcha, which yields a
	// success token once passed.
	RedirectURI string
}

// VKDirectAuth logs a user in with a login and password (VK's direct auth,
// the password grant at https://oauth.vk.ru/token with 2fa_supported=1), for
// the application of api (snskit.WithApp: direct auth is open to VK's
// trusted applications only; no id or secret is built in). A two-factor
// check or a captcha is answered through cfg's callbacks and the request
// repeated, at most 5 requests in all. Errors are *snskit.Error values with
// VK's code: invalid_client (a wrong login or password, or app secret) is
// snskit.ErrTokenInvalid, need_validation (no TwoFactor callback)
// snskit.ErrPermission, need_captcha (no Captcha callback and no
// snskit.WithCaptcha handler) snskit.ErrCaptcha, with VK's fields in Detail. The password never appears in an error or a
// log line. The token's Extra holds user_id.
func VKDirectAuth(ctx context.Context, api *snskit.API, cfg VKDirectAuthConfig) (*oauth2.Token, error) {
	const step = "direct auth"
	if ctx == nil {
		ctx = context.Background()
	}
	api, err := vkApp(api, step)
	if err != nil {
		return nil, err
	}
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("snskit: vk direct auth needs VKDirectAuthConfig.Username and Password")
	}
	scope := vkScope(cfg.Scope)
	if scope == "" {
		scope = "offline"
	}
	form := url.Values{
		"grant_type": {"password"}, "client_id": {api.AppID()}, "client_secret": {api.Driver().AppSecret()},
		"username": {cfg.Username}, "password": {cfg.Password}, "scope": {scope},
		"2fa_supported": {"1"}, "v": {vkVersion(api)},
	}
	var asked *VKValidation // the last two-factor check, for a retry after a wrong code
	captchas := 0
	for range vkDirectRounds {
		// (unverified) VK documents the request as a GET; it is POSTed so
		// that the password stays out of URLs, as the VK SDKs do.
		doc, err := vkTokenRequest(ctx, api.Driver(), VKOAuthURL+"/token", step, form,
			cfg.Password, form.Get("code"), form.Get("captcha_key"), form.Get("success_token"))
		for _, k := range []string{"captcha_sid", "captcha_key", "success_token", vkRemixstlid} {
			form.Del(k) // a captcha answer is good for one request
		}
		var e *snskit.Error
		switch {
		case err == nil:
			tok, terr := api.Driver().TokenFromJSON(doc)
			if terr != nil {
				return nil, fmt.Errorf("snskit: vk %s: %v", step, terr)
			}
			return tok, nil
		case !errors.As(err, &e):
			return nil, err
		case e.Code == "need_validation" && e.Detail.Get("validation_type").String() != "" ||
			asked != nil && e.Detail.Get("error_type").String() == "wrong_otp":
			if cfg.TwoFactor == nil {
				return nil, vkNeeds(e, "a two-factor code", "VKDirectAuthConfig.TwoFactor")
			}
			v := vkValidation(e.Detail, asked)
			code, cerr := cfg.TwoFactor(ctx, v)
			if cerr != nil {
				return nil, fmt.Errorf("snskit: vk %s: the two-factor callback: %w", step, cerr)
			}
			if code = strings.TrimSpace(code); code == "" {
				return nil, fmt.Errorf("snskit: vk %s: the two-factor callback gave an empty code", step)
			}
			asked = &v
			form.Set("code", code)
		case e.Code == "need_captcha":
			captchas++
			resend, cerr := vkDirectCaptcha(ctx, api, cfg, e, captchas)
			if cerr != nil {
				return nil, cerr
			}
			for k := range resend.Params {
				form.Set(k, resend.Params.Get(k))
			}
		default:
			return nil, e
		}
	}
	return nil, fmt.Errorf("snskit: vk %s: VK still asks for a code or a captcha after %d requests; giving up", step, vkDirectRounds)
}

// vkDirectCaptcha answers a need_captcha of direct auth through cfg.Captcha
// or the client's snskit.WithCaptcha handler, and returns what the repeated
// request adds.
func vkDirectCaptcha(ctx context.Context, api *snskit.API, cfg VKDirectAuthConfig, e *snskit.Error, attempt int) (snskit.Resend, error) {
	c := snskit.Challenge{Platform: "vk", Method: e.Method, Kind: snskit.ChallengeCaptcha, Attempt: attempt,
		SID: e.Detail.Get("captcha_sid").String(), ImageURL: e.Detail.Get("captcha_img").String(),
		RedirectURI: e.Detail.Get("redirect_uri").String(), Detail: e.Detail}
	var ans snskit.Answer
	if cfg.Captcha != nil {
		text, err := cfg.Captcha(ctx, VKCaptcha{SID: c.SID, Img: c.ImageURL, RedirectURI: c.RedirectURI})
		if err != nil {
			return snskit.Resend{}, fmt.Errorf("snskit: vk direct auth: the captcha callback: %w", err)
		}
		if c.SID == "" && c.RedirectURI != "" {
			ans.SuccessToken = text
		} else {
			ans.Key = text
		}
	} else {
		var err error
		if ans, err = api.AskChallenge(ctx, c); errors.Is(err, snskit.ErrNoChallengeHandler) {
			return snskit.Resend{}, vkNeeds(e, "a captcha", "VKDirectAuthConfig.Captcha or snskit.WithCaptcha")
		} else if err != nil {
			return snskit.Resend{}, err
		}
	}
	r, err := vk{}.ChallengeAnswer(c, ans)
	if err != nil {
		return snskit.Resend{}, fmt.Errorf("snskit: vk direct auth: %w", err)
	}
	return r, nil
}

// vkValidation reads a need_validation answer; a wrong_otp answer repeats
// the last check, marked as a retry.
func vkValidation(d gjson.Result, last *VKValidation) VKValidation {
	if d.Get("error").String() != "need_validation" && last != nil {
		v := *last
		v.Retry = true
		return v
	}
	return VKValidation{
		Type:        d.Get("validation_type").String(),
		SID:         d.Get("validation_sid").String(),
		PhoneMask:   d.Get("phone_mask").String(),
		RedirectURI: d.Get("redirect_uri").String(),
		Retry:       last != nil,
	}
}

// vkNeeds completes the error of a check the caller cannot answer with
// what to set.
func vkNeeds(e *snskit.Error, what, field string) *snskit.Error {
	msg := "VK asks for " + what + "; answer it with " + field
	if e.Message != "" {
		msg = e.Message + " (" + msg + ")"
	}
	e.Message = msg
	return e
}

// VKServiceToken returns the service token of api's application
// (grant_type=client_credentials at https://oauth.vk.ru/access_token, with
// the id and secret of snskit.WithApp). It calls the methods open to
// applications, such as users.get, and never expires. Errors are
// *snskit.Error values (invalid_client: snskit.ErrTokenInvalid).
func VKServiceToken(ctx context.Context, api *snskit.API) (*oauth2.Token, error) {
	const step = "service token"
	if ctx == nil {
		ctx = context.Background()
	}
	api, err := vkApp(api, step)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {api.AppID()},
		"client_secret": {api.Driver().AppSecret()}, "v": {vkVersion(api)}}
	doc, err := vkTokenRequest(ctx, api.Driver(), VKOAuthURL+"/access_token", step, form)
	if err != nil {
		return nil, err
	}
	tok, err := api.Driver().TokenFromJSON(doc)
	if err != nil {
		return nil, fmt.Errorf("snskit: vk %s: %v", step, err)
	}
	return tok, nil
}
