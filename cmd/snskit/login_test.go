package main

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoginSandboxRunsTheWholeLoopOffline(t *testing.T) {
	apps := newSandbox(t) // the sandbox's test apps are the same in every sandbox
	for _, tt := range []struct {
		platform string
		args     []string
		kind     string
		hasID    func(t *testing.T, s string)
	}{
		{platform: "vk", kind: "oauth2 token"},
		{platform: "vk", args: []string{"-vk-classic"}, kind: "oauth2 token"},
		{platform: "renren", kind: "oauth2 token"},
		{platform: "renren1", kind: "oauth2 token"},
		{platform: "weixin", kind: "oauth2 token"},
		{platform: "qq", kind: "oauth2 token"},
		{platform: "kaixin", kind: "oauth2 token"},
		{platform: "kaixin", args: []string{"-oauth1"}, kind: "oauth1 token"},
	} {
		t.Run(tt.platform+strings.Join(tt.args, ""), func(t *testing.T) {
			_, newPlatform, _ := lookupPlatform(tt.platform)
			if _, ok := newPlatform().(driver.Authorizer); !ok {
				t.Skipf("%s has no login yet", tt.platform)
			}
			file := tokenPath(t)
			args := append([]string{"login", "-sandbox"}, tt.args...)
			r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, append(args, tt.platform)...)
			require.Equal(t, exitOK, r.code, r.all())

			assert.Contains(t, r.stderr, "open this URL in your browser to log in to "+tt.platform)
			assert.Regexp(t, `waiting for the redirect to http://127\.0\.0\.1:\d+/callback`, r.stderr)
			assert.Contains(t, r.stdout, `token stored as "`+tt.platform+`@sandbox" in `+file)
			assertPrivate(t, file)

			s := loadToken(t, file, tt.platform+"@sandbox")
			assert.Equal(t, tt.platform, s.Platform)
			if tt.platform == "vk" && len(tt.args) == 0 {
				assert.Equal(t, sandbox.VKIDAppID, s.AppID, "vk logs in through VK ID")
				assert.NotEmpty(t, s.DeviceID, "VK ID's device_id is stored for the refresh")
				assert.NotEmpty(t, s.RefreshToken)
			} else {
				assert.Equal(t, apps.App(tt.platform).ID, s.AppID)
			}
			assert.Empty(t, s.BaseURL, "a dead sandbox's URL is not kept")
			assert.NotEmpty(t, s.AccessToken)
			assert.Equal(t, tt.kind, s.Kind())
			assert.False(t, s.Updated.IsZero())
			if tt.kind == "oauth2 token" {
				assert.Regexp(t, `^http://127\.0\.0\.1:\d+/callback$`, s.RedirectURL)
			}
			assert.NotContains(t, r.all(), s.AccessToken, "the token is shown masked")
			if s.TokenSecret != "" {
				assert.NotContains(t, r.all(), s.TokenSecret)
			}
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.NotContains(t, string(b), apps.App(tt.platform).Secret, "the app secret is never stored")
		})
	}
}

func TestLoginWeixinThroughABrowserThenCall(t *testing.T) {
	s := newSandbox(t)
	app := s.App("weixin")
	file := tokenPath(t)
	env := map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_APP_ID": app.ID, "SNSKIT_APP_SECRET": app.Secret}
	p := startLogin(t, env, "-base-url", s.URL("weixin"), "-no-browser", "-scope", "snsapi_login", "weixin")
	assert.Equal(t, "snsapi_login", p.authURL.Query().Get("scope"))
	assert.NotEmpty(t, p.authURL.Query().Get("state"))

	status, page := get(t, p.authURL.String()) // the user approves
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "You can close this tab")
	r := p.wait(t)
	require.Equal(t, exitOK, r.code, r.all())
	key := "weixin@" + s.URL("weixin")
	assert.Contains(t, r.stdout, `token stored as "`+key+`"`)
	saved := loadToken(t, file, key)
	assert.NotEmpty(t, saved.OpenID)
	assert.Equal(t, s.URL("weixin"), saved.BaseURL)
	assert.Contains(t, r.stdout, saved.OpenID)
	assert.NotContains(t, r.all(), app.Secret)

	// The stored token (and its openid) serve the next call.
	s.ResetRequests()
	c := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-base-url", s.URL("weixin"), "-q", "openid", "weixin", "sns.userinfo")
	require.Equal(t, exitOK, c.code, c.all())
	assert.Equal(t, saved.OpenID+"\n", c.stdout)
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, []string{saved.AccessToken}, reqs[0].Form["access_token"])
	assert.Equal(t, []string{saved.OpenID}, reqs[0].Form["openid"])
}

func TestLoginRejectsAWrongState(t *testing.T) {
	s := newSandbox(t)
	app := s.App("renren")
	file := tokenPath(t)
	p := startLogin(t, map[string]string{"SNSKIT_TOKEN_FILE": file},
		"-base-url", s.URL("renren"), "-app-id", app.ID, "-app-secret", app.Secret, "-no-browser", "renren")

	status, page := p.callback(t, url.Values{"code": {"stolen-code"}, "state": {"forged-state"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, page, "state does not match")
	r := p.wait(t)
	assert.Equal(t, exitPlatform, r.code)
	assert.Contains(t, r.stderr, "snskit: renren login: auth: the redirect's state does not match")
	assert.NotContains(t, r.stdout, "token stored")
	assert.Zero(t, tokenRequests(s), "no code was exchanged")
	_, err := os.Stat(file)
	assert.True(t, os.IsNotExist(err), "no token file written")
}

func TestLoginReportsARefusal(t *testing.T) {
	s := newSandbox(t)
	app := s.App("qq")
	p := startLogin(t, nil, "-base-url", s.URL("qq"), "-app-id", app.ID, "-app-secret", app.Secret, "-no-browser", "qq")
	state := p.authURL.Query().Get("state")
	status, page := p.callback(t, url.Values{"state": {state}, "error": {"access_denied"}, "error_description": {"the user said no"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, page, "access_denied")
	r := p.wait(t)
	assert.Equal(t, exitPlatform, r.code)
	assert.Contains(t, r.stderr, "qq refused the login: access_denied: the user said no")
}

func TestLoginReportsAFailedExchange(t *testing.T) {
	s := newSandbox(t)
	app := s.App("weixin")
	p := startLogin(t, nil, "-base-url", s.URL("weixin"), "-app-id", app.ID, "-app-secret", app.Secret, "-no-browser", "weixin")
	state := p.authURL.Query().Get("state")
	status, _ := p.callback(t, url.Values{"state": {state}, "code": {"not-a-code-of-this-sandbox"}})
	assert.Equal(t, http.StatusBadRequest, status)
	r := p.wait(t)
	assert.Equal(t, exitPlatform, r.code, r.all())
	assert.Contains(t, r.stderr, "snskit: weixin login: ")
	assert.NotContains(t, r.all(), app.Secret)
}

func TestLoginTimesOutWithoutARedirect(t *testing.T) {
	r := runCLI(t, nil, "login", "-app-id", "1", "-app-secret", "s3cr3t-value-0123", "-no-browser", "-timeout", "50ms", "-base-url", refusedURL(t), "vk")
	assert.Equal(t, exitTransport, r.code)
	assert.Contains(t, r.stderr, "no redirect came back to http://127.0.0.1:")
	assert.Contains(t, r.stderr, "within 50ms")
	assert.NotContains(t, r.all(), "s3cr3t-value-0123")
}

func TestLoginInterrupted(t *testing.T) {
	s := newSandbox(t)
	app := s.App("vk")
	p := startLogin(t, nil, "-base-url", s.URL("vk"), "-app-id", app.ID, "-app-secret", app.Secret, "-no-browser", "vk")
	p.cancel()
	r := p.wait(t)
	assert.Equal(t, exitTransport, r.code)
	assert.Contains(t, r.stderr, "snskit: vk login: interrupted")
	assert.Zero(t, tokenRequests(s))
}

func TestLoginSandboxReportsAnAuthorizePageThatDoesNotRedirect(t *testing.T) {
	r := runCLI(t, nil, "login", "-sandbox", "-scope", "no_such_scope", "weixin")
	assert.Equal(t, exitPlatform, r.code, r.all())
	assert.Contains(t, r.stderr, "snskit: weixin login: -sandbox: the authorize page answered HTTP 200 without redirecting to the login")
	assert.NotContains(t, r.stdout, "token stored")
}

func TestLoginListensOnTheRedirectURIGiven(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	file := tokenPath(t)
	redirect := "http://" + addr + "/oauth/renren"
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "login", "-sandbox", "-redirect-uri", redirect, "renren")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "redirect_uri="+url.QueryEscape(redirect))
	assert.Equal(t, redirect, loadToken(t, file, "renren@sandbox").RedirectURL)
}

func TestLoginUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no platform", nil, "login needs one PLATFORM"},
		{"two platforms", []string{"vk", "qq"}, "login needs one PLATFORM"},
		{"unknown platform", []string{"facebook"}, `unknown platform "facebook"`},
		{"no app", []string{"vk"}, "VK ID needs your VK ID application's id: pass -app-id"},
		{"no app classic", []string{"-vk-classic", "vk"}, "login needs the application registered with vk: pass -app-id and -app-secret"},
		{"classic elsewhere", []string{"-sandbox", "-vk-classic", "qq"}, "-vk-classic is VK's only"},
		{"sandbox and base URL", []string{"-sandbox", "-base-url", "http://127.0.0.1:1", "vk"}, "-sandbox and -base-url cannot be combined"},
		{"direct auth elsewhere", []string{"-sandbox", "-username", "u", "qq"}, "-username (direct auth with a password) is VK's only"},
		{"password alone", []string{"-sandbox", "-password", "p", "vk"}, "-password needs -username"},
		{"oauth1 elsewhere", []string{"-sandbox", "-oauth1", "vk"}, "-oauth1 is Kaixin001's only"},
		{"https redirect", []string{"-sandbox", "-redirect-uri", "https://127.0.0.1:8443/cb", "vk"}, "plain http on a loopback address"},
		{"remote redirect", []string{"-sandbox", "-redirect-uri", "http://example.com/cb", "vk"}, "the host must be loopback"},
		{"relative redirect", []string{"-sandbox", "-redirect-uri", "/cb", "vk"}, "is not an absolute URL"},
		{"negative timeout", []string{"-timeout", "-1s", "vk"}, "-timeout -1s: want a positive duration"},
		{"unknown flag", []string{"-scopes", "x", "vk"}, "flag provided but not defined: -scopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"login"}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.all())
			assert.Contains(t, r.stderr, tt.want)
			assert.Regexp(t, `run .snskit (help|login -h).`, r.stderr)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestLoginVKDirectAuthAsksThe2FACodeOnStdin(t *testing.T) {
	file := tokenPath(t)
	env := map[string]string{"SNSKIT_TOKEN_FILE": file}
	input := sandbox.VKPassword + "\n000000\n" + sandbox.VKValidationCode + "\n"
	r := runCLIInput(t, env, input, "login", "-sandbox", "-username", sandbox.VKLogin2FA, "vk")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stderr, "VK password for "+sandbox.VKLogin2FA+": ")
	assert.Contains(t, r.stderr, "VK sent a code by SMS to +7 *** *** ** 12.")
	assert.Contains(t, r.stderr, "VK refused that code; try again.")
	assert.Equal(t, 2, strings.Count(r.stderr, "code: "), "asked twice")
	assert.NotContains(t, r.all(), sandbox.VKPassword)
	s := loadToken(t, file, "vk@sandbox")
	assert.Equal(t, "2", s.UserID, "the 2FA user")
	assert.NotContains(t, r.stdout, s.AccessToken)
	assertPrivate(t, file)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(b), sandbox.VKPassword, "the password is never stored")
	assert.NotContains(t, string(b), sandbox.VKValidationCode)
}

func TestLoginVKDirectAuthCaptchaAndPasswordFromEnv(t *testing.T) {
	file := tokenPath(t)
	env := map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_PASSWORD": sandbox.VKPassword}
	r := runCLIInput(t, env, sandbox.VKCaptchaAnswer+"\n", "login", "-sandbox", "-username", sandbox.VKLoginCaptcha, "vk")
	require.Equal(t, exitOK, r.code, r.all())
	assert.NotContains(t, r.stderr, "VK password for", "the password came from the environment")
	assert.Regexp(t, `VK asks for a captcha: open http://127\.0\.0\.1:\d+/vk/\S+ and type its text`, r.stderr)
	assert.Equal(t, "3", loadToken(t, file, "vk@sandbox").UserID)
}

func TestLoginVKDirectAuthFailures(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		r := runCLIInput(t, nil, "", "login", "-sandbox", "-username", sandbox.VKLogin, "-password", "wrong-password-0123456", "vk")
		assert.Equal(t, exitPlatform, r.code)
		assert.Contains(t, r.stderr, "invalid_client")
		assert.NotContains(t, r.all(), "wrong-password-0123456")
	})
	t.Run("no code on stdin", func(t *testing.T) {
		r := runCLIInput(t, nil, sandbox.VKPassword+"\n", "login", "-sandbox", "-username", sandbox.VKLogin2FA, "vk")
		assert.Equal(t, exitPlatform, r.code)
		assert.Contains(t, r.stderr, "standard input ended")
	})
}
