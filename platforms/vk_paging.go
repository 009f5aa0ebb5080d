package platforms

import (
	"strings"

	"github.com/snskit/snskit/driver"
)

// VK's lists (PLATFORMS-MORE.md §6.1): offset/count with {"count": total,
// "items": [...]} replies, up to 25 pages per execute; newsfeed-like
// methods page with a cursor, start_from taking the reply's next_from.
// Page maxima are the "maximum" (or the description's limit) of each
// method's count in VK's schema (reference/vk-api-schema, API 5.199).

// vkMaxCount returns the largest count of an offset method VK's schema
// gives, or 0 when the method is not in the table.
func vkMaxCount(method string) int {
	switch method {
	case "friends.get":
		return 5000
	case "groups.getmembers", "groups.get", "users.getfollowers", "photos.get", "wall.getreposts",
		"users.search", "groups.search", "likes.getlist", "friends.getrequests":
		return 1000
	case "messages.gethistory", "messages.getconversations", "users.getsubscriptions", "photos.getall", "video.get":
		return 200
	case "wall.get", "wall.getcomments", "photos.getcomments":
		return 100
	}
	return 0
}

// vkCursorMax returns the largest count of a cursor method, or 0 when the
// method is not one.
func vkCursorMax(method string) int {
	switch method {
	case "newsfeed.get", "newsfeed.getrecommended", "notifications.get":
		return 100
	case "newsfeed.search":
		return 200
	}
	return 0
}

// vkIDPath returns the path of an item's id: conversations keep theirs in
// the peer.
func vkIDPath(method string) string {
	if method == "messages.getconversations" {
		return "conversation.peer.id"
	}
	return "id"
}

// Paging tells how a VK method pages. A method outside the table is walked
// by offset with VK's default page size, one page per request, and a
// method whose result has no "items" comes whole.
func (vk) Paging(method string) (driver.Paging, bool) {
	m := strings.ToLower(method)
	if n := vkCursorMax(m); n > 0 {
		return driver.Paging{Style: driver.PageCursor, Offset: "start_from", Size: "count", MaxSize: n,
			Items: "items", Next: "next_from"}, true
	}
	p := driver.Paging{Style: driver.PageOffset, Offset: "offset", Items: "items", Total: "count", ID: vkIDPath(m)}
	if n := vkMaxCount(m); n > 0 {
		p.Size, p.MaxSize, p.Merge = "count", n, true
	}
	return p, true
}
