package platforms_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func vkDraft(method string, values url.Values, cred auth.Credential) *driver.Draft {
	d := driver.NewDraft(nil) // Budget and the Retrier read the draft only
	d.Platform, d.Method, d.Segments, d.Values, d.Auth = "vk", method, strings.Split(method, "."), values, cred
	return d
}

func TestVKBudgetFollowsTheToken(t *testing.T) {
	tok := url.Values{"access_token": {vkToken}}
	community := platforms.VKCommunity(map[int64]string{1: vkToken}, 1)
	cases := []struct {
		name     string
		platform snskit.Platform
		cred     auth.Credential
		rate     int
	}{
		{"user token", platforms.VK(), auth.Token(vkToken), 3},
		{"community credential", platforms.VK(), community, 20},
		{"community tokens said so", platforms.VK(platforms.VKCommunityTokens()), auth.Token(vkToken), 20},
		{"service token, lowest tier", platforms.VK(platforms.VKServiceTier(1)), auth.Token(vkToken), 5},
		{"service token, tier 3", platforms.VK(platforms.VKServiceTier(3)), auth.Token(vkToken), 40},
		{"service token, tier 5", platforms.VK(platforms.VKServiceTier(5)), auth.Token(vkToken), 60},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, ok := c.platform.(driver.Budgeter)
			require.True(t, ok)
			key, limit, ok := b.Budget(vkDraft("users.get", tok, c.cred))
			require.True(t, ok)
			assert.Equal(t, c.rate, limit.Rate)
			assert.Equal(t, 1, limit.Burst, "VK counts any second: no bursts")
			assert.GreaterOrEqual(t, limit.Period, time.Second)
			assert.LessOrEqual(t, limit.Period, 1200*time.Millisecond, "a small margin, not a different limit")
			assert.Equal(t, driver.BudgetKey("vk", vkToken), key)
			assert.NotContains(t, key, vkToken[8:])
		})
	}
	b := platforms.VK().(driver.Budgeter)
	k1, _, _ := b.Budget(vkDraft("users.get", url.Values{"access_token": {"vk1.a.first-000000000000"}}, nil))
	k2, _, _ := b.Budget(vkDraft("users.get", url.Values{"access_token": {"vk1.a.second-00000000000"}}, nil))
	assert.NotEqual(t, k1, k2, "two tokens, two budgets")
}

func TestVKServiceTierOutOfRangeFailsBeforeSending(t *testing.T) {
	s := newServer(t, fixed(`{"response":[]}`))
	for _, tier := range []int{0, 6, -1} {
		api := newAPI(t, platforms.VK(platforms.VKServiceTier(tier)), s, "/vk", snskit.WithAuth(auth.Token(vkToken)))
		_, err := api.Method("users.get").Do(nil)
		assert.ErrorContains(t, err, "platforms.VKServiceTier(")
		assert.ErrorContains(t, err, "want a tier from 1")
	}
	assert.Empty(t, s.requests())
}

func TestVKIdempotentMethods(t *testing.T) {
	r, ok := platforms.VK().(driver.Retrier)
	require.True(t, ok)
	cases := map[string]struct {
		values url.Values
		want   bool
	}{
		"users.get":                {nil, true},
		"friends.get":              {nil, true},
		"photos.getUploadServer":   {nil, true},
		"users.search":             {nil, true},
		"groups.isMember":          {nil, true},
		"friends.areFriends":       {nil, true},
		"utils.resolveScreenName":  {nil, true},
		"utils.checkLink":          {nil, true},
		"video.liveGetCategories":  {nil, true},
		"wall.post":                {nil, false},
		"wall.post guid":           {url.Values{"guid": {"p-1"}}, true},
		"wall.createComment guid":  {url.Values{"guid": {"c-1"}}, true},
		"messages.send":            {nil, false},
		"messages.send random_id":  {url.Values{"random_id": {"77"}}, true},
		"messages.send random_id0": {url.Values{"random_id": {"0"}}, false},
		"friends.add":              {nil, false},
		"account.setOnline":        {nil, false},
		"users.report":             {nil, false},
		"execute":                  {nil, false},
		"groups.getter":            {nil, false}, // get followed by a lower-case letter is another word
		"secure.isolate":           {nil, false},
	}
	for name, c := range cases {
		method, _, _ := strings.Cut(name, " ")
		assert.Equal(t, c.want, r.Idempotent(vkDraft(method, c.values, nil)), name)
	}
	e6 := &snskit.Error{Code: "6"}
	assert.True(t, r.Transient(vkDraft("wall.post", nil, nil), e6), "error 6: VK did nothing, any call may be resent")
	assert.True(t, r.Transient(vkDraft("users.get", nil, nil), &snskit.Error{Code: "10"}))
	assert.False(t, r.Transient(vkDraft("wall.post", nil, nil), &snskit.Error{Code: "10"}), "an internal error may come after the post")
	for _, code := range []string{"9", "29", "5", "14"} {
		assert.False(t, r.Transient(vkDraft("users.get", nil, nil), &snskit.Error{Code: code}), code)
	}
}
