package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkLP is a long-poll session as a third-party client keeps it.
type vkLP struct {
	server, key string
	ts          int64
}

// vkBotsServer calls groups.getLongPollServer.
func vkBotsServer(t *testing.T, s *sandbox.Server, tok string, gid int) vkLP {
	t.Helper()
	m := vkAPI(t, s, tok, "groups.getLongPollServer", url.Values{"group_id": {strconv.Itoa(gid)}})
	require.Zero(t, vkErrCode(m), m)
	r := m["response"].(map[string]any)
	tsText, ok := r["ts"].(string)
	require.True(t, ok, "ts is a string: %v", r)
	ts, err := strconv.ParseInt(tsText, 10, 64)
	require.NoError(t, err)
	return vkLP{server: r["server"].(string), key: r["key"].(string), ts: ts}
}

// vkCheck is one a_check reply, ts read from a string or a number.
type vkCheck struct {
	Failed  int               `json:"failed"`
	TS      json.RawMessage   `json:"ts"`
	Updates []json.RawMessage `json:"updates"`
	Pts     *int64            `json:"pts"`
	Min     *int              `json:"min_version"`
	Max     *int              `json:"max_version"`
}

func (c vkCheck) ts(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := json.Unmarshal(c.TS, &n); err == nil {
		return n
	}
	var s string
	require.NoError(t, json.Unmarshal(c.TS, &s), "ts: %s", c.TS)
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}

// vkACheck polls a long-poll server.
func vkACheck(t *testing.T, lp vkLP, wait int, extra url.Values) vkCheck {
	t.Helper()
	q := url.Values{"act": {"a_check"}, "key": {lp.key}, "ts": {strconv.FormatInt(lp.ts, 10)}, "wait": {strconv.Itoa(wait)}}
	for k, v := range extra {
		q[k] = v
	}
	resp, err := http.Get(lp.server + "?" + q.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var c vkCheck
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&c))
	return c
}

// vkBotsEvent is one Bots Long Poll update.
type vkBotsEvent struct {
	Type    string         `json:"type"`
	Object  map[string]any `json:"object"`
	GroupID int64          `json:"group_id"`
	EventID string         `json:"event_id"`
	V       string         `json:"v"`
}

func vkEventsOf(t *testing.T, c vkCheck) []vkBotsEvent {
	t.Helper()
	out := make([]vkBotsEvent, len(c.Updates))
	for i, u := range c.Updates {
		require.NoError(t, json.Unmarshal(u, &out[i]))
	}
	return out
}

func TestVKBotsLongPoll(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	admin := s.Token(sandbox.VK).AccessToken
	ivan, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "3"})
	require.NoError(t, err)
	kitchen, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 2})
	require.NoError(t, err)

	assert.Equal(t, 15, vkErrCode(call(ivan.AccessToken, "groups.getLongPollServer", url.Values{"group_id": {"1"}})), "not an admin")
	assert.Equal(t, 15, vkErrCode(call(kitchen.AccessToken, "groups.getLongPollServer", url.Values{"group_id": {"1"}})), "another community")
	assert.Equal(t, 100, vkErrCode(call(club.AccessToken, "groups.getLongPollServer", nil)))
	lp := vkBotsServer(t, s, admin, 1)
	assert.Equal(t, s.URL(sandbox.VK)+"/longpoll/bots", lp.server)
	lp = vkBotsServer(t, s, club.AccessToken, 1)

	c := vkACheck(t, lp, 0, nil)
	assert.Zero(t, c.Failed)
	assert.Equal(t, lp.ts, c.ts(t))
	assert.Empty(t, c.Updates)
	assert.Equal(t, `"`+strconv.FormatInt(lp.ts, 10)+`"`, string(c.TS), "ts is a string in normal replies")

	m := call(admin, "wall.post", url.Values{"owner_id": {"-1"}, "from_group": {"1"}, "message": {"club news"}})
	require.Zero(t, vkErrCode(m), m)
	m = call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"hello club"}, "random_id": {"77"}})
	require.Zero(t, vkErrCode(m), m)
	msgID := m["response"]
	m = call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"hello club"}, "random_id": {"77"}})
	assert.Equal(t, msgID, m["response"], "the same random_id sends nothing new")
	m = call(club.AccessToken, "messages.send", url.Values{"user_id": {"3"}, "message": {"hi Ivan"}, "random_id": {"1"}})
	require.Zero(t, vkErrCode(m), m)
	assert.Equal(t, 100, vkErrCode(call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"x"}})), "random_id is required")

	c = vkACheck(t, lp, 25, nil)
	require.Zero(t, c.Failed)
	evs := vkEventsOf(t, c)
	require.Len(t, evs, 3, "one wall post, one message (not two), one reply")
	assert.Equal(t, lp.ts+3, c.ts(t))
	post := evs[0]
	assert.Equal(t, "wall_post_new", post.Type)
	assert.Equal(t, "club news", post.Object["text"])
	assert.EqualValues(t, -1, post.Object["owner_id"])
	assert.EqualValues(t, 1, post.GroupID)
	assert.Equal(t, "5.199", post.V)
	assert.Regexp(t, "^[0-9a-f]{40}$", post.EventID)
	assert.Equal(t, "message_new", evs[1].Type)
	msg := evs[1].Object["message"].(map[string]any)
	assert.Equal(t, "hello club", msg["text"])
	assert.EqualValues(t, 3, msg["from_id"])
	assert.EqualValues(t, 3, msg["peer_id"])
	assert.Equal(t, msgID, msg["id"])
	assert.Contains(t, evs[1].Object, "client_info")
	assert.Equal(t, "message_reply", evs[2].Type)
	assert.EqualValues(t, 1, evs[2].Object["out"])
	assert.NotEqual(t, evs[0].EventID, evs[1].EventID)

	// Older API versions get the bare message as message_new's object.
	m = call(admin, "groups.setLongPollSettings", url.Values{"group_id": {"1"}, "api_version": {"5.90"}, "message_reply": {"0"}})
	require.Zero(t, vkErrCode(m), m)
	call(ivan.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"old style"}, "random_id": {"78"}})
	call(club.AccessToken, "messages.send", url.Values{"user_id": {"3"}, "message": {"not seen"}, "random_id": {"2"}})
	lp.ts = c.ts(t)
	c = vkACheck(t, lp, 1, nil)
	evs = vkEventsOf(t, c)
	require.Len(t, evs, 1, "message_reply was turned off")
	assert.Equal(t, "old style", evs[0].Object["text"])
	assert.Equal(t, "5.90", evs[0].V)
	settings := call(admin, "groups.getLongPollSettings", url.Values{"group_id": {"1"}})["response"].(map[string]any)
	assert.Equal(t, true, settings["is_enabled"])
	assert.EqualValues(t, 0, settings["events"].(map[string]any)["message_reply"])
	lp.ts = c.ts(t)

	// failed 2: the key expired (on demand, or by the clock); keep the ts.
	s.VKExpireLongPollKeys(-1)
	assert.Equal(t, 2, vkACheck(t, lp, 0, nil).Failed)
	fresh := vkBotsServer(t, s, club.AccessToken, 1)
	lp.key = fresh.key
	assert.Zero(t, vkACheck(t, lp, 0, nil).Failed)
	clk.Advance(sandbox.VKLongPollKeyTTL)
	assert.Equal(t, 2, vkACheck(t, lp, 0, nil).Failed)
	lp.key = vkBotsServer(t, s, club.AccessToken, 1).key

	// failed 3: new key and ts.
	s.VKLoseLongPollInfo(-1)
	assert.Equal(t, 3, vkACheck(t, lp, 0, nil).Failed)
	lp = vkBotsServer(t, s, club.AccessToken, 1)

	// failed 1: history lost, or a ts from the future; number ts.
	call(admin, "wall.post", url.Values{"owner_id": {"-1"}, "message": {"lost"}})
	s.VKDropLongPollHistory(-1)
	c = vkACheck(t, lp, 0, nil)
	assert.Equal(t, 1, c.Failed)
	assert.Equal(t, lp.ts+1, c.ts(t))
	assert.Equal(t, strconv.FormatInt(lp.ts+1, 10), string(c.TS), "ts is a number in failed replies")
	future := lp
	future.ts += 100
	assert.Equal(t, 1, vkACheck(t, future, 0, nil).Failed)
	assert.Equal(t, 2, vkACheck(t, vkLP{server: lp.server, key: "nope", ts: 0}, 0, nil).Failed)

	m = call(admin, "groups.setLongPollSettings", url.Values{"group_id": {"1"}, "enabled": {"0"}})
	require.Zero(t, vkErrCode(m))
	assert.Equal(t, 100, vkErrCode(call(club.AccessToken, "groups.getLongPollServer", url.Values{"group_id": {"1"}})))
}

func TestVKBotsLongPollWaitsAndCloses(t *testing.T) {
	s, _ := vkStart(t)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	user, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: "2"})
	require.NoError(t, err)
	lp := vkBotsServer(t, s, club.AccessToken, 1)

	got := make(chan vkCheck, 1)
	go func() { got <- vkACheck(t, lp, 60, nil) }()
	time.Sleep(20 * time.Millisecond) // let the poll start waiting; the reply comes either way
	m := vkAPI(t, s, user.AccessToken, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"wake up"}, "random_id": {"5"}})
	require.Zero(t, vkErrCode(m), m)
	c := <-got
	require.Len(t, c.Updates, 1, "a waiting poll answers as soon as an event comes")

	lp.ts = c.ts(t)
	done := make(chan vkCheck, 1)
	go func() { done <- vkACheck(t, lp, 90, nil) }()
	time.Sleep(20 * time.Millisecond)
	s.Close()
	c = <-done
	assert.Empty(t, c.Updates, "Close answers a waiting poll")
}

func TestVKBotsLongPollBoundedHistory(t *testing.T) {
	s, _ := vkStart(t)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	lp := vkBotsServer(t, s, club.AccessToken, 1)
	for i := range sandbox.VKLongPollHistory + 5 {
		m := vkAPI(t, s, s.Token(sandbox.VK).AccessToken, "messages.send",
			url.Values{"peer_id": {"-1"}, "message": {"m" + strconv.Itoa(i)}, "random_id": {strconv.Itoa(i + 1)}})
		require.Zero(t, vkErrCode(m), m)
	}
	c := vkACheck(t, lp, 0, nil)
	require.Equal(t, 1, c.Failed, "a reader too far behind")
	assert.Equal(t, lp.ts+5, c.ts(t), "go on from the oldest event kept")
	lp.ts = c.ts(t)
	c = vkACheck(t, lp, 0, nil)
	require.Zero(t, c.Failed)
	assert.Len(t, c.Updates, sandbox.VKLongPollBatch)
	assert.Equal(t, "m5", vkEventsOf(t, c)[0].Object["message"].(map[string]any)["text"])
}

// TestVKMessageNewFromTheUserWithTheCommunitysNumber: user 1 writes to
// community 1; from the community's side the user is the other party, so
// peer_id is the user and out is 0, although both ids are 1.
func TestVKMessageNewFromTheUserWithTheCommunitysNumber(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	admin := s.Token(sandbox.VK).AccessToken // user 1, an admin of community 1
	lp := vkBotsServer(t, s, admin, 1)
	m := call(admin, "messages.send", url.Values{"peer_id": {"-1"}, "message": {"same number"}, "random_id": {"5"}})
	require.Zero(t, vkErrCode(m), m)
	evs := vkEventsOf(t, vkACheck(t, lp, 1, nil))
	require.Len(t, evs, 1)
	msg := evs[0].Object["message"].(map[string]any)
	assert.EqualValues(t, 1, msg["from_id"])
	assert.EqualValues(t, 1, msg["peer_id"], "the user, not the community")
	assert.EqualValues(t, 0, msg["out"], "a message the community received")
}
