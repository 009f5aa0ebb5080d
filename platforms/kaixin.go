package platforms

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// Kaixin001 hosts. The service is gone upstream; its docs lived at
// http://wiki.open.kaixin001.com/ and the rules here come from them and from
// the official SDKs.
//
// Upstream, OAuth 1.0a calls used http://api.kaixin001.com/ and OAuth 2.0 and
// session-key calls used https://; only the scheme differed. KaixinAPIURL is
// https for every credential, and OAuth 1.0a signs the URL actually sent, so
// the signature always matches the request (snskit.WithBaseURL replaces the
// scheme and host anyway).
const (
	// KaixinAPIURL is the API root, for every credential.
	KaixinAPIURL = "https://api.kaixin001.com/"
	// KaixinOAuth1URL is the root of the OAuth 1.0a endpoints: request_token,
	// authorize, access_token.
	KaixinOAuth1URL = "http://api.kaixin001.com/oauth/"
	// KaixinOAuth2URL is the root of the OAuth 2.0 endpoints: authorize,
	// access_token (POST).
	KaixinOAuth2URL = "https://api.kaixin001.com/oauth2/"
)

// kaixinFileList names the multipart fields Kaixin takes files in, for
// error messages.
const kaixinFileList = "pic, image, attachment or attachment1 to attachment4"

// Kaixin returns the rules of the Kaixin001 API:
//
//   - https://api.kaixin001.com/<ns>/<m>.json, every name of the method a
//     path segment: friends.me -> /friends/me.json.
//   - GET when the last name is me or show or starts with get or list
//     (friends.me, users.show, comment.list); POST for add, delete, create,
//     upload, send and everything else (read methods outside the rule, such
//     as users.visitors, are sent with Call.WithVerb("GET")). A forced verb
//     wins. GET puts the parameters in the query, POST in a form body.
//   - Files go in a multipart POST under pic, image, attachment or
//     attachment1 to attachment4; another field is refused before sending.
//   - Credentials: auth.Token/auth.TokenSource -> access_token parameter (a
//     call's own access_token wins and needs no credential);
//     auth.OAuth1Token -> OAuth 1.0a HMAC-SHA1 (RFC 5849) over the URL
//     actually sent, with the oauth_* parameters in the query of a GET, in the
//     form body of a POST, and in an "Authorization: OAuth" header for a
//     multipart POST (whose body the signature does not cover);
//     auth.Session -> session_key and api_key (the app key of
//     snskit.WithApp).
//   - default encoding: numbers in decimal, slices comma-joined, bools as
//     true/false. Numbers in replies come as strings ("total": "12");
//     gjson's Int reads them.
//   - The reply is the result as is (friends.me gives
//     {"users": [...], "total": "N"}). An object with error_code (and error,
//     request) gives a *snskit.Error with Code = error_code, Message = error
//     and Detail = the object, whatever the HTTP status. A 4xx or 5xx reply
//     without one (an HTML page, an empty body) also gives a *snskit.Error,
//     with Code "http <status>". The class comes from error_code when it is
//     an HTTP status, else from the reply's status: 400 bad request
//     (ErrBadParams, or ErrRateLimited when the message speaks of a limit or
//     频率), 401 ErrTokenInvalid (ErrTokenExpired when it says expired or
//     过期), 403 ErrPermission, 404 ErrNotFound, 500, 502 (API closed or
//     upgrading) and other 5xx ErrServer. An HTML page or a broken body with
//     a 2xx status is a *snskit.ReplyError.
//
// The seed's friend list, in Go:
//
//	api, err := snskit.New(platforms.Kaixin(), snskit.WithAuth(auth.Token(tok)))
//	res, err := api.Method("friends.me").Do(snskit.Params{"fields": []string{"uid", "name", "logo50"}, "start": 0, "num": 20})
//	for _, u := range res.Get("users").Array() { fmt.Println(u.Get("uid").Int(), u.Get("name")) }
func Kaixin() snskit.Platform { return kaixin{cat: catalog.New(kaixinCatalogText)} }

type kaixin struct {
	cat *catalog.Catalog // the method catalog, parsed on first use
}

func (kaixin) Name() string        { return "kaixin" }
func (kaixin) Style() driver.Style { return driver.Style{} }

func (kaixin) Prepare(ctx context.Context, d *driver.Draft) error {
	for _, f := range d.Files {
		if !kaixinFileField(f.Field) {
			return d.Err("takes files in the %s parameter, not %q", kaixinFileList, f.Field)
		}
	}
	switch {
	case len(d.Files) > 0:
		d.Verb = http.MethodPost // the core refuses a forced GET with files
	case d.Verb == "":
		d.Verb = kaixinVerb(d.Segments)
	}
	if err := d.SetMethodURL(KaixinAPIURL, "/", ".json"); err != nil {
		return err
	}
	if tok := d.Values.Get("access_token"); tok != "" {
		d.Secret(tok)
		return nil
	}
	const want = "auth.Token, auth.OAuth1Token or auth.Session, or an access_token parameter"
	switch c := d.Auth.(type) {
	case nil:
		return d.MissingAuth(want)
	case *auth.OAuth2:
		tok, err := d.AccessToken(ctx, c)
		if err != nil {
			return d.Err("%w", err)
		}
		d.Secret(tok.AccessToken)
		d.Values.Set("access_token", tok.AccessToken)
		return nil
	case *auth.OAuth1:
		if c == nil {
			return d.MissingAuth(want)
		}
		return kaixinSign(d, c)
	case *auth.SessionKey:
		if c == nil || c.Key == "" {
			return d.Err("the session key is empty; pass the one Kaixin returned at login to auth.Session")
		}
		if d.AppID == "" && d.Values.Get("api_key") == "" {
			return d.Err("a session key goes with the app key as api_key; pass it with snskit.WithApp(appKey, appSecret)")
		}
		d.Secret(c.Key)
		d.Values.Set("session_key", c.Key)
		if !d.Values.Has("api_key") {
			d.Values.Set("api_key", d.AppID)
		}
		return nil
	default:
		return d.WrongAuth("an OAuth 2.0 token (auth.Token), an OAuth 1.0a token (auth.OAuth1Token) or a session key (auth.Session)")
	}
}

// kaixinVerb picks the verb of a method from its last name.
func kaixinVerb(segs []string) string {
	if len(segs) == 0 {
		return http.MethodPost
	}
	last := strings.ToLower(segs[len(segs)-1])
	if last == "me" || last == "show" || strings.HasPrefix(last, "get") || strings.HasPrefix(last, "list") {
		return http.MethodGet
	}
	return http.MethodPost // add, delete, create, upload, send and the rest
}

// kaixinFileField reports whether Kaixin takes a file in field. The
// attachment1 to attachment4 fields carry the extra files of message.send and
// message.reply (official PHP SDK).
func kaixinFileField(field string) bool {
	switch field {
	case "pic", "image", "attachment", "attachment1", "attachment2", "attachment3", "attachment4":
		return true
	}
	return false
}

// kaixinSign signs d with OAuth 1.0a. The signature covers the URL as sent
// (from d.Endpoint, so a base URL is signed as such), its query, and a
// form-urlencoded body; a multipart body is not covered (RFC 5849 3.4.1.3),
// and its oauth_* parameters travel in the Authorization header.
func kaixinSign(d *driver.Draft, c *auth.OAuth1) error {
	if c.ConsumerKey == "" || c.Token == "" {
		return d.Err("the OAuth 1.0a credential needs a consumer key and an access token; build it with auth.OAuth1Token(consumerKey, consumerSecret, token, tokenSecret)")
	}
	for k := range d.Values {
		if strings.HasPrefix(k, "oauth_") {
			return d.Err("parameter %q is set by the OAuth 1.0a signature; leave it out", k)
		}
	}
	d.Secret(c.Token, c.TokenSecret, c.ConsumerSecret)
	u := *d.URL
	u.RawQuery = d.Query.Encode()
	multipart := len(d.Files) > 0
	covered := d.Values // the query of a GET or the form body of a POST
	if multipart {
		covered = nil
	}
	oauth := c.Sign(d.Verb, &u, covered, d.Now().Unix(), d.Nonce(), nil)
	d.Secret(oauth.Get("oauth_signature"))
	if multipart {
		d.Header.Set("Authorization", auth.AuthorizationHeader(oauth))
		return nil
	}
	for k, v := range oauth {
		d.Values[k] = v
	}
	return nil
}

func (kaixin) Decode(r *snskit.Response) (gjson.Result, error) {
	var env [1]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"error_code"}, env[:])
	failed := r.StatusCode >= 400
	if err != nil {
		if failed {
			return gjson.Result{}, kaixinError(r, gjson.Result{})
		}
		return gjson.Result{}, err
	}
	if doc.IsObject() {
		if c := env[0]; c.Exists() && c.String() != "" && c.String() != "0" {
			return gjson.Result{}, kaixinError(r, doc)
		}
	}
	if failed {
		return gjson.Result{}, kaixinError(r, doc)
	}
	return doc, nil
}

// kaixinError builds the error of a reply: from its error object when doc
// is one, from its HTTP status otherwise.
func kaixinError(r *snskit.Response, doc gjson.Result) *snskit.Error {
	code := doc.Get("error_code").String()
	if code == "" {
		code = "http " + strconv.Itoa(r.StatusCode)
	}
	// said is what the platform said; the class is read from it alone, not
	// from the status texts below ("bad request or rate limit").
	said := doc.Get("error").String()
	if said == "" {
		said = doc.Get("error_description").String()
	}
	msg := said
	if said == "" {
		msg = kaixinStatusText(r.StatusCode)
		if !doc.Exists() {
			if said = kaixinSnippet(r.MaskedBody(), 80); said != "" {
				msg += ": " + said
			}
		}
	}
	return &snskit.Error{
		Platform:   "kaixin",
		Method:     r.Method,
		Code:       code,
		Message:    msg,
		HTTPStatus: r.StatusCode,
		Class:      kaixinClass(code, r.StatusCode, said),
		Detail:     doc,
	}
}

// kaixinClass maps an error to a class. Kaixin documents its errors as HTTP
// statuses; an error_code that is one (400..599) is read as such, any other
// code falls back to the reply's status.
func kaixinClass(code string, status int, msg string) snskit.Class {
	if n, err := strconv.Atoi(code); err == nil && n >= 400 && n < 600 {
		status = n
	}
	lower := strings.ToLower(msg)
	limit := strings.Contains(lower, "limit") || strings.Contains(msg, "频率")
	switch status {
	case 400: // bad request or rate limit
		if limit {
			return snskit.ErrRateLimited
		}
		return snskit.ErrBadParams
	case 401: // not authenticated
		if strings.Contains(lower, "expired") || strings.Contains(msg, "过期") {
			return snskit.ErrTokenExpired
		}
		return snskit.ErrTokenInvalid
	case 403: // no permission
		return snskit.ErrPermission
	case 404: // no such resource
		return snskit.ErrNotFound
	case 429:
		return snskit.ErrRateLimited
	}
	switch {
	case status >= 500 && status < 600: // 500 server error, 502 API closed or upgrading
		return snskit.ErrServer
	case limit:
		return snskit.ErrRateLimited
	}
	return snskit.ErrUnclassified
}

// kaixinStatusText says what Kaixin means by an HTTP status.
func kaixinStatusText(status int) string {
	switch status {
	case 400:
		return "bad request or rate limit"
	case 401:
		return "not authenticated"
	case 403:
		return "no permission"
	case 404:
		return "no such resource"
	case 500:
		return "server error"
	case 502:
		return "api closed or upgrading"
	}
	if t := http.StatusText(status); t != "" {
		return strings.ToLower(t)
	}
	return "http error"
}

// kaixinSnippet returns the title of an HTML page, or the start of any other
// body, at most n bytes, for the message of an error without a JSON body.
func kaixinSnippet(body string, n int) string {
	s := strings.TrimSpace(body)
	// Lower ASCII letters only, so that indexes into lower are indexes into s
	// (strings.ToLower may change the length of non-ASCII text).
	lower := []byte(s)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	title := false
	if i := strings.Index(string(lower), "<title>"); i >= 0 {
		start := i + len("<title>")
		if j := strings.Index(string(lower[start:]), "</title>"); j >= 0 {
			s, title = s[start:start+j], true
		}
	}
	if !title && strings.HasPrefix(s, "<") {
		return "" // markup without a title says nothing useful
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
