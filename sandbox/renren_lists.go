package sandbox

import (
	"net/http"
	"strconv"
)

// Renren API 2.0 lists (PLATFORMS-MORE.md §6.2, the official Java SDK's
// javadoc): pageSize and pageNumber (pageNo on /v2/checkin/list), a bare
// array reply without a total, a short or empty last page. Out-of-range
// values are HTTP 400 invalid_request.<CODE> with the SDK's codes:
//
//	/v2/user/friend/list  1–100, default 20   PAGESIZE_NOT_IN_RANGE
//	/v2/friend/list       from 1, default 500 PAGESIZE_MUST_LARGER_0 (no maximum stated: none)
//	/v2/album/list, /v2/photo/list, /v2/status/list
//	                      1–100, default 20   PAGE_SIZE_NOT_IN_RANGE
//	/v2/blog/list         1–20, default 10    PAGESIZE_NOT_IN_RANGE
//	/v2/checkin/list      1–100, default 20   PAGESIZE_NOT_IN_RANGE (pageNo)
//
// and PAGE_NUMBER_MUST_LARGER_0 for a page number below 1. A value that is
// not a number is invalid_request.INVALID-PARAM.

// rrPaging is one list's paging rule.
type rrPaging struct {
	numberKey string // pageNumber, or pageNo
	def, max  int64  // default and largest pageSize; max 0: none
	rangeCode string // the code of a pageSize out of range
}

func rrPageErr(code, msg string) *rrError {
	return &rrError{http.StatusBadRequest, "invalid_request." + code, msg}
}

// paging reads a list's page number and size.
func (c *rrCall) paging(pg rrPaging) (page, size int64, err *rrError) {
	if size, err = c.int("pageSize", false, pg.def); err != nil {
		return 0, 0, err
	}
	if page, err = c.int(pg.numberKey, false, 1); err != nil {
		return 0, 0, err
	}
	switch {
	case pg.max == 0 && size < 1:
		return 0, 0, rrPageErr(pg.rangeCode, "页面大小必须大于0")
	case pg.max != 0 && (size < 1 || size > pg.max):
		return 0, 0, rrPageErr(pg.rangeCode, "页面大小不在1-"+strconv.FormatInt(pg.max, 10)+"范围内")
	case page < 1:
		return 0, 0, rrPageErr("PAGE_NUMBER_MUST_LARGER_0", "页码必须大于0")
	case page > 1e9:
		return 0, 0, rrInvalid(pg.numberKey)
	}
	return page, min(size, 1<<31), nil // a page of 2^31 is every item, and cannot overflow
}

// v2FriendIDs: /v2/friend/list, the friends' ids only (userId defaults to
// the caller).
func (p *renrenPlatform) v2FriendIDs(c *rrCall) (any, *rrError) {
	uid, err := c.int("userId", false, c.me())
	if err != nil {
		return nil, err
	}
	u, ok := rrUserByID(uid)
	if !ok {
		return nil, rrNoUser()
	}
	page, size, err := c.paging(rrPaging{"pageNumber", 500, 0, "PAGESIZE_MUST_LARGER_0"})
	if err != nil {
		return nil, err
	}
	friends := rrFriendsOf(u)
	lo, hi := rrPage(len(friends), page, size)
	return append([]int64{}, friends[lo:hi]...), nil
}

// v2AlbumList: /v2/album/list (ownerId).
func (p *renrenPlatform) v2AlbumList(c *rrCall) (any, *rrError) {
	u, err := c.user("ownerId")
	if err != nil {
		return nil, err
	}
	page, size, err := c.page()
	if err != nil {
		return nil, err
	}
	albums := rrAlbumsOf(u.ID)
	lo, hi := rrPage(len(albums), page, size)
	out := make([]map[string]any, 0, hi-lo)
	for _, a := range albums[lo:hi] {
		photos := len(p.photosOf(u.ID, a.ID))
		if a.ID == RenrenPopularAlbumID {
			photos += RenrenPopularPhotos
		}
		out = append(out, map[string]any{
			"id": a.ID, "ownerId": a.Owner, "name": a.Name, "description": "", "location": "",
			"accessControl": "PUBLIC", "photoCount": photos, "type": "GENERAL",
		})
	}
	return out, nil
}

// v2BlogList: /v2/blog/list (ownerId), newest first.
func (p *renrenPlatform) v2BlogList(c *rrCall) (any, *rrError) {
	u, err := c.user("ownerId")
	if err != nil {
		return nil, err
	}
	page, size, err := c.paging(rrPaging{"pageNumber", 10, 20, "PAGESIZE_NOT_IN_RANGE"})
	if err != nil {
		return nil, err
	}
	return rrGenerated(u.ID, RenrenPopularBlogs, page, size, rrBlog), nil
}

// v2CheckinList: /v2/checkin/list, the caller's checkins, newest first
// (pageNo, pageSize).
func (p *renrenPlatform) v2CheckinList(c *rrCall) (any, *rrError) {
	page, size, err := c.paging(rrPaging{"pageNo", 20, 100, "PAGESIZE_NOT_IN_RANGE"})
	if err != nil {
		return nil, err
	}
	return rrGenerated(c.me(), RenrenPopularCheckins, page, size, rrCheckin), nil
}

// rrGenerated returns a page of the popular user's n generated items,
// newest first; other users have none.
func rrGenerated(owner int64, n int, page, size int64, item func(int64, int) map[string]any) []map[string]any {
	if owner != rrPopularID {
		n = 0
	}
	lo, hi := rrPage(n, page, size)
	out := make([]map[string]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, item(owner, n-1-i))
	}
	return out
}
