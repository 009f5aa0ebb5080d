package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
)

// lockedBuffer is a log shared by the site's handlers and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSite serves the site on httptest, with WeChat played by a sandbox.
func startSite(t *testing.T) (*httptest.Server, *sandbox.Server, *lockedBuffer) {
	t.Helper()
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	app := s.App(sandbox.Weixin)
	api, err := snskit.New(platforms.Weixin(), snskit.WithApp(app.ID, app.Secret), snskit.WithBaseURL(s.URL(sandbox.Weixin)))
	require.NoError(t, err)
	log := &lockedBuffer{}
	ts := httptest.NewServer((&site{api: api, log: log}).handler())
	t.Cleanup(ts.Close)
	return ts, s, log
}

func browser(t *testing.T, follow bool) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func exchanges(s *sandbox.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == "/sns/oauth2/access_token" {
			n++
		}
	}
	return n
}

func TestWeixinSiteLogsInThroughWeChat(t *testing.T) {
	ts, s, log := startSite(t)
	b := browser(t, true)

	_, home := get(t, b, ts.URL+"/")
	assert.Contains(t, home, `<a href="/login">weixin login!</a>`)

	resp, body := get(t, b, ts.URL+"/login") // -> WeChat (the sandbox) -> /authorization
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/authorization", resp.Request.URL.Path, "WeChat sent the browser back")
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var user map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &user))
	assert.Equal(t, s.Token(sandbox.Weixin).OpenID, user["openid"])
	assert.NotEmpty(t, user["nickname"])
	assert.NotEmpty(t, user["unionid"])

	var authorize sandbox.Request
	for _, r := range s.Requests() {
		if r.Path == "/connect/qrconnect" {
			authorize = r
		}
	}
	assert.Equal(t, []string{ts.URL + "/authorization"}, authorize.Form["redirect_uri"])
	assert.Equal(t, []string{"snsapi_login"}, authorize.Form["scope"])
	assert.Equal(t, 1, exchanges(s))
	assert.Contains(t, log.String(), "authorization: "+user["nickname"].(string)+" logged in (openid ")

	// The redirect replayed: its state was spent with the first login.
	replay, body := get(t, b, resp.Request.URL.String())
	assert.Equal(t, http.StatusBadRequest, replay.StatusCode, body)
	assert.Equal(t, 1, exchanges(s), "a replayed code is not exchanged")
	for _, secret := range []string{s.App(sandbox.Weixin).Secret, resp.Request.URL.Query().Get("code")} {
		assert.NotContains(t, log.String(), secret)
	}
}

func TestWeixinSiteStateCookie(t *testing.T) {
	ts, s, _ := startSite(t)
	resp, _ := get(t, browser(t, false), ts.URL+"/login")
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc := resp.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, s.URL(sandbox.Weixin)+"/connect/qrconnect?appid="), loc)
	assert.True(t, strings.HasSuffix(loc, "#wechat_redirect"), loc)

	cookies := resp.Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.Equal(t, stateCookie, c.Name)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
	assert.Equal(t, "/authorization", c.Path)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	assert.Equal(t, c.Value, u.Query().Get("state"), "the state sent is the one kept")
}

func TestWeixinSiteRefusesAWrongState(t *testing.T) {
	ts, s, log := startSite(t)
	b := browser(t, false)
	resp, _ := get(t, b, ts.URL+"/login") // the cookie holds the real state
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := s.Approve(context.Background(), resp.Header.Get("Location"))
	require.NoError(t, err)
	code := back.Query().Get("code")

	forged, body := get(t, b, ts.URL+"/authorization?code="+code+"&state=forged")
	assert.Equal(t, http.StatusBadRequest, forged.StatusCode)
	assert.Contains(t, body, "start again at /login")

	stranger, _ := get(t, browser(t, false), ts.URL+"/authorization?"+back.RawQuery)
	assert.Equal(t, http.StatusBadRequest, stranger.StatusCode, "right state, but not this browser's")
	assert.Zero(t, exchanges(s), "nothing exchanged without the right state")
	assert.Contains(t, log.String(), "does not match")
}

func TestWeixinRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, out, ln, func(string) string { return "" }) }()

	resp, body := get(t, browser(t, true), "http://"+ln.Addr().String()+"/login")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `"nickname"`)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop with its context")
	}
	got := out.String()
	assert.Contains(t, got, "WeChat is the built-in sandbox")
	assert.Contains(t, got, "open http://"+ln.Addr().String()+"/ in a browser")
	assert.Contains(t, got, "login: sent a browser to WeChat's login page\nauthorization: ")
}

func TestWeixinRunNeedsBothCredentials(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	err = run(context.Background(), io.Discard, ln, func(k string) string {
		return map[string]string{"SNSKIT_WEIXIN_APP_ID": "wx0123456789abcdef"}[k]
	})
	assert.ErrorContains(t, err, "set both SNSKIT_WEIXIN_APP_ID and SNSKIT_WEIXIN_APP_SECRET")
}

func TestWeixinRunWithCredentials(t *testing.T) {
	s, err := sandbox.New() // stands for WeChat, reached through SNSKIT_WEIXIN_BASE_URL
	require.NoError(t, err)
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	redirect := "http://" + ln.Addr().String() + "/authorization"
	env := map[string]string{"SNSKIT_WEIXIN_APP_ID": s.App(sandbox.Weixin).ID, "SNSKIT_WEIXIN_APP_SECRET": s.App(sandbox.Weixin).Secret,
		"SNSKIT_WEIXIN_BASE_URL": s.URL(sandbox.Weixin), "SNSKIT_WEIXIN_REDIRECT_URI": redirect}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, out, ln, func(k string) string { return env[k] }) }()

	resp, body := get(t, browser(t, true), "http://"+ln.Addr().String()+"/login")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	cancel()
	require.NoError(t, <-done)
	got := out.String()
	assert.NotContains(t, got, "sandbox", "with credentials it starts no sandbox")
	assert.Contains(t, got, "logging users in to the WeChat website application "+s.App(sandbox.Weixin).ID)
	assert.Contains(t, got, "authorization: ")
	assert.NotContains(t, got, s.App(sandbox.Weixin).Secret)
	assert.Equal(t, 1, exchanges(s), "the environment's WeChat exchanged the code")
	for _, r := range s.Requests() {
		if r.Path == "/connect/qrconnect" {
			assert.Equal(t, []string{redirect}, r.Form["redirect_uri"], "the configured redirect address")
		}
	}
}
