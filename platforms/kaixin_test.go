package platforms_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
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

func TestKaixinOAuth1ReferenceVector(t *testing.T) {
	api, err := snskit.New(platforms.Kaixin(), kaixinFixedOAuth1(1, "n")...) // no base URL: the real URL is signed
	require.NoError(t, err)
	req, err := api.Method("users.me").Request(context.Background(), snskit.Params{"fields": []string{"uid", "name"}})
	require.NoError(t, err)

	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "https", req.URL.Scheme)
	assert.Equal(t, "api.kaixin001.com", req.URL.Host)
	assert.Equal(t, "/users/me.json", req.URL.Path)
	q := req.URL.Query()
	assert.Equal(t, "Zqluy7e80d2iurVHIi96va2jUnw=", q.Get("oauth_signature"))
	assert.Equal(t, "uid,name", q.Get("fields"))
	assert.Equal(t, "ck", q.Get("oauth_consumer_key"))
	assert.Equal(t, "n", q.Get("oauth_nonce"))
	assert.Equal(t, "1", q.Get("oauth_timestamp"))
	assert.Equal(t, "tk", q.Get("oauth_token"))
	assert.Equal(t, "HMAC-SHA1", q.Get("oauth_signature_method"))
	assert.Equal(t, "1.0", q.Get("oauth_version"))
	assert.Len(t, q, 8, "nothing else, secrets least of all: %v", q)
	assert.Empty(t, req.Header.Get("Authorization"))
	assert.True(t, req.Body == nil || req.Body == http.NoBody)
}

func TestKaixinOAuth1PostVector(t *testing.T) {
	api, err := snskit.New(platforms.Kaixin(), kaixinFixedOAuth1(1300000000, "abc")...)
	require.NoError(t, err)
	req, err := api.Method("records.add").Request(context.Background(), snskit.Params{"content": "Hi 开心!", "save_to_album": 1})
	require.NoError(t, err)
	require.Equal(t, "POST", req.Method)
	assert.Empty(t, req.URL.RawQuery, "the oauth_* params of a form POST go in the body")
	assert.Equal(t, "application/x-www-form-urlencoded", req.Header.Get("Content-Type"))
	body, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	form, err := url.ParseQuery(string(body))
	require.NoError(t, err)

	// The base string, written out by hand.
	const base = "POST&https%3A%2F%2Fapi.kaixin001.com%2Frecords%2Fadd.json&" +
		"content%3DHi%2520%25E5%25BC%2580%25E5%25BF%2583%2521%26oauth_consumer_key%3Dck%26oauth_nonce%3Dabc" +
		"%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1300000000%26oauth_token%3Dtk" +
		"%26oauth_version%3D1.0%26save_to_album%3D1"
	want := kaixinHMAC(base, "cs", "ts")
	assert.Equal(t, "SKWg08KBfnwYXR41Bs3fEjntE88=", want, "the hand-written vector itself")
	assert.Equal(t, want, form.Get("oauth_signature"))
	assert.Equal(t, "Hi 开心!", form.Get("content"))
	assert.Equal(t, "1300000000", form.Get("oauth_timestamp"))
	assert.Equal(t, "abc", form.Get("oauth_nonce"))
}

func TestKaixinOAuth1SignsTheURLSent(t *testing.T) {
	const cs, ts = "consumer-secret-0001", "token-secret-0001"
	s := newServer(t, func(sn seen) reply {
		// Recompute the signature over the URL this server was reached at.
		sent, want := kaixinSignature(sn, "http://"+sn.Host+sn.Path, cs, ts)
		if sent == "" || sent != want {
			return reply{Status: 401, Body: `{"error_code":"401","error":"signature mismatch","request":"` + sn.Path + `"}`}
		}
		return reply{Body: `{"result":"1"}`}
	})
	api := kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", cs, "user-token-0001", ts)))

	cases := []struct {
		name, method string
		params       snskit.Params
		verb         string
	}{
		{"get", "friends.me", snskit.Params{"fields": []string{"uid", "name"}, "start": 0, "num": 20}, "GET"},
		{"form post", "records.add", snskit.Params{"content": "周末 去 爬山 ~*!'()", "spri": 1}, "POST"},
		{"multipart", "photo.upload", snskit.Params{"albumid": 3, "pic": snskit.Upload("p.jpg", strings.NewReader("JPG"))}, "POST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := api.Method(c.method).Do(c.params)
			require.NoError(t, err, "the server could not verify the signature")
			assert.Equal(t, "1", res.Get("result").String())
			got := s.last(t)
			assert.Equal(t, c.verb, got.Method)

			// Signed over the loopback URL, not the platform's.
			sent, canonical := kaixinSignature(got, "https://api.kaixin001.com"+strings.TrimPrefix(got.Path, "/kx"), cs, ts)
			assert.NotEqual(t, canonical, sent)

			raw := got.Body + "?" + url.Values(got.Query).Encode() + got.Header.Get("Authorization")
			for _, secret := range []string{cs, ts} {
				assert.NotContains(t, raw, secret, "secrets are never sent")
			}
			switch c.name {
			case "get":
				assert.Equal(t, "user-token-0001", got.Query.Get("oauth_token"))
				assert.Empty(t, got.Header.Get("Authorization"))
			case "form post":
				assert.Equal(t, "user-token-0001", got.Form.Get("oauth_token"))
				assert.Empty(t, got.Query)
			case "multipart":
				h := got.Header.Get("Authorization")
				assert.True(t, strings.HasPrefix(h, "OAuth "), h)
				assert.Contains(t, h, `oauth_token="user-token-0001"`)
				assert.Empty(t, got.Query)
				for k := range got.Form {
					assert.False(t, strings.HasPrefix(k, "oauth_"), "oauth param %q in the multipart body", k)
				}
				assert.Equal(t, "3", got.Form.Get("albumid"))
				assert.Equal(t, "JPG", got.Files["pic"].Content)
			}
		})
	}
}

func TestKaixinOAuth1Concurrent(t *testing.T) {
	s := newServer(t, func(sn seen) reply {
		sent, want := kaixinSignature(sn, "http://"+sn.Host+sn.Path, "cs", "ts")
		if sent != want {
			return reply{Status: 401, Body: `{"error_code":"401","error":"signature mismatch"}`}
		}
		return reply{Body: `{"result":"1"}`}
	})
	api := kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts")))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := api.Method("users.show").Do(snskit.Params{"uids": []int{i, i + 1}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	nonces := map[string]bool{}
	for _, r := range s.requests() {
		nonces[r.Query.Get("oauth_nonce")] = true
	}
	assert.Len(t, nonces, 16, "each request has its own nonce")
}

func TestKaixinStatusErrors(t *testing.T) {
	statuses := []struct {
		status int
		class  snskit.Class
		text   string
	}{
		{400, snskit.ErrBadParams, "bad request or rate limit"},
		{401, snskit.ErrTokenInvalid, "not authenticated"},
		{403, snskit.ErrPermission, "no permission"},
		{404, snskit.ErrNotFound, "no such resource"},
		{500, snskit.ErrServer, "server error"},
		{502, snskit.ErrServer, "api closed or upgrading"},
	}
	for _, st := range statuses {
		bodies := []struct {
			kind string
			rp   reply
		}{
			{"json", reply{Status: st.status, Body: fmt.Sprintf(`{"request":"/friends/me.json","error_code":"%d","error":"kaixin says %d"}`, st.status, st.status)}},
			{"html", reply{Status: st.status, ContentType: "text/html", Body: fmt.Sprintf("<html><head><title>%d Oops</title></head><body><h1>nginx</h1></body></html>", st.status)}},
			{"empty", reply{Status: st.status, ContentType: "text/plain"}},
		}
		for _, b := range bodies {
			t.Run(strconv.Itoa(st.status)+"/"+b.kind, func(t *testing.T) {
				s := newServer(t, func(seen) reply { return b.rp })
				api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
				_, err := api.Method("friends.me").Do(nil)
				require.Error(t, err)
				var e *snskit.Error
				require.ErrorAs(t, err, &e)
				assert.ErrorIs(t, err, st.class)
				assert.Equal(t, st.class, e.Class)
				assert.Equal(t, st.status, e.HTTPStatus)
				assert.Equal(t, "kaixin", e.Platform)
				assert.Equal(t, "friends.me", e.Method)
				var re *snskit.ReplyError
				assert.False(t, errors.As(err, &re))
				switch b.kind {
				case "json":
					assert.Equal(t, strconv.Itoa(st.status), e.Code)
					assert.Equal(t, fmt.Sprintf("kaixin says %d", st.status), e.Message)
					assert.Equal(t, "/friends/me.json", e.Detail.Get("request").String())
				case "html":
					assert.Equal(t, "http "+strconv.Itoa(st.status), e.Code)
					assert.Equal(t, fmt.Sprintf("%s: %d Oops", st.text, st.status), e.Message)
					assert.False(t, e.Detail.Exists())
				case "empty":
					assert.Equal(t, "http "+strconv.Itoa(st.status), e.Code)
					assert.Equal(t, st.text, e.Message)
				}
			})
		}
	}
}

func TestKaixinErrorCodes(t *testing.T) {
	cases := []struct {
		name   string
		rp     reply
		code   string
		class  snskit.Class
		status int
	}{
		{"400 frequency", reply{Status: 400, Body: `{"error_code":"400","error":"超过请求频率限制","request":"/friends/me.json"}`}, "400", snskit.ErrRateLimited, 400},
		{"400 rate limit", reply{Status: 400, Body: `{"error_code":"400","error":"Rate limit exceeded"}`}, "400", snskit.ErrRateLimited, 400},
		{"400 html frequency", reply{Status: 400, ContentType: "text/html", Body: "<html><title>请求频率过高</title></html>"}, "http 400", snskit.ErrRateLimited, 400},
		{"400 bad param", reply{Status: 400, Body: `{"error_code":"400","error":"参数错误"}`}, "400", snskit.ErrBadParams, 400},
		{"401 expired", reply{Status: 401, Body: `{"error_code":"401","error":"access token expired"}`}, "401", snskit.ErrTokenExpired, 401},
		{"401 过期", reply{Status: 401, Body: `{"error_code":"401","error":"access_token已过期"}`}, "401", snskit.ErrTokenExpired, 401},
		{"error_code at http 200", reply{Body: `{"error_code":"403","error":"没有权限"}`}, "403", snskit.ErrPermission, 200},
		{"numeric error_code", reply{Body: `{"error_code":404,"error":"not found"}`}, "404", snskit.ErrNotFound, 200},
		{"other code, status decides", reply{Status: 403, Body: `{"error_code":"1","error":"x"}`}, "1", snskit.ErrPermission, 403},
		{"other code at 200", reply{Body: `{"error_code":"1","error":"x"}`}, "1", snskit.ErrUnclassified, 200},
		{"503 html", reply{Status: 503, ContentType: "text/html", Body: "<html><body>down</body></html>"}, "http 503", snskit.ErrServer, 503},
		{"500 json without error_code", reply{Status: 500, Body: `{"message":"boom"}`}, "http 500", snskit.ErrServer, 500},
		{"500 truncated json", reply{Status: 500, Body: `{"error_code":"50`}, "http 500", snskit.ErrServer, 500},
		{"429 plain text", reply{Status: 429, ContentType: "text/plain", Body: "slow down"}, "http 429", snskit.ErrRateLimited, 429},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			api := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken)))
			_, err := api.Method("friends.me").Do(nil)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.code, e.Code)
			assert.Equal(t, c.class, e.Class)
			assert.ErrorIs(t, err, c.class)
			assert.Equal(t, c.status, e.HTTPStatus)
		})
	}
	t.Run("expired is also invalid", func(t *testing.T) {
		s := newServer(t, fixed(`{"error_code":"401","error":"token expired"}`))
		_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
		assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	})
	t.Run("zero error_code is no error", func(t *testing.T) {
		s := newServer(t, fixed(`{"error_code":0,"result":"1"}`))
		res, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
		require.NoError(t, err)
		assert.Equal(t, "1", res.Get("result").String())
	})
}

func TestKaixinErrorsMaskSecrets(t *testing.T) {
	s := newServer(t, func(sn seen) reply {
		echo := sn.Query.Get("access_token") + " " + sn.Query.Get("oauth_token") + " " + sn.Query.Get("oauth_signature")
		return reply{Status: 401, Body: `{"error_code":"401","error":"bad credential: ` + echo + `"}`}
	})
	_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("users.me").Do(nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), kaixinToken)

	_, err = kaixinAPI(t, s, snskit.WithAuth(auth.OAuth1Token("ck", "cs", "user-token-0002", "ts"))).Method("users.me").Do(nil)
	require.Error(t, err)
	sig := s.last(t).Query.Get("oauth_signature")
	require.NotEmpty(t, sig)
	assert.NotContains(t, err.Error(), "user-token-0002")
	assert.NotContains(t, err.Error(), sig)
}

func TestKaixinBrokenRepliesAt200(t *testing.T) {
	cases := []struct {
		name string
		rp   reply
	}{
		{"html page", reply{ContentType: "text/html", Body: "<!DOCTYPE html><html><head><title>开心网</title></head><body>维护中</body></html>"}},
		{"empty", reply{}},
		{"truncated json", reply{Body: `{"users":[{"uid":"47002","name":"刘`}},
		{"plain text", reply{ContentType: "text/plain", Body: "OK"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			_, err := kaixinAPI(t, s, snskit.WithAuth(auth.Token(kaixinToken))).Method("friends.me").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 200, re.HTTPStatus)
			var e *snskit.Error
			assert.False(t, errors.As(err, &e))
		})
	}
	t.Run("body cut short", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"users":[`)
		}))
		t.Cleanup(ts.Close)
		api, err := snskit.New(platforms.Kaixin(), snskit.WithBaseURL(ts.URL), snskit.WithAuth(auth.Token(kaixinToken)))
		require.NoError(t, err)
		_, err = api.Method("friends.me").Do(nil)
		var re *snskit.ReplyError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Reason, "truncated")
	})
}

func TestKaixinDryRunOAuth2(t *testing.T) {
	api, err := snskit.New(platforms.Kaixin(), snskit.WithAuth(auth.Token(kaixinToken)))
	require.NoError(t, err)
	req, err := api.Method("friends.me").Request(context.Background(), snskit.Params{"fields": []string{"uid", "name", "logo50"}, "start": 0, "num": 20})
	require.NoError(t, err)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "https://api.kaixin001.com/friends/me.json", req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	assert.Equal(t, "access_token="+kaixinToken+"&fields=uid%2Cname%2Clogo50&num=20&start=0", req.URL.RawQuery)
	assert.NotContains(t, driver.RedactURL(req.URL, nil), kaixinToken, "the dry-run URL can be shown once redacted")
}
