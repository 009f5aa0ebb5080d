package e2e_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sandboxCaptcha answers every challenge with the sandbox's captcha text,
// counting the challenges it saw.
func sandboxCaptcha(n *atomic.Int32) snskit.Option {
	return snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
		n.Add(1)
		return snskit.Answer{Key: sandbox.VKCaptchaAnswer}, nil
	})
}

func TestVKCaptchaOldStyleDirectCallEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	var asked atomic.Int32
	api := vkClient(t, s, s.Token("vk").AccessToken, sandboxCaptcha(&asked))
	s.VKRequireCaptcha(1)
	res, err := api.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("0.id").Int())
	assert.Equal(t, int32(1), asked.Load())

	s.VKRequireCaptcha(1)
	plain := vkClient(t, s, s.Token("vk").AccessToken)
	_, err = plain.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.ErrorIs(t, err, snskit.ErrCaptcha, "without a handler the captcha is the call's error")
}

func TestVKCaptchaDirectAuthEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	var asked atomic.Int32
	api := appClient(t, s, clock, platforms.VK(), "vk", sandboxCaptcha(&asked))
	tok, err := platforms.VKDirectAuth(context.Background(), api, platforms.VKDirectAuthConfig{
		Username: sandbox.VKLoginCaptcha, Password: sandbox.VKPassword})
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	assert.Equal(t, int32(1), asked.Load(), "the client's captcha handler answered direct auth's need_captcha")
}

// pageSolver answers not-robot captchas by passing their page in the
// sandbox, and validations likewise.
func pageSolver(t *testing.T, s *sandbox.Server, seen *[]snskit.Challenge) snskit.Option {
	var mu sync.Mutex
	return snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
		mu.Lock()
		*seen = append(*seen, c)
		mu.Unlock()
		if c.Kind == snskit.ChallengeValidation {
			_, err := s.VKPassValidation(ctx, c.RedirectURI)
			return snskit.Answer{}, err
		}
		tok, err := s.VKSolveCaptcha(ctx, c.RedirectURI)
		return snskit.Answer{SuccessToken: tok}, err
	})
}

func TestVKCaptchaNotRobotDirectCallEndToEnd(t *testing.T) {
	for _, style := range []sandbox.VKCaptchaStyle{sandbox.VKCaptchaNotRobot, sandbox.VKCaptchaNotRobotWithSID} {
		s, _ := startSandbox(t)
		var seen []snskit.Challenge
		api := vkClient(t, s, s.Token("vk").AccessToken, pageSolver(t, s, &seen))
		s.VKRequireCaptchaStyle(1, style)
		res, err := api.Method("users.get").Do(snskit.Params{"user_ids": 1})
		require.NoError(t, err, "style %d", style)
		assert.Equal(t, int64(1), res.Get("0.id").Int())
		require.Len(t, seen, 1)
		assert.Contains(t, seen[0].RedirectURI, "not_robot_captcha")
		assert.Equal(t, style == sandbox.VKCaptchaNotRobotWithSID, seen[0].SID != "")
		assert.NotEmpty(t, seen[0].Detail.Get("remixstlid").String())
	}
}

func TestVKCaptchaNotRobotWrongTokenGivesUpEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	var n atomic.Int32
	api := vkClient(t, s, s.Token("vk").AccessToken, snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
		n.Add(1)
		clock.Advance(time.Second) // VK allows 3 calls a second
		return snskit.Answer{SuccessToken: "not-a-real-token"}, nil
	}))
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot)
	_, err := api.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	assert.Equal(t, int32(snskit.DefaultChallengeTries), n.Load())
}

func TestVKValidationEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	var seen []snskit.Challenge
	api := vkClient(t, s, s.Token("vk").AccessToken, pageSolver(t, s, &seen))
	require.NoError(t, s.VKRequireValidation(""))
	_, err := api.Method("users.get").Do(snskit.Params{"user_ids": 1})
	require.NoError(t, err)
	require.Len(t, seen, 1)
	assert.Equal(t, snskit.ChallengeValidation, seen[0].Kind)
}

func TestVKCaptchaInBatchResendsTheSlotAloneEndToEnd(t *testing.T) {
	styles := map[string]sandbox.VKCaptchaStyle{"legacy": sandbox.VKCaptchaLegacy, "not robot": sandbox.VKCaptchaNotRobot}
	for name, style := range styles {
		t.Run(name, func(t *testing.T) {
			s, _ := startSandbox(t)
			var seen []snskit.Challenge
			var api *snskit.API
			if style == sandbox.VKCaptchaLegacy {
				var n atomic.Int32
				api = vkClient(t, s, s.Token("vk").AccessToken, sandboxCaptcha(&n))
			} else {
				api = vkClient(t, s, s.Token("vk").AccessToken, pageSolver(t, s, &seen))
			}
			s.VKRequireCaptchaStyle(1, style, "wall.post")
			s.ResetRequests()
			res, err := api.Batch(context.Background(),
				snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
				snskit.BatchCall{Call: api.Method("wall.post"), Params: snskit.Params{"message": "batched"}})
			require.NoError(t, err)
			require.Len(t, res, 2)
			require.NoError(t, res[0].Err)
			require.NoError(t, res[1].Err, "the challenged slot was answered")
			assert.Equal(t, int64(1), res[0].Response.Result.Get("0.id").Int())
			assert.Positive(t, res[1].Response.Result.Get("post_id").Int())
			var alone []sandbox.Request
			for _, r := range s.Requests() {
				if r.Path == "/method/wall.post" {
					alone = append(alone, r)
				}
			}
			require.Len(t, alone, 1, "the slot that needed the captcha is resent alone")
			assert.Equal(t, "batched", vkFormValue(alone[0], "message"))
			assert.Len(t, served(s, "vk", "/method/users.get", ""), 0, "the other slot is not resent")
		})
	}
}
