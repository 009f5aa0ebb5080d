package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/snskit/snskit/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renrenToken is shaped like Renren's tokens, '|' included, with the other
// characters that escaping changes.
const renrenToken = "239975|6.8d4c1f+a/b=c.5184000.1367|0123"

// A reply that echoes the request escaped (an HTML error page, a body
// repeating the form) must not show the token on stdout or stderr.
func TestCallMasksEscapedTokenInAllOutput(t *testing.T) {
	for name, handle := range map[string]http.HandlerFunc{
		"html page": func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html><body>failed: "+string(b)+"</body></html>")
		},
		"json error": func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			io.WriteString(w, `{"error_code":2,"error_msg":"busy: `+url.QueryEscape(string(b))+`"}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(handle) // not a recorder: the handler reads the body
			defer srv.Close()
			r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", renrenToken, "-raw", "-v", "renren1", "users.getInfo")
			require.NotEqual(t, exitOK, r.code)
			require.Contains(t, r.all(), "****0123", "the echo is shown, masked")
			leaktest.NoSecret(t, r.all(), renrenToken)
		})
	}
}

// Renren 1.0 signs access-token calls with the secret alone: -app-secret
// without -app-id is what such a call needs.
func TestCallRenren1SecretWithoutAppID(t *testing.T) {
	srv := newRecorder(t, fixed(200, `[{"uid":1}]`))
	r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "-app-secret", "AppSecretValue1234", "renren1", "users.getInfo")
	require.Equal(t, exitOK, r.code, r.all())
	got := srv.only(t)
	assert.Len(t, got.Form.Get("sig"), 32, "signed with the secret")
	assert.NotContains(t, r.all(), "AppSecretValue1234")

	r = runCLI(t, nil, "call", "-base-url", srv.URL, "-session-key", "session-0123456789", "-app-secret", "AppSecretValue1234", "renren1", "users.getInfo")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-app-id", "a session key goes with the app key")
}

// VK error 14: the captcha's sid and image, and the way to resend.
func TestCallShowsCaptcha(t *testing.T) {
	const captcha = `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"548823","captcha_img":"https://api.vk.com/captcha.php?sid=548823","redirect_uri":"https://id.vk.com/not_robot_captcha?sid=548823","request_params":[{"key":"method","value":"wall.post"}]}}`
	srv := newRecorder(t, fixed(200, captcha))
	r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "vk", "wall.post", "message=hi")
	assert.Equal(t, exitPlatform, r.code)
	assert.Contains(t, r.stderr, "captcha_sid: 548823")
	assert.Contains(t, r.stderr, "captcha_img: https://api.vk.com/captcha.php?sid=548823")
	assert.Contains(t, r.stderr, "redirect_uri: https://id.vk.com/not_robot_captcha?sid=548823")
	assert.Contains(t, r.stderr, "captcha_sid=548823 captcha_key=")
}
