package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// rrDo sends a request to Renren API 2.0 with a Bearer token (none when
// token is empty) and returns the status and decoded reply.
func rrDo(t *testing.T, s *sandbox.Server, verb, path, token string, params url.Values) (int, map[string]any) {
	t.Helper()
	u := s.URL(sandbox.Renren) + path
	var body io.Reader
	if verb == http.MethodGet {
		u += "?" + params.Encode()
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequest(verb, u, body)
	require.NoError(t, err)
	if verb != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp.StatusCode, vkDecode(t, resp)
}

// rrErrCode returns the error code of an API 2.0 reply, "" on success.
func rrErrCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestRenrenV2Users(t *testing.T) {
	s, _ := vkStart(t)
	tok := s.Token(sandbox.Renren).AccessToken

	status, m := rrDo(t, s, http.MethodGet, "/v2/user/get", tok, url.Values{"userId": {"600000002"}})
	require.Equal(t, http.StatusOK, status, m)
	u := m["response"].(map[string]any)
	assert.Equal(t, "李测试", u["name"])
	assert.EqualValues(t, 600000002, u["id"])
	assert.NotEmpty(t, u["avatar"])

	resp, err := http.Get(s.URL(sandbox.Renren) + "/v2/user/login/get?access_token=" + url.QueryEscape(tok))
	require.NoError(t, err)
	m = vkDecode(t, resp)
	assert.Equal(t, sandbox.RenrenUserID, rrJSONInt(m["response"].(map[string]any)["id"]), "a token parameter works too")

	status, m = rrDo(t, s, http.MethodGet, "/v2/user/friend/list", tok, url.Values{"userId": {sandbox.RenrenUserID}, "pageSize": {"2"}, "pageNumber": {"2"}})
	require.Equal(t, http.StatusOK, status, m)
	friends := m["response"].([]any)
	require.Len(t, friends, 1, "3 friends, page 2 of size 2")
	assert.Equal(t, "赵示例", friends[0].(map[string]any)["name"])

	cases := []struct {
		params url.Values
		status int
		code   string
	}{
		{url.Values{}, http.StatusBadRequest, "invalid_request.PARAM-MISSING"},
		{url.Values{"userId": {"abc"}}, http.StatusBadRequest, "invalid_request.INVALID-PARAM"},
		{url.Values{"userId": {"123"}}, http.StatusNotFound, "operation_failure.USER_NOT_EXIST"},
	}
	for _, tc := range cases {
		status, m = rrDo(t, s, http.MethodGet, "/v2/user/get", tok, tc.params)
		assert.Equal(t, tc.status, status, tc.params)
		assert.Equal(t, tc.code, rrErrCode(m), tc.params)
		assert.NotEmpty(t, m["error"].(map[string]any)["message"])
	}
	status, m = rrDo(t, s, http.MethodGet, "/v2/user/friend/list", tok, url.Values{"userId": {sandbox.RenrenUserID}, "pageSize": {"0"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request.PAGESIZE_NOT_IN_RANGE", rrErrCode(m))
}

// rrJSONInt writes a decoded JSON number as an integer string.
func rrJSONInt(v any) string {
	f, _ := v.(float64)
	b, _ := json.Marshal(int64(f))
	return string(b)
}

func TestRenrenV2Rejects(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.Renren).AccessToken
	short, err := s.IssueToken(sandbox.Renren, sandbox.TokenOptions{TTL: time.Hour})
	require.NoError(t, err)
	readOnly, err := s.IssueToken(sandbox.Renren, sandbox.TokenOptions{Scope: []string{"read_user_status"}})
	require.NoError(t, err)
	clk.Advance(time.Hour)

	me := url.Values{"userId": {sandbox.RenrenUserID}}
	cases := []struct {
		name, verb, path, token string
		params                  url.Values
		status                  int
		code                    string
	}{
		{"no token", http.MethodGet, "/v2/user/get", "", me, 401, "invalid_authorization.INVALID-TOKEN"},
		{"unknown token", http.MethodGet, "/v2/user/get", "bogus", me, 401, "invalid_authorization.INVALID-TOKEN"},
		{"expired token", http.MethodGet, "/v2/user/get", short.AccessToken, me, 401, "invalid_authorization.EXPIRED-TOKEN"},
		{"missing scope", http.MethodPost, "/v2/status/put", readOnly.AccessToken, url.Values{"content": {"hi"}}, 403, "forbidden.PERMISSION-NEED"},
		{"unknown method", http.MethodGet, "/v2/user/fly", tok, me, 404, "invalid_request.API-NOT-EXIST"},
		{"wrong verb", http.MethodGet, "/v2/status/put", tok, url.Values{"content": {"hi"}}, 405, "invalid_request.METHOD-NOT-ALLOWED"},
		{"missing content", http.MethodPost, "/v2/status/put", tok, url.Values{}, 400, "invalid_request.PARAM-MISSING"},
		{"too long", http.MethodPost, "/v2/status/put", tok, url.Values{"content": {strings.Repeat("长", 241)}}, 400, "invalid_request.INVALID-PARAM"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, m := rrDo(t, s, tc.verb, tc.path, tc.token, tc.params)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, rrErrCode(m), m)
			assert.NotContains(t, m, "response")
		})
	}
}

func TestRenrenV2Statuses(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.Renren).AccessToken
	status, m := rrDo(t, s, http.MethodPost, "/v2/status/put", tok, url.Values{"content": {"来自测试的状态"}})
	require.Equal(t, http.StatusOK, status, m)
	put := m["response"].(map[string]any)
	assert.Equal(t, "来自测试的状态", put["content"])
	assert.Equal(t, clk.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05"), put["createTime"])

	status, m = rrDo(t, s, http.MethodGet, "/v2/status/list", tok, url.Values{"ownerId": {sandbox.RenrenUserID}, "pageSize": {"2"}})
	require.Equal(t, http.StatusOK, status, m)
	list := m["response"].([]any)
	require.Len(t, list, 2)
	assert.Equal(t, put["id"], list[0].(map[string]any)["id"], "newest first")
	assert.Equal(t, "沙盒里的第二条状态。", list[1].(map[string]any)["content"])
}

func TestRenrenV2PhotoUpload(t *testing.T) {
	s, _ := vkStart(t)
	tok := s.Token(sandbox.Renren).AccessToken
	upload := func(fields map[string]string, file []byte) (int, map[string]any) {
		t.Helper()
		field := "file"
		if file == nil {
			field = ""
		}
		body, ctype := vkMultipart(t, field, "pic.png", file, fields)
		req, err := http.NewRequest(http.MethodPost, s.URL(sandbox.Renren)+"/v2/photo/upload", body)
		require.NoError(t, err)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return resp.StatusCode, vkDecode(t, resp)
	}

	data := vkRandomBytes(t, 2<<20)
	status, m := upload(map[string]string{"description": "大文件", "albumId": "700000002"}, data)
	require.Equal(t, http.StatusOK, status, m)
	ph := m["response"].(map[string]any)
	assert.EqualValues(t, len(data), ph["size"], "the stream arrived whole")
	assert.EqualValues(t, 700000002, ph["albumId"])
	assert.Equal(t, "大文件", ph["description"])
	images := ph["images"].([]any)
	require.NotEmpty(t, images)
	img := images[0].(map[string]any)
	assert.Equal(t, "LARGE", img["size"])
	resp, err := http.Get(img["url"].(string))
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "served back byte for byte")

	status, m = rrDo(t, s, http.MethodGet, "/v2/photo/list", tok, url.Values{"ownerId": {sandbox.RenrenUserID}, "albumId": {"700000002"}})
	require.Equal(t, http.StatusOK, status, m)
	require.Len(t, m["response"], 1)
	assert.Equal(t, ph["id"], m["response"].([]any)[0].(map[string]any)["id"])

	status, m = upload(map[string]string{"description": "no file"}, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request.PARAM-MISSING", rrErrCode(m))
	status, m = upload(map[string]string{"albumId": "700000003"}, []byte("x"))
	assert.Equal(t, http.StatusBadRequest, status, "someone else's album")
	assert.Equal(t, "invalid_request.INVALID-PARAM", rrErrCode(m))
	status, m = rrDo(t, s, http.MethodPost, "/v2/photo/upload", tok, url.Values{"description": {"form, not multipart"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request.PARAM-MISSING", rrErrCode(m))
}

// rrAuthorize runs /oauth/authorize and returns the code.
func rrAuthorize(t *testing.T, s *sandbox.Server, redirect, scope string) string {
	t.Helper()
	q := url.Values{"client_id": {sandbox.RenrenAppKey}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {scope}, "state": {"st"}, "display": {"page"}, "x_renew": {"true"}}
	resp, err := vkNoFollow.Get(s.URL(sandbox.Renren) + "/oauth/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "st", loc.Query().Get("state"))
	require.NotEmpty(t, loc.Query().Get("code"))
	return loc.Query().Get("code")
}

func TestRenrenOAuth(t *testing.T) {
	s, clk := vkStart(t)
	app := s.App(sandbox.Renren)
	redirect := "http://localhost:8080/renren/callback"
	tokenURL := s.URL(sandbox.Renren) + "/oauth/token"
	exchange := func(form url.Values) (int, map[string]any) {
		t.Helper()
		form.Set("client_id", app.ID)
		if !form.Has("client_secret") {
			form.Set("client_secret", app.Secret)
		}
		return vkPostForm(t, tokenURL, form)
	}
	codeForm := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
	}

	code := rrAuthorize(t, s, redirect, "read_user_status status_update")
	status, m := exchange(codeForm(code))
	require.Equal(t, http.StatusOK, status, m)
	assert.EqualValues(t, 2592000, m["expires_in"])
	assert.Equal(t, "bearer", m["token_type"])
	assert.Equal(t, "read_user_status status_update", m["scope"])
	user := m["user"].(map[string]any)
	assert.Equal(t, "张小沙", user["name"])
	assert.Equal(t, "avatar", user["avatar"].([]any)[0].(map[string]any)["type"])
	access, refresh := m["access_token"].(string), m["refresh_token"].(string)
	status, _ = rrDo(t, s, http.MethodPost, "/v2/status/put", access, url.Values{"content": {"hello"}})
	assert.Equal(t, http.StatusOK, status)
	status, _ = rrDo(t, s, http.MethodGet, "/v2/photo/list", access, url.Values{"ownerId": {sandbox.RenrenUserID}})
	assert.Equal(t, http.StatusForbidden, status, "the token carries only the granted scope")

	status, m = exchange(codeForm(code))
	assert.Equal(t, http.StatusBadRequest, status, "codes are single use")
	assert.Equal(t, "invalid_grant", m["error"])
	assert.NotZero(t, m["error_code"])
	assert.NotEmpty(t, m["error_description"])

	late := rrAuthorize(t, s, redirect, "")
	clk.Advance(2 * time.Hour)
	status, m = exchange(codeForm(late))
	assert.Equal(t, http.StatusBadRequest, status, "codes expire")
	assert.Equal(t, "invalid_grant", m["error"])

	other := rrAuthorize(t, s, redirect, "")
	form := codeForm(other)
	form.Set("redirect_uri", "http://localhost:8080/elsewhere")
	_, m = exchange(form)
	assert.Equal(t, "redirect_uri_mismatch", m["error"])

	status, m = exchange(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_secret": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_client", m["error"])

	status, m = exchange(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	require.Equal(t, http.StatusOK, status, m)
	access2, refresh2 := m["access_token"].(string), m["refresh_token"].(string)
	assert.NotEqual(t, access, access2)
	assert.NotEqual(t, refresh, refresh2)
	assert.Equal(t, "read_user_status status_update", m["scope"], "refresh keeps the scope")
	status, _ = rrDo(t, s, http.MethodGet, "/v2/user/login/get", access2, nil)
	assert.Equal(t, http.StatusOK, status)
	status, _ = rrDo(t, s, http.MethodGet, "/v2/user/login/get", access, nil)
	assert.Equal(t, http.StatusOK, status, "the old token lives on (WithRevokeOnRefresh revokes it)")
	status, m = exchange(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	assert.Equal(t, http.StatusBadRequest, status, "a refresh token is consumed")
	assert.Equal(t, "invalid_grant", m["error"])

	resp, err := http.Get(tokenURL + "?" + codeForm(rrAuthorize(t, s, redirect, "")).Encode())
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the token endpoint takes POST")
	resp.Body.Close()

	resp, err = vkNoFollow.Get(s.URL(sandbox.Renren) + "/oauth/authorize?client_id=nope&response_type=code&redirect_uri=" + url.QueryEscape(redirect))
	require.NoError(t, err)
	assert.Equal(t, "invalid_client", vkDecode(t, resp)["error"])
	resp, err = vkNoFollow.Get(s.URL(sandbox.Renren) + "/oauth/authorize?response_type=token&client_id=" + app.ID + "&redirect_uri=" + url.QueryEscape(redirect))
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "unsupported_response_type", loc.Query().Get("error"))
}

func TestRenrenConcurrentUse(t *testing.T) {
	s, _ := vkStart(t)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		tok := s.Token(sandbox.Renren)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				form := url.Values{"content": {"并发"}}
				if i%2 == 0 { // API 2.0
					req, err := http.NewRequest(http.MethodPost, s.URL(sandbox.Renren)+"/v2/status/put", strings.NewReader(form.Encode()))
					if !assert.NoError(t, err) {
						return
					}
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
					resp, err := http.DefaultClient.Do(req)
					if assert.NoError(t, err) {
						assert.Equal(t, http.StatusOK, resp.StatusCode)
						resp.Body.Close()
					}
					continue
				}
				resp, err := http.PostForm(s.URL(sandbox.Renren)+"/restserver.do", url.Values{"method": {"status.set"},
					"v": {"1.0"}, "format": {"JSON"}, "access_token": {tok.AccessToken}, "status": {"并发"},
					"call_id": {strconv.Itoa(1000 + i)}}) // increasing per token, as Renren requires
				if assert.NoError(t, err) {
					var m map[string]any
					assert.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
					resp.Body.Close()
					assert.EqualValues(t, 1, m["result"], m)
				}
			}
		}()
	}
	wg.Wait()
	status, m := rrDo(t, s, http.MethodGet, "/v2/status/list", s.Token(sandbox.Renren).AccessToken,
		url.Values{"ownerId": {sandbox.RenrenUserID}, "pageSize": {"100"}})
	require.Equal(t, http.StatusOK, status)
	list := m["response"].([]any)
	assert.Len(t, list, 2+workers*each)
	seen := map[float64]bool{}
	for _, st := range list {
		id := st.(map[string]any)["id"].(float64)
		assert.False(t, seen[id], "status id %v given twice", id)
		seen[id] = true
	}
}
