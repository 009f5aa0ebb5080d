package sandbox

import (
	"fmt"
	"time"
)

// The Renren crowd: generated users and RenrenPopularUserID's long lists,
// for walks over many pages. Crowd users and the popular user's albums,
// photos, blogs and checkins are computed from their ids; only the
// statuses are stored (they mix with posted ones).
//
//	user ids RenrenCrowdBase … RenrenCrowdBase+RenrenCrowdSize-1   named 路人<n>
//	RenrenPopularUserID  RenrenPopularFriends friends (the first crowd users),
//	                     RenrenPopularAlbums albums, the first of which
//	                     (RenrenPopularAlbumID) holds RenrenPopularPhotos photos,
//	                     RenrenPopularStatuses statuses, RenrenPopularBlogs
//	                     blogs, RenrenPopularCheckins checkins

const (
	// RenrenPopularUserID is the Renren user with long lists.
	RenrenPopularUserID = "600000099"
	// RenrenCrowdBase is the id of the first generated Renren user.
	RenrenCrowdBase int64 = 610000000
	// RenrenCrowdSize is how many generated users there are.
	RenrenCrowdSize = 5000
	// RenrenPopularFriends is RenrenPopularUserID's friend count.
	RenrenPopularFriends = 1234
	// RenrenPopularAlbums is RenrenPopularUserID's album count.
	RenrenPopularAlbums = 45
	// RenrenPopularAlbumID is RenrenPopularUserID's first album, which
	// holds RenrenPopularPhotos photos (the other albums are empty).
	RenrenPopularAlbumID int64 = rrPopularAlbumBase
	// RenrenPopularPhotos is the photo count of RenrenPopularAlbumID.
	RenrenPopularPhotos = 260
	// RenrenPopularStatuses is RenrenPopularUserID's seeded status count.
	RenrenPopularStatuses = 230
	// RenrenPopularBlogs is RenrenPopularUserID's blog count.
	RenrenPopularBlogs = 35
	// RenrenPopularCheckins is RenrenPopularUserID's checkin count.
	RenrenPopularCheckins = 57
)

const (
	rrPopularID        int64 = 600000099
	rrPopularAlbumBase int64 = 710000000
	rrPopularPhotoBase int64 = 910000000
)

// rrCrowdUser computes a generated user.
func rrCrowdUser(id int64) (rrUser, bool) {
	n := id - RenrenCrowdBase
	if n < 0 || n >= RenrenCrowdSize {
		return rrUser{}, false
	}
	return rrUser{ID: id, Name: fmt.Sprintf("路人%d", n), Male: n%2 == 0, Province: "北京", City: "海淀",
		Birthday: fmt.Sprintf("19%02d-%02d-%02d", 80+n%20, 1+n%12, 1+n%28)}, true
}

// rrFriendsOf returns a user's friend ids.
func rrFriendsOf(u rrUser) []int64 {
	if u.ID != rrPopularID {
		return u.Friends
	}
	ids := make([]int64, RenrenPopularFriends)
	for i := range ids {
		ids[i] = RenrenCrowdBase + int64(i)
	}
	return ids
}

func rrPopularAlbum(n int) rrAlbum {
	return rrAlbum{ID: rrPopularAlbumBase + int64(n), Owner: rrPopularID, Name: fmt.Sprintf("相册 %d", n+1)}
}

// rrPopularT0 is the time of the popular user's oldest generated item.
func rrPopularT0() time.Time { return time.Date(2012, 1, 1, 9, 0, 0, 0, rrZone()) }

// rrPopularStatuses returns the popular user's seeded statuses, oldest first.
func rrPopularStatuses() []rrStatus {
	out := make([]rrStatus, RenrenPopularStatuses)
	for i := range out {
		out[i] = rrStatus{ID: 800100000 + int64(i), Owner: rrPopularID, Content: fmt.Sprintf("人气状态 %d", i+1),
			Time: rrPopularT0().Add(time.Duration(i) * time.Hour)}
	}
	return out
}

// rrPopularPhotos returns the photos of RenrenPopularAlbumID, newest first.
func rrPopularPhotos() []*rrPhoto {
	out := make([]*rrPhoto, RenrenPopularPhotos)
	for i := range out {
		n := RenrenPopularPhotos - 1 - i
		out[i] = &rrPhoto{ID: rrPopularPhotoBase + int64(n), Album: rrPopularAlbumBase, Owner: rrPopularID,
			Caption: fmt.Sprintf("照片 %d", n+1), Time: rrPopularT0().Add(time.Duration(n) * time.Minute)}
	}
	return out
}

// rrAlbumsOf returns a user's albums.
func rrAlbumsOf(owner int64) []rrAlbum {
	var out []rrAlbum
	for _, a := range rrAlbums() {
		if a.Owner == owner {
			out = append(out, a)
		}
	}
	if owner == rrPopularID {
		for n := range RenrenPopularAlbums {
			out = append(out, rrPopularAlbum(n))
		}
	}
	return out
}

// rrBlog is a generated blog entry; rrCheckin a generated checkin.
func rrBlog(owner int64, n int) map[string]any {
	return map[string]any{
		"id": 820000000 + int64(n), "ownerId": owner, "title": fmt.Sprintf("日志 %d", n+1),
		"content": fmt.Sprintf("第 %d 篇日志的内容。", n+1), "createTime": rrTime(rrPopularT0().Add(time.Duration(n) * 24 * time.Hour)),
		"accessControl": "PUBLIC", "shareCount": 0, "commentCount": n % 4, "viewCount": 10 * n, "type": "TYPE_RSS",
	}
}

func rrCheckin(owner int64, n int) map[string]any {
	return map[string]any{
		"id": 830000000 + int64(n), "userId": owner, "content": fmt.Sprintf("签到 %d", n+1),
		"time": rrTime(rrPopularT0().Add(time.Duration(n) * 6 * time.Hour)),
		"place": map[string]any{"id": 840000000 + int64(n%7), "name": fmt.Sprintf("地点 %d", n%7+1),
			"longitude": 120.15 + float64(n%7)/100, "latitude": 30.28},
	}
}
