package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCallHostileNesting: replies nested millions of levels deep (6 MB,
// under the default body limit) end snskit call with exit 3 and one line
// on stderr, never a stack trace, on every platform and with -q.
func TestCallHostileNesting(t *testing.T) {
	const n = 6_000_000
	bodies := map[string]string{
		"brackets": strings.Repeat("[", n),
		"objects":  strings.Repeat(`{"a":`, n/5),
		"mix":      strings.Repeat(`[{"a":[`, n/7),
	}
	calls := [][]string{
		{"-token", testToken, "vk", "users.get", "user_ids=1"},
		{"-token", testToken, "-q", "0.id", "vk", "users.get", "user_ids=1"},
		{"-token", testToken, "renren", "user.get"},
		{"-token", testToken, "-app-id", "key", "-app-secret", "app-secret-0123", "renren1", "users.getInfo"},
		{"-token", testToken, "-openid", "o1", "weixin", "sns.userinfo"},
		{"-token", testToken, "-openid", "o1", "-app-id", "100", "qq", "user.get_user_info"},
		{"-token", testToken, "kaixin", "users.me"},
	}
	for shape, body := range bodies {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write([]byte(body))
		})
		for _, call := range calls {
			t.Run(shape+"/"+strings.Join(call[2:], " "), func(t *testing.T) {
				r := runCLI(t, nil, append([]string{"call", "-base-url", srv.URL}, call...)...)
				assert.Equal(t, exitTransport, r.code, r.stderr)
				assert.Empty(t, r.stdout)
				assert.True(t, strings.HasPrefix(r.stderr, "snskit: "), r.stderr)
				assert.Contains(t, r.stderr, "reply nests deeper than 10,000 levels")
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %.300s", r.stderr)
				assert.NotContains(t, r.stderr, "goroutine")
			})
		}
	}
}
