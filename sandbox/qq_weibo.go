package sandbox

// The Tencent Weibo APIs of QQ Connect. Their replies carry Tencent Weibo's
// envelope: ret (0 ok, 1 bad parameter, 4 server-side refusal), errcode (the
// detail of ret 4: 6 no such record, 8 content over 420 bytes), msg and data.
// hasnext follows Tencent Weibo's convention (unverified): 0 means there is
// more to fetch, 1 that the list is complete.

const qqMaxTweetBytes = 420

func qqWeiboOK(data any) qqReply {
	return qqReply{"ret": 0, "errcode": 0, "msg": "ok", "seqid": qqEpoch, "data": data}
}

func qqWeiboFail(ret, errcode int, msg string) qqReply {
	return qqReply{"ret": ret, "errcode": errcode, "msg": msg, "data": nil}
}

// weiboInfo is the public profile of an account. The caller holds p.mu.
func (p *qqPlatform) weiboInfo(a *qqWeibo) map[string]any {
	tweets := 0
	for _, t := range p.tweets {
		if t.Author == a.Name {
			tweets++
		}
	}
	head := "http://app.qlogo.cn/mbloghead/" + a.OpenID
	return map[string]any{
		"name": a.Name, "nick": a.Nick, "openid": a.OpenID, "head": head, "https_head": head,
		"sex": a.Sex, "location": a.Location, "introduction": a.Intro,
		"fansnum": len(a.Fans), "idolnum": len(a.Idols), "tweetnum": tweets, "isvip": 0, "isent": 0,
	}
}

// getInfo: user/get_info, the caller's weibo profile.
func (p *qqPlatform) getInfo(c *qqCall) qqReply {
	p.mu.Lock()
	defer p.mu.Unlock()
	return qqWeiboOK(p.weiboInfo(p.weibo[c.user.Weibo]))
}

// getOtherInfo: user/get_other_info (name or fopenid).
func (p *qqPlatform) getOtherInfo(c *qqCall) qqReply {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.account(c.param("name"), c.param("fopenid"))
	if a == nil {
		return qqWeiboFail(1, 0, "user does not exist or name/fopenid is empty")
	}
	return qqWeiboOK(p.weiboInfo(a))
}

// account finds an account by name, else by openid. The caller holds p.mu.
func (p *qqPlatform) account(name, openid string) *qqWeibo {
	if name != "" {
		return p.weibo[name]
	}
	if openid != "" {
		return p.weiboByOpenID(openid)
	}
	return nil
}

// addT: t/add_t (content).
func (p *qqPlatform) addT(c *qqCall) qqReply {
	return p.postTweet(c, nil)
}

// addPicT: t/add_pic_t, multipart with the image in field "pic".
func (p *qqPlatform) addPicT(c *qqCall) qqReply {
	img, err := readImagePart(c.r, "pic")
	if err != nil {
		return qqWeiboFail(1, 0, "pic: "+err.Error())
	}
	return p.postTweet(c, &img)
}

func (p *qqPlatform) postTweet(c *qqCall, img *uploadedImage) qqReply {
	content := c.param("content")
	switch {
	case content == "":
		return qqWeiboFail(1, 0, "content is empty")
	case len(content) > qqMaxTweetBytes:
		return qqWeiboFail(4, 8, "content is over 420 bytes")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t := &qqTweet{ID: p.nextID(), Author: c.user.Weibo, Text: content, Time: p.env.now().Unix(), Type: 1}
	data := map[string]any{"id": t.ID, "time": t.Time}
	if img != nil {
		t.Image = "http://app.qpic.cn/mblogpic/sbx" + t.ID
		data["imgurl"] = t.Image
		data["size"] = len(img.Data)
		data["md5"] = img.MD5
		data["width"], data["height"] = img.Width, img.Height
	}
	p.addTweet(t)
	return qqWeiboOK(data)
}

// delT: t/del_t (id); only the author's own tweets.
func (p *qqPlatform) delT(c *qqCall) qqReply {
	id := c.param("id")
	if id == "" {
		return qqWeiboFail(1, 0, "id is empty")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.tweets[id]
	if !ok || t.Author != c.user.Weibo {
		return qqWeiboFail(4, 6, "record does not exist")
	}
	delete(p.tweets, id)
	p.order = qqRemove(p.order, id)
	return qqWeiboOK(map[string]any{"id": id, "time": p.env.now().Unix()})
}

// getRepostList: t/get_repost_list (flag 0 reposts, 1 comments, 2 both;
// rootid; reqnum 1-100, default 20; pageflag 1 with twitterid = the last id
// seen for the next page). Newest first.
func (p *qqPlatform) getRepostList(c *qqCall) qqReply {
	flag := c.param("flag")
	if flag != "0" && flag != "1" && flag != "2" {
		return qqWeiboFail(1, 0, "flag must be 0, 1 or 2")
	}
	root := c.param("rootid")
	if root == "" {
		return qqWeiboFail(1, 0, "rootid is empty")
	}
	_, num, ok := qqPaging(c, "startindex", "reqnum", 20, 100)
	if !ok {
		return qqWeiboFail(1, 0, "reqnum must be 1 to 100")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.tweets[root]; !ok {
		return qqWeiboFail(4, 6, "record does not exist")
	}
	var all []*qqTweet
	for i := len(p.order) - 1; i >= 0; i-- {
		t := p.tweets[p.order[i]]
		if t.Root == root && (flag == "2" || flag == "0" && t.Type == 2 || flag == "1" && t.Type == 7) {
			all = append(all, t)
		}
	}
	start := 0
	if c.param("pageflag") == "1" {
		for i, t := range all {
			if t.ID == c.param("twitterid") {
				start = i + 1
			}
		}
	}
	info := []map[string]any{}
	for i := start; i < len(all) && len(info) < num; i++ {
		t, a := all[i], p.weibo[all[i].Author]
		info = append(info, map[string]any{
			"id": t.ID, "text": t.Text, "origtext": t.Text, "name": a.Name, "nick": a.Nick,
			"openid": a.OpenID, "timestamp": t.Time, "type": t.Type,
		})
	}
	hasnext := 1
	if start+len(info) < len(all) {
		hasnext = 0
	}
	return qqWeiboOK(map[string]any{
		"info": info, "hasnext": hasnext, "timestamp": p.env.now().Unix(), "totalnum": len(all),
	})
}

// getFanslist: relation/get_fanslist (reqnum 1-30, default 30; startindex).
func (p *qqPlatform) getFanslist(c *qqCall) qqReply { return p.relationList(c, true) }

// getIdollist: relation/get_idollist (reqnum 1-30, default 30; startindex).
func (p *qqPlatform) getIdollist(c *qqCall) qqReply { return p.relationList(c, false) }

func (p *qqPlatform) relationList(c *qqCall, fans bool) qqReply {
	start, num, ok := qqPaging(c, "startindex", "reqnum", 30, 30)
	if !ok {
		return qqWeiboFail(1, 0, "reqnum must be 1 to 30 and startindex not negative")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	me := p.weibo[c.user.Weibo]
	names := me.Idols
	if fans {
		names = me.Fans
	}
	info := []map[string]any{}
	for i := start; i < len(names) && len(info) < num; i++ {
		a := p.weibo[names[i]]
		info = append(info, map[string]any{
			"name": a.Name, "nick": a.Nick, "openid": a.OpenID, "sex": a.Sex, "location": a.Location,
			"head":    "http://app.qlogo.cn/mbloghead/" + a.OpenID,
			"fansnum": len(a.Fans), "idolnum": len(a.Idols),
		})
	}
	next := start + len(info)
	hasnext := 1
	if next < len(names) {
		hasnext = 0
	}
	return qqWeiboOK(map[string]any{
		"info": info, "hasnext": hasnext, "nextstartpos": next, "timestamp": p.env.now().Unix(),
	})
}

// addIdol: relation/add_idol (name: comma-separated names, or fopenids:
// openids joined by "_"; up to 30).
func (p *qqPlatform) addIdol(c *qqCall) qqReply {
	p.mu.Lock()
	defer p.mu.Unlock()
	var targets []*qqWeibo
	for _, n := range qqSplit(c.param("name"), ",") {
		targets = append(targets, p.weibo[n])
	}
	for _, id := range qqSplit(c.param("fopenids"), "_") {
		targets = append(targets, p.weiboByOpenID(id))
	}
	if len(targets) == 0 || len(targets) > 30 {
		return qqWeiboFail(1, 0, "name or fopenids must list 1 to 30 users")
	}
	for _, t := range targets {
		if t == nil {
			return qqWeiboFail(1, 0, "user does not exist")
		}
		if t.Name == c.user.Weibo {
			return qqWeiboFail(1, 0, "cannot follow yourself")
		}
	}
	for _, t := range targets {
		p.follow(c.user.Weibo, t.Name)
	}
	return qqWeiboOK(nil)
}

// delIdol: relation/del_idol (name or fopenid).
func (p *qqPlatform) delIdol(c *qqCall) qqReply {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.account(c.param("name"), c.param("fopenid"))
	if a == nil {
		return qqWeiboFail(1, 0, "user does not exist or name/fopenid is empty")
	}
	p.unfollow(c.user.Weibo, a.Name)
	return qqWeiboOK(nil)
}
