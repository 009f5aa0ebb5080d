package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkPostWith posts a form to a VK method with extra request headers, as a
// third-party client would, and returns the reply.
func vkPostWith(t *testing.T, s *sandbox.Server, clk *sandbox.Clock, method string, form url.Values, h http.Header) (*http.Response, string) {
	t.Helper()
	clk.Advance(400 * time.Millisecond) // VK's 3 calls a second
	req, err := http.NewRequest(http.MethodPost, s.URL(sandbox.VK)+"/method/"+method, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestVKHitmanChallenge(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.VK).AccessToken
	form := url.Values{"access_token": {tok}, "v": {"5.199"}, "message": {"hi"}}
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaHitman, "wall.post")

	assert.Zero(t, vkErrCode(vkAPI(t, s, tok, "users.get", nil)), "only wall.post is challenged")
	resp, body := vkPostWith(t, s, clk, "wall.post", form, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "required", resp.Header.Get("X-Challenge"))
	page := resp.Header.Get("X-Challenge-Url")
	require.True(t, strings.HasPrefix(page, "/vk/not_robot_captcha?"), "a path on the request's host: %q", page)
	assert.Contains(t, body, "<html", "the body is a page, not an API reply")

	origin, err := url.Parse(s.URL(sandbox.VK))
	require.NoError(t, err)
	token, err := s.VKSolveCaptcha(context.Background(), origin.Scheme+"://"+origin.Host+page)
	require.NoError(t, err)
	require.NotEmpty(t, token)

	resp, _ = vkPostWith(t, s, clk, "wall.post", form, http.Header{"X-Challenge-Solution": {"wrong"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a wrong solution")
	resp, body = vkPostWith(t, s, clk, "wall.post", form, http.Header{"X-Challenge-Solution": {token}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `"post_id"`)

	// A cleared client stays cleared: the same solution passes later calls.
	s.VKRequireCaptchaStyle(2, sandbox.VKCaptchaHitman)
	for range 2 {
		resp, body = vkPostWith(t, s, clk, "wall.post", form, http.Header{"X-Challenge-Solution": {token}})
		assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	}
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaHitman)
	resp, _ = vkPostWith(t, s, clk, "wall.post", form, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "without it, the challenge again")

	// Inside execute the calls are not challenged; the request is.
	resp, _ = vkPostWith(t, s, clk, "execute", url.Values{"access_token": {tok}, "v": {"5.199"}, "code": {`return API.users.get({"user_ids":"1"});`}}, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}
