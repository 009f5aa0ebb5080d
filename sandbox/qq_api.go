package sandbox

import (
	"net/http"
	"strconv"
	"strings"
)

// qqCall is one OpenAPI call that passed the common checks.
type qqCall struct {
	r     *http.Request
	grant grant
	user  qqUser
}

// param returns a request parameter (query or body).
func (c *qqCall) param(k string) string { return c.r.Form.Get(k) }

// qqMethod describes one OpenAPI method.
type qqMethod struct {
	post  bool   // POST, else GET
	scope string // the scope the user must have granted
	fn    func(p *qqPlatform, c *qqCall) qqReply
}

// qqReply is a reply body; a successful one without "ret" gets ret 0 and an
// empty msg.
type qqReply map[string]any

// qqAPIs() is every API of QQ Connect's API list, by path.
func qqAPIs() map[string]qqMethod {
	return map[string]qqMethod{
		"/user/get_user_info":       {false, "get_user_info", (*qqPlatform).getUserInfo},
		"/user/get_vip_info":        {false, "get_vip_info", (*qqPlatform).getVipInfo},
		"/user/get_vip_rich_info":   {false, "get_vip_rich_info", (*qqPlatform).getVipRichInfo},
		"/photo/list_album":         {false, "list_album", (*qqPlatform).listAlbum},
		"/photo/upload_pic":         {true, "upload_pic", (*qqPlatform).uploadPic},
		"/photo/add_album":          {true, "add_album", (*qqPlatform).addAlbum},
		"/photo/list_photo":         {false, "list_photo", (*qqPlatform).listPhoto},
		"/user/get_info":            {false, "get_info", (*qqPlatform).getInfo},
		"/t/add_t":                  {true, "add_t", (*qqPlatform).addT},
		"/t/del_t":                  {true, "del_t", (*qqPlatform).delT},
		"/t/add_pic_t":              {true, "add_pic_t", (*qqPlatform).addPicT},
		"/t/get_repost_list":        {false, "get_repost_list", (*qqPlatform).getRepostList},
		"/user/get_other_info":      {false, "get_other_info", (*qqPlatform).getOtherInfo},
		"/relation/get_fanslist":    {false, "get_fanslist", (*qqPlatform).getFanslist},
		"/relation/get_idollist":    {false, "get_idollist", (*qqPlatform).getIdollist},
		"/relation/add_idol":        {true, "add_idol", (*qqPlatform).addIdol},
		"/relation/del_idol":        {true, "del_idol", (*qqPlatform).delIdol},
		"/cft_info/get_tenpay_addr": {false, "get_tenpay_addr", (*qqPlatform).getTenpayAddr},
	}
}

// qqKnownScope reports whether s is a scope QQ knows ("all" included).
func qqKnownScope(s string) bool {
	if s == "all" {
		return true
	}
	for _, m := range qqAPIs() {
		if m.scope == s {
			return true
		}
	}
	return false
}

// api serves the OpenAPI: common checks, then the method.
func (p *qqPlatform) api(w http.ResponseWriter, r *http.Request) {
	m, ok := qqAPIs()[r.URL.Path]
	if !ok {
		qqWrite(w, http.StatusNotFound, qqFail(-9, "api not exist: "+r.URL.Path))
		return
	}
	if fail := qqCheckVerb(r.Method, m.post); fail != nil {
		qqWrite(w, http.StatusOK, fail)
		return
	}
	c, fail := p.checkCall(r, m.scope)
	if fail != nil {
		qqWrite(w, http.StatusOK, fail)
		return
	}
	reply := m.fn(p, c)
	if _, ok := reply["ret"]; !ok {
		reply["ret"] = 0
		reply["msg"] = ""
	}
	qqWrite(w, http.StatusOK, reply)
}

func qqCheckVerb(method string, post bool) qqReply {
	switch {
	case post && method != http.MethodPost:
		return qqFail(100012, "HTTP请求非post方式")
	case !post && method != http.MethodGet && method != http.MethodHead:
		return qqFail(100029, "错误的http请求")
	}
	return nil
}

// checkCall checks the common parameters of every OpenAPI call.
func (p *qqPlatform) checkCall(r *http.Request, scope string) (*qqCall, qqReply) {
	f := r.Form
	if f.Get("access_token") == "" {
		return nil, qqFail(1002, "请先登录")
	}
	g, code, msg := p.checkToken(f.Get("access_token"))
	if code != 0 {
		return nil, qqFail(code, msg)
	}
	switch key := f.Get("oauth_consumer_key"); {
	case key == "":
		return nil, qqFail(-1, "client request's parameters are invalid, invalid oauth_consumer_key")
	case key != g.AppID:
		return nil, qqFail(100016, "access token check failed")
	}
	if f.Get("openid") == "" || f.Get("openid") != g.OpenID {
		return nil, qqFail(-1, "client request's parameters are invalid, invalid openid")
	}
	if ft := f.Get("format"); ft != "" && ft != "json" {
		return nil, qqFail(-1, "client request's parameters are invalid, format "+ft+" is not served by the sandbox")
	}
	if !g.Allows(scope) {
		return nil, qqFail(100030, "用户没有对该api进行授权，或用户在腾讯侧删除了该api的权限")
	}
	u, _ := p.user(g.User)
	return &qqCall{r: r, grant: g, user: u}, nil
}

// qqFail is an error reply.
func qqFail(ret int, msg string) qqReply { return qqReply{"ret": ret, "msg": msg} }

// qqWrite writes a reply as graph.qq.com does: JSON served as text/html.
func qqWrite(w http.ResponseWriter, status int, reply qqReply) {
	writeJSON(w, status, qqHTML, reply)
}

// qqPaging reads an offset and a count with a default and a maximum; ok is
// false when either is not a number in range.
func qqPaging(c *qqCall, startKey, numKey string, def, maxNum int) (start, num int, ok bool) {
	start, num = 0, def
	if s := c.param(startKey); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, 0, false
		}
		start = v
	}
	if s := c.param(numKey); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxNum {
			return 0, 0, false
		}
		num = v
	}
	return start, num, true
}

// getUserInfo: user/get_user_info, the QQ Zone profile.
func (p *qqPlatform) getUserInfo(c *qqCall) qqReply {
	u := c.user
	fig := "http://qzapp.qlogo.cn/qzapp/" + qqAppID + "/" + u.OpenID + "/"
	qfig := "http://thirdqq.qlogo.cn/qqapp/" + qqAppID + "/" + u.OpenID + "/"
	yellow := "0"
	if u.YellowLevel > 0 {
		yellow = "1"
	}
	return qqReply{
		"is_lost": 0, "nickname": u.Nickname, "gender": u.Gender,
		"gender_type": map[string]int{"男": 2, "女": 1}[u.Gender],
		"province":    u.Province, "city": u.City, "year": u.Year, "constellation": "",
		"figureurl": fig + "30", "figureurl_1": fig + "50", "figureurl_2": fig + "100",
		"figureurl_qq_1": qfig + "40", "figureurl_qq_2": qfig + "100", "figureurl_qq": qfig + "640",
		"figureurl_type": "1", "is_yellow_vip": yellow, "vip": yellow,
		"yellow_vip_level": strconv.Itoa(u.YellowLevel), "level": strconv.Itoa(u.YellowLevel),
		"is_yellow_year_vip": qqBool(u.YellowYear),
	}
}

// getVipInfo: user/get_vip_info, the QQ VIP (QQ会员) basics.
func (p *qqPlatform) getVipInfo(c *qqCall) qqReply {
	u := c.user
	return qqReply{
		"is_qq_vip": qqBool(u.VIPLevel > 0), "qq_vip_level": strconv.Itoa(u.VIPLevel),
		"is_qq_year_vip": qqBool(u.VIPYear),
	}
}

// getVipRichInfo: user/get_vip_rich_info, the QQ VIP periods.
func (p *qqPlatform) getVipRichInfo(c *qqCall) qqReply {
	u := c.user
	reply := qqReply{"is_qq_vip": qqBool(u.VIPLevel > 0), "is_lost": 0}
	if u.VIPLevel > 0 {
		reply["qq_vip_start"] = "1325347200" // 2012-01-01
		reply["qq_vip_end"] = "1893427200"   // 2030-01-01
		reply["qq_year_vip_start"] = "1356969600"
		reply["qq_year_vip_end"] = "1893427200"
	}
	return reply
}

// getTenpayAddr: cft_info/get_tenpay_addr, the Tenpay shipping addresses
// (offset, limit).
func (p *qqPlatform) getTenpayAddr(c *qqCall) qqReply {
	start, num, ok := qqPaging(c, "offset", "limit", 10, 50)
	if !ok {
		return qqFail(-1, "client request's parameters are invalid, offset or limit")
	}
	addrs := []map[string]string{}
	for i, a := range c.user.Addresses {
		if i >= start && len(addrs) < num {
			cp := map[string]string{"index": strconv.Itoa(i)}
			for k, v := range a {
				cp[k] = v
			}
			addrs = append(addrs, cp)
		}
	}
	return qqReply{"ret_num": strconv.Itoa(len(addrs)), "addr": addrs}
}

func qqBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// qqSplit splits a list parameter on sep, dropping empty items.
func qqSplit(s, sep string) []string {
	var out []string
	for _, v := range strings.Split(s, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
