package main

import (
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/sandbox"
)

func noEnv(string) string { return "" }

func TestVKOnTheSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, strings.NewReader(sandbox.VKValidationCode+"\n"), noEnv))
	got := out.String()

	assert.Contains(t, got, "running against the built-in sandbox")
	assert.Regexp(t, `(?m)^token \*\*\*\*\S{4}\nusers\.get  id 1: Pavel Primerov, Moscow\nusers\.get  id 2: Maria Testova, Saint Petersburg$`, got)
	assert.Contains(t, got, "VK sent a code by SMS to +7 *** *** ** 12; type it (the sandbox's code is 424242): ", "the 2FA prompt")
	assert.Regexp(t, `(?m)logged in as user 2; token \*\*\*\*\S{4}, never expires \(the offline scope\)$`, got)
	assert.Contains(t, got, "users.get  Maria Testova (id 2), with the new token")
	assert.Regexp(t, `(?m)^authorize URL  http://127\.0\.0\.1:\d+/vk/authorize\?.*group_ids=1%2C2.*response_type=token`, got)
	assert.Regexp(t, `(?m)^community 1: token \*\*\*\*\S{4}\ncommunity 2: token \*\*\*\*\S{4}$`, got)
	assert.Contains(t, got, "users.get  group_id=1, with community 1's token: Pavel Primerov\n")
	assert.Contains(t, got, "users.get  group_id=2, with community 2's token: Pavel Primerov\n")
	assert.NotContains(t, got, sandbox.VKPassword)
	assert.NotContains(t, got, sandbox.VKAppSecret)
}

func TestVKTwoFactorCodeTypedAgain(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out, strings.NewReader("000000\n"+sandbox.VKValidationCode+"\n"), noEnv))
	assert.Contains(t, out.String(), "VK did not accept the code; type it again: logged in as user 2")
}

func TestVKTwoFactorWithoutAnAnswer(t *testing.T) {
	err := run(context.Background(), io.Discard, strings.NewReader(""), noEnv)
	assert.ErrorContains(t, err, "direct auth")
	assert.ErrorContains(t, err, "reading the answer: EOF")
}

// person answers the example's prompts as a person at the terminal would:
// the two-factor code, and the address the browser lands on after the
// authorize URL (the sandbox approves at once).
type person struct {
	s       *sandbox.Server
	answers *io.PipeWriter

	mu  sync.Mutex
	out strings.Builder
}

var authorizeLine = regexp.MustCompile(`(?m)^authorize URL  (\S+)$`)

func (p *person) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out.Write(b)
	var answer func() (string, error)
	switch m := authorizeLine.FindSubmatch(b); {
	case m != nil:
		u := string(m[1]) // b is the writer's to reuse once Write returns
		answer = func() (string, error) {
			back, err := p.s.Approve(context.Background(), u)
			if err != nil {
				return "", err
			}
			return back.String(), nil
		}
	case strings.Contains(string(b), "VK sent a code by SMS"):
		answer = func() (string, error) { return sandbox.VKValidationCode, nil }
	}
	if answer != nil {
		go func() {
			a, err := answer()
			if err != nil {
				p.answers.CloseWithError(err)
				return
			}
			_, _ = io.WriteString(p.answers, a+"\n")
		}()
	}
	return len(b), nil
}

func (p *person) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func TestVKWithCredentials(t *testing.T) {
	s, err := sandbox.New() // stands for VK, reached through SNSKIT_VK_BASE_URL
	require.NoError(t, err)
	defer s.Close()
	token := s.Token(sandbox.VK).AccessToken
	env := map[string]string{
		"SNSKIT_VK_TOKEN": token, "SNSKIT_VK_APP_ID": sandbox.VKAppID, "SNSKIT_VK_APP_SECRET": sandbox.VKAppSecret,
		"SNSKIT_VK_USERNAME": sandbox.VKLogin2FA, "SNSKIT_VK_PASSWORD": sandbox.VKPassword,
		"SNSKIT_VK_GROUP_IDS": "2", "SNSKIT_VK_BASE_URL": s.URL(sandbox.VK),
	}
	in, answers := io.Pipe()
	defer in.Close()
	p := &person{s: s, answers: answers}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, run(ctx, p, in, func(k string) string { return env[k] }))
	got := p.String()

	assert.NotContains(t, got, "sandbox", "with credentials it starts no sandbox")
	assert.Contains(t, got, "running against VK with the credentials of the environment")
	assert.Contains(t, got, "token "+auth.Mask(token)+"\n")
	assert.Contains(t, got, "type it: logged in as user 2")
	assert.Contains(t, got, "paste the address you land on")
	assert.Contains(t, got, "users.get  group_id=2, with community 2's token")
	assert.NotContains(t, got, "community 1")

	secrets := []string{sandbox.VKPassword, sandbox.VKAppSecret, token}
	for _, r := range s.Requests() {
		secrets = append(secrets, r.Form["access_token"]...)
	}
	for _, secret := range secrets {
		assert.NotContains(t, got, secret)
	}
	paths := map[string]bool{}
	for _, r := range s.Requests() {
		paths[r.Path] = true
	}
	assert.True(t, paths["/token"] && paths["/authorize"] && paths["/method/users.get"], "every step went to the environment's VK")
}

func TestVKSkipsStepsWithoutTheirVariables(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	env := map[string]string{"SNSKIT_VK_TOKEN": s.Token(sandbox.VK).AccessToken, "SNSKIT_VK_BASE_URL": s.URL(sandbox.VK)}
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out, strings.NewReader(""), func(k string) string { return env[k] }))
	got := out.String()
	assert.Contains(t, got, "users.get  id 1: Pavel Primerov")
	assert.Contains(t, got, "== 2. Direct auth with a login and password ==\nskipped: set SNSKIT_VK_APP_ID, SNSKIT_VK_APP_SECRET, SNSKIT_VK_USERNAME and SNSKIT_VK_PASSWORD\n")
	assert.Contains(t, got, "== 3. Community tokens ==\nskipped: set SNSKIT_VK_APP_ID and SNSKIT_VK_GROUP_IDS\n")

	err = run(context.Background(), io.Discard, strings.NewReader(""), func(k string) string {
		return map[string]string{"SNSKIT_VK_APP_ID": "1", "SNSKIT_VK_GROUP_IDS": "-5"}[k]
	})
	assert.ErrorContains(t, err, "SNSKIT_VK_GROUP_IDS")
}
