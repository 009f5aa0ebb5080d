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

func TestQQOnTheSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, strings.NewReader(""), func(string) string { return "" }))
	got := out.String()

	assert.Contains(t, got, "running against the built-in sandbox")
	assert.Regexp(t, `(?m)^authorize URL  http://127\.0\.0\.1:\d+/qq/oauth2\.0/authorize\?response_type=code&client_id=\d+&.*&scope=get_user_info,list_album,upload_pic&display=pc$`, got)
	assert.Regexp(t, `(?m)^logged in      state checked; token \*\*\*\*\S{4} valid until \d{4}-\d\d-\d\d$`, got)
	assert.Regexp(t, `(?m)^openid         [0-9A-F]{32} \(looked up once through /oauth2\.0/me\)$`, got)
	assert.Regexp(t, `(?m)^get_user_info  \S+, \S+, avatar http://\S+$`, got)
	assert.Regexp(t, `(?m)^list_album     \d+ albums: \S+`, got)
	assert.Regexp(t, `(?m)^upload_pic     uploaded snskit\.png \(40x30, \d+ bytes\) to album \S+: http://\S+$`, got)
}

// person answers the example's prompt as a person at the terminal would:
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

func (p *person) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// qqSecrets returns the secrets the sandbox saw.
func qqSecrets(s *sandbox.Server) []string {
	out := []string{s.App(sandbox.QQ).Secret}
	for _, r := range s.Requests() {
		for _, k := range []string{"access_token", "refresh_token", "code", "client_secret"} {
			out = append(out, r.Form[k]...)
		}
	}
	return out
}

func TestQQInteractiveLogin(t *testing.T) {
	s, err := sandbox.New() // stands for QQ, reached through SNSKIT_QQ_BASE_URL
	require.NoError(t, err)
	defer s.Close()
	app := s.App(sandbox.QQ)
	env := map[string]string{"SNSKIT_QQ_APP_ID": app.ID, "SNSKIT_QQ_APP_KEY": app.Secret,
		"SNSKIT_QQ_BASE_URL": s.URL(sandbox.QQ), "SNSKIT_QQ_REDIRECT_URI": "https://app.example/qq/cb"}
	in, answers := io.Pipe()
	defer in.Close()
	p := &person{s: s, answers: answers}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, run(ctx, p, in, func(k string) string { return env[k] }))
	got := p.String()

	assert.NotContains(t, got, "sandbox", "with credentials it starts no sandbox")
	assert.Contains(t, got, "running against QQ Connect with the application "+app.ID)
	assert.Regexp(t, `(?m)^> logged in      state checked`, got, "after the prompt")
	assert.Contains(t, got, "openid         "+s.Token(sandbox.QQ).OpenID)
	assert.Contains(t, got, "get_user_info  ")
	assert.Contains(t, got, "upload_pic     skipped: set SNSKIT_EXAMPLE_WRITE=1")
	for _, r := range s.Requests() {
		assert.NotEqual(t, "/photo/upload_pic", r.Path, "no write on a real account unless asked")
	}
	for _, secret := range qqSecrets(s) {
		assert.NotContains(t, got, secret)
	}
}

func TestQQWithATokenFromTheEnvironment(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	app, creds := s.App(sandbox.QQ), s.Token(sandbox.QQ)
	env := map[string]string{"SNSKIT_QQ_APP_ID": app.ID, "SNSKIT_QQ_APP_KEY": app.Secret,
		"SNSKIT_QQ_BASE_URL": s.URL(sandbox.QQ), "SNSKIT_QQ_TOKEN": creds.AccessToken, "SNSKIT_EXAMPLE_WRITE": "1"}
	var out strings.Builder
	require.NoError(t, run(context.Background(), &out, strings.NewReader(""), func(k string) string { return env[k] }))
	got := out.String()
	assert.NotContains(t, got, "authorize URL")
	assert.Contains(t, got, "token "+auth.Mask(creds.AccessToken)+" from SNSKIT_QQ_TOKEN")
	assert.Contains(t, got, "openid         "+creds.OpenID+" (platforms.QQOpenID)")
	assert.Contains(t, got, "upload_pic     uploaded snskit.png")
	uploads := 0
	for _, r := range s.Requests() {
		if r.Path == "/photo/upload_pic" {
			uploads++
			assert.Equal(t, []string{creds.OpenID}, r.Form["openid"])
		}
	}
	assert.Equal(t, 1, uploads)
	for _, secret := range qqSecrets(s) {
		assert.NotContains(t, got, secret)
	}
}

func TestQQRefusesAForgedCallback(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	app := s.App(sandbox.QQ)
	env := map[string]string{"SNSKIT_QQ_APP_ID": app.ID, "SNSKIT_QQ_APP_KEY": app.Secret,
		"SNSKIT_QQ_BASE_URL": s.URL(sandbox.QQ), "SNSKIT_QQ_REDIRECT_URI": "https://app.example/qq/cb"}
	err = run(context.Background(), io.Discard, strings.NewReader("https://app.example/qq/cb?code=C0DE&state=forged\n"),
		func(k string) string { return env[k] })
	assert.ErrorContains(t, err, "state does not match")
	for _, r := range s.Requests() {
		assert.NotEqual(t, "/oauth2.0/token", r.Path, "no exchange after a wrong state")
	}

	err = run(context.Background(), io.Discard, strings.NewReader(""), func(k string) string {
		return map[string]string{"SNSKIT_QQ_APP_ID": app.ID}[k]
	})
	assert.ErrorContains(t, err, "set both SNSKIT_QQ_APP_ID and SNSKIT_QQ_APP_KEY")
}
