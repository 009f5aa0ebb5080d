package driver

// Pager is an optional capability of a Platform: it tells how a method's
// list is walked page by page, for snskit's Call.All. snskit discovers it by
// type assertion. A platform without it, or a method it does not know,
// gets its list whole from one call.
type Pager interface {
	// Paging returns how method pages, and false when the platform knows
	// no paging for it.
	Paging(method string) (Paging, bool)
}

// PageStyle is how a method's pages are asked for.
type PageStyle uint8

// The ways a method pages.
const (
	// PageWhole: one call returns the whole list (QQ's photo lists).
	PageWhole PageStyle = iota
	// PageOffset: Paging.Offset skips that many items, Paging.Size sets the
	// page size, and the reply's Paging.Total says how many there are (VK
	// offset/count, Kaixin start/num).
	PageOffset
	// PageNumber: Paging.Offset numbers the pages from Paging.FirstPage,
	// Paging.Size sets the page size, and a short page is the last
	// (Renren 2.0 pageNumber/pageSize, or pageNo).
	PageNumber
	// PageCursor: Paging.Offset takes the value of the reply's Paging.Next
	// field, which is missing or empty on the last page (VK's newsfeed
	// start_from/next_from).
	PageCursor
)

// Paging describes how one method's list is walked. Offset and Size are
// parameter names of the method; Items, Total, Next and ID are gjson paths
// in its result.
type Paging struct {
	Style PageStyle
	// Offset is the parameter that moves through the list: the offset
	// ("offset", "start"), the page number ("pageNumber", "pageNo") or the
	// cursor ("start_from").
	Offset string
	// Size is the page-size parameter ("count", "num", "pageSize"), and
	// MaxSize the largest page the method gives (0: Size is not sent and
	// pages are as long as the platform makes them).
	Size    string
	MaxSize int
	// FirstPage is the number of the first page (PageNumber), usually 1.
	FirstPage int
	// Items is the path of the page's items in the result ("items",
	// "users"); empty when the result is the array of items itself.
	Items string
	// Total is the path of the length of the whole list ("count",
	// "total"), which may be a number or a numeric string; empty when the
	// reply has none.
	Total string
	// Next is the path of the next page's cursor (PageCursor: "next_from").
	Next string
	// ID is the path of an item's id ("id"), by which items seen twice
	// while the list changes are dropped; an item that is a number or a
	// string is its own id. Empty when items have no id.
	ID string
	// Merge is true when many pages may be fetched in one merged request
	// (the platform being a Merger): VK's offset lists, 25 pages per
	// execute.
	Merge bool
}
