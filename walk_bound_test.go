package snskit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// boundServer answers every request with reply(n), n counting requests
// from 1, and an HTTP 500 after 400 requests so that a walk that loops
// ends anyway (with an error the test then sees).
func boundServer(t *testing.T, reply func(r *http.Request, n int64) string) (*snskit.API, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		if k > 400 {
			http.Error(w, "too many", http.StatusInternalServerError)
			return
		}
		_ = r.ParseForm()
		fmt.Fprint(w, reply(r, k))
	}))
	t.Cleanup(srv.Close)
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithoutRateLimit(), snskit.WithRetry(0, 0))
	require.NoError(t, err)
	return api, &n
}

func TestAllEndsOnACursorCycle(t *testing.T) {
	api, n := boundServer(t, func(r *http.Request, _ int64) string {
		next := map[string]string{"": "a", "a": "b", "b": "a"}[r.Form.Get("start_from")]
		return fmt.Sprintf(`{"response":{"items":[{"post_id":1}],"next_from":%q}}`, next)
	})
	items := 0
	for _, err := range api.Method("newsfeed.get").All(context.Background(), nil) {
		require.NoError(t, err)
		items++
	}
	assert.Equal(t, int64(3), n.Load(), "pages '', a, b; b names a, read already")
	assert.Equal(t, 3, items)
}

func TestAllEndsWhenTheCountLiesAndPagesRepeat(t *testing.T) {
	api, n := boundServer(t, func(r *http.Request, _ int64) string {
		page := `{"count":1000000000,"items":[1,2,3,4,5,6,7,8,9,10]}`
		if r.URL.Path == "/method/execute" {
			return `{"response":[` + page + `,` + page + `]}`
		}
		return `{"response":` + page + `}`
	})
	for _, per := range []int{1, 2} {
		n.Store(0)
		var got []int64
		for item, err := range api.Method("groups.getMembers").All(context.Background(), snskit.Params{"group_id": 1},
			snskit.WalkPageSize(10), snskit.WalkPagesPerRequest(per)) {
			require.NoError(t, err, "%d per request", per)
			got = append(got, item.Int())
		}
		assert.Equal(t, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, got, "%d per request", per)
		assert.Less(t, n.Load(), int64(400), "the walk ends by itself: %d per request", per)
	}
}
