package sandbox

import (
	"net/http"
	"net/url"
)

// wxUser is a fictional WeChat user.
type wxUser struct {
	ID       string // sandbox id, accepted as TokenOptions.UserID
	OpenID   string
	UnionID  string
	Nickname string
	Sex      int // 1 male, 2 female, 0 unknown
	// Place maps lang (zh_CN, zh_TW, en) to province, city, country.
	Place      map[string][3]string
	HeadImgURL string
}

// wxUsers is the fictional user set; the first one is the default user.
func wxUsers() []wxUser {
	return []wxUser{
		{
			ID: "1", OpenID: "oSbx5dQ4mH7pWn2KcRt5Yv8ZaE0g", UnionID: "oUbxA1b2C3d4E5f6G7h8I9j0KlMn",
			Nickname: "沙盒用户", Sex: 1,
			Place: map[string][3]string{
				"zh_CN": {"广东", "广州", "中国"},
				"zh_TW": {"廣東", "廣州", "中國"},
				"en":    {"Guangdong", "Guangzhou", "China"},
			},
			HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/sandbox1/132",
		},
		{
			ID: "2", OpenID: "oSbx9KfLq2Zx7Vb3Nm8Ws4Ty6Ur1", UnionID: "oUbxZ9y8X7w6V5u4T3s2R1q0PoNm",
			Nickname: "Alice 陈", Sex: 2,
			Place: map[string][3]string{
				"zh_CN": {"北京", "海淀", "中国"},
				"zh_TW": {"北京", "海澱", "中國"},
				"en":    {"Beijing", "Haidian", "China"},
			},
			HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/vi_32/sandbox2/132",
		},
		{
			ID: "3", OpenID: "oSbx3Jh5Gf7Dd9Ss1Aa2Qq4Ww6Ee", UnionID: "oUbxQ1w2E3r4T5y6U7i8O9p0AsDf",
			Nickname: "无名", Sex: 0,
			Place: map[string][3]string{},
		},
	}
}

// user finds a user by sandbox id or openid; "" is the default user.
func (p *weixinPlatform) user(id string) (wxUser, bool) {
	if id == "" {
		return p.users[0], true
	}
	for _, u := range p.users {
		if u.ID == id || u.OpenID == id {
			return u, true
		}
	}
	return wxUser{}, false
}

// wxUserinfo is the reply of /sns/userinfo, in WeChat's field order.
type wxUserinfo struct {
	OpenID     string   `json:"openid"`
	Nickname   string   `json:"nickname"`
	Sex        int      `json:"sex"`
	Province   string   `json:"province"`
	City       string   `json:"city"`
	Country    string   `json:"country"`
	HeadImgURL string   `json:"headimgurl"`
	Privilege  []string `json:"privilege"`
	UnionID    string   `json:"unionid"`
}

// userinfo serves /sns/userinfo?access_token&openid&lang.
func (p *weixinPlatform) userinfo(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g, ok := p.checkToken(w, r.URL.Path, q)
	if !ok {
		return
	}
	if !g.Allows(wxScopeUserinfo) && !g.Allows(wxScopeLogin) {
		wxError(w, 48001, "api unauthorized")
		return
	}
	u, _ := p.user(g.User)
	lang := q.Get("lang")
	if lang != "zh_CN" && lang != "zh_TW" {
		lang = "en"
	}
	place := u.Place[lang]
	writeJSON(w, http.StatusOK, wxContentType, wxUserinfo{
		OpenID:     u.OpenID,
		Nickname:   u.Nickname,
		Sex:        u.Sex,
		Province:   place[0],
		City:       place[1],
		Country:    place[2],
		HeadImgURL: u.HeadImgURL,
		Privilege:  []string{},
		UnionID:    u.UnionID,
	})
}

// auth serves /sns/auth?access_token&openid, WeChat's token check.
func (p *weixinPlatform) auth(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.checkToken(w, r.URL.Path, r.URL.Query()); !ok {
		return
	}
	writeJSON(w, http.StatusOK, wxContentType, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// checkToken applies the quota and checks access_token and openid, answering
// the error when one is wrong.
func (p *weixinPlatform) checkToken(w http.ResponseWriter, path string, q url.Values) (grant, bool) {
	if p.overQuota(path) {
		wxError(w, 45009, "reach max api daily quota limit")
		return grant{}, false
	}
	tok := q.Get("access_token")
	if tok == "" {
		wxError(w, 41001, "access_token missing")
		return grant{}, false
	}
	g, ok := p.store.lookup(tok)
	if !ok || g.Revoked {
		p.mu.Lock()
		stale := p.stale[tok]
		p.mu.Unlock()
		if stale || g.Revoked {
			wxError(w, 40001, "invalid credential, access_token is invalid or not latest")
		} else {
			wxError(w, 40014, "invalid access_token")
		}
		return grant{}, false
	}
	if g.Expired(p.env.now()) {
		wxError(w, 42001, "access_token expired")
		return grant{}, false
	}
	switch q.Get("openid") {
	case "":
		wxError(w, 41009, "missing openid")
		return grant{}, false
	case g.OpenID:
		return g, true
	default:
		wxError(w, 40003, "invalid openid")
		return grant{}, false
	}
}
