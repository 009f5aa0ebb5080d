package platforms_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	vkOldCaptcha = `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"548746231","captcha_img":"https://api.vk.ru/captcha.php?sid=548746231&s=1"}}`
	vkNewCaptcha = `{"error":{"error_code":14,"error_msg":"Captcha needed","redirect_uri":"https://id.vk.ru/not_robot_captcha?domain=vk.com&session_token=eyJ&variant=popup&blank=1","remixstlid":9012345678901,"captcha_ts":1761000000.5,"captcha_attempt":1}}`
	vkValidation = `{"error":{"error_code":17,"error_msg":"Validation required","redirect_uri":"https://id.vk.ru/validate?sid=1"}}`
	vkOK         = `{"response":[{"id":1}]}`
)

// challenged answers the first n requests with body, the rest with vkOK.
func challenged(n int, body string) *challengeServer {
	return &challengeServer{left: n, body: body}
}

type challengeServer struct {
	mu   sync.Mutex
	left int
	body string
}

func (c *challengeServer) answer(seen) reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left > 0 {
		c.left--
		return reply{Body: c.body}
	}
	return reply{Body: vkOK}
}

// recordingHandler returns a handler that records its challenges and
// answers with ans.
func recordingHandler(ans snskit.Answer, err error) (snskit.ChallengeHandler, *[]snskit.Challenge) {
	var mu sync.Mutex
	var got []snskit.Challenge
	return func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, c)
		return ans, err
	}, &got
}

// captchaAPI is a VK client whose captcha handler answers ans (or fails
// with err), on a server that challenges the first n calls with body.
func captchaAPI(t *testing.T, n int, body string, ans snskit.Answer, err error) (*snskit.API, *server, *[]snskit.Challenge) {
	t.Helper()
	cs := challenged(n, body)
	s := newServer(t, cs.answer)
	h, got := recordingHandler(ans, err)
	return newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.Token("tok-123456789")), snskit.WithCaptcha(h)), s, got
}

func TestVKCaptchaOldStyleAnsweredByHandler(t *testing.T) {
	api, s, got := captchaAPI(t, 1, vkOldCaptcha, snskit.Answer{Key: "x7k2"}, nil)
	res, err := api.Method("wall.post").Do(snskit.Params{"message": "hi"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("0.id").Int())
	require.Len(t, *got, 1)
	c := (*got)[0]
	assert.Equal(t, snskit.ChallengeCaptcha, c.Kind)
	assert.Equal(t, "548746231", c.SID)
	assert.Equal(t, "https://api.vk.ru/captcha.php?sid=548746231&s=1", c.ImageURL)
	assert.Equal(t, "wall.post", c.Method)
	assert.Equal(t, 1, c.Attempt)
	reqs := s.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "548746231", reqs[1].Form.Get("captcha_sid"))
	assert.Equal(t, "x7k2", reqs[1].Form.Get("captcha_key"))
	assert.Equal(t, "hi", reqs[1].Form.Get("message"), "the resend keeps the call's parameters")
	assert.Empty(t, reqs[0].Form.Get("captcha_key"))
}

func TestVKCaptchaNewStyleSendsSuccessTokenAndRemixstlid(t *testing.T) {
	api, s, got := captchaAPI(t, 1, vkNewCaptcha, snskit.Answer{SuccessToken: "succ-token-0123456789"}, nil)
	_, err := api.Method("users.get").Do(nil)
	require.NoError(t, err)
	require.Len(t, *got, 1)
	c := (*got)[0]
	assert.Contains(t, c.RedirectURI, "not_robot_captcha")
	assert.Empty(t, c.SID)
	assert.Equal(t, 1.0, c.Detail.Get("captcha_attempt").Float())
	last := s.last(t)
	assert.Equal(t, "succ-token-0123456789", last.Form.Get("success_token"))
	assert.Equal(t, "9012345678901", last.Form.Get("remixstlid"))
	assert.Equal(t, "remixstlid=9012345678901", last.Header.Get("Cookie"))
	assert.Empty(t, last.Form.Get("captcha_key"))
}

func TestVKCaptchaRemixstlidFromCookie(t *testing.T) {
	p, ok := platforms.VK().(driver.Challenger)
	require.True(t, ok, "VK implements driver.Challenger")
	e := &snskit.Error{Platform: "vk", Method: "users.get", Code: "14"}
	c, ok := p.Challenge(e, http.Header{"Set-Cookie": {"remixstlid=777; Path=/; Secure"}})
	require.True(t, ok)
	r, err := p.ChallengeAnswer(c, snskit.Answer{SuccessToken: "succ"})
	require.NoError(t, err)
	assert.Equal(t, "777", r.Params.Get("remixstlid"))
	assert.Equal(t, "remixstlid=777", r.Header.Get("Cookie"))
	_, ok = p.Challenge(&snskit.Error{Code: "5"}, nil)
	assert.False(t, ok, "error 5 is no challenge")
}

func TestVKValidationReachesHandler(t *testing.T) {
	api, s, got := captchaAPI(t, 1, vkValidation, snskit.Answer{}, nil)
	_, err := api.Method("wall.post").Do(nil)
	require.NoError(t, err)
	require.Len(t, *got, 1)
	assert.Equal(t, snskit.ChallengeValidation, (*got)[0].Kind)
	assert.Equal(t, "https://id.vk.ru/validate?sid=1", (*got)[0].RedirectURI)
	assert.Len(t, s.requests(), 2)
}

func TestVKCaptchaGivesUpAfterTries(t *testing.T) {
	api, s, got := captchaAPI(t, 100, vkOldCaptcha, snskit.Answer{Key: "wrong"}, nil)
	_, err := api.Method("wall.post").Do(nil)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	assert.Len(t, *got, snskit.DefaultChallengeTries)
	assert.Len(t, s.requests(), snskit.DefaultChallengeTries+1)
	for i, c := range *got {
		assert.Equal(t, i+1, c.Attempt)
	}
}

func TestVKCaptchaHandlerErrorAndNoHandler(t *testing.T) {
	stop := errors.New("user closed the window")
	api, s, _ := captchaAPI(t, 100, vkOldCaptcha, snskit.Answer{}, stop)
	_, err := api.Method("wall.post").Do(nil)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	require.ErrorIs(t, err, stop)
	assert.Len(t, s.requests(), 1)

	plain := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.Token("tok-123456789")))
	_, err = plain.Method("wall.post").Do(nil)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	assert.Len(t, s.requests(), 2)

	empty, _ := recordingHandler(snskit.Answer{}, nil)
	api2 := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.Token("tok-123456789")), snskit.WithCaptcha(empty))
	_, err = api2.Method("wall.post").Do(nil)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	assert.Contains(t, err.Error(), "empty answer")

	_, err = snskit.New(platforms.VK(), snskit.WithCaptcha(nil))
	assert.ErrorContains(t, err, "WithCaptcha(nil)")
}

func TestVKCaptchaKeyNeedsSID(t *testing.T) {
	api, _, _ := captchaAPI(t, 1, vkNewCaptcha, snskit.Answer{Key: "typed"}, nil)
	_, err := api.Method("users.get").Do(nil)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	assert.Contains(t, err.Error(), "SuccessToken")
}

func TestVKCaptchaAnswerNeverShown(t *testing.T) {
	const token = "succ-secret-token-42424242"
	body := `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"1","request_params":[{"key":"success_token","value":"` + token + `"}]}}`
	api, _, _ := captchaAPI(t, 100, body, snskit.Answer{SuccessToken: token}, nil)
	_, err := api.Method("users.get").Do(nil)
	require.Error(t, err)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.NotContains(t, err.Error(), token)
	assert.NotContains(t, fmt.Sprintf("%#v %+v", e, e), token)
	assert.NotContains(t, e.Detail.Raw, token)
	assert.True(t, driver.IsSecretParam("success_token"))
}

func TestVKCaptchaConcurrent(t *testing.T) {
	s := newServer(t, func(r seen) reply {
		if r.Form.Get("captcha_key") == "ok" {
			return reply{Body: vkOK}
		}
		return reply{Body: vkOldCaptcha}
	})
	h, _ := recordingHandler(snskit.Answer{Key: "ok"}, nil)
	api := newAPI(t, platforms.VK(), s, "/vk", snskit.WithAuth(auth.Token("tok-123456789")), snskit.WithCaptcha(h))
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := api.Method("wall.post").Do(nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Len(t, s.requests(), 40)
}

// The HTTP-level challenge is read from the reply's header, whatever the
// status and the body, and answered with a header.
func TestVKHitmanChallengeFromHeader(t *testing.T) {
	vk := platforms.VK()
	hdr := http.Header{"X-Challenge": {"required"}, "X-Challenge-Url": {"/challenge?s=1"}}
	for _, body := range []string{`{"response":[{"id":1}]}`, `<html>no</html>`, ``} {
		r := &snskit.Response{Platform: "vk", Method: "users.get", StatusCode: http.StatusForbidden, Header: hdr, Body: body}
		_, err := vk.Decode(r)
		var e *snskit.Error
		require.ErrorAs(t, err, &e, "body %q", body)
		assert.Equal(t, "challenge", e.Code)
		assert.ErrorIs(t, err, snskit.ErrCaptcha)
	}
	r := &snskit.Response{Platform: "vk", Method: "users.get", StatusCode: http.StatusOK,
		Header: http.Header{"X-Challenge": {"none"}}, Body: `{"response":[{"id":1}]}`}
	res, err := vk.Decode(r)
	require.NoError(t, err, "only X-Challenge: required is a challenge")
	assert.Equal(t, int64(1), res.Get("0.id").Int())

	_, err = vk.Decode(&snskit.Response{Platform: "vk", Method: "users.get", StatusCode: 403, Header: hdr, Body: "x"})
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	ch := vk.(driver.Challenger)
	c, ok := ch.Challenge(e, hdr)
	require.True(t, ok)
	assert.Equal(t, snskit.ChallengeCaptcha, c.Kind)
	assert.Equal(t, "/challenge?s=1", c.RedirectURI, "a path: snskit puts the request's host before it")
	rs, err := ch.ChallengeAnswer(c, snskit.Answer{SuccessToken: "tok"})
	require.NoError(t, err)
	assert.Equal(t, "tok", rs.Header.Get("X-Challenge-Solution"))
	assert.Empty(t, rs.Params)
	_, err = ch.ChallengeAnswer(c, snskit.Answer{Key: "abc"})
	assert.ErrorContains(t, err, "SuccessToken")
}
