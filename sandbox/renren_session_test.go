package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// rrSessionKey asks /renren_api/session_key for a key of token.
func rrSessionKey(t *testing.T, s *sandbox.Server, token string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(s.URL(sandbox.Renren) + "/renren_api/session_key?" + url.Values{"oauth_token": {token}}.Encode())
	require.NoError(t, err)
	return resp.StatusCode, vkDecode(t, resp)
}

func TestRenrenSessionKeyPage(t *testing.T) {
	s, clk := vkStart(t)
	c, err := s.IssueToken(sandbox.Renren, sandbox.TokenOptions{TTL: time.Hour, Scope: []string{"status_update"}})
	require.NoError(t, err)

	status, m := rrSessionKey(t, s, c.AccessToken)
	require.Equal(t, http.StatusOK, status, m)
	rt := m["renren_token"].(map[string]any)
	key := rt["session_key"].(string)
	assert.NotEmpty(t, key)
	assert.NotEmpty(t, rt["session_secret"])
	assert.EqualValues(t, 3600, rt["expires_in"], "the key lives as long as the token")
	assert.EqualValues(t, 600000001, m["user"].(map[string]any)["id"])

	// The key works on restserver.do, signed, with the token's scope.
	call := func(method string, extra map[string]string) any {
		p := map[string]string{"method": method, "v": "1.0", "format": "JSON", "call_id": "1",
			"session_key": key, "api_key": sandbox.RenrenAppKey}
		for k, v := range extra {
			p[k] = v
		}
		return rr1Call(t, s, p, true)
	}
	me := call("users.getLoggedInUser", nil)
	assert.Equal(t, 0, rr1Code(me), me)
	assert.EqualValues(t, 600000001, me.(map[string]any)["uid"])
	assert.Equal(t, 0, rr1Code(call("status.set", map[string]string{"status": "会话"})))
	assert.Equal(t, 200, rr1Code(call("status.gets", nil)), "the key carries only the token's scope")

	clk.Advance(2 * time.Hour)
	assert.Equal(t, 450, rr1Code(call("users.getLoggedInUser", nil)), "the key expires with the token")
	status, m = rrSessionKey(t, s, c.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "expired_token", m["error"])
	assert.NotEmpty(t, m["error_description"])

	status, m = rrSessionKey(t, s, "not-a-token")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_token", m["error"])
	assert.NotZero(t, m["error_code"])

	status, m = rrSessionKey(t, s, "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request", m["error"])
}
