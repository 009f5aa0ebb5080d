package platforms

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// VK API hosts and defaults. Docs: https://dev.vk.com/en/reference
const (
	VKAPIURL   = "https://api.vk.ru/method/"
	VKOAuthURL = "https://oauth.vk.ru"
	// VKDefaultVersion is the API version sent when neither the client
	// (snskit.WithAPIVersion) nor the call (a "v" parameter) names one.
	VKDefaultVersion = "5.199"
)

// VK returns the rules of the VK API:
//
//   - POST https://api.vk.ru/method/<ns>.<m>, form-encoded; the method keeps
//     its dots (users.get).
//   - v (default 5.199) and access_token in the body, never in the URL; a
//     call's own access_token or v wins. lang and test_mode are ordinary
//     parameters (snskit.WithParams sets them for every call).
//   - community tokens (VKCommunity): each call carries the token of its
//     group_id, or of the default community when it sets none.
//   - slices comma-joined, bools as 1/0.
//   - {"response": X} gives X; {"error": {...}} gives a *snskit.Error whose
//     Detail holds captcha_sid, captcha_img, redirect_uri and
//     request_params; execute's execute_errors give a *snskit.PartialError
//     beside the result.
//   - up to 25 calls merge into one execute (driver.Merger: api.Batch,
//     snskit.WithBatching; vk_execute.go), and lists page by offset/count
//     or next_from cursors as VK's catalog says (driver.Pager: Call.All;
//     vk_paging.go). VKUpload does the three steps of an upload.
//
// Each token has a budget (driver.Budgeter): 3 requests a second for a user
// token, 20 for a community token, a service token's by its tier
// (VKServiceTier); calls wait for a slot. Error 6 is resent after a pause
// (driver.Retrier), and so are reads and deduplicated writes after passing
// trouble; errors 9 and 29 are snskit.ErrFloodControl and
// snskit.ErrQuotaExceeded, never resent.
func VK(opts ...VKOption) snskit.Platform {
	v := vk{cat: catalog.New(vkCatalogText)} // parsed on first use
	for _, o := range opts {
		if o != nil {
			o(&v)
		}
	}
	return v
}

// vk is comparable, so that clients can check that a platform is VK with a
// type assertion.
type vk struct {
	kind int // vkUserToken, vkCommunityToken or vkServiceToken
	tier int // the service token's tier
	cat  *catalog.Catalog
}

func (vk) Name() string        { return "vk" }
func (vk) Style() driver.Style { return driver.Style{True: "1", False: "0"} }

func (v vk) Prepare(ctx context.Context, d *driver.Draft) error {
	if err := v.checkTier(d); err != nil {
		return err
	}
	if d.Verb == http.MethodGet {
		return d.Err("VK calls are sent as POST so that the access token stays out of URLs; do not force GET")
	}
	d.Verb = http.MethodPost
	if err := d.SetMethodURL(VKAPIURL, ".", ""); err != nil {
		return err
	}
	if !d.Values.Has("v") {
		v := d.Version
		if v == "" {
			v = VKDefaultVersion
		}
		d.Values.Set("v", v)
	}
	if tok := d.Values.Get("access_token"); tok != "" {
		d.Secret(tok)
		return nil
	}
	switch c := d.Auth.(type) {
	case nil:
		return d.MissingAuth("auth.Token or auth.TokenSource, or an access_token parameter")
	case *auth.OAuth2:
		tok, err := d.AccessToken(ctx, c)
		if err != nil {
			return d.Err("%w", err)
		}
		d.Secret(tok.AccessToken)
		d.Values.Set("access_token", tok.AccessToken)
		return nil
	case *auth.PerParam: // community tokens (VKCommunity): the call's group_id picks one
		if c == nil {
			return d.MissingAuth("auth.Token or auth.TokenSource, or an access_token parameter")
		}
		pick, _, err := c.Pick(d.Values.Get(c.Param()))
		if err != nil {
			return d.Err("%v", strings.TrimPrefix(err.Error(), "auth: "))
		}
		tok, err := d.AccessToken(ctx, pick)
		if err != nil {
			return d.Err("%w", err)
		}
		d.Values.Set("access_token", tok.AccessToken)
		return nil
	default:
		return d.WrongAuth("an OAuth 2.0 access token (auth.Token)")
	}
}

func (vk) Decode(r *snskit.Response) (gjson.Result, error) {
	if e := vkHitman(r); e != nil {
		return gjson.Result{}, e // whatever the body says
	}
	// One pass over the reply checks it and finds the envelope's members.
	var env [3]gjson.Result
	if _, err := driver.ParseJSONFields(r, []string{"response", "error", "execute_errors"}, env[:]); err != nil {
		return gjson.Result{}, err
	}
	res, e, ee := env[0], env[1], env[2]
	if e.Exists() {
		if e.IsObject() {
			return gjson.Result{}, vkError(r, e)
		}
		return gjson.Result{}, r.BadReply("VK error that is not an object")
	}
	if !res.Exists() {
		return gjson.Result{}, r.BadReply(`VK reply has neither "response" nor "error"`)
	}
	if ee.IsArray() && len(ee.Array()) > 0 {
		pe := &snskit.PartialError{Platform: "vk", Method: r.Method}
		for _, x := range ee.Array() {
			se := vkError(r, x)
			se.Method = x.Get("method").String()
			pe.Errors = append(pe.Errors, se)
		}
		return res, pe
	}
	return res, nil
}

func vkError(r *snskit.Response, e gjson.Result) *snskit.Error {
	code := e.Get("error_code").Int()
	msg := e.Get("error_msg").String()
	return &snskit.Error{
		Platform:   "vk",
		Method:     r.Method,
		Code:       strconv.FormatInt(code, 10),
		Message:    msg,
		HTTPStatus: r.StatusCode,
		Class:      vkClass(code, msg),
		Detail:     e,
	}
}

// vkClass maps VK's error codes (reference/vk-errors.json, VK's own schema)
// to classes.
func vkClass(code int64, msg string) snskit.Class {
	switch code {
	case 5:
		if strings.Contains(strings.ToLower(msg), "expired") {
			return snskit.ErrTokenExpired
		}
		return snskit.ErrTokenInvalid
	case 1, 10, 13: // unknown error, internal server error, runtime error in execute
		return snskit.ErrServer
	case 6: // too many requests per second
		return snskit.ErrRateLimited
	case 9: // flood control: the action itself is throttled
		return snskit.ErrFloodControl
	case 29: // rate limit reached: the method's quota (wall.get 5000 a day...)
		return snskit.ErrQuotaExceeded
	case 2, 7, 15, 17, 20, 21, 23, 24, 27, 28, 30, 203, 260: // app disabled, permission, access denied, validation...
		return snskit.ErrPermission
	case 14:
		return snskit.ErrCaptcha
	case 3: // unknown method
		return snskit.ErrNotFound
	case 18: // page deleted or blocked
		return snskit.ErrNotFound
	case 4, 8, 11, 12, 100, 101, 113, 150: // signature, invalid request, test mode, compile, bad parameter, app id, user id, timestamp
		return snskit.ErrBadParams
	}
	switch {
	case code >= 200 && code < 300: // access to album/audio/group... denied
		return snskit.ErrPermission
	case code > 100 && code < 200: // invalid ids and parameters
		return snskit.ErrBadParams
	}
	return snskit.ErrUnclassified
}
