package snskit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// listServer is a VK stand-in holding one member list, served by
// groups.getMembers (offset, count ≤ 1000) alone or inside execute scripts
// of the batcher's format. before runs before each page is read, with the
// number of pages read so far, to change the list mid-walk.
type listServer struct {
	*httptest.Server
	mu       sync.Mutex
	ids      []int
	pages    int
	requests int
	before   func(l *listServer, page int)
}

func newListServer(t *testing.T, n int) *listServer {
	t.Helper()
	l := &listServer{}
	for i := range n {
		l.ids = append(l.ids, 1000+i)
	}
	l.Server = httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(l.Close)
	return l
}

func (l *listServer) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	switch r.URL.Path {
	case "/method/groups.getMembers":
		fmt.Fprintf(w, `{"response":%s}`, l.page(r.Form.Get("offset"), r.Form.Get("count")))
	case "/method/execute":
		code := r.Form.Get("code")
		var parts []string
		for _, c := range strings.Split(code, "API.groups.getMembers(")[1:] {
			args := gjson.Parse(c[:strings.Index(c, "})")+1])
			parts = append(parts, l.page(args.Get("offset").String(), args.Get("count").String()))
		}
		fmt.Fprintf(w, `{"response":[%s]}`, strings.Join(parts, ","))
	default:
		http.NotFound(w, r)
	}
}

// page answers one groups.getMembers call; l.mu is held.
func (l *listServer) page(offset, count string) string {
	if l.before != nil {
		l.before(l, l.pages)
	}
	l.pages++
	off, _ := strconv.Atoi(offset)
	n, err := strconv.Atoi(count)
	if err != nil || n > 1000 {
		n = 1000
	}
	items := []int{}
	for i := off; i < len(l.ids) && i < off+n; i++ {
		items = append(items, l.ids[i])
	}
	b, _ := json.Marshal(map[string]any{"count": len(l.ids), "items": items})
	return string(b)
}

func (l *listServer) api(t *testing.T) *snskit.API {
	t.Helper()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(l.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit())
	require.NoError(t, err)
	return api
}

// walkAll collects a walk's items as ints, failing on an error.
func walkAll(t *testing.T, api *snskit.API, opts ...snskit.WalkOption) []int {
	t.Helper()
	var out []int
	for item, err := range api.Method("groups.getMembers").All(context.Background(), snskit.Params{"group_id": 1}, opts...) {
		require.NoError(t, err)
		out = append(out, int(item.Int()))
	}
	return out
}

func TestAllOffsetPagesPerExecute(t *testing.T) {
	l := newListServer(t, 2500)
	var last snskit.WalkStats
	got := walkAll(t, l.api(t), snskit.WalkProgress(func(s snskit.WalkStats) { last = s }))
	assert.Equal(t, l.ids, got)
	assert.Equal(t, 1, l.requests, "three pages in one execute")
	assert.Equal(t, snskit.WalkStats{Items: 2500, Pages: 25, Requests: 1}, last, "the first execute reads 25 pages, not knowing the count")

	l.requests = 0
	got = walkAll(t, l.api(t), snskit.WalkPagesPerRequest(1))
	assert.Equal(t, l.ids, got)
	assert.Equal(t, 3, l.requests, "one by one: 1000, 1000, 500")

	l.requests = 0
	got = walkAll(t, l.api(t), snskit.WalkPageSize(100), snskit.WalkPagesPerRequest(10))
	assert.Equal(t, l.ids, got)
	assert.Equal(t, 3, l.requests, "25 pages of 100 in executes of 10")

	l.requests = 0
	got = walkAll(t, l.api(t), snskit.WalkLimit(1500), snskit.WalkPagesPerRequest(1))
	assert.Equal(t, l.ids[:1500], got)
	assert.Equal(t, 2, l.requests)
}

func TestAllCopesWithCountDrift(t *testing.T) {
	for _, per := range []int{1, 25} {
		for _, tc := range []struct {
			name   string
			change func(l *listServer)
		}{
			{"shrinks", func(l *listServer) { l.ids = append(l.ids[:10:10], l.ids[17:]...) }}, // 7 gone before the reading position
			{"grows", func(l *listServer) { l.ids = append([]int{1, 2, 3, 4, 5}, l.ids...) }},
			{"shrinks twice", func(l *listServer) { l.ids = append(l.ids[:500:500], l.ids[503:]...) }},
		} {
			t.Run(fmt.Sprintf("%s/%d per request", tc.name, per), func(t *testing.T) {
				l := newListServer(t, 3500)
				before := append([]int(nil), l.ids...)
				l.before = func(l *listServer, page int) {
					if page == 2 || tc.name == "shrinks twice" && page == 3 {
						tc.change(l)
					}
				}
				got := walkAll(t, l.api(t), snskit.WalkPageSize(500), snskit.WalkPagesPerRequest(per))
				count := map[int]int{}
				for _, id := range got {
					count[id]++
				}
				for id, n := range count {
					assert.Equal(t, 1, n, "id %d repeated", id)
				}
				for _, id := range l.ids {
					if contains(before, id) {
						assert.Equal(t, 1, count[id], "id %d present throughout is yielded", id)
					}
				}
			})
		}
	}
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestAllStopsOnBreakCtxAndErrors(t *testing.T) {
	l := newListServer(t, 5000)
	api := l.api(t)
	n := 0
	for _, err := range api.Method("groups.getMembers").All(context.Background(), nil, snskit.WalkPagesPerRequest(1)) {
		require.NoError(t, err)
		if n++; n == 1500 {
			break
		}
	}
	assert.Equal(t, 2, l.requests, "no page is read after the break")

	l.requests = 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	n = 0
	for _, err := range api.Method("groups.getMembers").All(ctx, nil, snskit.WalkPagesPerRequest(1)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n++; n == 1000 {
			cancel()
		}
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Equal(t, 1000, n)
	assert.Equal(t, 1, l.requests)

	_, err := firstErr(api.Method("groups.getMembers").All(context.Background(), snskit.Params{"offset": "x"}))
	assert.ErrorContains(t, err, `parameter "offset"`)
	_, err = firstErr(api.Method("groups.getMembers").All(context.Background(), nil, snskit.WalkLimit(0)))
	assert.ErrorContains(t, err, "WalkLimit(0)")
	_, err = firstErr(api.Method("no.such").All(context.Background(), nil))
	assert.Error(t, err)
}

func firstErr(seq func(func(gjson.Result, error) bool)) (gjson.Result, error) {
	for r, err := range seq {
		if err != nil {
			return r, err
		}
	}
	return gjson.Result{}, nil
}

func TestAllFollowsCursors(t *testing.T) {
	var froms []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		require.Equal(t, "/method/newsfeed.get", r.URL.Path, "a cursor walk never goes in an execute")
		from := r.Form.Get("start_from")
		froms = append(froms, from+"/"+r.Form.Get("count"))
		next := map[string]string{"": "c1", "c1": "c2", "c2": ""}[from]
		n := len(froms)
		fmt.Fprintf(w, `{"response":{"items":[{"post_id":%d},{"post_id":%d}],"profiles":[],"next_from":%q}}`, 2*n-1, 2*n, next)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit())
	require.NoError(t, err)
	var got []int64
	for item, err := range api.Method("newsfeed.get").All(context.Background(), snskit.Params{"filters": "post"}) {
		require.NoError(t, err)
		got = append(got, item.Get("post_id").Int())
	}
	assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, got)
	assert.Equal(t, []string{"/100", "c1/100", "c2/100"}, froms, "next_from becomes start_from; the largest count")
}
