package platforms

import (
	"context"
	"net/http"
	"strings"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/tidwall/gjson"
)

// Renren API 2.0 hosts. Docs: http://open.renren.com/wiki/API2 (offline
// upstream; web archives and the renrenpy SDK are the remaining references).
const (
	// RenrenAPIURL is the root of API 2.0 methods: user.friend.list is
	// https://api.renren.com/v2/user/friend/list.
	RenrenAPIURL = "https://api.renren.com/v2/"
	// RenrenGraphURL is the OAuth 2.0 host (/oauth/authorize, /oauth/token)
	// shared by API 2.0 and API 1.0.
	RenrenGraphURL = "https://graph.renren.com"
)

// Renren returns the rules of the Renren API 2.0:
//
//   - https://api.renren.com/v2/<segments joined by '/'>:
//     api.NS("user").NS("friend").M("list") is /v2/user/friend/list.
//   - GET when a segment contains get, list or batch (parameters in the
//     query); POST when it contains upload, as multipart with the file in
//     the "file" field (photo.upload); POST form otherwise. A verb forced
//     with Call.WithVerb wins; a call with files is always a multipart POST.
//   - the token goes in an "Authorization: Bearer" header, never in the
//     query or body; a call's own access_token parameter is moved there and
//     wins over the client's credential. Only OAuth 2.0 bearer tokens
//     (auth.Token, auth.TokenSource) are taken; MAC tokens are not.
//   - bools as true/false.
//   - {"response": X} gives X; {"error": {"code": "<type>.<CODE>",
//     "message"}} gives a *snskit.Error whose Code is the whole string and
//     whose Detail is the error object, classified by CODE (then by type and
//     HTTP status). Errors come with 4xx statuses too; a body that is not
//     JSON (a 502 page) is a *snskit.ReplyError.
//
// The calls of the seed (renrenpy's client.user.get(userId=...) and so on):
//
//	api, err := snskit.New(platforms.Renren(), snskit.WithAuth(auth.Token(accessToken)))
//	user, err := api.NS("user").M("get").Do(snskit.Params{"userId": "262156164"})
//	_, err = api.NS("status").M("put").Do(snskit.Params{"content": "test"})
//	f, err := os.Open("test.png")
//	photo, err := api.NS("photo").M("upload").Do(snskit.Params{"file": snskit.Upload("test.png", f)})
func Renren() snskit.Platform { return renren{cat: catalog.New(renrenCatalogText)} }

type renren struct {
	cat *catalog.Catalog // the method catalog, parsed on first use
}

func (renren) Name() string        { return "renren" }
func (renren) Style() driver.Style { return driver.Style{} }

func (renren) Prepare(ctx context.Context, d *driver.Draft) error {
	if err := d.SetMethodURL(RenrenAPIURL, "/", ""); err != nil {
		return err
	}
	if d.PathContains("upload") {
		if len(d.Files) == 0 {
			return d.Err("uploads take their file in the \"file\" parameter: pass snskit.Upload(name, reader)")
		}
		if err := d.CheckFileFields("file"); err != nil {
			return err
		}
	}
	switch {
	case d.Verb != "": // forced by the caller
	case len(d.Files) > 0:
		d.Verb = http.MethodPost
	case d.PathContains("get", "list", "batch"):
		d.Verb = http.MethodGet
	default: // upload and every other method
		d.Verb = http.MethodPost
	}

	tok := d.Values.Get("access_token")
	d.Values.Del("access_token") // never in the query or body
	if tok == "" {
		switch c := d.Auth.(type) {
		case nil:
			return d.MissingAuth("auth.Token or auth.TokenSource, or an access_token parameter")
		case *auth.OAuth2:
			t, err := d.AccessToken(ctx, c)
			if err != nil {
				return d.Err("%w", err)
			}
			if strings.EqualFold(t.TokenType, "mac") {
				return d.Err("MAC tokens are not supported; ask Renren for a bearer token (token_type=bearer)")
			}
			tok = t.AccessToken
		default:
			return d.WrongAuth("an OAuth 2.0 access token (auth.Token); session keys work with Renren API 1.0 (platforms.Renren1)")
		}
	}
	d.Secret(tok)
	d.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

func (renren) Decode(r *snskit.Response) (gjson.Result, error) {
	// One pass over the reply checks it and finds the envelope's members.
	var env [3]gjson.Result
	doc, err := driver.ParseJSONFields(r, []string{"response", "error", "error_description"}, env[:])
	if err != nil {
		return gjson.Result{}, err
	}
	res, e := env[0], env[1]
	if e.Exists() {
		switch {
		case e.IsObject():
			return gjson.Result{}, renrenError(r, e, e.Get("code").String(), e.Get("message").String())
		case e.Type == gjson.String: // OAuth 2.0 style: {"error": "invalid_token", "error_description"}
			return gjson.Result{}, renrenError(r, doc, e.String(), env[2].String())
		}
		return gjson.Result{}, r.BadReply("Renren error that is neither an object nor a string")
	}
	if !res.Exists() {
		return gjson.Result{}, r.BadReply(`Renren reply has neither "response" nor "error"`)
	}
	return res, nil
}

func renrenError(r *snskit.Response, detail gjson.Result, code, msg string) *snskit.Error {
	return &snskit.Error{
		Platform:   "renren",
		Method:     r.Method,
		Code:       code,
		Message:    msg,
		HTTPStatus: r.StatusCode,
		Class:      renrenClass(code, r.StatusCode),
		Detail:     detail,
	}
}

// renrenClass maps a Renren 2.0 error code "<type>.<CODE>" to a class by its
// CODE, then by its type, then by the HTTP status. Renren writes its codes
// with '-' or '_' (INVALID-TOKEN, USER_NOT_EXIST) and sometimes both for one
// code, so both are read as '_'. The codes come from Renren's 2.0 error page
// as client SDKs copied it (ErrorCode lists of Python clients); the type and
// status fallbacks are our own reading (unverified).
func renrenClass(code string, status int) snskit.Class {
	typ, name := "", code
	if i := strings.LastIndexByte(code, '.'); i >= 0 {
		typ, name = code[:i], code[i+1:]
	}
	name = strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	switch name {
	case "INVALID_TOKEN", "INVALID_AUTHORIZATION_PARAMETERS":
		return snskit.ErrTokenInvalid
	case "EXPIRED_TOKEN":
		return snskit.ErrTokenExpired
	case "PERMISSION_NEED", "NO_RIGHT", "NO_RIGHT_CALL_THIS_METHOD", "NO_RIGHT_CALL_THIS_METHOD_DEEPER",
		"ILLEGAL_TESTER", "LOGIN_USER_FREEZE", "LOGIN_USER_BANNED", "LOGIN_USER_SUICIDE",
		"INSUFFICIENT_SCOPE": // the last: OAuth 2.0 (RFC 6750) style
		return snskit.ErrPermission
	case "APP_OVER_INVOCATION_LIMIT":
		return snskit.ErrRateLimited
	case "SERVICE_BUSY", "SERVICE_UNAVAILABLE", "SERVICE_EXECUTION_TIMEOUT", "METHOD_WAS_CLOSED",
		"UNKNOW", "UNKNOWN", "INTERNAL_ERROR":
		return snskit.ErrServer
	case "USER_NOT_EXIST", "ENTRY_NOT_EXIST", "NO_SUCH_METHOD", "NO_SUCH_MEHTOD": // sic: Renren's spelling
		return snskit.ErrNotFound
	case "INVALID_REQUEST_PARAMETERS", "PARAM_MISSING", "PARAMETER_MISSING", "INVALID_PARAM", "INVALID_PARAMETER",
		"UPLOAD_FILE_SIZE_EXCEED_LIMIT", "REQUST_METHOD_NOT_SUPPORT", "REQUEST_METHOD_NOT_SUPPORT",
		"INVALID_SIGNATURE", "EXPIRED_TIMESTAMP", "ALREADY_USED_NONCE", // MAC token signing
		"INVALID_REQUEST": // OAuth 2.0 (RFC 6750) style
		return snskit.ErrBadParams
	}
	switch {
	case strings.Contains(name, "PARAM"):
		return snskit.ErrBadParams
	case strings.HasSuffix(name, "NOT_EXIST"):
		return snskit.ErrNotFound
	}
	switch strings.ToLower(typ) {
	case "invalid_authorization":
		return snskit.ErrTokenInvalid
	case "forbidden":
		return snskit.ErrPermission
	case "service_unavailable", "internal_error":
		return snskit.ErrServer
	case "invalid_request":
		return snskit.ErrBadParams
	}
	switch {
	case status == http.StatusUnauthorized:
		return snskit.ErrTokenInvalid
	case status == http.StatusForbidden:
		return snskit.ErrPermission
	case status == http.StatusNotFound:
		return snskit.ErrNotFound
	case status == http.StatusTooManyRequests:
		return snskit.ErrRateLimited
	case status >= 500:
		return snskit.ErrServer
	case status == http.StatusBadRequest:
		return snskit.ErrBadParams
	}
	return snskit.ErrUnclassified
}
