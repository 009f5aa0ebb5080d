package sandbox

import (
	"fmt"
	"strconv"
	"time"
)

// The Renren sandbox's fictional world, shared by API 1.0 and 2.0: four
// users with invented names, their friends, statuses, albums and photos.

// rrUser is one fictional Renren account.
type rrUser struct {
	ID       int64
	Name     string
	Male     bool
	Birthday string
	Star     int // 1 for a verified ("star") user
	Province string
	City     string
	Friends  []int64
	Visitors []int64
}

// rrUsers() is read-only after package initialisation.
func rrUsers() []rrUser {
	return []rrUser{
		{ID: 600000001, Name: "张小沙", Male: true, Birthday: "1990-01-01", Star: 1, Province: "北京", City: "海淀",
			Friends: []int64{600000002, 600000003, 600000004}, Visitors: []int64{600000002, 600000004}},
		{ID: 600000002, Name: "李测试", Birthday: "1992-02-02", Star: 1, Province: "上海", City: "浦东",
			Friends: []int64{600000001, 600000003}, Visitors: []int64{600000001}},
		{ID: 600000003, Name: "王模拟", Male: true, Birthday: "1988-03-03", Province: "广东", City: "广州",
			Friends: []int64{600000001, 600000002}},
		{ID: 600000004, Name: "赵示例", Birthday: "1995-04-04", Province: "四川", City: "成都",
			Friends: []int64{600000001}},
		// The user of seed 000's example call, user.get(userId="262156164").
		{ID: 262156164, Name: "人人种子", Male: true, Birthday: "1989-09-09", Province: "北京", City: "朝阳"},
		// RenrenPopularUserID, whose long lists are generated (renren_crowd.go).
		{ID: rrPopularID, Name: "人气王", Birthday: "1991-01-01", Star: 1, Province: "浙江", City: "杭州"},
	}
}

// rrAlbum is a photo album; the first album of each user takes uploads
// that name none.
type rrAlbum struct {
	ID    int64
	Owner int64
	Name  string
}

func rrAlbums() []rrAlbum {
	return []rrAlbum{
		{ID: 700000001, Owner: 600000001, Name: "手机相册"},
		{ID: 700000002, Owner: 600000001, Name: "旅行"},
		{ID: 700000003, Owner: 600000002, Name: "手机相册"},
		{ID: 700000004, Owner: 600000003, Name: "手机相册"},
		{ID: 700000005, Owner: 600000004, Name: "手机相册"},
	}
}

// rrStatus is one status update.
type rrStatus struct {
	ID       int64
	Owner    int64
	Content  string
	Time     time.Time
	Comments int
}

// rrPhoto is one uploaded photo, kept in memory.
type rrPhoto struct {
	ID      int64
	Album   int64
	Owner   int64
	Caption string
	Time    time.Time
	Data    []byte
}

// rrZone() is Beijing time, in which Renren writes its timestamps.
func rrZone() *time.Location { return time.FixedZone("CST", 8*3600) }

func rrTime(t time.Time) string { return t.In(rrZone()).Format("2006-01-02 15:04:05") }

// rrSeedStatuses returns the statuses every new sandbox starts with,
// oldest first.
func rrSeedStatuses() []rrStatus {
	t0 := time.Date(2013, 5, 1, 10, 0, 0, 0, rrZone())
	return []rrStatus{
		{ID: 800000001, Owner: 600000001, Content: "今天天气不错。", Time: t0, Comments: 2},
		{ID: 800000002, Owner: 600000002, Content: "周末去爬山！", Time: t0.Add(time.Hour)},
		{ID: 800000003, Owner: 600000001, Content: "沙盒里的第二条状态。", Time: t0.Add(2 * time.Hour), Comments: 1},
	}
}

func rrUserByID(id int64) (rrUser, bool) {
	for _, u := range rrUsers() {
		if u.ID == id {
			return u, true
		}
	}
	return rrCrowdUser(id)
}

func rrAlbumByID(id int64) (rrAlbum, bool) {
	for _, a := range rrAlbums() {
		if a.ID == id {
			return a, true
		}
	}
	if n := id - rrPopularAlbumBase; n >= 0 && n < RenrenPopularAlbums {
		return rrPopularAlbum(int(n)), true
	}
	return rrAlbum{}, false
}

func rrDefaultAlbum(owner int64) int64 {
	for _, a := range rrAlbums() {
		if a.Owner == owner {
			return a.ID
		}
	}
	return 0
}

func (u rrUser) avatar(kind string) string {
	return fmt.Sprintf("http://hdn.xnimg.sandbox.invalid/photos/%d/%s.jpg", u.ID, kind)
}

// v2 renders u as API 2.0's User.
func (u rrUser) v2() map[string]any {
	sex := "FEMALE"
	if u.Male {
		sex = "MALE"
	}
	return map[string]any{
		"id":   u.ID,
		"name": u.Name,
		"avatar": []map[string]string{
			{"size": "TINY", "url": u.avatar("tiny")}, {"size": "HEAD", "url": u.avatar("head")},
			{"size": "MAIN", "url": u.avatar("main")}, {"size": "LARGE", "url": u.avatar("large")},
		},
		"star": u.Star,
		"basicInformation": map[string]any{
			"sex": sex, "birthday": u.Birthday,
			"homeTown": map[string]string{"province": u.Province, "city": u.City},
		},
	}
}

// oauth renders u as the token endpoint's "user".
func (u rrUser) oauth() map[string]any {
	return map[string]any{
		"id":   u.ID,
		"name": u.Name,
		"avatar": []map[string]string{
			{"type": "avatar", "url": u.avatar("head")}, {"type": "tiny", "url": u.avatar("tiny")},
			{"type": "main", "url": u.avatar("main")}, {"type": "large", "url": u.avatar("large")},
		},
	}
}

// v1 renders u as API 1.0's users.getInfo entry with the given fields; uid
// is always present.
func (u rrUser) v1(fields []string) map[string]any {
	o := map[string]any{"uid": u.ID}
	for _, f := range fields {
		switch f {
		case "name":
			o[f] = u.Name
		case "sex":
			o[f] = map[bool]int{true: 1, false: 0}[u.Male]
		case "star":
			o[f] = u.Star
		case "zidou", "vip":
			o[f] = 0
		case "birthday":
			o[f] = u.Birthday
		case "tinyurl":
			o[f] = u.avatar("tiny")
		case "headurl":
			o[f] = u.avatar("head")
		case "mainurl":
			o[f] = u.avatar("main")
		case "hometown_location":
			o[f] = map[string]string{"country": "中国", "province": u.Province, "city": u.City}
		}
	}
	return o
}

func (s rrStatus) v2() map[string]any {
	return map[string]any{
		"id": s.ID, "ownerId": s.Owner, "content": s.Content, "createTime": rrTime(s.Time),
		"shareCount": 0, "commentCount": s.Comments, "sharedStatusId": 0, "sharedUserId": 0,
	}
}

func (s rrStatus) v1() map[string]any {
	return map[string]any{
		"status_id": s.ID, "uid": s.Owner, "message": s.Content, "time": rrTime(s.Time),
		"comment_count": s.Comments,
	}
}

// url is where the sandbox serves the photo's bytes.
func (ph *rrPhoto) url(base string) string {
	return base + "/photos/" + strconv.FormatInt(ph.ID, 10) + ".jpg"
}

func (ph *rrPhoto) v2(base string) map[string]any {
	u := ph.url(base)
	return map[string]any{
		"id": ph.ID, "albumId": ph.Album, "ownerId": ph.Owner, "description": ph.Caption,
		"createTime": rrTime(ph.Time), "viewCount": 0, "commentCount": 0,
		"images": []map[string]string{
			{"size": "LARGE", "url": u}, {"size": "MAIN", "url": u},
			{"size": "HEAD", "url": u}, {"size": "TINY", "url": u},
		},
	}
}

func (ph *rrPhoto) v1(base string) map[string]any {
	u := ph.url(base)
	return map[string]any{
		"pid": ph.ID, "aid": ph.Album, "uid": ph.Owner, "caption": ph.Caption,
		"src": u, "src_small": u, "src_big": u,
	}
}
