package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallPrintsTheResultIndentedAsSent(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	r := runCLI(t, nil, "call", "-format", "pretty", "-base-url", srv.URL, "-token", testToken, "vk", "users.get", "user_ids=1", "fields=city")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, vkUsersPretty, r.stdout, "envelope removed, key order and the big id kept")
	assert.Empty(t, r.stderr)

	got := srv.only(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/method/users.get", got.Path)
	assert.Equal(t, testToken, got.Form.Get("access_token"))
	assert.Equal(t, "1", got.Form.Get("user_ids"))
	assert.Equal(t, "city", got.Form.Get("fields"))
	assert.Equal(t, "5.199", got.Form.Get("v"))
}

func TestCallExitCodes(t *testing.T) {
	html := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError) // a 502, 503 or 504 would be resent
		_, _ = w.Write([]byte("<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>"))
	}
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	tests := []struct {
		name      string
		handler   http.HandlerFunc // default: a VK success
		baseURL   string           // instead of the server's
		args      []string         // default: -token testToken
		call      []string         // default: vk users.get user_ids=1
		code      int
		stderr    string
		sentCount int
	}{
		{"success", nil, "", nil, nil, exitOK, "", 1},
		{"platform error", fixed(200, vkAuthError), "", nil, nil, exitPlatform,
			"snskit: vk users.get: error 5: User authorization failed: invalid access_token (4).\n", 1},
		{"connection refused", nil, refusedURL(t), nil, nil, exitTransport, "connection refused", 0},
		{"html page", html, "", nil, nil, exitTransport, "HTML", 1},
		{"truncated json", fixed(200, `{"response":[{"id":1`), "", nil, nil, exitTransport, "not complete JSON", 1},
		{"timeout", slow, "", []string{"-token", testToken, "-timeout", "50ms"}, nil, exitTransport, "deadline exceeded", 1},
		{"missing credential", nil, "", []string{"-token="}, nil, exitUsage, "needs a credential", 0},
		{"invalid method name", nil, "", nil, []string{"vk", "users..get"}, exitUsage, `invalid method name "users..get"`, 0},
		{"forced GET refused by VK", nil, "", []string{"-token", testToken, "-X", "GET"}, nil, exitUsage, "do not force GET", 0},
		{"bad verb", nil, "", []string{"-token", testToken, "-X", "PUT"}, nil, exitUsage, `unsupported HTTP verb "PUT"`, 0},
		{"bad base URL", nil, "ftp://example.test", nil, nil, exitUsage, "want an absolute http or https URL", 0},
		{"bad API version", nil, "", []string{"-token", testToken, "-api-version", " "}, nil, exitUsage, "WithAPIVersion", 0},
		{"malformed parameter", nil, "", nil, []string{"vk", "users.get", "user_ids"}, exitUsage, `malformed parameter "user_ids"`, 0},
		{"missing file", nil, "", nil, []string{"vk", "users.get", "photo=@/nonexistent/cat.jpg"}, exitUsage, `parameter "photo": cannot open the file to upload`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.handler
			if h == nil {
				h = fixed(200, vkUsersReply)
			}
			srv := newRecorder(t, h)
			base := tt.baseURL
			if base == "" {
				base = srv.URL
			}
			args := append([]string{"call", "-base-url", base}, tt.args...)
			if tt.args == nil {
				args = append(args, "-token", testToken)
			}
			if tt.call == nil {
				tt.call = []string{"vk", "users.get", "user_ids=1"}
			}
			r := runCLI(t, nil, append(args, tt.call...)...)
			assert.Equal(t, tt.code, r.code, r.stderr)
			if tt.code == exitOK {
				assert.Empty(t, r.stderr)
				assert.Contains(t, r.stdout, `"first_name":"Pavel"`)
			} else {
				assert.Contains(t, r.stderr, tt.stderr)
				assert.True(t, strings.HasPrefix(r.stderr, "snskit: "), r.stderr)
				assert.Empty(t, r.stdout, "nothing on stdout on failure")
			}
			if tt.code == exitUsage {
				assert.Contains(t, r.stderr, "run 'snskit help' for usage")
			}
			assert.Len(t, srv.seen(), tt.sentCount)
			assert.NotContains(t, r.all(), testToken)
		})
	}
}

func TestCallMissingCredentialSuggestsFlags(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	r := runCLI(t, nil, "call", "-base-url", srv.URL, "vk", "users.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "needs a credential")
	assert.Contains(t, r.stderr, "no credential was given: pass -token")
	assert.Empty(t, srv.seen())
}

func TestCallPartialResultPrintsResultAndErrors(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkPartialReply))
	r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "vk", "execute", "code=return [API.users.get(), API.users.get({user_ids:-1})];")
	assert.Equal(t, exitPlatform, r.code)
	assert.Equal(t, "[[{\"id\":1,\"first_name\":\"Pavel\"}],false]\n", r.stdout, "compact when piped")
	assert.Contains(t, r.stderr, "snskit: vk execute: 1 sub-request(s) failed:\n")
	assert.Contains(t, r.stderr, "  snskit: vk users.get: error 113: Invalid user id\n")
}

func TestCallQuery(t *testing.T) {
	tests := []struct {
		path, stdout, stderr string
	}{
		{"0.first_name", "Pavel\n", ""},
		{"0.city", "{\n  \"id\": 2,\n  \"title\": \"Saint Petersburg\"\n}\n", ""},
		{"0.id", "12345678901234567890\n", ""},
		{"#.last_name", "[\n  \"Durov\"\n]\n", ""},
		{"0.nickname", "", `snskit: -q "0.nickname" matches nothing in the result`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			srv := newRecorder(t, fixed(200, vkUsersReply))
			r := runCLI(t, nil, "call", "-format", "pretty", "-base-url", srv.URL, "-token", testToken, "-q", tt.path, "vk", "users.get")
			assert.Equal(t, exitOK, r.code, "a path that matches nothing is no failure")
			assert.Equal(t, tt.stdout, r.stdout)
			if tt.stderr == "" {
				assert.Empty(t, r.stderr)
			} else {
				assert.Contains(t, r.stderr, tt.stderr)
			}
		})
	}
}

func TestCallRaw(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		srv := newRecorder(t, fixed(200, vkUsersReply))
		r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "-raw", "vk", "users.get")
		assert.Equal(t, exitOK, r.code)
		assert.Equal(t, vkUsersReply+"\n", r.stdout, "the body as sent, envelope included")
	})
	t.Run("platform error", func(t *testing.T) {
		srv := newRecorder(t, fixed(200, vkAuthError))
		r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "-raw", "vk", "users.get")
		assert.Equal(t, exitPlatform, r.code)
		assert.Equal(t, vkAuthError+"\n", r.stdout)
		assert.Contains(t, r.stderr, "error 5")
	})
	t.Run("body echoing the token", func(t *testing.T) {
		echo := `{"error":{"error_code":100,"error_msg":"bad","request_params":[{"key":"access_token","value":"` + testToken + `"}]}}`
		srv := newRecorder(t, fixed(200, echo))
		r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "-raw", "-v", "vk", "users.get")
		assert.Equal(t, exitPlatform, r.code)
		assert.Contains(t, r.stdout, `"value":"****cdef"`)
		assert.NotContains(t, r.all(), testToken)
	})
}

func TestCallVerboseLogsWithSecretsMasked(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkAuthError))
	r := runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "-app-id", "51234567", "-app-secret", "AppSecretValue1234", "-v", "vk", "users.get", "access_token="+testToken)
	assert.Equal(t, exitPlatform, r.code)
	assert.Contains(t, r.stderr, "> POST /method/users.get HTTP/1.1\n")
	assert.Contains(t, r.stderr, "< HTTP/1.1 200 OK\n")
	assert.Contains(t, r.stderr, "  detail: {\n    \"error_code\": 5,", "-v adds the error object")
	assert.NotContains(t, r.all(), testToken)
	assert.NotContains(t, r.all(), "AppSecretValue1234")
}

func TestCallFlagsAfterArguments(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	r := runCLI(t, nil, "call", "vk", "users.get", "user_ids=1", "-base-url", srv.URL, "-q", "0.first_name", "-token", testToken)
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "Pavel\n", r.stdout)

	r = runCLI(t, nil, "call", "-base-url", srv.URL, "-token", testToken, "--", "vk", "users.get", "-x=1")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"1"}, srv.seen()[1].Form["-x"], "after --, -x=1 is a parameter")
}
