package platforms

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// QQGraphURL is the QQ Connect (QQ互联) host of the OpenAPI
// (/user/get_user_info) and of OAuth 2.0 (/oauth2.0/authorize, /token,
// /me). Docs: https://wiki.connect.qq.com/api列表 and
// https://wiki.connect.qq.com/公共返回码说明
const QQGraphURL = "https://graph.qq.com"

// qqMaxOpenIDs bounds a QQ value's openid cache; it is emptied when full.
const qqMaxOpenIDs = 1024

// QQ returns the rules of the QQ Connect OpenAPI:
//
//   - https://graph.qq.com/<ns>/<m>, all segments joined by "/":
//     user.get_user_info -> /user/get_user_info.
//   - GET when the method's last name starts with get_, list_ or check_,
//     POST for the rest (a forced verb wins). GET sends every parameter in
//     the query; POST sends them, access_token included, in the form body,
//     or as multipart fields beside a file.
//   - Common parameters: access_token (a call's own wins, else the
//     *auth.OAuth2 credential), oauth_consumer_key (the app id of
//     snskit.WithApp; a call's own wins), openid and format=json (unless the
//     call sets format).
//   - openid is the call's parameter, else the credential's
//     (auth.Token(t).WithOpenID(id) or the token's "openid" field), else it
//     is looked up once per access token through
//     GET https://graph.qq.com/oauth2.0/me and cached in the QQ value (so
//     keep one QQ value per app). A dry run (Call.Request) sends nothing: without
//     a known openid it is refused with a *snskit.CallError saying to pass one.
//   - Uploads are multipart: photo.upload_pic takes its file in "picture",
//     t.add_pic_t in "pic".
//   - Replies are JSON served as text/html. A ret other than 0 is a
//     *snskit.Error with Code the ret and Message the msg; an "error" key
//     (OAuth errors) gives Code the error and Message the
//     error_description. Detail is the whole reply; on success the result
//     is the whole reply too (ret 0 included).
//
// Error classes: the OAuth codes 100000-100031 as QQ documents them; 1002
// "请先登录" is a missing or unusable token. Unverified (from Tencent's
// open-platform rules, one source): ret -50..-1 means the request failed the
// gateway's checks (ErrBadParams), ret below -50 a Tencent-side failure
// (ErrServer); Tencent Weibo replies (those with an errcode) use ret 1
// parameters, 2 rate limit, 3 authentication, 4 server error.
//
// Examples:
//
//	api, _ := snskit.New(platforms.QQ(), snskit.WithApp(appID, appKey), snskit.WithAuth(auth.Token(tok)))
//	user, err := api.Method("user.get_user_info").Do(nil)
//	fmt.Println(user.Get("nickname"), user.Get("figureurl_qq_2"))
//	f, _ := os.Open("cat.jpg")
//	defer f.Close()
//	pic, err := api.Method("photo.upload_pic").Do(snskit.Params{
//		"picture": snskit.Upload("cat.jpg", f), "photodesc": "喵",
//	})
func QQ() snskit.Platform {
	return &qq{openIDs: make(map[[sha256.Size]byte]string), pending: make(map[[sha256.Size]byte]*qqLookup),
		cat: catalog.New(qqCatalogText)}
}

// qq holds the openid cache, keyed by a hash of the /me URL and the access
// token, so that the cache holds no token and %v of a QQ value shows none.
type qq struct {
	mu      sync.Mutex
	openIDs map[[sha256.Size]byte]string
	pending map[[sha256.Size]byte]*qqLookup
	cat     *catalog.Catalog // the method catalog, parsed on first use
}

// qqLookup is an /oauth2.0/me request in flight; done is closed when id or
// err is set.
type qqLookup struct {
	done chan struct{}
	id   string
	err  error
}

func (*qq) Name() string        { return "qq" }
func (*qq) Style() driver.Style { return driver.Style{} }

func (q *qq) Prepare(ctx context.Context, d *driver.Draft) error {
	if d.Verb == "" {
		d.Verb = http.MethodPost
		if last := d.Segments[len(d.Segments)-1]; strings.HasPrefix(last, "get_") ||
			strings.HasPrefix(last, "list_") || strings.HasPrefix(last, "check_") {
			d.Verb = http.MethodGet
		}
	}
	err := d.SetMethodURL(QQGraphURL+"/", "/", "")
	if err != nil {
		return err
	}
	switch d.Method {
	case "photo.upload_pic":
		err = d.CheckFileFields("picture")
	case "t.add_pic_t":
		err = d.CheckFileFields("pic")
	}
	if err != nil {
		return err
	}
	if d.Values.Get("oauth_consumer_key") == "" {
		if d.AppID == "" {
			return d.Err("needs the app id as oauth_consumer_key; pass it with snskit.WithApp(appID, appKey)")
		}
		d.Values.Set("oauth_consumer_key", d.AppID)
	}
	if d.Values.Get("format") == "" {
		d.Values.Set("format", "json")
	}
	openID := d.Values.Get("openid")
	tok := d.Values.Get("access_token")
	if tok == "" {
		switch c := d.Auth.(type) {
		case nil:
			return d.MissingAuth("auth.Token or auth.TokenSource, or an access_token parameter")
		case *auth.OAuth2:
			t, err := d.AccessToken(ctx, c)
			if err != nil {
				return d.Err("%w", err)
			}
			tok = t.AccessToken
			d.Values.Set("access_token", tok)
			if openID == "" {
				openID = c.OpenID(t)
			}
		default:
			return d.WrongAuth("an OAuth 2.0 access token (auth.Token)")
		}
	}
	d.Secret(tok)
	if openID == "" {
		if openID, err = q.openID(ctx, d, tok); err != nil {
			return err
		}
	}
	d.Values.Set("openid", openID)
	return nil
}

// openID returns the openid of tok from the cache, or looks it up through
// /oauth2.0/me. Concurrent first calls with one token share one lookup; if
// that lookup is cancelled by its caller's context, a waiter whose own
// context is alive tries again.
func (q *qq) openID(ctx context.Context, d *driver.Draft, tok string) (string, error) {
	me, err := d.Endpoint(QQGraphURL + "/oauth2.0/me")
	if err != nil {
		return "", err
	}
	key := sha256.Sum256([]byte(me.String() + "\x00" + tok))
	if d.DryRun { // a dry run sends nothing: the cache or an error
		q.mu.Lock()
		id, ok := q.openIDs[key]
		q.mu.Unlock()
		if !ok {
			return "", d.Err("a dry run sends nothing, and the openid of this token is not known yet: pass it with auth.Token(t).WithOpenID(id), an openid parameter, or snskit call -openid")
		}
		return id, nil
	}
	for {
		q.mu.Lock()
		if id, ok := q.openIDs[key]; ok {
			q.mu.Unlock()
			return id, nil
		}
		l, waiting := q.pending[key]
		if !waiting {
			l = &qqLookup{done: make(chan struct{})}
			q.pending[key] = l
		}
		q.mu.Unlock()
		if !waiting {
			l.id, l.err = qqFetchOpenID(ctx, d, me, tok)
			q.mu.Lock()
			delete(q.pending, key)
			if l.err == nil {
				if len(q.openIDs) >= qqMaxOpenIDs {
					clear(q.openIDs)
				}
				q.openIDs[key] = l.id
			}
			q.mu.Unlock()
			close(l.done)
			return l.id, l.err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-l.done:
		}
		if l.err == nil {
			return l.id, nil
		}
		if !errors.Is(l.err, context.Canceled) && !errors.Is(l.err, context.DeadlineExceeded) {
			return "", l.err
		}
	}
}

// qqFetchOpenID asks /oauth2.0/me (URL me) for the openid of tok.
func qqFetchOpenID(ctx context.Context, d *driver.Draft, me *url.URL, tok string) (string, error) {
	id, _, err := qqFetchMe(ctx, me, tok, false, func(req *http.Request) (*snskit.Response, error) {
		return d.Fetch(ctx, req)
	})
	return id, err
}

// qqFetchMe asks /oauth2.0/me (URL me) for the openid of tok and, with
// unionID, its unionid; send sends the request (Draft.Fetch for calls,
// driver.Login.Send for the login). The answer is JSONP; errors come wrapped the
// same way and give a *snskit.Error.
func qqFetchMe(ctx context.Context, me *url.URL, tok string, unionID bool, send func(*http.Request) (*snskit.Response, error)) (openid, unionid string, err error) {
	u := *me
	q := url.Values{"access_token": {tok}}
	if unionID {
		q.Set("unionid", "1")
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", "", errors.New("snskit: qq: building the openid lookup: " + driver.Redact(err.Error(), []string{tok}))
	}
	r, err := send(req)
	if err != nil {
		return "", "", err
	}
	doc, env, err := qqParse(r)
	if err != nil {
		return "", "", err
	}
	if e := qqError(r, doc, &env); e != nil {
		return "", "", e
	}
	openid = doc.Get("openid").String()
	if openid == "" {
		return "", "", r.BadReply("QQ's /oauth2.0/me reply has no openid")
	}
	return openid, doc.Get("unionid").String(), nil
}

func (*qq) Decode(r *snskit.Response) (gjson.Result, error) {
	doc, env, err := qqParse(r)
	if err != nil {
		return gjson.Result{}, err
	}
	if e := qqError(r, doc, &env); e != nil {
		return gjson.Result{}, e
	}
	if r.StatusCode >= 300 {
		return gjson.Result{}, r.BadReply("QQ answered an HTTP error without ret or error")
	}
	return doc, nil
}

// qqEnvelope is the members of a QQ reply that say whether it failed: an
// OAuth-style error, or ret (with errcode in Tencent Weibo's replies).
type qqEnvelope [5]gjson.Result

// qqParse parses a QQ reply (JSON or JSONP), reading its qqEnvelope in the
// same pass.
func qqParse(r *snskit.Response) (gjson.Result, qqEnvelope, error) {
	var env qqEnvelope
	doc, err := driver.ParseJSONFields(r, []string{"error", "error_description", "ret", "msg", "errcode"}, env[:])
	return doc, env, err
}

// qqError returns the error of a reply that has a nonzero ret or an
// "error" key, or nil.
func qqError(r *snskit.Response, doc gjson.Result, env *qqEnvelope) *snskit.Error {
	e, msg := env[0], env[1].String()
	if e.Type == gjson.Null {
		e, msg = env[2], env[3].String()
	}
	code := strings.TrimSpace(e.String())
	if e.Type == gjson.Null || code == "0" {
		return nil
	}
	class := snskit.ErrUnclassified
	if n, err := strconv.ParseInt(code, 10, 64); err == nil {
		class = qqClass(n, env[4].Exists())
	}
	return &snskit.Error{
		Platform:   "qq",
		Method:     r.Method,
		Code:       code,
		Message:    msg,
		HTTPStatus: r.StatusCode,
		Class:      class,
		Detail:     doc,
	}
}

// qqClass maps QQ's return codes to classes. weibo is true for Tencent
// Weibo replies, which carry an errcode beside ret.
func qqClass(code int64, weibo bool) snskit.Class {
	switch code {
	case 100007, 100013, 100015, 100016, 1002: // missing, invalid, revoked, failed-check token; "请先登录"
		return snskit.ErrTokenInvalid
	case 100014: // access token expired
		return snskit.ErrTokenExpired
	case 100030, 100031: // scope not granted by the user; app lacks the API permission
		return snskit.ErrPermission
	case 100000, 100001, 100002, 100003, 100004, 100005, 100006, 100008, 100009, 100010, 100012, 100019, 100020, 100029:
		// missing or invalid response_type, client_id, client_secret, Authorization,
		// grant_type, code, refresh_token; unknown appid; bad appkey; bad redirect_uri;
		// not POST; code refused (wrong or expired); code reused; wrong HTTP request
		return snskit.ErrBadParams
	}
	if weibo { // (unverified)
		switch code {
		case 1:
			return snskit.ErrBadParams
		case 2:
			return snskit.ErrRateLimited
		case 3:
			return snskit.ErrTokenInvalid
		case 4:
			return snskit.ErrServer
		}
	}
	switch {
	case code < -50: // (unverified) Tencent-side failure
		return snskit.ErrServer
	case code < 0: // (unverified) the request failed the gateway's checks
		return snskit.ErrBadParams
	}
	return snskit.ErrUnclassified
}
