package e2e_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

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

// A challenge passed once clears the client for the host: the solution goes
// on its later requests, and the person is asked once, as VK ID's SDK does.
func TestVKHitmanSolutionIsKeptForTheHostEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	var seen []snskit.Challenge
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := vkClient(t, s, s.Token("vk").AccessToken, pageSolver(t, s, &seen), snskit.WithLogger(logger))
	s.VKRequireCaptchaStyle(4, sandbox.VKCaptchaHitman)
	for i := range 3 {
		clock.Advance(time.Second)
		_, err := api.Method("users.get").Do(snskit.Params{"user_ids": i + 1})
		require.NoError(t, err, "call %d", i)
	}
	assert.Len(t, seen, 1, "one page passed for three calls")
	var solutions []string
	for _, r := range s.Requests() {
		if v := r.Header.Get("X-Challenge-Solution"); v != "" && r.Path == "/method/users.get" {
			solutions = append(solutions, v)
		}
	}
	require.Len(t, solutions, 3, "the resend and the two later calls carry it")
	assert.Equal(t, solutions[0], solutions[2])
	assert.NotContains(t, logs.String(), solutions[0])

	// A client of its own keeps nothing of another's.
	other := vkClient(t, s, s.Token("vk").AccessToken)
	clock.Advance(time.Second)
	_, err := other.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.ErrorIs(t, err, snskit.ErrCaptcha)
}
