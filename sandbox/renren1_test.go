package sandbox_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// rr1Sign is the test's own Renren 1.0 signer, written from PLATFORMS.md.
func rr1Sign(params map[string]string, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + params[k])
	}
	sum := md5.Sum([]byte(b.String() + secret))
	return hex.EncodeToString(sum[:])
}

// rr1CallID numbers the test's calls: Renren requires each call_id of a
// credential to be greater than the one before.
var rr1CallID atomic.Int64

// rr1Call posts params to restserver.do with a fresh call_id; sign adds a
// valid sig.
func rr1Call(t *testing.T, s *sandbox.Server, params map[string]string, sign bool) any {
	t.Helper()
	params = maps.Clone(params)
	params["call_id"] = strconv.FormatInt(1_700_000_000_000+rr1CallID.Add(1), 10)
	return rr1Post(t, s, params, sign)
}

// rr1Post posts params to restserver.do as they are; sign adds a valid sig.
func rr1Post(t *testing.T, s *sandbox.Server, params map[string]string, sign bool) any {
	t.Helper()
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	if sign {
		form.Set("sig", rr1Sign(params, s.App(sandbox.Renren1).Secret))
	}
	resp, err := http.PostForm(s.URL(sandbox.Renren1)+"/restserver.do", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "API 1.0 answers errors with HTTP 200")
	var v any
	require.NoError(t, rrJSONDecode(resp.Body, &v))
	return v
}

// rr1Code returns the error_code of a reply, 0 when it is a result.
func rr1Code(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	n, _ := m["error_code"].(float64)
	return int(n)
}

func rr1Params(method, token string) map[string]string {
	return map[string]string{"method": method, "v": "1.0", "format": "JSON", "call_id": "1", "access_token": token}
}

func TestRenren1SignatureVector(t *testing.T) {
	// The documented vector, checked against the test's signer first...
	params := rr1Params("users.getInfo", "tok")
	require.Equal(t, "08f9047634a42fd001c9196c04a48dc5", rr1Sign(params, "secret"))
	sum := md5.Sum([]byte("access_token=tokcall_id=1format=JSONmethod=users.getInfov=1.0secret"))
	require.Equal(t, "08f9047634a42fd001c9196c04a48dc5", hex.EncodeToString(sum[:]))

	// ...then against the sandbox, whose test app secret is "secret": the
	// signature passes, and the made-up token is what fails (102, not 104).
	s, _ := vkStart(t)
	require.Equal(t, "secret", s.App(sandbox.Renren1).Secret)
	withSig := func(sig string) any {
		form := url.Values{"sig": {sig}}
		for k, v := range params {
			form.Set(k, v)
		}
		resp, err := http.PostForm(s.URL(sandbox.Renren1)+"/restserver.do", form)
		require.NoError(t, err)
		defer resp.Body.Close()
		var v any
		require.NoError(t, rrJSONDecode(resp.Body, &v))
		return v
	}
	assert.Equal(t, 102, rr1Code(withSig("08f9047634a42fd001c9196c04a48dc5")))
	bad := withSig("08f9047634a42fd001c9196c04a48dc6")
	require.Equal(t, 104, rr1Code(bad))
	e := bad.(map[string]any)
	assert.Equal(t, "Incorrect signature", e["error_msg"])
	for _, a := range e["request_args"].([]any) {
		assert.NotEqual(t, "access_token", a.(map[string]any)["key"], "secrets are not echoed")
	}
	assert.Contains(t, e["request_args"], map[string]any{"key": "method", "value": "users.getInfo"})
}

func TestRenren1Calls(t *testing.T) {
	s, clk := vkStart(t)
	cred := s.Token(sandbox.Renren1)
	require.NotEmpty(t, cred.SessionKey)

	v := rr1Call(t, s, rr1Params("users.getInfo", cred.AccessToken), false)
	require.Zero(t, rr1Code(v), v)
	users := v.([]any)
	require.Len(t, users, 1, "a bare JSON list")
	assert.Equal(t, "张小沙", users[0].(map[string]any)["name"])
	assert.Contains(t, users[0], "tinyurl")

	p := rr1Params("users.getInfo", cred.AccessToken)
	p["uids"], p["fields"] = "600000002,600000003", "name,sex,headurl"
	users = rr1Call(t, s, p, true).([]any)
	require.Len(t, users, 2)
	assert.EqualValues(t, 0, users[0].(map[string]any)["sex"])
	assert.EqualValues(t, 600000003, users[1].(map[string]any)["uid"])

	me := rr1Call(t, s, rr1Params("users.getLoggedInUser", cred.AccessToken), false)
	assert.EqualValues(t, 600000001, me.(map[string]any)["uid"])
	visitors := rr1Call(t, s, rr1Params("users.getVisitors", cred.AccessToken), false)
	assert.Len(t, visitors.(map[string]any)["visitors"], 2)

	session := map[string]string{"method": "users.getLoggedInUser", "v": "1.0", "format": "JSON", "call_id": "2",
		"session_key": cred.SessionKey, "api_key": sandbox.RenrenAppKey}
	assert.Zero(t, rr1Code(rr1Call(t, s, session, true)), "a signed legacy session key")
	assert.Equal(t, 104, rr1Code(rr1Call(t, s, session, false)), "a session key needs a sig")
	session["api_key"] = "someone-else"
	assert.Equal(t, 101, rr1Code(rr1Call(t, s, session, true)))

	set := rr1Params("status.set", cred.AccessToken)
	set["status"] = "一条新状态"
	assert.Equal(t, map[string]any{"result": 1.0}, rr1Call(t, s, set, true))
	statuses := rr1Call(t, s, rr1Params("status.gets", cred.AccessToken), false).([]any)
	assert.Equal(t, "一条新状态", statuses[0].(map[string]any)["message"])
	status, m := rrDo(t, s, http.MethodGet, "/v2/status/list", cred.AccessToken, url.Values{"ownerId": {sandbox.RenrenUserID}})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "一条新状态", m["response"].([]any)[0].(map[string]any)["content"], "API 1.0 and 2.0 share data")

	noScope, err := s.IssueToken(sandbox.Renren1, sandbox.TokenOptions{Scope: []string{}})
	require.NoError(t, err)
	short, err := s.IssueToken(sandbox.Renren1, sandbox.TokenOptions{TTL: time.Minute})
	require.NoError(t, err)
	clk.Advance(time.Minute)
	cases := []struct {
		name   string
		params map[string]string
		code   int
	}{
		{"unknown token", rr1Params("users.getInfo", "nope"), 102},
		{"no credential", map[string]string{"method": "users.getInfo", "v": "1.0", "format": "JSON"}, 102},
		{"expired token", rr1Params("users.getInfo", short.AccessToken), 450},
		{"expired session", map[string]string{"method": "users.getInfo", "v": "1.0", "format": "JSON",
			"session_key": short.SessionKey, "api_key": sandbox.RenrenAppKey}, 450},
		{"unknown method", rr1Params("users.fly", cred.AccessToken), 3},
		{"missing scope", map[string]string{"method": "status.set", "v": "1.0", "format": "JSON", "access_token": noScope.AccessToken, "status": "x"}, 200},
		{"bad uids", map[string]string{"method": "users.getInfo", "v": "1.0", "format": "JSON", "access_token": cred.AccessToken, "uids": "a,b"}, 100},
		{"empty status", rr1Params("status.set", cred.AccessToken), 100},
		{"wrong v", map[string]string{"method": "users.getInfo", "v": "2.0", "format": "JSON", "access_token": cred.AccessToken}, 100},
		{"XML", map[string]string{"method": "users.getInfo", "v": "1.0", "format": "XML", "access_token": cred.AccessToken}, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := rr1Call(t, s, tc.params, true)
			assert.Equal(t, tc.code, rr1Code(v), v)
			e := v.(map[string]any)
			assert.NotEmpty(t, e["error_msg"])
			assert.IsType(t, []any{}, e["request_args"])
		})
	}

	resp, err := http.Get(s.URL(sandbox.Renren1) + "/restserver.do?method=users.getInfo&v=1.0&format=JSON&access_token=" + cred.AccessToken)
	require.NoError(t, err)
	var got any
	require.NoError(t, rrJSONDecode(resp.Body, &got))
	resp.Body.Close()
	assert.Equal(t, 100, rr1Code(got), "restserver.do takes POST")
}

func TestRenren1PhotoUpload(t *testing.T) {
	s, _ := vkStart(t)
	cred := s.Token(sandbox.Renren1)
	params := rr1Params("photos.upload", cred.AccessToken)
	params["caption"] = "上传测试"
	params["aid"] = "700000001"
	fields := map[string]string{"sig": rr1Sign(params, sandbox.RenrenAppSecret)}
	for k, v := range params {
		fields[k] = v
	}
	data := vkRandomBytes(t, 1<<20+17)
	body, ctype := vkMultipart(t, "upload", "photo.jpg", data, fields)
	resp, err := http.Post(s.URL(sandbox.Renren1)+"/restserver.do", ctype, body)
	require.NoError(t, err)
	var v any
	require.NoError(t, rrJSONDecode(resp.Body, &v))
	resp.Body.Close()
	require.Zero(t, rr1Code(v), v)
	ph := v.(map[string]any)
	for _, k := range []string{"pid", "aid", "uid", "src", "src_small", "src_big", "caption"} {
		assert.Contains(t, ph, k)
	}
	assert.Equal(t, "上传测试", ph["caption"])
	assert.EqualValues(t, 700000001, ph["aid"])

	resp, err = http.Get(ph["src_big"].(string))
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "the multipart stream arrived whole")

	status, m := rrDo(t, s, http.MethodGet, "/v2/photo/list", cred.AccessToken, url.Values{"ownerId": {sandbox.RenrenUserID}})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, ph["pid"], m["response"].([]any)[0].(map[string]any)["id"])

	noFile := rr1Params("photos.upload", cred.AccessToken)
	assert.Equal(t, 100, rr1Code(rr1Call(t, s, noFile, true)), "the upload part is required")

	fields["sig"] = "0123456789abcdef0123456789abcdef"
	body, ctype = vkMultipart(t, "upload", "photo.jpg", data, fields)
	resp, err = http.Post(s.URL(sandbox.Renren1)+"/restserver.do", ctype, body)
	require.NoError(t, err)
	require.NoError(t, rrJSONDecode(resp.Body, &v))
	resp.Body.Close()
	assert.Equal(t, 104, rr1Code(v), "multipart fields are signed too")
}

func rrJSONDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

func TestRenren1CallIDMustIncrease(t *testing.T) {
	s, _ := vkStart(t)
	cred := s.Token(sandbox.Renren1)
	call := func(callID string) int {
		p := rr1Params("users.getLoggedInUser", cred.AccessToken)
		if callID == "" {
			delete(p, "call_id")
		} else {
			p["call_id"] = callID
		}
		return rr1Code(rr1Post(t, s, p, false))
	}
	assert.Equal(t, 100, call(""), "call_id is required")
	assert.Equal(t, 100, call("soon"))
	assert.Equal(t, 0, call("1700000000001"))
	assert.Equal(t, 103, call("1700000000001"), "a repeated call_id")
	assert.Equal(t, 103, call("1700000000000"), "a smaller call_id")
	assert.Equal(t, 0, call("1700000000002"))

	// Each credential counts on its own.
	other := s.Token(sandbox.Renren1)
	p := rr1Params("users.getLoggedInUser", other.AccessToken)
	p["call_id"] = "5"
	assert.Equal(t, 0, rr1Code(rr1Post(t, s, p, false)))
}
