package sandbox

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The Kaixin API methods. Every number in a reply is a string.

const (
	kxMaxNum     = 50
	kxDefaultNum = 20
	kxMaxRecord  = 380 // characters of a record (unverified)
)

// kxFields reads the fields parameter: a comma list of known field names;
// empty means uid,name,gender,logo50.
func kxFields(c *kxCall) ([]string, *kxProblem) {
	s := strings.TrimSpace(c.param("fields"))
	if s == "" {
		return kxBasicFields(), nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if _, ok := kxFieldScope()[f]; !ok {
			return nil, kxBad(40001, "unknown field %q in fields", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// render writes the requested fields of u. Fields whose scope (prefix +
// suffix, e.g. friends_birthday) the grant lacks are left out, as Kaixin
// gives only the basic profile without them.
func kxRender(u *kxUser, fields []string, g grant, prefix string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if s := kxFieldScope()[f]; s != "" && !g.Allows(prefix+s) {
			continue
		}
		k, v := u.field(f)
		out[k] = v
	}
	return out
}

// kxPage reads start (default 0) and num (default 20, clamped to 50).
func kxPage(c *kxCall) (start, num int, prob *kxProblem) {
	start, num = 0, kxDefaultNum
	if s := c.param("start"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, 0, kxBad(40001, "start must be a number >= 0")
		}
		start = v
	}
	if s := c.param("num"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			return 0, 0, kxBad(40001, "num must be a number >= 1")
		}
		num = min(v, kxMaxNum)
	}
	return start, num, nil
}

// usersMe: users/me (fields).
func (p *kaixinPlatform) usersMe(c *kxCall) (any, *kxProblem) {
	fields, prob := kxFields(c)
	if prob != nil {
		return nil, prob
	}
	return kxRender(p.users[c.grant.User], fields, c.grant, "user_"), nil
}

// usersShow: users/show (uids, comma list of up to 50; fields).
func (p *kaixinPlatform) usersShow(c *kxCall) (any, *kxProblem) {
	fields, prob := kxFields(c)
	if prob != nil {
		return nil, prob
	}
	uids := qqSplit(c.param("uids"), ",")
	if len(uids) == 0 || len(uids) > kxMaxNum {
		return nil, kxBad(40001, "uids must list 1 to 50 user ids")
	}
	users := []map[string]any{}
	for _, uid := range uids {
		if u, ok := p.users[uid]; ok {
			prefix := "friends_"
			if uid == c.grant.User {
				prefix = "user_"
			}
			users = append(users, kxRender(u, fields, c.grant, prefix))
		}
	}
	return map[string]any{"users": users}, nil
}

// friendsMe: friends/me (fields, start, num, gid).
func (p *kaixinPlatform) friendsMe(c *kxCall) (any, *kxProblem) {
	gid := c.param("gid")
	return p.friendList(c, func(_ int, u *kxUser) bool { return gid == "" || u.Gid == gid })
}

// friendsGroup: friends/group, the caller's friend groups.
func (p *kaixinPlatform) friendsGroup(c *kxCall) (any, *kxProblem) {
	groups := []map[string]string{}
	if c.grant.User == p.me {
		for _, g := range p.groups {
			n := 0
			for _, u := range p.users {
				if u.Gid == g.Gid {
					n++
				}
			}
			groups = append(groups, map[string]string{"gid": g.Gid, "name": g.Name, "num": strconv.Itoa(n)})
		}
	}
	return map[string]any{"groups": groups, "total": strconv.Itoa(len(groups))}, nil
}

// recordsAdd: records/add (content; optional multipart image "pic").
func (p *kaixinPlatform) recordsAdd(c *kxCall) (any, *kxProblem) {
	content := c.param("content")
	if content == "" || utf8.RuneCountInString(content) > kxMaxRecord {
		return nil, kxBad(40001, "content must have 1 to %d characters", kxMaxRecord)
	}
	img, err := readImagePart(c.r, "pic")
	hasPic := err == nil
	if errors.Is(err, errBadImage) {
		return nil, kxBad(40001, "pic: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec := kxRecord{RID: p.nextID(), Content: content, Ctime: strconv.FormatInt(p.env.now().Unix(), 10)}
	reply := map[string]any{"rid": rec.RID}
	if hasPic {
		rec.Pic = "http://pic.kaixin001.com.cn/records/" + rec.RID + ".jpg"
		reply["pic"] = kxImageInfo(rec.Pic, img)
	}
	p.records[c.grant.User] = append(p.records[c.grant.User], rec)
	return reply, nil
}

// recordsMe: records/me (start, num), the caller's records, newest first.
func (p *kaixinPlatform) recordsMe(c *kxCall) (any, *kxProblem) {
	start, num, prob := kxPage(c)
	if prob != nil {
		return nil, prob
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	recs := p.records[c.grant.User]
	data := []map[string]string{}
	for i := len(recs) - 1 - start; i >= 0 && len(data) < num; i-- {
		r := recs[i]
		data = append(data, map[string]string{"rid": r.RID, "content": r.Content, "ctime": r.Ctime, "pic": r.Pic})
	}
	return map[string]any{"data": data, "total": strconv.Itoa(len(recs))}, nil
}

// photoUpload: photo/upload (multipart image in "pic" or "image"; albumid,
// title). The reply carries the received size and md5.
func (p *kaixinPlatform) photoUpload(c *kxCall) (any, *kxProblem) {
	img, err := readImagePart(c.r, "pic", "image")
	if err != nil {
		return nil, kxBad(40001, "pic or image: %v", err)
	}
	albumid := c.param("albumid")
	if albumid == "" {
		albumid = "0"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ph := kxPhoto{PID: p.nextID(), AlbumID: albumid, Title: c.param("title"), Image: img}
	p.photos[c.grant.User] = append(p.photos[c.grant.User], ph)
	reply := kxImageInfo("http://pic.kaixin001.com.cn/photo/"+ph.PID+".jpg", img)
	reply["pid"], reply["albumid"], reply["title"] = ph.PID, ph.AlbumID, ph.Title
	return reply, nil
}

func kxImageInfo(url string, img uploadedImage) map[string]any {
	return map[string]any{
		"url": url, "size": strconv.Itoa(len(img.Data)), "md5": img.MD5,
		"width": strconv.Itoa(img.Width), "height": strconv.Itoa(img.Height),
	}
}
