package sandbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkFollower reads a Bots Long Poll as PLATFORMS-MORE.md §3.1 says: on
// failed 1 go on from the reply's ts, on failed 2 take a new key and keep
// the ts, on failed 3 take a new key and ts.
type vkFollower struct {
	s        *sandbox.Server
	tok      string
	lp       vkLP
	seen     map[string]int // text -> times seen
	order    []string
	eventIDs map[string]bool
	lost     int64 // events the server said were lost (ts jumps)
	failures map[int]int
}

func newVKFollower(t *testing.T, s *sandbox.Server, tok string) *vkFollower {
	t.Helper()
	return &vkFollower{s: s, tok: tok, lp: vkBotsServer(t, s, tok, 1), seen: map[string]int{},
		eventIDs: map[string]bool{}, failures: map[int]int{}}
}

// step makes one a_check and reports how many events it brought.
func (f *vkFollower) step(t *testing.T, wait int) int {
	t.Helper()
	c := vkACheck(t, f.lp, wait, nil)
	f.failures[c.Failed]++
	switch c.Failed {
	case 0:
		for _, ev := range vkEventsOf(t, c) {
			text, _ := ev.Object["text"].(string)
			if msg, ok := ev.Object["message"].(map[string]any); ok {
				text, _ = msg["text"].(string)
			}
			f.seen[text]++
			f.order = append(f.order, text)
			assert.False(t, f.eventIDs[ev.EventID], "event_id %s repeated", ev.EventID)
			f.eventIDs[ev.EventID] = true
		}
		f.lp.ts = c.ts(t)
		return len(c.Updates)
	case 1:
		f.lost += c.ts(t) - f.lp.ts
		f.lp.ts = c.ts(t)
	case 2:
		n := vkBotsServer(t, f.s, f.tok, 1)
		f.lp.key, f.lp.server = n.key, n.server
	case 3:
		n := vkBotsServer(t, f.s, f.tok, 1)
		f.lost += n.ts - f.lp.ts
		f.lp = n
	default:
		t.Fatalf("unknown failed %d", c.Failed)
	}
	return -1
}

// drain reads until a poll brings nothing.
func (f *vkFollower) drain(t *testing.T) {
	t.Helper()
	for f.step(t, 0) != 0 {
	}
}

func TestVKLongPoll1000PostsAcrossFailures(t *testing.T) {
	s, clk := vkStart(t)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	admin := s.Token(sandbox.VK).AccessToken
	f := newVKFollower(t, s, club.AccessToken)
	for i := 1; i <= 1000; i++ {
		clk.Advance(400 * time.Millisecond) // VK's 3 calls per second
		m := vkAPI(t, s, admin, "wall.post", url.Values{"owner_id": {"-1"}, "from_group": {"1"}, "message": {"p" + strconv.Itoa(i)}})
		require.Zero(t, vkErrCode(m), m)
		switch i {
		case 259: // the key expires while the reader lags: nothing is lost
			s.VKExpireLongPollKeys(-1)
		case 518: // information lost right after a read: nothing is lost
			f.drain(t)
			s.VKLoseLongPollInfo(-1)
			f.drain(t)
		case 750: // history dropped while the reader lags since p740
			s.VKDropLongPollHistory(-1)
		}
		if i%37 == 0 {
			f.drain(t)
		}
	}
	f.drain(t)

	assert.Equal(t, 1, f.failures[1])
	assert.Equal(t, 1, f.failures[2])
	assert.Equal(t, 1, f.failures[3])
	assert.EqualValues(t, 10, f.lost, "only p741..p750 are lost, and the server said so")
	for i := 1; i <= 1000; i++ {
		want := 1
		if i > 740 && i <= 750 {
			want = 0
		}
		assert.Equal(t, want, f.seen["p"+strconv.Itoa(i)], "p%d", i)
	}
	require.Len(t, f.order, 990)
	for i := 1; i < len(f.order); i++ {
		a, _ := strconv.Atoi(f.order[i-1][1:])
		b, _ := strconv.Atoi(f.order[i][1:])
		assert.Less(t, a, b, "events come in order")
	}
}

func TestVKLongPollConcurrentWriters(t *testing.T) {
	s, clk := vkStart(t)
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	f := newVKFollower(t, s, club.AccessToken)
	const writers, each = 4, 50
	var wg sync.WaitGroup
	errs := make(chan string, writers*each)
	for w := 1; w <= writers; w++ {
		tok, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: strconv.Itoa(w)})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				clk.Advance(time.Second) // a fresh rate-limit window for this writer's two calls
				text := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				form := url.Values{"access_token": {tok.AccessToken}, "v": {"5.199"}, "peer_id": {"-1"},
					"message": {text}, "random_id": {strconv.Itoa(i + 1)}}
				for range 2 { // a resend with the same random_id makes no second message
					resp, err := http.PostForm(s.URL(sandbox.VK)+"/method/messages.send", form)
					if err != nil {
						errs <- err.Error()
						return
					}
					resp.Body.Close()
				}
				if i == each/2 && w == 1 {
					s.VKExpireLongPollKeys(-1)
				}
			}
		}()
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(f.order) < writers*each && time.Now().Before(deadline) {
		f.step(t, 1)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	f.drain(t)
	assert.Len(t, f.order, writers*each, "every message seen once")
	assert.Len(t, f.seen, writers*each)
	assert.Zero(t, f.lost)
}
