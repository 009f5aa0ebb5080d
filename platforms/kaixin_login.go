package platforms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// Kaixin001 login: OAuth 1.0a three-legged (request token, authorize, access
// token with verifier) and OAuth 2.0 authorization code with refresh. The
// service is gone upstream; its docs lived at
// http://wiki.open.kaixin001.com/index.php?id=OAuth%E6%96%87%E6%A1%A3 (OAuth
// 1.0a) and http://wiki.open.kaixin001.com/index.php?id=OAuth2.0%E6%96%87%E6%A1%A3
// (OAuth 2.0).
//
// The seed's friend list after an OAuth 1.0a login, in Go:
//
//	api, _ := snskit.New(platforms.Kaixin(), snskit.WithApp(appKey, appSecret))
//	flow, _ := platforms.KaixinOAuth1(api, "https://example.com/kaixin/callback", "basic", "friends_intro")
//	token, secret, err := flow.RequestToken(ctx) // keep secret in the user's session
//	u, _ := flow.AuthorizationURL(token)         // send the user there
//	// ... the callback brings oauth_token and oauth_verifier back:
//	cred, err := flow.AccessToken(ctx, token, secret, r.FormValue("oauth_verifier"))
//	user, _ := api.With(snskit.WithAuth(cred))
//	res, _ := user.Method("friends.me").Do(snskit.Params{"fields": []string{"uid", "name"}, "start": 0, "num": 20})
//
// And with OAuth 2.0, whose tokens refresh themselves:
//
//	login, _ := api.Login("https://example.com/kaixin/callback", "basic")
//	state := auth.NewState()
//	u, _ := login.AuthCodeURL(state)
//	// ... auth.CheckState(state, r.FormValue("state")), then:
//	tok, _ := login.Exchange(ctx, r.FormValue("code"))
//	user, _ := api.With(snskit.WithAuth(auth.TokenSource(login.TokenSource(tok, auth.OnToken(save)))))

// KaixinOAuth1 returns the OAuth 1.0a three-legged flow of api's
// application (snskit.WithApp(appKey, appSecret)) on Kaixin: temporary
// credentials at KaixinOAuth1URL+"request_token" (with oauth_callback, "oob"
// when callback is empty, and the scopes, space-separated), the user's
// approval at "authorize", token credentials at "access_token". Every
// endpoint follows snskit.WithBaseURL, requests go through the client's HTTP
// client, and timestamps follow snskit.WithClock. Kaixin's errors are
// *snskit.Error values, as for calls (401: snskit.ErrTokenInvalid).
func KaixinOAuth1(api *snskit.API, callback string, scopes ...string) (*auth.OAuth1Flow, error) {
	api, err := kaixinApp(api, "oauth1 login")
	if err != nil {
		return nil, err
	}
	var urls [3]string
	for i, name := range []string{"request_token", "authorize", "access_token"} {
		u, err := api.Driver().Endpoint(KaixinOAuth1URL + name)
		if err != nil {
			return nil, err
		}
		urls[i] = u.String()
	}
	flow := &auth.OAuth1Flow{
		ConsumerKey: api.AppID(), ConsumerSecret: api.Driver().AppSecret(),
		RequestTokenURL: urls[0], AuthorizeURL: urls[1], AccessTokenURL: urls[2],
		Callback:   callback,
		HTTPClient: api.Driver().HTTPClient(),
		Now:        api.Driver().Now,
		Nonce:      api.Driver().Nonce,
		CheckReply: kaixinOAuth1Reply,
	}
	if len(scopes) > 0 {
		flow.RequestParams = map[string][]string{"scope": {strings.Join(scopes, " ")}}
	}
	return flow, nil
}

// kaixinOAuth1Reply turns Kaixin's error replies to the OAuth 1.0a
// endpoints into *snskit.Error values.
func kaixinOAuth1Reply(step string, status int, header http.Header, body []byte) error {
	r := &snskit.Response{Platform: "kaixin", Method: "oauth1 " + step, StatusCode: status, Header: header, Body: string(body)}
	var env [1]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"error_code"}, env[:])
	if err != nil {
		doc = gjson.Result{} // an urlencoded answer, or an unreadable one
	}
	if status < 400 && !env[0].Exists() {
		return nil
	}
	return kaixinError(r, doc)
}

// kaixinApp checks that api is a Kaixin client with an app key and secret.
func kaixinApp(api *snskit.API, step string) (*snskit.API, error) {
	if api == nil {
		return nil, fmt.Errorf("snskit: kaixin %s: nil client; build one with snskit.New(platforms.Kaixin(), snskit.WithApp(key, secret))", step)
	}
	if _, ok := api.Platform().(kaixin); !ok {
		return nil, fmt.Errorf("snskit: kaixin %s: the client is for %s; build it with platforms.Kaixin()", step, api.Platform().Name())
	}
	if api.AppID() == "" || api.Driver().AppSecret() == "" {
		return nil, fmt.Errorf("snskit: kaixin %s needs the app key and secret; pass them with snskit.WithApp(key, secret)", step)
	}
	return api, nil
}

// AuthCodeURL implements driver.Authorizer: Kaixin's OAuth 2.0 authorize
// URL https://api.kaixin001.com/oauth2/authorize with client_id,
// response_type=code, redirect_uri, scope (space-separated) and state, and
// any snskit.AuthParam (such as display). Kaixin takes no PKCE.
func (kaixin) AuthCodeURL(l driver.Login, state string, p *driver.AuthParams) (string, error) {
	if p.PKCE != nil {
		return "", errors.New("snskit: kaixin login does not take PKCE; leave snskit.WithPKCE out")
	}
	cfg, err := kaixinOAuth2Config(l)
	if err != nil {
		return "", err
	}
	var opts []oauth2.AuthCodeOption
	for k := range p.Extra {
		switch k {
		case "client_id", "redirect_uri", "response_type", "scope", "state":
			return "", fmt.Errorf("snskit: kaixin login: %s is set by the login itself; drop the AuthParam", k)
		}
		opts = append(opts, oauth2.SetAuthURLParam(k, p.Extra.Get(k)))
	}
	return cfg.AuthCodeURL(state, opts...), nil
}

// Exchange implements driver.Authorizer: a POST to
// https://api.kaixin001.com/oauth2/access_token with
// grant_type=authorization_code. Kaixin's errors are *snskit.Error values:
// invalid_grant (an unknown, used or expired code) is snskit.ErrBadParams,
// invalid_client snskit.ErrTokenInvalid.
func (kaixin) Exchange(ctx context.Context, l driver.Login, code string, p *driver.AuthParams) (*oauth2.Token, error) {
	if p.PKCE != nil {
		return nil, errors.New("snskit: kaixin login does not take PKCE; leave snskit.WithPKCE out")
	}
	cfg, err := kaixinOAuth2Config(l)
	if err != nil {
		return nil, err
	}
	var opts []oauth2.AuthCodeOption
	for k := range p.Extra {
		opts = append(opts, oauth2.SetAuthURLParam(k, p.Extra.Get(k)))
	}
	tok, err := cfg.Exchange(l.OAuth2Context(ctx), code, opts...)
	if err != nil {
		return nil, l.TokenError("access_token", err, kaixinOAuth2Class(snskit.ErrBadParams), code)
	}
	return tok, nil
}

// Refresh implements driver.Authorizer: grant_type=refresh_token at the same
// endpoint. A refused refresh token (invalid_grant) is
// snskit.ErrTokenInvalid: log in again.
func (kaixin) Refresh(ctx context.Context, l driver.Login, t *oauth2.Token) (*oauth2.Token, error) {
	cfg, err := kaixinOAuth2Config(l)
	if err != nil {
		return nil, err
	}
	tok, err := cfg.TokenSource(l.OAuth2Context(ctx), &oauth2.Token{RefreshToken: t.RefreshToken}).Token()
	if err != nil {
		return nil, l.TokenError("refresh_token", err, kaixinOAuth2Class(snskit.ErrTokenInvalid), t.RefreshToken)
	}
	return tok, nil
}

func kaixinOAuth2Config(l driver.Login) (*oauth2.Config, error) {
	return l.OAuth2Config(KaixinOAuth2URL+"authorize", KaixinOAuth2URL+"access_token", oauth2.AuthStyleInParams)
}

// kaixinOAuth2Class classifies the OAuth 2.0 error codes of Kaixin's token
// endpoint; invalidGrant is the class of invalid_grant, a bad code at the
// exchange and a dead refresh token at a refresh.
func kaixinOAuth2Class(invalidGrant snskit.Class) func(string) snskit.Class {
	return func(code string) snskit.Class {
		switch code {
		case "invalid_grant":
			return invalidGrant
		case "invalid_client", "unauthorized_client":
			return snskit.ErrTokenInvalid
		case "invalid_request", "unsupported_grant_type", "invalid_scope":
			return snskit.ErrBadParams
		case "access_denied":
			return snskit.ErrPermission
		}
		return snskit.ErrUnclassified
	}
}
