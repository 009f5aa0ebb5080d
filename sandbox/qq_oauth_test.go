package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qqAuthorize runs /oauth2.0/authorize and returns the code.
func qqAuthorize(t *testing.T, s *Server, scope string) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {qqAppID}, "redirect_uri": {"https://client.example/qq"},
		"state": {"s1"}, "scope": {scope}, "display": {"pc"}}
	resp, err := wxNoRedirect.Get(s.URL(QQ) + "/oauth2.0/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode, "reason %q", resp.Header.Get("X-Sandbox-Reason"))
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "client.example", loc.Host)
	require.Equal(t, "s1", loc.Query().Get("state"))
	return loc.Query().Get("code")
}

// qqToken calls /oauth2.0/token and returns the raw reply and content type.
func qqToken(t *testing.T, s *Server, q url.Values) (string, string) {
	t.Helper()
	status, ct, body, err := qqDo(http.MethodGet, s.URL(QQ)+"/oauth2.0/token?"+q.Encode(), "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)
	return body, ct
}

func qqCodeQuery(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {qqAppID}, "client_secret": {qqAppKey},
		"code": {code}, "redirect_uri": {"https://client.example/qq"}}
}

func TestQQTokenURLEncodedAndCodeReuse(t *testing.T) {
	s, _ := qqSandbox(t)
	code := qqAuthorize(t, s, "get_user_info,list_album")
	body, ct := qqToken(t, s, qqCodeQuery(code))
	assert.Equal(t, "text/html", ct)
	require.Regexp(t, `^access_token=[0-9A-F]{32}&expires_in=7776000&refresh_token=[0-9A-F]{32}$`, body)

	v, err := url.ParseQuery(body)
	require.NoError(t, err)
	c := Credentials{AccessToken: v.Get("access_token"), OpenID: "B5C3A8E1F0D24977A1C6E3B2D9F08A14"}
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/photo/list_album", c, nil), 0)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_vip_info", c, nil), 100030)

	body, _ = qqToken(t, s, qqCodeQuery(code))
	assert.Equal(t, "callback( {\"error\":100020,\"error_description\":\"code is reused error\"} );\n", body)
}

func TestQQTokenJSONAndErrors(t *testing.T) {
	s, clock := qqSandbox(t)
	q := qqCodeQuery(qqAuthorize(t, s, ""))
	q.Set("fmt", "json")
	q.Set("need_openid", "1")
	body, _ := qqToken(t, s, q)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m), body)
	assert.Equal(t, "7776000", m["expires_in"], "expires_in comes as a quoted string")
	assert.Regexp(t, qqHex32, m["access_token"])
	assert.Regexp(t, qqHex32, m["refresh_token"])
	assert.Equal(t, "B5C3A8E1F0D24977A1C6E3B2D9F08A14", m["openid"])

	body, _ = qqToken(t, s, q)
	assert.Equal(t, `{"error":100020,"error_description":"code is reused error"}`, body, "fmt=json errors are plain JSON")

	errCode := func(q url.Values) string {
		t.Helper()
		body, _ := qqToken(t, s, q)
		m := regexp.MustCompile(`^callback\( \{"error":(\d+),"error_description":"[^"]+"\} \);\n$`).FindStringSubmatch(body)
		require.NotNil(t, m, "not a JSONP error: %q", body)
		return m[1]
	}
	code := qqAuthorize(t, s, "")
	cases := map[string]func(url.Values){
		"100004": func(q url.Values) { q.Set("grant_type", "password") },
		"100001": func(q url.Values) { q.Del("client_id") },
		"100008": func(q url.Values) { q.Set("client_id", "100000001") },
		"100009": func(q url.Values) { q.Set("client_secret", "wrong") },
		"100002": func(q url.Values) { q.Del("client_secret") },
		"100005": func(q url.Values) { q.Del("code") },
		"100019": func(q url.Values) { q.Set("code", "00000000000000000000000000000000") },
	}
	for want, edit := range cases {
		q := qqCodeQuery(code)
		edit(q)
		assert.Equal(t, want, errCode(q))
	}
	q = qqCodeQuery(code)
	q.Set("redirect_uri", "https://elsewhere.example/qq")
	assert.Equal(t, "100010", errCode(q), "redirect_uri must match the authorization's")

	late := qqAuthorize(t, s, "")
	clock.Advance(10 * time.Minute)
	assert.Equal(t, "100019", errCode(qqCodeQuery(late)), "codes live 10 minutes")
}

func TestQQRefresh(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	q := url.Values{"grant_type": {"refresh_token"}, "client_id": {qqAppID}, "client_secret": {qqAppKey},
		"refresh_token": {c.RefreshToken}}
	body, _ := qqToken(t, s, q)
	v, err := url.ParseQuery(body)
	require.NoError(t, err)
	require.Regexp(t, qqHex32, v.Get("access_token"))
	assert.NotEqual(t, c.AccessToken, v.Get("access_token"))
	assert.NotEqual(t, c.RefreshToken, v.Get("refresh_token"))
	assert.Equal(t, "7776000", v.Get("expires_in"))

	fresh := Credentials{AccessToken: v.Get("access_token"), OpenID: c.OpenID}
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_user_info", fresh, nil), 0)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_user_info", c, nil), 0) // lives on without WithRevokeOnRefresh
	body, _ = qqToken(t, s, q)
	assert.Contains(t, body, `"error":100016`, "a refresh token is good once")
}

func TestQQMeJSONP(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	me := func(q url.Values) string {
		t.Helper()
		status, ct, body, err := qqDo(http.MethodGet, s.URL(QQ)+"/oauth2.0/me?"+q.Encode(), "", nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "text/html", ct)
		return body
	}
	want := `callback( {"client_id":"101234567","openid":"B5C3A8E1F0D24977A1C6E3B2D9F08A14"} );` + "\n"
	assert.Equal(t, want, me(url.Values{"access_token": {c.AccessToken}}))
	assert.Equal(t, `callback( {"client_id":"101234567","openid":"B5C3A8E1F0D24977A1C6E3B2D9F08A14","unionid":"UID_5E0F6A7B8C9D0E1F2A3B4C5D6E7F8091"} );`+"\n",
		me(url.Values{"access_token": {c.AccessToken}, "unionid": {"1"}}))
	assert.Equal(t, `{"client_id":"101234567","openid":"B5C3A8E1F0D24977A1C6E3B2D9F08A14"}`,
		me(url.Values{"access_token": {c.AccessToken}, "fmt": {"json"}}))

	expired, err := s.IssueToken(QQ, TokenOptions{TTL: -time.Minute})
	require.NoError(t, err)
	revoked := s.Token(QQ)
	s.QQRevoke(revoked.AccessToken)
	for tok, code := range map[string]string{
		"": "100007", "not-a-token": "100013", "0123456789ABCDEF0123456789ABCDEF": "100016",
		expired.AccessToken: "100014", revoked.AccessToken: "100015",
	} {
		assert.Regexp(t, `^callback\( \{"error":`+code+`,"error_description":"[^"]+"\} \);\n$`,
			me(url.Values{"access_token": {tok}}), "token %q", tok)
	}
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_user_info", revoked, nil), 100015)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_user_info", expired, nil), 100014)
}

func TestQQAuthorizeErrorsAndImplicitFlow(t *testing.T) {
	s, _ := qqSandbox(t)
	for reason, q := range map[string]url.Values{
		"100000": {"response_type": {"id_token"}, "client_id": {qqAppID}, "redirect_uri": {"https://c.example/"}},
		"100001": {"response_type": {"code"}, "redirect_uri": {"https://c.example/"}},
		"100008": {"response_type": {"code"}, "client_id": {"1"}, "redirect_uri": {"https://c.example/"}},
		"100010": {"response_type": {"code"}, "client_id": {qqAppID}, "redirect_uri": {"c.example"}},
	} {
		resp, err := wxNoRedirect.Get(s.URL(QQ) + "/oauth2.0/authorize?" + q.Encode())
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "QQ shows an error page")
		assert.Equal(t, reason, resp.Header.Get("X-Sandbox-Reason"))
		assert.Contains(t, string(body), reason+":")
	}

	q := url.Values{"response_type": {"token"}, "client_id": {qqAppID}, "redirect_uri": {"https://c.example/cb"},
		"state": {"z"}, "scope": {"all"}}
	resp, err := wxNoRedirect.Get(s.URL(QQ) + "/oauth2.0/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	frag, err := url.ParseQuery(loc.Fragment)
	require.NoError(t, err)
	assert.Empty(t, loc.RawQuery, "the implicit flow answers in the fragment")
	assert.Regexp(t, qqHex32, frag.Get("access_token"))
	assert.Equal(t, "7776000", frag.Get("expires_in"))
	assert.Equal(t, "z", frag.Get("state"))
	c := Credentials{AccessToken: frag.Get("access_token"), OpenID: "B5C3A8E1F0D24977A1C6E3B2D9F08A14"}
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/cft_info/get_tenpay_addr", c, nil), 0) // scope all

	// scope lists drop unknown names and default to get_user_info
	code := qqAuthorize(t, s, "list_album,fly_to_moon")
	body, _ := qqToken(t, s, qqCodeQuery(code))
	v, _ := url.ParseQuery(body)
	c = Credentials{AccessToken: v.Get("access_token"), OpenID: c.OpenID}
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/photo/list_album", c, nil), 0)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_user_info", c, nil), 100030)
	assert.True(t, strings.HasPrefix(body, "access_token="))
}
