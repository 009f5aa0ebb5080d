package sandbox

import (
	"fmt"
	"strings"
)

// qqUser is a fictional QQ user.
type qqUser struct {
	ID       string // sandbox id, accepted as TokenOptions.UserID
	OpenID   string
	UnionID  string
	Nickname string
	Gender   string // 男 or 女, as QQ writes it
	Province string
	City     string
	Year     string
	// YellowLevel is the QQ Zone yellow diamond level (0 = none).
	YellowLevel int
	YellowYear  bool
	// VIPLevel is the QQ VIP (QQ会员) level (0 = none).
	VIPLevel  int
	VIPYear   bool
	Weibo     string // Tencent Weibo account name
	Addresses []map[string]string
}

// qqUsers is the fictional user set; the first one is the default user.
func qqUsers() []qqUser {
	return []qqUser{
		{
			ID: "1", OpenID: "B5C3A8E1F0D24977A1C6E3B2D9F08A14", UnionID: "UID_5E0F6A7B8C9D0E1F2A3B4C5D6E7F8091",
			Nickname: "沙盒小Q", Gender: "男", Province: "广东", City: "深圳", Year: "1990",
			YellowLevel: 7, YellowYear: true, VIPLevel: 5, Weibo: "sandbox_q",
			Addresses: []map[string]string{
				{"name": "张小Q", "regionid": "440305", "street": "科技园南区沙盒路1号", "zipcode": "518057", "mobile": "13800000001", "tel": ""},
				{"name": "张小Q", "regionid": "110108", "street": "中关村大街27号", "zipcode": "100080", "mobile": "13800000001", "tel": "010-60000001"},
			},
		},
		{
			ID: "2", OpenID: "6F1E2D3C4B5A69788796A5B4C3D2E1F0", UnionID: "UID_0A1B2C3D4E5F60718293A4B5C6D7E8F9",
			Nickname: "Lily", Gender: "女", Province: "上海", City: "徐汇", Year: "1995",
			VIPLevel: 2, VIPYear: true, Weibo: "lily_sh",
		},
		{
			ID: "3", OpenID: "0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D5C", UnionID: "UID_F0E1D2C3B4A5968778695A4B3C2D1E0F",
			Nickname: "无名氏", Gender: "男", Year: "0", Weibo: "qq_nobody",
		},
		// The user of seed 003's sample get_user_info reply.
		{
			ID: "4", OpenID: "942FEA70050EEAFBD4DCE2C1FC775E56", UnionID: "UID_942FEA70050EEAFBD4DCE2C1FC775E56",
			Nickname: "Peter", Gender: "男", Year: "1988", YellowLevel: 7, YellowYear: true, Weibo: "peter",
		},
	}
}

// user finds a user by sandbox id or openid; "" is the default user.
func (p *qqPlatform) user(id string) (qqUser, bool) {
	if id == "" {
		return p.users[0], true
	}
	for _, u := range p.users {
		if u.ID == id || u.OpenID == id {
			return u, true
		}
	}
	return qqUser{}, false
}

// qqAlbum is a QQ Zone album.
type qqAlbum struct {
	ID      string
	Name    string
	Desc    string
	Priv    int // 1 public, 3 only me, 4 friends, 5 with a question
	Created int64
	Photos  []*qqPhoto
}

// qqPhoto is a photo in an album; Data holds what was uploaded.
type qqPhoto struct {
	Lloc, Sloc    string
	Name, Desc    string
	Width, Height int
	Uploaded      int64
	Data          []byte
}

// qqWeibo is a Tencent Weibo account.
type qqWeibo struct {
	Name     string
	Nick     string
	OpenID   string
	Sex      int // 1 male, 2 female, 0 unknown
	Location string
	Intro    string
	Fans     []string // account names, in follow order
	Idols    []string
}

// qqTweet is a weibo message: type 1 original, 2 repost, 7 comment.
type qqTweet struct {
	ID     string
	Author string
	Text   string
	Time   int64
	Type   int
	Root   string // the tweet a repost or comment is about
	Image  string
}

// qqEpoch is the time of the seeded data (2023-11-14 22:13:20 UTC).
const qqEpoch = 1700000000

// seed fills the fictional data set: albums of users 1 and 2; 30 extra weibo
// accounts wbuser01..wbuser30; user 1 (sandbox_q) has 25 fans (wbuser01..24
// and lily_sh) and 12 idols (wbuser20..30 and lily_sh); user 1's tweet
// 1000000001 has 25 reposts and comments (every third one a comment).
func (p *qqPlatform) seed() {
	p.albums = map[string][]*qqAlbum{}
	p.weibo = map[string]*qqWeibo{}
	p.tweets = map[string]*qqTweet{}
	p.seq = 1000001000
	for i, u := range p.users {
		p.weibo[u.Weibo] = &qqWeibo{
			Name: u.Weibo, Nick: u.Nickname, OpenID: u.OpenID, Sex: map[string]int{"男": 1, "女": 2}[u.Gender],
			Location: strings.TrimSpace(u.Province + " " + u.City), Intro: fmt.Sprintf("沙盒用户 %d", i+1),
		}
	}
	for i := 1; i <= 30; i++ {
		name := fmt.Sprintf("wbuser%02d", i)
		p.weibo[name] = &qqWeibo{
			Name: name, Nick: fmt.Sprintf("微博用户%02d", i), OpenID: fmt.Sprintf("A0B1C2D3E4F5A6B7C8D9%012X", i),
			Sex: 1 + i%2, Location: "广东 深圳",
		}
	}
	me := p.weibo["sandbox_q"]
	for i := 1; i <= 30; i++ {
		name := fmt.Sprintf("wbuser%02d", i)
		if i <= 24 {
			p.follow(name, me.Name)
		}
		if i >= 20 {
			p.follow(me.Name, name)
		}
	}
	p.follow(me.Name, "lily_sh")
	p.follow("lily_sh", me.Name)

	p.albums["1"] = []*qqAlbum{
		{ID: "V10SBX00000001", Name: "默认相册", Desc: "", Priv: 1, Created: qqEpoch, Photos: []*qqPhoto{
			{Lloc: "NDN0sbxL0001", Sloc: "NDN0sbxS0001", Name: "日出", Width: 1024, Height: 768, Uploaded: qqEpoch},
			{Lloc: "NDN0sbxL0002", Sloc: "NDN0sbxS0002", Name: "海边", Width: 800, Height: 600, Uploaded: qqEpoch + 60},
		}},
		{ID: "V10SBX00000002", Name: "旅行", Desc: "2023 夏天", Priv: 4, Created: qqEpoch + 3600, Photos: []*qqPhoto{
			{Lloc: "NDN0sbxL0003", Sloc: "NDN0sbxS0003", Name: "长城", Width: 1280, Height: 960, Uploaded: qqEpoch + 3600},
		}},
	}
	p.albums["2"] = []*qqAlbum{{ID: "V10SBX00000003", Name: "默认相册", Priv: 1, Created: qqEpoch}}

	p.addTweet(&qqTweet{ID: "1000000001", Author: me.Name, Text: "你好，微博！", Time: qqEpoch, Type: 1})
	for i := 1; i <= 25; i++ {
		t := &qqTweet{
			ID: fmt.Sprintf("%d", 1000000001+i), Author: fmt.Sprintf("wbuser%02d", i),
			Time: qqEpoch + int64(i)*60, Type: 2, Root: "1000000001", Text: fmt.Sprintf("转播 %d", i),
		}
		if i%3 == 0 {
			t.Type, t.Text = 7, fmt.Sprintf("评论 %d", i)
		}
		p.addTweet(t)
	}
}

// follow makes fan follow idol. The caller holds p.mu (or is seeding).
func (p *qqPlatform) follow(fan, idol string) {
	f, i := p.weibo[fan], p.weibo[idol]
	for _, n := range f.Idols {
		if n == idol {
			return
		}
	}
	f.Idols = append(f.Idols, idol)
	i.Fans = append(i.Fans, fan)
}

// unfollow undoes follow. The caller holds p.mu.
func (p *qqPlatform) unfollow(fan, idol string) {
	f, i := p.weibo[fan], p.weibo[idol]
	f.Idols = qqRemove(f.Idols, idol)
	i.Fans = qqRemove(i.Fans, fan)
}

func qqRemove(list []string, v string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s != v {
			out = append(out, s)
		}
	}
	return out
}

// addTweet stores t. The caller holds p.mu (or is seeding).
func (p *qqPlatform) addTweet(t *qqTweet) {
	p.tweets[t.ID] = t
	p.order = append(p.order, t.ID)
}

// nextID hands out a fresh numeric id. The caller holds p.mu.
func (p *qqPlatform) nextID() string {
	p.seq++
	return fmt.Sprintf("%d", p.seq)
}

// weiboByOpenID finds a weibo account by openid. The caller holds p.mu.
func (p *qqPlatform) weiboByOpenID(openid string) *qqWeibo {
	for _, a := range p.weibo {
		if a.OpenID == openid {
			return a
		}
	}
	return nil
}
