package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileContent is the content of uploaded test files: it must reach servers
// and never a dry run's output.
const fileContent = "\x89PNG\r\n\x1a\nFILE-CONTENT-MARKER-0123456789"

// writeTestFile writes fileContent to dir/name and returns its path.
func writeTestFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(fileContent), 0o600))
	return path
}

func TestDryRunMasksTheToken(t *testing.T) {
	for _, via := range []string{"flag", "env"} {
		t.Run(via, func(t *testing.T) {
			srv := newRecorder(t, fixed(200, vkUsersReply))
			args := []string{"call", "-dry-run", "-base-url", srv.URL}
			env := map[string]string{}
			if via == "flag" {
				args = append(args, "-token", testToken)
			} else {
				env["SNSKIT_TOKEN"] = testToken
			}
			r := runCLI(t, env, append(args, "vk", "users.get", "user_ids=1", "user_ids=2")...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, srv.seen(), "a dry run sends nothing")
			want := "POST " + srv.URL + "/method/users.get\n" +
				"Content-Type: application/x-www-form-urlencoded\n" +
				"Content-Length: 74\n" +
				"\n" +
				"access_token=****cdef&user_ids=1%2C2&v=5.199\n"
			assert.Equal(t, want, r.stdout)
			assert.NotContains(t, r.all(), testToken)
		})
	}
}

func TestDryRunTokenInQueryAndHeader(t *testing.T) {
	srv := newRecorder(t, fixed(200, `{}`))
	r := runCLI(t, nil, "call", "-dry-run", "-base-url", srv.URL, "-token", testToken, "-openid", "oOpenID", "weixin", "sns.userinfo", "lang=en")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "GET "+srv.URL+"/sns/userinfo?access_token=****cdef&lang=en&openid=oOpenID\n\n", r.stdout)

	r = runCLI(t, nil, "call", "-dry-run", "-base-url", srv.URL, "-token", testToken, "renren", "user.get", "userId=1")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "GET "+srv.URL+"/v2/user/get?userId=1\n")
	assert.Contains(t, r.stdout, "Authorization: Bearer ****cdef\n")
	assert.NotContains(t, r.all(), testToken)
	assert.Empty(t, srv.seen())
}

func TestDryRunMultipartShowsPartsNotFileContent(t *testing.T) {
	path := writeTestFile(t, "cat.png")
	srv := newRecorder(t, fixed(200, `{}`))
	r := runCLI(t, nil, "call", "-dry-run", "-base-url", srv.URL, "-token", testToken, "-app-id", "rk", "-app-secret", "AppSecretValue1234",
		"renren1", "photos.upload", "upload=@"+path, "caption=@@home")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, srv.seen())
	out := r.stdout
	assert.True(t, strings.HasPrefix(out, "POST "+srv.URL+"/restserver.do\nContent-Type: multipart/form-data; boundary="), out)
	assert.Contains(t, out, "Content-Disposition: form-data; name=\"access_token\"\n****cdef\n")
	assert.Contains(t, out, "Content-Disposition: form-data; name=\"caption\"\n@home\n")
	assert.Contains(t, out, "Content-Disposition: form-data; name=\"method\"\nphotos.upload\n")
	assert.Contains(t, out, "Content-Disposition: form-data; name=\"sig\"\n****")
	assert.Contains(t, out, "Content-Disposition: form-data; name=\"upload\"; filename=\"cat.png\"\nContent-Type: image/png\n"+
		"(file content: 38 bytes, not shown)\n")
	assert.NotContains(t, out, "FILE-CONTENT-MARKER")
	assert.NotContains(t, r.all(), testToken)
	assert.NotContains(t, r.all(), "AppSecretValue1234")
}

func TestDryRunOAuth1HeaderKeepsNamesMasksSecrets(t *testing.T) {
	path := writeTestFile(t, "pic.jpg")
	srv := newRecorder(t, fixed(200, `{}`))
	r := runCLI(t, nil, "call", "-dry-run", "-base-url", srv.URL, "-token", "kx-oauth1-token-0001", "-token-secret", "TokenSecretValue99",
		"-app-id", "ck", "-app-secret", "ConsumerSecret77", "kaixin", "records.add", "content=hi", "pic=@"+path)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, srv.seen())
	auth := ""
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "Authorization: ") {
			auth = l
		}
	}
	require.NotEmpty(t, auth, r.stdout)
	assert.Contains(t, auth, `Authorization: OAuth oauth_consumer_key="ck", `)
	assert.Contains(t, auth, `oauth_signature="****`)
	assert.Contains(t, auth, `oauth_token="****0001"`)
	assert.Contains(t, auth, `oauth_version="1.0"`)
	assert.Contains(t, r.stdout, "(file content: 38 bytes, not shown)")
	for _, secret := range []string{"kx-oauth1-token-0001", "TokenSecretValue99", "ConsumerSecret77", "FILE-CONTENT-MARKER"} {
		assert.NotContains(t, r.all(), secret)
	}
}

func TestUploadArrivesAsMultipart(t *testing.T) {
	path := writeTestFile(t, "cat.png")
	srv := newRecorder(t, fixed(200, `{"pid":1,"aid":2,"src":"http://example.test/cat.png"}`))
	r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "renren1", "photos.upload", "upload=@"+path, "caption=@@home", "q", "-q", "pid")
	// "q" alone is malformed: the run must fail before sending.
	require.Equal(t, exitUsage, r.code)
	require.Empty(t, srv.seen())

	r = runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "-q", "pid", "renren1", "photos.upload", "upload=@"+path, "caption=@@home")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "1\n", r.stdout)
	got := srv.only(t)
	assert.Equal(t, "POST", got.Method)
	assert.Equal(t, seenFile{Name: "cat.png", Type: "image/png", Content: fileContent}, got.Files["upload"])
	assert.Equal(t, "@home", got.Form.Get("caption"), "@@ escapes a leading @")
	assert.Equal(t, "photos.upload", got.Form.Get("method"))
	assert.Equal(t, testToken, got.Form.Get("access_token"))
}

func TestParseParams(t *testing.T) {
	path := writeTestFile(t, "a.txt")
	p, closeAll, err := parseParams([]string{"ids=1", "ids=2", "ids=3", "name=", "eq=a=b", "at=@@", "f=@" + path})
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2", "3"}, p["ids"])
	assert.Equal(t, "", p["name"])
	assert.Equal(t, "a=b", p["eq"], "only the first = splits")
	assert.Equal(t, "@", p["at"])
	f, ok := p["f"].(snskit.File)
	require.True(t, ok, "%T", p["f"])
	assert.Equal(t, "a.txt", f.Name)
	assert.Equal(t, int64(len(fileContent)), f.Size)
	closeAll()
	_, err = f.Reader.Read(make([]byte, 1))
	assert.ErrorIs(t, err, os.ErrClosed, "closeAll closes the files")

	for _, bad := range [][]string{
		{"novalue"}, {"=v"}, {"f=@"}, {"f=@" + path, "f=x"}, {"f=x", "f=@" + path}, {"d=@" + t.TempDir()}, {"f=@/nonexistent/x"},
	} {
		_, closeAll, err := parseParams(bad)
		closeAll()
		assert.Error(t, err, "%v", bad)
	}
}
