package platforms_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeLP is a Bots Long Poll shaped like PLATFORMS-MORE.md §3.1: events
// numbered from 1, ts = the number of the last event, batches of at most
// batch events, and scripted answers (failed 1/2/3, an HTTP 502, a
// repeated event) injected before the next a_check.
type fakeLP struct {
	*httptest.Server
	mu      sync.Mutex
	events  int
	key     int
	batch   int
	script  []string // "failed1", "failed2", "failed3", "502", "dup"
	servers int      // getLongPollServer calls
	checks  []string // ts of each a_check
	wake    chan struct{}
}

func newFakeLP(t *testing.T) *fakeLP {
	t.Helper()
	f := &fakeLP{batch: 3, wake: make(chan struct{}, 1)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLP) add(n int, script ...string) {
	f.mu.Lock()
	f.events += n
	f.script = append(f.script, script...)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *fakeLP) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	if strings.HasSuffix(r.URL.Path, "/method/groups.getLongPollServer") {
		f.servers++
		f.key++
		out := fmt.Sprintf(`{"response":{"key":"k%d","server":"%s/lp","ts":"%d"}}`, f.key, f.URL, f.events)
		f.mu.Unlock()
		fmt.Fprint(w, out)
		return
	}
	f.checks = append(f.checks, r.Form.Get("ts"))
	if r.Form.Get("key") != "k"+strconv.Itoa(f.key) {
		f.mu.Unlock()
		fmt.Fprint(w, `{"failed":2}`)
		return
	}
	if len(f.script) > 0 {
		s := f.script[0]
		f.script = f.script[1:]
		switch s {
		case "failed1":
			f.mu.Unlock()
			fmt.Fprintf(w, `{"failed":1,"ts":%s}`, r.Form.Get("ts")) // a number here
			return
		case "failed2":
			f.key++ // the old key is dead
			f.mu.Unlock()
			fmt.Fprint(w, `{"failed":2}`)
			return
		case "failed3":
			f.key++
			f.mu.Unlock()
			fmt.Fprint(w, `{"failed":3}`)
			return
		case "502":
			f.mu.Unlock()
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
			return
		case "dup":
			ts, _ := strconv.Atoi(r.Form.Get("ts"))
			if ts > 0 {
				f.mu.Unlock()
				fmt.Fprintf(w, `{"ts":"%d","updates":[%s]}`, ts, fakeEvent(ts))
				return
			}
		}
	}
	f.mu.Unlock()
	ts, _ := strconv.Atoi(r.Form.Get("ts"))
	wait, _ := strconv.Atoi(r.Form.Get("wait"))
	timer := time.NewTimer(time.Duration(wait) * time.Second)
	defer timer.Stop()
	for {
		f.mu.Lock()
		n, scripted := f.events, len(f.script) > 0
		f.mu.Unlock()
		if scripted && n <= ts { // let the next a_check meet the script
			fmt.Fprintf(w, `{"ts":"%d","updates":[]}`, ts)
			return
		}
		if n > ts {
			var ups []string
			last := min(n, ts+f.batch)
			for i := ts + 1; i <= last; i++ {
				ups = append(ups, fakeEvent(i))
			}
			fmt.Fprintf(w, `{"ts":"%d","updates":[%s]}`, last, strings.Join(ups, ","))
			return
		}
		select {
		case <-f.wake:
		case <-timer.C:
			fmt.Fprintf(w, `{"ts":"%d","updates":[]}`, ts)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// waitCheck waits until an a_check asks for ts.
func (f *fakeLP) waitCheck(ts string) {
	for {
		f.mu.Lock()
		n := len(f.checks)
		ok := n > 0 && f.checks[n-1] == ts
		f.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitServers waits until getLongPollServer was called n times.
func (f *fakeLP) waitServers(n int) {
	for {
		f.mu.Lock()
		ok := f.servers >= n
		f.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func fakeEvent(i int) string {
	return fmt.Sprintf(`{"type":"wall_post_new","object":{"id":%d,"text":"post %d"},"group_id":7,"event_id":"e%d","v":"5.199"}`, i, i, i)
}

func lpAPI(t *testing.T, f *fakeLP) *snskit.API {
	t.Helper()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(f.URL), snskit.WithAuth(auth.Token("group-token-123456")))
	require.NoError(t, err)
	return api
}

// collect reads events until n arrived, returning their ids.
func collect(t *testing.T, ctx context.Context, lp platforms.VKBotsLongPoll, api *snskit.API, n int) []int64 {
	t.Helper()
	var ids []int64
	for ev, err := range lp.Events(ctx, api) {
		require.NoError(t, err)
		assert.Equal(t, "wall_post_new", ev.Type)
		assert.Equal(t, int64(7), ev.GroupID)
		assert.Equal(t, "5.199", ev.V)
		ids = append(ids, ev.Object.Get("id").Int())
		if len(ids) == n {
			break
		}
	}
	return ids
}

func seq(from, to int) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, int64(i))
	}
	return out
}

func TestVKBotsLongPollFailuresAndDuplicates(t *testing.T) {
	f := newFakeLP(t)
	api := lpAPI(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var last string
	lp := platforms.VKBotsLongPoll{GroupID: 7, Wait: 2 * time.Second, OnTS: func(ts string) { last = ts }}
	go func() {
		time.Sleep(50 * time.Millisecond)
		f.add(4, "failed1")
		f.add(3, "failed2", "dup", "502")
		f.waitCheck("7")
		f.add(0, "failed3") // events before a failed 3 are lost, as on VK
		f.waitServers(3)
		f.add(3)
	}()
	ids := collect(t, ctx, lp, api, 10)
	assert.Equal(t, seq(1, 10), ids, "every event once, in order, across failed 1, 2, 3, a repeat and a 502")
	assert.Equal(t, "10", last)
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.GreaterOrEqual(t, f.servers, 3, "failed 2 and 3 ask for a new server")
}

func TestVKBotsLongPollResumesMidBatch(t *testing.T) {
	f := newFakeLP(t)
	api := lpAPI(t, f)
	f.add(0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var pos []string
	lp := platforms.VKBotsLongPoll{GroupID: 7, Wait: time.Second, OnTS: func(ts string) { pos = append(pos, ts) }}
	go func() { time.Sleep(50 * time.Millisecond); f.add(7) }()
	first := collect(t, ctx, lp, api, 2) // breaks inside the first batch of 3
	assert.Equal(t, seq(1, 2), first)
	require.NotEmpty(t, pos)
	assert.Equal(t, "0/2", pos[len(pos)-1])

	lp.TS = pos[len(pos)-1] // a restart from the stored position
	rest := collect(t, ctx, lp, api, 5)
	assert.Equal(t, seq(3, 7), rest, "no event lost or seen twice across the restart")

	lp.TS = "bad/x"
	for _, err := range lp.Events(ctx, api) {
		assert.ErrorContains(t, err, "TS")
		break
	}
}
