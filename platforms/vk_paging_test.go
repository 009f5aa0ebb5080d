package platforms_test

import (
	"testing"

	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVKPagingFromTheCatalog(t *testing.T) {
	pg, ok := platforms.VK().(driver.Pager)
	require.True(t, ok)
	for method, max := range map[string]int{
		"groups.getMembers": 1000, "friends.get": 5000, "wall.get": 100, "wall.getComments": 100, "groups.get": 1000,
		"users.getFollowers": 1000, "photos.get": 1000, "messages.getHistory": 200, "messages.getConversations": 200,
	} {
		p, ok := pg.Paging(method)
		require.True(t, ok, method)
		assert.Equal(t, driver.PageOffset, p.Style, method)
		assert.Equal(t, max, p.MaxSize, method)
		assert.Equal(t, "offset", p.Offset, method)
		assert.Equal(t, "count", p.Size, method)
		assert.True(t, p.Merge, method)
		assert.Equal(t, "count", p.Total, method)
	}
	p, _ := pg.Paging("messages.getConversations")
	assert.Equal(t, "conversation.peer.id", p.ID)

	p, ok = pg.Paging("newsfeed.get")
	require.True(t, ok)
	assert.Equal(t, driver.Paging{Style: driver.PageCursor, Offset: "start_from", Size: "count", MaxSize: 100, Items: "items", Next: "next_from"}, p)

	p, ok = pg.Paging("no.suchMethod")
	require.True(t, ok, "unknown methods page by offset with VK's own page size")
	assert.Equal(t, "", p.Size)
	assert.False(t, p.Merge)
}

func TestOtherPlatformsPaging(t *testing.T) {
	rr := platforms.Renren().(driver.Pager)
	p, ok := rr.Paging("user.friend.list")
	require.True(t, ok)
	assert.Equal(t, driver.Paging{Style: driver.PageNumber, Offset: "pageNumber", Size: "pageSize", MaxSize: 100, FirstPage: 1, ID: "id"}, p)
	p, _ = rr.Paging("checkin.list")
	assert.Equal(t, "pageNo", p.Offset)
	_, ok = rr.Paging("user.get")
	assert.False(t, ok)

	kx := platforms.Kaixin().(driver.Pager)
	p, ok = kx.Paging("friends.me")
	require.True(t, ok)
	assert.Equal(t, 50, p.MaxSize)
	assert.Equal(t, "total", p.Total)

	qq := platforms.QQ().(driver.Pager)
	p, ok = qq.Paging("photo.list_photo")
	require.True(t, ok)
	assert.Equal(t, driver.PageWhole, p.Style)
	assert.Equal(t, "photos", p.Items)
}
