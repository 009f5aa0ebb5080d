package platforms

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
)

// VK's implicit flow and community tokens. Docs:
// https://dev.vk.com/ru/api/access-token/implicit-flow-user and
// https://dev.vk.com/ru/api/access-token/implicit-flow-community.

// VKImplicitURL returns the authorize URL of VK's implicit flow
// (response_type=token) for login's application, redirect URL and scopes:
// the token comes back in the redirect's fragment, to be read with
// ParseVKRedirect. With groupIDs it asks for community tokens
// (group_ids=1,2), one per community, instead of a user token; the scopes
// are then community rights (manage, messages, photos, docs, stories).
// Apps without a site use VK's page https://oauth.vk.ru/blank.html as the
// redirect URL.
func VKImplicitURL(login *snskit.Login, state string, groupIDs ...int64) (string, error) {
	if login == nil {
		return "", fmt.Errorf("snskit: vk implicit flow: nil login; build one with api.Login(redirectURL, scopes...)")
	}
	if ok := isVK(login.API().Platform()); !ok {
		return "", fmt.Errorf("snskit: vk implicit flow: the login is for %s; build it from a platforms.VK() client", login.API().Platform().Name())
	}
	if state == "" {
		return "", fmt.Errorf("snskit: vk implicit flow: an empty state; pass auth.NewState() and keep it to check the redirect")
	}
	u, err := login.Driver().Endpoint(VKOAuthURL + "/authorize")
	if err != nil {
		return "", err
	}
	q := url.Values{
		"client_id":     {login.Driver().AppID()},
		"redirect_uri":  {login.RedirectURL()},
		"display":       {"page"},
		"response_type": {"token"},
		"v":             {vkVersion(login.API())},
		"state":         {state},
	}
	if s := vkScope(login.Scopes()); s != "" {
		q.Set("scope", s)
	}
	if len(groupIDs) > 0 {
		ids := make([]string, len(groupIDs))
		for i, g := range groupIDs {
			if g <= 0 {
				return "", fmt.Errorf("snskit: vk implicit flow: group id %d: want a community's positive id (without the minus of owner ids)", g)
			}
			ids[i] = strconv.FormatInt(g, 10)
		}
		q.Set("group_ids", strings.Join(ids, ","))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// VKImplicitResult is what the redirect of VK's implicit flow brought.
type VKImplicitResult struct {
	// User is the user token (nil when community tokens were asked for).
	// Its Extra holds user_id and, with the email scope, email.
	User *oauth2.Token
	// Communities holds a token per community id (access_token_<gid>).
	// Their Extra holds group_id.
	Communities map[int64]*oauth2.Token
	// State is the state the redirect carries: check it with
	// auth.CheckState before using the tokens.
	State string
}

// CommunityAuth returns a credential that gives each call the token of its
// group_id parameter, or of defaultGroup when the call sets none (0: calls
// must name their community, unless there is only one); see VKCommunity.
func (r *VKImplicitResult) CommunityAuth(defaultGroup int64) auth.Credential {
	tokens := make(map[int64]string, len(r.Communities))
	for gid, t := range r.Communities {
		tokens[gid] = t.AccessToken
	}
	return VKCommunity(tokens, defaultGroup)
}

// ParseVKRedirect reads the address VK's implicit flow redirected the
// browser to: its fragment holds access_token, expires_in, user_id (and
// email), or access_token_<gid> per community, and state. An error
// redirect (#error=access_denied&error_description=...) gives a
// *snskit.Error (access_denied is snskit.ErrPermission). Token expiries are
// counted from time.Now (ParseVKRedirectAt takes the time, such as the
// client's api.Driver().Now()); expires_in 0 means the token never expires.
func ParseVKRedirect(redirect string) (*VKImplicitResult, error) {
	return ParseVKRedirectAt(redirect, time.Now())
}

// ParseVKRedirectAt is ParseVKRedirect with token expiries counted from now.
func ParseVKRedirectAt(redirect string, now time.Time) (*VKImplicitResult, error) {
	u, err := url.Parse(strings.TrimSpace(redirect))
	if err != nil {
		return nil, fmt.Errorf("snskit: vk implicit flow: the redirect is not a URL; pass the whole address the browser landed on")
	}
	raw := u.EscapedFragment()
	if raw == "" {
		raw = u.RawQuery // VK reports some errors in the query
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("snskit: vk implicit flow: the redirect's fragment is not urlencoded")
	}
	if code := vals.Get("error"); code != "" {
		return nil, &snskit.Error{Platform: "vk", Method: "authorize", Code: code,
			Message: vals.Get("error_description"), Class: vkOAuthClass(code)}
	}
	var expiry time.Time
	secs, err := strconv.ParseInt(vals.Get("expires_in"), 10, 64)
	if vals.Has("expires_in") && (err != nil || secs < 0) {
		return nil, fmt.Errorf("snskit: vk implicit flow: expires_in %q is not a number of seconds", vals.Get("expires_in"))
	}
	if secs > 0 {
		expiry = now.Add(time.Duration(secs) * time.Second)
	}
	res := &VKImplicitResult{State: vals.Get("state"), Communities: map[int64]*oauth2.Token{}}
	if at := vals.Get("access_token"); at != "" {
		extra := map[string]any{"expires_in": vals.Get("expires_in")}
		for _, k := range []string{"user_id", "email"} {
			if vals.Has(k) {
				extra[k] = vals.Get(k)
			}
		}
		res.User = (&oauth2.Token{AccessToken: at, TokenType: "Bearer", Expiry: expiry, ExpiresIn: secs}).WithExtra(extra)
	}
	for k := range vals {
		gid, ok := strings.CutPrefix(k, "access_token_")
		if !ok || vals.Get(k) == "" {
			continue
		}
		id, err := strconv.ParseInt(gid, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("snskit: vk implicit flow: %q does not name a community", k)
		}
		res.Communities[id] = (&oauth2.Token{AccessToken: vals.Get(k), TokenType: "Bearer", Expiry: expiry, ExpiresIn: secs}).
			WithExtra(map[string]any{"group_id": id})
	}
	if res.User == nil && len(res.Communities) == 0 {
		return nil, fmt.Errorf("snskit: vk implicit flow: the redirect carries no access token; pass the whole address the browser landed on, fragment included")
	}
	return res, nil
}

// VKCommunity returns a credential of community tokens (the seed's
// CommunityAPI): each call carries the token of its group_id parameter, or
// of defaultGroup when it sets none. defaultGroup 0 picks the only
// community when there is one; with several, calls must then set group_id.
// A call naming a community without a token is refused before sending, with
// an error that lists the communities that have one. group_id is still sent,
// as many methods need it.
func VKCommunity(tokens map[int64]string, defaultGroup int64) auth.Credential {
	m := make(map[string]*auth.OAuth2, len(tokens))
	for gid, t := range tokens {
		m[strconv.FormatInt(gid, 10)] = auth.Token(t)
	}
	def := ""
	switch {
	case defaultGroup != 0:
		def = strconv.FormatInt(defaultGroup, 10)
	case len(tokens) == 1:
		for k := range m {
			def = k
		}
	}
	return auth.ByParam("group_id", m, def)
}

// VKCommunityExchange trades a code for community tokens: the code of an
// authorize URL that asked for them (login.AuthCodeURL(state,
// snskit.AuthParam("group_ids", "1,2"))). VK answers with a token per
// community, which never expire.
func VKCommunityExchange(ctx context.Context, login *snskit.Login, code string) (map[int64]*oauth2.Token, error) {
	if login == nil || code == "" {
		return nil, fmt.Errorf("snskit: vk community exchange: needs the login and the code of the redirect")
	}
	if ok := isVK(login.API().Platform()); !ok {
		return nil, fmt.Errorf("snskit: vk community exchange: the login is for %s", login.API().Platform().Name())
	}
	if ctx == nil {
		ctx = context.Background()
	}
	form := url.Values{"client_id": {login.Driver().AppID()}, "client_secret": {login.Driver().AppSecret()},
		"redirect_uri": {login.RedirectURL()}, "code": {code}}
	doc, err := vkTokenRequest(ctx, login.API().Driver(), VKOAuthURL+"/access_token", "access_token", form, code)
	if err != nil {
		return nil, err
	}
	out := map[int64]*oauth2.Token{}
	add := func(gid int64, tok string) {
		if gid > 0 && tok != "" {
			out[gid] = (&oauth2.Token{AccessToken: tok, TokenType: "Bearer"}).WithExtra(map[string]any{"group_id": gid})
		}
	}
	for _, g := range doc.Get("groups").Array() { // {"groups":[{"group_id":1,"access_token":".."}]}
		add(g.Get("group_id").Int(), g.Get("access_token").String())
	}
	doc.ForEach(func(k, v gjson.Result) bool { // older answers: {"access_token_1":".."}
		if gid, ok := strings.CutPrefix(k.String(), "access_token_"); ok {
			n, _ := strconv.ParseInt(gid, 10, 64)
			add(n, v.String())
		}
		return true
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("snskit: vk community exchange: the answer holds no community token; was group_ids in the authorize URL?")
	}
	return out, nil
}

// vkTokenRequest POSTs form to one of VK's OAuth endpoints and returns its
// JSON answer, or VK's error as a *snskit.Error classified by vkOAuthClass,
// with the app secret and secrets masked.
func vkTokenRequest(ctx context.Context, c driver.Client, endpoint, step string, form url.Values, secrets ...string) (gjson.Result, error) {
	u, err := c.Endpoint(endpoint)
	if err != nil {
		return gjson.Result{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return gjson.Result{}, fmt.Errorf("snskit: vk %s: %v", step, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := c.Send(ctx, req, step, secrets...)
	if err != nil {
		return gjson.Result{}, err
	}
	doc, err := driver.ParseJSON(r)
	if err != nil {
		return gjson.Result{}, dropSnippet(err)
	}
	if code := doc.Get("error").String(); code != "" {
		return doc, &snskit.Error{Platform: "vk", Method: step, Code: code,
			Message:    driver.Redact(doc.Get("error_description").String(), append(secrets, c.AppSecret())),
			HTTPStatus: r.StatusCode, Class: vkOAuthClass(code), Detail: doc}
	}
	if r.StatusCode >= 400 {
		return doc, dropSnippet(r.BadReply("VK's OAuth answered an error status without an error code"))
	}
	return doc, nil
}
