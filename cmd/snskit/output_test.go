package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOutputFormats(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	call := func(env map[string]string, flags ...string) string {
		t.Helper()
		args := append([]string{"call", "-base-url", srv.URL, "-token", testToken}, flags...)
		r := runCLI(t, env, append(args, "vk", "users.get")...)
		require.Equal(t, exitOK, r.code, r.stderr)
		return r.stdout
	}
	compact := `[{"id":12345678901234567890,"first_name":"Pavel","last_name":"Durov","city":{"id":2,"title":"Saint Petersburg"}}]` + "\n"
	assert.Equal(t, compact, call(nil), "piped: compact, numbers and key order as sent")
	assert.Equal(t, compact, call(nil, "-format", "compact"))
	assert.Equal(t, vkUsersPretty, call(nil, "-format", "pretty"))
	assert.Equal(t, vkUsersPretty, call(map[string]string{"SNSKIT_FORMAT": "pretty"}))
	colored := call(nil, "-format", "pretty", "-color", "always")
	assert.Contains(t, colored, "\x1b[", "ANSI colours")
	assert.Equal(t, vkUsersPretty, stripANSI(colored), "the same JSON under the colours")
	assert.NotContains(t, call(map[string]string{"NO_COLOR": "1"}, "-format", "pretty"), "\x1b[")

	for _, bad := range [][]string{{"-format", "yaml"}, {"-color", "sometimes"}} {
		r := runCLI(t, nil, append(append([]string{"call", "-token", "t"}, bad...), "vk", "users.get")...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, bad[0]+" "+`"`+bad[1]+`"`)
	}
}

func TestOutputModeOnATerminal(t *testing.T) {
	f := &callFlags{format: "auto", color: "auto"}
	env := func(k string) string { return "" }
	// A file is not a terminal.
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer file.Close()
	assert.Equal(t, outputMode{}, outputOf(file, f, env))
	assert.False(t, isTerminal(&strings.Builder{}))
	f.format, f.color = "pretty", "always"
	assert.Equal(t, outputMode{indent: true, color: true}, outputOf(file, f, env))
}

// stripANSI removes ANSI colour sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestValueFromFileOrStdin(t *testing.T) {
	srv := newRecorder(t, fixed(200, `{"response":1}`))
	dir := t.TempDir()
	script := `return API.users.get({"user_ids": "1"});`
	path := filepath.Join(dir, "script.vks")
	require.NoError(t, os.WriteFile(path, []byte(script+"\n"), 0o600))

	r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "vk", "execute", "-F", "code="+path)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, script, srv.last().Form.Get("code"), "the file's text, its final newline dropped")

	r = runCLIInput(t, nil, script, "call", "-base-url", srv.URL, "-token", testToken, "vk", "execute", "-F", "code=-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, script, srv.last().Form.Get("code"), "read from stdin")

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-F", "code"}, "want name=path"},
		{[]string{"-F", "code=" + filepath.Join(dir, "missing")}, "cannot read the value's file"},
		{[]string{"-F", "code=" + path, "code=x"}, `parameter "code" is given twice`},
		{[]string{"-F", "a=-", "-F", "b=-"}, "only one -F may use -"},
	} {
		args := append([]string{"call", "-base-url", srv.URL, "-token", testToken, "vk", "execute"}, tt.args...)
		r := runCLI(t, nil, args...)
		assert.Equal(t, exitUsage, r.code, "%v", tt.args)
		assert.Contains(t, r.stderr, tt.want, "%v", tt.args)
	}
	r = runCLI(t, map[string]string{"SNSKIT_F": "code=" + path}, "call", "-base-url", srv.URL, "-token", testToken, "vk", "execute")
	require.Equal(t, exitOK, r.code)
	assert.Empty(t, srv.last().Form.Get("code"), "-F is command line only")
}

func TestCLIErrorsSpeakFlagsNotGo(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	cases := [][]string{
		{"call", "-base-url", srv.URL, "qq", "user.get_user_info"},
		{"call", "-base-url", srv.URL, "-token", "t", "qq", "user.get_user_info"},
		{"call", "-base-url", srv.URL, "-app-secret", "s", "-session-key", "k", "renren1", "users.getInfo"},
		{"call", "-base-url", srv.URL, "-session-key", "k", "renren1", "users.getInfo"},
		{"call", "-base-url", srv.URL, "-token", "t", "-token-secret", "s", "kaixin", "users.me"},
		{"call", "-base-url", srv.URL, "-token", "t", "weixin", "sns.userinfo"},
		{"call", "-base-url", srv.URL, "-max-body", "10", "-token", "t", "vk", "users.get"},
		{"call", "-base-url", srv.URL, "vk", "users.get"},
		{"call", "-base-url", srv.URL, "-token", "t", "vk", "users..get"},
		{"login", "vk"},
		{"login", "-sandbox", "-username", "u", "qq"},
	}
	for _, args := range cases {
		r := runCLI(t, nil, args...)
		assert.NotEqual(t, exitOK, r.code, "%v: %s", args, r.stdout)
		assert.NotRegexp(t, goIdentifier, r.stderr, "%v: stderr names Go identifiers", args)
	}
	assert.Equal(t, "pass -app-id and -app-secret (or SNSKIT_APP_ID and SNSKIT_APP_SECRET)", cliWords("pass it with snskit.WithApp(appID, appKey)"))
	assert.Equal(t, "a file: name=@path", cliWords("a file: snskit.Upload(name, reader)"))
}

// last returns the last request the recorder received.
func (r *recorder) last() seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return seenRequest{}
	}
	return r.reqs[len(r.reqs)-1]
}

func TestCLIWordsOfCredentials(t *testing.T) {
	assert.Equal(t, "needs a credential (-token, or an access_token parameter)", cliWords("needs a credential (auth.Token or auth.TokenSource, or an access_token parameter)"))
	assert.Equal(t, "use -session-key", cliWords("use auth.Session(key)"))
	assert.Equal(t, "-token with -token-secret", cliWords("auth.OAuth1Token(k, s, t, ts)"))
}
