package platforms_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// kaixinFriends is a friends/me reply shaped like the seed's example.
const kaixinFriends = `{"users":[` +
	`{"uid":"47002","name":"刘二","gender":"0","logo50":"http://pic.kaixin008.com.cn/logo/4/70/50_47002_1.jpg","isStar":"0",` +
	`"education":[{"schooltype":"0","school":"北京大学","class":"金融 11","year":"2010"}]},` +
	`{"uid":"47003","name":"张三","gender":"1","logo50":"http://pic.kaixin008.com.cn/logo/4/70/50_47003_1.jpg","isStar":"0"}` +
	`],"total":"2"}`

const kaixinToken = "kx-access-token-0123456789"

func kaixinAPI(t *testing.T, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	return newAPI(t, platforms.Kaixin(), s, "/kx", opts...)
}

// kaixinOddCred is a credential kind Kaixin does not take.
type kaixinOddCred struct{}

func (kaixinOddCred) Kind() string { return "odd" }

func TestKaixinNameAndHosts(t *testing.T) {
	p := platforms.Kaixin()
	assert.Equal(t, "kaixin", p.Name())
	assert.Equal(t, "https://api.kaixin001.com/", platforms.KaixinAPIURL)
	assert.Equal(t, "http://api.kaixin001.com/oauth/", platforms.KaixinOAuth1URL)
	assert.Equal(t, "https://api.kaixin001.com/oauth2/", platforms.KaixinOAuth2URL)
}

func TestKaixinPathAndVerb(t *testing.T) {
	s := newServer(t, fixed(`{"result":"1"}`))
	api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
	cases := []struct {
		method, force, path, verb string
	}{
		{"friends.me", "", "/kx/friends/me.json", "GET"},
		{"users.me", "", "/kx/users/me.json", "GET"},
		{"users.show", "", "/kx/users/show.json", "GET"},
		{"album.show", "", "/kx/album/show.json", "GET"},
		{"photo.getInfo", "", "/kx/photo/getInfo.json", "GET"},
		{"app.get_status", "", "/kx/app/get_status.json", "GET"},
		{"comment.list", "", "/kx/comment/list.json", "GET"},
		{"comment.list_mine", "", "/kx/comment/list_mine.json", "GET"},
		{"rgroup.talk.show", "", "/kx/rgroup/talk/show.json", "GET"},
		{"records.add", "", "/kx/records/add.json", "POST"},
		{"records.delete", "", "/kx/records/delete.json", "POST"},
		{"album.create", "", "/kx/album/create.json", "POST"},
		{"photo.upload", "", "/kx/photo/upload.json", "POST"},
		{"message.send", "", "/kx/message/send.json", "POST"},
		{"users.visitors", "", "/kx/users/visitors.json", "POST"},                       // anything else
		{"game_friends.request_list", "", "/kx/game_friends/request_list.json", "POST"}, // list is not a prefix
		{"friends.meet", "", "/kx/friends/meet.json", "POST"},                           // me only as the whole name
		{"users.visitors", "GET", "/kx/users/visitors.json", "GET"},                     // a forced verb wins
		{"friends.me", "POST", "/kx/friends/me.json", "POST"},
	}
	for _, c := range cases {
		t.Run(c.method+"/"+c.force, func(t *testing.T) {
			call := api.Method(c.method)
			if c.force != "" {
				call = call.WithVerb(c.force)
			}
			res, err := call.Do(snskit.Params{"k": "v"})
			require.NoError(t, err)
			assert.Equal(t, "1", res.Get("result").String())
			got := s.last(t)
			assert.Equal(t, c.path, got.Path)
			assert.Equal(t, c.verb, got.Method)
			if c.verb == "GET" {
				assert.Equal(t, "v", got.Query.Get("k"))
				assert.Empty(t, got.Body)
			} else {
				assert.Equal(t, "v", got.Form.Get("k"))
				assert.False(t, got.Query.Has("k"), "POST params go in the body")
			}
		})
	}
}

func TestKaixinFriendsMeParamsAndResult(t *testing.T) {
	s := newServer(t, fixed(kaixinFriends))
	api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
	res, err := api.Method("friends.me").Do(snskit.Params{
		"fields": []string{"uid", "name", "logo50"}, "start": 0, "num": 20, "gid": int64(7), "online": true,
	})
	require.NoError(t, err)

	got := s.last(t)
	assert.Equal(t, "GET", got.Method)
	assert.Equal(t, "uid,name,logo50", got.Query.Get("fields"))
	assert.Equal(t, "0", got.Query.Get("start"))
	assert.Equal(t, "20", got.Query.Get("num"))
	assert.Equal(t, "7", got.Query.Get("gid"))
	assert.Equal(t, "true", got.Query.Get("online"))

	users := res.Get("users").Array()
	require.Len(t, users, 2)
	assert.Equal(t, "47002", users[0].Get("uid").String())
	assert.Equal(t, int64(47002), users[0].Get("uid").Int(), "numbers come as strings")
	assert.Equal(t, "刘二", users[0].Get("name").String())
	assert.Equal(t, "北京大学", users[0].Get("education.0.school").String())
	assert.Equal(t, int64(2), res.Get("total").Int())
}

func TestKaixinListResultIsKept(t *testing.T) {
	s := newServer(t, fixed(`[{"gid":"1","name":"同学"}]`))
	api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
	res, err := api.Method("friends.groups").WithVerb("GET").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "同学", res.Get("0.name").String())
}

func TestKaixinOAuth2Placement(t *testing.T) {
	s := newServer(t, fixed(`{"result":"1"}`))
	api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))

	_, err := api.Method("friends.me").Do(nil)
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, kaixinToken, got.Query.Get("access_token"))
	assert.Empty(t, got.Header.Get("Authorization"))

	_, err = api.Method("records.add").Do(snskit.Params{"content": "hi"})
	require.NoError(t, err)
	got = s.last(t)
	assert.Equal(t, kaixinToken, got.Form.Get("access_token"))
	assert.Empty(t, got.Query, "the token of a POST stays out of the URL")

	_, err = api.Method("photo.upload").Do(snskit.Params{"albumid": 1, "pic": snskit.Upload("a.png", strings.NewReader("PNG"))})
	require.NoError(t, err)
	got = s.last(t)
	assert.Equal(t, kaixinToken, got.Form.Get("access_token"))
	assert.Empty(t, got.Query)
}

func TestKaixinTokenSource(t *testing.T) {
	s := newServer(t, fixed(`{"result":"1"}`))
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "from-a-token-source"})
	api := kaixinAPI(t, s, snskit.WithAuth(auth.TokenSource(src)))
	_, err := api.Method("users.me").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "from-a-token-source", s.last(t).Query.Get("access_token"))
}

func TestKaixinCallOwnAccessTokenWins(t *testing.T) {
	s := newServer(t, fixed(`{"result":"1"}`))
	api := kaixinAPI(t, s) // no credential
	_, err := api.Method("users.me").Do(snskit.Params{"access_token": "own-token-1234"})
	require.NoError(t, err)
	assert.Equal(t, "own-token-1234", s.last(t).Query.Get("access_token"))

	signed := kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts")))
	_, err = signed.Method("users.me").Do(snskit.Params{"access_token": "own-token-1234"})
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, "own-token-1234", got.Query.Get("access_token"))
	assert.False(t, got.Query.Has("oauth_signature"), "a call's own token replaces the credential")
}

func TestKaixinSessionKey(t *testing.T) {
	s := newServer(t, fixed(`{"result":"1"}`))
	api := kaixinAPI(t, s, snskit.WithAuth(auth.Session("session-key-0001")), snskit.WithApp("app-key", "app-secret-xyz"))

	_, err := api.Method("users.me").Do(nil)
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, "session-key-0001", got.Query.Get("session_key"))
	assert.Equal(t, "app-key", got.Query.Get("api_key"))
	assert.False(t, got.Query.Has("access_token"))

	_, err = api.Method("records.add").Do(snskit.Params{"content": "hi"})
	require.NoError(t, err)
	got = s.last(t)
	assert.Equal(t, "session-key-0001", got.Form.Get("session_key"))
	assert.Equal(t, "app-key", got.Form.Get("api_key"))
	assert.Empty(t, got.Query)
	assert.NotContains(t, got.Body, "app-secret-xyz", "the app secret is never sent")

	// Without the app key, nothing is sent.
	s2 := newServer(t, fixed(`{}`))
	noApp := kaixinAPI(t, s2, snskit.WithAuth(auth.Session("session-key-0001")))
	_, err = noApp.Method("users.me").Do(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "snskit.WithApp")
	assert.NotContains(t, err.Error(), "session-key-0001")
	assert.Empty(t, s2.requests())
}

func TestKaixinRefusedBeforeSending(t *testing.T) {
	var nilSession *auth.SessionKey
	var nilOAuth1 *auth.OAuth1
	cases := []struct {
		name   string
		opts   []snskit.Option
		method string
		params snskit.Params
		verb   string
		want   string
	}{
		{"no credential", nil, "friends.me", nil, "", "snskit.WithAuth"},
		{"wrong kind", []snskit.Option{snskit.WithAuth(kaixinOddCred{})}, "friends.me", nil, "", "cannot use the credential given (odd)"},
		{"nil session key", []snskit.Option{snskit.WithAuth(nilSession), snskit.WithApp("k", "")}, "friends.me", nil, "", "session key is empty"},
		{"empty session key", []snskit.Option{snskit.WithAuth(auth.Session("")), snskit.WithApp("k", "")}, "friends.me", nil, "", "session key is empty"},
		{"nil oauth1", []snskit.Option{snskit.WithAuth(nilOAuth1)}, "friends.me", nil, "", "needs a credential"},
		{"oauth1 without token", []snskit.Option{snskit.WithAuth(auth.OAuth1Token("ck", "cs", "", ""))}, "friends.me", nil, "", "consumer key and an access token"},
		{"oauth1 param in the way", []snskit.Option{snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts"))}, "friends.me", snskit.Params{"oauth_nonce": "x"}, "", `"oauth_nonce"`},
		{"file under another field", []snskit.Option{snskit.WithAuth(auth.Token(kaixinToken))}, "photo.upload",
			snskit.Params{"file": snskit.Upload("a.jpg", strings.NewReader("x"))}, "", "pic, image, attachment"},
		{"file with forced GET", []snskit.Option{snskit.WithAuth(auth.Token(kaixinToken))}, "photo.upload",
			snskit.Params{"pic": snskit.Upload("a.jpg", strings.NewReader("x"))}, "GET", "POST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, fixed(`{"result":"1"}`))
			call := kaixinAPI(t, s, c.opts...).Method(c.method)
			if c.verb != "" {
				call = call.WithVerb(c.verb)
			}
			_, err := call.Do(c.params)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), "snskit: "), err.Error())
			assert.Empty(t, s.requests(), "nothing may be sent")
		})
	}
}

func TestKaixinUploads(t *testing.T) {
	s := newServer(t, fixed(`{"pid":"99"}`))
	api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))

	res, err := api.Method("photo.upload").Do(snskit.Params{
		"albumid": 12, "title": "猫", "pic": snskit.Upload("cat.jpg", strings.NewReader("JPEG-BYTES")),
	})
	require.NoError(t, err)
	assert.Equal(t, "99", res.Get("pid").String())
	got := s.last(t)
	assert.Equal(t, "POST", got.Method)
	assert.Equal(t, "/kx/photo/upload.json", got.Path)
	require.Contains(t, got.Files, "pic")
	assert.Equal(t, "cat.jpg", got.Files["pic"].Name)
	assert.Equal(t, "JPEG-BYTES", got.Files["pic"].Content)
	assert.Equal(t, "12", got.Form.Get("albumid"))
	assert.Equal(t, "猫", got.Form.Get("title"))

	// A method outside the verb rule is still POSTed when it carries a file.
	_, err = api.Method("records.me").Do(snskit.Params{"image": snskit.Upload("i.gif", strings.NewReader("GIF"))})
	require.NoError(t, err)
	got = s.last(t)
	assert.Equal(t, "POST", got.Method)
	assert.Equal(t, "GIF", got.Files["image"].Content)

	_, err = api.Method("message.send").Do(snskit.Params{
		"content": "hi", "fuids": []int{1, 2},
		"attachment":  snskit.Upload("a.txt", strings.NewReader("first")),
		"attachment1": snskit.Upload("b.txt", strings.NewReader("second")),
	})
	require.NoError(t, err)
	got = s.last(t)
	assert.Equal(t, "first", got.Files["attachment"].Content)
	assert.Equal(t, "second", got.Files["attachment1"].Content)
	assert.Equal(t, "1,2", got.Form.Get("fuids"))
}

// kaixinEnc percent-encodes as RFC 3986 (unreserved characters kept), built
// on net/url rather than on auth's encoder.
func kaixinEnc(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// kaixinHMAC is HMAC-SHA1 of base with the key cs&ts, base64-encoded.
func kaixinHMAC(base, cs, ts string) string {
	mac := hmac.New(sha1.New, []byte(kaixinEnc(cs)+"&"+kaixinEnc(ts)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// kaixinSignature recomputes, as a server would, the OAuth 1.0a signature of
// a received request for baseURI, and returns the one sent beside it. The
// form body counts only when urlencoded; an Authorization: OAuth header
// counts too. It runs in server handlers, so it reports a malformed header
// by a want that no signature equals rather than through t.
func kaixinSignature(sn seen, baseURI, cs, ts string) (sent, want string) {
	params := url.Values{}
	for k, vs := range sn.Query {
		params[k] = append(params[k], vs...)
	}
	if strings.HasPrefix(sn.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		for k, vs := range sn.Form {
			params[k] = append(params[k], vs...)
		}
	}
	if h, ok := strings.CutPrefix(sn.Header.Get("Authorization"), "OAuth "); ok {
		for _, part := range strings.Split(h, ",") {
			k, v, found := strings.Cut(strings.TrimSpace(part), "=")
			k, err1 := url.PathUnescape(k)
			v, err2 := url.PathUnescape(strings.Trim(v, `"`))
			if !found || err1 != nil || err2 != nil {
				return params.Get("oauth_signature"), "malformed Authorization header"
			}
			params.Add(k, v)
		}
	}
	sent = params.Get("oauth_signature")
	params.Del("oauth_signature")
	var pairs []string
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, kaixinEnc(k)+"="+kaixinEnc(v))
		}
	}
	sort.Strings(pairs)
	base := sn.Method + "&" + kaixinEnc(baseURI) + "&" + kaixinEnc(strings.Join(pairs, "&"))
	return sent, kaixinHMAC(base, cs, ts)
}

func kaixinFixedOAuth1(ts int64, nonce string) []snskit.Option {
	return []snskit.Option{
		snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts")),
		snskit.WithClock(func() time.Time { return time.Unix(ts, 0) }),
		snskit.WithNonce(func() string { return nonce }),
	}
}
