package e2e_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bot is a Bots Long Poll reader of community 1 that counts each post it
// sees and keeps the position OnTS gives, as a real bot would store it.
type bot struct {
	mu    sync.Mutex
	seen  map[int64]int // post id -> times seen
	pos   string
	quota int // events to take before stopping by itself; 0 for none
	stop  context.CancelFunc
	done  chan error
}

func (b *bot) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.seen)
}

// start runs the bot from its stored position until stopped.
func (b *bot) start(t *testing.T, api *snskit.API) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.stop, b.done = cancel, make(chan error, 1)
	b.mu.Lock()
	lp := platforms.VKBotsLongPoll{GroupID: 1, Wait: 5 * time.Second, TS: b.pos,
		OnTS: func(ts string) { b.mu.Lock(); b.pos = ts; b.mu.Unlock() }}
	b.mu.Unlock()
	go func() {
		defer cancel()
		for ev, err := range lp.Events(ctx, api) {
			if err != nil && errors.Is(err, ctx.Err()) {
				break // stopped
			}
			if err != nil {
				b.done <- err
				return
			}
			if ev.Type != "wall_post_new" {
				continue
			}
			b.mu.Lock()
			b.seen[ev.Object.Get("id").Int()]++
			stop := b.quota > 0 && len(b.seen) == b.quota
			b.mu.Unlock()
			if stop {
				break // a restart inside a batch, most likely
			}
		}
		b.done <- nil
	}()
}

// halt stops the bot and waits for it.
func (b *bot) halt(t *testing.T) {
	t.Helper()
	b.stop()
	select {
	case err := <-b.done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not stop")
	}
}

func (b *bot) waitFor(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return b.count() >= n }, 20*time.Second, 5*time.Millisecond, "the bot saw %d of %d posts", b.count(), n)
}

// poster posts on community 1's wall at VK's pace of 3 calls a second by
// the sandbox clock, and returns the new posts' ids.
func poster(t *testing.T, api *snskit.API, clock *sandbox.Clock, n int) []int64 {
	t.Helper()
	ids := make([]int64, 0, n)
	for i := range n {
		if i%3 == 0 {
			clock.Advance(time.Second)
		}
		res, err := api.Method("wall.post").Do(snskit.Params{"owner_id": -1, "from_group": 1, "message": "post"})
		require.NoError(t, err)
		ids = append(ids, res.Get("post_id").Int())
	}
	return ids
}

func TestVKBotsLongPollThousandPostsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	user := vkClient(t, s, s.Token("vk").AccessToken)
	group, err := s.IssueToken("vk", sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	reader := vkClient(t, s, group.AccessToken)

	b := &bot{seen: map[int64]int{}, pos: "0"} // from the first event on
	b.start(t, reader)
	var posted []int64
	posted = append(posted, poster(t, user, clock, 200)...)
	b.waitFor(t, 200)

	s.VKExpireLongPollKeys(-1) // failed 2: a new key, the same ts
	posted = append(posted, poster(t, user, clock, 200)...)
	b.waitFor(t, 400)

	servers := len(served(s, "vk", "/method/groups.getLongPollServer", ""))
	s.VKLoseLongPollInfo(-1) // failed 3, while the bot has everything
	require.Eventually(t, func() bool { return len(served(s, "vk", "/method/groups.getLongPollServer", "")) > servers },
		10*time.Second, 5*time.Millisecond, "failed 3 makes the bot ask for a new server")
	posted = append(posted, poster(t, user, clock, 200)...)
	b.waitFor(t, 600)

	// A restart inside a batch: the bot stops by itself after 650 posts,
	// then starts again from the position it stored.
	b.halt(t)
	b.mu.Lock()
	b.quota = 650
	b.mu.Unlock()
	b.start(t, reader)
	posted = append(posted, poster(t, user, clock, 200)...)
	select {
	case err := <-b.done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("the bot did not stop at its quota")
	}
	b.mu.Lock()
	b.quota = 0
	b.mu.Unlock()
	b.done <- nil // halt reads it
	b.start(t, reader)
	posted = append(posted, poster(t, user, clock, 200)...)
	b.waitFor(t, 1000)
	b.halt(t)

	require.Len(t, posted, 1000)
	b.mu.Lock()
	for _, id := range posted {
		assert.Equal(t, 1, b.seen[id], "post %d is seen exactly once", id)
	}
	assert.Len(t, b.seen, 1000)
	stored := b.pos
	b.mu.Unlock()

	// failed 1: while the bot is stopped, 10 posts come and the history is
	// dropped. On restart VK answers failed 1 with a newer ts: those 10 are
	// gone, as VK says, and the bot goes on with the next ones.
	lost := poster(t, user, clock, 10)
	s.VKDropLongPollHistory(-1)
	b.start(t, reader)
	next := poster(t, user, clock, 10)
	b.waitFor(t, 1010)
	b.halt(t)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, id := range lost {
		assert.Zero(t, b.seen[id], "post %d was dropped from VK's history", id)
	}
	for _, id := range next {
		assert.Equal(t, 1, b.seen[id])
	}
	assert.NotEqual(t, stored, b.pos)
}

func TestVKUserLongPollEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	reader := vkClient(t, s, s.Token("vk").AccessToken)
	writer, err := s.IssueToken("vk", sandbox.TokenOptions{UserID: "2"})
	require.NoError(t, err)
	sender := vkClient(t, s, writer.AccessToken)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	_, err = sender.Method("messages.send").Do(snskit.Params{"peer_id": 1, "message": "привет", "random_id": 42})
	require.NoError(t, err)
	lp := platforms.VKUserLongPoll{Mode: platforms.VKModeAttachments | platforms.VKModeRandomID, Wait: 2 * time.Second, TS: "0"}
	var got []platforms.VKEvent
	for ev, err := range lp.Events(ctx, reader) {
		require.NoError(t, err)
		got = append(got, ev)
		break
	}
	require.Len(t, got, 1)
	assert.Equal(t, "4", got[0].Type, "a new message, in version 3's form")
	assert.Equal(t, "привет", got[0].Object.Get("5").String())
	assert.Equal(t, int64(42), got[0].Object.Get("8").Int(), "mode 128 adds random_id")

	lp.Version = 99
	n := 0
	for _, err := range lp.Events(ctx, reader) {
		require.ErrorIs(t, err, snskit.ErrBadParams, "a version VK does not take ends the loop")
		n++
	}
	assert.Equal(t, 1, n)
}

// A community's User Long Poll, read with its token and GroupID, and with
// an admin's user token and GroupID.
func TestVKCommunityUserLongPollEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	club, err := s.IssueToken("vk", sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	ivan, err := s.IssueToken("vk", sandbox.TokenOptions{UserID: "3"})
	require.NoError(t, err)
	sender := vkClient(t, s, ivan.AccessToken)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	_, err = sender.Method("messages.send").Do(snskit.Params{"peer_id": -1, "message": "to the club", "random_id": 7})
	require.NoError(t, err)
	for name, reader := range map[string]*snskit.API{
		"community token": vkClient(t, s, club.AccessToken),
		"admin's token":   vkClient(t, s, s.Token("vk").AccessToken),
	} {
		lp := platforms.VKUserLongPoll{GroupID: 1, Wait: 2 * time.Second, TS: "0"}
		var got []platforms.VKEvent
		for ev, err := range lp.Events(ctx, reader) {
			require.NoError(t, err, name)
			got = append(got, ev)
			break
		}
		require.Len(t, got, 1, name)
		assert.Equal(t, "4", got[0].Type, name)
		assert.Equal(t, "to the club", got[0].Object.Get("5").String(), name)
		assert.Equal(t, int64(3), got[0].Object.Get("3").Int(), "%s: Ivan is the peer", name)
	}
}
