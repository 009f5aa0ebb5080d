package sandbox_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkErrField returns a field of a reply's error object.
func vkErrField(m map[string]any, key string) any {
	e, _ := m["error"].(map[string]any)
	return e[key]
}

// vkStlid returns remixstlid of an error 14 as the decimal text it is.
func vkStlid(t *testing.T, m map[string]any) string {
	t.Helper()
	n, ok := vkErrField(m, "remixstlid").(float64)
	require.True(t, ok, "remixstlid is a number: %v", m)
	return strconv.FormatFloat(n, 'f', -1, 64)
}

func TestVKCaptchaNotRobot(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot)

	m := call(tok, "users.get", url.Values{"user_ids": {"2"}})
	require.Equal(t, 14, vkErrCode(m), m)
	assert.Equal(t, "Captcha needed", vkErrMsg(m))
	redirect, _ := vkErrField(m, "redirect_uri").(string)
	assert.True(t, strings.HasPrefix(redirect, s.URL(sandbox.VK)+"/not_robot_captcha?domain=vk.com&session_token="), redirect)
	assert.Contains(t, redirect, "&variant=popup&blank=1")
	assert.EqualValues(t, 1, vkErrField(m, "captcha_attempt"))
	assert.EqualValues(t, 2.6, vkErrField(m, "captcha_ratio"))
	assert.Equal(t, true, vkErrField(m, "is_sound_captcha_available"))
	assert.InDelta(t, float64(clk.Now().UnixMilli())/1000, vkErrField(m, "captcha_ts"), 0.001)
	assert.Contains(t, vkErrField(m, "captcha_track"), "/sound_captcha.php?captcha_sid=")
	assert.Nil(t, vkErrField(m, "captcha_sid"), "this style has no captcha_sid")
	assert.Nil(t, vkErrField(m, "captcha_img"))
	stlid := vkStlid(t, m)

	success, err := s.VKSolveCaptcha(t.Context(), redirect)
	require.NoError(t, err)
	require.NotEmpty(t, success)

	m = call(tok, "users.get", url.Values{"user_ids": {"2"}, "success_token": {"sb.wrong"}, "remixstlid": {stlid}})
	require.Equal(t, 14, vkErrCode(m), "a wrong token")
	assert.EqualValues(t, 2, vkErrField(m, "captcha_attempt"))
	m = call(tok, "users.get", url.Values{"user_ids": {"2"}, "success_token": {success}})
	require.Equal(t, 14, vkErrCode(m), "a token without its remixstlid")

	m = call(tok, "users.get", url.Values{"user_ids": {"2"}, "success_token": {success}, "remixstlid": {stlid}})
	require.Zero(t, vkErrCode(m), m)
	assert.Equal(t, "Maria", m["response"].([]any)[0].(map[string]any)["first_name"])

	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot)
	m = call(tok, "users.get", url.Values{"success_token": {success}, "remixstlid": {stlid}})
	require.Equal(t, 14, vkErrCode(m), "a token is single use")
	assert.EqualValues(t, 2, vkErrField(m, "captcha_attempt"), "the attempt counts on from the session of the remixstlid")
	s.VKRequireCaptchaStyle(0, sandbox.VKCaptchaNotRobot)
	assert.Zero(t, vkErrCode(call(tok, "users.get", nil)))
}

func TestVKCaptchaNotRobotWithSIDAndCookie(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.VK).AccessToken
	s.VKRequireCaptchaStyle(5, sandbox.VKCaptchaNotRobotWithSID, "wall.post")
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}
	post := func(extra url.Values) map[string]any {
		t.Helper()
		clk.Advance(400 * time.Millisecond)
		form := url.Values{"access_token": {tok}, "v": {"5.199"}, "message": {"hi"}}
		for k, v := range extra {
			form[k] = v
		}
		resp, err := browser.PostForm(s.URL(sandbox.VK)+"/method/wall.post", form)
		require.NoError(t, err)
		return vkDecode(t, resp)
	}
	assert.Zero(t, vkErrCode(vkAPI(t, s, tok, "users.get", nil)), "only the named methods are challenged")

	m := post(nil)
	require.Equal(t, 14, vkErrCode(m), m)
	sid, _ := vkErrField(m, "captcha_sid").(string)
	require.NotEmpty(t, sid)
	assert.Contains(t, vkErrField(m, "captcha_img"), sid)
	redirect := vkErrField(m, "redirect_uri").(string)

	// The page a person sees: a form; without the tick it is shown again.
	resp, err := http.Get(redirect)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), `name="not_robot"`)
	session := strings.SplitN(strings.SplitN(redirect, "session_token=", 2)[1], "&", 2)[0]
	resp, err = http.PostForm(s.URL(sandbox.VK)+"/not_robot_captcha", url.Values{"session_token": {session}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, err = http.PostForm(s.URL(sandbox.VK)+"/not_robot_captcha", url.Values{"session_token": {session}, "not_robot": {"1"}})
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	success := strings.SplitN(strings.SplitN(string(page), `<output id="success_token">`, 2)[1], "<", 2)[0]
	again, err := s.VKSolveCaptcha(t.Context(), redirect)
	require.NoError(t, err)
	assert.Equal(t, success, again, "a passed page gives its token again")

	m = post(url.Values{"success_token": {success}})
	require.Equal(t, 14, vkErrCode(m), "captcha_sid was given, so it must come back")
	assert.EqualValues(t, 2, vkErrField(m, "captcha_attempt"), "the remixstlid cookie names the session")
	redirect = vkErrField(m, "redirect_uri").(string)
	sid = vkErrField(m, "captcha_sid").(string)
	success, err = s.VKSolveCaptcha(t.Context(), redirect)
	require.NoError(t, err)
	m = post(url.Values{"success_token": {success}, "captcha_sid": {sid}})
	require.Zero(t, vkErrCode(m), "the cookie carries remixstlid: %v", m)
	assert.NotNil(t, m["response"].(map[string]any)["post_id"])

	resp, err = http.Get(vkErrField(post(nil), "captcha_track").(string))
	require.NoError(t, err)
	audio, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "audio/wav", resp.Header.Get("Content-Type"))
	assert.Equal(t, "RIFF", string(audio[:4]))

	_, err = s.VKSolveCaptcha(t.Context(), "https://id.vk.ru/not_robot_captcha?session_token=x")
	assert.ErrorContains(t, err, "not on this sandbox")
}

func TestVKCaptchaLegacyStillWorks(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot)
	s.VKRequireCaptcha(1)
	m := call(tok, "users.get", nil)
	require.Equal(t, 14, vkErrCode(m))
	assert.Nil(t, vkErrField(m, "redirect_uri"), "VKRequireCaptcha asks for the old style")
	sid := vkErrField(m, "captcha_sid").(string)
	m = call(tok, "users.get", url.Values{"captcha_sid": {sid}, "captcha_key": {sandbox.VKCaptchaAnswer}})
	assert.Zero(t, vkErrCode(m), m)
}

func TestVKValidation(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	other, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "2"})
	require.NoError(t, err)
	require.NoError(t, s.VKRequireValidation(""))
	assert.Error(t, s.VKRequireValidation("999"))

	m := call(tok, "users.get", nil)
	require.Equal(t, 17, vkErrCode(m), m)
	assert.Equal(t, "Validation required: please open redirect_uri in browser", vkErrMsg(m))
	redirect := vkErrField(m, "redirect_uri").(string)
	assert.True(t, strings.HasPrefix(redirect, s.URL(sandbox.VK)+"/validate?act=validate&api_hash="), redirect)
	assert.Zero(t, vkErrCode(call(other.AccessToken, "users.get", nil)), "only the named user must validate")

	u, err := url.Parse(redirect)
	require.NoError(t, err)
	resp, err := http.PostForm(s.URL(sandbox.VK)+"/validate", url.Values{"api_hash": {u.Query().Get("api_hash")}, "code": {"000000"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a wrong code")
	require.Equal(t, 17, vkErrCode(call(tok, "users.get", nil)))

	back, err := s.VKPassValidation(t.Context(), redirect)
	require.NoError(t, err)
	assert.Equal(t, "success=1&user_id=1", back.Fragment)
	assert.Zero(t, vkErrCode(call(tok, "users.get", nil)))
	_, err = s.VKPassValidation(t.Context(), redirect)
	assert.Error(t, err, "a passed validation page is gone")
}

func TestVKCaptchaInsideExecute(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	code := `return [API.users.get({"user_ids": 2}), API.wall.post({"message": "batched"})];`

	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaNotRobot, "wall.post")
	m := call(tok, "execute", url.Values{"code": {code}})
	require.Zero(t, vkErrCode(m), "the execute itself succeeds: %v", m)
	res := m["response"].([]any)
	assert.Equal(t, false, res[1], "the challenged call's slot is false")
	errs := m["execute_errors"].([]any)
	require.Len(t, errs, 1)
	e := errs[0].(map[string]any)
	assert.Equal(t, "wall.post", e["method"])
	assert.EqualValues(t, 14, e["error_code"])
	assert.EqualValues(t, 1, e["captcha_attempt"])
	redirect := e["redirect_uri"].(string)
	stlid := strconv.FormatFloat(e["remixstlid"].(float64), 'f', -1, 64)
	success, err := s.VKSolveCaptcha(t.Context(), redirect)
	require.NoError(t, err)

	m = call(tok, "execute", url.Values{"code": {code}, "success_token": {success}, "remixstlid": {stlid}})
	require.Zero(t, vkErrCode(m), m)
	assert.Nil(t, m["execute_errors"])
	assert.Contains(t, m["response"].([]any)[1], "post_id")

	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaLegacy, "wall.post")
	m = call(tok, "execute", url.Values{"code": {code}})
	e = m["execute_errors"].([]any)[0].(map[string]any)
	sid := e["captcha_sid"].(string)
	assert.Contains(t, e["captcha_img"], sid)
	m = call(tok, "execute", url.Values{"code": {code}, "captcha_sid": {sid}, "captcha_key": {sandbox.VKCaptchaAnswer}})
	assert.Nil(t, m["execute_errors"], m)
}
