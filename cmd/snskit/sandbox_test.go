package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// skipIfNotEmulated skips a sandbox test whose platform emulator answers
// 404, which means it is not written yet.
func skipIfNotEmulated(t *testing.T, platform string, r result) {
	t.Helper()
	if r.code == exitTransport && strings.Contains(r.stderr, "(http 404)") {
		t.Skipf("the sandbox's %s emulator answers 404: not written yet; re-run this test once it is (%s)", platform, strings.TrimSpace(r.stderr))
	}
}

func TestCallSandboxVK(t *testing.T) {
	r := runCLI(t, nil, "call", "-sandbox", "vk", "users.get", "user_ids=1")
	skipIfNotEmulated(t, "vk", r)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"id":1,`)
	assert.Contains(t, r.stdout, `"first_name":"`)
	assert.Empty(t, r.stderr)
}

func TestCallSandboxEveryPlatform(t *testing.T) {
	tests := []struct {
		call []string
		want string
	}{
		{[]string{"vk", "users.get", "user_ids=1"}, `"id":1`},
		{[]string{"renren", "user.get", "userId=600000001"}, `600000001`},
		{[]string{"renren1", "users.getInfo"}, `"uid"`},
		{[]string{"weixin", "sns.userinfo"}, `"openid"`},
		{[]string{"wechat", "sns.userinfo"}, `"nickname"`},
		{[]string{"qq", "user.get_user_info"}, `"nickname"`},
		{[]string{"kaixin", "friends.me"}, `"users"`},
	}
	for _, tt := range tests {
		t.Run(tt.call[0], func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"call", "-sandbox"}, tt.call...)...)
			skipIfNotEmulated(t, tt.call[0], r)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Contains(t, r.stdout, tt.want)
		})
	}
}

func TestCallSandboxFromEnvironment(t *testing.T) {
	r := runCLI(t, map[string]string{"SNSKIT_SANDBOX": "true", "SNSKIT_Q": "0.id"}, "call", "vk", "users.get", "user_ids=2")
	skipIfNotEmulated(t, "vk", r)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "2\n", r.stdout)
}

func TestCallSandboxExplicitCredentialWins(t *testing.T) {
	r := runCLI(t, nil, "call", "-sandbox", "-token", testToken, "vk", "users.get")
	skipIfNotEmulated(t, "vk", r)
	assert.Equal(t, exitPlatform, r.code, "the sandbox does not know this token")
	assert.Contains(t, r.stderr, "snskit: vk users.get: error 5: ")
	assert.NotContains(t, r.all(), testToken)
}

func TestCallSandboxWithBaseURLIsRefused(t *testing.T) {
	r := runCLI(t, nil, "call", "-sandbox", "-base-url", "http://127.0.0.1:1", "vk", "users.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-sandbox and -base-url cannot be combined")
}

// startSandbox runs "snskit sandbox args..." until the test ends and
// returns its stdout once it has printed everything.
func startSandbox(t *testing.T, env map[string]string, args ...string) (stdout string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	testenv := testEnv(t, env)
	go func() {
		done <- run(ctx, append([]string{"sandbox"}, args...), console{stdout: &out, stderr: &errb}, testenv)
	}()
	stopped := false
	stop = func() (int, string) {
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code, errb.String()
		case <-time.After(5 * time.Second):
			t.Fatal("the sandbox did not stop when its context was cancelled")
			return -1, ""
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	require.Eventually(t, func() bool {
		select {
		case code := <-done:
			done <- code
			return true
		default:
		}
		return strings.Contains(out.String(), "Try:\n")
	}, 5*time.Second, 10*time.Millisecond)
	return out.String(), stop
}

// sandboxField returns the value of label in the section of platform in
// the output of "snskit sandbox".
func sandboxField(out, platform, label string) string {
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case l == platform:
			in = true
		case l == "":
			in = false
		case in && strings.HasPrefix(l, "  "+label+"  "):
			return strings.TrimSpace(strings.TrimPrefix(l, "  "+label))
		}
	}
	return ""
}

func TestSandboxCommandServesUntilStopped(t *testing.T) {
	out, stop := startSandbox(t, nil)
	assert.Contains(t, out, "SANDBOX CREDENTIALS: fake")
	for _, p := range sandboxPlatforms() {
		assert.Contains(t, out, "\n"+p+"\n  base URL", p)
	}
	vkBase := sandboxField(out, "vk", "base URL")
	vkToken := sandboxField(out, "vk", "access token")
	require.NotEmpty(t, vkToken, out)
	try := lineAfter(out, "Try:")
	assert.Equal(t, "snskit call -base-url "+vkBase+" -token "+vkToken+" vk users.get user_ids=1", try)

	r := runCLI(t, nil, strings.Fields(try)[1:]...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"id":1,`)

	r = runCLI(t, map[string]string{"SNSKIT_BASE_URL": vkBase, "SNSKIT_TOKEN": vkToken}, "call", "-q", "0.id", "vk", "users.get")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "1\n", r.stdout)

	code, stderr := stop()
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "snskit: sandbox stopped")
	r = runCLI(t, nil, strings.Fields(try)[1:]...)
	assert.Equal(t, exitTransport, r.code, "the sandbox is closed")
}

func TestSandboxCommandKaixinOAuth1(t *testing.T) {
	out, _ := startSandbox(t, nil)
	token := sandboxField(out, "kaixin", "OAuth 1.0a token")
	secret := sandboxField(out, "kaixin", "OAuth 1.0a token secret")
	if token == "" || secret == "" {
		t.Skipf("the sandbox's kaixin emulator issues no OAuth 1.0a token yet:\n%s", out)
	}
	r := runCLI(t, nil, "call", "-base-url", sandboxField(out, "kaixin", "base URL"),
		"-token", token, "-token-secret", secret,
		"-app-id", sandboxField(out, "kaixin", "app id"), "-app-secret", sandboxField(out, "kaixin", "app secret"),
		"-q", "uid", "kaixin", "users.me")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotEmpty(t, strings.TrimSpace(r.stdout))
	assert.NotContains(t, r.all(), secret)
}

func TestSandboxCommandAddr(t *testing.T) {
	free := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return addr
	}
	// A port found free can be taken by another test before the sandbox
	// binds it: try a few.
	serve := func(env map[string]string, args ...string) (string, string) {
		var out, addr string
		for range 5 {
			addr = free()
			if env != nil {
				env["SNSKIT_ADDR"] = addr
				out, _ = startSandbox(t, env)
			} else {
				out, _ = startSandbox(t, nil, append(args, addr)...)
			}
			if strings.Contains(out, "serving on http://"+addr+" ") {
				break
			}
		}
		return out, addr
	}
	out, addr := serve(nil, "-addr")
	assert.Contains(t, out, "serving on http://"+addr+" ")

	out, addr = serve(map[string]string{})
	assert.Contains(t, out, "serving on http://"+addr+" ")

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	r := runCLI(t, nil, "sandbox", "-addr", busy.Addr().String())
	assert.Equal(t, exitTransport, r.code)
	assert.Contains(t, r.stderr, "snskit: starting the sandbox: ")
	assert.Empty(t, r.stdout)
}

// shellSplit splits a command line as a POSIX shell does for the quoting
// snskit prints: words separated by spaces, 'single-quoted' parts kept
// whole.
func shellSplit(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			cur.WriteByte(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.ContainsRune("|&;<>()$`\\\"*?", rune(c)):
			t.Fatalf("unquoted shell character %q in %q", c, line)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	require.False(t, quoted, "unbalanced quote in %q", line)
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func TestSandboxCommandPrintsAWorkingCommandPerPlatform(t *testing.T) {
	out, _ := startSandbox(t, nil)
	for _, p := range sandboxPlatforms() {
		try := sandboxField(out, p, "try")
		require.NotEmpty(t, try, "%s has a command to try:\n%s", p, out)
		words := shellSplit(t, try)
		require.Equal(t, "snskit", words[0])
		r := runCLI(t, nil, words[1:]...)
		assert.Equal(t, exitOK, r.code, "%s: %s\n%s", p, try, r.stderr)
		assert.NotEmpty(t, strings.TrimSpace(r.stdout), p)
	}
}

func TestSandboxWarnsBeyondLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:1", "[::]:1", "192.168.1.5:80", "example.test:80", ":8080"} {
		assert.True(t, beyondLoopback(addr), addr)
	}
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:80", "localhost:80", "127.1.2.3:9"} {
		assert.False(t, beyondLoopback(addr), addr)
	}
	// 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes
	// first, then the sandbox fails to bind, and nothing listens beyond
	// loopback during the test.
	r := runCLI(t, nil, "sandbox", "-addr", "192.0.2.1:0")
	assert.Equal(t, exitTransport, r.code)
	assert.Contains(t, r.stderr, "snskit: warning: the sandbox listens on 192.0.2.1:0, beyond this machine")
}
