package sandbox

import (
	"fmt"
	"strconv"
)

// kxUser is a fictional Kaixin user. Every value is a string, as Kaixin
// writes numbers.
type kxUser struct {
	UID, Name, Pinyin, Gender    string // gender 0 male, 1 female
	Hometown, City, Status       string
	Birthday, Bodyform, Blood    string
	Marriage, Online, IsStar     string
	Trainwith, Interest, Favbook string
	Favmovie, Favtv, Idol, Motto string
	Wishlist, Intro              string
	School, Class, Year          string
	Company, Dept, BeginY        string
	BeginM                       string
	Gid                          string // the default user's group for this friend
	LogoDir                      string // the logo's directory, when not derived from the uid
	Friends                      []string
}

// kxGroup is a friend group of the default user.
type kxGroup struct{ Gid, Name string }

// kxRecord is a record (记录) a user posted.
type kxRecord struct {
	RID, Content, Ctime, Pic string
}

// kxPhoto is an uploaded photo, kept in memory.
type kxPhoto struct {
	PID, AlbumID, Title string
	Image               uploadedImage
}

// kxFieldScope() maps every field friends/me and users/me know to the scope
// suffix it needs ("" = basic): friends_<suffix> for friends, user_<suffix>
// for oneself.
func kxFieldScope() map[string]string {
	return map[string]string{
		"uid": "", "name": "", "gender": "", "hometown": "", "city": "", "status": "",
		"logo120": "", "logo50": "", "isStar": "", "pinyin": "",
		"birthday": "birthday", "bodyform": "bodyform", "blood": "blood", "marriage": "marriage",
		"trainwith": "intro", "interest": "intro", "favbook": "intro", "favmovie": "intro",
		"favtv": "intro", "idol": "intro", "motto": "intro", "wishlist": "intro", "intro": "intro",
		"education": "education", "schooltype": "education", "school": "education", "class": "education",
		"year":   "education",
		"career": "career", "company": "career", "dept": "career", "beginyear": "career",
		"beginmonth": "career", "endyear": "career", "endmonth": "career",
		"online": "online",
	}
}

// kxBasicFields() is what an empty fields parameter returns.
func kxBasicFields() []string { return []string{"uid", "name", "gender", "logo50"} }

// field returns the value of a field name (sub-fields of education and
// career give the whole list they belong to).
func (u *kxUser) field(name string) (string, any) {
	logo := func(size string) string {
		if u.LogoDir != "" {
			return fmt.Sprintf("%s/%s_%s_1.jpg", u.LogoDir, size, u.UID)
		}
		return fmt.Sprintf("http://pic.kaixin001.com.cn/logo/%s/%s/%s_%s_1.jpg", u.UID[2:4], u.UID[4:6], size, u.UID)
	}
	switch kxFieldScope()[name] {
	case "education":
		return "education", []map[string]string{{"schooltype": "0", "school": u.School, "class": u.Class, "year": u.Year}}
	case "career":
		return "career", []map[string]string{{"company": u.Company, "dept": u.Dept, "beginyear": u.BeginY,
			"beginmonth": u.BeginM, "endyear": "", "endmonth": ""}}
	}
	v := map[string]string{
		"uid": u.UID, "name": u.Name, "gender": u.Gender, "hometown": u.Hometown, "city": u.City,
		"status": u.Status, "logo120": logo("120"), "logo50": logo("50"), "isStar": u.IsStar,
		"pinyin": u.Pinyin, "birthday": u.Birthday, "bodyform": u.Bodyform, "blood": u.Blood,
		"marriage": u.Marriage, "trainwith": u.Trainwith, "interest": u.Interest, "favbook": u.Favbook,
		"favmovie": u.Favmovie, "favtv": u.Favtv, "idol": u.Idol, "motto": u.Motto,
		"wishlist": u.Wishlist, "intro": u.Intro, "online": u.Online,
	}[name]
	return name, v
}

// seed builds the default user 48620001 and 60 friends, uids 48620101 to
// 48620160, named by surname (王李张刘陈杨赵黄周吴, one per uid modulo 10) and
// given name (伟芳娜敏静磊, one per ten uids). Friend i (0-based) is in group 1
// 同学, 2 同事 or 3 家人 when i%5 is 0, 1 or 2 (12 each), in none otherwise.
func (p *kaixinPlatform) seed() {
	surnames := [][2]string{{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"},
		{"杨", "yang"}, {"赵", "zhao"}, {"黄", "huang"}, {"周", "zhou"}, {"吴", "wu"}}
	given := []struct{ han, pinyin, gender string }{{"伟", "wei", "0"}, {"芳", "fang", "1"},
		{"娜", "na", "1"}, {"敏", "min", "1"}, {"静", "jing", "1"}, {"磊", "lei", "0"}}
	cities := []string{"北京", "上海", "广州", "成都", "杭州", "武汉"}
	p.groups = []kxGroup{{"1", "同学"}, {"2", "同事"}, {"3", "家人"}}
	p.me = "48620001"
	me := &kxUser{
		UID: p.me, Name: "沙盒开心", Pinyin: "shahekaixin", Gender: "0", Hometown: "北京", City: "北京",
		Status: "2", Birthday: "1985-06-01", Bodyform: "2", Blood: "1", Marriage: "1", Online: "1",
		IsStar: "0", Interest: "写测试", Motto: "先写测试", Intro: "开心网沙盒的默认用户",
		School: "北京大学", Class: "计算机 03", Year: "2003", Company: "开心网", Dept: "技术",
		BeginY: "2008", BeginM: "3",
	}
	p.users = map[string]*kxUser{p.me: me}
	for i := 0; i < 60; i++ {
		s, g := surnames[i%10], given[i/10]
		u := &kxUser{
			UID: strconv.Itoa(48620101 + i), Name: s[0] + g.han, Pinyin: s[1] + g.pinyin, Gender: g.gender,
			Hometown: cities[i%6], City: cities[(i+1)%6], Status: strconv.Itoa(i % 3),
			Birthday: fmt.Sprintf("19%02d-%02d-%02d", 80+i%20, 1+i%12, 1+i%28), Bodyform: strconv.Itoa(i % 11),
			Blood: strconv.Itoa(i % 6), Marriage: strconv.Itoa(i % 6), Online: strconv.Itoa(i % 2), IsStar: "0",
			Interest: "打篮球", Motto: "爱拼才会赢", School: cities[i%6] + "大学", Class: fmt.Sprintf("%d 班", 1+i%4),
			Year: strconv.Itoa(2000 + i%10), Company: "开心公司", Dept: "部门" + strconv.Itoa(1+i%5),
			BeginY: strconv.Itoa(2005 + i%5), BeginM: strconv.Itoa(1 + i%12), Friends: []string{p.me},
		}
		if i == 59 {
			u.IsStar = "1"
		}
		if i%5 < 3 {
			u.Gid = p.groups[i%5].Gid
		}
		p.users[u.UID] = u
		me.Friends = append(me.Friends, u.UID)
	}
	p.seedExample()
	p.seedPopular()
}

// seedExample adds the people of seed 004's friends/me example: user
// 100003084 (the owner of its oauth_token) and their one friend 47002, 刘二,
// with the profile of the example reply.
func (p *kaixinPlatform) seedExample() {
	owner := &kxUser{UID: "100003084", Name: "开心种子", Pinyin: "kaixinzhongzi", Gender: "1",
		Hometown: "上海", City: "上海", Status: "2", IsStar: "0", Online: "0", Friends: []string{"47002"}}
	liu := &kxUser{
		UID: "47002", Name: "刘二", Gender: "0", Hometown: "北京", City: "北京", Status: "2",
		Birthday: "1780-10-10", Blood: "1", Marriage: "1", Trainwith: "迈克尔 乔丹", Interest: "打篮球",
		Favbook: "武侠 金庸大叔的书", Favmovie: "美国大片", Favtv: "美剧和动画片", Idol: "迈克尔 乔丹",
		Motto: "爱拼才会赢", Wishlist: "买个车子,卡丁车", Intro: "啦啦啦啦啦啦啦", School: "北京大学",
		Class: "金融 11", Year: "2010", Company: "开心网", Dept: "技术", BeginY: "2010", BeginM: "10",
		IsStar: "0", Pinyin: "liuer", Online: "0", Bodyform: "0",
		LogoDir: "http://pic.kaixin008.com.cn/logo/4/70", Friends: []string{"100003084"},
	}
	p.users[owner.UID], p.users[liu.UID] = owner, liu
}

// nextID hands out a fresh numeric id. The caller holds p.mu.
func (p *kaixinPlatform) nextID() string {
	p.seq++
	return strconv.FormatInt(p.seq, 10)
}
