package e2e_test

import (
	"context"
	"sync/atomic"
	"testing"

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
