package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkReceiver is a community's callback endpoint: it answers the
// confirmation with code, refuses the first `refuse` tries of each event
// and records what it got.
type vkReceiver struct {
	mu     sync.Mutex
	code   string
	refuse map[string]int // text of the event -> tries still to refuse
	got    []map[string]any
	tries  map[string]int // event_id -> tries seen
}

func (v *vkReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev map[string]any
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &ev) != nil || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if ev["type"] == "confirmation" {
		v.got = append(v.got, ev)
		_, _ = io.WriteString(w, v.code)
		return
	}
	id, _ := ev["event_id"].(string)
	v.tries[id]++
	text := ""
	if obj, ok := ev["object"].(map[string]any); ok {
		text, _ = obj["text"].(string)
	}
	if v.refuse[text] > 0 {
		v.refuse[text]--
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	v.got = append(v.got, ev) // the sandbox retries only what failed, so no event comes twice
	_, _ = io.WriteString(w, "ok")
}

func TestVKCallbackAPI(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	admin := s.Token(sandbox.VK).AccessToken

	m := call(club.AccessToken, "groups.getCallbackConfirmationCode", url.Values{"group_id": {"1"}})
	require.Zero(t, vkErrCode(m), m)
	code := m["response"].(map[string]any)["code"].(string)
	assert.Equal(t, s.VKCallbackCode(1), code)
	recv := &vkReceiver{code: code, refuse: map[string]int{"flaky": 2, "hopeless": 100}, tries: map[string]int{}}
	hook := httptest.NewServer(recv)
	defer hook.Close()

	assert.Equal(t, 100, vkErrCode(call(club.AccessToken, "groups.addCallbackServer",
		url.Values{"group_id": {"1"}, "url": {"https://example.com/hook"}, "title": {"far"}})), "only loopback URLs")
	m = call(club.AccessToken, "groups.addCallbackServer",
		url.Values{"group_id": {"1"}, "url": {hook.URL + "/vk"}, "title": {"bot"}, "secret_key": {"s3cr3t"}})
	require.Zero(t, vkErrCode(m), m)
	sid := strconv.Itoa(int(m["response"].(map[string]any)["server_id"].(float64)))
	require.NoError(t, s.VKWaitCallbacks(t.Context()))
	m = call(club.AccessToken, "groups.getCallbackServers", url.Values{"group_id": {"1"}})
	srv := m["response"].(map[string]any)["items"].([]any)[0].(map[string]any)
	assert.Equal(t, "ok", srv["status"], "confirmed")
	assert.Equal(t, hook.URL+"/vk", srv["url"])

	m = call(club.AccessToken, "groups.setCallbackSettings", url.Values{"group_id": {"1"}, "server_id": {sid},
		"api_version": {"5.199"}, "wall_post_new": {"1"}, "message_new": {"1"}})
	require.Zero(t, vkErrCode(m), m)
	m = call(club.AccessToken, "groups.getCallbackSettings", url.Values{"group_id": {"1"}, "server_id": {sid}})
	assert.EqualValues(t, 1, m["response"].(map[string]any)["events"].(map[string]any)["wall_post_new"])
	assert.EqualValues(t, 0, m["response"].(map[string]any)["events"].(map[string]any)["message_reply"])

	for _, text := range []string{"first", "flaky", "hopeless", "last"} {
		m = call(admin, "wall.post", url.Values{"owner_id": {"-1"}, "message": {text}})
		require.Zero(t, vkErrCode(m), m)
	}
	call(club.AccessToken, "messages.send", url.Values{"user_id": {"1"}, "message": {"reply, not sent"}, "random_id": {"1"}})
	require.NoError(t, s.VKWaitCallbacks(t.Context()))

	recv.mu.Lock()
	got := append([]map[string]any(nil), recv.got...)
	recv.mu.Unlock()
	require.Len(t, got, 4, "confirmation, first, flaky (after retries), last")
	assert.Equal(t, map[string]any{"type": "confirmation", "group_id": 1.0, "secret": "s3cr3t"}, got[0])
	var texts []string
	for _, ev := range got[1:] {
		assert.Equal(t, "wall_post_new", ev["type"])
		assert.Equal(t, "s3cr3t", ev["secret"])
		assert.EqualValues(t, 1, ev["group_id"])
		assert.Equal(t, "5.199", ev["v"])
		assert.NotEmpty(t, ev["event_id"])
		texts = append(texts, ev["object"].(map[string]any)["text"].(string))
	}
	assert.Equal(t, []string{"first", "flaky", "last"}, texts, "in order; the hopeless one was dropped")

	log := s.VKCallbackDeliveries()
	require.Len(t, log, 5)
	assert.Equal(t, sandbox.VKCallbackDelivery{GroupID: 1, ServerID: 1, Type: "confirmation", Attempts: 1, OK: true}, log[0])
	assert.Equal(t, 3, log[2].Attempts, "flaky took three tries")
	assert.True(t, log[2].OK)
	assert.Equal(t, sandbox.VKCallbackAttempts, log[3].Attempts)
	assert.False(t, log[3].OK)

	// A server that answers the wrong code is not confirmed and gets nothing.
	wrong := httptest.NewServer(&vkReceiver{code: "nope", tries: map[string]int{}})
	defer wrong.Close()
	id, err := s.VKAddCallbackServer(1, wrong.URL, "")
	require.NoError(t, err)
	require.NoError(t, s.VKWaitCallbacks(t.Context()))
	m = call(admin, "groups.getCallbackServers", url.Values{"group_id": {"1"}, "server_ids": {strconv.FormatInt(id, 10)}})
	assert.Equal(t, "failed", m["response"].(map[string]any)["items"].([]any)[0].(map[string]any)["status"])
	_, err = s.VKAddCallbackServer(1, "http://192.0.2.1/hook", "")
	assert.Error(t, err)

	m = call(club.AccessToken, "groups.deleteCallbackServer", url.Values{"group_id": {"1"}, "server_id": {sid}})
	require.Zero(t, vkErrCode(m), m)
	assert.Equal(t, 104, vkErrCode(call(club.AccessToken, "groups.deleteCallbackServer", url.Values{"group_id": {"1"}, "server_id": {sid}})))
}

func TestVKCallbackCloseStopsRetries(t *testing.T) {
	s, _ := vkStart(t)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer slow.Close()
	_, err := s.VKAddCallbackServer(2, slow.URL, "")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waits for callback retries")
	}
	assert.LessOrEqual(t, len(s.VKCallbackDeliveries()), 1, "the confirmation was given up, if it had started")
}
