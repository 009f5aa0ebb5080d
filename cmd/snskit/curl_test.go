package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A token with the characters that escaping gets wrong.
const curlToken = "vk1.a.tok|en+/=value0123"

func TestCurlPrintsNoSecretAndQuotesForTheShell(t *testing.T) {
	r := runCLI(t, nil, "call", "-dry-run", "-curl", "-token", curlToken, "-base-url", "http://127.0.0.1:9/vk",
		"vk", "wall.post", `message=it's "hi" $HOME`, "owner_id=-1")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, `curl 'http://127.0.0.1:9/vk/method/wall.post' \
  --data-urlencode 'access_token='"$SNSKIT_TOKEN" \
  --data-urlencode 'message=it'\''s "hi" $HOME' \
  --data-urlencode 'owner_id=-1' \
  --data-urlencode 'v=5.199'
`, r.stdout)
	assert.NotContains(t, r.stdout, "tok|en")

	r = runCLI(t, nil, "call", "-dry-run", "-curl", "-token", curlToken, "-app-id", "1", "-app-secret", "AppSecretValue1234", "-base-url", "http://127.0.0.1:9", "renren1", "users.getInfo")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "'sig=SECRET-NOT-SHOWN'")
	assert.Contains(t, r.stdout, "# sig is computed for this one request from a secret")
	assert.NotContains(t, r.stdout, "AppSecretValue1234")

	r = runCLI(t, nil, "call", "-curl", "-token", curlToken, "vk", "users.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-curl prints a dry run: add -dry-run")
}

// TestCurlCommandRuns runs the printed command in a shell with curl, the way
// a user pastes it, and checks that the server receives what snskit call
// sends: the same parameters, the token from the environment, the file.
func TestCurlCommandRuns(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed on this machine; the command's text is checked by TestCurlPrintsNoSecretAndQuotesForTheShell")
	}
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	photo := filepath.Join(t.TempDir(), "cat's photo.jpg")
	require.NoError(t, os.WriteFile(photo, []byte("JPEG-BYTES"), 0o600))
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"vk form", []string{"vk", "wall.post", `message=it's "hi" $HOME & more`, "owner_id=-1"}},
		{"renren get with bearer", []string{"renren", "user.get", "userId=262156164"}},
		{"vk multipart", []string{"vk", "photos.saveWallPhoto", "photo=@" + photo, "caption=a 'cat'"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, fixed(200, `{"response":1}`))
			base := srv.URL + "/" + tt.args[0]
			direct := runCLI(t, nil, append([]string{"call", "-token", curlToken, "-base-url", base}, tt.args...)...)
			require.Equal(t, exitOK, direct.code, direct.stderr)
			want := srv.last()

			r := runCLI(t, nil, append([]string{"call", "-dry-run", "-curl", "-token", curlToken, "-base-url", base}, tt.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			cmd := exec.Command(sh, "-c", r.stdout)
			cmd.Env = []string{"PATH=" + filepath.Dir(curl), "SNSKIT_TOKEN=" + curlToken, "HOME=/nonexistent"}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s\n%s", r.stdout, out)
			got := srv.last()
			assert.Equal(t, want.Method, got.Method)
			assert.Equal(t, want.Path, got.Path)
			assert.Equal(t, want.Query, got.Query)
			assert.Equal(t, want.Form, got.Form)
			assert.Equal(t, want.Header.Get("Authorization"), got.Header.Get("Authorization"))
			for field, f := range want.Files {
				assert.Equal(t, f.Content, got.Files[field].Content, field)
			}
		})
	}
}
