package e2e_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/internal/leaktest"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestVKListeningAndVKIDLeakNoSecretEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	var logs strings.Builder
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(vkLockedWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logged := func() string { logMu.Lock(); defer logMu.Unlock(); return logs.String() }

	// The long poll key rides in a_check's URL: the debug log masks it.
	group, err := s.IssueToken("vk", sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	reader := vkClient(t, s, group.AccessToken, snskit.WithLogger(logger))
	user := vkClient(t, s, s.Token("vk").AccessToken)
	poster(t, user, clock, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for _, err := range (platforms.VKBotsLongPoll{GroupID: 1, TS: "0", Wait: time.Second}).Events(ctx, reader) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	var keys []string
	for _, r := range served(s, "vk", "/longpoll/bots", "") {
		keys = append(keys, r.Form["key"]...)
	}
	require.NotEmpty(t, keys)
	require.Contains(t, logged(), "a_check", "the polls were logged")
	leaktest.NoSecret(t, logged(), append(keys, group.AccessToken)...)

	// A refused VK ID refresh names neither token.
	api, login := vkIDLogin(t, s, clock)
	tok := vkIDSignIn(t, login)
	_, err = login.Refresh(context.Background(), tok)
	require.NoError(t, err)
	_, err = login.Refresh(context.Background(), tok) // rotated out
	require.ErrorIs(t, err, snskit.ErrTokenInvalid)
	leaktest.NoSecret(t, err, tok.RefreshToken, tok.AccessToken)
	_, err = platforms.VKIDUserInfo(context.Background(), api, &oauth2.Token{AccessToken: tok.AccessToken + "x"})
	require.Error(t, err)
	leaktest.NoSecret(t, err, tok.AccessToken+"x")

	// A captcha answer the handler gave never reaches the error.
	s.VKRequireCaptchaStyle(5, sandbox.VKCaptchaNotRobot)
	const answer = "not-the-sandbox-token-0123456789"
	capt := vkClient(t, s, s.Token("vk").AccessToken, snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
		clock.Advance(time.Second)
		return snskit.Answer{SuccessToken: answer}, nil
	}), snskit.WithLogger(logger))
	_, err = capt.Method("users.get").Do(nil)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	leaktest.NoSecret(t, err, answer)
	leaktest.NoSecret(t, logged(), answer)
}
