package sandbox_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkUserServer calls messages.getLongPollServer.
func vkUserServer(t *testing.T, s *sandbox.Server, tok string, extra url.Values) (vkLP, map[string]any) {
	t.Helper()
	m := vkAPI(t, s, tok, "messages.getLongPollServer", extra)
	require.Zero(t, vkErrCode(m), m)
	r := m["response"].(map[string]any)
	ts, ok := r["ts"].(float64)
	require.True(t, ok, "ts is an integer: %v", r)
	return vkLP{server: r["server"].(string), key: r["key"].(string), ts: int64(ts)}, r
}

func vkUpdates(t *testing.T, c vkCheck) [][]any {
	t.Helper()
	out := make([][]any, len(c.Updates))
	for i, u := range c.Updates {
		require.NoError(t, json.Unmarshal(u, &out[i]))
	}
	return out
}

func TestVKUserLongPoll(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	pavel := s.Token(sandbox.VK).AccessToken
	maria, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "2"})
	require.NoError(t, err)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)

	lp, r := vkUserServer(t, s, maria.AccessToken, url.Values{"need_pts": {"1"}, "lp_version": {"3"}})
	assert.Equal(t, s.URL(sandbox.VK)+"/longpoll/user", lp.server, "a full URL, scheme included")
	assert.Contains(t, r, "pts")
	own, _ := vkUserServer(t, s, pavel, nil)

	m := call(pavel, "messages.send", url.Values{"user_id": {"2"}, "message": {"Hi Maria"}, "random_id": {"9001"}})
	require.Zero(t, vkErrCode(m), m)
	id := m["response"].(float64)
	call(club.AccessToken, "messages.send", url.Values{"peer_id": {"2"}, "message": {"Club news"}, "random_id": {"3"}})

	c := vkACheck(t, lp, 1, url.Values{"mode": {"2"}, "version": {"3"}})
	require.Zero(t, c.Failed)
	ups := vkUpdates(t, c)
	require.Len(t, ups, 2)
	assert.Equal(t, []any{4.0, id, 1.0, 1.0}, ups[0][:4], "code, message_id, flags (unread), peer_id")
	assert.Equal(t, "Hi Maria", ups[0][5])
	assert.Len(t, ups[0], 8, "no random_id without mode 128")
	assert.EqualValues(t, -1, ups[1][3], "a community writes from peer -group_id")
	assert.Equal(t, lp.ts+2, c.ts(t))
	assert.Nil(t, c.Pts, "pts only with mode 32")

	c = vkACheck(t, lp, 0, url.Values{"mode": {strconv.Itoa(2 | 32 | 128)}, "version": {"3"}})
	ups = vkUpdates(t, c)
	assert.EqualValues(t, 9001, ups[0][8], "random_id with mode 128")
	require.NotNil(t, c.Pts)

	c = vkACheck(t, lp, 0, url.Values{"version": {"19"}})
	ups = vkUpdates(t, c)
	assert.EqualValues(t, 10004, ups[0][0])
	assert.EqualValues(t, 1, ups[0][1], "conversation_message_id")
	assert.EqualValues(t, 1, ups[0][4], "peer_id")
	assert.Equal(t, "Hi Maria", ups[0][6])
	assert.EqualValues(t, 9001, ups[0][9])
	assert.Equal(t, id, ups[0][10])

	c = vkACheck(t, lp, 0, url.Values{"version": {"99"}})
	assert.Equal(t, 4, c.Failed)
	require.NotNil(t, c.Max)
	assert.Equal(t, 21, *c.Max)

	c = vkACheck(t, own, 0, nil)
	ups = vkUpdates(t, c)
	require.Len(t, ups, 1)
	assert.EqualValues(t, 3, ups[0][2], "the sender's copy: unread and outbox")
	assert.EqualValues(t, 2, ups[0][3])

	s.VKExpireLongPollKeys(2)
	assert.Equal(t, 2, vkACheck(t, lp, 0, nil).Failed)
	assert.Zero(t, vkACheck(t, own, 0, nil).Failed, "only user 2's keys expired")
	s.VKLoseLongPollInfo(1)
	assert.Equal(t, 3, vkACheck(t, own, 0, nil).Failed)
	lp, _ = vkUserServer(t, s, maria.AccessToken, nil)
	s.VKDropLongPollHistory(2)
	call(pavel, "messages.send", url.Values{"user_id": {"2"}, "message": {"again"}, "random_id": {"9002"}})
	lp.ts--
	c = vkACheck(t, lp, 0, nil)
	assert.Equal(t, 1, c.Failed)
	bots := vkLP{server: s.URL(sandbox.VK) + "/longpoll/bots", key: lp.key, ts: lp.ts}
	assert.Equal(t, 2, vkACheck(t, bots, 0, nil).Failed, "a user key is no bots key")
}

// A community's User Long Poll: its token, or an admin's with group_id,
// reads the community's side of its conversations, apart from its Bots
// Long Poll.
func TestVKCommunityUserLongPoll(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	admin := s.Token(sandbox.VK).AccessToken // Pavel runs community 1
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	ivan, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "3"})
	require.NoError(t, err)

	lp, _ := vkUserServer(t, s, club.AccessToken, nil)
	assert.Equal(t, s.URL(sandbox.VK)+"/longpoll/user", lp.server)
	byAdmin, _ := vkUserServer(t, s, admin, url.Values{"group_id": {"1"}})
	assert.Equal(t, 15, vkErrCode(call(ivan.AccessToken, "messages.getLongPollServer", url.Values{"group_id": {"1"}})), "not an admin")
	assert.Equal(t, 15, vkErrCode(call(club.AccessToken, "messages.getLongPollServer", url.Values{"group_id": {"2"}})), "another community")
	bots := vkBotsServer(t, s, club.AccessToken, 1)

	m := call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"hello club"}, "random_id": {"5"}})
	require.Zero(t, vkErrCode(m), m)
	in := m["response"].(float64)
	m = call(club.AccessToken, "messages.send", url.Values{"user_id": {"3"}, "message": {"hi Ivan"}, "random_id": {"6"}})
	require.Zero(t, vkErrCode(m), m)
	out := m["response"].(float64)
	call(admin, "messages.send", url.Values{"user_id": {"2"}, "message": {"not the club's"}, "random_id": {"7"}})

	for _, key := range []vkLP{lp, byAdmin} {
		c := vkACheck(t, key, 1, url.Values{"version": {"3"}})
		require.Zero(t, c.Failed)
		ups := vkUpdates(t, c)
		require.Len(t, ups, 2, "the community's two messages, not its admin's own")
		assert.Equal(t, []any{4.0, in, 1.0, 3.0}, ups[0][:4], "Ivan's message, unread, from peer 3")
		assert.Equal(t, "hello club", ups[0][5])
		assert.Equal(t, []any{4.0, out, 3.0, 3.0}, ups[1][:4], "the club's reply: outbox, to peer 3")
	}
	bc := vkACheck(t, bots, 1, nil)
	require.Zero(t, bc.Failed)
	assert.Len(t, vkEventsOf(t, bc), 2, "the Bots Long Poll keeps its own events: message_new and message_reply")

	s.VKExpireLongPollKeys(sandbox.VKCommunityUserLongPoll(1))
	assert.Equal(t, 2, vkACheck(t, lp, 0, url.Values{"version": {"3"}}).Failed)
	assert.Zero(t, vkACheck(t, bots, 0, nil).Failed, "the Bots Long Poll's key is another stream's")
}
