package sandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// The VK sandbox's fictional world. Every name below is invented; ids are
// small so that tests can write them by heart.

// vkUser is one fictional VK account.
type vkUser struct {
	ID        int64
	First     string
	Last      string
	Screen    string
	Sex       int // 1 female, 2 male, as VK writes it
	CityID    int64
	CityTitle string
	BDate     string
	Closed    bool // a private profile: friends and wall hidden from others
	Friends   []int64
}

// vkGroup is one fictional community.
type vkGroup struct {
	ID     int64
	Name   string
	Screen string
	Admins []int64
	// Members are the seeded members, in join order; VKBigGroupID's come
	// from the crowd instead (vk_crowd.go).
	Members []int64
}

// vkUsers() is read-only after package initialisation.
func vkUsers() []vkUser {
	return []vkUser{
		{ID: 1, First: "Pavel", Last: "Primerov", Screen: "primerov", Sex: 2, CityID: 1, CityTitle: "Moscow", BDate: "10.10.1984", Friends: []int64{2, 3, 4}},
		{ID: 2, First: "Maria", Last: "Testova", Screen: "testova", Sex: 1, CityID: 2, CityTitle: "Saint Petersburg", BDate: "3.3", Friends: []int64{1, 3}},
		{ID: 3, First: "Ivan", Last: "Sandboxov", Screen: "sandboxov", Sex: 2, CityID: 1, CityTitle: "Moscow", Friends: []int64{1, 2}},
		{ID: 4, First: "Olga", Last: "Mockova", Screen: "mockova", Sex: 1, CityID: 60, CityTitle: "Kazan", Friends: []int64{1}},
		{ID: 5, First: "Sergei", Last: "Zaglushkin", Screen: "zaglushkin", Sex: 2, Closed: true},
		// VKPopularUserID: friends and followers come from the crowd (vk_crowd.go).
		{ID: VKPopularUserID, First: "Anna", Last: "Populyarnaya", Screen: "populyarnaya", Sex: 1, CityID: 1, CityTitle: "Moscow"},
	}
}

// vkGroups() is read-only after package initialisation.
func vkGroups() []vkGroup {
	return []vkGroup{
		{ID: 1, Name: "Sandbox Club", Screen: "sandboxclub", Admins: []int64{1}, Members: []int64{1, 2, 3, 4}},
		{ID: 2, Name: "Mock Kitchen", Screen: "mockkitchen", Admins: []int64{1, 2}, Members: []int64{1, 2}},
		// The communities of seed 002's CommunityAPI example (group_ids=[123456, 654321]).
		{ID: 123456, Name: "Seed Club", Screen: "seedclub", Admins: []int64{1}, Members: []int64{1}},
		{ID: 654321, Name: "Seed Kitchen", Screen: "seedkitchen", Admins: []int64{1}, Members: []int64{1}},
		{ID: VKBigGroupID, Name: "Sandbox Crowd", Screen: "sandboxcrowd", Admins: []int64{1}},
	}
}

// vkAccount is a login of the direct-auth flow (grant_type=password).
type vkAccount struct {
	Login   string
	UserID  int64
	TwoFA   bool
	Captcha bool
}

func vkAccounts() []vkAccount {
	return []vkAccount{
		{Login: VKLogin, UserID: 1},
		{Login: VKLogin2FA, UserID: 2, TwoFA: true},
		{Login: VKLoginCaptcha, UserID: 3, Captcha: true},
	}
}

func vkUserByID(id int64) (vkUser, bool) {
	for _, u := range vkUsers() {
		if u.ID == id {
			return u, true
		}
	}
	return vkCrowdUser(id)
}

func vkGroupByID(id int64) (vkGroup, bool) {
	for _, g := range vkGroups() {
		if g.ID == id {
			return g, true
		}
	}
	return vkGroup{}, false
}

// vkResolveUser finds a user by numeric id, "id123" or screen name.
func vkResolveUser(ref string) (vkUser, bool) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.ParseInt(strings.TrimPrefix(ref, "id"), 10, 64); err == nil {
		return vkUserByID(n)
	}
	for _, u := range vkUsers() {
		if strings.EqualFold(u.Screen, ref) {
			return u, true
		}
	}
	return vkUser{}, false
}

func vkAccountByLogin(login string) (vkAccount, bool) {
	for _, a := range vkAccounts() {
		if strings.EqualFold(a.Login, strings.TrimSpace(login)) {
			return a, true
		}
	}
	return vkAccount{}, false
}

func (u vkUser) isFriend(id int64) bool {
	for _, f := range u.Friends {
		if f == id {
			return true
		}
	}
	return false
}

func (g vkGroup) isAdmin(id int64) bool {
	for _, a := range g.Admins {
		if a == id {
			return true
		}
	}
	return false
}

// object renders u as VK 5.x does: id, names, the privacy flags, and the
// requested fields the sandbox knows (others are left out, as VK does for
// fields it has no value for).
func (u vkUser) object(fields []string) map[string]any {
	o := map[string]any{
		"id":                u.ID,
		"first_name":        u.First,
		"last_name":         u.Last,
		"can_access_closed": !u.Closed,
		"is_closed":         u.Closed,
	}
	for _, f := range fields {
		switch f = strings.TrimSpace(f); f {
		case "photo_50", "photo_100", "photo_200", "photo_max":
			o[f] = fmt.Sprintf("https://userapi.sandbox.invalid/u%d/%s.jpg", u.ID, f)
		case "screen_name", "domain":
			o[f] = u.Screen
		case "sex":
			o[f] = u.Sex
		case "city":
			if u.CityID != 0 {
				o[f] = map[string]any{"id": u.CityID, "title": u.CityTitle}
			}
		case "bdate":
			if u.BDate != "" {
				o[f] = u.BDate
			}
		case "online":
			o[f] = 0
		}
	}
	return o
}

// vkPost is one wall post.
type vkPost struct {
	ID          int64
	FromID      int64
	OwnerID     int64
	Date        int64
	Text        string
	Attachments []string
}

func (p vkPost) object() map[string]any {
	o := map[string]any{
		"id":        p.ID,
		"from_id":   p.FromID,
		"owner_id":  p.OwnerID,
		"date":      p.Date,
		"post_type": "post",
		"text":      p.Text,
	}
	if len(p.Attachments) > 0 {
		atts := make([]map[string]any, 0, len(p.Attachments))
		for _, a := range p.Attachments {
			typ, owner, id, _ := vkParseAttachment(a)
			atts = append(atts, map[string]any{typ: map[string]any{"id": id, "owner_id": owner}, "type": typ})
		}
		o["attachments"] = atts
	}
	return o
}

// vkSeedPosts returns the walls every new sandbox starts with, oldest first.
func vkSeedPosts() map[int64][]vkPost {
	const t0 = 1700000000 // 2023-11-14, fixed so that replies are reproducible
	return map[int64][]vkPost{
		1: {
			{ID: 1, FromID: 1, OwnerID: 1, Date: t0, Text: "Hello from the sandbox!"},
			{ID: 2, FromID: 2, OwnerID: 1, Date: t0 + 3600, Text: "Happy birthday, Pavel!"},
			{ID: 3, FromID: 1, OwnerID: 1, Date: t0 + 7200, Text: "Testing, testing."},
		},
		2:               {{ID: 1, FromID: 2, OwnerID: 2, Date: t0 + 60, Text: "Maria's first post."}},
		-1:              {{ID: 1, FromID: -1, OwnerID: -1, Date: t0 + 120, Text: "Welcome to Sandbox Club."}},
		VKPopularUserID: vkPopularWall(t0),
	}
}

// vkParseAttachment splits "photo1_457239017" into its parts.
func vkParseAttachment(a string) (typ string, owner, id int64, ok bool) {
	i := strings.IndexFunc(a, func(r rune) bool { return r == '-' || (r >= '0' && r <= '9') })
	if i <= 0 {
		return "", 0, 0, false
	}
	typ = a[:i]
	o, rest, found := strings.Cut(a[i:], "_")
	if !found {
		return "", 0, 0, false
	}
	rest, _, _ = strings.Cut(rest, "_") // an access key may follow
	var err1, err2 error
	owner, err1 = strconv.ParseInt(o, 10, 64)
	id, err2 = strconv.ParseInt(rest, 10, 64)
	return typ, owner, id, err1 == nil && err2 == nil
}
