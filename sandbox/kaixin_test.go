package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func kxSandbox(t *testing.T) (*Server, *Clock) {
	t.Helper()
	clock := NewClock(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC))
	s, err := New(WithClock(clock.Now))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, clock
}

// kxResult is a decoded Kaixin reply.
type kxResult struct {
	status int
	ctype  string
	header http.Header
	body   string
	json   map[string]any
}

// kxSend sends a request without following redirects and decodes a JSON
// reply. It is safe to call from any goroutine.
func kxSend(req *http.Request) (kxResult, error) {
	resp, err := wxNoRedirect.Do(req)
	if err != nil {
		return kxResult{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return kxResult{}, err
	}
	r := kxResult{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), header: resp.Header, body: string(body)}
	if strings.HasPrefix(r.ctype, "application/json") {
		if err := json.Unmarshal([]byte(r.body), &r.json); err != nil {
			return r, fmt.Errorf("%v: %s", err, r.body)
		}
	}
	return r, nil
}

func kxDo(t *testing.T, req *http.Request) kxResult {
	t.Helper()
	r, err := kxSend(req)
	require.NoError(t, err)
	return r
}

// kxNewRequest makes a request, with form as an urlencoded body when set.
func kxNewRequest(t *testing.T, method, u string, form url.Values) *http.Request {
	t.Helper()
	if form == nil {
		req, err := http.NewRequest(method, u, nil)
		require.NoError(t, err)
		return req
	}
	req, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// kxWantError checks a Kaixin error reply.
func kxWantError(t *testing.T, r kxResult, status, code int, request string) {
	t.Helper()
	require.Equal(t, status, r.status, r.body)
	assert.Equal(t, float64(code), r.json["error_code"], r.body)
	assert.Equal(t, request, r.json["request"])
	assert.NotEmpty(t, r.json["error"])
}

// kxGet calls an API with an OAuth 2.0 token in the query.
func kxGet(t *testing.T, s *Server, path, token string, q url.Values) kxResult {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", token)
	return kxDo(t, kxNewRequest(t, "GET", s.URL(Kaixin)+path+"?"+q.Encode(), nil))
}

func kxUIDs(t *testing.T, r kxResult) []string {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, r.body)
	var uids []string
	for _, u := range r.json["users"].([]any) {
		uids = append(uids, u.(map[string]any)["uid"].(string))
	}
	return uids
}

func TestKaixinFriendsMe(t *testing.T) {
	s, _ := kxSandbox(t)
	tok := s.Token(Kaixin).AccessToken

	r := kxGet(t, s, "/friends/me.json", tok, nil)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, "60", r.json["total"], "numbers come as strings")
	users := r.json["users"].([]any)
	require.Len(t, users, 20, "num defaults to 20")
	assert.Equal(t, map[string]any{
		"uid": "48620101", "name": "王伟", "gender": "0",
		"logo50": "http://pic.kaixin001.com.cn/logo/62/01/50_48620101_1.jpg",
	}, users[0], "an empty fields gives uid,name,gender,logo50")

	// paging: start and num, num clamped to 50
	seen := map[string]bool{}
	for start := 0; start < 60; start += 25 {
		for _, uid := range kxUIDs(t, kxGet(t, s, "/friends/me.json", tok, url.Values{"start": {strconv.Itoa(start)}, "num": {"25"}})) {
			seen[uid] = true
		}
	}
	assert.Len(t, seen, 60, "pages of 25 cover the 60 friends")
	assert.Len(t, kxUIDs(t, kxGet(t, s, "/friends/me.json", tok, url.Values{"num": {"100"}})), 50)
	assert.Equal(t, []string{"48620156", "48620157", "48620158", "48620159", "48620160"},
		kxUIDs(t, kxGet(t, s, "/friends/me.json", tok, url.Values{"start": {"55"}})))
	assert.Empty(t, kxUIDs(t, kxGet(t, s, "/friends/me.json", tok, url.Values{"start": {"60"}})))
	for _, bad := range []url.Values{{"num": {"abc"}}, {"num": {"0"}}, {"start": {"-1"}}, {"fields": {"uid name"}}} {
		kxWantError(t, kxGet(t, s, "/friends/me.json", tok, bad), 400, 40001, "/friends/me.json")
	}

	// gid filters by group: 12 in each
	r = kxGet(t, s, "/friends/me.json", tok, url.Values{"gid": {"1"}, "num": {"50"}})
	uids := kxUIDs(t, r)
	assert.Equal(t, "12", r.json["total"])
	require.Len(t, uids, 12)
	assert.Equal(t, []string{"48620101", "48620106"}, uids[:2])
	r = kxGet(t, s, "/friends/me.json", tok, url.Values{"gid": {"9"}})
	assert.Equal(t, "0", r.json["total"])
	groups := kxGet(t, s, "/friends/group.json", tok, nil)
	assert.Equal(t, "3", groups.json["total"])
	assert.Equal(t, map[string]any{"gid": "1", "name": "同学", "num": "12"}, groups.json["groups"].([]any)[0])
}

func TestKaixinFieldsNeedScopes(t *testing.T) {
	s, _ := kxSandbox(t)
	all := s.Token(Kaixin).AccessToken
	basic, err := s.IssueToken(Kaixin, TokenOptions{Scope: []string{"basic"}})
	require.NoError(t, err)
	q := url.Values{"fields": {"uid,birthday,school,online"}, "num": {"1"}}

	full := kxGet(t, s, "/friends/me.json", all, q).json["users"].([]any)[0].(map[string]any)
	assert.Equal(t, "1980-01-01", full["birthday"])
	assert.Equal(t, "0", full["online"])
	assert.Equal(t, []any{map[string]any{"schooltype": "0", "school": "北京大学", "class": "1 班", "year": "2000"}}, full["education"])

	limited := kxGet(t, s, "/friends/me.json", basic.AccessToken, q).json["users"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"uid": "48620101"}, limited, "fields beyond basic need friends_* scopes")

	me := kxGet(t, s, "/users/me.json", basic.AccessToken, url.Values{"fields": {"uid,name,motto"}})
	assert.Equal(t, map[string]any{"uid": "48620001", "name": "沙盒开心"}, me.json, "users/me needs user_* scopes")
	me = kxGet(t, s, "/users/me.json", all, url.Values{"fields": {"motto,career"}})
	assert.Equal(t, "先写测试", me.json["motto"])
	assert.Len(t, me.json["career"], 1)

	show := kxGet(t, s, "/users/show.json", all, url.Values{"uids": {"48620101,99999999,48620102"}})
	assert.Len(t, show.json["users"], 2, "unknown uids are skipped")
	kxWantError(t, kxGet(t, s, "/users/show.json", all, nil), 400, 40001, "/users/show.json")
}

func TestKaixinStatuses(t *testing.T) {
	s, clock := kxSandbox(t)
	c := s.Token(Kaixin)
	api := s.URL(Kaixin)
	kxWantError(t, kxGet(t, s, "/friends/nothing.json", c.AccessToken, nil), 404, 40401, "/friends/nothing.json")
	kxWantError(t, kxGet(t, s, "/friends/me.xml", c.AccessToken, nil), 400, 40004, "/friends/me.xml")
	kxWantError(t, kxGet(t, s, "/records/add.json", c.AccessToken, url.Values{"content": {"x"}}), 400, 40002, "/records/add.json")
	kxWantError(t, kxDo(t, kxNewRequest(t, "POST", api+"/friends/me.json", url.Values{"access_token": {c.AccessToken}})), 400, 40002, "/friends/me.json")
	kxWantError(t, kxDo(t, kxNewRequest(t, "GET", api+"/users/me.json", nil)), 401, 40101, "/users/me.json")
	kxWantError(t, kxGet(t, s, "/users/me.json", "nope", nil), 401, 40102, "/users/me.json")
	expired, err := s.IssueToken(Kaixin, TokenOptions{TTL: -time.Second})
	require.NoError(t, err)
	kxWantError(t, kxGet(t, s, "/users/me.json", expired.AccessToken, nil), 401, 40103, "/users/me.json")
	basic, err := s.IssueToken(Kaixin, TokenOptions{Scope: []string{"basic"}})
	require.NoError(t, err)
	kxWantError(t, kxDo(t, kxNewRequest(t, "POST", api+"/records/add.json",
		url.Values{"access_token": {basic.AccessToken}, "content": {"x"}})), 403, 40301, "/records/add.json")

	// session keys need the api_key
	r := kxDo(t, kxNewRequest(t, "GET", api+"/users/me.json?session_key="+c.SessionKey+"&api_key="+kxAppKey, nil))
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, "48620001", r.json["uid"])
	kxWantError(t, kxDo(t, kxNewRequest(t, "GET", api+"/users/me.json?session_key="+c.SessionKey, nil)), 401, 40102, "/users/me.json")
	kxWantError(t, kxDo(t, kxNewRequest(t, "GET", api+"/users/me.json?session_key=6_x&api_key="+kxAppKey, nil)), 401, 40102, "/users/me.json")

	// rate limit: 400, per credential and hour
	s.KaixinRateLimit(2)
	for i := 0; i < 2; i++ {
		require.Equal(t, http.StatusOK, kxGet(t, s, "/users/me.json", c.AccessToken, nil).status, "call %d under the limit", i)
	}
	kxWantError(t, kxGet(t, s, "/users/me.json", c.AccessToken, nil), 400, 40003, "/users/me.json")
	assert.Equal(t, http.StatusOK, kxGet(t, s, "/users/me.json", basic.AccessToken, nil).status, "another token has its own count")
	clock.Advance(time.Hour)
	assert.Equal(t, http.StatusOK, kxGet(t, s, "/users/me.json", c.AccessToken, nil).status, "the next hour")
	s.KaixinRateLimit(0)

	// maintenance: 502 everywhere until switched off
	s.KaixinMaintenance(true)
	kxWantError(t, kxGet(t, s, "/users/me.json", c.AccessToken, nil), 502, 50201, "/users/me.json")
	kxWantError(t, kxDo(t, kxNewRequest(t, "POST", api+"/oauth2/access_token", url.Values{})), 502, 50201, "/oauth2/access_token")
	s.KaixinMaintenance(false)
	assert.Equal(t, http.StatusOK, kxGet(t, s, "/users/me.json", c.AccessToken, nil).status)
}

func TestKaixinUploads(t *testing.T) {
	s, _ := kxSandbox(t)
	c := s.Token(Kaixin)
	api := s.URL(Kaixin)
	pic := qqTestPNG(t, 300, 200, 11)
	sum := md5.Sum(pic)
	post := func(path string, fields url.Values, field string, data []byte) kxResult {
		t.Helper()
		fields.Set("access_token", c.AccessToken)
		body, ctype := qqTestMultipart(t, fields, field, "p.png", data)
		req, err := http.NewRequest("POST", api+path, body)
		require.NoError(t, err)
		req.Header.Set("Content-Type", ctype)
		return kxDo(t, req)
	}
	for _, field := range []string{"pic", "image"} {
		r := post("/photo/upload.json", url.Values{"title": {"t"}}, field, pic)
		require.Equal(t, http.StatusOK, r.status, r.body)
		assert.Equal(t, strconv.Itoa(len(pic)), r.json["size"], "field %s", field)
		assert.Equal(t, hex.EncodeToString(sum[:]), r.json["md5"])
		assert.Equal(t, "300", r.json["width"])
		assert.Equal(t, "200", r.json["height"])
		assert.NotEmpty(t, r.json["pid"])
	}
	kxWantError(t, post("/photo/upload.json", url.Values{}, "attachment", pic), 400, 40001, "/photo/upload.json")
	kxWantError(t, post("/photo/upload.json", url.Values{}, "pic", []byte("GIF89a but not really")), 400, 40001, "/photo/upload.json")

	r := post("/records/add.json", url.Values{"content": {"带图的记录"}}, "pic", pic)
	require.Equal(t, http.StatusOK, r.status, r.body)
	assert.Equal(t, strconv.Itoa(len(pic)), r.json["pic"].(map[string]any)["size"])
	r = kxDo(t, kxNewRequest(t, "POST", api+"/records/add.json", url.Values{"access_token": {c.AccessToken}, "content": {"第二条"}}))
	require.Equal(t, http.StatusOK, r.status, r.body)
	kxWantError(t, kxDo(t, kxNewRequest(t, "POST", api+"/records/add.json", url.Values{"access_token": {c.AccessToken}})), 400, 40001, "/records/add.json")
	kxWantError(t, kxDo(t, kxNewRequest(t, "POST", api+"/records/add.json",
		url.Values{"access_token": {c.AccessToken}, "content": {strings.Repeat("长", 381)}})), 400, 40001, "/records/add.json")

	list := kxGet(t, s, "/records/me.json", c.AccessToken, nil)
	assert.Equal(t, "2", list.json["total"])
	data, _ := list.json["data"].([]any)
	require.Len(t, data, 2)
	assert.Equal(t, "第二条", data[0].(map[string]any)["content"], "newest first")
	assert.NotEmpty(t, data[1].(map[string]any)["pic"])
}

func TestKaixinIssueToken(t *testing.T) {
	s, _ := kxSandbox(t)
	assert.Equal(t, App{ID: kxAppKey, Secret: kxAppSecret}, s.App(Kaixin))
	c, err := s.IssueToken(Kaixin, TokenOptions{UserID: "48620160", Scope: []string{"basic", "friends_online"}})
	require.NoError(t, err)
	assert.Equal(t, "48620160", c.UserID)
	assert.Equal(t, "basic friends_online", c.Scope)
	assert.NotEmpty(t, c.SessionKey)
	assert.NotEmpty(t, c.RefreshToken)
	assert.Equal(t, time.Date(2024, 3, 31, 10, 0, 0, 0, time.UTC), c.ExpiresAt.UTC(), "30 days")

	assert.Equal(t, []string{"48620001"}, kxUIDs(t, kxGet(t, s, "/friends/me.json", c.AccessToken, nil)), "a friend's only friend")
	me := kxGet(t, s, "/users/me.json", c.AccessToken, url.Values{"fields": {"name,isStar"}})
	assert.Equal(t, map[string]any{"name": "吴磊", "isStar": "1"}, me.json)

	o1, err := s.IssueToken(Kaixin, TokenOptions{OAuth1: true})
	require.NoError(t, err)
	assert.NotEmpty(t, o1.TokenSecret)
	assert.True(t, o1.ExpiresAt.IsZero(), "OAuth 1.0a tokens do not expire")
	kxWantError(t, kxGet(t, s, "/users/me.json", o1.AccessToken, nil), 401, 40102, "/users/me.json") // not an OAuth 2.0 token

	for _, o := range []TokenOptions{{UserID: "1"}, {GroupID: 5}, {Scope: []string{"admin"}}} {
		_, err := s.IssueToken(Kaixin, o)
		assert.Error(t, err, "IssueToken(%+v)", o)
	}
}

func TestKaixinSurvivesGarbage(t *testing.T) {
	s, _ := kxSandbox(t)
	api := s.URL(Kaixin)
	for _, h := range []string{`OAuth `, `OAuth x`, `OAuth oauth_token="%zz"`, `OAuth oauth_nonce="a", oauth_nonce="b"`,
		`OAuth oauth_consumer_key="` + kxAppKey + `", oauth_signature_method="HMAC-SHA1", oauth_timestamp="soon", oauth_nonce="n", oauth_signature="x", oauth_token="t"`} {
		for _, path := range []string{"/users/me.json", "/oauth/request_token", "/oauth/access_token"} {
			req := kxNewRequest(t, "GET", api+path, nil)
			req.Header.Set("Authorization", h)
			r := kxDo(t, req)
			assert.Contains(t, []int{400, 401}, r.status, "%s with %q: %s", path, h, r.body)
		}
	}
	for _, path := range []string{"/", "/.json", "/users/.json", "/oauth/authorize", "/oauth/authorize?oauth_token=x",
		"/oauth2/authorize", "/oauth2/authorize?client_id=" + kxAppKey + "&redirect_uri=%zz", "/photo/upload.json"} {
		r := kxDo(t, kxNewRequest(t, "GET", api+path, nil))
		assert.GreaterOrEqual(t, r.status, 400, path)
		assert.Less(t, r.status, 500, path)
		assert.NotEmpty(t, r.body, path)
	}
}
