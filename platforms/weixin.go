package platforms

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// WeChat web login hosts. Docs:
// https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
// and the API list at
// https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Authorized_Interface_Calling_UnionID.html
const (
	// WeixinAPIURL is the API host: sns.userinfo is sent to
	// https://api.weixin.qq.com/sns/userinfo.
	WeixinAPIURL = "https://api.weixin.qq.com/"
	// WeixinOpenURL is the host of the QR-code login page
	// (/connect/qrconnect) and of the in-WeChat authorize page
	// (/connect/oauth2/authorize).
	WeixinOpenURL = "https://open.weixin.qq.com"
)

// Weixin returns the rules of the WeChat (微信) web login API:
//
//   - https://api.weixin.qq.com/<ns>/<m>, all segments joined by "/":
//     sns.userinfo -> /sns/userinfo. GET by default; a forced POST
//     (Call.WithVerb) sends the parameters as a form body.
//   - access_token and openid always go in the URL's query, as WeChat wants
//     them, whatever the verb. A call's own access_token or openid parameter
//     wins; otherwise the token comes from the *auth.OAuth2 credential and
//     the openid from auth.Token(t).WithOpenID(id) or the "openid" field the
//     token endpoint returned beside the token. The credential's openid is
//     only used with the credential's token.
//   - sns.userinfo and sns.auth need an openid: without one the call fails
//     before anything is sent.
//   - Errors come with HTTP 200: any errcode other than 0 is a *snskit.Error
//     with Code the errcode ("42001"), Message the errmsg without its
//     ", hints: [ req_id: ... ]" (or " rid: ...") tail, and Detail the whole
//     reply. errcode 0 ({"errcode":0,"errmsg":"ok"} from sns.auth) is
//     success; the result is always the whole reply object.
//
// Code choices: the authorization code (40029 invalid, 40163 used, 42003
// expired) is a parameter of the token exchange, and only a new login gives
// a new one, so those are snskit.ErrBadParams rather than token errors;
// 40013 (invalid appid) is the application's configuration, also
// ErrBadParams.
//
// Examples:
//
//	api, _ := snskit.New(platforms.Weixin(), snskit.WithAuth(auth.Token(tok).WithOpenID(openid)))
//	user, err := api.Method("sns.userinfo").Do(snskit.Params{"lang": "zh_CN"})
//	fmt.Println(user.Get("nickname"), user.Get("unionid"))
//	_, err = api.Method("sns.auth").Do(nil) // nil error: the token is valid
func Weixin() snskit.Platform { return weixin{cat: catalog.New(weixinCatalogText)} }

// WeChat returns the same rules as Weixin, for those who know the platform
// by its English name.
func WeChat() snskit.Platform { return Weixin() }

type weixin struct {
	cat *catalog.Catalog // the method catalog, parsed on first use
}

func (weixin) Name() string        { return "weixin" }
func (weixin) Style() driver.Style { return driver.Style{} }

func (weixin) Prepare(ctx context.Context, d *driver.Draft) error {
	if d.Verb == "" {
		d.Verb = http.MethodGet
	}
	if err := d.SetMethodURL(WeixinAPIURL, "/", ""); err != nil {
		return err
	}
	if d.Query == nil {
		d.Query = make(url.Values, 2)
	}
	openID := weixinMove(d, "openid")
	if tok := weixinMove(d, "access_token"); tok != "" {
		d.Secret(tok)
	} else {
		switch c := d.Auth.(type) {
		case nil:
			return d.MissingAuth("auth.Token or auth.TokenSource, or an access_token parameter")
		case *auth.OAuth2:
			t, err := d.AccessToken(ctx, c)
			if err != nil {
				return d.Err("%w", err)
			}
			d.Secret(t.AccessToken)
			d.Query.Set("access_token", t.AccessToken)
			if openID == "" {
				openID = c.OpenID(t)
			}
		default:
			return d.WrongAuth("an OAuth 2.0 access token (auth.Token)")
		}
	}
	if openID != "" {
		d.Query.Set("openid", openID)
	} else if weixinNeedsOpenID(d.Method) {
		return d.Err("needs the user's openid; pass auth.Token(t).WithOpenID(id) to snskit.WithAuth, or an openid parameter")
	}
	return nil
}

// weixinMove moves the call's parameter key from the body or query values
// to the URL's query and returns its value. An absent or empty parameter
// is dropped and gives "".
func weixinMove(d *driver.Draft, key string) string {
	v := d.Values.Get(key)
	d.Values.Del(key)
	if v != "" {
		d.Query.Set(key, v)
	}
	return v
}

// weixinNeedsOpenID reports whether WeChat rejects method without an openid
// (41009 missing openid, or 40003 on sns.userinfo).
func weixinNeedsOpenID(method string) bool {
	return method == "sns.userinfo" || method == "sns.auth"
}

func (weixin) Decode(r *snskit.Response) (gjson.Result, error) {
	var env [2]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"errcode", "errmsg"}, env[:])
	if err != nil {
		return gjson.Result{}, err
	}
	ec := env[0]
	if !ec.Exists() {
		if r.StatusCode >= 300 {
			return gjson.Result{}, r.BadReply("WeChat answered an HTTP error without an errcode")
		}
		return doc, nil
	}
	code, ok := weixinCode(ec)
	if !ok {
		return gjson.Result{}, r.BadReply("WeChat errcode that is not a number")
	}
	if code == 0 {
		return doc, nil
	}
	return gjson.Result{}, &snskit.Error{
		Platform:   "weixin",
		Method:     r.Method,
		Code:       strconv.FormatInt(code, 10),
		Message:    weixinMessage(env[1].String()),
		HTTPStatus: r.StatusCode,
		Class:      weixinClass(code),
		Detail:     doc,
	}
}

// Transient implements driver.Retrier: -1 (system busy, "please retry") is
// resent after a pause when the call is idempotent. The quotas (45009,
// 45011) are not transient.
func (w weixin) Transient(d *driver.Draft, e *driver.Error) bool {
	return e.Code == "-1" && w.Idempotent(d)
}

// Idempotent implements driver.Retrier: the web-login API only reads, with
// GET; a call forced to POST counts as a write.
func (weixin) Idempotent(d *driver.Draft) bool { return d.Verb == http.MethodGet }

// weixinCode reads an errcode written as a JSON number or a numeric string.
func weixinCode(ec gjson.Result) (int64, bool) {
	switch ec.Type {
	case gjson.Number:
		return ec.Int(), true
	case gjson.String:
		n, err := strconv.ParseInt(strings.TrimSpace(ec.Str), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// weixinMessage drops the request-id tail WeChat appends to errmsg:
// "invalid code, hints: [ req_id: AbC ]" -> "invalid code"; also the newer
// "..., rid: 64f0..." and "... hint: [xYz]" forms.
func weixinMessage(msg string) string {
	for _, tail := range []string{"hints: [", "hint: [", "rid: "} {
		if i := strings.LastIndex(msg, tail); i >= 0 {
			msg = msg[:i]
		}
	}
	return strings.TrimRight(msg, " ,;")
}

// weixinClass maps WeChat's error codes to classes. The codes of
// PLATFORMS.md come first; the others are from WeChat's global return codes
// (全局返回码说明) and matter to the login flow.
func weixinClass(code int64) snskit.Class {
	switch code {
	case -1: // system busy
		return snskit.ErrServer
	case 40001, 40014, 40030, 41001: // invalid credential, access_token, refresh_token; missing access_token
		return snskit.ErrTokenInvalid
	case 42001, 42002: // access_token expired, refresh_token expired
		return snskit.ErrTokenExpired
	case 40003, 40013, 40029, 40163, 42003: // invalid openid, appid, code; code used; code expired
		return snskit.ErrBadParams
	case 45009, 45011: // daily quota reached; the minute's quota reached
		return snskit.ErrQuotaExceeded
	case 48001, 50001: // api unauthorized (app; user did not grant the scope)
		return snskit.ErrPermission
	case 40002, 40125, 41002, 41004, 41008, 41009: // grant_type, appsecret; missing appid, secret, code, openid
		return snskit.ErrBadParams
	case 40066: // invalid url (no such API)
		return snskit.ErrNotFound
	}
	return snskit.ErrUnclassified
}
