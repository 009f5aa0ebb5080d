package e2e_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testPNG returns a real w×h PNG image; the sandbox decodes uploads.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func client(t *testing.T, p snskit.Platform, s *sandbox.Server, name string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	// Retries, which pause in real time, are off unless opts turn them on:
	// the sandbox runs on a manual clock.
	api, err := snskit.New(p, append([]snskit.Option{snskit.WithBaseURL(s.URL(name)), snskit.WithRetry(0, 0)}, opts...)...)
	require.NoError(t, err)
	return api
}

func TestWeixinCallsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	c := s.Token("weixin")
	require.NotEmpty(t, c.OpenID)
	api := client(t, platforms.Weixin(), s, "weixin", snskit.WithAuth(auth.Token(c.AccessToken).WithOpenID(c.OpenID)))

	user, err := api.Method("sns.userinfo").Do(snskit.Params{"lang": "en"})
	require.NoError(t, err)
	assert.Equal(t, c.OpenID, user.Get("openid").String())
	assert.NotEmpty(t, user.Get("nickname").String())
	assert.True(t, user.Get("privilege").IsArray())

	ok, err := api.Method("sns.auth").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "ok", ok.Get("errmsg").String())

	clock.Advance(3 * time.Hour) // access tokens live 2 hours
	_, err = api.Method("sns.userinfo").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "42001", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.NotContains(t, e.Message, "hints", "the req_id tail stays in Detail")

	_, err = client(t, platforms.WeChat(), s, "wechat", snskit.WithAuth(auth.Token("bogus-token-0000").WithOpenID(c.OpenID))).
		Method("sns.userinfo").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)

	s.WeixinQuota(1) // one call a day per API, then 45009
	fresh := s.Token("weixin")
	quota := client(t, platforms.Weixin(), s, "weixin", snskit.WithAuth(auth.Token(fresh.AccessToken).WithOpenID(fresh.OpenID)))
	_, err = quota.Method("sns.userinfo").Do(nil)
	require.NoError(t, err)
	_, err = quota.Method("sns.userinfo").Do(nil)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "45009", e.Code)
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
}

func TestQQCallsEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	app := s.App("qq")
	c := s.Token("qq")
	// No openid given: the client looks it up once through /oauth2.0/me.
	api := client(t, platforms.QQ(), s, "qq", snskit.WithApp(app.ID, app.Secret), snskit.WithAuth(auth.Token(c.AccessToken)))
	s.ResetRequests()
	info, err := api.Method("user.get_user_info").Do(nil)
	require.NoError(t, err)
	assert.NotEmpty(t, info.Get("nickname").String())
	assert.Equal(t, int64(0), info.Get("ret").Int())
	_, err = api.Method("user.get_vip_info").Do(nil)
	require.NoError(t, err)
	meCalls := 0
	for _, r := range s.Requests() {
		if r.Path == "/oauth2.0/me" {
			meCalls++
		}
		if r.Path == "/user/get_user_info" {
			assert.Equal(t, c.OpenID, r.Form["openid"][0])
			assert.Equal(t, app.ID, r.Form["oauth_consumer_key"][0])
		}
	}
	assert.Equal(t, 1, meCalls, "the openid is looked up once and cached")

	// Every API of the seed's list is callable.
	for _, m := range []string{"user.get_vip_rich_info", "photo.list_album", "photo.list_photo", "user.get_info",
		"t.get_repost_list", "user.get_other_info", "relation.get_fanslist", "relation.get_idollist", "cft_info.get_tenpay_addr"} {
		res, err := api.Method(m).Do(nil)
		if err != nil {
			// A call may be refused for its parameters; it must still be a
			// QQ answer, not a transport or reply failure.
			var e *snskit.Error
			assert.ErrorAs(t, err, &e, m)
			continue
		}
		assert.Equal(t, int64(0), res.Get("ret").Int(), m)
	}

	pic := testPNG(t, 32, 24)
	up, err := api.Method("photo.upload_pic").Do(snskit.Params{
		"picture": snskit.Upload("cat.png", bytes.NewReader(pic)), "photodesc": "上传"})
	require.NoError(t, err)
	assert.Equal(t, int64(len(pic)), up.Get("size").Int(), "the stream arrived whole")
	assert.Equal(t, int64(32), up.Get("width").Int())

	tw, err := api.Method("t.add_pic_t").Do(snskit.Params{"pic": snskit.Upload("cat.png", bytes.NewReader(pic)), "content": "带图"})
	require.NoError(t, err)
	assert.Equal(t, int64(0), tw.Get("ret").Int())

	s.QQRevoke(c.AccessToken)
	_, err = api.Method("user.get_user_info").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)

	noScope, err := s.IssueToken("qq", sandbox.TokenOptions{Scope: []string{"get_user_info"}})
	require.NoError(t, err)
	_, err = client(t, platforms.QQ(), s, "qq", snskit.WithApp(app.ID, app.Secret),
		snskit.WithAuth(auth.Token(noScope.AccessToken).WithOpenID(noScope.OpenID))).Method("photo.list_album").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "100030", e.Code)
	assert.ErrorIs(t, err, snskit.ErrPermission)
}

func TestKaixinCallsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	app := s.App("kaixin")
	oauth2Creds := s.Token("kaixin")
	oauth1Creds, err := s.IssueToken("kaixin", sandbox.TokenOptions{OAuth1: true})
	require.NoError(t, err)
	for name, cred := range map[string]auth.Credential{
		"oauth2":      auth.Token(oauth2Creds.AccessToken),
		"oauth1":      auth.OAuth1Token(app.ID, app.Secret, oauth1Creds.AccessToken, oauth1Creds.TokenSecret),
		"session key": auth.Session(oauth2Creds.SessionKey),
	} {
		t.Run(name, func(t *testing.T) {
			if name == "session key" && oauth2Creds.SessionKey == "" {
				t.Skip("the sandbox issued no Kaixin session key")
			}
			// OAuth 1.0a timestamps must be near the server's clock: the
			// client reads the sandbox's.
			api := client(t, platforms.Kaixin(), s, "kaixin", snskit.WithApp(app.ID, app.Secret), snskit.WithAuth(cred),
				snskit.WithClock(clock.Now))
			all, err := api.Method("friends.me").Do(nil)
			require.NoError(t, err)
			total, err := strconv.Atoi(all.Get("total").String())
			require.NoError(t, err, "numbers come as strings")
			assert.Greater(t, total, 50)
			assert.Equal(t, int64(20), all.Get("users.#").Int(), "num defaults to 20")
			assert.True(t, all.Get("users.0.logo50").Exists(), "default fields")
			assert.False(t, all.Get("users.0.hometown").Exists())

			page, err := api.Method("friends.me").Do(snskit.Params{"fields": []string{"uid", "name", "hometown"}, "start": 20, "num": 5})
			require.NoError(t, err)
			assert.Equal(t, int64(5), page.Get("users.#").Int())
			assert.True(t, page.Get("users.0.hometown").Exists())
			assert.NotEqual(t, all.Get("users.0.uid").String(), page.Get("users.0.uid").String())

			pic := testPNG(t, 16, 16)
			up, err := api.Method("photo.upload").Do(snskit.Params{"pic": snskit.Upload("p.png", bytes.NewReader(pic)), "title": "t"})
			require.NoError(t, err)
			assert.Equal(t, strconv.Itoa(len(pic)), up.Get("size").String())
		})
	}

	wrongSecret := client(t, platforms.Kaixin(), s, "kaixin", snskit.WithClock(clock.Now), snskit.WithAuth(
		auth.OAuth1Token(app.ID, app.Secret+"x", oauth1Creds.AccessToken, oauth1Creds.TokenSecret)))
	_, err = wrongSecret.Method("friends.me").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a wrong signature")
	assert.Equal(t, 401, e.HTTPStatus)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotContains(t, err.Error(), app.Secret)

	s.KaixinMaintenance(true)
	_, err = client(t, platforms.Kaixin(), s, "kaixin", snskit.WithAuth(auth.Token(oauth2Creds.AccessToken))).Method("friends.me").Do(nil)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 502, e.HTTPStatus)
	assert.ErrorIs(t, err, snskit.ErrServer)
}
