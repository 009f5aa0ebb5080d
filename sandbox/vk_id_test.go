package sandbox_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

const vkIDRedirect = "http://localhost:8080/vkid/callback"

// vkIDLogin is one VK ID login as a third-party client performs it.
type vkIDLogin struct {
	state, verifier, challenge string
}

func newVKIDLogin(n int) vkIDLogin {
	l := vkIDLogin{state: strings.Repeat("s", 32) + string(rune('a'+n%26)), verifier: strings.Repeat("v", 42) + string(rune('a'+n%26))}
	sum := sha256.Sum256([]byte(l.verifier))
	l.challenge = base64.RawURLEncoding.EncodeToString(sum[:])
	return l
}

// vkIDAuthorize opens /authorize with the VK ID app and returns where it
// redirects.
func vkIDAuthorize(t *testing.T, s *sandbox.Server, l vkIDLogin, extra url.Values) *url.URL {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.VKIDAppID}, "redirect_uri": {vkIDRedirect},
		"state": {l.state}, "code_challenge": {l.challenge}, "code_challenge_method": {"s256"},
		"scope": {"vkid.personal_info email wall"}, "prompt": {"login consent"}, "lang_id": {"3"}, "scheme": {"dark"},
		"sdk_type": {"vkid"}, "v": {"2.3.0"}, "oauth_version": {"2"}, "stats_info": {"e30="}}
	for k, v := range extra {
		q[k] = v
	}
	resp, err := vkNoFollow.Get(s.URL(sandbox.VK) + "/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

// vkIDPost posts to /oauth2/<name> with client_id in the query, as the web
// SDK does, and the rest in the body.
func vkIDPost(t *testing.T, s *sandbox.Server, name string, form url.Values) (int, map[string]any) {
	t.Helper()
	return vkPostForm(t, s.URL(sandbox.VK)+"/oauth2/"+name+"?client_id="+sandbox.VKIDAppID, form)
}

func vkIDExchange(t *testing.T, s *sandbox.Server, l vkIDLogin, back *url.URL) (int, map[string]any) {
	t.Helper()
	return vkIDPost(t, s, "auth", url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")},
		"code_verifier": {l.verifier}, "device_id": {back.Query().Get("device_id")}, "redirect_uri": {vkIDRedirect},
		"state": {l.state}})
}

func TestVKIDLoginRefreshAndLogout(t *testing.T) {
	s, clk := vkStart(t)
	l := newVKIDLogin(0)
	back := vkIDAuthorize(t, s, l, nil)
	q := back.Query()
	assert.Equal(t, "localhost:8080", back.Host)
	assert.Equal(t, l.state, q.Get("state"))
	assert.Equal(t, "code_v2", q.Get("type"))
	assert.Equal(t, "600", q.Get("expires_in"))
	require.NotEmpty(t, q.Get("code"))
	require.NotEmpty(t, q.Get("device_id"))

	status, tok := vkIDExchange(t, s, l, back)
	require.Equal(t, http.StatusOK, status, tok)
	assert.Equal(t, l.state, tok["state"])
	assert.EqualValues(t, 1, tok["user_id"])
	assert.EqualValues(t, 3600, tok["expires_in"])
	assert.Equal(t, "vkid.personal_info email wall", tok["scope"])
	assert.NotEmpty(t, tok["token_type"])
	require.Len(t, strings.Split(tok["id_token"].(string), "."), 3, "id_token is a JWT")
	access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)

	status, again := vkIDExchange(t, s, l, back)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request", again["error"], "a code is single use")
	assert.Equal(t, l.state, again["state"])

	m := vkAPI(t, s, access, "wall.post", url.Values{"message": {"from VK ID"}})
	assert.Zero(t, vkErrCode(m), "VK ID tokens work on the classic API: %v", m)

	status, info := vkIDPost(t, s, "user_info", url.Values{"access_token": {access}, "device_id": {q.Get("device_id")}})
	require.Equal(t, http.StatusOK, status, info)
	user := info["user"].(map[string]any)
	assert.Equal(t, "1", user["user_id"])
	assert.Equal(t, "Pavel", user["first_name"])
	assert.Equal(t, sandbox.VKLogin, user["email"], "email comes with the email scope")
	assert.NotContains(t, user, "phone", "no phone without the phone scope")

	status, pub := vkIDPost(t, s, "public_info", url.Values{"id_token": {tok["id_token"].(string)}})
	require.Equal(t, http.StatusOK, status, pub)
	assert.Contains(t, pub["user"].(map[string]any)["email"], "***")

	// Refresh rotates: the reply has a new refresh token and no id_token;
	// the used one is refused.
	refreshWith := func(rt string) (int, map[string]any) {
		return vkIDPost(t, s, "auth", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"device_id": {q.Get("device_id")}, "state": {l.state}})
	}
	status, r1 := refreshWith(refresh)
	require.Equal(t, http.StatusOK, status, r1)
	assert.NotContains(t, r1, "id_token")
	assert.Equal(t, l.state, r1["state"])
	assert.NotEqual(t, refresh, r1["refresh_token"])
	assert.NotEqual(t, access, r1["access_token"])
	status, reused := refreshWith(refresh)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, map[string]any{"error": "invalid_request", "error_description": "refresh_token is missing or invalid", "state": l.state}, reused)
	status, r2 := refreshWith(r1["refresh_token"].(string))
	require.Equal(t, http.StatusOK, status, r2)

	// Access tokens expire after an hour by the sandbox clock.
	clk.Advance(time.Hour)
	m = vkAPI(t, s, r2["access_token"].(string), "users.get", nil)
	assert.Equal(t, 5, vkErrCode(m))
	status, r3 := refreshWith(r2["refresh_token"].(string))
	require.Equal(t, http.StatusOK, status, r3)
	fresh := r3["access_token"].(string)
	assert.Zero(t, vkErrCode(vkAPI(t, s, fresh, "users.get", nil)))

	// Logout ends the session: the token and its refresh token stop working.
	req, err := http.NewRequest(http.MethodPost, s.URL(sandbox.VK)+"/oauth2/logout", strings.NewReader("client_id="+sandbox.VKIDAppID))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+fresh)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"response": float64(1)}, vkDecode(t, resp))
	assert.Equal(t, 5, vkErrCode(vkAPI(t, s, fresh, "users.get", nil)))
	status, m = vkIDPost(t, s, "user_info", url.Values{"access_token": {fresh}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_token", m["error"])
	status, _ = refreshWith(r3["refresh_token"].(string))
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestVKIDExchangeErrors(t *testing.T) {
	s, clk := vkStart(t)
	l := newVKIDLogin(1)
	post := func(back *url.URL, change url.Values) (int, map[string]any) {
		t.Helper()
		form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")},
			"code_verifier": {l.verifier}, "device_id": {back.Query().Get("device_id")}, "redirect_uri": {vkIDRedirect},
			"state": {l.state}}
		for k, v := range change {
			form[k] = v
		}
		return vkIDPost(t, s, "auth", form)
	}
	for name, change := range map[string]url.Values{
		"wrong verifier":  {"code_verifier": {strings.Repeat("x", 43)}},
		"other device":    {"device_id": {"elsewhere"}},
		"other redirect":  {"redirect_uri": {"http://localhost:8080/other"}},
		"no state":        {"state": {""}},
		"unknown code":    {"code": {"nope"}},
		"no verifier":     {"code_verifier": {""}},
		"no grant":        {"grant_type": {""}},
		"other client_id": {"client_id": {sandbox.VKAppID}},
	} {
		status, m := post(vkIDAuthorize(t, s, l, nil), change)
		assert.Contains(t, []int{http.StatusBadRequest, http.StatusUnauthorized}, status, name)
		assert.NotEmpty(t, m["error"], name)
		assert.NotEmpty(t, m["error_description"], name)
		assert.NotContains(t, m, "access_token", name)
	}
	back := vkIDAuthorize(t, s, l, nil)
	clk.Advance(sandbox.VKIDCodeTTL)
	status, m := post(back, nil)
	assert.Equal(t, http.StatusBadRequest, status, "codes expire")
	assert.Equal(t, "invalid_request", m["error"])

	// Query and body are merged; the body wins.
	back = vkIDAuthorize(t, s, l, nil)
	u := s.URL(sandbox.VK) + "/oauth2/auth?client_id=" + sandbox.VKIDAppID + "&grant_type=authorization_code&device_id=wrong&state=" + l.state
	status, m = vkPostForm(t, u, url.Values{"code": {back.Query().Get("code")}, "code_verifier": {l.verifier},
		"device_id": {back.Query().Get("device_id")}, "redirect_uri": {vkIDRedirect}})
	assert.Equal(t, http.StatusOK, status, m)

	resp, err := http.Get(s.URL(sandbox.VK) + "/oauth2/auth?client_id=" + sandbox.VKIDAppID)
	require.NoError(t, err)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "invalid_request", vkDecode(t, resp)["error"])
}

func TestVKIDAuthorizeErrors(t *testing.T) {
	s, _ := vkStart(t)
	l := newVKIDLogin(2)
	for name, tc := range map[string]struct {
		change url.Values
		code   string
	}{
		"no state":       {url.Values{"state": {""}}, "invalid_request"},
		"short state":    {url.Values{"state": {"abc"}}, "invalid_request"},
		"plain":          {url.Values{"code_challenge_method": {"plain"}}, "invalid_request"},
		"no challenge":   {url.Values{"code_challenge": {""}}, "invalid_request"},
		"verifier too":   {url.Values{"code_verifier": {l.verifier}}, "invalid_request"},
		"token flow":     {url.Values{"response_type": {"token"}}, "unsupported_response_type"},
		"unknown scope":  {url.Values{"scope": {"vkid.personal_info everything"}}, "invalid_scope"},
		"comma scope":    {url.Values{"scope": {"email,phone"}}, "invalid_scope"},
		"bad prompt":     {url.Values{"prompt": {"always"}}, "invalid_request"},
		"bad provider":   {url.Values{"provider": {"facebook"}}, "invalid_request"},
		"bad lang":       {url.Values{"lang_id": {"en"}}, "invalid_request"},
		"challenge case": {url.Values{"code_challenge_method": {"S256"}}, ""},
	} {
		back := vkIDAuthorize(t, s, l, tc.change)
		assert.Equal(t, tc.code, back.Query().Get("error"), name)
		if tc.code == "" {
			assert.NotEmpty(t, back.Query().Get("code"), name)
		} else {
			assert.Empty(t, back.Query().Get("code"), name)
		}
	}

	s.VKIDRefuse(1)
	back := vkIDAuthorize(t, s, l, nil)
	assert.Equal(t, "access_denied", back.Query().Get("error"))
	assert.Equal(t, l.state, back.Query().Get("state"))
	assert.NotEmpty(t, vkIDAuthorize(t, s, l, nil).Query().Get("code"), "only one refusal was asked for")

	resp, err := vkNoFollow.Get(s.URL(sandbox.VK) + "/authorize?client_id=" + sandbox.VKIDAppID + "&redirect_uri=https://evil.invalid/cb")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "no redirect to an untrusted URL")
	assert.Equal(t, "invalid_request", vkDecode(t, resp)["error"])

	// Server.Approve works on the VK ID page as on the classic one.
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.VKIDAppID}, "redirect_uri": {vkIDRedirect},
		"state": {l.state}, "code_challenge": {l.challenge}, "code_challenge_method": {"s256"}}
	approved, err := s.Approve(t.Context(), s.URL(sandbox.VK)+"/authorize?"+q.Encode())
	require.NoError(t, err)
	status, tok := vkIDExchange(t, s, l, approved)
	require.Equal(t, http.StatusOK, status, tok)
	assert.Equal(t, "vkid.personal_info", tok["scope"], "the default scope")
}

func TestVKIDConcurrentRefresh(t *testing.T) {
	s, _ := vkStart(t)
	l := newVKIDLogin(3)
	back := vkIDAuthorize(t, s, l, nil)
	status, tok := vkIDExchange(t, s, l, back)
	require.Equal(t, http.StatusOK, status, tok)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)},
				"device_id": {back.Query().Get("device_id")}, "state": {l.state}}
			resp, err := http.PostForm(s.URL(sandbox.VK)+"/oauth2/auth?client_id="+sandbox.VKIDAppID, form)
			if err != nil {
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins, "a refresh token is spent by exactly one of many concurrent refreshes")
}

func TestVKIDRevokeScopeAndPublicInfo(t *testing.T) {
	s, _ := vkStart(t)
	l := newVKIDLogin(4)
	back := vkIDAuthorize(t, s, l, url.Values{"scope": {"vkid.personal_info phone wall"}})
	status, tok := vkIDExchange(t, s, l, back)
	require.Equal(t, http.StatusOK, status, tok)
	device := back.Query().Get("device_id")

	status, info := vkIDPost(t, s, "user_info", url.Values{"access_token": {tok["access_token"].(string)}})
	require.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, info["user"].(map[string]any)["phone"], "phone comes with the phone scope")
	assert.NotContains(t, info["user"], "email")

	refresh := func(rt string, scope string) (int, map[string]any) {
		return vkIDPost(t, s, "auth", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"device_id": {device}, "state": {l.state}, "scope": {scope}})
	}
	status, m := refresh(tok["refresh_token"].(string), "vkid.personal_info email")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_scope", m["error"], "a refresh cannot widen the scope")
	status, m = refresh(tok["refresh_token"].(string), "wall")
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, "wall", m["scope"], "a refresh may narrow the scope")
	status, m = vkIDPost(t, s, "auth", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)},
		"device_id": {"another-device"}, "state": {l.state}})
	assert.Equal(t, http.StatusBadRequest, status, "a refresh token is bound to its device_id")
	assert.Equal(t, "refresh_token is missing or invalid", m["error_description"])

	access := m["access_token"]
	assert.Nil(t, access)
	_, fresh := vkIDExchange(t, s, l, vkIDAuthorize(t, s, l, nil))
	status, m = vkIDPost(t, s, "revoke", url.Values{"access_token": {fresh["access_token"].(string)}})
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 1, m["response"])
	assert.Equal(t, 5, vkErrCode(vkAPI(t, s, fresh["access_token"].(string), "users.get", nil)), "a revoked token stops working")
	status, m = vkIDPost(t, s, "revoke", url.Values{"access_token": {fresh["access_token"].(string)}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_token", m["error"])

	id := fresh["id_token"].(string)
	dot := strings.LastIndexByte(id, '.')
	flip := "A"
	if id[dot+1] == 'A' {
		flip = "B"
	}
	status, m = vkIDPost(t, s, "public_info", url.Values{"id_token": {id[:dot+1] + flip + id[dot+2:]}})
	assert.Equal(t, http.StatusBadRequest, status, "a forged id_token")
	assert.Equal(t, "invalid_id_token", m["error"])
	legacy := s.Token(sandbox.VK).AccessToken
	status, m = vkIDPost(t, s, "user_info", url.Values{"access_token": {legacy}})
	assert.Equal(t, http.StatusUnauthorized, status, "a classic token is no VK ID token")
	assert.Equal(t, "invalid_token", m["error"])
}
