package sandbox_test

// Every example call of seeds 000 (renrenpy) and 002 (vk), replayed over raw
// HTTP as those SDKs send it, against records the sandbox seeds.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// seedRR1 posts an API 1.0 call as renrenpy does: method, v, access_token,
// call_id and format=JSON beside the call's own parameters.
func seedRR1(t *testing.T, s *sandbox.Server, tok, method string, params url.Values) any {
	t.Helper()
	form := url.Values{"method": {method}, "v": {"1.0"}, "access_token": {tok}, "format": {"JSON"},
		"call_id": {strconv.FormatInt(time.Now().UnixNano(), 10)}}
	for k, v := range params {
		form[k] = v
	}
	resp, err := http.PostForm(s.URL(sandbox.Renren1)+"/restserver.do", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var v any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
	return v
}

func TestSeedRenrenExamples(t *testing.T) {
	s, _ := vkStart(t)
	tok := s.Token(sandbox.Renren).AccessToken
	png := []byte("\x89PNG\r\n\x1a\n seed test.png")
	cases := []struct {
		call  string
		check func(t *testing.T)
	}{
		{`client.user.get(userId="262156164")`, func(t *testing.T) {
			status, m := rrDo(t, s, http.MethodGet, "/v2/user/get", tok, url.Values{"userId": {"262156164"}})
			require.Equal(t, http.StatusOK, status, m)
			assert.EqualValues(t, 262156164, m["response"].(map[string]any)["id"])
			assert.NotEmpty(t, m["response"].(map[string]any)["name"])
		}},
		{`client.status.put(content="test")`, func(t *testing.T) {
			status, m := rrDo(t, s, http.MethodPost, "/v2/status/put", tok, url.Values{"content": {"test"}})
			require.Equal(t, http.StatusOK, status, m)
			assert.Equal(t, "test", m["response"].(map[string]any)["content"])
		}},
		{`client.photo.upload(file=f, filename="test.png")`, func(t *testing.T) {
			body, ctype := vkMultipart(t, "file", "test.png", png, nil)
			req, err := http.NewRequest(http.MethodPost, s.URL(sandbox.Renren)+"/v2/photo/upload", body)
			require.NoError(t, err)
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			m := vkDecode(t, resp)
			require.Equal(t, http.StatusOK, resp.StatusCode, m)
			assert.EqualValues(t, len(png), m["response"].(map[string]any)["size"])
		}},
		{`client.users.getInfo()`, func(t *testing.T) {
			v := seedRR1(t, s, tok, "users.getInfo", nil)
			require.IsType(t, []any{}, v, v)
			assert.EqualValues(t, 600000001, v.([]any)[0].(map[string]any)["uid"])
		}},
		{`client.users.getLoggedInUser()`, func(t *testing.T) {
			v := seedRR1(t, s, tok, "users.getLoggedInUser", nil)
			assert.EqualValues(t, 600000001, v.(map[string]any)["uid"], v)
		}},
		{`client.users.getVisitors()`, func(t *testing.T) {
			v := seedRR1(t, s, tok, "users.getVisitors", nil)
			assert.NotEmpty(t, v.(map[string]any)["visitors"], v)
		}},
		{`client.status.set(status="test")`, func(t *testing.T) {
			v := seedRR1(t, s, tok, "status.set", url.Values{"status": {"test"}})
			assert.EqualValues(t, 1, v.(map[string]any)["result"], v)
		}},
		{`client.status.gets()`, func(t *testing.T) {
			v := seedRR1(t, s, tok, "status.gets", nil)
			require.IsType(t, []any{}, v, v)
			assert.Equal(t, "test", v.([]any)[0].(map[string]any)["message"], "the status set above, newest first")
		}},
		{`client.photos.upload(upload=f, filename="test.png")`, func(t *testing.T) {
			fields := map[string]string{"method": "photos.upload", "v": "1.0", "access_token": tok, "format": "JSON",
				"call_id": strconv.FormatInt(time.Now().UnixNano(), 10)}
			body, ctype := vkMultipart(t, "upload", "test.png", png, fields)
			resp, err := http.Post(s.URL(sandbox.Renren1)+"/restserver.do", ctype, body)
			require.NoError(t, err)
			m := vkDecode(t, resp)
			assert.NotZero(t, m["pid"], m)
		}},
		{`client.request_access_token(code); client.refresh_token(refresh_token)`, func(t *testing.T) {
			app := s.App(sandbox.Renren)
			cb := "https://client.example/renren"
			resp, err := vkNoFollow.Get(s.URL(sandbox.Renren) + "/oauth/authorize?" + url.Values{"client_id": {app.ID},
				"redirect_uri": {cb}, "response_type": {"code"}, "scope": {"status_update read_user_status photo_upload"}}.Encode())
			require.NoError(t, err)
			resp.Body.Close()
			loc, err := resp.Location()
			require.NoError(t, err)
			status, r := vkPostForm(t, s.URL(sandbox.Renren)+"/oauth/token", url.Values{"grant_type": {"authorization_code"},
				"client_id": {app.ID}, "client_secret": {app.Secret}, "redirect_uri": {cb}, "code": {loc.Query().Get("code")}})
			require.Equal(t, http.StatusOK, status, r)
			for _, k := range []string{"access_token", "expires_in", "refresh_token"} {
				assert.Contains(t, r, k)
			}
			status, r = vkPostForm(t, s.URL(sandbox.Renren)+"/oauth/token", url.Values{"grant_type": {"refresh_token"},
				"client_id": {app.ID}, "client_secret": {app.Secret}, "refresh_token": {r["refresh_token"].(string)}})
			require.Equal(t, http.StatusOK, status, r)
			assert.NotEmpty(t, r["access_token"])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.call, tc.check)
	}
}

func TestSeedVKExamples(t *testing.T) {
	s, clk := vkStart(t)
	app := s.App(sandbox.VK)
	// the vk package posts every call with its common parameters v (and lang)
	vkPy := func(t *testing.T, tok, method string, params url.Values) map[string]any {
		t.Helper()
		clk.Advance(time.Second)
		form := url.Values{"access_token": {tok}, "v": {"5.131"}}
		for k, v := range params {
			form[k] = v
		}
		status, m := vkPostForm(t, s.URL(sandbox.VK)+"/method/"+method, form)
		require.Equal(t, http.StatusOK, status)
		require.Zero(t, vkErrCode(m), m)
		return m
	}
	durovLike := func(t *testing.T, m map[string]any) {
		t.Helper()
		u := m["response"].([]any)[0].(map[string]any)
		assert.EqualValues(t, 1, u["id"])
		assert.NotEmpty(t, u["first_name"])
		assert.NotEmpty(t, u["last_name"])
	}
	implicit := func(t *testing.T, extra url.Values) url.Values {
		t.Helper()
		q := url.Values{"client_id": {app.ID}, "display": {"mobile"}, "response_type": {"token"}}
		for k, v := range extra {
			q[k] = v
		}
		resp, err := vkNoFollow.Get(s.URL(sandbox.VK) + "/authorize?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		loc, err := resp.Location()
		require.NoError(t, err)
		return vkFragment(t, loc)
	}
	cases := []struct {
		call  string
		check func(t *testing.T)
	}{
		{`vk.API(access_token=..., v='5.131').users.get(user_ids=1)`, func(t *testing.T) {
			durovLike(t, vkPy(t, s.Token(sandbox.VK).AccessToken, "users.get", url.Values{"user_ids": {"1"}}))
		}},
		{`vk.UserAPI(user_login, user_password, scope='offline,wall', v='5.131')`, func(t *testing.T) {
			frag := implicit(t, url.Values{"scope": {"offline,wall"}})
			require.NotEmpty(t, frag.Get("access_token"), frag)
			durovLike(t, vkPy(t, frag.Get("access_token"), "users.get", url.Values{"user_ids": {"1"}}))
		}},
		{`vk.DirectUserAPI(user_login, user_password, scope='offline,wall', v='5.131')`, func(t *testing.T) {
			status, r := vkPostForm(t, s.URL(sandbox.VK)+"/token", url.Values{"grant_type": {"password"},
				"client_id": {app.ID}, "client_secret": {app.Secret}, "username": {sandbox.VKLogin},
				"password": {sandbox.VKPassword}, "scope": {"offline,wall"}, "2fa_supported": {"1"}})
			require.Equal(t, http.StatusOK, status, r)
			durovLike(t, vkPy(t, r["access_token"].(string), "users.get", url.Values{"user_ids": {"1"}}))
		}},
		{`vk.CommunityAPI(group_ids=[123456, 654321], scope='messages').users.get(group_id=654321, user_ids=1)`, func(t *testing.T) {
			frag := implicit(t, url.Values{"scope": {"messages"}, "group_ids": {"123456,654321"}})
			require.NotEmpty(t, frag.Get("access_token_123456"), frag)
			tok := frag.Get("access_token_654321")
			require.NotEmpty(t, tok, frag)
			durovLike(t, vkPy(t, tok, "users.get", url.Values{"group_id": {"654321"}, "user_ids": {"1"}}))
		}},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.call, "/", "_"), tc.check)
	}
}
