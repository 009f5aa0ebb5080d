package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallAsksTheCaptcha(t *testing.T) {
	s := newSandbox(t)
	tok := s.Token("vk").AccessToken
	s.VKRequireCaptcha(1)
	r := runCLIInput(t, nil, sandbox.VKCaptchaAnswer+"\n", "call", "-captcha", "ask", "-base-url", s.URL("vk"), "-token", tok, "vk", "users.get", "user_ids=1")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "asks for a captcha")
	assert.Contains(t, r.stderr, "/captcha.php?sid=")
	assert.Contains(t, r.stdout, `"id":1`)
}

func TestCallNewCaptchaOffTerminalSaysHowToResend(t *testing.T) {
	s := newSandbox(t)
	tok := s.Token("vk").AccessToken
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot)
	r := runCLI(t, nil, "call", "-base-url", s.URL("vk"), "-token", tok, "vk", "users.get", "user_ids=1")
	require.Equal(t, exitPlatform, r.code, "not on a terminal: the captcha is an error")
	assert.Contains(t, r.stderr, "error 14")
	assert.Contains(t, r.stderr, "not_robot_captcha")
	assert.Contains(t, r.stderr, "success_token=TOKEN")
	assert.Contains(t, r.stderr, "remixstlid=")
	assert.Contains(t, r.stderr, "-captcha ask")
}

func TestCallHitmanChallengeOffTerminalSaysWhereAndHow(t *testing.T) {
	s := newSandbox(t)
	tok := s.Token("vk").AccessToken
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaHitman)
	r := runCLI(t, nil, "call", "-base-url", s.URL("vk"), "-token", tok, "vk", "users.get", "user_ids=1")
	require.Equal(t, exitPlatform, r.code, "not on a terminal: the challenge is an error")
	assert.Contains(t, r.stderr, "challenge page first: http://127.0.0.1:", "the page on the request's host")
	assert.Contains(t, r.stderr, "/vk/not_robot_captcha?")
	assert.Contains(t, r.stderr, "-captcha ask")
	assert.NotContains(t, r.stderr, "success_token=TOKEN", "its answer is a header, not a parameter")
}

func TestCallCaptchaFailsOffTerminal(t *testing.T) {
	s := newSandbox(t)
	s.VKRequireCaptcha(1)
	r := runCLI(t, nil, "call", "-base-url", s.URL("vk"), "-token", s.Token("vk").AccessToken, "vk", "users.get")
	require.Equal(t, exitPlatform, r.code, r.all())
	assert.Contains(t, r.stderr, "captcha_sid=")
	assert.Contains(t, r.stderr, "captcha_key=TEXT")
	assert.Empty(t, r.stdout)

	r = runCLI(t, nil, "call", "-captcha", "maybe", "-sandbox", "vk", "users.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-captcha \"maybe\": want one of auto, ask, fail")
}

func TestCallRefreshesAStoredVKIDTokenWithoutSecret(t *testing.T) {
	s := newSandbox(t)
	api, err := snskit.New(platforms.VKID(), snskit.WithBaseURL(s.URL("vk")), snskit.WithApp(sandbox.VKIDAppID, ""))
	require.NoError(t, err)
	login, err := api.Login("http://127.0.0.1:9/callback")
	require.NoError(t, err)
	state, pkce := auth.NewState(), auth.NewPKCE()
	u, err := login.AuthCodeURL(state, snskit.WithPKCE(pkce))
	require.NoError(t, err)
	loc, err := s.Approve(context.Background(), u)
	require.NoError(t, err)
	tok, err := platforms.VKIDExchange(context.Background(), login, loc.Query(), state, pkce)
	require.NoError(t, err)

	file := tokenPath(t)
	saved := auth.NewSaved(tok)
	saved.Platform, saved.AppID, saved.RedirectURL = "vk", sandbox.VKIDAppID, "http://127.0.0.1:9/callback"
	saved.Expiry = time.Now().Add(-time.Minute) // stale: the call must refresh it
	key := tokenKey("vk", s.URL("vk"), false)
	storeToken(t, file, key, saved)

	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-base-url", s.URL("vk"), "vk", "users.get")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, 1, refreshes(s), "VK ID's refresh needs no app secret")
	now := loadToken(t, file, key)
	assert.NotEqual(t, tok.RefreshToken, now.RefreshToken, "the rotated refresh token is stored")
	assert.Equal(t, saved.DeviceID, now.DeviceID)
	assert.NotContains(t, r.all(), now.AccessToken)
}

func TestCallAsksTheNewCaptchaAndSendsItsToken(t *testing.T) {
	s := newSandbox(t)
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot)
	in, feed := io.Pipe()
	var stdout, stderr syncBuffer
	con := console{stdin: in, stdout: &stdout, stderr: &stderr}
	code := make(chan int, 1)
	go func() {
		code <- run(context.Background(), []string{"call", "-captcha", "ask", "-base-url", s.URL("vk"),
			"-token", s.Token("vk").AccessToken, "vk", "users.get", "user_ids=1"}, con, testEnv(t, nil))
	}()
	// Play the user: read the page from the prompt, pass it, paste the token.
	var page string
	require.Eventually(t, func() bool {
		for _, f := range strings.Fields(stderr.String()) {
			if strings.Contains(f, "not_robot_captcha") {
				page = f
			}
		}
		return page != "" && strings.Contains(stderr.String(), "success token: ")
	}, 10*time.Second, 5*time.Millisecond)
	tok, err := s.VKSolveCaptcha(context.Background(), page)
	require.NoError(t, err)
	_, err = io.WriteString(feed, tok+"\n")
	require.NoError(t, err)
	select {
	case c := <-code:
		require.Equal(t, exitOK, c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not end")
	}
	assert.Contains(t, stdout.String(), `"id":1`)
	assert.NotContains(t, stdout.String()+stderr.String(), tok, "the pasted token is not echoed")
}
