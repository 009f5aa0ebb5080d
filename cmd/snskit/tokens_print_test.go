package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenJSONIsMasked(t *testing.T) {
	file := fillStore(t)
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "token", "-json")
	require.Equal(t, exitOK, r.code, r.all())
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
	require.Len(t, got, 4)
	byKey := map[string]map[string]any{}
	for _, e := range got {
		byKey[e["key"].(string)] = e
	}
	wx := byKey["weixin"]
	assert.Equal(t, "****wxyz", wx["token"])
	assert.Equal(t, "OPENID-42", wx["openid"])
	assert.Equal(t, true, wx["refresh_token_kept"])
	assert.Equal(t, false, wx["expired"])
	_, err := time.Parse(time.RFC3339, wx["expires"].(string))
	assert.NoError(t, err)
	assert.Equal(t, "****sess", byKey["renren1@http://127.0.0.1:9/renren"]["session_key"])
	assert.Equal(t, "****scrt", byKey["kaixin"]["token_secret"])
	for _, secret := range []string{storedAccess, storedRefresh, storedSecret, storedSession, "sandbox-access-token-0001"} {
		assert.NotContains(t, r.all(), secret)
	}

	r = runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "token", "-json", "kaixin")
	require.Equal(t, exitOK, r.code)
	assert.Equal(t, 1, strings.Count(r.stdout, `"key"`))
}

func TestTokenPrintTokenPrintsOneSecretBare(t *testing.T) {
	file := fillStore(t)
	env := map[string]string{"SNSKIT_TOKEN_FILE": file}
	r := runCLI(t, env, "token", "-print-token", "wechat")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, storedAccess+"\n", r.stdout, "the platform's own key when it has several")
	assert.Empty(t, r.stderr)

	r = runCLI(t, env, "token", "-print-token", "weixin@sandbox")
	assert.Equal(t, "sandbox-access-token-0001\n", r.stdout)
	r = runCLI(t, env, "token", "-print-token", "renren1")
	assert.Equal(t, storedSession+"\n", r.stdout, "a session key when there is no access token")

	storeToken(t, file, "vk@a", &auth.Saved{Platform: "vk", AccessToken: "vk-token-aaaa-0000-1111"})
	storeToken(t, file, "vk@b", &auth.Saved{Platform: "vk", AccessToken: "vk-token-bbbb-0000-2222", Expiry: time.Now().Add(-time.Hour)})
	r = runCLI(t, env, "token", "-print-token", "vk")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "2 vk tokens are stored (vk@a, vk@b); name one key")
	assert.Empty(t, r.stdout)
	r = runCLI(t, env, "token", "-print-token", "vk@b")
	assert.Equal(t, "vk-token-bbbb-0000-2222\n", r.stdout)
	assert.Contains(t, r.stderr, `the token stored as "vk@b" expired`)

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-print-token"}, exitUsage, "-print-token needs the PLATFORM or KEY"},
		{[]string{"-print-token", "-json", "vk@a"}, exitUsage, "leave -json out"},
		{[]string{"-print-token", "qq"}, exitPlatform, "no qq token stored"},
		{[]string{"-print-token", "vkk"}, exitUsage, `unknown platform "vkk"; did you mean vk?`},
	} {
		r := runCLI(t, env, append([]string{"token"}, tt.args...)...)
		assert.Equal(t, tt.code, r.code, "%v", tt.args)
		assert.Contains(t, r.stderr, tt.want, "%v", tt.args)
		assert.Empty(t, r.stdout, "%v", tt.args)
	}
	r = runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file, "SNSKIT_PRINT_TOKEN": "1"}, "token", "wechat")
	assert.NotContains(t, r.stdout, storedAccess, "-print-token is never read from the environment")
}
