package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerboseShowsWhatCurlShowsMasked(t *testing.T) {
	token := "vk1.a.tok|en+/=verbose0123"
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "remixsid="+token+"; path=/")
		w.Header().Set("X-Trace", "abc")
		w.Write([]byte(`{"response":{"access_token":"NEWTOKEN-issued-by-server-1234","echo":"` + token + `"}}`))
	})
	r := runCLI(t, map[string]string{"SNSKIT_APP_SECRET": "AppSecretValue1234"}, "call", "-v", "-base-url", srv.URL,
		"-token", token, "-app-id", "51234567", "vk", "users.get", "user_ids=1")
	require.Equal(t, exitOK, r.code, r.stderr)
	for _, want := range []string{
		"* access token from -token\n",
		"* app id from -app-id\n",
		"* app secret from SNSKIT_APP_SECRET\n",
		"> POST /method/users.get HTTP/1.1\n",
		"> Host: " + strings.TrimPrefix(srv.URL, "http://") + "\n",
		"> Content-Type: application/x-www-form-urlencoded\n",
		"> User-Agent: snskit/",
		"user_ids=1",
		"< HTTP/1.1 200 OK\n",
		"< X-Trace: abc\n",
		"< Set-Cookie: ****",
		`< {"response":{"access_token":"****1234"`,
		"bytes in ",
	} {
		assert.Contains(t, r.stderr, want)
	}
	for _, leak := range []string{token, "AppSecretValue1234"} {
		assert.NotContains(t, r.all(), leak)
	}
	assert.NotContains(t, r.stderr, "NEWTOKEN-issued-by-server-1234", "a token the reply brings is masked by its field name")
	assert.NotContains(t, r.stderr, `msg="snskit request"`, "the request is shown once, as curl would")
}

func TestVerboseNamesTheStoredToken(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	file := tokenPath(t)
	base := srv.URL
	storeToken(t, file, "vk@"+base, &auth.Saved{Platform: "vk", BaseURL: base, AccessToken: "stored-vk-token-0123456789"})
	r := runCLI(t, map[string]string{"SNSKIT_TOKEN_FILE": file}, "call", "-v", "-base-url", base, "vk", "users.get")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, `using the oauth2 token stored as "vk@`+base+`"`)
	assert.NotContains(t, r.stderr, "* access token from -token", "the stored token is not a flag")
}

func TestMaskSecretFields(t *testing.T) {
	assert.Equal(t, `{"access_token":"****abcd","x":"1"}`, maskSecretFields(`{"access_token":"0123456789abcd","x":"1"}`))
	assert.Equal(t, `{"refresh_token": "****abcd`, maskSecretFields(`{"refresh_token": "0123456789abcd`), "cut off mid-value")
	assert.Equal(t, "access_token=****abcd&expires_in=7776000", maskSecretFields("access_token=0123456789abcd&expires_in=7776000"))
}

// A reply (or a request) that repeats a secret across the point where -v
// cuts it shows no part of it: the secret is masked before the cut.
func TestVerboseCutDoesNotSplitASecret(t *testing.T) {
	token := "vk1.a.split-token-0123456789abcdef"
	for _, pad := range []int{verboseBody - 20, verboseBody - 10, verboseBody - 3} {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"error":{"error_code":5,"error_msg":"` + strings.Repeat("x", pad-len(`{"error":{"error_code":5,"error_msg":"`)) +
				token + `"}}`))
		})
		r := runCLI(t, nil, "call", "-v", "-base-url", srv.URL, "-token", token, "vk", "users.get",
			"message="+strings.Repeat("y", pad-len("message=")-1)+token)
		assert.False(t, strings.Contains(r.all(), token[:12]), "pad %d: the start of the token shows", pad)
		assert.Contains(t, r.stderr, " [...]", "the cut is shown")
		assert.Contains(t, r.stderr, "****cdef", "the token masked whole, before the cut, where the cut falls after it")
	}
}
