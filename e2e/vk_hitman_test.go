package e2e_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// VK's HTTP-level challenge: the handler gets the page on the request's
// host, and the call is resent with the page's token in a header that no
// log shows.
func TestVKHitmanChallengeEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	var seen []snskit.Challenge
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := vkClient(t, s, s.Token("vk").AccessToken, pageSolver(t, s, &seen), snskit.WithLogger(logger))
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaHitman, "wall.post")

	res, err := api.Method("wall.post").Do(snskit.Params{"message": "past the challenge"})
	require.NoError(t, err)
	assert.Positive(t, res.Get("post_id").Int())
	require.Len(t, seen, 1)
	assert.Equal(t, snskit.ChallengeCaptcha, seen[0].Kind)
	assert.True(t, strings.HasPrefix(seen[0].RedirectURI, "http://127.0.0.1:"), "the page's path on the request's host: %q", seen[0].RedirectURI)
	assert.Contains(t, seen[0].RedirectURI, "/vk/not_robot_captcha?")

	var resent *sandbox.Request
	for _, r := range s.Requests() {
		if r.Path == "/method/wall.post" && r.Header.Get("X-Challenge-Solution") != "" {
			resent = &r
		}
	}
	require.NotNil(t, resent, "the resend carries X-Challenge-Solution")
	assert.NotContains(t, logs.String(), resent.Header.Get("X-Challenge-Solution"))

	// Without a handler: a captcha error that says what to do.
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaHitman)
	plain := vkClient(t, s, s.Token("vk").AccessToken)
	_, err = plain.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "challenge", e.Code)
	assert.Equal(t, 403, e.HTTPStatus)
	assert.Contains(t, err.Error(), "WithCaptcha")
}
