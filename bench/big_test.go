package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/tidwall/gjson"
)

// The big-reply fixture: VK friends.get of 5,000 friends with fields, as VK
// 5.199 answers it (a count and the items, each user with the fields asked
// for): about 1.5 MB.
const (
	vkFriendsCount  = 5000
	vkFriendsFields = "photo_100,city,sex,bdate,domain,online"
)

// vkFriends returns the body of friends.get for vkFriendsCount users. The
// users differ (ids, names, photo hashes) so that no side can skip work.
func vkFriends() string {
	first := []string{"Павел", "Александра", "Дмитрий", "Екатерина", "Иван", "Мария", "Сергей", "Анна"}
	last := []string{"Дуров", "Владимирова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев", "Новикова"}
	cities := []string{`{"id":1,"title":"Москва"}`, `{"id":2,"title":"Санкт-Петербург"}`, `{"id":49,"title":"Екатеринбург"}`}
	var b strings.Builder
	b.WriteString(`{"response":{"count":` + strconv.Itoa(vkFriendsCount) + `,"items":[`)
	for i := range vkFriendsCount {
		if i > 0 {
			b.WriteByte(',')
		}
		id := strconv.Itoa(100000 + i*7919)
		b.WriteString(`{"id":` + id + `,"bdate":"` + strconv.Itoa(1+i%28) + `.` + strconv.Itoa(1+i%12) + `.19` + strconv.Itoa(70+i%30) + `"`)
		b.WriteString(`,"city":` + cities[i%len(cities)] + `,"domain":"id` + id + `"`)
		b.WriteString(`,"photo_100":"https://sun` + strconv.Itoa(1+i%9) + `-` + strconv.Itoa(10+i%80) + `.userapi.com/s/v1/ig2/` + strconv.FormatInt(int64(i)*2654435761, 36) +
			`Xq2Oq9pRzYu8zV.jpg?size=100x100&quality=96&crop=0,0,400,400&ava=1"`)
		b.WriteString(`,"online":` + strconv.Itoa(i%2) + `,"sex":` + strconv.Itoa(1+i%2))
		b.WriteString(`,"first_name":"` + first[i%len(first)] + `","last_name":"` + last[i%len(last)] + `","can_access_closed":true,"is_closed":false}`)
	}
	b.WriteString(`]}}`)
	return b.String()
}

// vkFriendsHandler answers POST /method/friends.get with vkFriends when the
// form holds the token, fields, count and v; error 5 without the token.
func vkFriendsHandler() http.HandlerFunc {
	ok, noAuth := can(vkFriends()), can(vkAuth)
	want := []string{"access_token=" + url.QueryEscape(vkToken), "fields=" + url.QueryEscape(vkFriendsFields),
		"count=" + strconv.Itoa(vkFriendsCount), "v=" + vkVersion}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/method/friends.get" {
			http.Error(w, "want POST /method/friends.get", http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch form := string(body); {
		case !hasPairs(form, want[:1]):
			noAuth.write(w, http.StatusOK, false)
		case hasPairs(form, want):
			ok.write(w, http.StatusOK, false)
		default:
			http.Error(w, "unexpected form "+form, http.StatusBadRequest)
		}
	}
}

// snskitVKFriendsGet is the snskit side of the big-reply benchmark.
func snskitVKFriendsGet(api *snskit.API) (gjson.Result, error) {
	return api.NS("friends").M("get").Do(snskit.Params{"fields": vkFriendsFields, "count": vkFriendsCount})
}

// friendsGet is the hand-written side: the same call through vkClient.
func (c *vkClient) friendsGet(ctx context.Context) (gjson.Result, error) {
	return c.call(ctx, "friends.get", url.Values{"fields": {vkFriendsFields}, "count": {strconv.Itoa(vkFriendsCount)}})
}

// checkFriends returns an error unless res holds the fixture's friends. It
// reads one field of each friend, as an application listing them would, the
// same way on both sides.
func checkFriends(res gjson.Result, err error) error {
	if err != nil {
		return err
	}
	n, named := 0, 0
	res.Get("items").ForEach(func(_, u gjson.Result) bool {
		n++
		if u.Get("first_name").Str != "" {
			named++
		}
		return true
	})
	if n != vkFriendsCount || named != n {
		return errUnexpected(res)
	}
	return nil
}

// errUnexpected reports a result that is not the fixture's.
func errUnexpected(res gjson.Result) error {
	return fmt.Errorf("unexpected result %.80s", res.Raw)
}

// BenchmarkVKFriendsGet is BenchmarkVKUsersGet for a big reply: 5,000
// friends with fields, one field read from each.
func BenchmarkVKFriendsGet(b *testing.B) {
	srv := newLoopback(b, vkFriendsHandler())
	api := newVKAPI(b, srv.URL)
	hand := newVKClient(srv.URL, newTransport())
	ctx := context.Background()
	runSequential(b, srv, "snskit", func() error { return checkFriends(snskitVKFriendsGet(api)) })
	runSequential(b, srv, "handwritten", func() error { return checkFriends(hand.friendsGet(ctx)) })
}
