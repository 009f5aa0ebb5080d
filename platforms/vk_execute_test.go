package platforms_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func vkMerger(t *testing.T) driver.Merger {
	t.Helper()
	m, ok := platforms.VK().(driver.Merger)
	require.True(t, ok, "VK merges calls with execute")
	return m
}

func TestVKExecuteScriptFormat(t *testing.T) {
	code, err := platforms.VKExecuteScript([]driver.MergedCall{
		{Method: "users.get", Values: url.Values{"user_ids": {"1,2"}, "fields": {"sex"}}},
		{Method: "wall.get", Values: url.Values{}},
	})
	require.NoError(t, err)
	assert.Equal(t, `return [API.users.get({"fields":"sex","user_ids":"1,2"}),API.wall.get({})];`, code)
}

func TestVKExecuteScriptEscapesValues(t *testing.T) {
	hostile := []string{
		`"]);return API.wall.post({"message":"x"});//`,
		`\"); API.wall.post({message:1}); ("`,
		"line\nbreak\u2028sep</script>&<>",
		`'single' quotes and \ backslash`,
	}
	for _, v := range hostile {
		code, err := platforms.VKExecuteScript([]driver.MergedCall{{Method: "wall.post", Values: url.Values{"message": {v}, `k"ey`: {"1"}}}})
		require.NoError(t, err)
		// The value sits in one JSON string: decoding the argument gives it back whole.
		arg := code[len("return [API.wall.post(") : len(code)-len(")];")]
		var obj map[string]string
		require.NoError(t, json.Unmarshal([]byte(arg), &obj), code)
		assert.Equal(t, map[string]string{"message": v, `k"ey`: "1"}, obj)
	}
}

func TestVKMergeable(t *testing.T) {
	m := vkMerger(t)
	assert.Equal(t, 25, m.MergeLimit())
	ok := []driver.MergedCall{
		{Method: "users.get", Values: url.Values{"user_ids": {"1"}}},
		{Method: "messages.send", Values: url.Values{"random_id": {"7"}}},
	}
	for _, c := range ok {
		assert.NoError(t, m.Mergeable(c), c.Method)
	}
	refused := []driver.MergedCall{
		{Method: "execute"},
		{Method: "execute.myProcedure"},
		{Method: "photos.saveWallPhoto"},
		{Method: "docs.save"},
		{Method: "photos.save"},
		{Method: "users.get", Values: url.Values{"access_token": {"own"}}},
		{Method: "users.get", Values: url.Values{"captcha_sid": {"1"}, "captcha_key": {"x"}}},
		{Method: "users.get", Values: url.Values{"success_token": {"t"}}},
		{Method: "users.get", Values: url.Values{"a": {"1", "2"}}},
		{Method: "users.get-x"},
		{Method: "users"},
		{Method: "a.b.c"},
	}
	for _, c := range refused {
		assert.Error(t, m.Mergeable(c), c.Method)
	}
	_, err := platforms.VKExecuteScript(make([]driver.MergedCall, 26))
	assert.ErrorContains(t, err, "1 to 25 calls")
}

func vkSplit(t *testing.T, calls []driver.MergedCall, body string) ([]string, error) {
	t.Helper()
	return vkMerger(t).Split(calls, &snskit.Response{Platform: "vk", Method: "execute", StatusCode: 200, Body: body})
}

func TestVKSplitMapsFalseSlotsToErrorsInOrder(t *testing.T) {
	calls := []driver.MergedCall{{Method: "users.get"}, {Method: "friends.get"}, {Method: "wall.get"}, {Method: "groups.isMember"}, {Method: "wall.get"}}
	body := `{"response":[[{"id":1}],false,{"count":0,"items":[]},false,false],"execute_errors":[` +
		`{"method":"friends.get","error_code":15,"error_msg":"Access denied: user deactivated"},` +
		`{"method":"wall.get","error_code":18,"error_msg":"User was deleted or banned"},` +
		`{"method":"execute","error_code":15,"error_msg":"Access denied"}]}`
	parts, err := vkSplit(t, calls, body)
	require.NoError(t, err)
	require.Len(t, parts, 5)
	assert.Equal(t, `{"response":[{"id":1}]}`, parts[0])
	assert.Equal(t, `{"error":{"method":"friends.get","error_code":15,"error_msg":"Access denied: user deactivated"}}`, parts[1])
	assert.Equal(t, `{"response":{"count":0,"items":[]}}`, parts[2])
	assert.Equal(t, `{"response":false}`, parts[3], "groups.isMember has no error entry: its false is a value")
	assert.Equal(t, `{"error":{"method":"wall.get","error_code":18,"error_msg":"User was deleted or banned"}}`, parts[4],
		"the trailing execute entry is skipped")

	// Each part decodes as a direct call's reply would.
	for i, want := range []string{"", "15", "", "", "18"} {
		res, err := platforms.VK().Decode(&snskit.Response{Platform: "vk", Method: calls[i].Method, StatusCode: 200, Body: parts[i]})
		if want == "" {
			assert.NoError(t, err)
			assert.True(t, res.Exists())
			continue
		}
		var e *snskit.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, want, e.Code)
		assert.Equal(t, calls[i].Method, e.Method)
	}
}

func TestVKSplitWholeErrorAndTooBig(t *testing.T) {
	calls := []driver.MergedCall{{Method: "users.get"}, {Method: "wall.get"}}
	parts, err := vkSplit(t, calls, `{"error":{"error_code":5,"error_msg":"User authorization failed","request_params":[{"key":"code","value":"return [API.users.get({\"secret\":\"x\"})];"}]}}`)
	require.NoError(t, err)
	require.Len(t, parts, 2)
	assert.Equal(t, parts[0], parts[1])
	assert.NotContains(t, parts[0], "request_params", "the other calls' params are not handed around")
	assert.Contains(t, parts[0], `"error_code":5`)

	_, err = vkSplit(t, calls, `{"error":{"error_code":13,"error_msg":"Runtime error occurred during code invocation: response size is too big"}}`)
	assert.ErrorIs(t, err, driver.ErrMergeTooBig)
	_, err = vkSplit(t, calls, `{"response":[false,false],"execute_errors":[{"method":"execute","error_code":13,"error_msg":"Response size is too big"}]}`)
	assert.ErrorIs(t, err, driver.ErrMergeTooBig)
	_, err = vkSplit(t, calls, `{"error":{"error_code":13,"error_msg":"Runtime error occurred during code invocation: Too many API calls"}}`)
	assert.NoError(t, err, "another error 13 is the calls' error")
}

func TestVKSplitRefusesBrokenReplies(t *testing.T) {
	calls := []driver.MergedCall{{Method: "users.get"}, {Method: "wall.get"}}
	for _, body := range []string{
		`{"response":[1]}`,
		`{"response":{"a":1}}`,
		`{"response":[1,2,3]}`,
		`{"nothing":1}`,
		`{"error":"text"}`,
		`<html>busy</html>`,
		`{"response":[1,`,
	} {
		_, err := vkSplit(t, calls, body)
		var re *snskit.ReplyError
		assert.ErrorAs(t, err, &re, body)
	}
}
