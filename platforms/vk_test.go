package platforms_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const vkToken = "vk1.a.0123456789abcdefTOKEN"

const vkUsersGet = `{"response":[{"id":1,"first_name":"Павел","last_name":"Дуров","can_access_closed":true,"is_closed":false},{"id":2,"first_name":"Александра","last_name":"Владимирова","can_access_closed":false,"is_closed":true}]}`

func vkAPI(t *testing.T, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	return newAPI(t, platforms.VK(), s, "/vk", append([]snskit.Option{snskit.WithAuth(auth.Token(vkToken))}, opts...)...)
}

func TestVKUsersGetRequestAndEnvelope(t *testing.T) {
	s := newServer(t, fixed(vkUsersGet))
	res, err := vkAPI(t, s).NS("users").M("get").Do(snskit.Params{"user_ids": []int{1, 2}, "extended": true, "fields": []string{"photo_100", "sex"}})
	require.NoError(t, err)
	assert.Equal(t, "Павел", res.Get("0.first_name").String())
	assert.Equal(t, int64(2), res.Get("#").Int())

	r := s.last(t)
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/vk/method/users.get", r.Path)
	assert.Empty(t, r.Query, "nothing goes in the URL, the token least of all")
	assert.Equal(t, "1,2", r.Form.Get("user_ids"))
	assert.Equal(t, "1", r.Form.Get("extended"), "VK bools are 1/0")
	assert.Equal(t, "photo_100,sex", r.Form.Get("fields"))
	assert.Equal(t, platforms.VKDefaultVersion, r.Form.Get("v"))
	assert.Equal(t, vkToken, r.Form.Get("access_token"))
}

func TestVKVersionAndTokenPrecedence(t *testing.T) {
	s := newServer(t, fixed(`{"response":[]}`))
	api := vkAPI(t, s, snskit.WithAPIVersion("5.131"), snskit.WithParams(snskit.Params{"lang": "en", "test_mode": true}))
	_, err := api.Method("users.get").Do(nil)
	require.NoError(t, err)
	r := s.last(t)
	assert.Equal(t, "5.131", r.Form.Get("v"))
	assert.Equal(t, "en", r.Form.Get("lang"))
	assert.Equal(t, "1", r.Form.Get("test_mode"))

	_, err = api.Method("users.get").Do(snskit.Params{"v": "5.199", "access_token": "call-own-token-0000", "lang": "ru"})
	require.NoError(t, err)
	r = s.last(t)
	assert.Equal(t, "5.199", r.Form.Get("v"), "a call's v wins")
	assert.Equal(t, "call-own-token-0000", r.Form.Get("access_token"), "a call's access_token wins")
	assert.Equal(t, "ru", r.Form.Get("lang"))
}

func TestVKTokenSourceIsAskedPerCall(t *testing.T) {
	s := newServer(t, fixed(`{"response":1}`))
	n := 0
	src := tokenFunc(func() (*oauth2.Token, error) {
		n++
		return &oauth2.Token{AccessToken: "rotating-token-" + string(rune('0'+n))}, nil
	})
	api := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.TokenSource(src)))
	for range 2 {
		_, err := api.Method("account.getInfo").Do(nil)
		require.NoError(t, err)
	}
	rs := s.requests()
	assert.Equal(t, "rotating-token-1", rs[0].Form.Get("access_token"))
	assert.Equal(t, "rotating-token-2", rs[1].Form.Get("access_token"))
}

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

func TestVKCredentialRules(t *testing.T) {
	s := newServer(t, fixed(`{"response":1}`))
	noAuth := newAPI(t, platforms.VK(), s, "/vk")
	_, err := noAuth.Method("users.get").Do(nil)
	assert.ErrorContains(t, err, "needs a credential")

	// A call's own token is enough without a client credential.
	_, err = noAuth.Method("users.get").Do(snskit.Params{"access_token": "own-token-123456789"})
	require.NoError(t, err)
	require.Len(t, s.requests(), 1)

	wrong := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.Session("sess")))
	_, err = wrong.Method("users.get").Do(nil)
	assert.ErrorContains(t, err, "cannot use the credential given (session key)")

	_, err = vkAPI(t, s).Method("users.get").WithVerb("GET").Do(nil)
	assert.ErrorContains(t, err, "stays out of URLs")

	failing := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.TokenSource(tokenFunc(func() (*oauth2.Token, error) {
		return nil, errors.New("refresh failed")
	}))))
	_, err = failing.Method("users.get").Do(nil)
	assert.ErrorContains(t, err, "refresh failed")
	assert.Len(t, s.requests(), 1, "refused calls send nothing")
}

func TestVKErrorCodes(t *testing.T) {
	cases := []struct {
		code  int
		msg   string
		class snskit.Class
	}{
		{1, "Unknown error occurred", snskit.ErrServer},
		{3, "Unknown method passed", snskit.ErrNotFound},
		{5, "User authorization failed: invalid access_token (4).", snskit.ErrTokenInvalid},
		{5, "User authorization failed: access_token has expired.", snskit.ErrTokenExpired},
		{6, "Too many requests per second", snskit.ErrRateLimited},
		{7, "Permission to perform this action is denied", snskit.ErrPermission},
		{8, "Invalid request: v is required", snskit.ErrBadParams},
		{9, "Flood control", snskit.ErrFloodControl},
		{10, "Internal server error", snskit.ErrServer},
		{14, "Captcha needed", snskit.ErrCaptcha},
		{15, "Access denied", snskit.ErrPermission},
		{17, "Validation required: please open redirect_uri in browser", snskit.ErrPermission},
		{29, "Rate limit reached", snskit.ErrQuotaExceeded},
		{100, "One of the parameters specified was missing or invalid", snskit.ErrBadParams},
		{113, "Invalid user id", snskit.ErrBadParams},
		{200, "Access to album denied", snskit.ErrPermission},
		{9999, "Something new", snskit.ErrUnclassified},
	}
	for _, c := range cases {
		body := `{"error":{"error_code":` + strconv.Itoa(c.code) + `,"error_msg":"` + c.msg + `","request_params":[{"key":"method","value":"users.get"},{"key":"oauth","value":"1"},{"key":"v","value":"5.199"}]}}`
		s := newServer(t, fixed(body))
		_, err := vkAPI(t, s).Method("users.get").Do(nil)
		var e *snskit.Error
		require.ErrorAs(t, err, &e, "code %d", c.code)
		assert.Equal(t, strconv.Itoa(c.code), e.Code)
		assert.Equal(t, c.msg, e.Message)
		assert.Equal(t, "vk", e.Platform)
		assert.Equal(t, "users.get", e.Method)
		assert.Equal(t, c.class, e.Class, "code %d", c.code)
		assert.ErrorIs(t, err, c.class)
		assert.Equal(t, "users.get", e.Detail.Get("request_params.0.value").String())
	}
}

func TestVKCaptchaDetailAndResend(t *testing.T) {
	s := newServer(t, func(r seen) reply {
		if r.Form.Get("captcha_key") == "sq7x" && r.Form.Get("captcha_sid") == "548" {
			return reply{Body: `{"response":{"post_id":7}}`}
		}
		return reply{Body: `{"error":{"error_code":14,"error_msg":"Captcha needed","request_params":[],"captcha_sid":"548","captcha_img":"https://api.vk.ru/captcha.php?sid=548"}}`}
	})
	api := vkAPI(t, s)
	params := snskit.Params{"message": "hi"}
	_, err := api.Method("wall.post").Do(params)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	sid := e.Detail.Get("captcha_sid").String()
	assert.Equal(t, "548", sid)
	assert.Contains(t, e.Detail.Get("captcha_img").String(), "captcha.php")

	params["captcha_sid"], params["captcha_key"] = sid, "sq7x"
	res, err := api.Method("wall.post").Do(params)
	require.NoError(t, err)
	assert.Equal(t, int64(7), res.Get("post_id").Int())
	assert.Equal(t, "hi", s.last(t).Form.Get("message"))
}

func TestVKExecuteErrorsAreNotDropped(t *testing.T) {
	s := newServer(t, fixed(`{"response":[[{"id":1,"first_name":"Павел"}],false],"execute_errors":[{"method":"friends.get","error_code":15,"error_msg":"Access denied: this profile is private"}]}`))
	code := `return [API.users.get({"user_ids": 1}), API.friends.get({"user_id": 2})];`
	res, err := vkAPI(t, s).Method("execute").Do(snskit.Params{"code": code})
	assert.Equal(t, "Павел", res.Get("0.0.first_name").String(), "the partial result is returned")
	var pe *snskit.PartialError
	require.ErrorAs(t, err, &pe)
	require.Len(t, pe.Errors, 1)
	assert.Equal(t, "friends.get", pe.Errors[0].Method)
	assert.Equal(t, "15", pe.Errors[0].Code)
	assert.ErrorIs(t, err, snskit.ErrPermission)
	assert.Equal(t, code, s.last(t).Form.Get("code"))
}

func TestVKBadReplies(t *testing.T) {
	for name, body := range map[string]string{
		"html":     `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`,
		"neither":  `{"result":1}`,
		"truncate": `{"response":[{"id":1,`,
		"empty":    ``,
	} {
		s := newServer(t, fixed(body))
		_, err := vkAPI(t, s).Method("users.get").Do(nil)
		var re *snskit.ReplyError
		require.ErrorAs(t, err, &re, name)
		assert.Equal(t, "vk", re.Platform)
	}
}

func TestVKUploadToUploadServer(t *testing.T) {
	// VK uploads go to the upload_url a *.getUploadServer call returns; the
	// file part is still built by snskit from a File param.
	s := newServer(t, fixed(`{"response":{"server":1,"photo":"[]","hash":"h"}}`))
	content := strings.Repeat("\x89PNG", 100)
	_, err := vkAPI(t, s).Method("photos.saveWallPhoto").Do(snskit.Params{"photo": snskit.Upload("me.png", strings.NewReader(content))})
	require.NoError(t, err)
	r := s.last(t)
	assert.Equal(t, content, r.Files["photo"].Content)
	assert.Equal(t, "me.png", r.Files["photo"].Name)
	assert.Equal(t, vkToken, r.Form.Get("access_token"))
}

func TestVKDryRun(t *testing.T) {
	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(vkToken)))
	require.NoError(t, err)
	req, err := api.Method("users.get").Request(context.Background(), snskit.Params{"user_ids": 1})
	require.NoError(t, err)
	assert.Equal(t, "https://api.vk.ru/method/users.get", req.URL.String())
	b, _ := io.ReadAll(req.Body)
	assert.Equal(t, "access_token="+vkToken+"&user_ids=1&v=5.199", string(b))
}

func TestVKValidationRedirectURI(t *testing.T) {
	s := newServer(t, fixed(`{"error":{"error_code":17,"error_msg":"Validation required: please open redirect_uri in browser","request_params":[],"redirect_uri":"https://id.vk.ru/validate?sid=1"}}`))
	_, err := vkAPI(t, s).Method("messages.send").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "17", e.Code)
	assert.Equal(t, "https://id.vk.ru/validate?sid=1", e.Detail.Get("redirect_uri").String())
}

func TestVKExpiredTokenIsRefreshedAndRetried(t *testing.T) {
	// VK error 5 "access_token has expired" with a refreshable source: one
	// refresh, one resend with the new token.
	s := newServer(t, func(r seen) reply {
		if r.Form.Get("access_token") == "fresh-token-000000" {
			return reply{Body: `{"response":[{"id":1}]}`}
		}
		return reply{Body: `{"error":{"error_code":5,"error_msg":"User authorization failed: access_token has expired.","request_params":[]}}`}
	})
	refreshes := 0
	live := auth.NewLive(&oauth2.Token{AccessToken: "stale-token-000000", RefreshToken: "rt"},
		func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
			refreshes++
			return &oauth2.Token{AccessToken: "fresh-token-000000"}, nil
		})
	api := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.TokenSource(live)))
	res, err := api.Method("users.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("0.id").Int())
	assert.Equal(t, 1, refreshes)
	rs := s.requests()
	require.Len(t, rs, 2)
	assert.Equal(t, "stale-token-000000", rs[0].Form.Get("access_token"))
	assert.Equal(t, "fresh-token-000000", rs[1].Form.Get("access_token"))
}

func TestVKErrorDetailMasksEchoedSecrets(t *testing.T) {
	s := newServer(t, fixed(`{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"548","captcha_img":"https://api.vk.ru/captcha.php?sid=548","request_params":[{"key":"method","value":"wall.post"},{"key":"captcha_key","value":"wrong-answer-123"}]}}`))
	_, err := vkAPI(t, s).Method("wall.post").Do(snskit.Params{"captcha_sid": "547", "captcha_key": "wrong-answer-123"})
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.NotContains(t, e.Detail.Raw, "wrong-answer-123")
	assert.Equal(t, "548", e.Detail.Get("captcha_sid").String())
}

func TestParseVKRedirectAtCountsFromTheGivenTime(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	res, err := platforms.ParseVKRedirectAt("https://oauth.vk.ru/blank.html#access_token=tok-0123456789&expires_in=86400&user_id=1&state=s", at)
	require.NoError(t, err)
	assert.Equal(t, at.Add(24*time.Hour), res.User.Expiry)
	never, err := platforms.ParseVKRedirectAt("https://oauth.vk.ru/blank.html#access_token=tok-0123456789&expires_in=0&user_id=1", at)
	require.NoError(t, err)
	assert.True(t, never.User.Expiry.IsZero(), "expires_in 0: never")
}
