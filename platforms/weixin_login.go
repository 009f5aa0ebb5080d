package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
)

// WeChat's login (微信网站应用微信登录) is OAuth 2.0 in WeChat's own way, so
// snskit speaks it by hand rather than through golang.org/x/oauth2. Docs:
// https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
// (website QR login) and
// https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
// (pages opened inside WeChat).
//
//   - Authorize: WeChat matches the link strictly, so it is written by hand
//     in the documented order:
//     https://open.weixin.qq.com/connect/qrconnect?appid=APPID&redirect_uri=ENC&response_type=code&scope=SCOPES&state=STATE#wechat_redirect
//     Scopes are comma-separated; with none, snsapi_login. WeChat takes no
//     other parameter on this link (the sandbox refuses any), so every
//     snskit.AuthParam is refused but "page". state may be at most 128
//     bytes.
//   - Pages opened inside WeChat use
//     https://open.weixin.qq.com/connect/oauth2/authorize, same parameters,
//     with the scopes snsapi_base (the default: openid only, no prompt) or
//     snsapi_userinfo: pass WeixinInWeChat() (the same as
//     snskit.AuthParam("page", "oauth2")) to AuthCodeURL. WeChat documents
//     this page's state as a-zA-Z0-9 only; auth.NewState may also use '-'
//     and '_' (unverified whether WeChat minds).
//   - Exchange: GET https://api.weixin.qq.com/sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code
//     -> {access_token, expires_in, refresh_token, openid, scope, unionid}.
//     openid, unionid and scope are the token's Extra: a client built with
//     auth.TokenSource(login.TokenSource(tok)) sends the openid by itself.
//   - Refresh: GET https://api.weixin.qq.com/sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token
//     (the documented URL, not the reference SDK's). WeChat's answer has no
//     unionid: the refreshed token keeps the old one's openid and unionid.
//   - Errors come with HTTP 200 and an errcode: *snskit.Error values with
//     WeChat's code. 40029 invalid code, 40163 code already used and 42003
//     code expired are ErrBadParams (only a new login gives a new code);
//     40013 (appid) and 40125 (secret) are the app's configuration,
//     ErrBadParams; 42002 refresh token expired is ErrTokenExpired and 40030
//     invalid refresh token ErrTokenInvalid: log in again.
//   - PKCE is not part of WeChat's login: snskit.WithPKCE is refused.
//
// The seed's Flask app (/login redirects to WeChat, /authorization exchanges
// the code and shows the user) in Go:
//
//	api, _ := snskit.New(platforms.Weixin(), snskit.WithApp(appID, appSecret))
//	login, _ := api.Login("http://localhost.com/authorization", "snsapi_login")
//	http.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
//		state := auth.NewState() // keep it in the user's session
//		u, err := login.AuthCodeURL(state)
//		if err != nil { ... }
//		http.Redirect(w, r, u, http.StatusFound)
//	})
//	http.HandleFunc("/authorization", func(w http.ResponseWriter, r *http.Request) {
//		if err := auth.CheckState(stateOf(r), r.FormValue("state")); err != nil { ... }
//		tok, err := login.Exchange(r.Context(), r.FormValue("code"))
//		if err != nil { ... }
//		client, _ := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok))))
//		user, err := client.Method("sns.userinfo").DoContext(r.Context(), nil) // api.user(openid)
//		...
//	})

// weixinPageParam is the AuthParam key that picks the authorize page.
const weixinPageParam = "page"

// WeixinInWeChat returns the login option that sends the user to WeChat's
// in-app authorize page (https://open.weixin.qq.com/connect/oauth2/authorize),
// for pages opened inside WeChat, with the scopes snsapi_base (the default)
// or snsapi_userinfo. Without it, AuthCodeURL gives the website QR login.
// It is snskit.AuthParam("page", "oauth2"); Exchange accepts and ignores it.
func WeixinInWeChat() snskit.AuthOption { return snskit.AuthParam(weixinPageParam, "oauth2") }

// AuthCodeURL implements driver.Authorizer.
func (weixin) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	if err := weixinCheckParams(p); err != nil {
		return "", err
	}
	path, def, wrong, hint := "/connect/qrconnect", "snsapi_login", []string{"snsapi_base", "snsapi_userinfo"},
		"those scopes are for pages inside WeChat: pass platforms.WeixinInWeChat()"
	switch page := p.Extra.Get(weixinPageParam); page {
	case "", "qrconnect":
	case "oauth2":
		path, def, wrong, hint = "/connect/oauth2/authorize", "snsapi_base", []string{"snsapi_login"},
			"snsapi_login is for the website QR login: drop platforms.WeixinInWeChat()"
	default:
		return "", fmt.Errorf("snskit: weixin login: unknown page %q; use qrconnect (the default) or oauth2 (platforms.WeixinInWeChat())", page)
	}
	if len(state) > 128 {
		return "", errors.New("snskit: weixin login: state is longer than WeChat's 128 bytes; auth.NewState gives 43")
	}
	scopes := tencentScopes(l.Scopes())
	if len(scopes) == 0 {
		scopes = []string{def}
	}
	for i, s := range scopes {
		if slices.Contains(wrong, s) {
			return "", fmt.Errorf("snskit: weixin login: scope %s on %s: %s", s, path, hint)
		}
		scopes[i] = url.QueryEscape(s)
	}
	u, err := l.Endpoint(WeixinOpenURL + path)
	if err != nil {
		return "", err
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	var b strings.Builder
	b.WriteString(u.String())
	b.WriteString("?appid=")
	b.WriteString(url.QueryEscape(l.AppID()))
	b.WriteString("&redirect_uri=")
	b.WriteString(url.QueryEscape(l.RedirectURL()))
	b.WriteString("&response_type=code&scope=")
	b.WriteString(strings.Join(scopes, ","))
	b.WriteString("&state=")
	b.WriteString(url.QueryEscape(state))
	b.WriteString("#wechat_redirect")
	return b.String(), nil
}

// Exchange implements driver.Authorizer.
func (weixin) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	if err := weixinCheckParams(p); err != nil {
		return nil, err
	}
	q := "appid=" + url.QueryEscape(l.AppID()) + "&secret=" + url.QueryEscape(l.AppSecret()) +
		"&code=" + url.QueryEscape(code) + "&grant_type=authorization_code"
	tok, _, err := weixinToken(ctx, l, "sns/oauth2/access_token", q, code)
	return tok, err
}

// Refresh implements driver.Authorizer.
func (weixin) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	q := "appid=" + url.QueryEscape(l.AppID()) + "&grant_type=refresh_token&refresh_token=" + url.QueryEscape(t.RefreshToken)
	tok, fields, err := weixinToken(ctx, l, "sns/oauth2/refresh_token", q, t.RefreshToken)
	if err != nil {
		return nil, err
	}
	return tencentKeepIDs(tok, fields, t), nil
}

// weixinCheckParams refuses PKCE and every extra but the page.
func weixinCheckParams(p *driver.AuthParams) error {
	if p.PKCE != nil {
		return errors.New("snskit: weixin login: WeChat does not take PKCE; drop snskit.WithPKCE and keep checking state")
	}
	for k := range p.Extra {
		if k != weixinPageParam {
			return fmt.Errorf("snskit: weixin login: WeChat matches its login link strictly and takes no %q parameter; drop the AuthParam", k)
		}
	}
	return nil
}

// weixinToken sends GET path?rawQuery to the API host and returns the token
// of its answer and the answer's fields. secrets are masked with the app
// secret.
func weixinToken(ctx context.Context, l driver.Login, path, rawQuery string, secrets ...string) (*oauth2.Token, map[string]any, error) {
	u, err := l.Endpoint(WeixinAPIURL + path)
	if err != nil {
		return nil, nil, err
	}
	u.RawQuery = rawQuery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, errors.New("snskit: weixin login: building the request: " + driver.Redact(err.Error(), append(secrets, l.AppSecret())))
	}
	r, err := l.Send(ctx, req, path, secrets...)
	if err != nil {
		return nil, nil, err
	}
	doc, err := weixin{}.Decode(r)
	if err != nil {
		var e *snskit.Error
		if errors.As(err, &e) {
			e.Message = driver.Redact(e.Message, append(secrets, l.AppSecret()))
		}
		return nil, nil, tencentHideToken(err, r)
	}
	fields := driver.ObjectFields(doc)
	tok, err := l.TokenFromJSON(doc)
	if err != nil {
		return nil, nil, &snskit.ReplyError{Platform: "weixin", Method: path, HTTPStatus: r.StatusCode, Reason: "WeChat's token answer: " + err.Error()}
	}
	return tok, fields, nil
}

// dropSnippet removes the body snippet of a *snskit.ReplyError about a
// token endpoint's answer: a cut-off answer holds the token.
func dropSnippet(err error) error {
	var re *snskit.ReplyError
	if errors.As(err, &re) {
		re.Snippet = ""
	}
	return err
}

// tencentHideToken drops the body snippet of a *snskit.ReplyError about a
// token endpoint's answer that may hold a token (a cut-off answer), so that
// no token reaches an error message.
func tencentHideToken(err error, r *snskit.Response) error {
	var re *snskit.ReplyError
	if errors.As(err, &re) && strings.Contains(r.Body, "_token") {
		re.Snippet = ""
	}
	return err
}

// tencentScopes returns the scopes one by one, splitting any given as a
// comma-separated list ("snsapi_base,snsapi_userinfo") and dropping empty
// ones, so that the link's commas stay literal.
func tencentScopes(given []string) []string {
	var out []string
	for _, g := range given {
		for _, s := range strings.Split(g, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// tencentKeepIDs returns tok with the openid and unionid of old when the
// answer (fields) left them out, as WeChat's and QQ's refresh answers do: a
// refresh token always belongs to the same user.
func tencentKeepIDs(tok *oauth2.Token, fields map[string]any, old *oauth2.Token) *oauth2.Token {
	if fields == nil {
		fields = map[string]any{}
	}
	kept := false
	for _, k := range []string{"openid", "unionid"} {
		if v, ok := fields[k]; ok && v != "" && v != nil {
			continue
		}
		if v := old.Extra(k); v != nil && v != "" {
			fields[k] = v
			kept = true
		}
	}
	if !kept {
		return tok
	}
	return tok.WithExtra(fields)
}
