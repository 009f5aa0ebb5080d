package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKaixinListsWalkWithStartAndNum(t *testing.T) {
	s, _ := kxSandbox(t)
	pop, err := s.IssueToken(Kaixin, TokenOptions{UserID: KaixinPopularUserID})
	require.NoError(t, err)
	me := s.Token(Kaixin)
	for _, tc := range []struct {
		path, tok string
		num, want int
	}{
		{"/friends/me.json", pop.AccessToken, 50, KaixinPopularFriends},
		{"/app/friends.json", pop.AccessToken, 50, (KaixinPopularFriends + 1) / 2},
		{"/app/invited.json", pop.AccessToken, 20, (KaixinPopularFriends + 2) / 3},
		{"/friends/me.json", me.AccessToken, 20, 60},
		{"/app/friends.json", me.AccessToken, 20, 30},
	} {
		t.Run(tc.path, func(t *testing.T) {
			seen := map[string]bool{}
			pages := 0
			for start := 0; ; start += tc.num {
				r := kxGet(t, s, tc.path, tc.tok, url.Values{"start": {fmt.Sprint(start)}, "num": {fmt.Sprint(tc.num)}})
				require.Equal(t, http.StatusOK, r.status, r.body)
				pages++
				assert.Equal(t, fmt.Sprint(tc.want), r.json["total"], "numbers come as strings")
				for _, uid := range kxUIDs(t, r) {
					assert.False(t, seen[uid], "repeated %s", uid)
					seen[uid] = true
				}
				wantPrev := "-1"
				if start > 0 {
					wantPrev = fmt.Sprint(start - tc.num)
				}
				assert.Equal(t, wantPrev, r.json["prev"])
				if r.json["next"] == "-1" {
					break
				}
				assert.Equal(t, fmt.Sprint(start+tc.num), r.json["next"])
			}
			assert.Len(t, seen, tc.want)
			assert.Greater(t, pages, 1)
		})
	}
	r := kxGet(t, s, "/friends/me.json", pop.AccessToken, url.Values{"num": {"500"}})
	assert.Len(t, kxUIDs(t, r), 50, "num is clamped to 50")
	r = kxGet(t, s, "/app/friends.json", pop.AccessToken, nil)
	assert.Len(t, kxUIDs(t, r), 20, "num defaults to 20")
	kxWantError(t, kxGet(t, s, "/app/invited.json", pop.AccessToken, url.Values{"start": {"-1"}}), 400, 40001, "/app/invited.json")
}
