package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"golang.org/x/oauth2"
)

// QQ Connect's login (QQ互联 OAuth 2.0). QQ answers its token endpoint in
// its own way (urlencoded text/html, JSON with fmt=json, JSONP errors), so
// snskit speaks it by hand. Docs:
// https://wiki.connect.qq.com/使用authorization_code获取access_token and
// https://wiki.connect.qq.com/获取用户openid_oauth2-0
//
//   - Authorize: https://graph.qq.com/oauth2.0/authorize?response_type=code&client_id&redirect_uri&state&scope
//     with the scopes comma-separated (get_user_info,list_album,upload_pic).
//     Extras ride on snskit.AuthParam, such as display=mobile; the
//     parameters the login sets itself are refused.
//   - Exchange: GET https://graph.qq.com/oauth2.0/token?grant_type=authorization_code&client_id&client_secret&code&redirect_uri.
//     QQ answers access_token=..&expires_in=7776000&refresh_token=.. as
//     text/html, JSON with AuthParam("fmt", "json") (expires_in may be a
//     quoted number), and errors as JSONP: callback( {"error":100020,
//     "error_description":"..."} ); all are read whatever the content type.
//     Then the openid is looked up once through /oauth2.0/me and kept as
//     the token's Extra("openid"), so calls need not look it up again;
//     AuthParam("unionid", "1") asks /me for the unionid too
//     (Extra("unionid")). When QQ already sent the openid
//     (AuthParam("need_openid", "1")) and no unionid is asked, /me is not
//     called. Other extras go to the token endpoint; display is ignored, so
//     that one set of options can serve both steps.
//   - Refresh: GET /oauth2.0/token?grant_type=refresh_token&client_id&client_secret&refresh_token.
//     The refreshed token keeps the old one's openid and unionid.
//   - Errors are *snskit.Error values with QQ's code: 100020 (code reused)
//     and 100019 (code refused: wrong or expired) are ErrBadParams; 100016
//     (refresh token check failed) and 100015 (revoked) ErrTokenInvalid.
//   - PKCE is not part of QQ's OAuth: snskit.WithPKCE is refused.
//
// The seed's flow (login, openid, get_user_info) in Go:
//
//	api, _ := snskit.New(platforms.QQ(), snskit.WithApp(appID, appKey))
//	login, _ := api.Login(redirectURI, "get_user_info", "list_album", "upload_pic")
//	state := auth.NewState() // keep it in the user's session
//	u, _ := login.AuthCodeURL(state, snskit.AuthParam("display", "mobile"))
//	// redirect the user to u; on return:
//	if err := auth.CheckState(state, r.FormValue("state")); err != nil { ... }
//	tok, err := login.Exchange(ctx, r.FormValue("code"))
//	openid := tok.Extra("openid")
//	client, _ := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok, auth.OnToken(save)))))
//	user, err := client.Method("user.get_user_info").Do(nil)

// AuthCodeURL implements driver.Authorizer.
func (*qq) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	if p.PKCE != nil {
		return "", qqNoPKCE()
	}
	u, err := l.Endpoint(QQGraphURL + "/oauth2.0/authorize")
	if err != nil {
		return "", err
	}
	q := qqQuery{}
	q.add("response_type", "code")
	q.add("client_id", l.AppID())
	q.add("redirect_uri", l.RedirectURL())
	q.add("state", state)
	if scopes := tencentScopes(l.Scopes()); len(scopes) > 0 {
		for i, s := range scopes {
			scopes[i] = url.QueryEscape(s)
		}
		q.addRaw("scope", strings.Join(scopes, ","))
	}
	for _, k := range qqSortedKeys(p.Extra) {
		switch k {
		case "response_type", "client_id", "redirect_uri", "state", "scope":
			return "", fmt.Errorf("snskit: qq login: %s is set by the login itself (snskit.WithApp, API.Login, AuthCodeURL); drop the AuthParam", k)
		}
		q.add(k, p.Extra.Get(k))
	}
	u.RawQuery = q.String()
	return u.String(), nil
}

// Exchange implements driver.Authorizer. If the openid lookup fails after
// QQ gave the token (the code is spent by then), Exchange returns the token
// and the error: keep the token, calls look the openid up again.
func (q *qq) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	if p.PKCE != nil {
		return nil, qqNoPKCE()
	}
	unionID := false
	qs := qqQuery{}
	qs.add("grant_type", "authorization_code")
	qs.add("client_id", l.AppID())
	qs.add("client_secret", l.AppSecret())
	qs.add("code", code)
	qs.add("redirect_uri", l.RedirectURL())
	for _, k := range qqSortedKeys(p.Extra) {
		v := p.Extra.Get(k)
		switch k {
		case "unionid":
			unionID = v == "1" || v == "true"
			continue
		case "display", "g_ut":
			continue
		case "grant_type", "client_id", "client_secret", "code", "redirect_uri", "refresh_token":
			return nil, fmt.Errorf("snskit: qq login: %s is set by the login itself; drop the AuthParam", k)
		}
		qs.add(k, v)
	}
	tok, fields, err := qqToken(ctx, l, qs.String(), code)
	if err != nil {
		return nil, err
	}
	if openid, _ := fields["openid"].(string); openid != "" && !unionID {
		return tok, nil
	}
	me, err := l.Endpoint(QQGraphURL + "/oauth2.0/me")
	if err != nil {
		return tok, err
	}
	openid, unionid, err := qqFetchMe(ctx, me, tok.AccessToken, unionID, func(req *http.Request) (*snskit.Response, error) {
		return l.Send(ctx, req, "oauth2.0/me", tok.AccessToken)
	})
	if err != nil {
		return tok, fmt.Errorf("snskit: qq login: got the token but not its openid (keep the token; calls look the openid up again): %w", err)
	}
	fields["openid"] = openid
	if unionid != "" {
		fields["unionid"] = unionid
	}
	return tok.WithExtra(fields), nil
}

// Refresh implements driver.Authorizer.
func (*qq) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	qs := qqQuery{}
	qs.add("grant_type", "refresh_token")
	qs.add("client_id", l.AppID())
	qs.add("client_secret", l.AppSecret())
	qs.add("refresh_token", t.RefreshToken)
	tok, fields, err := qqToken(ctx, l, qs.String(), t.RefreshToken)
	if err != nil {
		return nil, err
	}
	return tencentKeepIDs(tok, fields, t), nil
}

// QQOpenID looks up the openid and unionid of an access token obtained
// elsewhere (a mobile app's login, an implicit flow) through
// GET https://graph.qq.com/oauth2.0/me?access_token=T&unionid=1. api is a
// QQ client with the app id and key (snskit.WithApp); its base URL and HTTP
// client apply. The unionid is empty for apps QQ has not granted UnionID
// (unverified: QQ's pages say apps must apply for it). Errors are
// *snskit.Error values (100013 illegal, 100014 expired, 100015 revoked,
// 100016 unknown token). Tokens from Login.Exchange already carry their
// openid (tok.Extra("openid")).
func QQOpenID(ctx context.Context, api *snskit.API, accessToken string) (openid, unionid string, err error) {
	if api == nil {
		return "", "", errors.New("snskit: qq openid: nil client; build one with snskit.New(platforms.QQ(), ...)")
	}
	if _, ok := api.Platform().(*qq); !ok {
		return "", "", fmt.Errorf("snskit: qq openid: the client is for %s; use a platforms.QQ client", api.Platform().Name())
	}
	if accessToken == "" {
		return "", "", errors.New("snskit: qq openid: empty access token; pass the one QQ's login gave")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// Client.Send reads the lookup bounded and masks the token and the app key.
	me, err := api.Driver().Endpoint(QQGraphURL + "/oauth2.0/me")
	if err != nil {
		return "", "", err
	}
	return qqFetchMe(ctx, me, accessToken, true, func(req *http.Request) (*snskit.Response, error) {
		return api.Driver().Send(ctx, req, "oauth2.0/me", accessToken)
	})
}

func qqNoPKCE() error {
	return errors.New("snskit: qq login: QQ Connect does not take PKCE; drop snskit.WithPKCE and keep checking state")
}

// qqToken sends GET /oauth2.0/token?rawQuery and reads QQ's answer in any
// of its shapes: urlencoded, JSON, or a JSONP error. It returns the token
// and the answer's fields.
func qqToken(ctx context.Context, l driver.Login, rawQuery string, secrets ...string) (*oauth2.Token, map[string]any, error) {
	const step = "oauth2.0/token"
	u, err := l.Endpoint(QQGraphURL + "/oauth2.0/token")
	if err != nil {
		return nil, nil, err
	}
	u.RawQuery = rawQuery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, errors.New("snskit: qq login: building the request: " + driver.Redact(err.Error(), append(secrets, l.AppSecret())))
	}
	r, err := l.Send(ctx, req, step, secrets...)
	if err != nil {
		return nil, nil, err
	}
	body := strings.TrimSpace(strings.TrimPrefix(r.Body, "\uFEFF"))
	_, jsonp := driver.UnwrapJSONP(body)
	if body == "" || jsonp || strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") || strings.HasPrefix(body, "<") {
		doc, env, err := qqParse(r)
		if err != nil {
			return nil, nil, tencentHideToken(err, r)
		}
		if e := qqError(r, doc, &env); e != nil {
			e.Message = driver.Redact(e.Message, append(secrets, l.AppSecret()))
			return nil, nil, e
		}
		fields := driver.ObjectFields(doc)
		tok, err := l.TokenFromJSON(doc)
		if err != nil {
			return nil, nil, qqBadToken(r, err)
		}
		return tok, fields, nil
	}
	v, err := url.ParseQuery(body)
	if err != nil {
		return nil, nil, qqBadToken(r, errors.New("the answer is neither JSON nor urlencoded"))
	}
	if code := v.Get("error"); code != "" {
		return nil, nil, &snskit.Error{Platform: "qq", Method: step, Code: code, HTTPStatus: r.StatusCode,
			Message: driver.Redact(v.Get("error_description"), append(secrets, l.AppSecret())),
			Class:   qqCodeClass(code)}
	}
	tok, err := l.TokenFromValues(v)
	if err != nil {
		return nil, nil, qqBadToken(r, err)
	}
	fields := make(map[string]any, len(v))
	for k := range v {
		fields[k] = v.Get(k)
	}
	return tok, fields, nil
}

// qqBadToken reports a token answer that has no usable token, without the
// body, which may hold one.
func qqBadToken(r *snskit.Response, err error) error {
	return &snskit.ReplyError{Platform: "qq", Method: r.Method, HTTPStatus: r.StatusCode, Reason: "QQ's token answer: " + err.Error()}
}

// qqCodeClass classifies a QQ code written as text.
func qqCodeClass(code string) snskit.Class {
	var n int64
	if _, err := fmt.Sscan(code, &n); err != nil {
		return snskit.ErrUnclassified
	}
	return qqClass(n, false)
}

func qqSortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// qqQuery writes a query in the order its parameters are added, the order
// QQ's pages document.
type qqQuery struct{ b strings.Builder }

func (q *qqQuery) add(k, v string) { q.addRaw(k, url.QueryEscape(v)) }

func (q *qqQuery) addRaw(k, escaped string) {
	if q.b.Len() > 0 {
		q.b.WriteByte('&')
	}
	q.b.WriteString(url.QueryEscape(k))
	q.b.WriteByte('=')
	q.b.WriteString(escaped)
}

func (q *qqQuery) String() string { return q.b.String() }
