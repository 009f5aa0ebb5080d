package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQQUserInfoServedAsHTML(t *testing.T) {
	s, _ := qqSandbox(t)
	code := qqAuthorize(t, s, "get_user_info")
	body, _ := qqToken(t, s, qqCodeQuery(code))
	v, err := url.ParseQuery(body)
	require.NoError(t, err)
	c := Credentials{AccessToken: v.Get("access_token"), OpenID: "B5C3A8E1F0D24977A1C6E3B2D9F08A14"}
	m := qqAPI(t, s, http.MethodGet, "/user/get_user_info", c, nil) // checks text/html
	qqWantRet(t, m, 0)
	assert.Equal(t, "", m["msg"])
	assert.Equal(t, "沙盒小Q", m["nickname"])
	assert.Equal(t, "男", m["gender"])
	assert.Equal(t, "1", m["is_yellow_vip"])
	assert.Equal(t, "7", m["yellow_vip_level"])
	assert.Equal(t, "http://thirdqq.qlogo.cn/qqapp/101234567/B5C3A8E1F0D24977A1C6E3B2D9F08A14/40", m["figureurl_qq_1"])
	// the code granted get_user_info only
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/photo/list_album", c, nil), 100030)
}

func TestQQCommonParameterChecks(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	other, err := s.IssueToken(QQ, TokenOptions{UserID: "2"})
	require.NoError(t, err)
	get := func(params url.Values) map[string]any {
		t.Helper()
		status, ct, body, err := qqDo(http.MethodGet, s.URL(QQ)+"/user/get_user_info?"+params.Encode(), "", nil)
		require.NoError(t, err)
		m, err := qqDecode("/user/get_user_info", status, ct, body)
		require.NoError(t, err)
		return m
	}
	without := func(k string) url.Values { q := qqCommon(c, nil); q.Del(k); return q }
	with := func(k, v string) url.Values { q := qqCommon(c, nil); q.Set(k, v); return q }

	m := get(without("access_token"))
	qqWantRet(t, m, 1002)
	assert.Equal(t, "请先登录", m["msg"])
	qqWantRet(t, get(without("openid")), -1)
	qqWantRet(t, get(with("openid", other.OpenID)), -1)
	qqWantRet(t, get(without("oauth_consumer_key")), -1)
	qqWantRet(t, get(with("oauth_consumer_key", "100000001")), 100016)
	qqWantRet(t, get(with("format", "xml")), -1)
	qqWantRet(t, get(with("access_token", "0123456789ABCDEF0123456789ABCDEF")), 100016)
	qqWantRet(t, get(with("access_token", "short")), 100013)
	qqWantRet(t, get(qqCommon(c, nil)), 0)
	qqWantRet(t, get(without("format")), 0) // json is the default

	// verbs: GET for get_/list_, POST for the rest
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/t/add_t", c, url.Values{"content": {"hi"}}), 100012)
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/user/get_user_info", c, nil), 100029)

	status, ct, body, err := qqDo(http.MethodGet, s.URL(QQ)+"/user/get_nothing?"+qqCommon(c, nil).Encode(), "", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, status)
	m, err = qqDecode("/user/get_nothing", status, ct, body)
	require.NoError(t, err)
	qqWantRet(t, m, -9)
}

func TestQQEveryAPIOfTheListIsCallable(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	pic := qqTestPNG(t, 4, 4, 1)
	mine := qqAPI(t, s, http.MethodPost, "/t/add_t", c, url.Values{"content": {"to delete"}})["data"].(map[string]any)["id"].(string)
	params := map[string]url.Values{
		"/photo/add_album":     {"albumname": {"新相册"}},
		"/photo/list_photo":    {"albumid": {"V10SBX00000001"}},
		"/t/add_t":             {"content": {"hello"}},
		"/t/del_t":             {"id": {mine}},
		"/t/get_repost_list":   {"flag": {"2"}, "rootid": {"1000000001"}},
		"/user/get_other_info": {"name": {"wbuser01"}},
		"/relation/add_idol":   {"name": {"wbuser01"}},
		"/relation/del_idol":   {"name": {"wbuser30"}},
	}
	uploads := map[string]string{"/photo/upload_pic": "picture", "/t/add_pic_t": "pic"}
	require.Len(t, qqAPIs(), 18, "the API list of QQ Connect")
	for path, m := range qqAPIs() {
		var reply map[string]any
		if field, ok := uploads[path]; ok {
			reply = qqUpload(t, s, path, c, url.Values{"content": {"pic"}}, field, pic)
		} else {
			verb := http.MethodGet
			if m.post {
				verb = http.MethodPost
			}
			reply = qqAPI(t, s, verb, path, c, params[path])
		}
		assert.Equal(t, float64(0), reply["ret"], "%s: %v", path, reply)
	}

	// the scope list guards each method
	narrow, err := s.IssueToken(QQ, TokenOptions{Scope: []string{"get_user_info"}})
	require.NoError(t, err)
	for path, m := range qqAPIs() {
		if m.scope == "get_user_info" {
			continue
		}
		verb := http.MethodGet
		if m.post {
			verb = http.MethodPost
		}
		assert.Equal(t, float64(100030), qqAPI(t, s, verb, path, narrow, nil)["ret"], "%s without scope %s", path, m.scope)
	}
}

// qqUpload POSTs a multipart call with the common parameters as fields.
func qqUpload(t *testing.T, s *Server, path string, c Credentials, params url.Values, field string, data []byte) map[string]any {
	t.Helper()
	body, ctype := qqTestMultipart(t, qqCommon(c, params), field, "photo.png", data)
	status, ct, reply, err := qqDo(http.MethodPost, s.URL(QQ)+path, ctype, body)
	require.NoError(t, err)
	m, err := qqDecode(path, status, ct, reply)
	require.NoError(t, err)
	return m
}

func TestQQUploadPicArrivesWhole(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	pic := qqTestPNG(t, 400, 300, 7) // about 360 kB
	sum := md5.Sum(pic)
	m := qqUpload(t, s, "/photo/upload_pic", c, url.Values{"photodesc": {"噪点"}, "albumid": {"V10SBX00000002"}}, "picture", pic)
	qqWantRet(t, m, 0)
	assert.Equal(t, float64(len(pic)), m["size"])
	assert.Equal(t, hex.EncodeToString(sum[:]), m["md5"])
	assert.Equal(t, float64(400), m["width"])
	assert.Equal(t, float64(300), m["height"])
	assert.Equal(t, "V10SBX00000002", m["albumid"])
	assert.NotEmpty(t, m["lloc"])

	list := qqAPI(t, s, http.MethodGet, "/photo/list_photo", c, url.Values{"albumid": {"V10SBX00000002"}})
	photos, _ := list["photos"].([]any)
	require.Len(t, photos, 2)
	assert.Equal(t, float64(2), list["total"])
	assert.Equal(t, m["lloc"], photos[1].(map[string]any)["lloc"])
	assert.Equal(t, "噪点", photos[1].(map[string]any)["desc"])

	qqWantRet(t, qqUpload(t, s, "/photo/upload_pic", c, nil, "picture", []byte("not an image")), -1)
	qqWantRet(t, qqUpload(t, s, "/photo/upload_pic", c, nil, "pic", pic), -1) // wrong field
	qqWantRet(t, qqUpload(t, s, "/photo/upload_pic", c, url.Values{"albumid": {"V10SBX00000003"}}, "picture", pic), -1)

	tw := qqUpload(t, s, "/t/add_pic_t", c, url.Values{"content": {"带图"}}, "pic", pic)
	qqWantRet(t, tw, 0)
	data, _ := tw["data"].(map[string]any)
	assert.Equal(t, float64(len(pic)), data["size"])
	assert.Equal(t, hex.EncodeToString(sum[:]), data["md5"])
}

func TestQQAlbums(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	m := qqAPI(t, s, http.MethodPost, "/photo/add_album", c, url.Values{"albumname": {"新相册"}, "priv": {"3"}})
	qqWantRet(t, m, 0)
	assert.Equal(t, float64(3), m["priv"])
	list := qqAPI(t, s, http.MethodGet, "/photo/list_album", c, nil)
	albums, _ := list["album"].([]any)
	require.Len(t, albums, 3)
	assert.Equal(t, float64(3), list["albumnum"])
	assert.Equal(t, m["albumid"], albums[2].(map[string]any)["albumid"])

	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/photo/add_album", c, url.Values{"albumname": {"x"}, "priv": {"2"}}), -1)
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/photo/add_album", c, nil), -1)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/photo/list_photo", c, nil), -1)
}

func TestQQTweets(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	add := qqAPI(t, s, http.MethodPost, "/t/add_t", c, url.Values{"content": {"第一条"}})
	qqWantRet(t, add, 0)
	assert.Equal(t, float64(0), add["errcode"])
	assert.Equal(t, "ok", add["msg"])
	id := add["data"].(map[string]any)["id"].(string)

	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/t/del_t", c, url.Values{"id": {id}}), 0)
	del := qqAPI(t, s, http.MethodPost, "/t/del_t", c, url.Values{"id": {id}})
	qqWantRet(t, del, 4)
	assert.Equal(t, float64(6), del["errcode"], "no such record")
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/t/del_t", c, url.Values{"id": {"1000000002"}}), 4) // someone else's

	long := qqAPI(t, s, http.MethodPost, "/t/add_t", c, url.Values{"content": {strings.Repeat("字", 141)}})
	qqWantRet(t, long, 4)
	assert.Equal(t, float64(8), long["errcode"], "141 characters are 423 bytes")
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/t/add_t", c, url.Values{"content": {strings.Repeat("字", 140)}}), 0)
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/t/add_t", c, nil), 1)

	info := qqAPI(t, s, http.MethodGet, "/user/get_info", c, nil)["data"].(map[string]any)
	assert.Equal(t, "sandbox_q", info["name"])
	assert.Equal(t, float64(25), info["fansnum"])
	assert.Equal(t, float64(12), info["idolnum"])
	assert.Equal(t, float64(2), info["tweetnum"], "the seeded tweet and the 140-character one")

	other := qqAPI(t, s, http.MethodGet, "/user/get_other_info", c, url.Values{"fopenid": {"6F1E2D3C4B5A69788796A5B4C3D2E1F0"}})
	assert.Equal(t, "Lily", other["data"].(map[string]any)["nick"])
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/user/get_other_info", c, nil), 1)
}

// qqListPage calls a weibo list and returns its length and hasnext.
func qqListPage(t *testing.T, s *Server, c Credentials, path string, params url.Values) (int, float64) {
	t.Helper()
	m := qqAPI(t, s, http.MethodGet, path, c, params)
	qqWantRet(t, m, 0)
	d := m["data"].(map[string]any)
	return len(d["info"].([]any)), d["hasnext"].(float64)
}

func TestQQRelations(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	// 25 fans, pages of at most 30; hasnext 0 means more to fetch
	n, more := qqListPage(t, s, c, "/relation/get_fanslist", url.Values{"reqnum": {"10"}, "startindex": {"0"}})
	assert.Equal(t, 10, n)
	assert.Equal(t, float64(0), more)
	n, more = qqListPage(t, s, c, "/relation/get_fanslist", url.Values{"reqnum": {"10"}, "startindex": {"20"}})
	assert.Equal(t, 5, n)
	assert.Equal(t, float64(1), more)
	n, _ = qqListPage(t, s, c, "/relation/get_fanslist", nil)
	assert.Equal(t, 25, n, "reqnum defaults to 30")
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/relation/get_fanslist", c, url.Values{"reqnum": {"31"}}), 1)

	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/relation/add_idol", c,
		url.Values{"fopenids": {"A0B1C2D3E4F5A6B7C8D9000000000001_A0B1C2D3E4F5A6B7C8D9000000000002"}}), 0)
	n, _ = qqListPage(t, s, c, "/relation/get_idollist", nil)
	assert.Equal(t, 14, n, "12 idols and 2 added")
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/relation/del_idol", c, url.Values{"name": {"wbuser01"}}), 0)
	n, _ = qqListPage(t, s, c, "/relation/get_idollist", nil)
	assert.Equal(t, 13, n)
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/relation/add_idol", c, url.Values{"name": {"nobody"}}), 1)
	qqWantRet(t, qqAPI(t, s, http.MethodPost, "/relation/add_idol", c, url.Values{"name": {"sandbox_q"}}), 1)
}

func TestQQRepostList(t *testing.T) {
	s, _ := qqSandbox(t)
	c := s.Token(QQ)
	root := url.Values{"rootid": {"1000000001"}}
	with := func(kv ...string) url.Values {
		q := url.Values{"rootid": root["rootid"]}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return q
	}
	// 25 reposts and comments: every third is a comment
	n, _ := qqListPage(t, s, c, "/t/get_repost_list", with("flag", "1"))
	assert.Equal(t, 8, n, "comments")
	n, _ = qqListPage(t, s, c, "/t/get_repost_list", with("flag", "0", "reqnum", "100"))
	assert.Equal(t, 17, n, "reposts")

	d := qqAPI(t, s, http.MethodGet, "/t/get_repost_list", c, with("flag", "2"))["data"].(map[string]any)
	first := d["info"].([]any)
	require.Len(t, first, 20, "reqnum defaults to 20")
	assert.Equal(t, float64(0), d["hasnext"])
	assert.Equal(t, float64(25), d["totalnum"])
	assert.Equal(t, "1000000026", first[0].(map[string]any)["id"], "newest first")
	last := first[len(first)-1].(map[string]any)["id"].(string)
	n, more := qqListPage(t, s, c, "/t/get_repost_list", with("flag", "2", "pageflag", "1", "twitterid", last))
	assert.Equal(t, 5, n)
	assert.Equal(t, float64(1), more)

	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/t/get_repost_list", c, with("flag", "3")), 1)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/t/get_repost_list", c, url.Values{"flag": {"0"}}), 1)
	qqWantRet(t, qqAPI(t, s, http.MethodGet, "/t/get_repost_list", c, url.Values{"flag": {"0"}, "rootid": {"42"}}), 4)
}
