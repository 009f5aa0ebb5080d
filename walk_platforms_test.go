package snskit_test

import (
	"context"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// sandboxAPI returns a client of platform name on a fresh sandbox with
// its default user's token, and the sandbox.
func sandboxAPI(t *testing.T, name string, p snskit.Platform) (*snskit.API, *sandbox.Server) {
	t.Helper()
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	c := s.Token(name)
	cred := auth.Token(c.AccessToken)
	if c.OpenID != "" {
		cred = cred.WithOpenID(c.OpenID)
	}
	a := s.App(name)
	api, err := snskit.New(p, snskit.WithBaseURL(s.URL(name)), snskit.WithApp(a.ID, a.Secret), snskit.WithAuth(cred))
	require.NoError(t, err)
	return api, s
}

// collect walks call with params and returns the items' values at path.
func collect(t *testing.T, c snskit.Call, params snskit.Params, path string, opts ...snskit.WalkOption) []string {
	t.Helper()
	var out []string
	for item, err := range c.All(context.Background(), params, opts...) {
		require.NoError(t, err)
		out = append(out, item.Get(path).String())
	}
	return out
}

func values(r gjson.Result, path string) []string {
	var out []string
	for _, x := range r.Array() {
		out = append(out, x.Get(path).String())
	}
	return out
}

func TestAllOnEveryPagingPlatform(t *testing.T) {
	t.Run("renren pageNumber", func(t *testing.T) {
		api, s := sandboxAPI(t, sandbox.Renren, platforms.Renren())
		p := snskit.Params{"userId": sandbox.RenrenUserID}
		whole, err := api.Method("user.friend.list").Do(snskit.Params{"userId": sandbox.RenrenUserID, "pageSize": 100})
		require.NoError(t, err)
		want := values(whole, "id")
		require.Greater(t, len(want), 2, "the sandbox user has friends to page through")
		s.ResetRequests()
		got := collect(t, api.Method("user.friend.list"), p, "id", snskit.WalkPageSize(2))
		assert.Equal(t, want, got)
		assert.Equal(t, len(want)/2+1, len(s.Requests()), "pages of 2 until a short one")
	})
	t.Run("kaixin start/num", func(t *testing.T) {
		api, s := sandboxAPI(t, sandbox.Kaixin, platforms.Kaixin())
		var want []string
		total := 0
		for start := 0; start == 0 || start < total; start += 50 {
			page, err := api.Method("friends.me").Do(snskit.Params{"num": 50, "start": start})
			require.NoError(t, err)
			want = append(want, values(page.Get("users"), "uid")...)
			total = int(page.Get("total").Int())
		}
		require.Greater(t, len(want), 50, "more friends than one page holds")
		require.Len(t, want, total)
		s.ResetRequests()
		got := collect(t, api.Method("friends.me"), nil, "uid")
		assert.Equal(t, want, got)
		assert.Equal(t, (total+49)/50, len(s.Requests()), "pages of 50, the most Kaixin gives, until the total")
		s.ResetRequests()
		got = collect(t, api.Method("friends.me"), nil, "uid", snskit.WalkPageSize(7))
		assert.Equal(t, want, got)
		assert.Equal(t, (total+6)/7, len(s.Requests()))
	})
	t.Run("qq whole", func(t *testing.T) {
		api, s := sandboxAPI(t, sandbox.QQ, platforms.QQ())
		whole, err := api.Method("photo.list_album").Do(nil)
		require.NoError(t, err)
		want := values(whole.Get("album"), "albumid")
		require.NotEmpty(t, want)
		s.ResetRequests()
		got := collect(t, api.Method("photo.list_album"), nil, "albumid")
		assert.Equal(t, want, got)
		assert.Equal(t, 1, len(s.Requests()))
	})
}

func TestAllStopsOnBreakAndCtxOnEveryPagingPlatform(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      snskit.Platform
		method string
		params snskit.Params
		size   int // items a page
	}{
		{sandbox.Renren, platforms.Renren(), "user.friend.list", snskit.Params{"userId": sandbox.RenrenUserID, "pageSize": 1}, 1},
		{sandbox.Kaixin, platforms.Kaixin(), "friends.me", snskit.Params{"num": 2}, 2},
		{sandbox.VK, platforms.VK(), "newsfeed.get", snskit.Params{"count": 2}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, s := sandboxAPI(t, tc.name, tc.p)
			pages := (3 + tc.size - 1) / tc.size // the page of the third item
			n := 0
			for _, err := range api.Method(tc.method).All(context.Background(), tc.params) {
				require.NoError(t, err)
				if n++; n == 3 {
					break
				}
			}
			assert.Equal(t, pages, len(s.Requests()), "the break ends the walk in the page of the third item")

			s.ResetRequests()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n = 0
			var last error
			for _, err := range api.Method(tc.method).All(ctx, tc.params) {
				if err != nil {
					last = err
					break
				}
				if n++; n == 3 {
					cancel()
				}
			}
			assert.ErrorIs(t, last, context.Canceled)
			assert.Equal(t, pages*tc.size, n, "the page in hand is yielded")
			assert.Equal(t, pages, len(s.Requests()), "no page is read after the cancel")
		})
	}
}

func TestAllVKNewsfeedCursorsAgainstSandbox(t *testing.T) {
	api, s := sandboxAPI(t, sandbox.VK, platforms.VK())
	seen := map[string]bool{}
	for item, err := range api.Method("newsfeed.get").All(context.Background(), snskit.Params{"filters": "post"}) {
		require.NoError(t, err)
		key := item.Get("source_id").Raw + "_" + item.Get("post_id").Raw
		assert.False(t, seen[key], "post %s twice", key)
		seen[key] = true
	}
	assert.Equal(t, sandbox.VKFeedSize, len(seen))
	assert.Equal(t, (sandbox.VKFeedSize+99)/100, len(s.Requests()), "pages of 100 following next_from")
}
