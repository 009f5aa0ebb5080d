package sandbox_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// rrWalk walks a Renren 2.0 list page by page until a short page and
// returns every item and the number of pages.
func rrWalk(t *testing.T, s *sandbox.Server, tok, path, numberKey string, params url.Values, size int) ([]any, int) {
	t.Helper()
	var all []any
	for page := 1; ; page++ {
		q := url.Values{numberKey: {fmt.Sprint(page)}}
		if size > 0 {
			q.Set("pageSize", fmt.Sprint(size))
		}
		for k, v := range params {
			q[k] = v
		}
		status, m := rrDo(t, s, http.MethodGet, path, tok, q)
		require.Equal(t, http.StatusOK, status, m)
		items, ok := m["response"].([]any)
		require.True(t, ok, "a bare array, no total: %v", m)
		all = append(all, items...)
		if size == 0 || len(items) < size {
			return all, page
		}
	}
}

func TestRenrenListsWalkSeveralPages(t *testing.T) {
	s, _ := vkStart(t)
	c, err := s.IssueToken(sandbox.Renren, sandbox.TokenOptions{UserID: sandbox.RenrenPopularUserID})
	require.NoError(t, err)
	owner := url.Values{"ownerId": {sandbox.RenrenPopularUserID}}
	for _, tc := range []struct {
		path, numberKey string
		params          url.Values
		size, want      int
	}{
		{"/v2/user/friend/list", "pageNumber", url.Values{"userId": {sandbox.RenrenPopularUserID}}, 100, sandbox.RenrenPopularFriends},
		{"/v2/friend/list", "pageNumber", nil, 500, sandbox.RenrenPopularFriends},
		{"/v2/album/list", "pageNumber", owner, 20, sandbox.RenrenPopularAlbums},
		{"/v2/photo/list", "pageNumber", url.Values{"ownerId": owner["ownerId"], "albumId": {fmt.Sprint(sandbox.RenrenPopularAlbumID)}}, 100, sandbox.RenrenPopularPhotos},
		{"/v2/status/list", "pageNumber", owner, 100, sandbox.RenrenPopularStatuses},
		{"/v2/blog/list", "pageNumber", owner, 20, sandbox.RenrenPopularBlogs},
		{"/v2/checkin/list", "pageNo", nil, 20, sandbox.RenrenPopularCheckins},
	} {
		t.Run(tc.path, func(t *testing.T) {
			all, pages := rrWalk(t, s, c.AccessToken, tc.path, tc.numberKey, tc.params, tc.size)
			assert.Len(t, all, tc.want)
			assert.Greater(t, pages, 1)
			assert.NotZero(t, tc.want%tc.size, "the test wants a short last page")
			seen := map[string]bool{}
			for _, it := range all {
				if m, ok := it.(map[string]any); ok {
					it = m["id"]
				}
				seen[fmt.Sprint(it)] = true
			}
			assert.Len(t, seen, tc.want, "no item repeated")
		})
	}
	// defaults
	_, m := rrDo(t, s, http.MethodGet, "/v2/friend/list", c.AccessToken, nil)
	assert.Len(t, m["response"], 500)
	_, m = rrDo(t, s, http.MethodGet, "/v2/blog/list", c.AccessToken, owner)
	assert.Len(t, m["response"], 10)
	_, m = rrDo(t, s, http.MethodGet, "/v2/album/list", c.AccessToken, owner)
	assert.Len(t, m["response"], 20)
	_, m = rrDo(t, s, http.MethodGet, "/v2/status/list", c.AccessToken, url.Values{"ownerId": owner["ownerId"], "pageNumber": {"99"}})
	assert.Equal(t, []any{}, m["response"], "past the end: an empty page")
}

func TestRenrenListRangeErrors(t *testing.T) {
	s, _ := vkStart(t)
	tok := s.Token(sandbox.Renren).AccessToken
	me := sandbox.RenrenUserID
	for _, tc := range []struct {
		path   string
		params url.Values
		code   string
	}{
		{"/v2/user/friend/list", url.Values{"userId": {me}, "pageSize": {"101"}}, "PAGESIZE_NOT_IN_RANGE"},
		{"/v2/user/friend/list", url.Values{"userId": {me}, "pageSize": {"0"}}, "PAGESIZE_NOT_IN_RANGE"},
		{"/v2/user/friend/list", url.Values{"userId": {me}, "pageNumber": {"0"}}, "PAGE_NUMBER_MUST_LARGER_0"},
		{"/v2/friend/list", url.Values{"pageSize": {"0"}}, "PAGESIZE_MUST_LARGER_0"},
		{"/v2/album/list", url.Values{"ownerId": {me}, "pageSize": {"101"}}, "PAGE_SIZE_NOT_IN_RANGE"},
		{"/v2/photo/list", url.Values{"ownerId": {me}, "pageSize": {"101"}}, "PAGE_SIZE_NOT_IN_RANGE"},
		{"/v2/status/list", url.Values{"ownerId": {me}, "pageSize": {"101"}}, "PAGE_SIZE_NOT_IN_RANGE"},
		{"/v2/blog/list", url.Values{"ownerId": {me}, "pageSize": {"21"}}, "PAGESIZE_NOT_IN_RANGE"},
		{"/v2/checkin/list", url.Values{"pageSize": {"101"}}, "PAGESIZE_NOT_IN_RANGE"},
		{"/v2/checkin/list", url.Values{"pageNo": {"-1"}}, "PAGE_NUMBER_MUST_LARGER_0"},
		{"/v2/blog/list", url.Values{"ownerId": {me}, "pageSize": {"ten"}}, "INVALID-PARAM"},
	} {
		status, m := rrDo(t, s, http.MethodGet, tc.path, tok, tc.params)
		assert.Equal(t, http.StatusBadRequest, status, tc.path)
		assert.Equal(t, "invalid_request."+tc.code, rrErrCode(m), "%s %v", tc.path, tc.params)
	}
	status, m := rrDo(t, s, http.MethodGet, "/v2/friend/list", tok, url.Values{"pageSize": {"99999999999999"}, "pageNumber": {"999999999"}})
	assert.Equal(t, http.StatusOK, status, "no maximum on /v2/friend/list")
	assert.Equal(t, []any{}, m["response"])
}
