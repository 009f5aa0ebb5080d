package platforms

import (
	"strings"

	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
)

// VK's lists (PLATFORMS-MORE.md §6.1): offset/count with {"count": total,
// "items": [...]} replies, up to 25 pages per execute; newsfeed-like
// methods page with a cursor, start_from taking the reply's next_from.
// Which method pages how, and its largest page, come from VK's catalog
// (vk_catalog.txt, generated from VK's schema).

// vkIDPath returns the path of an item's id: conversations keep theirs in
// the peer.
func vkIDPath(method string) string {
	if strings.EqualFold(method, "messages.getConversations") {
		return "conversation.peer.id"
	}
	return "id"
}

// Paging tells how a VK method pages, from its catalog entry. A method the
// catalog gives no paging is walked by offset with VK's default page size,
// one page per request, and a method whose result has no "items" comes
// whole.
func (v vk) Paging(method string) (driver.Paging, bool) {
	var cp catalog.Paging
	if m, ok := v.Catalog().Method(method); ok {
		cp = m.Paging
	}
	size := cp.MaxCount
	if size == 0 {
		size = cp.DefaultCount
	}
	switch cp.Kind {
	case catalog.CursorPaging:
		return driver.Paging{Style: driver.PageCursor, Offset: cp.Cursor, Size: cp.Count, MaxSize: size,
			Items: "items", Next: cp.Next}, true
	case catalog.OffsetPaging:
		p := driver.Paging{Style: driver.PageOffset, Offset: cp.Offset, Items: "items", Total: "count", ID: vkIDPath(method)}
		if cp.Count != "" && size > 0 {
			p.Size, p.MaxSize, p.Merge = cp.Count, size, true
		}
		return p, true
	}
	return driver.Paging{Style: driver.PageOffset, Offset: "offset", Items: "items", Total: "count", ID: vkIDPath(method)}, true
}
