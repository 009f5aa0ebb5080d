package bench

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// The VK fixture: users.get of ids 1 and 2 with fields=photo_100, as VK 5.199
// answers it (photo URLs have their real length): 816 bytes.
const (
	vkToken   = "vk1.a.Xq3kP0zR8vW2mN5tY7uB1cD4eF6gH9iJ0kL2mN4oP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4iJ6kL8mN0oP2qR4sT6uV8wX0yZ2aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR6sT8uV0wX2yZ4aB6cD8eF0gH2iJ4kL6mN8oP0qR2sT4"
	vkVersion = "5.199"
	vkUsers   = `{"response":[` +
		`{"id":1,"photo_100":"https://sun1-83.userapi.com/s/v1/ig2/mS5wP3c-SXDu6hUF8vbUnWZ9nKz9sVuOsDBKxQT7kYcnvpU0mFZ9o3OpMSqTNu9pQa7o1kKyNx_pJ9V3aJ0Jm2i-.jpg?quality=95&crop=0,0,1600,1600&as=32x32,48x48,72x72,108x108,160x160,240x240,360x360,480x480,540x540,640x640,720x720,1080x1080&ava=1&cs=100x100","first_name":"Павел","last_name":"Дуров","can_access_closed":true,"is_closed":false},` +
		`{"id":2,"photo_100":"https://sun9-61.userapi.com/s/v1/ig2/Tq2Oq9pRzYu8zV9T7gkG7QdE9u0S6t7BLoW2TRPo1sgtmC2CzWlE6yQZm9h2FnP8fVkBX5K4mXz0GJaWcbVrk8x1.jpg?quality=96&crop=214,0,1079,1079&as=32x32,48x48,72x72,108x108,160x160,240x240,360x360,480x480,540x540,640x640,720x720,1080x1080&ava=1&cs=100x100","first_name":"Александра","last_name":"Владимирова","can_access_closed":false,"is_closed":true}` +
		`]}`
	vkBadID = `{"error":{"error_code":113,"error_msg":"Invalid user id","request_params":[{"key":"method","value":"users.get"},{"key":"oauth","value":"1"},{"key":"user_ids","value":"0"},{"key":"v","value":"5.199"}]}}`
	vkAuth  = `{"error":{"error_code":5,"error_msg":"User authorization failed: no access_token passed.","request_params":[{"key":"method","value":"users.get"},{"key":"oauth","value":"1"}]}}`
)

// The Renren 2.0 fixture: user.get of one user, shaped like Renren's User
// object (avatar sizes, basic information, education, work, likes): 1487
// bytes.
const (
	renrenToken  = "195345|6.2f8b3a9d0e1c4f7a5b6c8d9e0f1a2b3c.2592000.1380067200-262156164"
	renrenUserID = 262156164
	renrenUser   = `{"response":{"id":262156164,"name":"王小明",` +
		`"avatar":[{"size":"TINY","url":"http://hdn.xnimg.cn/photos/hdn521/20130826/1925/tiny_Xm2Q_4a1b000045e4113e.jpg"},` +
		`{"size":"HEAD","url":"http://hdn.xnimg.cn/photos/hdn521/20130826/1925/head_Xm2Q_4a1b000045e4113e.jpg"},` +
		`{"size":"MAIN","url":"http://hdn.xnimg.cn/photos/hdn521/20130826/1925/main_Xm2Q_4a1b000045e4113e.jpg"},` +
		`{"size":"LARGE","url":"http://hdn.xnimg.cn/photos/hdn521/20130826/1925/large_Xm2Q_4a1b000045e4113e.jpg"}],` +
		`"star":1,"basicInformation":{"sex":"MALE","birthday":"1990-05-17","homeTown":{"province":"湖北","city":"武汉市"}},` +
		`"education":[{"name":"华中科技大学","year":"2008","educationBackground":"COLLEGE","department":"计算机科学与技术学院"},` +
		`{"name":"武汉市第二中学","year":"2005","educationBackground":"HIGHSCHOOL","department":""}],` +
		`"work":[{"name":"北京千橡网景科技发展有限公司","time":"2012-07","industry":{"industryCategory":"互联网","industryDetail":"社交网络服务"},"job":{"jobCategory":"技术","jobDetail":"软件工程师"}},` +
		`{"name":"武汉光谷软件园","time":"2011-03","industry":{"industryCategory":"计算机软件","industryDetail":"软件开发"},"job":{"jobCategory":"技术","jobDetail":"实习生"}}],` +
		`"like":[{"catagory":"MUSIC","name":"周杰伦","id":600002246},{"catagory":"MOVIE","name":"让子弹飞","id":601215621},{"catagory":"BOOK","name":"三体","id":600813349},{"catagory":"SPORT","name":"篮球","id":600000124}],` +
		`"emotionalState":"SINGLE"}}`
	renrenNoUser  = `{"error":{"code":"invalid_request.USER_NOT_EXIST","message":"用户不存在"}}`
	renrenNoToken = `{"error":{"code":"invalid_authorization.INVALID-TOKEN","message":"无效的access_token"}}`
)

// vkIDs and vkFields are the parameters of every VK call, on both sides.
var vkIDs = []int{1, 2}

const vkFields = "photo_100"

// loopback is an httptest server that counts the connections it accepts.
type loopback struct {
	*httptest.Server
	conns atomic.Int64
}

// newLoopback starts a loopback server answering with h, closed when tb
// ends.
func newLoopback(tb testing.TB, h http.HandlerFunc) *loopback {
	tb.Helper()
	l := &loopback{Server: httptest.NewUnstartedServer(h)}
	l.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			l.conns.Add(1)
		}
	}
	l.Start()
	tb.Cleanup(l.Close)
	return l
}

// canned is a reply body with its Content-Length ready, so that the server
// spends as little as it can per request and the clients' costs stand out.
type canned struct {
	body   []byte
	length []string
}

func can(body string) canned {
	return canned{body: []byte(body), length: []string{strconv.Itoa(len(body))}}
}

var jsonType = []string{"application/json; charset=utf-8"}

// write sends c with a Content-Length, or chunked (no length) when chunked
// is set, in two writes with a flush between them.
func (c canned) write(w http.ResponseWriter, status int, chunked bool) {
	h := w.Header()
	h["Content-Type"] = jsonType
	if !chunked {
		h["Content-Length"] = c.length
		w.WriteHeader(status)
		_, _ = w.Write(c.body)
		return
	}
	w.WriteHeader(status)
	half := len(c.body) / 2
	_, _ = w.Write(c.body[:half])
	w.(http.Flusher).Flush()
	_, _ = w.Write(c.body[half:])
}

// hasPairs reports whether the urlencoded string enc holds every pair of
// want ("key=escaped-value"), in any order, without allocating.
func hasPairs(enc string, want []string) bool {
	found := 0
	for pair := range strings.SplitSeq(enc, "&") {
		for _, w := range want {
			if pair == w {
				found++
				break
			}
		}
	}
	return found == len(want)
}

// vkHandler answers POST /method/users.get as VK does: the users of
// vkUsers when the form holds the token, user_ids=1,2, fields and v; error
// 113 for user_ids=0; error 5 without the token.
func vkHandler(chunked bool) http.HandlerFunc {
	ok, bad, noAuth := can(vkUsers), can(vkBadID), can(vkAuth)
	tokenPair := "access_token=" + url.QueryEscape(vkToken)
	want := []string{tokenPair, "user_ids=" + url.QueryEscape("1,2"), "fields=" + vkFields, "v=" + vkVersion}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/method/users.get" || r.URL.RawQuery != "" ||
			r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "want POST /method/users.get with a form body and no query", http.StatusNotFound)
			return
		}
		if r.ContentLength <= 0 || r.ContentLength > 4096 {
			http.Error(w, "want a form body with a Content-Length", http.StatusBadRequest)
			return
		}
		body := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form := string(body)
		switch {
		case !hasPairs(form, want[:1]):
			noAuth.write(w, http.StatusOK, chunked)
		case hasPairs(form, []string{"user_ids=0"}):
			bad.write(w, http.StatusOK, chunked)
		case hasPairs(form, want):
			ok.write(w, http.StatusOK, chunked)
		default:
			http.Error(w, "unexpected form "+form, http.StatusBadRequest)
		}
	}
}

// renrenHandler answers GET /v2/user/get as Renren 2.0 does: the user of
// renrenUser for userId=262156164 with the bearer token; USER_NOT_EXIST
// (404) for userId=0; INVALID-TOKEN (401) without the token.
func renrenHandler(chunked bool) http.HandlerFunc {
	ok, noUser, noToken := can(renrenUser), can(renrenNoUser), can(renrenNoToken)
	bearer := "Bearer " + renrenToken
	want := []string{"userId=" + strconv.Itoa(renrenUserID)}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v2/user/get" {
			http.Error(w, "want GET /v2/user/get", http.StatusNotFound)
			return
		}
		q := r.URL.RawQuery
		switch {
		case r.Header.Get("Authorization") != bearer || strings.Contains(q, "access_token"):
			noToken.write(w, http.StatusUnauthorized, chunked)
		case hasPairs(q, []string{"userId=0"}):
			noUser.write(w, http.StatusNotFound, chunked)
		case hasPairs(q, want):
			ok.write(w, http.StatusOK, chunked)
		default:
			http.Error(w, "unexpected query "+r.URL.RawQuery, http.StatusBadRequest)
		}
	}
}
