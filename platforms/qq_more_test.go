package platforms_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQQOpenIDLookupErrors(t *testing.T) {
	tests := map[string]struct {
		body  string
		class snskit.Class
		code  string
	}{
		"check failed": {`callback( {"error":100016,"error_description":"access token check failed"} );`, snskit.ErrTokenInvalid, "100016"},
		"expired":      {`callback( {"error":100014,"error_description":"access token expired"} );`, snskit.ErrTokenExpired, "100014"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return reply{ContentType: "text/html", Body: tt.body} })
			api := qqAPI(t, platforms.QQ(), s)
			for range 2 {
				_, err := api.Method("user.get_user_info").Do(nil)
				var e *snskit.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.code, e.Code)
				assert.Equal(t, "qq", e.Platform)
				assert.Equal(t, "user.get_user_info", e.Method)
				assert.NotEmpty(t, e.Message)
				assert.ErrorIs(t, err, tt.class)
				assert.Equal(t, tt.code, e.Detail.Get("error").String())
			}
			rs := s.requests()
			require.Len(t, rs, 2, "a failed lookup is not cached, and the API is never called")
			for _, r := range rs {
				assert.Equal(t, "/qq/oauth2.0/me", r.Path)
			}
		})
	}
	t.Run("no openid in the reply", func(t *testing.T) {
		s := newServer(t, fixed(`callback( {"client_id":"101234567"} );`))
		_, err := qqAPI(t, platforms.QQ(), s).Method("user.get_user_info").Do(nil)
		var re *snskit.ReplyError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Reason, "openid")
	})
	t.Run("html page", func(t *testing.T) {
		s := newServer(t, func(seen) reply {
			return reply{Status: 502, ContentType: "text/html", Body: "<html>bad gateway</html>"}
		})
		_, err := qqAPI(t, platforms.QQ(), s).Method("user.get_user_info").Do(nil)
		var re *snskit.ReplyError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 502, re.HTTPStatus)
	})
}

func TestQQErrors(t *testing.T) {
	tests := []struct {
		body  string
		code  string
		msg   string
		class snskit.Class
	}{
		{`{"ret":100013,"msg":"access token非法"}`, "100013", "access token非法", snskit.ErrTokenInvalid},
		{`{"ret":100014,"msg":"access token过期"}`, "100014", "access token过期", snskit.ErrTokenExpired},
		{`{"ret":100015,"msg":"access token废除"}`, "100015", "access token废除", snskit.ErrTokenInvalid},
		{`{"ret":100016,"msg":"access token验证失败"}`, "100016", "access token验证失败", snskit.ErrTokenInvalid},
		{`{"error":100020,"error_description":"code is reused error"}`, "100020", "code is reused error", snskit.ErrBadParams},
		{`{"ret":100030,"msg":"用户没有对该api进行授权"}`, "100030", "用户没有对该api进行授权", snskit.ErrPermission},
		{`{"ret":100031,"msg":"第三方应用没有对该api操作的权限"}`, "100031", "第三方应用没有对该api操作的权限", snskit.ErrPermission},
		{`{"ret":1002,"msg":"请先登录"}`, "1002", "请先登录", snskit.ErrTokenInvalid},
		{`{"ret":100007,"msg":"缺少access token"}`, "100007", "缺少access token", snskit.ErrTokenInvalid},
		{`{"ret":100008,"msg":"该appid不存在"}`, "100008", "该appid不存在", snskit.ErrBadParams},
		{`{"ret":100012,"msg":"HTTP请求非post方式"}`, "100012", "HTTP请求非post方式", snskit.ErrBadParams},
		{`{"ret":100029,"msg":"错误的http请求"}`, "100029", "错误的http请求", snskit.ErrBadParams},
		{`{"ret":-1,"msg":"client request's parameters are invalid"}`, "-1", "client request's parameters are invalid", snskit.ErrBadParams},
		{`{"ret":-64,"msg":"internal error"}`, "-64", "internal error", snskit.ErrServer},
		{`{"ret":2,"errcode":0,"msg":"frequency limited","data":null}`, "2", "frequency limited", snskit.ErrRateLimited},
		{`{"ret":3,"errcode":5,"msg":"check sign error","data":null}`, "3", "check sign error", snskit.ErrTokenInvalid},
		{`{"ret":3,"msg":"no errcode: not weibo"}`, "3", "no errcode: not weibo", snskit.ErrUnclassified},
		{`{"ret":"100014","msg":"quoted"}`, "100014", "quoted", snskit.ErrTokenExpired},
		{`{"error":"invalid_request","error_description":"words"}`, "invalid_request", "words", snskit.ErrUnclassified},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.msg, func(t *testing.T) {
			s := qqServer(t, tt.body)
			res, err := qqAPI(t, platforms.QQ(), s, snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1"))).
				Method("user.get_user_info").Do(nil)
			require.Error(t, err)
			assert.False(t, res.Exists())
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "qq", e.Platform)
			assert.Equal(t, "user.get_user_info", e.Method)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.msg, e.Message)
			assert.Equal(t, tt.class, e.Class)
			assert.ErrorIs(t, err, tt.class)
			assert.JSONEq(t, tt.body, e.Detail.Raw, "Detail is the whole reply")
			if tt.class != snskit.ErrPermission {
				assert.NotErrorIs(t, err, snskit.ErrPermission)
			}
		})
	}
}

func TestQQSuccessServedAsHTML(t *testing.T) {
	s := qqServer(t, qqUserInfo)
	r, err := qqAPI(t, platforms.QQ(), s, snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1"))).
		Method("user.get_user_info").Response(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, qqHTMLType, r.Header.Get("Content-Type"))
	assert.Equal(t, "男", r.Result.Get("gender").String())
	assert.Equal(t, int64(0), r.Result.Get("ret").Int(), "the result is the whole reply")
}

func TestQQBadReplies(t *testing.T) {
	tests := map[string]reply{
		"html page":  {Status: 503, ContentType: "text/html", Body: "<!DOCTYPE html><html><head><title>503</title></head></html>"},
		"truncated":  {ContentType: qqHTMLType, Body: `{"ret":0,"msg":"","nickname":"Pe`},
		"empty":      {ContentType: qqHTMLType, Body: ""},
		"http error": {Status: 500, ContentType: qqHTMLType, Body: `{"msg":"?"}`},
	}
	for name, rp := range tests {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return rp })
			_, err := qqAPI(t, platforms.QQ(), s, snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1"))).
				Method("user.get_user_info").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "qq", re.Platform)
		})
	}
}

func TestQQUploads(t *testing.T) {
	tests := []struct{ method, field, name, content string }{
		{"photo.upload_pic", "picture", "cat.jpg", "\xff\xd8JPEG-bytes"},
		{"t.add_pic_t", "pic", "dog.png", "\x89PNG-bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			s := qqServer(t, `{"ret":0,"msg":"","albumid":"A1","lloc":"L1"}`)
			_, err := qqAPI(t, platforms.QQ(), s).Method(tt.method).Do(snskit.Params{
				tt.field: snskit.Upload(tt.name, strings.NewReader(tt.content)), "content": "desc",
			})
			require.NoError(t, err)
			got := s.last(t)
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Contains(t, got.Header.Get("Content-Type"), "multipart/form-data")
			require.Contains(t, got.Files, tt.field)
			assert.Equal(t, tt.name, got.Files[tt.field].Name)
			assert.Equal(t, tt.content, got.Files[tt.field].Content)
			assert.Equal(t, qqToken, got.Form.Get("access_token"))
			assert.Equal(t, qqAppID, got.Form.Get("oauth_consumer_key"))
			assert.Equal(t, qqOpenIDOf(qqToken), got.Form.Get("openid"))
			assert.Equal(t, "desc", got.Form.Get("content"))
			assert.Empty(t, got.Query, "the token stays out of the URL")
		})
	}
}

func TestQQDryRun(t *testing.T) {
	s := qqServer(t, qqUserInfo)
	api := qqAPI(t, platforms.QQ(), s, snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1")))
	req, err := api.Method("relation.add_idol").Request(context.Background(), snskit.Params{"name": "peter"})
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "/qq/relation/add_idol", req.URL.Path)
	assert.Empty(t, req.URL.RawQuery)
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Contains(t, string(body), "access_token="+qqToken)
	assert.Contains(t, string(body), "openid=O1")
	assert.Contains(t, string(body), "name=peter")
	assert.Empty(t, s.requests(), "a dry run with a known openid sends nothing")

	real, err := snskit.New(platforms.QQ(), snskit.WithApp(qqAppID, ""), snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1")))
	require.NoError(t, err)
	req, err = real.Method("user.get_user_info").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://graph.qq.com/user/get_user_info", req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	assert.Equal(t, http.MethodGet, req.Method)
}

func TestQQOpenIDLookupCancelledByItsCaller(t *testing.T) {
	arrived := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	s := newServer(t, func(r seen) reply {
		if r.Path == "/qq/oauth2.0/me" {
			first := false
			once.Do(func() { first = true })
			if first { // hold the first lookup until its caller gives up
				close(arrived)
				<-release
			}
			return reply{ContentType: "text/html", Body: `callback( {"client_id":"1","openid":"` + qqOpenIDOf(r.Query.Get("access_token")) + `"} );`}
		}
		return reply{ContentType: qqHTMLType, Body: qqUserInfo}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	p := platforms.QQ()
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := qqAPI(t, p, s).Method("user.get_user_info").DoContext(ctx, nil)
		first <- err
	}()
	<-arrived
	second := make(chan error, 1)
	go func() {
		_, err := qqAPI(t, p, s).Method("user.get_vip_info").Do(nil)
		second <- err
	}()
	// Let the second call queue behind the first lookup; with either
	// interleaving, the outcome below is the same.
	time.Sleep(20 * time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-first, context.Canceled)
	require.NoError(t, <-second, "a waiter does not inherit another caller's cancellation")
	assert.Equal(t, qqOpenIDOf(qqToken), s.last(t).Query.Get("openid"))
}

func TestQQDryRunSendsNothing(t *testing.T) {
	s := qqServer(t, `{"ret":0,"msg":""}`)
	p := platforms.QQ()
	api := qqAPI(t, p, s, snskit.WithAuth(auth.Token("dry-run-token-0001")))
	_, err := api.Method("user.get_user_info").Request(context.Background(), nil)
	var ce *snskit.CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "WithOpenID")
	assert.Zero(t, len(s.requests()), "a dry run sends nothing, not even the openid lookup")

	// Once a real call has looked the openid up, a dry run uses the cache.
	_, err = api.Method("user.get_user_info").Do(nil)
	require.NoError(t, err)
	n := len(s.requests())
	req, err := api.Method("user.get_user_info").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.NotEmpty(t, req.URL.Query().Get("openid"))
	assert.Len(t, s.requests(), n)

	// A known openid needs no lookup at all.
	withID := qqAPI(t, p, s, snskit.WithAuth(auth.Token("other-token-0002").WithOpenID("OPENID-X")))
	req, err = withID.Method("user.get_user_info").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "OPENID-X", req.URL.Query().Get("openid"))
	assert.Len(t, s.requests(), n)
}
