package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkIDMigrate posts a classic token's migration as the official SDKs do.
func vkIDMigrate(t *testing.T, s *sandbox.Server, l vkIDLogin, token string, edit func(url.Values)) (int, map[string]any) {
	t.Helper()
	form := url.Values{"response_type": {"code"}, "grant_type": {"access_token"}, "access_token": {token},
		"device_id": {"dev-1"}, "state": {l.state}, "code_challenge": {l.challenge}, "code_challenge_method": {"s256"}}
	if edit != nil {
		edit(form)
	}
	return vkIDPost(t, s, "auth", form)
}

func TestVKIDMigratesAClassicToken(t *testing.T) {
	s, _ := vkStart(t)
	classic, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"friends", "wall", "email", "offline"}, UserID: "2"})
	require.NoError(t, err)
	l := newVKIDLogin(1)

	status, m := vkIDMigrate(t, s, l, classic.AccessToken, nil)
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, l.state, m["state"])
	assert.Equal(t, "dev-1", m["device_id"])
	code, _ := m["code"].(string)
	require.NotEmpty(t, code)

	exchange := func(redirect string) (int, map[string]any) {
		return vkIDPost(t, s, "auth", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"code_verifier": {l.verifier}, "device_id": {"dev-1"}, "redirect_uri": {redirect}, "state": {l.state}})
	}
	status, bad := exchange("https://evil.invalid/cb")
	assert.Equal(t, http.StatusBadRequest, status, "a redirect the app does not trust: %v", bad)
	assert.Equal(t, "redirect_uri is invalid", bad["error_description"])

	// A fresh code: the refused exchange above spent the first one.
	status, m = vkIDMigrate(t, s, l, classic.AccessToken, nil)
	require.Equal(t, http.StatusOK, status, m)
	code = m["code"].(string)
	status, tok := exchange(vkIDRedirect)
	require.Equal(t, http.StatusOK, status, tok)
	assert.EqualValues(t, 2, tok["user_id"], "the classic token's user")
	assert.Equal(t, "vkid.personal_info friends wall offline", tok["scope"], "the classic rights, less email")
	access := tok["access_token"].(string)
	assert.Zero(t, vkErrCode(vkAPI(t, s, access, "friends.get", nil)))
	assert.Zero(t, vkErrCode(vkAPI(t, s, classic.AccessToken, "users.get", nil)), "the classic token keeps working")

	// The new refresh token rotates like a login's.
	status, r := vkIDPost(t, s, "auth", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)},
		"device_id": {"dev-1"}, "state": {l.state}})
	require.Equal(t, http.StatusOK, status, r)

	// A token without rights gets VK ID's base right only.
	bare, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{}})
	require.NoError(t, err)
	status, m = vkIDMigrate(t, s, l, bare.AccessToken, nil)
	require.Equal(t, http.StatusOK, status, m)
	code = m["code"].(string)
	status, tok = exchange(vkIDRedirect)
	require.Equal(t, http.StatusOK, status, tok)
	assert.Equal(t, "vkid.personal_info", tok["scope"])
}

func TestVKIDMigrationErrors(t *testing.T) {
	s, _ := vkStart(t)
	l := newVKIDLogin(2)
	classic := s.Token(sandbox.VK).AccessToken
	community, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	service, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Service: true})
	require.NoError(t, err)
	expired, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{TTL: -1})
	require.NoError(t, err)

	// A VK ID token is already migrated.
	back := vkIDAuthorize(t, s, l, nil)
	status, tok := vkIDExchange(t, s, l, back)
	require.Equal(t, http.StatusOK, status, tok)

	for name, token := range map[string]string{"unknown": "vk1.a.nope", "community": community.AccessToken,
		"service": service.AccessToken, "expired": expired.AccessToken, "vk id": tok["access_token"].(string), "none": ""} {
		status, m := vkIDMigrate(t, s, l, token, nil)
		assert.Equal(t, http.StatusUnauthorized, status, name)
		assert.Equal(t, "invalid_token", m["error"], name)
		assert.Equal(t, l.state, m["state"], name)
	}
	for name, edit := range map[string]func(url.Values){
		"no state":         func(f url.Values) { f.Del("state") },
		"no response_type": func(f url.Values) { f.Del("response_type") },
		"no device_id":     func(f url.Values) { f.Del("device_id") },
		"no challenge":     func(f url.Values) { f.Del("code_challenge") },
		"plain challenge":  func(f url.Values) { f.Set("code_challenge_method", "plain") },
		"with a verifier":  func(f url.Values) { f.Set("code_verifier", l.verifier) },
	} {
		status, m := vkIDMigrate(t, s, l, classic, edit)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Equal(t, "invalid_request", m["error"], name)
	}
	status, m := vkIDMigrate(t, s, l, classic, func(f url.Values) { f.Set("client_id", sandbox.VKAppID) })
	assert.Equal(t, http.StatusUnauthorized, status, "the body's client_id wins over the query's")
	assert.Equal(t, "invalid_client", m["error"])
}
