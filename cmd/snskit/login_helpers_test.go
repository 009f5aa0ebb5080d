package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newSandbox starts a sandbox for the test.
func newSandbox(t *testing.T, opts ...sandbox.Option) *sandbox.Server {
	t.Helper()
	s, err := sandbox.New(opts...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// tokenPath returns a token file in a directory that does not exist yet.
func tokenPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "config", "snskit", "tokens.json")
}

// loadToken returns the token stored under key in file.
func loadToken(t *testing.T, file, key string) *auth.Saved {
	t.Helper()
	s, err := auth.NewFileStore(file).Load(context.Background(), key)
	require.NoError(t, err, "token %q in %s", key, file)
	return s
}

// storeToken stores s under key in file.
func storeToken(t *testing.T, file, key string, s *auth.Saved) {
	t.Helper()
	require.NoError(t, auth.NewFileStore(file).Save(context.Background(), key, s))
}

// assertPrivate checks the permissions of a token file and its directory.
func assertPrivate(t *testing.T, file string) {
	t.Helper()
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "token file")
	di, err := os.Stat(filepath.Dir(file))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm(), "token directory")
}

// pendingLogin is "snskit login" running in the background, waiting for a
// redirect.
type pendingLogin struct {
	authURL  *url.URL
	redirect *url.URL
	done     chan int
	cancel   context.CancelFunc // interrupts the login
	stdout   *syncBuffer
	stderr   *syncBuffer
}

var authURLLine = regexp.MustCompile(`(?m)^  (http://\S+)$`)

// startLogin runs "snskit login args..." in the background and waits for
// it to print the authorize URL.
func startLogin(t *testing.T, env map[string]string, args ...string) *pendingLogin {
	t.Helper()
	p := &pendingLogin{done: make(chan int, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	con := console{stdout: p.stdout, stderr: p.stderr}
	e := testEnv(t, env)
	go func() { p.done <- run(ctx, append([]string{"login"}, args...), con, e) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			t.Error("login did not stop when its context was cancelled")
		}
	})
	require.Eventually(t, func() bool { return authURLLine.MatchString(p.stderr.String()) },
		5*time.Second, 5*time.Millisecond, "no authorize URL printed: %s", p.stderr.String())
	u, err := url.Parse(authURLLine.FindStringSubmatch(p.stderr.String())[1])
	require.NoError(t, err)
	p.authURL = u
	redirect := u.Query().Get("redirect_uri")
	if redirect == "" { // OAuth 1.0a: the redirect went with the request token
		redirect = regexp.MustCompile(`waiting for the redirect to (\S+)`).FindStringSubmatch(p.stderr.String())[1]
	}
	p.redirect, err = url.Parse(redirect)
	require.NoError(t, err)
	return p
}

// wait returns the exit code of the login.
func (p *pendingLogin) wait(t *testing.T) result {
	t.Helper()
	select {
	case code := <-p.done:
		p.done <- code // for the cleanup
		return result{code: code, stdout: p.stdout.String(), stderr: p.stderr.String()}
	case <-time.After(10 * time.Second):
		t.Fatalf("login did not end; stderr: %s", p.stderr.String())
		return result{}
	}
}

// callback sends the browser to the login's redirect URL with query.
func (p *pendingLogin) callback(t *testing.T, query url.Values) (int, string) {
	t.Helper()
	u := *p.redirect
	u.RawQuery = query.Encode()
	return get(t, u.String())
}

// get plays the browser: it gets u, following redirects, and returns the
// last status and body.
func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// refreshes counts the refresh requests a sandbox served.
func refreshes(s *sandbox.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if len(r.Form["grant_type"]) > 0 && r.Form["grant_type"][0] == "refresh_token" {
			n++
		}
	}
	return n
}

// tokenRequests counts the requests to a sandbox's token endpoints.
func tokenRequests(s *sandbox.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if len(r.Form["grant_type"]) > 0 || len(r.Form["oauth_verifier"]) > 0 {
			n++
		}
	}
	return n
}
