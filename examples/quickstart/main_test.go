package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/sandbox"
)

func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	start := time.Now()
	require.NoError(t, run(ctx, &out))
	assert.Less(t, time.Since(start), 5*time.Second, "the quickstart runs in seconds")

	got := out.String()
	for _, heading := range []string{"== VK ==", "== Renren API 2.0 ==", "== Renren API 1.0 ", "== WeChat web login ==",
		"== QQ Connect ==", "== Kaixin001 =="} {
		assert.Contains(t, got, heading)
	}
	assert.Equal(t, 5, strings.Count(got, "state checked, code exchanged"), "one OAuth 2.0 login per platform")
	assert.Equal(t, 5, strings.Count(got, "  authorize      http://127.0.0.1:"), "authorize URLs on the sandbox")
	assert.Regexp(t, `(?m)^  token +\*\*\*\*\S{4}, expires in \d+ (days|hours)$`, got, "tokens masked")
	assert.Regexp(t, `(?m)^  users\.get +Pavel Primerov \(id 1\)$`, got)
	assert.Regexp(t, `(?m)^  wall\.post +refused: VK error 14 .*errors\.Is\(err, snskit\.ErrCaptcha\)$`, got, "the captcha, handled")
	assert.Regexp(t, `(?m)^  wall\.post +posted: post_id [1-9]\d*$`, got, "and recovered from")
	assert.Regexp(t, `(?m)^  refreshed +new token \*\*\*\*\S{4} \(expires in 30 days\) handed to auth\.OnToken`, got)
	assert.Regexp(t, `(?m)^  users\.getInfo +\S+ \(uid 600000001\)$`, got, "Renren 1.0 with a session key")
	assert.Regexp(t, `(?m)^  sns\.userinfo +\S+`, got)
	assert.Regexp(t, `(?m)^  upload_pic +uploaded a 24x16 PNG \(\d+ bytes\) to album \S+$`, got, "the upload")
	assert.Regexp(t, `(?m)^  friends\.me +\d+ friends; the first 3: \S+, \S+, \S+$`, got)
	assert.Contains(t, got, "\ndone in ")
}

func TestQuickstartPrintsNoSecret(t *testing.T) {
	clock := sandbox.NewClock(time.Now())
	s, err := sandbox.New(sandbox.WithClock(clock.Now))
	require.NoError(t, err)
	defer s.Close()
	var out strings.Builder
	require.NoError(t, tour(context.Background(), &out, s, clock))
	got := out.String()

	// Every secret the sandbox saw: app secrets, codes, tokens, session keys.
	secrets := map[string]bool{}
	for _, name := range s.Platforms() {
		secrets[s.App(name).Secret] = true
	}
	var accessTokens []string
	for _, r := range s.Requests() {
		for _, k := range []string{"access_token", "refresh_token", "code", "client_secret", "secret", "session_key"} {
			for _, v := range r.Form[k] {
				secrets[v] = true
				if k == "access_token" {
					accessTokens = append(accessTokens, v)
				}
			}
		}
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			secrets[bearer] = true
			accessTokens = append(accessTokens, bearer)
		}
	}
	require.Greater(t, len(secrets), 15)
	for secret := range secrets {
		if len(secret) < 8 { // Renren's sandbox secret is the word "secret"
			continue
		}
		assert.NotContains(t, got, secret)
	}
	shown := 0
	for _, tok := range accessTokens {
		if strings.Contains(got, auth.Mask(tok)) {
			shown++
		}
	}
	assert.Positive(t, shown, "the tokens used are shown masked")
}
