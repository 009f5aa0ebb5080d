package sandbox_test

import (
	"encoding/json"
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

// vkStart starts a sandbox on a manual clock.
func vkStart(t *testing.T) (*sandbox.Server, *sandbox.Clock) {
	t.Helper()
	clk := sandbox.NewClock(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := sandbox.New(sandbox.WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, clk
}

// vkNoFollow is a client that reports redirects instead of following them.
var vkNoFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// vkDecode reads a JSON reply.
func vkDecode(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return m
}

// vkPostForm posts form to u and returns the status and decoded reply.
func vkPostForm(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	require.NoError(t, err)
	return resp.StatusCode, vkDecode(t, resp)
}

// vkAPI calls an API method with token and v=5.199 (unless params sets v).
func vkAPI(t *testing.T, s *sandbox.Server, token, method string, params url.Values) map[string]any {
	t.Helper()
	form := url.Values{"access_token": {token}, "v": {"5.199"}}
	for k, v := range params {
		form[k] = v
	}
	status, m := vkPostForm(t, s.URL(sandbox.VK)+"/method/"+method, form)
	require.Equal(t, http.StatusOK, status, "VK answers API errors with HTTP 200")
	return m
}

// vkCaller returns an API caller that moves the clock 400ms before each call,
// so that a test making many calls stays under VK's 3 calls per second.
func vkCaller(t *testing.T, s *sandbox.Server, clk *sandbox.Clock) func(token, method string, params url.Values) map[string]any {
	t.Helper()
	return func(token, method string, params url.Values) map[string]any {
		t.Helper()
		clk.Advance(400 * time.Millisecond)
		return vkAPI(t, s, token, method, params)
	}
}

// vkErrCode returns the error_code of a reply, 0 when it succeeded.
func vkErrCode(m map[string]any) int {
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 0
	}
	n, _ := e["error_code"].(float64)
	return int(n)
}

func vkErrMsg(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["error_msg"].(string)
	return s
}

func TestVKUsersGet(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.VK).AccessToken
	call := vkCaller(t, s, clk)

	m := call(tok, "users.get", nil)
	require.Zero(t, vkErrCode(m), m)
	users := m["response"].([]any)
	require.Len(t, users, 1)
	assert.EqualValues(t, 1, users[0].(map[string]any)["id"], "no user_ids means the token's owner")

	m = call(tok, "users.get", url.Values{"user_ids": {"2,sandboxov"}, "fields": {"screen_name,city,sex,photo_100"}})
	users = m["response"].([]any)
	require.Len(t, users, 2)
	maria, ivan := users[0].(map[string]any), users[1].(map[string]any)
	assert.Equal(t, "Maria", maria["first_name"])
	assert.Equal(t, "testova", maria["screen_name"])
	assert.EqualValues(t, 1, maria["sex"])
	assert.Equal(t, "Saint Petersburg", maria["city"].(map[string]any)["title"])
	assert.Contains(t, maria["photo_100"], "http")
	assert.EqualValues(t, 3, ivan["id"], "screen names resolve")

	m = call(tok, "users.get", url.Values{"user_ids": {"1,999"}})
	assert.Equal(t, 113, vkErrCode(m))
	assert.Equal(t, "Invalid user id", vkErrMsg(m))
}

func TestVKRejectsBadCalls(t *testing.T) {
	s, clk := vkStart(t)
	good := s.Token(sandbox.VK).AccessToken
	shortLived, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{TTL: time.Hour})
	require.NoError(t, err)
	clk.Advance(2 * time.Hour)

	base := s.URL(sandbox.VK) + "/method/"
	cases := []struct {
		name   string
		method string
		form   url.Values
		code   int
		msg    string
	}{
		{"no token", "users.get", url.Values{"v": {"5.199"}}, 5, "User authorization failed: no access_token passed."},
		{"unknown token", "users.get", url.Values{"v": {"5.199"}, "access_token": {"nope"}}, 5, "User authorization failed: invalid access_token (4)."},
		{"expired token", "users.get", url.Values{"v": {"5.199"}, "access_token": {shortLived.AccessToken}}, 5, "User authorization failed: access_token has expired."},
		{"missing v", "users.get", url.Values{"access_token": {good}}, 8, "Invalid request: v (version) is required"},
		{"old v", "users.get", url.Values{"access_token": {good}, "v": {"5.50"}}, 8, ""},
		{"unknown method", "users.fly", url.Values{"access_token": {good}, "v": {"5.199"}}, 3, "Unknown method passed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, m := vkPostForm(t, base+tc.method, tc.form)
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, tc.code, vkErrCode(m), m)
			if tc.msg != "" {
				assert.Equal(t, tc.msg, vkErrMsg(m))
			}
			params := m["error"].(map[string]any)["request_params"].([]any)
			assert.Equal(t, map[string]any{"key": "method", "value": tc.method}, params[0])
			for _, p := range params {
				assert.NotEqual(t, "access_token", p.(map[string]any)["key"], "the token is never echoed")
			}
			if tok := tc.form.Get("access_token"); tok != "" {
				raw, _ := json.Marshal(m)
				assert.NotContains(t, string(raw), tok)
				assert.Equal(t, map[string]any{"key": "oauth", "value": "1"}, params[1])
			}
		})
	}
}

func TestVKTokenLifetimes(t *testing.T) {
	s, clk := vkStart(t)
	day := s.Token(sandbox.VK)
	offline, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"offline", "wall"}})
	require.NoError(t, err)
	assert.True(t, offline.ExpiresAt.IsZero())
	assert.Equal(t, clk.Now().Add(24*time.Hour), day.ExpiresAt)

	assert.Zero(t, vkErrCode(vkAPI(t, s, day.AccessToken, "users.get", nil)))
	clk.Advance(24 * time.Hour)
	assert.Equal(t, 5, vkErrCode(vkAPI(t, s, day.AccessToken, "users.get", nil)))
	assert.Zero(t, vkErrCode(vkAPI(t, s, offline.AccessToken, "users.get", nil)), "offline tokens never expire")

	expired, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{TTL: -time.Second})
	require.NoError(t, err)
	assert.Equal(t, "User authorization failed: access_token has expired.", vkErrMsg(vkAPI(t, s, expired.AccessToken, "users.get", nil)))
}

func TestVKRateLimit(t *testing.T) {
	s, clk := vkStart(t)
	user := s.Token(sandbox.VK).AccessToken
	other := s.Token(sandbox.VK).AccessToken
	for i := 0; i < 3; i++ {
		require.Zero(t, vkErrCode(vkAPI(t, s, user, "users.get", nil)), "call %d", i+1)
		clk.Advance(100 * time.Millisecond)
	}
	m := vkAPI(t, s, user, "users.get", nil)
	assert.Equal(t, 6, vkErrCode(m), "a 4th call within one second")
	assert.Equal(t, "Too many requests per second", vkErrMsg(m))
	assert.Zero(t, vkErrCode(vkAPI(t, s, other, "users.get", nil)), "the window is per token")

	clk.Advance(700 * time.Millisecond) // the first call leaves the window
	assert.Zero(t, vkErrCode(vkAPI(t, s, user, "users.get", nil)))
	assert.Equal(t, 6, vkErrCode(vkAPI(t, s, user, "users.get", nil)))
	clk.Advance(time.Second)
	assert.Zero(t, vkErrCode(vkAPI(t, s, user, "users.get", nil)))

	group, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		require.Zero(t, vkErrCode(vkAPI(t, s, group.AccessToken, "users.get", url.Values{"user_ids": {"1"}})), "community call %d", i+1)
	}
	assert.Equal(t, 6, vkErrCode(vkAPI(t, s, group.AccessToken, "users.get", url.Values{"user_ids": {"1"}})), "a 21st community call")
}

func TestVKCaptcha(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.VK).AccessToken
	s.VKRequireCaptcha(1)
	params := url.Values{"user_ids": {"2"}}

	m := vkAPI(t, s, tok, "users.get", params)
	require.Equal(t, 14, vkErrCode(m))
	e := m["error"].(map[string]any)
	sid, img := e["captcha_sid"].(string), e["captcha_img"].(string)
	require.NotEmpty(t, sid)
	require.True(t, strings.HasPrefix(img, s.URL(sandbox.VK)+"/captcha.php?sid="+sid), img)
	resp, err := http.Get(img)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))

	wrong := url.Values{"user_ids": {"2"}, "captcha_sid": {sid}, "captcha_key": {"guess"}}
	clk.Advance(time.Second)
	m = vkAPI(t, s, tok, "users.get", wrong)
	require.Equal(t, 14, vkErrCode(m), "a wrong answer gets a new captcha")
	sid2 := m["error"].(map[string]any)["captcha_sid"].(string)
	assert.NotEqual(t, sid, sid2)

	reused := url.Values{"user_ids": {"2"}, "captcha_sid": {sid}, "captcha_key": {sandbox.VKCaptchaAnswer}}
	clk.Advance(time.Second)
	m = vkAPI(t, s, tok, "users.get", reused)
	require.Equal(t, 14, vkErrCode(m), "a captcha sid is single use")
	sid3 := m["error"].(map[string]any)["captcha_sid"].(string)

	solved := url.Values{"user_ids": {"2"}, "captcha_sid": {sid3}, "captcha_key": {sandbox.VKCaptchaAnswer}}
	m = vkAPI(t, s, tok, "users.get", solved)
	require.Zero(t, vkErrCode(m), m)
	assert.EqualValues(t, 2, m["response"].([]any)[0].(map[string]any)["id"])
	clk.Advance(time.Second)
	assert.Zero(t, vkErrCode(vkAPI(t, s, tok, "users.get", params)), "one captcha was required, and solved")
}

func TestVKTokenKindsAndScopes(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	friendsOnly, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"friends"}})
	require.NoError(t, err)
	m := call(friendsOnly.AccessToken, "wall.post", url.Values{"message": {"hi"}})
	assert.Equal(t, 15, vkErrCode(m), "wall.post needs the wall right")

	svc, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Service: true})
	require.NoError(t, err)
	assert.Zero(t, vkErrCode(call(svc.AccessToken, "users.get", url.Values{"user_ids": {"1"}})))
	assert.Equal(t, 28, vkErrCode(call(svc.AccessToken, "wall.post", url.Values{"message": {"hi"}})))
	assert.Equal(t, 28, vkErrCode(call(svc.AccessToken, "friends.get", nil)))
	assert.Zero(t, vkErrCode(call(svc.AccessToken, "friends.get", url.Values{"user_id": {"2"}})))

	group, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 2})
	require.NoError(t, err)
	assert.Equal(t, 27, vkErrCode(call(group.AccessToken, "friends.get", url.Values{"user_id": {"1"}})))
	_, err = s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 404})
	assert.Error(t, err)
}

func TestVKFriendsAndWall(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken

	m := call(tok, "friends.get", url.Values{"count": {"2"}, "offset": {"1"}})
	resp := m["response"].(map[string]any)
	assert.EqualValues(t, 3, resp["count"])
	assert.Equal(t, []any{3.0, 4.0}, resp["items"])
	m = call(tok, "friends.get", url.Values{"user_id": {"2"}, "fields": {"screen_name"}})
	items := m["response"].(map[string]any)["items"].([]any)
	require.Len(t, items, 2)
	assert.Equal(t, "primerov", items[0].(map[string]any)["screen_name"])
	assert.Equal(t, 30, vkErrCode(call(tok, "friends.get", url.Values{"user_id": {"5"}})), "a private profile")
	assert.Equal(t, 100, vkErrCode(call(tok, "friends.get", url.Values{"count": {"many"}})))

	m = call(tok, "wall.post", url.Values{"message": {"Posted from a test"}})
	require.Zero(t, vkErrCode(m), m)
	postedAt := clk.Now().Unix()
	postID := m["response"].(map[string]any)["post_id"]
	assert.EqualValues(t, 4, postID)

	m = call(tok, "wall.get", url.Values{"count": {"2"}})
	wall := m["response"].(map[string]any)
	assert.EqualValues(t, 4, wall["count"])
	first := wall["items"].([]any)[0].(map[string]any)
	assert.Equal(t, postID, first["id"])
	assert.Equal(t, "Posted from a test", first["text"])
	assert.EqualValues(t, postedAt, first["date"], "dated by the sandbox clock")
	assert.EqualValues(t, 1, first["from_id"])
	assert.Len(t, wall["items"], 2)

	assert.Equal(t, 214, vkErrCode(call(tok, "wall.post", url.Values{"owner_id": {"5"}, "message": {"hi"}})), "not a friend's wall")
	assert.Equal(t, 100, vkErrCode(call(tok, "wall.post", url.Values{"message": {""}})))
	m = call(tok, "wall.post", url.Values{"owner_id": {"-1"}, "from_group": {"1"}, "message": {"club news"}})
	require.Zero(t, vkErrCode(m), m)
	m = call(tok, "wall.get", url.Values{"owner_id": {"-1"}})
	assert.EqualValues(t, -1, m["response"].(map[string]any)["items"].([]any)[0].(map[string]any)["from_id"])
}

func TestVKExecute(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"friends"}})
	require.NoError(t, err)

	code := `return [API.users.get({"user_ids": "2", fields: ["screen_name"]}), API.wall.post({message: 'it\'s "quoted"'}), API.no.such({})];`
	m := call(tok.AccessToken, "execute", url.Values{"code": {code}})
	require.Zero(t, vkErrCode(m), m)
	resp := m["response"].([]any)
	require.Len(t, resp, 3)
	assert.Equal(t, "testova", resp[0].([]any)[0].(map[string]any)["screen_name"])
	assert.Equal(t, false, resp[1])
	assert.Equal(t, false, resp[2])
	errs := m["execute_errors"].([]any)
	require.Len(t, errs, 2)
	assert.Equal(t, map[string]any{"method": "wall.post", "error_code": 15.0, "error_msg": "Access denied: no access to call this method"}, errs[0])
	assert.EqualValues(t, 3, errs[1].(map[string]any)["error_code"])

	m = call(tok.AccessToken, "execute", url.Values{"code": {"return API.users.get({user_ids: 3});"}})
	assert.EqualValues(t, 3, m["response"].([]any)[0].(map[string]any)["id"])
	assert.NotContains(t, m, "execute_errors")

	for _, bad := range []string{"var a = 1; return a;", "return API.users.get(1);", "return [API.users.get({})", "API.users.get({});"} {
		m = call(tok.AccessToken, "execute", url.Values{"code": {bad}})
		assert.Equal(t, 12, vkErrCode(m), bad)
		assert.Equal(t, "Unable to compile code", vkErrMsg(m))
	}
}

func TestVKConcurrentUse(t *testing.T) {
	s, clk := vkStart(t)
	const workers, posts = 8, 10
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		tok, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"wall", "offline"}})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < posts; i++ {
				for { // stay under the rate limit by moving the shared clock
					resp, err := http.PostForm(s.URL(sandbox.VK)+"/method/wall.post", url.Values{
						"access_token": {tok.AccessToken}, "v": {"5.199"}, "message": {"concurrent"}})
					if !assert.NoError(t, err) {
						return
					}
					var m map[string]any
					err = json.NewDecoder(resp.Body).Decode(&m)
					resp.Body.Close()
					if !assert.NoError(t, err) {
						return
					}
					if vkErrCode(m) != 6 {
						assert.Zero(t, vkErrCode(m), m)
						break
					}
					clk.Advance(time.Second)
				}
				s.VKRequireCaptcha(0)
			}
		}()
	}
	wg.Wait()
	clk.Advance(time.Second)
	m := vkAPI(t, s, s.Token(sandbox.VK).AccessToken, "wall.get", url.Values{"count": {"100"}})
	wall := m["response"].(map[string]any)
	assert.EqualValues(t, 3+workers*posts, wall["count"])
	seen := map[float64]bool{}
	for _, it := range wall["items"].([]any) {
		id := it.(map[string]any)["id"].(float64)
		assert.False(t, seen[id], "post id %v given twice", id)
		seen[id] = true
	}
}
