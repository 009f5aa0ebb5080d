package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOfflineAcrossCommands logs in to the in-process sandbox in one
// command and calls it with the stored token in the next, as a person
// prototyping offline would, then resets the sandbox.
func TestOfflineAcrossCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"SNSKIT_TOKEN_FILE":    filepath.Join(dir, "tokens.json"),
		"SNSKIT_SANDBOX_STATE": filepath.Join(dir, "state.json"),
	}
	for _, p := range []string{"vk", "weixin", "renren", "qq"} {
		t.Run(p, func(t *testing.T) {
			r := runCLI(t, env, "login", "-sandbox", p)
			require.Equal(t, exitOK, r.code, r.all())
			method := map[string]string{"vk": "users.get", "weixin": "sns.userinfo", "renren": "user.login.get", "qq": "user.get_user_info"}[p]
			r = runCLI(t, env, "call", "-sandbox", "-v", p, method)
			require.Equal(t, exitOK, r.code, r.all())
			assert.Contains(t, r.stderr, `stored as "`+p+`@sandbox"`, "the call uses the login's token")
		})
	}
	_, err := os.Stat(env["SNSKIT_SANDBOX_STATE"])
	require.NoError(t, err, "the state is kept in the file")

	r := runCLI(t, env, "sandbox", "reset")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Contains(t, r.stdout, "the sandbox's state is reset")
	_, err = os.Stat(env["SNSKIT_SANDBOX_STATE"])
	assert.True(t, os.IsNotExist(err))

	r = runCLI(t, env, "call", "-sandbox", "vk", "users.get")
	assert.Equal(t, exitPlatform, r.code, "the stored token belonged to the sandbox that was reset: %s", r.all())
	assert.Contains(t, r.stderr, "log in again with 'snskit login -sandbox vk'")
	r = runCLI(t, map[string]string{"SNSKIT_SANDBOX_STATE": filepath.Join(dir, "none.json")}, "sandbox", "reset")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "no state to reset")

	r = runCLI(t, env, "sandbox", "rest")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "did you mean 'snskit sandbox reset'?")
}

func TestBrokenSandboxStateSaysWhatToDo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(file, []byte("garbage"), 0o600))
	r := runCLI(t, map[string]string{"SNSKIT_SANDBOX_STATE": file}, "call", "-sandbox", "vk", "users.get")
	assert.Equal(t, exitTransport, r.code)
	assert.Contains(t, r.stderr, "remove it to start afresh")
}
