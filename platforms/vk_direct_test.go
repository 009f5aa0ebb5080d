package platforms_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const vkPassword = "correct-horse-battery"

// vkScript answers the requests of a direct auth in turn.
func vkScript(t *testing.T, replies ...reply) *server {
	t.Helper()
	var mu sync.Mutex
	n := 0
	return newServer(t, func(seen) reply {
		mu.Lock()
		defer mu.Unlock()
		r := replies[min(n, len(replies)-1)]
		n++
		return r
	})
}

const (
	vkNeedValidation = `{"error":"need_validation","error_description":"sms sent, use code param","validation_type":"2fa_sms","validation_sid":"2fa_148267214_2056729_a9b5f2a2","phone_mask":"+7 *** *** ** 42","redirect_uri":"https://oauth.vk.ru/login?act=authcheck&api_hash=ab12"}`
	vkNeedCaptcha    = `{"error":"need_captcha","captcha_sid":"548219512417","captcha_img":"https://api.vk.ru/captcha.php?sid=548219512417&s=1"}`
	vkDirectOK       = `{"access_token":"vk1.a.direct-token-0000","expires_in":0,"user_id":148267214}`
)

func TestVKDirectAuthWith2FAAndCaptcha(t *testing.T) {
	s := vkScript(t, reply{Status: 401, Body: vkNeedValidation}, reply{Status: 401, Body: vkNeedCaptcha}, reply{Body: vkDirectOK})
	var gotV platforms.VKValidation
	var gotC platforms.VKCaptcha
	tok, err := platforms.VKDirectAuth(context.Background(), vkLoginAPI(t, s), platforms.VKDirectAuthConfig{
		Username: "+79990001122", Password: vkPassword, Scope: []string{"wall", "offline"},
		TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
			gotV = v
			return " 123456 ", nil
		},
		Captcha: func(ctx context.Context, c platforms.VKCaptcha) (string, error) {
			gotC = c
			return "q2x7", nil
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "vk1.a.direct-token-0000", tok.AccessToken)
	id, _ := platforms.VKUserID(tok)
	assert.Equal(t, int64(148267214), id)
	assert.Equal(t, platforms.VKValidation{Type: "2fa_sms", SID: "2fa_148267214_2056729_a9b5f2a2", PhoneMask: "+7 *** *** ** 42",
		RedirectURI: "https://oauth.vk.ru/login?act=authcheck&api_hash=ab12"}, gotV)
	assert.Equal(t, platforms.VKCaptcha{SID: "548219512417", Img: "https://api.vk.ru/captcha.php?sid=548219512417&s=1"}, gotC)

	reqs := s.requests()
	require.Len(t, reqs, 3)
	first := url.Values{"grant_type": {"password"}, "client_id": {"51234567"}, "client_secret": {vkLoginSecret},
		"username": {"+79990001122"}, "password": {vkPassword}, "scope": {"wall,offline"}, "2fa_supported": {"1"},
		"v": {platforms.VKDefaultVersion}}
	for _, r := range reqs {
		assert.Equal(t, "POST", r.Method)
		assert.Equal(t, "/vk/token", r.Path)
		assert.Empty(t, r.Query, "the password stays out of the URL")
	}
	assert.Equal(t, first, reqs[0].Form)
	assert.Equal(t, "123456", reqs[1].Form.Get("code"))
	assert.False(t, reqs[1].Form.Has("captcha_sid"))
	assert.Equal(t, "123456", reqs[2].Form.Get("code"), "the code is kept")
	assert.Equal(t, "548219512417", reqs[2].Form.Get("captcha_sid"))
	assert.Equal(t, "q2x7", reqs[2].Form.Get("captcha_key"))
}

func TestVKDirectAuthWrongCodeIsAskedAgain(t *testing.T) {
	s := vkScript(t, reply{Status: 401, Body: vkNeedValidation},
		reply{Status: 401, Body: `{"error":"invalid_request","error_type":"wrong_otp","error_description":"Wrong code"}`},
		reply{Body: vkDirectOK})
	var asked []platforms.VKValidation
	_, err := platforms.VKDirectAuth(context.Background(), vkLoginAPI(t, s), platforms.VKDirectAuthConfig{
		Username: "u", Password: vkPassword,
		TwoFactor: func(ctx context.Context, v platforms.VKValidation) (string, error) {
			asked = append(asked, v)
			return fmt.Sprint(len(asked)), nil
		},
	})
	require.NoError(t, err)
	require.Len(t, asked, 2)
	assert.False(t, asked[0].Retry)
	assert.True(t, asked[1].Retry)
	assert.Equal(t, "+7 *** *** ** 42", asked[1].PhoneMask)
	assert.Equal(t, "2", s.last(t).Form.Get("code"))
	assert.Equal(t, "offline", s.requests()[0].Form.Get("scope"), "the seed's default scope")
}

func TestVKDirectAuthTypedErrors(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := platforms.VKDirectAuthConfig{Username: "u", Password: vkPassword}
	for _, tc := range []struct {
		name, body, code string
		class            snskit.Class
		detail           string
	}{
		{"wrong password", `{"error":"invalid_client","error_description":"Username or password is incorrect"}`, "invalid_client", snskit.ErrTokenInvalid, ""},
		{"2fa without callback", vkNeedValidation, "need_validation", snskit.ErrPermission, "phone_mask"},
		{"captcha without callback", vkNeedCaptcha, "need_captcha", snskit.ErrCaptcha, "captcha_img"},
		{"password echoed", `{"error":"invalid_request","error_description":"bad password ` + vkPassword + `"}`, "invalid_request", snskit.ErrBadParams, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := vkScript(t, reply{Status: 401, Body: tc.body})
			_, err := platforms.VKDirectAuth(context.Background(), vkLoginAPI(t, s, snskit.WithLogger(logger)), cfg)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, 401, e.HTTPStatus)
			assert.ErrorIs(t, err, tc.class)
			if tc.detail != "" {
				assert.True(t, e.Detail.Get(tc.detail).Exists())
				assert.Contains(t, e.Message, "VKDirectAuthConfig.", "says what to set")
			}
			assert.NotContains(t, err.Error(), vkPassword)
			assert.NotContains(t, err.Error(), vkLoginSecret)
			assert.Len(t, s.requests(), 1)
		})
	}
	assert.NotEmpty(t, logs.String())
	assert.NotContains(t, logs.String(), vkPassword)
	assert.NotContains(t, logs.String(), vkLoginSecret)
}

func TestVKDirectAuthIsBounded(t *testing.T) {
	s := vkScript(t, reply{Status: 401, Body: vkNeedCaptcha})
	calls := 0
	_, err := platforms.VKDirectAuth(context.Background(), vkLoginAPI(t, s), platforms.VKDirectAuthConfig{
		Username: "u", Password: vkPassword,
		Captcha: func(context.Context, platforms.VKCaptcha) (string, error) { calls++; return "wrong", nil },
	})
	assert.ErrorContains(t, err, "giving up")
	assert.Len(t, s.requests(), 5)
	assert.Equal(t, 5, calls)

	boom := errors.New("the user closed the prompt")
	s = vkScript(t, reply{Status: 401, Body: vkNeedValidation})
	_, err = platforms.VKDirectAuth(context.Background(), vkLoginAPI(t, s), platforms.VKDirectAuthConfig{
		Username: "u", Password: vkPassword,
		TwoFactor: func(context.Context, platforms.VKValidation) (string, error) { return "", boom },
	})
	assert.ErrorIs(t, err, boom)
	assert.Len(t, s.requests(), 1)

	ctx, cancel := context.WithCancel(context.Background())
	s = vkScript(t, reply{Status: 401, Body: vkNeedValidation})
	_, err = platforms.VKDirectAuth(ctx, vkLoginAPI(t, s), platforms.VKDirectAuthConfig{
		Username: "u", Password: vkPassword,
		TwoFactor: func(context.Context, platforms.VKValidation) (string, error) { cancel(); return "1", nil },
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Len(t, s.requests(), 1)

	_, err = platforms.VKDirectAuth(context.Background(), vkLoginAPI(t, s), platforms.VKDirectAuthConfig{Username: "u"})
	assert.ErrorContains(t, err, "Password")
	_, err = platforms.VKDirectAuth(context.Background(), newAPI(t, platforms.VK(), s, "/vk"), platforms.VKDirectAuthConfig{Username: "u", Password: "p"})
	assert.ErrorContains(t, err, "WithApp")
}

func TestVKDirectAuthConfigMasksPassword(t *testing.T) {
	c := platforms.VKDirectAuthConfig{Username: "u", Password: "hunter2-password"}
	shown := fmt.Sprintf("%v %+v %#v %s", c, c, c, c)
	assert.NotContains(t, shown, "hunter2")
	assert.Contains(t, shown, "****")
}
