package sandbox

// Every example of seeds 001 (python-weixin), 003 (QQ Connect's API list)
// and 004 (Kaixin's friends/me page), replayed over raw HTTP as a
// third-party client sends it, against records the sandbox seeds.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wxGetJSON GETs a WeChat API URL and decodes the reply.
func wxGetJSON(t *testing.T, u string) map[string]any {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return m
}

// wxFirstH4 is what python-weixin's error_parser reads of an error page.
var wxFirstH4 = regexp.MustCompile(`<h4[^>]*>([^<]*)</h4>`)

func TestSeedWeixinExamples(t *testing.T) {
	s, _ := wxSandbox(t)
	base := s.URL(Weixin)
	cb := "http://your_domain.com/redirect_uri"
	// get_authorize_url(scope=("snsapi_login",)): python-weixin sorts the
	// parameters (url_encode(sort=True)) and sends no state.
	link := func(appid string) string {
		return base + "/connect/qrconnect?" + url.Values{"appid": {appid}, "redirect_uri": {cb},
			"response_type": {"code"}, "scope": {"snsapi_login"}}.Encode()
	}
	var tok map[string]any
	cases := []struct {
		call  string
		check func(t *testing.T)
	}{
		{`api.get_authorize_login_url(scope=("snsapi_login",)) with a bad appid`, func(t *testing.T) {
			resp, err := http.Get(link("wx0000000000000000"))
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// python-weixin reads an error page only under 500 bytes and keys
			// on the first <h4>'s text.
			n, err := strconv.Atoi(resp.Header.Get("Content-Length"))
			require.NoError(t, err)
			assert.Less(t, n, 500)
			h4 := wxFirstH4.FindStringSubmatch(string(body))
			require.Len(t, h4, 2, string(body))
			assert.Equal(t, "AppID 参数错误", h4[1])
		}},
		{`api.exchange_code_for_access_token(code=code)`, func(t *testing.T) {
			resp, err := wxNoRedirect.Get(link(wxAppID))
			require.NoError(t, err)
			resp.Body.Close()
			loc, err := resp.Location()
			require.NoError(t, err)
			tok = wxGetJSON(t, base+"/sns/oauth2/access_token?"+url.Values{"appid": {wxAppID}, "code": {loc.Query().Get("code")},
				"secret": {wxAppSecret}, "redirect_uri": {cb}, "grant_type": {"authorization_code"}}.Encode())
			for _, k := range []string{"access_token", "refresh_token", "openid", "scope"} {
				assert.NotEmpty(t, tok[k], tok)
			}
			assert.EqualValues(t, 7200, tok["expires_in"])
		}},
		{`api.exchange_refresh_token_for_access_token(refresh_token=...)`, func(t *testing.T) {
			r := wxGetJSON(t, base+"/sns/oauth2/refresh_token?"+url.Values{"appid": {wxAppID},
				"refresh_token": {tok["refresh_token"].(string)}, "grant_type": {"refresh_token"}}.Encode())
			assert.Equal(t, tok["openid"], r["openid"], r)
			assert.NotEmpty(t, r["access_token"])
		}},
		{`WeixinAPI(access_token=...).user(openid=...)`, func(t *testing.T) {
			r := wxGetJSON(t, base+"/sns/userinfo?"+url.Values{"access_token": {tok["access_token"].(string)},
				"openid": {tok["openid"].(string)}}.Encode())
			assert.Equal(t, tok["openid"], r["openid"], r)
			assert.NotEmpty(t, r["nickname"])
		}},
		{`api.validate_token(openid=...)`, func(t *testing.T) {
			r := wxGetJSON(t, base+"/sns/auth?"+url.Values{"access_token": {tok["access_token"].(string)},
				"openid": {tok["openid"].(string)}}.Encode())
			assert.EqualValues(t, 0, r["errcode"], r)
			assert.Equal(t, "ok", r["errmsg"])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.call, tc.check)
	}
}

func TestSeedQQExamples(t *testing.T) {
	s, _ := qqSandbox(t)
	peter, err := s.IssueToken(QQ, TokenOptions{UserID: "942FEA70050EEAFBD4DCE2C1FC775E56"})
	require.NoError(t, err)

	// 3.3: GET https://graph.qq.com/user/get_user_info?access_token&oauth_consumer_key&openid
	q := url.Values{"access_token": {peter.AccessToken}, "oauth_consumer_key": {qqAppID}, "openid": {peter.OpenID}}
	status, ct, body, err := qqDo(http.MethodGet, s.URL(QQ)+"/user/get_user_info?"+q.Encode(), "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, qqHTML, ct)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	// 3.6: the sample reply, whose user the sandbox seeds
	want := map[string]any{"ret": 0.0, "msg": "", "nickname": "Peter", "gender": "男", "is_yellow_vip": "1",
		"vip": "1", "yellow_vip_level": "7", "level": "7", "is_yellow_year_vip": "1"}
	for k, v := range want {
		assert.Equal(t, v, m[k], k)
	}
	for _, k := range []string{"figureurl", "figureurl_1", "figureurl_2", "figureurl_qq_1", "figureurl_qq_2"} {
		assert.Contains(t, m[k], "942FEA70050EEAFBD4DCE2C1FC775E56", k)
	}

	// 3.7: the sample error, a call without a token
	q.Del("access_token")
	_, _, body, err = qqDo(http.MethodGet, s.URL(QQ)+"/user/get_user_info?"+q.Encode(), "", nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"ret":1002,"msg":"请先登录"}`, body)
}

func TestSeedKaixinFriendsMeExample(t *testing.T) {
	s, clock := kxSandbox(t)
	// The example's token belongs to user 100003084, whose one friend is the
	// example's 刘二.
	sg := kxOAuth1Signer(t, s, clock, TokenOptions{UserID: "100003084", Scope: []string{
		"basic", "friends_birthday", "friends_blood", "friends_marriage", "friends_intro", "friends_education", "friends_career"}})
	fields := "uid,name,gender,hometown,city,status,logo120,logo50,birthday,blood,marriage,trainwith,interest," +
		"favbook,favmovie,favtv,idol,motto,wishlist,intro,education,career,isStar"
	u := s.URL(Kaixin) + "/friends/me.json?fields=" + url.QueryEscape(fields)
	// the example sends every oauth_* parameter in the query
	q := url.Values{}
	for k, v := range sg.sign("GET", u, nil, nil) {
		q.Set(k, v)
	}
	r := kxDo(t, kxNewRequest(t, "GET", u+"&"+q.Encode(), nil))
	require.Equal(t, http.StatusOK, r.status, r.body)
	var got struct {
		Users []map[string]any `json:"users"`
		Total string           `json:"total"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.body), &got))
	assert.Equal(t, "1", got.Total)
	require.Len(t, got.Users, 1)
	want := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(`{
        "uid": "47002", "name": "刘二", "gender": "0", "hometown": "北京", "city": "北京", "status": "2",
        "logo120": "http://pic.kaixin008.com.cn/logo/4/70/120_47002_1.jpg",
        "logo50": "http://pic.kaixin008.com.cn/logo/4/70/50_47002_1.jpg",
        "birthday": "1780-10-10", "blood": "1", "marriage": "1", "trainwith": "迈克尔 乔丹", "interest": "打篮球",
        "favbook": "武侠 金庸大叔的书", "favmovie": "美国大片", "favtv": "美剧和动画片", "idol": "迈克尔 乔丹",
        "motto": "爱拼才会赢", "wishlist": "买个车子,卡丁车", "intro": "啦啦啦啦啦啦啦",
        "education": [{"schooltype": "0", "school": "北京大学", "class": "金融 11", "year": "2010"}],
        "career": [{"company": "开心网", "dept": "技术", "beginyear": "2010", "beginmonth": "10", "endyear": "", "endmonth": ""}],
        "isStar": "0"}`), &want))
	assert.Equal(t, want, got.Users[0], "the seed's example reply, field for field")
}
