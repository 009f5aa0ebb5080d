package snskit_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Call.All walks a conversation's history as VK lists it (newest first,
// pages of 200, merged into one execute), against the sandbox's
// messages.getHistory.
func TestAllVKMessagesHistoryAgainstSandbox(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	api := communityAPI(t, s, false)
	ctx := context.Background()
	const n = 450
	for i := 0; i < n; i += 25 { // 25 sends an execute
		var calls []snskit.BatchCall
		for j := i; j < min(i+25, n); j++ {
			calls = append(calls, snskit.BatchCall{Call: api.Method("messages.send"),
				Params: snskit.Params{"user_id": 3, "message": "m" + strconv.Itoa(j), "random_id": j + 1}})
		}
		res, err := api.Batch(ctx, calls...)
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
	}

	s.ResetRequests()
	var texts []string
	seen := map[int64]bool{}
	for item, err := range api.Method("messages.getHistory").All(ctx, snskit.Params{"peer_id": 3}) {
		require.NoError(t, err)
		id := item.Get("id").Int()
		require.False(t, seen[id], "message %d twice", id)
		seen[id] = true
		texts = append(texts, item.Get("text").String())
	}
	require.Len(t, texts, n)
	assert.Equal(t, "m449", texts[0], "newest first")
	assert.Equal(t, "m0", texts[n-1])
	reqs := vkMethods(s)
	assert.Equal(t, []string{"execute"}, reqs, "pages of 200, up to 25 in one execute")
}
