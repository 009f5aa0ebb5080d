package sandbox

import (
	"strconv"
)

// users.get: https://dev.vk.com/ru/method/users.get
func (p *vkPlatform) usersGet(c *vkCall) (any, *vkError) {
	refs := c.list("user_ids")
	if len(refs) == 0 {
		if c.grant.User == "" {
			return []any{}, nil
		}
		refs = []string{c.grant.User}
	}
	if len(refs) > 1000 {
		return nil, vkParamErr("user_ids is too long")
	}
	fields := c.list("fields")
	out := make([]map[string]any, 0, len(refs))
	for _, ref := range refs {
		u, ok := vkResolveUser(ref)
		if !ok {
			return nil, vkErr(113, "Invalid user id")
		}
		out = append(out, u.object(fields))
	}
	return out, nil
}

// friends.get: https://dev.vk.com/ru/method/friends.get
func (p *vkPlatform) friendsGet(c *vkCall) (any, *vkError) {
	uid, err := c.int("user_id", 0)
	if err != nil {
		return nil, err
	}
	if uid == 0 {
		if c.grant.Service {
			return nil, vkErr(28, "Application authorization failed: method is unavailable with service token.")
		}
		uid = c.userID()
	}
	u, ok := vkUserByID(uid)
	if !ok {
		return nil, vkErr(113, "Invalid user id")
	}
	if u.Closed && uid != c.userID() {
		return nil, vkErr(30, "This profile is private")
	}
	count, offset, err := c.page(5000, 5000)
	if err != nil {
		return nil, err
	}
	friends := vkStatic(u.Friends)
	if u.ID == VKPopularUserID {
		friends = vkRange(VKCrowdBase, VKPopularFriends)
	}
	ids := friends.window(int(offset), int(count), false)
	return map[string]any{"count": friends.count(), "items": vkItems(ids, c.list("fields"))}, nil
}

// vkOwner resolves owner_id (or domain) to a wall owner: a user id, or a
// community id written negative.
func (c *vkCall) vkOwner() (int64, *vkError) {
	owner, err := c.int("owner_id", 0)
	if err != nil {
		return 0, err
	}
	if d := c.params["domain"]; owner == 0 && d != "" {
		if u, ok := vkResolveUser(d); ok {
			return u.ID, nil
		}
		for _, g := range vkGroups() {
			if g.Screen == d {
				return -g.ID, nil
			}
		}
		return 0, vkParamErr("domain is incorrect")
	}
	if owner == 0 {
		return c.userID(), nil
	}
	if _, ok := vkUserByID(owner); owner > 0 && !ok {
		return 0, vkParamErr("owner_id is incorrect")
	}
	if _, ok := vkGroupByID(-owner); owner < 0 && !ok {
		return 0, vkParamErr("owner_id is incorrect")
	}
	return owner, nil
}

// wall.get: https://dev.vk.com/ru/method/wall.get
func (p *vkPlatform) wallGet(c *vkCall) (any, *vkError) {
	owner, err := c.vkOwner()
	if err != nil {
		return nil, err
	}
	if owner == 0 { // a service token names no wall of its own
		return nil, vkErr(28, "Application authorization failed: method is unavailable with service token.")
	}
	if u, ok := vkUserByID(owner); ok && u.Closed && owner != c.userID() {
		return nil, vkErr(30, "This profile is private")
	}
	count, offset, err := c.page(20, 100)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	wall := p.walls[owner]
	lo, hi := vkWindow(len(wall), count, offset)
	items := make([]map[string]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		items = append(items, wall[len(wall)-1-i].object()) // newest first
	}
	p.mu.Unlock()
	return map[string]any{"count": len(wall), "items": items}, nil
}

// wall.post: https://dev.vk.com/ru/method/wall.post
func (p *vkPlatform) wallPost(c *vkCall) (any, *vkError) {
	me := c.userID()
	owner, err := c.vkOwner()
	if err != nil {
		return nil, err
	}
	msg, atts := c.params["message"], c.list("attachments")
	if msg == "" && len(atts) == 0 {
		return nil, vkParamErr("message is empty or invalid")
	}
	from := me
	switch {
	case owner > 0 && owner != me:
		if u, _ := vkUserByID(me); !u.isFriend(owner) {
			return nil, vkErr(214, "Access to adding post denied")
		}
	case owner < 0 && c.params["from_group"] == "1":
		if g, _ := vkGroupByID(-owner); !g.isAdmin(me) {
			return nil, vkErr(214, "Access to adding post denied")
		}
		from = owner
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range atts {
		typ, ao, aid, ok := vkParseAttachment(a)
		if !ok {
			return nil, vkParamErr("attachments is invalid")
		}
		if _, found := p.photos[vkPhotoKey(ao, aid)]; typ == "photo" && !found {
			return nil, vkParamErr("attachments is invalid")
		}
	}
	wall := p.walls[owner]
	id := int64(1)
	if n := len(wall); n > 0 {
		id = wall[n-1].ID + 1
	}
	post := vkPost{ID: id, FromID: from, OwnerID: owner, Date: p.env.now().Unix(), Text: msg, Attachments: atts}
	p.walls[owner] = append(wall, post)
	if owner < 0 {
		p.events.emitGroup(-owner, "wall_post_new", func(string) any { return post.object() })
	}
	return map[string]any{"post_id": id}, nil
}

func vkPhotoKey(owner, id int64) string {
	return strconv.FormatInt(owner, 10) + "_" + strconv.FormatInt(id, 10)
}
