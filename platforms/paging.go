package platforms

import (
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
)

// How the lists of Renren 2.0, Kaixin001 and QQ Connect are walked
// (PLATFORMS-MORE.md §6.2 to §6.4); VK's are in vk_paging.go. WeChat's
// methods return single objects and page nothing.

// Paging tells how a Renren 2.0 list pages, from its catalog entry:
// pageNumber (pageNo for the check-in and evaluation lists) from 1 and
// pageSize up to the method's largest (the official Java SDK's ranges), the
// result being the array of items, whose last page is short. A list with
// no size range given pages as long as Renren makes them.
func (r renren) Paging(method string) (driver.Paging, bool) {
	m, ok := r.Catalog().Method(method)
	if !ok || m.Paging.Kind != catalog.PagePaging {
		return driver.Paging{}, false
	}
	cp := m.Paging
	p := driver.Paging{Style: driver.PageNumber, Offset: cp.Page, FirstPage: cp.FirstPage, ID: "id"}
	if size := max(cp.MaxCount, cp.DefaultCount); size > 0 && cp.Count != "" {
		p.Size, p.MaxSize = cp.Count, size
	}
	if p.FirstPage == 0 {
		p.FirstPage = 1
	}
	return p, true
}

// Paging tells how a Kaixin001 list pages: start and num (at most 50),
// until start reaches the reply's total (a numeric string).
func (kaixin) Paging(method string) (driver.Paging, bool) {
	p := driver.Paging{Style: driver.PageOffset, Offset: "start", Size: "num", MaxSize: 50, Total: "total"}
	switch method {
	case "friends.me":
		p.Items, p.ID = "users", "uid"
	case "records.me":
		p.Items, p.ID = "data", "rid"
	default:
		return driver.Paging{}, false
	}
	return p, true
}

// Paging tells how a QQ Connect list comes: whole, in one reply.
func (*qq) Paging(method string) (driver.Paging, bool) {
	switch method {
	case "photo.list_photo":
		return driver.Paging{Style: driver.PageWhole, Items: "photos"}, true
	case "photo.list_album":
		return driver.Paging{Style: driver.PageWhole, Items: "album"}, true
	}
	return driver.Paging{}, false
}
