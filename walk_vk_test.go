package snskit_test

import (
	"context"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigGroup walks the sandbox's 25,000-member community with opts; during
// calls with the number of items yielded so far, after each item.
func bigGroup(t *testing.T, api *snskit.API, during func(n int), opts ...snskit.WalkOption) ([]int64, snskit.WalkStats) {
	t.Helper()
	var stats snskit.WalkStats
	opts = append(opts, snskit.WalkProgress(func(s snskit.WalkStats) { stats = s }))
	var ids []int64
	for item, err := range api.Method("groups.getMembers").All(context.Background(), snskit.Params{"group_id": sandbox.VKBigGroupID}, opts...) {
		require.NoError(t, err)
		ids = append(ids, item.Int())
		if during != nil {
			during(len(ids))
		}
	}
	return ids, stats
}

func TestAllVKBigGroupAgainstSandbox(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	api := communityAPI(t, s, false)

	ids, stats := bigGroup(t, api, nil)
	require.Len(t, ids, sandbox.VKBigGroupMembers)
	assert.Equal(t, sandbox.VKCrowdBase, ids[0])
	assert.Equal(t, 1, stats.Requests, "25 pages of 1000 in one execute")
	assert.Equal(t, []string{"execute"}, vkMethods(s))

	s.ResetRequests()
	one, stats := bigGroup(t, api, nil, snskit.WalkPagesPerRequest(1))
	assert.Equal(t, ids, one)
	assert.Equal(t, 27, stats.Requests, "pages of 1000 overlapping by 50, to check for shifts")
	assert.Len(t, vkMethods(s), 27)
}

func TestAllVKDriftAgainstSandbox(t *testing.T) {
	for _, per := range []int{1, 25} {
		s, err := sandbox.New()
		require.NoError(t, err)
		api := communityAPI(t, s, false)
		var removed []int64
		var added []int64
		ids, _ := bigGroup(t, api, func(n int) {
			switch n {
			case 2500: // members already walked leave: the rest shift towards the start
				for i := range 7 {
					removed = append(removed, sandbox.VKCrowdBase+int64(100+i))
				}
				require.Equal(t, 7, s.VKRemoveMembers(sandbox.VKBigGroupID, removed...))
			case 6000: // others join (last) and some not yet walked leave
				added = s.VKAddMembers(sandbox.VKBigGroupID, 4)
				gone := sandbox.VKCrowdBase + 20000
				removed = append(removed, gone)
				require.Equal(t, 1, s.VKRemoveMembers(sandbox.VKBigGroupID, gone))
			case 9000: // joins before the reading position: the rest shift away
				added = append(added, s.VKAddMembers(sandbox.VKBigGroupID, 3)...)
			}
		}, snskit.WalkPageSize(500), snskit.WalkPagesPerRequest(per))
		s.Close()

		seen := map[int64]int{}
		for _, id := range ids {
			seen[id]++
		}
		for id, n := range seen {
			require.Equal(t, 1, n, "%d pages a request: id %d yielded %d times", per, id, n)
		}
		gone := map[int64]bool{}
		for _, id := range removed {
			gone[id] = true
		}
		for i := range sandbox.VKBigGroupMembers {
			id := sandbox.VKCrowdBase + int64(i)
			if !gone[id] && seen[id] != 1 {
				t.Fatalf("%d pages a request: member %d, present throughout, was lost", per, id)
			}
		}
		assert.NotZero(t, seen[added[0]], "a member who joined at the end is met")
	}
}

func TestAllVKStopsOnCtxAndBreakAgainstSandbox(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	api := communityAPI(t, s, false)
	n := 0
	for _, err := range api.Method("groups.getMembers").All(context.Background(), snskit.Params{"group_id": sandbox.VKBigGroupID}, snskit.WalkPageSize(1000), snskit.WalkPagesPerRequest(2)) {
		require.NoError(t, err)
		if n++; n == 3000 {
			break
		}
	}
	assert.Len(t, vkMethods(s), 2, "2000 items a request: the break stops the walk in the second")

	s.ResetRequests()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n = 0
	var last error
	for _, err := range api.Method("groups.getMembers").All(ctx, snskit.Params{"group_id": sandbox.VKBigGroupID}, snskit.WalkPagesPerRequest(1)) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 1500 {
			cancel()
		}
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.Equal(t, 1950, n, "the page in hand is yielded (the second overlaps the first by 50), the next is not read")
	assert.Len(t, vkMethods(s), 2)
}
