package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawVK calls a VK method over plain HTTP as any client would and returns
// the decoded reply.
func rawVK(t *testing.T, s *Server, method string, form url.Values) map[string]any {
	t.Helper()
	if form.Get("v") == "" {
		form.Set("v", "5.199")
	}
	resp, err := http.PostForm(s.URL(VK)+"/method/"+method, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), string(b))
	return out
}

func TestStateFileKeepsTokensAndPostsAcrossServers(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sub", "sandbox.json")
	first, err := New(WithStateFile(file))
	require.NoError(t, err)
	vk := first.Token(VK)
	wx := first.Token(Weixin)
	posted := rawVK(t, first, "wall.post", url.Values{"access_token": {vk.AccessToken}, "message": {"kept across runs"}})
	require.Contains(t, posted, "response", posted)
	require.NoError(t, first.SaveState())
	first.Close()

	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "readable by its owner only")

	second, err := New(WithStateFile(file))
	require.NoError(t, err)
	defer second.Close()
	assert.NotEqual(t, first.URL(VK), second.URL(VK), "a new server, a new port")
	users := rawVK(t, second, "users.get", url.Values{"access_token": {vk.AccessToken}})
	assert.Contains(t, users, "response", "the first server's token works on the second: %v", users)
	wall := rawVK(t, second, "wall.get", url.Values{"access_token": {vk.AccessToken}, "count": {"100"}})
	b, _ := json.Marshal(wall)
	assert.Contains(t, string(b), "kept across runs", "the post is kept")

	// WeChat's refresh token, issued by the first server, refreshes on the
	// second.
	resp, err := http.Get(second.URL(Weixin) + "/sns/oauth2/refresh_token?appid=" + second.App(Weixin).ID +
		"&grant_type=refresh_token&refresh_token=" + url.QueryEscape(wx.RefreshToken))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `"access_token"`, string(body))

	// A token the second never knew of is still refused.
	bad := rawVK(t, second, "users.get", url.Values{"access_token": {"vk1.a.unknown"}})
	assert.Contains(t, bad, "error")
}

func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte("{not json"), 0o600))
	_, err := New(WithStateFile(broken))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not one the sandbox wrote")
	assert.Contains(t, err.Error(), "remove it to start afresh")

	old := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(old, []byte(`{"version":99}`), 0o600))
	_, err = New(WithStateFile(old))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has layout 99")

	_, err = New(WithStateFile(""))
	assert.ErrorContains(t, err, "needs a file path")

	s, err := New(WithStateFile(filepath.Join(dir, "fresh.json")))
	require.NoError(t, err, "a missing file is an empty state")
	s.Close()
	b, err := os.ReadFile(filepath.Join(dir, "fresh.json"))
	require.NoError(t, err, "Close saves")
	assert.True(t, strings.Contains(string(b), `"version": 1`))

	plain, err := New()
	require.NoError(t, err)
	assert.NoError(t, plain.SaveState(), "nothing to do without a state file")
	plain.Close()
}
