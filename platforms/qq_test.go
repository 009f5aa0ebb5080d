package platforms_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
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

const (
	qqAppID  = "101234567"
	qqAppKey = "c3f1e5a7b9d2c4e6f8a0b1c3d5e7f9a2"
	qqToken  = "7A3C5E7F9B1D3F5A7C9E1B3D5F7A9C1E"
	// qqUserInfo is a get_user_info reply as QQ's docs show it.
	qqUserInfo = `{"ret":0,"msg":"","nickname":"Peter","figureurl":"http://qzapp.qlogo.cn/qzapp/111111/942FEA70050EEAFBD4DCE2C1FC775E56/30","figureurl_qq_1":"http://q.qlogo.cn/qqapp/100312990/DE1931D5330620DBD07FB4A5422917B6/40","gender":"男","is_yellow_vip":"1","vip":"1","yellow_vip_level":"7","level":"7","is_yellow_year_vip":"1"}`
	qqHTMLType = "text/html; charset=utf-8"
)

// qqOpenIDOf is the openid the test server gives a token.
func qqOpenIDOf(tok string) string { return "OPENID-" + tok }

// qqServer answers /qq/oauth2.0/me in JSONP with qqOpenIDOf(token), and every
// other path with api, served as text/html like graph.qq.com.
func qqServer(t *testing.T, api string) *server {
	t.Helper()
	return newServer(t, func(r seen) reply {
		if r.Path == "/qq/oauth2.0/me" {
			tok := r.Query.Get("access_token")
			return reply{ContentType: "text/html", Body: `callback( {"client_id":"` + qqAppID + `","openid":"` + qqOpenIDOf(tok) + `"} );` + "\n"}
		}
		return reply{ContentType: qqHTMLType, Body: api}
	})
}

// qqMeCount returns how many /me lookups s received.
func qqMeCount(s *server) int {
	n := 0
	for _, r := range s.requests() {
		if r.Path == "/qq/oauth2.0/me" {
			n++
		}
	}
	return n
}

// qqAPI returns a QQ client of s with the test app and token, plus opts.
func qqAPI(t *testing.T, p snskit.Platform, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	base := []snskit.Option{snskit.WithApp(qqAppID, qqAppKey), snskit.WithAuth(auth.Token(qqToken))}
	return newAPI(t, p, s, "/qq", append(base, opts...)...)
}

func TestQQNames(t *testing.T) {
	assert.Equal(t, "qq", platforms.QQ().Name())
	assert.Equal(t, "https://graph.qq.com", platforms.QQGraphURL)
}

func TestQQPathAndVerb(t *testing.T) {
	tests := []struct {
		method, force, path, verb string
	}{
		{"user.get_user_info", "", "/qq/user/get_user_info", "GET"},
		{"user.get_vip_info", "", "/qq/user/get_vip_info", "GET"},
		{"user.get_vip_rich_info", "", "/qq/user/get_vip_rich_info", "GET"},
		{"photo.list_album", "", "/qq/photo/list_album", "GET"},
		{"photo.upload_pic", "", "/qq/photo/upload_pic", "POST"},
		{"photo.add_album", "", "/qq/photo/add_album", "POST"},
		{"photo.list_photo", "", "/qq/photo/list_photo", "GET"},
		{"user.get_info", "", "/qq/user/get_info", "GET"},
		{"t.add_t", "", "/qq/t/add_t", "POST"},
		{"t.del_t", "", "/qq/t/del_t", "POST"},
		{"t.add_pic_t", "", "/qq/t/add_pic_t", "POST"},
		{"t.get_repost_list", "", "/qq/t/get_repost_list", "GET"},
		{"user.get_other_info", "", "/qq/user/get_other_info", "GET"},
		{"relation.get_fanslist", "", "/qq/relation/get_fanslist", "GET"},
		{"relation.get_idollist", "", "/qq/relation/get_idollist", "GET"},
		{"relation.add_idol", "", "/qq/relation/add_idol", "POST"},
		{"relation.del_idol", "", "/qq/relation/del_idol", "POST"},
		{"cft_info.get_tenpay_addr", "", "/qq/cft_info/get_tenpay_addr", "GET"},
		{"user.check_page_fans", "", "/qq/user/check_page_fans", "GET"},
		{"get_x.add_y", "", "/qq/get_x/add_y", "POST"}, // only the last name decides
		{"user.get_user_info", "POST", "/qq/user/get_user_info", "POST"},
		{"t.add_t", "GET", "/qq/t/add_t", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.method+"/"+tt.force, func(t *testing.T) {
			s := qqServer(t, `{"ret":0,"msg":""}`)
			call := qqAPI(t, platforms.QQ(), s).Method(tt.method)
			if tt.force != "" {
				call = call.WithVerb(tt.force)
			}
			params := snskit.Params{"openid": "O1"}
			switch tt.method {
			case "photo.upload_pic":
				params["picture"] = snskit.Upload("a.jpg", strings.NewReader("JPEG"))
			case "t.add_pic_t":
				params["pic"] = snskit.Upload("a.png", strings.NewReader("PNG"))
			}
			_, err := call.Do(params)
			require.NoError(t, err)
			got := s.last(t)
			assert.Equal(t, tt.path, got.Path)
			assert.Equal(t, tt.verb, got.Method)
			assert.Len(t, s.requests(), 1, "the openid was given: no lookup")
		})
	}
}

func TestQQCommonParams(t *testing.T) {
	t.Run("GET in the query", func(t *testing.T) {
		s := qqServer(t, qqUserInfo)
		_, err := qqAPI(t, platforms.QQ(), s, snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1"))).
			Method("user.get_user_info").Do(nil)
		require.NoError(t, err)
		got := s.last(t)
		assert.Equal(t, []string{qqToken}, got.Query["access_token"])
		assert.Equal(t, []string{qqAppID}, got.Query["oauth_consumer_key"])
		assert.Equal(t, []string{"O1"}, got.Query["openid"])
		assert.Equal(t, []string{"json"}, got.Query["format"])
		assert.Empty(t, got.Body)
		assert.NotContains(t, got.Query.Encode(), qqAppKey, "the app key is never sent to the API")
	})
	t.Run("POST in the body, token out of the URL", func(t *testing.T) {
		s := qqServer(t, `{"ret":0,"msg":"","data":{"id":"12345","time":1300000000}}`)
		res, err := qqAPI(t, platforms.QQ(), s, snskit.WithAuth(auth.Token(qqToken).WithOpenID("O1"))).
			NS("t").M("add_t").Do(snskit.Params{"content": "你好", "syncflag": 1})
		require.NoError(t, err)
		assert.Equal(t, "12345", res.Get("data.id").String())
		got := s.last(t)
		assert.Empty(t, got.Query, "nothing in the URL of a POST")
		assert.Equal(t, qqToken, got.Form.Get("access_token"))
		assert.Equal(t, qqAppID, got.Form.Get("oauth_consumer_key"))
		assert.Equal(t, "O1", got.Form.Get("openid"))
		assert.Equal(t, "json", got.Form.Get("format"))
		assert.Equal(t, "你好", got.Form.Get("content"))
		assert.Equal(t, "1", got.Form.Get("syncflag"))
	})
	t.Run("call's own params win", func(t *testing.T) {
		s := qqServer(t, qqUserInfo)
		_, err := qqAPI(t, platforms.QQ(), s).Method("user.get_user_info").Do(snskit.Params{
			"format": "xml", "openid": "O-call", "access_token": "tok-call", "oauth_consumer_key": "999",
		})
		require.NoError(t, err)
		got := s.last(t)
		assert.Equal(t, []string{"xml"}, got.Query["format"])
		assert.Equal(t, []string{"O-call"}, got.Query["openid"])
		assert.Equal(t, []string{"tok-call"}, got.Query["access_token"])
		assert.Equal(t, []string{"999"}, got.Query["oauth_consumer_key"])
		assert.Equal(t, 0, qqMeCount(s))
	})
}

func TestQQRefusesBeforeSending(t *testing.T) {
	tests := []struct {
		name   string
		opts   []snskit.Option
		params snskit.Params
		want   []string
	}{
		{"no app id", []snskit.Option{snskit.WithAuth(auth.Token(qqToken))}, nil,
			[]string{"oauth_consumer_key", "snskit.WithApp"}},
		{"no credential", []snskit.Option{snskit.WithApp(qqAppID, "")}, nil,
			[]string{"needs a credential", "snskit.WithAuth"}},
		{"wrong credential kind", []snskit.Option{snskit.WithApp(qqAppID, ""), snskit.WithAuth(auth.Session("sess-key"))}, nil,
			[]string{"session key", "auth.Token"}},
		{"upload under the wrong field", []snskit.Option{snskit.WithApp(qqAppID, ""), snskit.WithAuth(auth.Token(qqToken))},
			snskit.Params{"pic": snskit.Upload("a.jpg", strings.NewReader("x"))}, []string{`"picture"`, `not "pic"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := qqServer(t, qqUserInfo)
			method := "user.get_user_info"
			if tt.params != nil {
				method = "photo.upload_pic"
			}
			api := newAPI(t, platforms.QQ(), s, "/qq", tt.opts...)
			_, err := api.Method(method).Do(tt.params)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "snskit: qq "+method+": "), err.Error())
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, s.requests(), "nothing may be sent, not even the openid lookup")
		})
	}
}

func TestQQOpenIDLookupIsCached(t *testing.T) {
	s := qqServer(t, qqUserInfo)
	p := platforms.QQ()
	api := qqAPI(t, p, s)
	res, err := api.Method("user.get_user_info").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "Peter", res.Get("nickname").String())
	rs := s.requests()
	require.Len(t, rs, 2)
	assert.Equal(t, "/qq/oauth2.0/me", rs[0].Path)
	assert.Equal(t, http.MethodGet, rs[0].Method)
	assert.Equal(t, qqToken, rs[0].Query.Get("access_token"))
	assert.Equal(t, qqOpenIDOf(qqToken), rs[1].Query.Get("openid"))

	_, err = api.Method("user.get_vip_info").Do(nil)
	require.NoError(t, err)
	_, err = qqAPI(t, p, s).Method("t.add_t").Do(snskit.Params{"content": "x"}) // another client of the same QQ value
	require.NoError(t, err)
	assert.Equal(t, 1, qqMeCount(s), "the openid is looked up once per token")
	assert.Equal(t, qqOpenIDOf(qqToken), s.last(t).Form.Get("openid"))

	_, err = qqAPI(t, p, s, snskit.WithAuth(auth.Token("other-token"))).Method("user.get_user_info").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, 2, qqMeCount(s), "another token gets its own lookup")
	assert.Equal(t, qqOpenIDOf("other-token"), s.last(t).Query.Get("openid"))
}

func TestQQOpenIDConcurrentFirstCalls(t *testing.T) {
	s := qqServer(t, qqUserInfo)
	p := platforms.QQ()
	tokens := []string{"tok-a", "tok-b", "tok-c"}
	apis := make([]*snskit.API, len(tokens))
	for i, tok := range tokens {
		apis[i] = qqAPI(t, p, s, snskit.WithAuth(auth.Token(tok)))
	}
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			_, err := apis[i%len(apis)].Method("user.get_user_info").Do(nil)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	calls := 0
	for _, r := range s.requests() {
		if r.Path == "/qq/user/get_user_info" {
			calls++
			assert.Equal(t, qqOpenIDOf(r.Query.Get("access_token")), r.Query.Get("openid"))
		}
	}
	assert.Equal(t, 60, calls)
	assert.Equal(t, len(tokens), qqMeCount(s), "one lookup per token, however many calls raced")
}

func TestQQOpenIDCacheIsBounded(t *testing.T) {
	s := qqServer(t, `{"ret":0,"msg":""}`)
	p := platforms.QQ()
	lookup := func(tok string) {
		t.Helper()
		api := qqAPI(t, p, s, snskit.WithAuth(auth.Token(tok)))
		_, err := api.Method("user.get_user_info").Do(nil)
		require.NoError(t, err)
	}
	for i := range 1024 {
		lookup("tok-" + strconv.Itoa(i))
	}
	require.Equal(t, 1024, qqMeCount(s))
	lookup("tok-0")
	require.Equal(t, 1024, qqMeCount(s), "still cached at 1024 entries")
	lookup("tok-1024") // the 1025th token empties the cache
	lookup("tok-0")
	assert.Equal(t, 1026, qqMeCount(s), "the cache was emptied when full")
}

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
