package main

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flagCase tests one flag, given once on the command line and once through
// its environment variable.
type flagCase struct {
	flag    string   // the flag's name
	value   string   // its value; "" for a bool flag set on the command line
	base    []string // other flags, on the command line in both runs
	call    []string // PLATFORM METHOD params
	reply   http.HandlerFunc
	noBase  bool // the case gives the base URL itself
	code    int
	checkFn func(t *testing.T, srv *recorder, r result)
}

func TestEveryFlagAndItsEnvironmentVariable(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	cases := []flagCase{
		{flag: "token", value: testToken, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Equal(t, testToken, srv.only(t).Form.Get("access_token"))
			}},
		{flag: "token-secret", value: "TokenSecretValue99",
			base: []string{"-token", "kx-oauth1-token-0001", "-app-id", "ck", "-app-secret", "ConsumerSecret77"},
			call: []string{"kaixin", "users.me", "fields=uid,name"}, reply: fixed(200, `{"uid":"1","name":"Kai"}`),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				got := srv.only(t)
				assert.Equal(t, http.MethodGet, got.Method)
				assert.Equal(t, "kx-oauth1-token-0001", got.Query.Get("oauth_token"))
				assert.Equal(t, "ck", got.Query.Get("oauth_consumer_key"))
				assert.False(t, got.Query.Has("access_token"))
				// The signature is checked with the secrets the flags named.
				params := url.Values{}
				for k, v := range got.Query {
					if !strings.HasPrefix(k, "oauth_") {
						params[k] = v
					}
				}
				u, err := url.Parse(srv.URL + got.Path)
				require.NoError(t, err)
				sec, err := strconv.ParseInt(got.Query.Get("oauth_timestamp"), 10, 64)
				require.NoError(t, err)
				want := auth.OAuth1Token("ck", "ConsumerSecret77", "kx-oauth1-token-0001", "TokenSecretValue99").
					Sign("GET", u, params, sec, got.Query.Get("oauth_nonce"), nil)
				assert.Equal(t, want.Get("oauth_signature"), got.Query.Get("oauth_signature"))
			}},
		{flag: "session-key", value: "SessionKeyValue42", base: []string{"-app-id", "renren-app-key", "-app-secret", "AppSecretValue1234"},
			call: []string{"renren1", "users.getInfo"}, reply: fixed(200, `[{"uid":1,"name":"Ren"}]`),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				got := srv.only(t)
				assert.Equal(t, "/restserver.do", got.Path)
				assert.Equal(t, "SessionKeyValue42", got.Form.Get("session_key"))
				assert.Equal(t, "renren-app-key", got.Form.Get("api_key"))
				assert.Equal(t, renren1TestSig(got.Form, "AppSecretValue1234"), got.Form.Get("sig"))
				assert.False(t, got.Form.Has("access_token"))
			}},
		{flag: "app-id", value: "101234567", base: []string{"-token", testToken, "-openid", "OPENID1"},
			call: []string{"qq", "user.get_user_info"}, reply: fixed(200, `{"ret":0,"msg":"","nickname":"Q"}`),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				got := srv.only(t)
				assert.Equal(t, "/user/get_user_info", got.Path)
				assert.Equal(t, "101234567", got.Query.Get("oauth_consumer_key"))
			}},
		{flag: "app-secret", value: "AppSecretValue1234", base: []string{"-token", testToken, "-app-id", "renren-app-key"},
			call: []string{"renren1", "users.getInfo"}, reply: fixed(200, `[{"uid":1}]`),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				got := srv.only(t)
				assert.Equal(t, renren1TestSig(got.Form, "AppSecretValue1234"), got.Form.Get("sig"))
			}},
		{flag: "openid", value: "oWeixinOpenID", base: []string{"-token", testToken},
			call: []string{"wechat", "sns.userinfo"}, reply: fixed(200, `{"openid":"oWeixinOpenID","nickname":"W"}`),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				got := srv.only(t)
				assert.Equal(t, "/sns/userinfo", got.Path)
				assert.Equal(t, "oWeixinOpenID", got.Query.Get("openid"))
			}},
		{flag: "api-version", value: "5.131", base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Equal(t, "5.131", srv.only(t).Form.Get("v"))
			}},
		{flag: "base-url", noBase: true, base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Equal(t, "/method/users.get", srv.only(t).Path)
			}},
		{flag: "X", value: "POST", base: []string{"-token", testToken}, call: []string{"kaixin", "users.me"}, reply: fixed(200, `{"uid":"1"}`),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				got := srv.only(t)
				assert.Equal(t, http.MethodPost, got.Method, "users.me is a GET unless forced")
				assert.Equal(t, testToken, got.Form.Get("access_token"))
			}},
		{flag: "q", value: "0.last_name", base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Equal(t, "Durov\n", r.stdout)
			}},
		{flag: "raw", base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Equal(t, vkUsersReply+"\n", r.stdout)
			}},
		{flag: "dry-run", base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Empty(t, srv.seen())
				assert.Contains(t, r.stdout, "POST "+srv.URL+"/method/users.get\n")
			}},
		{flag: "timeout", value: "50ms", base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: slow, code: exitTransport,
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Contains(t, r.stderr, "deadline exceeded")
			}},
		{flag: "v", base: []string{"-token", testToken}, call: []string{"vk", "users.get"}, reply: fixed(200, vkUsersReply),
			checkFn: func(t *testing.T, srv *recorder, r result) {
				assert.Contains(t, r.stderr, "> POST /method/users.get HTTP/1.1\n")
			}},
	}
	for _, c := range cases {
		for _, via := range []string{"flag", "env"} {
			t.Run(c.flag+"/"+via, func(t *testing.T) {
				srv := newRecorder(t, c.reply)
				args := []string{"call"}
				if !c.noBase {
					args = append(args, "-base-url", srv.URL)
				}
				args = append(args, c.base...)
				value := c.value
				if c.noBase {
					value = srv.URL
				}
				env := map[string]string{}
				switch {
				case via == "env" && value == "":
					env[envName(c.flag)] = "1"
				case via == "env":
					env[envName(c.flag)] = value
				case value == "":
					args = append(args, "-"+c.flag)
				default:
					args = append(args, "-"+c.flag, value)
				}
				r := runCLI(t, env, append(args, c.call...)...)
				require.Equal(t, c.code, r.code, r.stderr)
				c.checkFn(t, srv, r)
				for _, secret := range []string{testToken, "TokenSecretValue99", "ConsumerSecret77", "SessionKeyValue42", "AppSecretValue1234"} {
					assert.NotContains(t, r.all(), secret)
				}
			})
		}
	}
}

// renren1TestSig computes Renren 1.0's sig as PLATFORMS.md describes it.
func renren1TestSig(form url.Values, secret string) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "sig" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += k + "=" + form.Get(k)
	}
	sum := md5.Sum([]byte(s + secret))
	return hex.EncodeToString(sum[:])
}

func TestCommandLineWinsOverEnvironment(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	env := map[string]string{"SNSKIT_TOKEN": "env-token-value-000", "SNSKIT_API_VERSION": "5.100", "SNSKIT_BASE_URL": srv.URL}
	r := runCLI(t, env, "call", "-token", testToken, "-api-version", "5.131", "vk", "users.get")
	require.Equal(t, exitOK, r.code, r.stderr)
	got := srv.only(t)
	assert.Equal(t, testToken, got.Form.Get("access_token"))
	assert.Equal(t, "5.131", got.Form.Get("v"))
}

func TestBadEnvironmentValues(t *testing.T) {
	for _, kv := range [][2]string{{"SNSKIT_RAW", "yes"}, {"SNSKIT_TIMEOUT", "soon"}, {"SNSKIT_SANDBOX", "maybe"}} {
		r := runCLI(t, map[string]string{kv[0]: kv[1]}, "call", "-token", testToken, "vk", "users.get")
		assert.Equal(t, exitUsage, r.code, kv[0])
		assert.Contains(t, r.stderr, "environment variable "+kv[0]+`="`+kv[1]+`": want a`, kv[0])
	}
}

func TestCredentialConflictsAreUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-token-secret", "s3cr3t-value"}, "-token-secret needs -token"},
		{[]string{"-token", "tok-value-1", "-token-secret", "s3cr3t-value"}, "needs -app-id and -app-secret"},
		{[]string{"-token", "tok-value-1", "-token-secret", "s3cr3t-value", "-app-id", "a", "-app-secret", "b", "-session-key", "sk-value-1"}, "give one credential"},
		{[]string{"-token", "tok-value-1", "-token-secret", "s3cr3t-value", "-app-id", "a", "-app-secret", "b", "-openid", "o"}, "-openid goes with an OAuth 2.0 access token"},
		{[]string{"-token", "tok-value-1", "-session-key", "sk-value-1"}, "give one credential"},
		{[]string{"-session-key", "sk-value-1", "-openid", "o"}, "-openid goes with an OAuth 2.0 access token"},
		{[]string{"-openid", "o"}, "-openid needs -token"},
		{[]string{"-session-key", "sk-value-1"}, "cannot use the credential given (session key)"}, // VK takes tokens only
	}
	for _, tt := range tests {
		srv := newRecorder(t, fixed(200, vkUsersReply))
		args := append(append([]string{"call", "-base-url", srv.URL}, tt.args...), "vk", "users.get")
		r := runCLI(t, nil, args...)
		assert.Equal(t, exitUsage, r.code, "%v", tt.args)
		assert.Contains(t, r.stderr, tt.want, "%v", tt.args)
		assert.Empty(t, srv.seen(), "%v: nothing sent", tt.args)
		for _, secret := range []string{"tok-value-1", "s3cr3t-value", "sk-value-1"} {
			assert.NotContains(t, r.all(), secret)
		}
	}
}

func TestCredentialKinds(t *testing.T) {
	c, err := (&callFlags{token: "t", openID: "o"}).credential()
	require.NoError(t, err)
	o2, ok := c.(*auth.OAuth2)
	require.True(t, ok, "%T", c)
	assert.Equal(t, "o", o2.OpenID(nil))

	c, err = (&callFlags{token: "t", tokenSecret: "ts", appID: "ck", appSecret: "cs"}).credential()
	require.NoError(t, err)
	assert.Equal(t, auth.OAuth1Token("ck", "cs", "t", "ts"), c)

	c, err = (&callFlags{sessionKey: "sk"}).credential()
	require.NoError(t, err)
	assert.Equal(t, auth.Session("sk"), c)

	c, err = (&callFlags{}).credential()
	require.NoError(t, err)
	assert.Nil(t, c)
}
