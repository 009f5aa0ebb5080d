package platforms

import "github.com/snskit/snskit/driver"

// How the lists of Renren 2.0, Kaixin001 and QQ Connect are walked
// (PLATFORMS-MORE.md §6.2 to §6.4); VK's are in vk_paging.go. WeChat's
// methods return single objects and page nothing.

// Paging tells how a Renren 2.0 list pages: pageNumber (pageNo for the
// check-in and evaluation lists) from 1 and pageSize, the result being the
// array of items, whose last page is short. Sizes are the ranges of the
// official Java SDK's javadoc ([rrjava]).
func (renren) Paging(method string) (driver.Paging, bool) {
	p := driver.Paging{Style: driver.PageNumber, Offset: "pageNumber", Size: "pageSize", FirstPage: 1, ID: "id"}
	switch method {
	case "user.friend.list", "album.list", "photo.list", "status.list", "share.list", "comment.list",
		"place.list", "place.feed.list", "location.feed.list", "feed.list":
		p.MaxSize = 100
	case "friend.list", "page.list", "page.user.list":
		p.MaxSize = 500
	case "share.hot.list":
		p.MaxSize = 50
	case "blog.list":
		p.MaxSize = 20
	case "checkin.list", "checkin.reply.list", "evaluation.reply.list", "place.friend.feed.list":
		p.Offset, p.Size = "pageNo", "" // no range given: pages as long as Renren makes them
	default:
		return driver.Paging{}, false
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
