package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storedCalls are calls that need a user's token on each platform of the
// sandbox.
var storedCalls = map[string][]string{
	"vk":      {"users.get", "user_ids=1"},
	"renren":  {"user.login.get"},
	"renren1": {"users.getLoggedInUser"},
	"weixin":  {"sns.userinfo"},
	"qq":      {"user.get_user_info"},
	"kaixin":  {"users.me"},
}

// issueStored issues a sandbox token of platform with o and stores it as
// "snskit login -base-url" would.
func issueStored(t *testing.T, s *sandbox.Server, file, platform string, o sandbox.TokenOptions) (string, *auth.Saved) {
	t.Helper()
	c, err := s.IssueToken(platform, o)
	require.NoError(t, err)
	saved := &auth.Saved{Platform: platform, BaseURL: s.URL(platform), AppID: s.App(platform).ID,
		AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, Expiry: c.ExpiresAt,
		TokenSecret: c.TokenSecret, SessionKey: c.SessionKey, OpenID: c.OpenID, UserID: c.UserID}
	if o.OAuth1 || c.AccessToken != "" {
		saved.SessionKey = "" // the sandbox issues both; a login obtains one
	}
	key := tokenKey(platform, s.URL(platform), false)
	storeToken(t, file, key, saved)
	return key, saved
}

func TestCallUsesTheStoredTokenOfEveryPlatform(t *testing.T) {
	s := newSandbox(t)
	for platform, call := range storedCalls {
		t.Run(platform, func(t *testing.T) {
			file := tokenPath(t)
			_, saved := issueStored(t, s, file, platform, sandbox.TokenOptions{})
			r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file},
				append([]string{"call", "-v", "-base-url", s.URL(platform), platform}, call...)...)
			require.Equal(t, exitOK, r.code, r.all())
			assert.Contains(t, r.stderr, "snskit: using the oauth2 token stored as \""+platform+"@"+s.URL(platform)+"\"")
			assert.NotContains(t, r.all(), saved.AccessToken, "masked in -v logs")
		})
	}
}

func TestCallStoredTokenCarriesTheAppIDAndOpenID(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	_, saved := issueStored(t, s, file, "qq", sandbox.TokenOptions{})
	require.NotEmpty(t, saved.OpenID)
	s.ResetRequests()
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-base-url", s.URL("qq"), "qq", "user.get_user_info")
	require.Equal(t, exitOK, r.code, r.all())
	reqs := s.Requests()
	require.Len(t, reqs, 1, "no /me lookup: the openid came with the stored token")
	assert.Equal(t, []string{saved.OpenID}, reqs[0].Form["openid"])
	assert.Equal(t, []string{s.App("qq").ID}, reqs[0].Form["oauth_consumer_key"], "the stored app id")
	assert.Equal(t, []string{saved.AccessToken}, reqs[0].Form["access_token"])
}

func TestCallRefreshesAnExpiredStoredToken(t *testing.T) {
	s := newSandbox(t)
	for _, platform := range []string{"renren", "weixin", "qq", "kaixin"} {
		t.Run(platform, func(t *testing.T) {
			file := tokenPath(t)
			key, old := issueStored(t, s, file, platform, sandbox.TokenOptions{TTL: -time.Second})
			require.NotEmpty(t, old.RefreshToken)
			require.True(t, old.Expiry.Before(time.Now()))
			s.ResetRequests()
			env := map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_APP_SECRET": s.App(platform).Secret}
			r := runCLI(t, env, append([]string{"call", "-v", "-base-url", s.URL(platform), platform}, storedCalls[platform]...)...)
			require.Equal(t, exitOK, r.code, r.all())
			assert.Equal(t, 1, refreshes(s), "refreshed once, before the call")
			assert.Len(t, s.Requests(), 2, "the refresh and the call")

			got := loadToken(t, file, key)
			assert.NotEqual(t, old.AccessToken, got.AccessToken, "the new token is saved")
			assert.True(t, got.Expiry.After(time.Now()))
			assert.NotEmpty(t, got.RefreshToken)
			assert.Equal(t, old.AppID, got.AppID)
			assert.Equal(t, old.BaseURL, got.BaseURL)
			assert.Equal(t, old.OpenID, got.OpenID, "the openid is carried over")
			assert.Contains(t, r.stderr, "refreshed the token stored as \""+key+"\"")
			assertPrivate(t, file)
			for _, secret := range []string{old.AccessToken, old.RefreshToken, got.AccessToken, got.RefreshToken, s.App(platform).Secret} {
				assert.NotContains(t, r.all(), secret)
			}
		})
	}
}

func TestCallRetriesOnceWhenThePlatformSaysTheStoredTokenExpired(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	key, old := issueStored(t, s, file, "weixin", sandbox.TokenOptions{TTL: -time.Second})
	// The stored expiry says nothing: only the platform knows the token died.
	old.Expiry = time.Time{}
	storeToken(t, file, key, old)
	s.ResetRequests()
	env := map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_APP_SECRET": s.App("weixin").Secret}
	r := runCLI(t, env, "call", "-base-url", s.URL("weixin"), "-q", "openid", "weixin", "sns.userinfo")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, old.OpenID+"\n", r.stdout)
	reqs := s.Requests()
	require.Len(t, reqs, 3, "the refused call, the refresh, the retry")
	assert.Equal(t, 1, refreshes(s))
	assert.Equal(t, []string{old.AccessToken}, reqs[0].Form["access_token"])
	got := loadToken(t, file, key)
	assert.Equal(t, []string{got.AccessToken}, reqs[2].Form["access_token"], "retried with the saved token")
	assert.NotEqual(t, old.AccessToken, got.AccessToken)
}

func TestCallWithoutTheAppSecretUsesTheStoredTokenAsIs(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	key, old := issueStored(t, s, file, "renren", sandbox.TokenOptions{TTL: -time.Second})
	s.ResetRequests()
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-v", "-base-url", s.URL("renren"), "renren", "user.login.get")
	assert.Equal(t, exitPlatform, r.code, r.all())
	assert.Contains(t, r.stderr, "using the stored token as is: refreshing it needs the application's secret")
	assert.Contains(t, r.stderr, "cannot be refreshed here")
	assert.Contains(t, r.stderr, "EXPIRED-TOKEN")
	assert.Zero(t, refreshes(s))
	assert.Equal(t, old.AccessToken, loadToken(t, file, key).AccessToken, "nothing saved")
}

func TestCallDryRunDoesNotRefreshTheStoredToken(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	_, old := issueStored(t, s, file, "qq", sandbox.TokenOptions{TTL: -time.Second})
	s.ResetRequests()
	env := map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_APP_SECRET": s.App("qq").Secret}
	r := runCLI(t, env, "call", "-dry-run", "-base-url", s.URL("qq"), "qq", "user.get_user_info")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, "access_token=****")
	assert.NotContains(t, r.all(), old.AccessToken)
	assert.Empty(t, s.Requests())
}

func TestCallStoredTokenFollowsTheKeyRule(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	c := s.Token("vk")
	storeToken(t, file, "vk", &auth.Saved{Platform: "vk", AccessToken: c.AccessToken})
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-base-url", s.URL("vk"), "vk", "users.get")
	assert.Equal(t, exitUsage, r.code, "the token of vk's own hosts is not sent elsewhere")
	assert.Contains(t, r.stderr, "or log in once with 'snskit login vk'")
}

func TestCallExplicitTokenWinsOverTheStoredOne(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	_, saved := issueStored(t, s, file, "vk", sandbox.TokenOptions{})
	other := s.Token("vk")
	s.ResetRequests()
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-base-url", s.URL("vk"), "-token", other.AccessToken, "vk", "users.get")
	require.Equal(t, exitOK, r.code, r.all())
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, []string{other.AccessToken}, reqs[0].Form["access_token"])
	assert.NotEqual(t, saved.AccessToken, other.AccessToken)
}

func TestCallStoredOAuth1TokenNeedsTheConsumerSecret(t *testing.T) {
	s := newSandbox(t)
	file := tokenPath(t)
	issueStored(t, s, file, "kaixin", sandbox.TokenOptions{OAuth1: true})
	env := map[string]string{"SNSKIT_TOKEN_FILE": file}
	r := runCLI(t, env, "call", "-base-url", s.URL("kaixin"), "kaixin", "users.me")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "is an OAuth 1.0a token: pass -app-secret")

	env["SNSKIT_APP_SECRET"] = s.App("kaixin").Secret
	r = runCLI(t, env, "call", "-base-url", s.URL("kaixin"), "kaixin", "users.me")
	require.Equal(t, exitOK, r.code, r.all())
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	assert.True(t, strings.Contains(last.Header.Get("Authorization"), "oauth_signature=") || len(last.Form["oauth_signature"]) == 1,
		"signed with OAuth 1.0a: %+v", last)
}

func TestCallRefusesACorruptTokenFile(t *testing.T) {
	file := tokenPath(t)
	require.NoError(t, os.MkdirAll(strings.TrimSuffix(file, "/tokens.json"), 0o700))
	require.NoError(t, os.WriteFile(file, []byte("{not json"), 0o600))
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "vk", "users.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "fix or delete it")
}
