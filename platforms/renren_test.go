package platforms_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const renrenTok = "renren-access-token-0123456789"

// renrenAPI builds a Renren 2.0 client with a token, routed to s.
func renrenAPI(t *testing.T, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	return newAPI(t, platforms.Renren(), s, "/renren", append([]snskit.Option{snskit.WithAuth(auth.Token(renrenTok))}, opts...)...)
}

func TestRenrenPathAndVerb(t *testing.T) {
	cases := []struct {
		method string
		force  string
		path   string
		verb   string
	}{
		{"user.get", "", "/renren/v2/user/get", http.MethodGet},
		{"user.friend.list", "", "/renren/v2/user/friend/list", http.MethodGet},
		{"user.batch", "", "/renren/v2/user/batch", http.MethodGet},
		{"user.login.get", "", "/renren/v2/user/login/get", http.MethodGet},
		{"status.put", "", "/renren/v2/status/put", http.MethodPost},
		{"share.url.put", "", "/renren/v2/share/url/put", http.MethodPost},
		{"user.get", http.MethodPost, "/renren/v2/user/get", http.MethodPost},
		{"status.put", http.MethodGet, "/renren/v2/status/put", http.MethodGet},
	}
	for _, c := range cases {
		t.Run(c.method+"/"+c.force, func(t *testing.T) {
			s := newServer(t, fixed(`{"response":{"ok":true}}`))
			call := renrenAPI(t, s).Method(c.method)
			if c.force != "" {
				call = call.WithVerb(c.force)
			}
			res, err := call.Do(snskit.Params{"userId": 262156164, "flag": true})
			require.NoError(t, err)
			assert.True(t, res.Get("ok").Bool())
			got := s.last(t)
			assert.Equal(t, c.path, got.Path)
			assert.Equal(t, c.verb, got.Method)
			if c.verb == http.MethodGet {
				assert.Equal(t, "262156164", got.Query.Get("userId"), "GET params go in the query")
				assert.Equal(t, "true", got.Query.Get("flag"), "bools are true/false")
				assert.Empty(t, got.Body)
			} else {
				assert.Equal(t, "262156164", got.Form.Get("userId"), "POST params go in the form body")
				assert.Equal(t, "true", got.Form.Get("flag"))
				assert.Equal(t, "application/x-www-form-urlencoded", got.Header.Get("Content-Type"))
				assert.Empty(t, got.Query)
			}
		})
	}
}

func TestRenrenChainJoinsSegmentsWithSlashes(t *testing.T) {
	s := newServer(t, fixed(`{"response":[{"id":1},{"id":2}]}`))
	res, err := renrenAPI(t, s).NS("user").NS("friend").M("list").Do(snskit.Params{"userId": "262156164", "pageSize": 10})
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Get("#").Int(), "the result is what is inside response")
	got := s.last(t)
	assert.Equal(t, "/renren/v2/user/friend/list", got.Path)
	assert.Equal(t, "10", got.Query.Get("pageSize"))
}

func TestRenrenTokenOnlyInAuthorizationHeader(t *testing.T) {
	for _, method := range []string{"user.get", "status.put", "photo.upload"} {
		t.Run(method, func(t *testing.T) {
			s := newServer(t, fixed(`{"response":true}`))
			p := snskit.Params{"content": "hi"}
			if method == "photo.upload" {
				p["file"] = snskit.Upload("a.png", strings.NewReader("png"))
			}
			_, err := renrenAPI(t, s).Method(method).Do(p)
			require.NoError(t, err)
			got := s.last(t)
			assert.Equal(t, "Bearer "+renrenTok, got.Header.Get("Authorization"))
			assert.NotContains(t, got.Query.Encode(), renrenTok)
			assert.NotContains(t, got.Body, renrenTok)
			for k, vs := range got.Form {
				assert.NotContains(t, strings.Join(vs, ","), renrenTok, "form field %s", k)
			}
			assert.False(t, got.Query.Has("access_token"))
			assert.False(t, got.Form.Has("access_token"))
		})
	}
}

func TestRenrenCallAccessTokenMovesToHeaderAndWins(t *testing.T) {
	s := newServer(t, fixed(`{"response":{}}`))
	_, err := renrenAPI(t, s).Method("user.get").Do(snskit.Params{"access_token": "call-own-token-123456"})
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, "Bearer call-own-token-123456", got.Header.Get("Authorization"))
	assert.False(t, got.Query.Has("access_token"), "the call's token stays out of the URL")

	// With no client credential at all, the call's own token is enough.
	bare := newAPI(t, platforms.Renren(), s, "/renren")
	_, err = bare.Method("status.put").Do(snskit.Params{"access_token": "call-own-token-123456", "content": "x"})
	require.NoError(t, err)
	got = s.last(t)
	assert.Equal(t, "Bearer call-own-token-123456", got.Header.Get("Authorization"))
	assert.False(t, got.Form.Has("access_token"))
}

func TestRenrenPhotoUpload(t *testing.T) {
	s := newServer(t, fixed(`{"response":{"id":7,"albumId":3}}`))
	res, err := renrenAPI(t, s).NS("photo").M("upload").Do(snskit.Params{
		"file":        snskit.Upload("test.png", strings.NewReader("\x89PNG fake image")),
		"description": "猫",
		"albumId":     3,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(7), res.Get("id").Int())
	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/renren/v2/photo/upload", got.Path)
	assert.True(t, strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/form-data"))
	require.Contains(t, got.Files, "file")
	assert.Equal(t, "test.png", got.Files["file"].Name)
	assert.Equal(t, "\x89PNG fake image", got.Files["file"].Content)
	assert.Equal(t, "image/png", got.Files["file"].ContentType)
	assert.Equal(t, "猫", got.Form.Get("description"))
	assert.Equal(t, "3", got.Form.Get("albumId"))
	assert.Empty(t, got.Query)
}

func TestRenrenUploadWrongFieldFailsBeforeSending(t *testing.T) {
	s := newServer(t, fixed(`{"response":{}}`))
	_, err := renrenAPI(t, s).NS("photo").M("upload").Do(snskit.Params{
		"upload": snskit.Upload("test.png", strings.NewReader("x")),
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"file"`)
	assert.Empty(t, s.requests())
}

func TestRenrenCredentialErrorsSendNothing(t *testing.T) {
	macToken := auth.TokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "mac-token-1234567890", TokenType: "mac"}))
	cases := []struct {
		name string
		opts []snskit.Option
		want string
	}{
		{"missing", nil, "snskit.WithAuth"},
		{"session key", []snskit.Option{snskit.WithAuth(auth.Session("sk-123456789012"))}, "platforms.Renren1"},
		{"oauth1", []snskit.Option{snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts"))}, "cannot use the credential given (oauth1 token)"},
		{"mac token", []snskit.Option{snskit.WithAuth(macToken)}, "MAC tokens"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, fixed(`{"response":{}}`))
			api := newAPI(t, platforms.Renren(), s, "/renren", c.opts...)
			_, err := api.NS("user").M("get").Do(nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "snskit: renren user.get:")
			assert.NotContains(t, err.Error(), "mac-token-1234567890")
			assert.Empty(t, s.requests(), "nothing may be sent")
		})
	}
}

func TestRenrenErrorEnvelope(t *testing.T) {
	body := `{"error":{"code":"invalid_authorization.EXPIRED-TOKEN","message":"Access Token过期。"}}`
	s := newServer(t, func(seen) reply { return reply{Status: 401, Body: body} })
	r, err := renrenAPI(t, s).NS("user").M("get").Response(context.Background(), snskit.Params{"userId": 1})
	require.Error(t, err)
	require.NotNil(t, r, "the Response comes back beside a platform error")
	assert.Equal(t, 401, r.StatusCode)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "renren", e.Platform)
	assert.Equal(t, "user.get", e.Method)
	assert.Equal(t, "invalid_authorization.EXPIRED-TOKEN", e.Code)
	assert.Equal(t, "Access Token过期。", e.Message)
	assert.Equal(t, 401, e.HTTPStatus)
	assert.Equal(t, "Access Token过期。", e.Detail.Get("message").String(), "Detail is the error object")
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid, "an expired token is an invalid one")
	assert.NotErrorIs(t, err, snskit.ErrPermission)
}

func TestRenrenErrorCodes(t *testing.T) {
	cases := []struct {
		code   string
		status int
		class  snskit.Class
	}{
		{"invalid_authorization.INVALID-TOKEN", 401, snskit.ErrTokenInvalid},
		{"invalid_authorization.EXPIRED-TOKEN", 401, snskit.ErrTokenExpired},
		{"invalid_authorization.INVALID-AUTHORIZATION-PARAMETERS", 401, snskit.ErrTokenInvalid},
		{"forbidden.PERMISSION-NEED", 403, snskit.ErrPermission},
		{"forbidden.NO_RIGHT", 403, snskit.ErrPermission},
		{"forbidden.NO_RIGHT_CALL_THIS_METHOD", 403, snskit.ErrPermission},
		{"forbidden.NO_RIGHT_CALL_THIS_METHOD_DEEPER", 403, snskit.ErrPermission},
		{"forbidden.ILLEGAL_TESTER", 403, snskit.ErrPermission},
		{"forbidden.LOGIN_USER_FREEZE", 403, snskit.ErrPermission},
		{"forbidden.LOGIN_USER_BANNED", 403, snskit.ErrPermission},
		{"forbidden.LOGIN_USER_SUICIDE", 403, snskit.ErrPermission},
		{"forbidden.APP_OVER_INVOCATION_LIMIT", 403, snskit.ErrRateLimited},
		{"service_unavailable.SERVICE_BUSY", 503, snskit.ErrServer},
		{"service_unavailable.SERVICE_UNAVAILABLE", 503, snskit.ErrServer},
		{"service_unavailable.SERVICE-EXECUTION-TIMEOUT", 503, snskit.ErrServer},
		{"service_unavailable.METHOD_WAS_CLOSED", 503, snskit.ErrServer},
		{"internal_error.UNKNOW", 500, snskit.ErrServer},
		{"invalid_request.USER_NOT_EXIST", 400, snskit.ErrNotFound},
		{"invalid_request.ENTRY_NOT_EXIST", 400, snskit.ErrNotFound},
		{"invalid_request.NO_SUCH_MEHTOD", 400, snskit.ErrNotFound},
		{"invalid_request.NO_SUCH_METHOD", 400, snskit.ErrNotFound},
		{"invalid_request.PARAM-MISSING", 400, snskit.ErrBadParams},
		{"invalid_request.INVALID-PARAM", 400, snskit.ErrBadParams},
		{"invalid_request.INVALID_REQUEST_PARAMETERS", 400, snskit.ErrBadParams},
		{"invalid_request.UPLOAD_FILE_SIZE_EXCEED_LIMIT", 400, snskit.ErrBadParams},
		{"invalid_request.REQUST_METHOD_NOT_SUPPORT", 400, snskit.ErrBadParams},
		{"invalid_authorization.INVALID-SIGNATURE", 401, snskit.ErrBadParams},
		{"invalid_authorization.EXPIRED-TIMESTAMP", 401, snskit.ErrBadParams},
		{"invalid_authorization.ALREADY-USED-NONCE", 401, snskit.ErrBadParams},
		{"invalid_request.ALBUM_NOT_EXIST", 400, snskit.ErrNotFound},
		{"invalid_request.SOMETHING_NEW", 400, snskit.ErrBadParams},
		{"forbidden.SOMETHING_NEW", 403, snskit.ErrPermission},
		{"invalid_authorization.SOMETHING_NEW", 401, snskit.ErrTokenInvalid},
		{"service_unavailable.SOMETHING_NEW", 503, snskit.ErrServer},
		{"other.SOMETHING_NEW", 429, snskit.ErrRateLimited},
		{"other.SOMETHING_NEW", 404, snskit.ErrNotFound},
		{"other.SOMETHING_NEW", 502, snskit.ErrServer},
		{"other.SOMETHING_NEW", 200, snskit.ErrUnclassified},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			s := newServer(t, func(seen) reply {
				return reply{Status: c.status, Body: `{"error":{"code":"` + c.code + `","message":"m"}}`}
			})
			_, err := renrenAPI(t, s).Method("user.get").Do(nil)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.code, e.Code)
			assert.Equal(t, c.class, e.Class)
			assert.ErrorIs(t, err, c.class)
			assert.Equal(t, c.status, e.HTTPStatus)
		})
	}
}

func TestRenrenOAuthStyleError(t *testing.T) {
	s := newServer(t, func(seen) reply {
		return reply{Status: 401, Body: `{"error":"invalid_token","error_description":"token revoked"}`}
	})
	_, err := renrenAPI(t, s).Method("user.get").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_token", e.Code)
	assert.Equal(t, "token revoked", e.Message)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
}

func TestRenrenErrorMessageMasksToken(t *testing.T) {
	s := newServer(t, func(seen) reply {
		return reply{Status: 401, Body: `{"error":{"code":"invalid_authorization.INVALID-TOKEN","message":"bad token ` + renrenTok + `"}}`}
	})
	_, err := renrenAPI(t, s).Method("user.get").Do(nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), renrenTok)
}

func TestRenrenBadReplies(t *testing.T) {
	cases := []struct {
		name string
		rp   reply
		want string
	}{
		{"html 502", reply{Status: 502, ContentType: "text/html", Body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"}, "HTML"},
		{"truncated", reply{Body: `{"response":{"id":1,"name":"`}, "not complete JSON"},
		{"empty", reply{Body: ""}, "empty reply"},
		{"no envelope", reply{Body: `{"id":1}`}, `neither "response" nor "error"`},
		{"array", reply{Body: `[1,2]`}, `neither "response" nor "error"`},
		{"error number", reply{Status: 500, Body: `{"error":500}`}, "neither an object nor a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			_, err := renrenAPI(t, s).Method("user.get").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Reason, c.want)
			assert.Equal(t, "renren", re.Platform)
			var pe *snskit.Error
			assert.False(t, errors.As(err, &pe), "a bad reply is not a platform error")
		})
	}
}

func TestRenrenDryRun(t *testing.T) {
	s := newServer(t, fixed(`{"response":{}}`))
	api := renrenAPI(t, s)

	req, err := api.NS("user").M("get").Request(context.Background(), snskit.Params{"userId": "262156164"})
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, req.Method)
	assert.Equal(t, s.URL+"/renren/v2/user/get?userId=262156164", req.URL.String())
	assert.Equal(t, "Bearer "+renrenTok, req.Header.Get("Authorization"))

	req, err = api.NS("status").M("put").Request(context.Background(), snskit.Params{"content": "test"})
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	b, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Equal(t, "content=test", string(b))
	assert.Empty(t, s.requests(), "a dry run sends nothing")
}

func TestRenrenDefaultHost(t *testing.T) {
	api, err := snskit.New(platforms.Renren(), snskit.WithAuth(auth.Token(renrenTok)))
	require.NoError(t, err)
	req, err := api.NS("user").NS("friend").M("list").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, platforms.RenrenAPIURL+"user/friend/list", req.URL.String())
	assert.Equal(t, "https://graph.renren.com", platforms.RenrenGraphURL)
}

func TestRenrenUploadWithoutFileIsRefused(t *testing.T) {
	s := newServer(t, fixed(`{"response":{}}`))
	api := newAPI(t, platforms.Renren(), s, "/renren", snskit.WithAuth(auth.Token("renren-token-123456")))
	_, err := api.NS("photo").M("upload").Do(snskit.Params{"description": "no file"})
	var ce *snskit.CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), `"file" parameter`)
	assert.Empty(t, s.requests())
}
