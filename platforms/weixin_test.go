package platforms_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	weixinToken  = "wx-access-token-0123456789"
	weixinOpenID = "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g"
	// weixinUserinfo is a /sns/userinfo reply as WeChat documents it.
	weixinUserinfo = `{"openid":"oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g","nickname":"沙盒用户","sex":1,"province":"广东","city":"广州","country":"中国","headimgurl":"https://thirdwx.qlogo.cn/mmopen/vi_32/x/132","privilege":[],"unionid":"oUbxA1b2C3d4E5f6G7h8I9j0KlMn"}`
)

// weixinAPI returns a WeChat client routed to s with the test token and
// openid, plus opts.
func weixinAPI(t *testing.T, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	cred := auth.Token(weixinToken).WithOpenID(weixinOpenID)
	return newAPI(t, platforms.Weixin(), s, "/wx", append([]snskit.Option{snskit.WithAuth(cred)}, opts...)...)
}

func TestWeixinNames(t *testing.T) {
	assert.Equal(t, "weixin", platforms.Weixin().Name())
	assert.Equal(t, platforms.Weixin(), platforms.WeChat(), "WeChat is an alias of Weixin")
	assert.Equal(t, "https://api.weixin.qq.com/", platforms.WeixinAPIURL)
	assert.Equal(t, "https://open.weixin.qq.com", platforms.WeixinOpenURL)
}

func TestWeixinPathAndVerb(t *testing.T) {
	tests := []struct {
		method string
		force  string
		path   string
		verb   string
	}{
		{"sns.userinfo", "", "/wx/sns/userinfo", http.MethodGet},
		{"sns.auth", "", "/wx/sns/auth", http.MethodGet},
		{"sns.oauth2.refresh_token", "", "/wx/sns/oauth2/refresh_token", http.MethodGet},
		{"cgi-bin.user.info", "", "/wx/cgi-bin/user/info", http.MethodGet},
		{"sns.userinfo", "POST", "/wx/sns/userinfo", http.MethodPost},
		{"sns.auth", "get", "/wx/sns/auth", http.MethodGet},
	}
	for _, tt := range tests {
		t.Run(tt.method+"/"+tt.force, func(t *testing.T) {
			s := newServer(t, fixed(`{"errcode":0,"errmsg":"ok"}`))
			call := weixinAPI(t, s).Method(tt.method)
			if tt.force != "" {
				call = call.WithVerb(tt.force)
			}
			_, err := call.Do(nil)
			require.NoError(t, err)
			got := s.last(t)
			assert.Equal(t, tt.path, got.Path)
			assert.Equal(t, tt.verb, got.Method)
		})
	}
}

func TestWeixinCredentialInQuery(t *testing.T) {
	t.Run("GET", func(t *testing.T) {
		s := newServer(t, fixed(weixinUserinfo))
		_, err := weixinAPI(t, s).Method("sns.userinfo").Do(snskit.Params{"lang": "zh_CN"})
		require.NoError(t, err)
		got := s.last(t)
		assert.Equal(t, []string{weixinToken}, got.Query["access_token"])
		assert.Equal(t, []string{weixinOpenID}, got.Query["openid"])
		assert.Equal(t, "zh_CN", got.Query.Get("lang"))
		assert.Empty(t, got.Body)
	})
	t.Run("forced POST keeps token and openid in the query", func(t *testing.T) {
		s := newServer(t, fixed(weixinUserinfo))
		_, err := weixinAPI(t, s).Method("sns.userinfo").WithVerb("POST").Do(snskit.Params{"lang": "en"})
		require.NoError(t, err)
		got := s.last(t)
		assert.Equal(t, weixinToken, got.Query.Get("access_token"))
		assert.Equal(t, weixinOpenID, got.Query.Get("openid"))
		assert.Equal(t, "en", got.Form.Get("lang"))
		assert.False(t, got.Form.Has("access_token"), "the token must not be in the body")
		assert.False(t, got.Form.Has("openid"))
		assert.False(t, got.Query.Has("lang"), "call parameters go in the body of a POST")
	})
	t.Run("openid from the token's extra fields", func(t *testing.T) {
		s := newServer(t, fixed(weixinUserinfo))
		tok := (&oauth2.Token{AccessToken: weixinToken}).WithExtra(map[string]any{"openid": "o-extra"})
		api := newAPI(t, platforms.Weixin(), s, "/wx", snskit.WithAuth(auth.TokenSource(oauth2.StaticTokenSource(tok))))
		_, err := api.Method("sns.userinfo").Do(nil)
		require.NoError(t, err)
		assert.Equal(t, "o-extra", s.last(t).Query.Get("openid"))
	})
	t.Run("call's own openid and access_token win", func(t *testing.T) {
		s := newServer(t, fixed(weixinUserinfo))
		_, err := weixinAPI(t, s).Method("sns.userinfo").WithVerb("POST").Do(snskit.Params{
			"openid": "o-call", "access_token": "tok-call",
		})
		require.NoError(t, err)
		got := s.last(t)
		assert.Equal(t, []string{"tok-call"}, got.Query["access_token"])
		assert.Equal(t, []string{"o-call"}, got.Query["openid"])
		assert.Empty(t, got.Form, "moved to the query, not duplicated in the body")
	})
	t.Run("call's own access_token without a credential", func(t *testing.T) {
		s := newServer(t, fixed(`{"errcode":0,"errmsg":"ok"}`))
		api := newAPI(t, platforms.Weixin(), s, "/wx")
		_, err := api.Method("sns.auth").Do(snskit.Params{"access_token": "tok-call", "openid": "o-call"})
		require.NoError(t, err)
		got := s.last(t)
		assert.Equal(t, []string{"tok-call"}, got.Query["access_token"])
		assert.Equal(t, []string{"o-call"}, got.Query["openid"])
	})
}

func TestWeixinRefusesBeforeSending(t *testing.T) {
	tests := []struct {
		name   string
		opts   []snskit.Option
		method string
		params snskit.Params
		want   []string
	}{
		{"no credential", nil, "sns.userinfo", nil, []string{"needs a credential", "snskit.WithAuth"}},
		{"wrong credential kind", []snskit.Option{snskit.WithAuth(auth.Session("sess-key"))}, "sns.userinfo", nil,
			[]string{"session key", "auth.Token"}},
		{"userinfo without openid", []snskit.Option{snskit.WithAuth(auth.Token(weixinToken))}, "sns.userinfo",
			snskit.Params{"lang": "zh_CN"}, []string{"openid", "auth.Token(t).WithOpenID(id)", "openid parameter"}},
		{"auth without openid", []snskit.Option{snskit.WithAuth(auth.Token(weixinToken))}, "sns.auth", nil,
			[]string{"WithOpenID"}},
		{"empty token", []snskit.Option{snskit.WithAuth(auth.Token(""))}, "sns.auth", nil, []string{"access token is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, fixed(weixinUserinfo))
			api := newAPI(t, platforms.Weixin(), s, "/wx", tt.opts...)
			_, err := api.Method(tt.method).Do(tt.params)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "snskit: weixin "+tt.method+": "), err.Error())
			assert.Empty(t, s.requests(), "nothing may be sent")
		})
	}
}

func TestWeixinSuccess(t *testing.T) {
	t.Run("userinfo", func(t *testing.T) {
		s := newServer(t, fixed(weixinUserinfo))
		res, err := weixinAPI(t, s).Method("sns.userinfo").Do(snskit.Params{"lang": "zh_CN"})
		require.NoError(t, err)
		assert.Equal(t, "沙盒用户", res.Get("nickname").String())
		assert.Equal(t, int64(1), res.Get("sex").Int())
		assert.Equal(t, "oUbxA1b2C3d4E5f6G7h8I9j0KlMn", res.Get("unionid").String())
	})
	t.Run("auth ok is the whole object", func(t *testing.T) {
		s := newServer(t, fixed(`{"errcode":0,"errmsg":"ok"}`))
		res, err := weixinAPI(t, s).NS("sns").M("auth").Do(nil)
		require.NoError(t, err)
		assert.Equal(t, "ok", res.Get("errmsg").String())
		assert.True(t, res.Get("errcode").Exists())
	})
	t.Run("served as text/plain", func(t *testing.T) {
		s := newServer(t, func(seen) reply { return reply{ContentType: "text/plain", Body: weixinUserinfo} })
		res, err := weixinAPI(t, s).Method("sns.userinfo").Do(nil)
		require.NoError(t, err)
		assert.Equal(t, weixinOpenID, res.Get("openid").String())
	})
}

func TestWeixinErrors(t *testing.T) {
	tests := []struct {
		code  string
		msg   string
		class snskit.Class
	}{
		{"-1", "system error", snskit.ErrServer},
		{"40001", "invalid credential, access_token is invalid or not latest", snskit.ErrTokenInvalid},
		{"40003", "invalid openid", snskit.ErrBadParams},
		{"40013", "invalid appid", snskit.ErrBadParams},
		{"40014", "invalid access_token", snskit.ErrTokenInvalid},
		{"40029", "invalid code", snskit.ErrBadParams},
		{"40030", "invalid refresh_token", snskit.ErrTokenInvalid},
		{"40163", "code been used", snskit.ErrBadParams},
		{"41001", "access_token missing", snskit.ErrTokenInvalid},
		{"42001", "access_token expired", snskit.ErrTokenExpired},
		{"42002", "refresh_token expired", snskit.ErrTokenExpired},
		{"42003", "code expired", snskit.ErrBadParams},
		{"45009", "reach max api daily quota limit", snskit.ErrQuotaExceeded},
		{"48001", "api unauthorized", snskit.ErrPermission},
		// Beyond PLATFORMS.md, from WeChat's global return codes.
		{"40002", "invalid grant_type", snskit.ErrBadParams},
		{"40125", "invalid appsecret", snskit.ErrBadParams},
		{"41009", "missing openid", snskit.ErrBadParams},
		{"45011", "api minute-quota reach limit", snskit.ErrQuotaExceeded},
		{"50001", "api unauthorized", snskit.ErrPermission},
		{"40066", "invalid url", snskit.ErrNotFound},
		{"99999", "something new", snskit.ErrUnclassified},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			body := `{"errcode":` + tt.code + `,"errmsg":"` + tt.msg + `, hints: [ req_id: AbC123 ]"}`
			s := newServer(t, fixed(body))
			res, err := weixinAPI(t, s).Method("sns.userinfo").Do(nil)
			require.Error(t, err)
			assert.False(t, res.Exists(), "no result beside an error")
			var e *snskit.Error
			require.True(t, errors.As(err, &e), "%T: %v", err, err)
			assert.Equal(t, "weixin", e.Platform)
			assert.Equal(t, "sns.userinfo", e.Method)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.msg, e.Message, "the hints tail is dropped")
			assert.Equal(t, 200, e.HTTPStatus)
			assert.Equal(t, tt.class, e.Class)
			assert.ErrorIs(t, err, tt.class)
			assert.Contains(t, e.Detail.Get("errmsg").String(), "req_id: AbC123", "Detail keeps the whole reply")
			if tt.class == snskit.ErrTokenExpired {
				assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
			}
			if !errors.Is(tt.class, snskit.ErrRateLimited) {
				assert.NotErrorIs(t, err, snskit.ErrRateLimited)
			}
		})
	}
}

func TestWeixinErrorMessageTails(t *testing.T) {
	tests := map[string]string{
		`invalid code, hints: [ req_id: 9Bx4wa0633s83 ]`:                       "invalid code",
		`invalid credential, access_token is invalid or not latest, rid: 64f0`: "invalid credential, access_token is invalid or not latest",
		`invalid openid hint: [xYz0]`:                                          "invalid openid",
		`access_token expired`:                                                 "access_token expired",
	}
	for msg, want := range tests {
		s := newServer(t, fixed(`{"errcode":40003,"errmsg":"`+msg+`"}`))
		_, err := weixinAPI(t, s).Method("sns.auth").Do(nil)
		var e *snskit.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, want, e.Message)
	}
}

func TestWeixinErrcodeAsString(t *testing.T) {
	s := newServer(t, fixed(`{"errcode":"42001","errmsg":"access_token expired"}`))
	_, err := weixinAPI(t, s).Method("sns.auth").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
}

func TestWeixinMasksTokenInErrors(t *testing.T) {
	s := newServer(t, fixed(`{"errcode":40001,"errmsg":"invalid credential `+weixinToken+`"}`))
	_, err := weixinAPI(t, s).Method("sns.userinfo").Do(nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), weixinToken)
	assert.Contains(t, err.Error(), auth.Mask(weixinToken))
}

func TestWeixinBadReplies(t *testing.T) {
	tests := map[string]reply{
		"html page":  {Status: 502, ContentType: "text/html", Body: "<html><head><title>502 Bad Gateway</title></head></html>"},
		"truncated":  {Body: `{"openid":"oSbx5dQ4","nickname":"沙`},
		"empty":      {Body: ""},
		"http error": {Status: 500, Body: `{}`},
		"bad code":   {Body: `{"errcode":{"x":1},"errmsg":"?"}`},
	}
	for name, rp := range tests {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return rp })
			_, err := weixinAPI(t, s).Method("sns.userinfo").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "weixin", re.Platform)
			assert.Equal(t, "sns.userinfo", re.Method)
		})
	}
}

func TestWeixinUploadKeepsTokenInQuery(t *testing.T) {
	s := newServer(t, fixed(`{"errcode":0,"errmsg":"ok"}`))
	_, err := weixinAPI(t, s).Method("cgi-bin.media.upload").Do(snskit.Params{
		"media": snskit.Upload("a.jpg", strings.NewReader("JPEGDATA")), "type": "image",
	})
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "JPEGDATA", got.Files["media"].Content)
	assert.Equal(t, "a.jpg", got.Files["media"].Name)
	assert.Equal(t, "image", got.Form.Get("type"))
	assert.Equal(t, weixinToken, got.Query.Get("access_token"))
	assert.False(t, got.Form.Has("access_token"))
}

func TestWeixinDryRun(t *testing.T) {
	s := newServer(t, fixed(weixinUserinfo))
	req, err := weixinAPI(t, s).Method("sns.userinfo").Request(context.Background(), snskit.Params{"lang": "zh_TW"})
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, req.Method)
	assert.Equal(t, "/wx/sns/userinfo", req.URL.Path)
	q := req.URL.Query()
	assert.Equal(t, weixinToken, q.Get("access_token"))
	assert.Equal(t, weixinOpenID, q.Get("openid"))
	assert.Equal(t, "zh_TW", q.Get("lang"))
	assert.Empty(t, s.requests(), "a dry run sends nothing")

	api, err := snskit.New(platforms.WeChat(), snskit.WithAuth(auth.Token(weixinToken).WithOpenID(weixinOpenID)))
	require.NoError(t, err)
	req, err = api.Method("sns.auth").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://api.weixin.qq.com/sns/auth", req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	assert.NotContains(t, driver.RedactURL(req.URL, nil), weixinToken, "the token is masked when shown")
}
