package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkBatchCall is one call of a batch.
type vkBatchCall struct {
	method string
	params map[string]string
}

// vkBatch writes code the way a batching client does:
// return [API.ns.method({"param":"value",...}),API...]; with every key and
// value a JSON string, keys sorted.
func vkBatch(t *testing.T, calls ...vkBatchCall) string {
	t.Helper()
	parts := make([]string, 0, len(calls))
	for _, c := range calls {
		keys := make([]string, 0, len(c.params))
		for k := range c.params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]string, 0, len(keys))
		for _, k := range keys {
			kb, err := json.Marshal(k)
			require.NoError(t, err)
			vb, err := json.Marshal(c.params[k])
			require.NoError(t, err)
			kv = append(kv, string(kb)+":"+string(vb))
		}
		parts = append(parts, "API."+c.method+"({"+strings.Join(kv, ",")+"})")
	}
	return "return [" + strings.Join(parts, ",") + "];"
}

// vkWallTexts returns the texts of user 1's wall, newest first.
func vkWallTexts(t *testing.T, call func(string, string, url.Values) map[string]any, tok string) []string {
	t.Helper()
	m := call(tok, "wall.get", url.Values{"owner_id": {"1"}, "count": {"100"}})
	require.Zero(t, vkErrCode(m), m)
	var out []string
	for _, it := range m["response"].(map[string]any)["items"].([]any) {
		out = append(out, it.(map[string]any)["text"].(string))
	}
	return out
}

func TestVKExecuteTakesTheBatchersCodeLiterally(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	before := vkWallTexts(t, call, tok)

	tricky := "quote \" backslash \\ slash / tab \t newline \n é 😀 <&> \u2028"
	injection := `"]);return API.wall.post({"message":"x"});//`
	code := vkBatch(t,
		vkBatchCall{"wall.post", map[string]string{"message": tricky}},
		vkBatchCall{"wall.post", map[string]string{"message": injection}},
		vkBatchCall{"users.get", map[string]string{"user_ids": "2,3", "fields": "screen_name"}},
	)
	// escapes json.Marshal does not write: \/ and a surrogate pair
	code = strings.Replace(code, `slash /`, `slash \/`, 1)
	code = strings.Replace(code, "😀", `\ud83d\ude00`, 1)
	require.Contains(t, code, `\ud83d\ude00`)
	m := call(tok, "execute", url.Values{"code": {code}})
	require.Zero(t, vkErrCode(m), m)
	resp := m["response"].([]any)
	require.Len(t, resp, 3)
	assert.NotContains(t, m, "execute_errors")
	assert.Equal(t, "testova", resp[2].([]any)[0].(map[string]any)["screen_name"])

	after := vkWallTexts(t, call, tok)
	require.Len(t, after, len(before)+2, "exactly the two posts, nothing injected")
	assert.Equal(t, injection, after[0], "the value reached wall.post as that literal string")
	assert.Equal(t, tricky, after[1])
	assert.NotContains(t, after, "x")
}

func TestVKExecuteRefusesEverythingElse(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	for _, bad := range []string{
		`return [API.users.get({"user_ids":"1"})];API.wall.post({"message":"x"});`,
		`return [API.users.get({"user_ids":"1"})]; // comment`,
		`return [API.users.get({"user_ids":"1"}) + 1];`,
		`return [API.users.get({"user_ids":"1`,
		"return [API.users.get({\"user_ids\":\"1\n\"})];",
		`return [API.users.get({"user_ids":"\x"})];`,
		`return [API.users.get({"user_ids":"\u12"})];`,
		`return [users.get({"user_ids":"1"})];`,
		`return [API.users.get({"user_ids":"1"}),];`,
		`var a = API.users.get({"user_ids":"1"}); return [a];`,
		`return [API.users.get({"user_ids":"1"})];;`,
	} {
		m := call(tok, "execute", url.Values{"code": {bad}})
		assert.Equal(t, 12, vkErrCode(m), bad)
		assert.Equal(t, "Unable to compile code", vkErrMsg(m), bad)
	}
}

func TestVKExecuteCallLimit(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	calls := make([]vkBatchCall, sandbox.VKExecMaxCalls+1)
	for i := range calls {
		calls[i] = vkBatchCall{"users.get", map[string]string{"user_ids": fmt.Sprint(1 + i%5)}}
	}
	m := call(tok, "execute", url.Values{"code": {vkBatch(t, calls[:sandbox.VKExecMaxCalls]...)}})
	require.Zero(t, vkErrCode(m), m)
	assert.Len(t, m["response"], sandbox.VKExecMaxCalls)
	m = call(tok, "execute", url.Values{"code": {vkBatch(t, calls...)}})
	assert.Equal(t, 13, vkErrCode(m))
	assert.Contains(t, vkErrMsg(m), "Too many API calls")
}

func TestVKExecuteIsOneRequestOfTheBudget(t *testing.T) {
	s, _ := vkStart(t) // the clock stands still: every call is in the same second
	user := s.Token(sandbox.VK).AccessToken
	comm, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	calls := make([]vkBatchCall, sandbox.VKExecMaxCalls)
	for i := range calls {
		calls[i] = vkBatchCall{"users.get", map[string]string{"user_ids": "1"}}
	}
	code := url.Values{"code": {vkBatch(t, calls...)}}
	for _, tc := range []struct {
		tok   string
		limit int
	}{{user, 3}, {comm.AccessToken, 20}} {
		for i := 0; i < tc.limit; i++ {
			m := vkAPI(t, s, tc.tok, "execute", code)
			require.Zero(t, vkErrCode(m), "execute %d of %d: %v", i+1, tc.limit, m)
		}
		assert.Equal(t, 6, vkErrCode(vkAPI(t, s, tc.tok, "execute", code)), "the %d+1th request of the second", tc.limit)
	}
}

func TestVKExecuteErrorsInCallOrder(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"friends"}})
	require.NoError(t, err)
	code := vkBatch(t,
		vkBatchCall{"users.get", map[string]string{"user_ids": "999"}},
		vkBatchCall{"users.get", map[string]string{"user_ids": "1"}},
		vkBatchCall{"wall.post", map[string]string{"message": "no right"}},
		vkBatchCall{"no.such", nil},
		vkBatchCall{"friends.get", map[string]string{"count": "x"}},
	)
	m := call(tok.AccessToken, "execute", url.Values{"code": {code}})
	require.Zero(t, vkErrCode(m), m)
	resp := m["response"].([]any)
	assert.Equal(t, []any{false, false, false, false}, []any{resp[0], resp[2], resp[3], resp[4]})
	assert.NotEqual(t, false, resp[1])
	var got []string
	for _, e := range m["execute_errors"].([]any) {
		e := e.(map[string]any)
		got = append(got, fmt.Sprintf("%s %v", e["method"], e["error_code"]))
		assert.NotEmpty(t, e["error_msg"])
	}
	assert.Equal(t, []string{"users.get 113", "wall.post 15", "no.such 3", "friends.get 100"}, got)
}

func TestVKExecuteCaptchaInside(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaLegacy, "wall.post")
	post := map[string]string{"message": "after a captcha"}
	m := call(tok, "execute", url.Values{"code": {vkBatch(t,
		vkBatchCall{"users.get", map[string]string{"user_ids": "1"}}, vkBatchCall{"wall.post", post})}})
	require.Zero(t, vkErrCode(m), "the execute itself is not challenged: %v", m)
	assert.Equal(t, false, m["response"].([]any)[1])
	errs := m["execute_errors"].([]any)
	require.Len(t, errs, 1)
	e := errs[0].(map[string]any)
	assert.Equal(t, "wall.post", e["method"])
	assert.EqualValues(t, 14, e["error_code"])
	assert.Equal(t, "Captcha needed", e["error_msg"])
	sid, _ := e["captcha_sid"].(string)
	require.NotEmpty(t, sid, e)
	assert.Contains(t, e["captcha_img"], "captcha.php?sid="+sid)

	post["captcha_sid"], post["captcha_key"] = sid, sandbox.VKCaptchaAnswer
	m = call(tok, "execute", url.Values{"code": {vkBatch(t, vkBatchCall{"wall.post", post})}})
	require.Zero(t, vkErrCode(m), m)
	assert.NotContains(t, m, "execute_errors")
	assert.NotNil(t, m["response"].([]any)[0].(map[string]any)["post_id"])
}

func TestVKExecuteResponseSizeLimit(t *testing.T) {
	clk := sandbox.NewClock(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := sandbox.New(sandbox.WithClock(clk.Now), sandbox.WithVKExecuteLimit(600))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	one := vkBatchCall{"users.get", map[string]string{"user_ids": "1"}}
	m := call(tok, "execute", url.Values{"code": {vkBatch(t, one)}})
	require.Zero(t, vkErrCode(m), m)
	many := make([]vkBatchCall, 20)
	for i := range many {
		many[i] = one
	}
	m = call(tok, "execute", url.Values{"code": {vkBatch(t, many...)}})
	assert.Equal(t, 13, vkErrCode(m))
	assert.Equal(t, "Runtime error occurred during code invocation: response size is too big", vkErrMsg(m))

	_, err = sandbox.New(sandbox.WithVKExecuteLimit(0))
	assert.ErrorContains(t, err, "WithVKExecuteLimit")
}
