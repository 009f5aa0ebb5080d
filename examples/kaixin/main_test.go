package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

func TestKaixinOnTheSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, strings.NewReader(""), func(string) string { return "" }))
	got := out.String()

	assert.Contains(t, got, "running against the built-in sandbox")
	assert.Regexp(t, `(?m)^authorize URL  http://127\.0\.0\.1:\d+/kaixin/oauth/authorize\?oauth_token=\w+$`, got)
	assert.Regexp(t, `(?m)^access token   \*\*\*\*\w{4}, token secret \*\*\*\*\w{4}$`, got)
	pages := regexp.MustCompile(`(?m)^start=(\d+) +num=20  (\d+) friends of (\d+): `).FindAllStringSubmatch(got, -1)
	require.Len(t, pages, 3, "60 friends, 20 a page")
	for i, p := range pages {
		assert.Equal(t, []string{[]string{"0", "20", "40"}[i], "20", "60"}, p[1:])
	}
}

// person answers the example's prompt as a person at the terminal would:
// it opens the authorization URL the example prints and types what it
// gets: the callback's address or, for "oob", the verifier the page shows.
type person struct {
	s       *sandbox.Server
	answers *io.PipeWriter
	oob     bool

	mu  sync.Mutex
	out strings.Builder
}

var (
	authorizeLine  = regexp.MustCompile(`(?m)^authorize URL  (\S+)$`)
	verifierOnPage = regexp.MustCompile(`<code id="oauth_verifier">(\w+)</code>`)
)

func (p *person) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out.Write(b)
	if m := authorizeLine.FindSubmatch(b); m != nil {
		u := string(m[1]) // b is the writer's to reuse once Write returns
		go func() {
			answer, err := p.open(u)
			if err != nil {
				p.answers.CloseWithError(err)
				return
			}
			_, _ = io.WriteString(p.answers, answer+"\n")
		}()
	}
	return len(b), nil
}

func (p *person) open(u string) (string, error) {
	if !p.oob {
		back, err := p.s.Approve(context.Background(), u)
		if err != nil {
			return "", err
		}
		return back.String(), nil
	}
	resp, err := http.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	m := verifierOnPage.FindSubmatch(page)
	if m == nil {
		return "", io.ErrUnexpectedEOF
	}
	return string(m[1]), nil
}

func (p *person) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func TestKaixinWithCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, callback, prompt string
	}{
		{"callback", "https://app.example/kaixin/cb", "paste the address the browser lands on"},
		{"oob", "", "type the verifier Kaixin shows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sandbox.New() // stands for Kaixin, reached through SNSKIT_KAIXIN_BASE_URL
			require.NoError(t, err)
			defer s.Close()
			app := s.App(sandbox.Kaixin)
			env := map[string]string{"SNSKIT_KAIXIN_APP_KEY": app.ID, "SNSKIT_KAIXIN_APP_SECRET": app.Secret,
				"SNSKIT_KAIXIN_BASE_URL": s.URL(sandbox.Kaixin), "SNSKIT_KAIXIN_CALLBACK": tc.callback}
			in, answers := io.Pipe()
			defer in.Close()
			p := &person{s: s, answers: answers, oob: tc.callback == ""}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, run(ctx, p, in, func(k string) string { return env[k] }))
			got := p.String()

			assert.NotContains(t, got, "sandbox", "with credentials it starts no sandbox")
			assert.Contains(t, got, "running against Kaixin001 with the application "+app.ID)
			assert.Contains(t, got, tc.prompt)
			assert.Contains(t, got, "start=40  num=20  20 friends of 60")
			secrets := []string{app.Secret}
			for _, r := range s.Requests() {
				if r.Path == "/oauth/request_token" {
					want := tc.callback
					if want == "" {
						want = "oob"
					}
					assert.Contains(t, r.Header.Get("Authorization"), `oauth_callback="`+url.QueryEscape(want)+`"`)
				}
				if r.Path == "/friends/me.json" {
					secrets = append(secrets, r.Form["oauth_token"]...) // the access token
					assert.NotEmpty(t, r.Form["oauth_signature"], "signed calls")
				}
			}
			require.Greater(t, len(secrets), 1)
			for _, secret := range secrets {
				assert.NotContains(t, got, secret)
			}
		})
	}
}

func TestKaixinRefusesACallbackForAnotherToken(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	app := s.App(sandbox.Kaixin)
	env := map[string]string{"SNSKIT_KAIXIN_APP_KEY": app.ID, "SNSKIT_KAIXIN_APP_SECRET": app.Secret,
		"SNSKIT_KAIXIN_BASE_URL": s.URL(sandbox.Kaixin), "SNSKIT_KAIXIN_CALLBACK": "https://app.example/kaixin/cb"}
	forged := "https://app.example/kaixin/cb?oauth_token=someone-elses&oauth_verifier=abcdef\n"
	err = run(context.Background(), io.Discard, strings.NewReader(forged), func(k string) string { return env[k] })
	assert.ErrorContains(t, err, "another request token")
	for _, r := range s.Requests() {
		assert.NotEqual(t, "/oauth/access_token", r.Path)
	}

	err = run(context.Background(), io.Discard, strings.NewReader("not a verifier?\n"), func(k string) string { return env[k] })
	assert.ErrorContains(t, err, "neither the callback's address")
}
