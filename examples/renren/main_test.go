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

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestRenrenOnTheSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, strings.NewReader(""), envOf(nil)))
	got := out.String()

	assert.Contains(t, got, "running against the built-in sandbox")
	assert.Regexp(t, `(?m)^authorize URL  http://127\.0\.0\.1:\d+/renren/oauth/authorize\?.*&x_renew=true$`, got)
	assert.Regexp(t, `(?m)^logged in      \S+ \(id 600000001\); state checked; token \*\*\*\*\S{4} valid until \d{4}-\d\d-\d\d, refresh token \*\*\*\*\S{4}$`, got)
	assert.Regexp(t, `(?m)^user\.get       \S+ \(id 600000001\)$`, got)
	assert.Regexp(t, `(?m)^photo\.upload   uploaded test\.png \(\d+ bytes\) as photo \d+ in album \d+$`, got)
	assert.Regexp(t, `(?m)^users\.getInfo  \S+ \(uid 600000001\), with the OAuth 2\.0 token$`, got)
	assert.Regexp(t, `(?m)^users\.getLoggedInUser  uid 600000001, with the session key \*\*\*\*\S{4}$`, got)
	assert.Contains(t, got, "status.set     posted with the session key")
	// The refresh happens once, between "a month later" and the call.
	assert.Regexp(t, `a month later.*\nauth\.OnToken: new token \*\*\*\*\S{4}, valid until \d{4}-\d\d-\d\d: store it for the next run\nuser\.login\.get \S+, with the refreshed token\n$`, got)
	assert.Equal(t, 1, strings.Count(got, "auth.OnToken"), "one refresh")
}

// renrenSecrets returns the secrets the sandbox saw, of 8 bytes or more.
func renrenSecrets(s *sandbox.Server) []string {
	var out []string
	add := func(v string) {
		if len(v) >= 8 {
			out = append(out, v)
		}
	}
	add(s.App(sandbox.Renren).Secret)
	for _, r := range s.Requests() {
		for _, k := range []string{"access_token", "refresh_token", "code", "client_secret", "session_key", "oauth_token", "sig"} {
			for _, v := range r.Form[k] {
				add(v)
			}
		}
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			add(bearer)
		}
	}
	return out
}

func TestRenrenWithATokenFromTheEnvironment(t *testing.T) {
	s, err := sandbox.New() // stands for Renren, reached through SNSKIT_RENREN_BASE_URL
	require.NoError(t, err)
	defer s.Close()
	app, creds := s.App(sandbox.Renren), s.Token(sandbox.Renren)
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out, strings.NewReader(""), envOf(map[string]string{
		"SNSKIT_RENREN_APP_ID": app.ID, "SNSKIT_RENREN_APP_SECRET": app.Secret,
		"SNSKIT_RENREN_BASE_URL": s.URL(sandbox.Renren), "SNSKIT_RENREN_TOKEN": creds.AccessToken,
		"SNSKIT_RENREN_REFRESH_TOKEN": creds.RefreshToken, "SNSKIT_EXAMPLE_WRITE": "1",
	})))
	got := out.String()
	assert.NotContains(t, got, "sandbox", "with credentials it starts no sandbox")
	assert.Contains(t, got, "running against Renren with the application "+app.ID)
	assert.Contains(t, got, "token "+auth.Mask(creds.AccessToken)+" from SNSKIT_RENREN_TOKEN")
	assert.NotContains(t, got, "authorize URL", "no login with a token")
	assert.Contains(t, got, "photo.upload   uploaded test.png")
	assert.Contains(t, got, "the token's expiry is unknown", "no clock to move on a real platform")

	paths := map[string]int{}
	for _, r := range s.Requests() {
		paths[r.Path]++
	}
	for _, p := range []string{"/v2/user/get", "/v2/photo/upload", "/restserver.do", "/renren_api/session_key"} {
		assert.Positive(t, paths[p], "%s went to the environment's Renren", p)
	}
	secrets := renrenSecrets(s)
	require.NotEmpty(t, secrets)
	for _, secret := range secrets {
		assert.NotContains(t, got, secret)
	}
}

func TestRenrenWithoutWritesOnARealAccount(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	app := s.App(sandbox.Renren)
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out, strings.NewReader(""), envOf(map[string]string{
		"SNSKIT_RENREN_APP_ID": app.ID, "SNSKIT_RENREN_APP_SECRET": app.Secret,
		"SNSKIT_RENREN_BASE_URL": s.URL(sandbox.Renren), "SNSKIT_RENREN_TOKEN": s.Token(sandbox.Renren).AccessToken,
	})))
	assert.Contains(t, out.String(), "user.get ")
	for _, r := range s.Requests() {
		assert.NotContains(t, []string{"/v2/status/put", "/v2/photo/upload"}, r.Path, "writes need SNSKIT_EXAMPLE_WRITE=1")
		if r.Path == "/restserver.do" {
			assert.NotEqual(t, []string{"status.set"}, r.Form["method"])
		}
	}
}

// person answers the example's prompts as a person at the terminal would:
// it opens the authorize URL the example prints (the sandbox approves at
// once) and types the address the browser lands on.
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
	if m := authorizeLine.FindSubmatch(b); m != nil {
		u := string(m[1]) // b is the writer's to reuse once Write returns
		go func() {
			back, err := p.s.Approve(context.Background(), u)
			if err != nil {
				p.answers.CloseWithError(err)
				return
			}
			_, _ = io.WriteString(p.answers, back.String()+"\n")
		}()
	}
	return len(b), nil
}

func TestRenrenInteractiveLogin(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	app := s.App(sandbox.Renren)
	in, answers := io.Pipe()
	defer in.Close()
	p := &person{s: s, answers: answers}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, run(ctx, p, in, envOf(map[string]string{
		"SNSKIT_RENREN_APP_ID": app.ID, "SNSKIT_RENREN_APP_SECRET": app.Secret,
		"SNSKIT_RENREN_BASE_URL": s.URL(sandbox.Renren), "SNSKIT_RENREN_REDIRECT_URI": "https://app.example/renren/cb",
	})))
	p.mu.Lock()
	got := p.out.String()
	p.mu.Unlock()
	assert.Contains(t, got, "paste the address the browser lands on")
	assert.Regexp(t, `(?m)^> logged in      \S+ \(id 600000001\); state checked`, got, "after the prompt")
	assert.Contains(t, got, "user.get ")
	for _, secret := range renrenSecrets(s) {
		assert.NotContains(t, got, secret)
	}
}

func TestRenrenRefusesAForgedRedirect(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	app := s.App(sandbox.Renren)
	forged := "https://app.example/renren/cb?code=stolen&state=not-the-one-sent\n"
	err = run(context.Background(), io.Discard, strings.NewReader(forged), envOf(map[string]string{
		"SNSKIT_RENREN_APP_ID": app.ID, "SNSKIT_RENREN_APP_SECRET": app.Secret,
		"SNSKIT_RENREN_BASE_URL": s.URL(sandbox.Renren), "SNSKIT_RENREN_REDIRECT_URI": "https://app.example/renren/cb",
	}))
	assert.ErrorContains(t, err, "state does not match")
	for _, r := range s.Requests() {
		assert.NotEqual(t, "/oauth/token", r.Path, "no exchange after a wrong state")
	}
}

func TestRenrenConfigurationErrors(t *testing.T) {
	err := run(context.Background(), io.Discard, strings.NewReader(""), envOf(map[string]string{"SNSKIT_RENREN_APP_ID": "key"}))
	assert.ErrorContains(t, err, "set both SNSKIT_RENREN_APP_ID and SNSKIT_RENREN_APP_SECRET")
	err = run(context.Background(), io.Discard, strings.NewReader(""), envOf(map[string]string{
		"SNSKIT_RENREN_APP_ID": "key", "SNSKIT_RENREN_APP_SECRET": "s3cret-value"}))
	assert.ErrorContains(t, err, "SNSKIT_RENREN_REDIRECT_URI")
	assert.NotContains(t, err.Error(), "s3cret-value")
}
