package sandbox

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// VK's offset lists beyond friends.get and wall.get: groups.getMembers,
// users.getFollowers and photos.get, each {"count":N,"items":[…]} with
// offset and count. A count above the method's maximum is error 100
// "count should be less or equal to <max>" where VK's schema gives the
// maximum (these three: 1000), and is clamped where only VK's
// documentation states it (friends.get 5000, wall.get 100, newsfeed.get
// 100), the sandbox's reading of the schema.

// pageMax reads count and offset with a default and the schema's maximum.
func (c *vkCall) pageMax(def, maxCount int64) (count, offset int64, err *vkError) {
	count, offset, err = c.page(def, 1<<62)
	if err == nil && count > maxCount {
		err = vkParamErr("count should be less or equal to " + strconv.FormatInt(maxCount, 10))
	}
	return count, offset, err
}

// vkItems renders ids as VK lists them: bare ids, or user objects when
// fields are asked for.
func vkItems(ids []int64, fields []string) []any {
	items := make([]any, 0, len(ids))
	for _, id := range ids {
		if len(fields) == 0 {
			items = append(items, id)
			continue
		}
		u, _ := vkUserByID(id)
		items = append(items, u.object(fields))
	}
	return items
}

// vkGroupRef resolves a community id or screen name.
func vkGroupRef(ref string) (vkGroup, bool) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.ParseInt(strings.TrimPrefix(ref, "club"), 10, 64); err == nil {
		return vkGroupByID(n)
	}
	for _, g := range vkGroups() {
		if strings.EqualFold(g.Screen, ref) {
			return g, true
		}
	}
	return vkGroup{}, false
}

// groups.getMembers: https://dev.vk.com/ru/method/groups.getMembers
func (p *vkPlatform) groupsGetMembers(c *vkCall) (any, *vkError) {
	ref := c.params["group_id"]
	if ref == "" && c.grant.GroupID != 0 {
		ref = strconv.FormatInt(c.grant.GroupID, 10)
	}
	g, ok := vkGroupRef(ref)
	if !ok {
		return nil, vkErr(125, "Invalid group id")
	}
	count, offset, err := c.pageMax(1000, 1000)
	if err != nil {
		return nil, err
	}
	desc := false
	switch c.params["sort"] {
	case "", "id_asc", "time_asc":
	case "id_desc", "time_desc":
		desc = true
	default:
		return nil, vkParamErr("sort is invalid")
	}
	fields := c.list("fields")
	if c.params["filter"] == "managers" {
		items := make([]any, 0, len(g.Admins))
		for _, id := range g.Admins {
			items = append(items, map[string]any{"id": id, "role": "administrator"})
		}
		return map[string]any{"count": len(g.Admins), "items": items}, nil
	}
	p.mu.Lock()
	r := p.members(g)
	total := r.count()
	ids := r.window(int(offset), int(count), desc)
	p.mu.Unlock()
	return map[string]any{"count": total, "items": vkItems(ids, fields)}, nil
}

// users.getFollowers: https://dev.vk.com/ru/method/users.getFollowers
func (p *vkPlatform) usersGetFollowers(c *vkCall) (any, *vkError) {
	uid, err := c.int("user_id", c.userID())
	if err != nil {
		return nil, err
	}
	if _, ok := vkUserByID(uid); !ok {
		return nil, vkErr(113, "Invalid user id")
	}
	count, offset, err := c.pageMax(100, 1000)
	if err != nil {
		return nil, err
	}
	followers := vkStatic(nil)
	if uid == VKPopularUserID {
		followers = vkRange(VKCrowdBase+vkFollowersFrom, VKPopularFollowers)
	}
	ids := followers.window(int(offset), int(count), false)
	return map[string]any{"count": followers.count(), "items": vkItems(ids, c.list("fields"))}, nil
}

// photos.get: https://dev.vk.com/ru/method/photos.get. album_id is an
// album id, or "wall" for the wall album (-14 in the sandbox, the id
// photos.getWallUploadServer answers).
func (p *vkPlatform) photosGet(c *vkCall) (any, *vkError) {
	owner, err := c.vkOwner()
	if err != nil {
		return nil, err
	}
	var album int64
	switch a := c.params["album_id"]; a {
	case "":
		return nil, vkParamErr("album_id is undefined")
	case "wall":
		album = vkWallAlbum
	default:
		n, perr := strconv.ParseInt(a, 10, 64)
		if perr != nil {
			return nil, vkParamErr("album_id is invalid")
		}
		album = n
	}
	if a, ok := vkAlbumByID(album); album > 0 && (!ok || a.Owner != owner) {
		return nil, vkErr(200, "Access denied")
	}
	count, offset, err := c.pageMax(50, 1000)
	if err != nil {
		return nil, err
	}
	rev := c.params["rev"] == "1"
	var items []any
	var total int
	if album == VKPopularAlbumID {
		r := vkRange(1, VKPopularPhotos)
		total = r.count()
		for _, n := range r.window(int(offset), int(count), rev) {
			ph := &vkPhoto{id: 457000000 + n, owner: owner, album: album, date: 1700000000 + n*60,
				width: 1280, height: 960, text: "Popular photo " + strconv.FormatInt(n, 10)}
			items = append(items, ph.object(c.base))
		}
	} else {
		p.mu.Lock()
		var saved []*vkPhoto
		for _, ph := range p.photos {
			if ph.owner == owner && ph.album == album {
				saved = append(saved, ph)
			}
		}
		p.mu.Unlock()
		slices.SortFunc(saved, func(a, b *vkPhoto) int { return cmp.Compare(a.id, b.id) })
		total = len(saved)
		r := vkRange(0, total)
		for _, i := range r.window(int(offset), int(count), rev) {
			items = append(items, saved[i].object(c.base))
		}
	}
	if items == nil {
		items = []any{}
	}
	return map[string]any{"count": total, "items": items}, nil
}
