package sandbox

import (
	"fmt"
	"strconv"
)

// Kaixin's friend lists with start (default 0) and num (default 20,
// clamped to 50): friends/me, app/friends (the friends who use the app:
// every other friend, from the first) and app/invited (the friends the user
// invited to it: every third, from the first). Replies are
// {"users":[…],"prev":P,"next":N,"total":T}, numbers as strings; prev is
// the start of the page before (-1 on the first page) and next that of the
// page after (-1 on the last), the sandbox's reading of fields whose meaning
// is unverified (PLATFORMS-MORE.md §6.3).
//
// KaixinPopularUserID has KaixinPopularFriends friends (uids from 48630000,
// generated), for walks of several pages at num=50.

const (
	// KaixinPopularUserID is a Kaixin user with KaixinPopularFriends friends.
	KaixinPopularUserID = "48629999"
	// KaixinPopularFriends is KaixinPopularUserID's friend count.
	KaixinPopularFriends = 137
)

// friendPage answers a page of the caller's friends that keep passes (i is
// the friend's index in the whole list).
func (p *kaixinPlatform) friendPage(c *kxCall, fields []string, start, num int, keep func(i int, u *kxUser) bool) map[string]any {
	var friends []*kxUser
	for i, uid := range p.users[c.grant.User].Friends {
		if u := p.users[uid]; keep(i, u) {
			friends = append(friends, u)
		}
	}
	users := []map[string]any{}
	for i := start; i < len(friends) && len(users) < num; i++ {
		users = append(users, kxRender(friends[i], fields, c.grant, "friends_"))
	}
	prev, next := -1, -1
	if start > 0 {
		prev = max(start-num, 0)
	}
	if start+num < len(friends) {
		next = start + num
	}
	return map[string]any{"users": users, "total": strconv.Itoa(len(friends)),
		"prev": strconv.Itoa(prev), "next": strconv.Itoa(next)}
}

// appFriends: app/friends (fields, start, num).
func (p *kaixinPlatform) appFriends(c *kxCall) (any, *kxProblem) {
	return p.appList(c, 2)
}

// appInvited: app/invited (fields, start, num).
func (p *kaixinPlatform) appInvited(c *kxCall) (any, *kxProblem) {
	return p.appList(c, 3)
}

func (p *kaixinPlatform) appList(c *kxCall, every int) (any, *kxProblem) {
	return p.friendList(c, func(i int, _ *kxUser) bool { return i%every == 0 })
}

// friendList reads fields, start and num and answers that page of the
// caller's friends that keep passes.
func (p *kaixinPlatform) friendList(c *kxCall, keep func(i int, u *kxUser) bool) (any, *kxProblem) {
	fields, prob := kxFields(c)
	if prob != nil {
		return nil, prob
	}
	start, num, prob := kxPage(c)
	if prob != nil {
		return nil, prob
	}
	return p.friendPage(c, fields, start, num, keep), nil
}

// seedPopular adds KaixinPopularUserID and their generated friends.
func (p *kaixinPlatform) seedPopular() {
	pop := &kxUser{UID: KaixinPopularUserID, Name: "人气开心", Pinyin: "renqikaixin", Gender: "1",
		Hometown: "杭州", City: "杭州", Status: "2", IsStar: "0", Online: "1"}
	for i := range KaixinPopularFriends {
		u := &kxUser{UID: strconv.Itoa(48630000 + i), Name: fmt.Sprintf("开心路人%d", i), Pinyin: fmt.Sprintf("kaixinluren%d", i),
			Gender: strconv.Itoa(i % 2), Hometown: "上海", City: "上海", Status: strconv.Itoa(i % 3), IsStar: "0",
			Online: strconv.Itoa(i % 2), Friends: []string{KaixinPopularUserID}}
		p.users[u.UID] = u
		pop.Friends = append(pop.Friends, u.UID)
	}
	p.users[pop.UID] = pop
}
