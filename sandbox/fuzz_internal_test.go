package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzHandlers sends arbitrary requests straight to every emulated
// platform's handler, where a panic is not recovered by net/http: whatever
// a client sends, the sandbox answers.
func FuzzHandlers(f *testing.F) {
	for _, seed := range [][3]string{
		{"POST", "/method/users.get", "v=5.199&access_token=x&user_ids=1,2"},
		{"POST", "/method/execute", "v=5.199&access_token=x&code=return [API.users.get({\"user_ids\": 1}), API.x.y({})];"},
		{"GET", "/authorize", "client_id=51234567&redirect_uri=http://127.0.0.1/cb&response_type=token&group_ids=1,2"},
		{"POST", "/token", "grant_type=password&username=a&password=b&2fa_supported=1"},
		{"GET", "/v2/user/friend/list", "pageSize=-1&pageNumber=99999999999999999999"},
		{"POST", "/restserver.do", "method=users.getInfo&v=1.0&call_id=x&sig=00&session_key=s&api_key=k"},
		{"GET", "/sns/userinfo", "access_token=&openid=&lang=xx"},
		{"GET", "/oauth2.0/me", "access_token=%ff&unionid=1&fmt=json"},
		{"GET", "/user/get_user_info", "access_token=a&oauth_consumer_key=b&openid=c"},
		{"GET", "/friends/me.json", "fields=,,,&start=-5&num=999&gid=x&oauth_signature=%%"},
		{"POST", "/oauth/request_token", "oauth_callback=x&oauth_nonce=&oauth_timestamp=99999999999999999999"},
		{"POST", "/login", "act=authcheck_code&hash=%00&code=424242"},
		{"POST", "/upload/doc", "hash=&type=graffiti"},
		{"POST", "/method/docs.save", "v=5.199&access_token=x&file=1|851234|a|b|c|d|doc"},
		{"POST", "/method/groups.getMembers", "v=5.199&access_token=x&group_id=200000&offset=9223372036854775807&count=1000"},
		{"POST", "/method/newsfeed.get", "v=5.199&access_token=x&start_from=230/%ff"},
		{"GET", "/v2/friend/list", "pageSize=9223372036854775807&pageNumber=1000000000"},
		{"GET", "/app/invited.json", "start=2147483647&num=50"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	clock := NewClock(time.Unix(1_800_000_000, 0))
	s, err := New(WithClock(clock.Now))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, method, path, form string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t?#") {
			return
		}
		for name, p := range s.platforms {
			req, err := http.NewRequest(method, "http://sandbox.test"+path+"?"+form, strings.NewReader(form))
			if err != nil {
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			_ = req.ParseForm()
			rec := httptest.NewRecorder()
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s %s %s?%s panicked: %v", name, method, path, form, r)
					}
				}()
				p.ServeHTTP(rec, req)
			}()
		}
	})
}
