package main

import (
	"context"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Stored secrets long enough to be masked as "****" and their last four
// characters.
const (
	storedAccess  = "ACCESS-token-0123456789-wxyz"
	storedRefresh = "REFRESH-token-0123456789-rfsh"
	storedSecret  = "OAUTH1-secret-0123456789-scrt"
	storedSession = "SESSION-key-0123456789-sess"
)

// fillStore stores tokens of several kinds and returns the file.
func fillStore(t *testing.T) string {
	t.Helper()
	file := tokenPath(t)
	storeToken(t, file, "weixin", &auth.Saved{Platform: "weixin", AppID: "wxapp", AccessToken: storedAccess,
		RefreshToken: storedRefresh, Expiry: time.Now().Add(2 * time.Hour), OpenID: "OPENID-42", Scope: "snsapi_login"})
	storeToken(t, file, "weixin@sandbox", &auth.Saved{Platform: "weixin", AccessToken: "sandbox-access-token-0001"})
	storeToken(t, file, "kaixin", &auth.Saved{Platform: "kaixin", AccessToken: "oauth1-token-00000000-tkn1", TokenSecret: storedSecret})
	storeToken(t, file, "renren1@http://127.0.0.1:9/renren", &auth.Saved{Platform: "renren1", SessionKey: storedSession, UserID: "600000001"})
	return file
}

func TestTokenListsStoredTokensMasked(t *testing.T) {
	file := fillStore(t)
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "token")
	require.Equal(t, exitOK, r.code, r.all())
	for _, want := range []string{
		"weixin\n", "weixin@sandbox\n", "kaixin\n", "renren1@http://127.0.0.1:9/renren\n",
		"openid    OPENID-42", "scope     snsapi_login", "refresh   yes",
		"token     ****wxyz", "token secret  ****scrt", "session key  ****sess",
		"user id      600000001",
	} {
		assert.Contains(t, r.stdout, want)
	}
	assert.Regexp(t, `expires   \S+ \(in (1h59m\d+s|2h0m0s)\)`, r.stdout)
	assert.Regexp(t, `kind\s+oauth1 token`, r.stdout)
	assert.Regexp(t, `kind\s+session key`, r.stdout)
	for _, secret := range []string{storedAccess, storedRefresh, storedSecret, storedSession, "sandbox-access-token-0001", "oauth1-token-00000000-tkn1"} {
		assert.NotContains(t, r.all(), secret)
	}
	assert.NotContains(t, r.stdout, "****rfsh", "the refresh token is not shown at all")
}

func TestTokenOfOnePlatform(t *testing.T) {
	file := fillStore(t)
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "token", "wechat")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, "weixin\n")
	assert.Contains(t, r.stdout, "weixin@sandbox\n")
	assert.NotContains(t, r.stdout, "kaixin")
	assert.NotContains(t, r.stdout, "renren1")

	r = runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "token", "vk")
	assert.Equal(t, exitPlatform, r.code)
	assert.Contains(t, r.stderr, "no vk token stored in "+file)

	r = runCLI(t, nil, "token")
	assert.Equal(t, exitPlatform, r.code, "an empty store")
	assert.Contains(t, r.stderr, "'snskit login PLATFORM' stores one")

	r = runCLI(t, nil, "token", "myspace")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown platform "myspace"`)
}

func TestLogout(t *testing.T) {
	file := fillStore(t)
	env := map[string]string{"SNSKIT_TOKEN_FILE": file}
	keys := func() []string {
		k, err := auth.NewFileStore(file).Keys(context.Background())
		require.NoError(t, err)
		return k
	}

	r := runCLI(t, env, "logout", "wechat")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, "deleted the token stored as \"weixin\"\n", r.stdout)
	assert.Equal(t, []string{"kaixin", "renren1@http://127.0.0.1:9/renren", "weixin@sandbox"}, keys())

	r = runCLI(t, env, "logout", "weixin")
	assert.Equal(t, exitPlatform, r.code, "nothing left under that key")
	assert.Contains(t, r.stderr, `no token is stored as "weixin"`)
	assert.Contains(t, r.stderr, `(stored for weixin: "weixin@sandbox")`, "the hint names the sandbox token")

	r = runCLI(t, env, "logout", "-base-url", "http://127.0.0.1:9/renren/", "renren1")
	require.Equal(t, exitOK, r.code, r.all())
	r = runCLI(t, env, "logout", "-sandbox", "-base-url", "http://x", "weixin")
	assert.Equal(t, exitUsage, r.code)
	r = runCLI(t, env, "logout", "-sandbox", "weixin")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, "deleted the token stored as \"weixin@sandbox\"\n", r.stdout)
	assert.Equal(t, []string{"kaixin"}, keys())
	assertPrivate(t, file)

	r = runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_ALL": "1"}, "logout")
	assert.Equal(t, exitUsage, r.code, "-all is never read from the environment")
	assert.Equal(t, []string{"kaixin"}, keys())

	r = runCLI(t, env, "logout", "-all")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, `deleted the token stored as "kaixin"`)
	assert.Empty(t, keys())
	assert.NotContains(t, r.all(), storedSecret)
}

func TestLogoutUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "logout needs one PLATFORM"},
		{[]string{"-all", "vk"}, "give a PLATFORM or -all, not both"},
		{[]string{"vk", "qq"}, "logout needs one PLATFORM"},
		{[]string{"orkut"}, `unknown platform "orkut"`},
		{[]string{"-base-url", "http://x", "vk@sandbox"}, "is a whole key already"},
	} {
		r := runCLI(t, nil, append([]string{"logout"}, tt.args...)...)
		assert.Equal(t, exitUsage, r.code, "%v", tt.args)
		assert.Contains(t, r.stderr, tt.want, "%v", tt.args)
	}
}
