package sandbox_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkPage fetches one offset page and returns the total and the items.
func vkPage(t *testing.T, call func(string, string, url.Values) map[string]any, tok, method string, params url.Values) (int, []any) {
	t.Helper()
	m := call(tok, method, params)
	require.Zero(t, vkErrCode(m), m)
	r := m["response"].(map[string]any)
	return int(r["count"].(float64)), r["items"].([]any)
}

// vkWalk walks an offset list with count per page and returns every item
// and the number of pages.
func vkWalk(t *testing.T, call func(string, string, url.Values) map[string]any, tok, method string, params url.Values, count int) ([]any, int) {
	t.Helper()
	var all []any
	pages := 0
	for offset := 0; ; offset += count {
		p := url.Values{"offset": {fmt.Sprint(offset)}, "count": {fmt.Sprint(count)}}
		for k, v := range params {
			p[k] = v
		}
		total, items := vkPage(t, call, tok, method, p)
		pages++
		all = append(all, items...)
		if len(items) < count || offset+count >= total {
			return all, pages
		}
	}
}

func vkDistinct(items []any) int {
	seen := map[string]bool{}
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			it = m["id"]
		}
		seen[fmt.Sprint(it)] = true
	}
	return len(seen)
}

func TestVKOffsetListsWalkSeveralPages(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	popular := fmt.Sprint(sandbox.VKPopularUserID)
	for _, tc := range []struct {
		method      string
		params      url.Values
		count, want int
		pages       int
	}{
		{"groups.getMembers", url.Values{"group_id": {fmt.Sprint(sandbox.VKBigGroupID)}}, 1000, sandbox.VKBigGroupMembers, 25},
		{"friends.get", url.Values{"user_id": {popular}}, 5000, sandbox.VKPopularFriends, 3},
		{"users.getFollowers", url.Values{"user_id": {popular}}, 1000, sandbox.VKPopularFollowers, 3},
		{"wall.get", url.Values{"owner_id": {popular}}, 100, sandbox.VKPopularPosts, 3},
		{"photos.get", url.Values{"owner_id": {popular}, "album_id": {fmt.Sprint(sandbox.VKPopularAlbumID)}}, 1000, sandbox.VKPopularPhotos, 3},
	} {
		t.Run(tc.method, func(t *testing.T) {
			all, pages := vkWalk(t, call, tok, tc.method, tc.params, tc.count)
			assert.Len(t, all, tc.want)
			assert.Equal(t, tc.want, vkDistinct(all), "no item repeated")
			assert.Equal(t, tc.pages, pages)
		})
	}
}

func TestVKListMaxima(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	popular := fmt.Sprint(sandbox.VKPopularUserID)
	// the schema's maximum: error 100
	for _, tc := range []struct {
		method string
		params url.Values
	}{
		{"groups.getMembers", url.Values{"group_id": {fmt.Sprint(sandbox.VKBigGroupID)}, "count": {"1001"}}},
		{"users.getFollowers", url.Values{"user_id": {popular}, "count": {"1001"}}},
		{"photos.get", url.Values{"owner_id": {popular}, "album_id": {fmt.Sprint(sandbox.VKPopularAlbumID)}, "count": {"1001"}}},
	} {
		m := call(tok, tc.method, tc.params)
		assert.Equal(t, 100, vkErrCode(m), tc.method)
		assert.Contains(t, vkErrMsg(m), "count should be less or equal to 1000", tc.method)
	}
	// a maximum only documented: clamped
	_, items := vkPage(t, call, tok, "friends.get", url.Values{"user_id": {popular}, "count": {"6000"}})
	assert.Len(t, items, 5000)
	_, items = vkPage(t, call, tok, "wall.get", url.Values{"owner_id": {popular}, "count": {"150"}})
	assert.Len(t, items, 100)
	// defaults
	_, items = vkPage(t, call, tok, "groups.getMembers", url.Values{"group_id": {"sandboxcrowd"}})
	assert.Len(t, items, 1000)
	_, items = vkPage(t, call, tok, "users.getFollowers", url.Values{"user_id": {popular}})
	assert.Len(t, items, 100)
	_, items = vkPage(t, call, tok, "photos.get", url.Values{"owner_id": {popular}, "album_id": {fmt.Sprint(sandbox.VKPopularAlbumID)}})
	assert.Len(t, items, 50)
	assert.Equal(t, 100, vkErrCode(call(tok, "photos.get", url.Values{"owner_id": {popular}})), "album_id is needed")
}

func TestVKGroupMembersShapes(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	big := fmt.Sprint(sandbox.VKBigGroupID)
	total, items := vkPage(t, call, tok, "groups.getMembers", url.Values{"group_id": {big}, "count": {"2"}, "sort": {"id_desc"}})
	assert.Equal(t, sandbox.VKBigGroupMembers, total)
	assert.EqualValues(t, sandbox.VKCrowdBase+sandbox.VKBigGroupMembers-1, items[0])
	_, items = vkPage(t, call, tok, "groups.getMembers", url.Values{"group_id": {big}, "count": {"1"}, "fields": {"screen_name"}})
	u := items[0].(map[string]any)
	assert.EqualValues(t, sandbox.VKCrowdBase, u["id"])
	assert.Equal(t, "Crowd", u["first_name"])
	m := call(tok, "users.get", url.Values{"user_ids": {fmt.Sprint(sandbox.VKCrowdBase + 7)}})
	require.Zero(t, vkErrCode(m), "crowd users are real records: %v", m)
	assert.Equal(t, "Member7", m["response"].([]any)[0].(map[string]any)["last_name"])
	comm, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	total, _ = vkPage(t, call, comm.AccessToken, "groups.getMembers", nil)
	assert.Equal(t, 4, total, "a community token lists its own community")
	assert.Equal(t, 125, vkErrCode(call(tok, "groups.getMembers", url.Values{"group_id": {"999999"}})))
}

func TestVKMembersDriftDuringAWalk(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	params := func(offset int) url.Values {
		return url.Values{"group_id": {fmt.Sprint(sandbox.VKBigGroupID)}, "offset": {fmt.Sprint(offset)}, "count": {"1000"}}
	}
	_, first := vkPage(t, call, tok, "groups.getMembers", params(0))
	_, second := vkPage(t, call, tok, "groups.getMembers", params(1000))

	// ten members of the first page leave, three people join
	var leaving []int64
	for _, id := range first[:10] {
		leaving = append(leaving, int64(id.(float64)))
	}
	assert.Equal(t, 10, s.VKRemoveMembers(sandbox.VKBigGroupID, leaving...))
	assert.Equal(t, 0, s.VKRemoveMembers(sandbox.VKBigGroupID, leaving...), "they are gone already")
	joined := s.VKAddMembers(sandbox.VKBigGroupID, 3)
	require.Len(t, joined, 3)

	total, again := vkPage(t, call, tok, "groups.getMembers", params(1000))
	assert.Equal(t, sandbox.VKBigGroupMembers-10+3, total, "count drifts")
	assert.Equal(t, second[10], again[0], "a naive offset walk skips ten members now")
	_, last := vkPage(t, call, tok, "groups.getMembers", params(total-3))
	assert.Equal(t, []any{float64(joined[0]), float64(joined[1]), float64(joined[2])}, last, "joiners come last")
	assert.Equal(t, 1, s.VKRemoveMembers(sandbox.VKBigGroupID, joined[1]))
	total, _ = vkPage(t, call, tok, "groups.getMembers", params(0))
	assert.Equal(t, sandbox.VKBigGroupMembers-10+2, total)
	assert.Nil(t, s.VKAddMembers(999999, 1), "no such community")
}

func TestVKNewsfeedCursor(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	var all []any
	pages := 0
	params := url.Values{}
	for {
		m := call(tok, "newsfeed.get", params)
		require.Zero(t, vkErrCode(m), m)
		r := m["response"].(map[string]any)
		pages++
		all = append(all, r["items"].([]any)...)
		assert.NotEmpty(t, r["profiles"])
		next, ok := r["next_from"].(string)
		if !ok {
			break
		}
		require.NotEmpty(t, next)
		params = url.Values{"start_from": {next}}
	}
	assert.Equal(t, 5, pages, "count defaults to 50")
	assert.Len(t, all, sandbox.VKFeedSize)
	seen := map[float64]bool{}
	for _, it := range all {
		seen[it.(map[string]any)["post_id"].(float64)] = true
	}
	assert.Len(t, seen, sandbox.VKFeedSize)

	m := call(tok, "newsfeed.get", url.Values{"count": {"150"}})
	assert.Len(t, m["response"].(map[string]any)["items"], 100, "count is clamped to 100")
	assert.Equal(t, 100, vkErrCode(call(tok, "newsfeed.get", url.Values{"start_from": {"50/forged"}})))
}
