package platforms_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

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
