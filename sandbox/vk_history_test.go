package sandbox_test

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

func TestVKMessagesGetHistory(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	ivan, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "3"})
	require.NoError(t, err)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	noRight, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "3", Scope: []string{"wall"}})
	require.NoError(t, err)

	// Ivan and the club write in turn; a repeated random_id sends nothing.
	var texts []string
	for i := range 5 {
		tok, params := ivan.AccessToken, url.Values{"peer_id": {"-1"}}
		if i%2 == 1 {
			tok, params = club.AccessToken, url.Values{"user_id": {"3"}}
		}
		text := "message " + strconv.Itoa(i)
		params.Set("message", text)
		params.Set("random_id", strconv.Itoa(100+i))
		require.Zero(t, vkErrCode(call(tok, "messages.send", params)))
		texts = append(texts, text)
	}
	require.Zero(t, vkErrCode(call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"message 0"}, "random_id": {"100"}})))
	// Another conversation, not in this one's history.
	require.Zero(t, vkErrCode(call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"1"}, "message": {"to Pavel"}, "random_id": {"1"}})))

	history := func(tok string, params url.Values) (int, []map[string]any) {
		t.Helper()
		m := call(tok, "messages.getHistory", params)
		require.Zero(t, vkErrCode(m), m)
		r := m["response"].(map[string]any)
		var items []map[string]any
		for _, x := range r["items"].([]any) {
			items = append(items, x.(map[string]any))
		}
		return int(r["count"].(float64)), items
	}
	n, items := history(club.AccessToken, url.Values{"peer_id": {"3"}})
	assert.Equal(t, 5, n)
	require.Len(t, items, 5)
	for i, it := range items { // newest first, as the club sees them
		assert.Equal(t, texts[4-i], it["text"])
		assert.EqualValues(t, 3, it["peer_id"])
		wantOut := 0
		if (4-i)%2 == 1 {
			wantOut = 1
		}
		assert.EqualValues(t, wantOut, it["out"], "out is 1 for the club's own messages")
	}
	n, items = history(ivan.AccessToken, url.Values{"peer_id": {"-1"}, "offset": {"1"}, "count": {"2"}})
	assert.Equal(t, 5, n)
	require.Len(t, items, 2)
	assert.Equal(t, texts[3], items[0]["text"])
	assert.Equal(t, texts[2], items[1]["text"])
	assert.EqualValues(t, -1, items[0]["peer_id"], "Ivan sees the club as the peer")
	_, items = history(ivan.AccessToken, url.Values{"user_id": {"-1"}, "rev": {"1"}, "count": {"1"}})
	require.Len(t, items, 1)
	assert.Equal(t, texts[0], items[0]["text"], "rev=1: oldest first")
	n, items = history(ivan.AccessToken, url.Values{"peer_id": {"-1"}, "offset": {"10"}})
	assert.Equal(t, 5, n)
	assert.Empty(t, items)
	n, _ = history(ivan.AccessToken, url.Values{"peer_id": {"2"}})
	assert.Zero(t, n, "a conversation never written in")

	assert.Equal(t, 100, vkErrCode(call(ivan.AccessToken, "messages.getHistory", url.Values{"peer_id": {"-1"}, "count": {"201"}})), "count is at most 200")
	assert.Equal(t, 100, vkErrCode(call(ivan.AccessToken, "messages.getHistory", nil)), "peer_id is required")
	assert.Equal(t, 100, vkErrCode(call(ivan.AccessToken, "messages.getHistory", url.Values{"peer_id": {"3"}})), "not with oneself")
	assert.Equal(t, 901, vkErrCode(call(club.AccessToken, "messages.getHistory", url.Values{"peer_id": {"-2"}})), "communities have no conversations together")
	assert.Equal(t, 15, vkErrCode(call(noRight.AccessToken, "messages.getHistory", url.Values{"peer_id": {"-1"}})), "the right messages is needed")
}
