package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMethodsAndMethodHelp(t *testing.T) {
	r := runCLI(t, nil, "methods", "vk", "users.")
	require.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "methods/vk-users", r.stdout)
	assert.Contains(t, r.stdout, "users.get ")

	r = runCLI(t, nil, "help", "vk", "users.get")
	require.Equal(t, exitOK, r.code, r.stderr)
	golden(t, "methods/vk-users.get", r.stdout)
	for _, want := range []string{"Tokens: user, group, service", "user_ids", "fields", "Example:\n  snskit call vk users.get"} {
		assert.Contains(t, r.stdout, want)
	}
	r = runCLI(t, nil, "help", "vk", "friends.get")
	assert.Contains(t, r.stdout, "Pages:  offset")

	for _, p := range []string{"renren", "renren1", "weixin", "qq", "kaixin"} {
		r := runCLI(t, nil, "methods", p)
		assert.Equal(t, exitOK, r.code, "%s: %s", p, r.stderr)
		assert.Greater(t, strings.Count(r.stdout, "\n"), 3, p)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"help", "vk", "users.gte"}, exitPlatform, `did you mean users.get?`},
		{[]string{"methods", "vk", "userz."}, exitPlatform, `no vk method starts with "userz."`},
		{[]string{"methods", "vkk"}, exitUsage, `unknown platform "vkk"; did you mean vk?`},
		{[]string{"methods"}, exitUsage, "methods needs a PLATFORM"},
	} {
		r := runCLI(t, nil, tt.args...)
		assert.Equal(t, tt.code, r.code, "%v", tt.args)
		assert.Contains(t, r.stderr, tt.want, "%v", tt.args)
	}
}

func TestCatalogWarningsAndStrict(t *testing.T) {
	srv := newRecorder(t, fixed(200, vkUsersReply))
	call := func(args ...string) result {
		return runCLI(t, nil, append([]string{"call", "-base-url", srv.URL, "-token", testToken}, args...)...)
	}
	r := call("vk", "users.get", "user_id=1")
	assert.Equal(t, exitOK, r.code, "a warning never blocks a call")
	assert.Contains(t, r.stderr, `snskit: warning: vk users.get: unknown parameter "user_id"; did you mean user_ids?`)
	assert.Len(t, srv.seen(), 1)

	r = call("vk", "users.gte", "user_ids=1")
	assert.Contains(t, r.stderr, `unknown method "users.gte"`)
	assert.Contains(t, r.stderr, "did you mean users.get?")

	r = call("-strict", "vk", "friends.get", "count=many")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `parameter "count" wants integer`)
	assert.Contains(t, r.stderr, "-strict refused the call and nothing was sent")
	assert.Len(t, srv.seen(), 2, "nothing sent under -strict")

	r = call("vk", "users.get", "user_ids=1", "fields=city")
	assert.Equal(t, exitOK, r.code)
	assert.NotContains(t, r.stderr, "warning", "a call the catalog knows is quiet")
}

func TestCompletionFromTheCatalog(t *testing.T) {
	assert.Equal(t, []string{"users.get", "users.getFollowers", "users.getSubscriptions"}, completions([]string{"call", "vk", "users.g"}))
	assert.Contains(t, completions([]string{"call", "vk", "users.get", ""}), "user_ids=")
	assert.Equal(t, []string{"fields="}, completions([]string{"call", "-sandbox", "vk", "users.get", "user_ids=1", "fi"}))
	assert.Contains(t, completions([]string{"help", "vk", "friends."}), "friends.get")
}
