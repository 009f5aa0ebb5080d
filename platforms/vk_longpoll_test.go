package platforms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
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

func TestVKBotsLongPollStopsAtOnceAndLeaksNothing(t *testing.T) {
	f := newFakeLP(t)
	api := lpAPI(t, f)
	before := runtime.NumGoroutine()
	for range 30 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range (platforms.VKBotsLongPoll{GroupID: 7, Wait: 60 * time.Second}).Events(ctx, api) {
				t.Error("no event was posted")
			}
		}()
		time.Sleep(5 * time.Millisecond)
		start := time.Now()
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the poll did not stop when ctx was cancelled")
		}
		assert.Less(t, time.Since(start), 2*time.Second)
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+3 }, 5*time.Second, 20*time.Millisecond,
		"goroutines: %d before, %d after", before, runtime.NumGoroutine())
}

func TestVKLongPollRefusesBadConfig(t *testing.T) {
	f := newFakeLP(t)
	api := lpAPI(t, f)
	ctx := context.Background()
	for name, lp := range map[string]platforms.VKBotsLongPoll{
		"GroupID": {GroupID: 0},
		"Wait":    {GroupID: 7, Wait: 91 * time.Second},
	} {
		for _, err := range lp.Events(ctx, api) {
			assert.ErrorContains(t, err, name)
			break
		}
	}
	short, err := api.With(snskit.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	require.NoError(t, err)
	for _, err := range (platforms.VKBotsLongPoll{GroupID: 7}).Events(ctx, short) {
		assert.ErrorContains(t, err, "Timeout")
		break
	}
	// A lasting API error (here: a token VK refuses) ends the loop.
	s := newServer(t, fixed(`{"error":{"error_code":5,"error_msg":"User authorization failed"}}`))
	bad := newAPI(t, platforms.VK(), s, "", snskit.WithAuth(auth.Token("tok-123456789")))
	n := 0
	for _, err := range (platforms.VKBotsLongPoll{GroupID: 7}).Events(ctx, bad) {
		require.ErrorIs(t, err, snskit.ErrTokenInvalid)
		n++
	}
	assert.Equal(t, 1, n)
}

func TestVKUserLongPoll(t *testing.T) {
	var mu sync.Mutex
	var checks []string
	var srvURL string
	step := 0
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "messages.getLongPollServer") {
			assert.Equal(t, "3", r.Form.Get("lp_version"))
			// The server comes without a scheme on VK; here with http:// so
			// that the test server is reachable.
			fmt.Fprintf(w, `{"response":{"key":"uk","server":"%s/im","ts":1700}}`, srvURL)
			return
		}
		checks = append(checks, r.URL.RawQuery)
		step++
		switch step {
		case 1:
			fmt.Fprint(w, `{"ts":1702,"updates":[[4,100,1,2000000001,1700000000,"hi",{"title":""},{}],[80,3,0]]}`)
		default:
			fmt.Fprint(w, `{"failed":4,"min_version":0,"max_version":19}`)
		}
	}))
	defer s.Close()
	srvURL = s.URL
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL), snskit.WithAuth(auth.Token("user-token-123456")))
	require.NoError(t, err)
	var evs []platforms.VKEvent
	var last error
	lp := platforms.VKUserLongPoll{Mode: platforms.VKModeAttachments | platforms.VKModeRandomID, Wait: time.Second}
	for ev, err := range lp.Events(context.Background(), api) {
		if err != nil {
			last = err
			continue
		}
		evs = append(evs, ev)
	}
	require.Len(t, evs, 2)
	assert.Equal(t, "4", evs[0].Type)
	assert.Equal(t, "hi", evs[0].Object.Get("5").String())
	assert.Equal(t, "80", evs[1].Type)
	require.Error(t, last)
	assert.Contains(t, last.Error(), "version 3 is not supported")
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, checks)
	assert.Contains(t, checks[0], "mode=130")
	assert.Contains(t, checks[0], "version=3")
	assert.Contains(t, checks[0], "ts=1700")
	assert.Contains(t, checks[1], "ts=1702")
}

func TestVKCallbackHandler(t *testing.T) {
	var mu sync.Mutex
	var got []platforms.VKEvent
	fail := true
	h, err := platforms.NewVKCallback(platforms.VKCallbackConfig{Confirmation: "c0nf1rm", Secret: "s3cret", GroupID: 7,
		Handle: func(ctx context.Context, ev platforms.VKEvent) error {
			mu.Lock()
			defer mu.Unlock()
			if ev.EventID == "flaky" && fail {
				fail = false
				return fmt.Errorf("database down")
			}
			got = append(got, ev)
			return nil
		}})
	require.NoError(t, err)
	post := func(body any) (int, string) {
		b, _ := json.Marshal(body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(string(b))))
		return rec.Code, rec.Body.String()
	}
	code, body := post(map[string]any{"type": "confirmation", "group_id": 7, "secret": "s3cret"})
	assert.Equal(t, 200, code)
	assert.Equal(t, "c0nf1rm", body)

	code, _ = post(map[string]any{"type": "confirmation", "group_id": 7, "secret": "wrong"})
	assert.Equal(t, 403, code)
	code, _ = post(map[string]any{"type": "message_new", "group_id": 7, "event_id": "e1", "object": map[string]any{}})
	assert.Equal(t, 403, code, "no secret")
	code, _ = post(map[string]any{"type": "message_new", "group_id": 8, "secret": "s3cret", "event_id": "e1"})
	assert.Equal(t, 403, code, "another community")

	ev := map[string]any{"type": "message_new", "group_id": 7, "secret": "s3cret", "event_id": "e1", "v": "5.199",
		"object": map[string]any{"message": map[string]any{"text": "hello"}}}
	for range 3 { // VK redelivers
		code, body = post(ev)
		assert.Equal(t, 200, code)
		assert.Equal(t, "ok", body)
	}
	flaky := map[string]any{"type": "wall_post_new", "group_id": 7, "secret": "s3cret", "event_id": "flaky"}
	code, _ = post(flaky)
	assert.Equal(t, 500, code, "a failed handler asks VK to deliver again")
	code, body = post(flaky)
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok", body)

	mu.Lock()
	require.Len(t, got, 2, "each event handled once")
	assert.Equal(t, "hello", got[0].Object.Get("message.text").String())
	assert.Equal(t, "message_new", got[0].Type)
	assert.Equal(t, "5.199", got[0].V)
	mu.Unlock()

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cb", nil))
	assert.Equal(t, 405, rec.Code)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader("<html>")))
	assert.Equal(t, 400, rec.Code)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(`{"type":"x","pad":"`+strings.Repeat("a", 2<<20)+`"}`)))
	assert.Equal(t, 400, rec.Code)

	_, err = platforms.NewVKCallback(platforms.VKCallbackConfig{Handle: func(context.Context, platforms.VKEvent) error { return nil }})
	assert.ErrorContains(t, err, "Confirmation")
	_, err = platforms.NewVKCallback(platforms.VKCallbackConfig{Confirmation: "x"})
	assert.ErrorContains(t, err, "Handle")
}

func TestVKCallbackConcurrentRedeliveries(t *testing.T) {
	var mu sync.Mutex
	handled := map[string]int{}
	h, err := platforms.NewVKCallback(platforms.VKCallbackConfig{Confirmation: "c",
		Handle: func(ctx context.Context, ev platforms.VKEvent) error {
			time.Sleep(time.Millisecond)
			mu.Lock()
			handled[ev.EventID]++
			mu.Unlock()
			return nil
		}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"type":"message_new","group_id":7,"event_id":"e%d","object":{}}`, i%10)
			for {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(body)))
				if rec.Code == http.StatusOK { // 503 while another delivery is handled: VK tries again
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	require.Len(t, handled, 10)
	for id, n := range handled {
		assert.Equal(t, 1, n, "event %s handled once however many deliveries race", id)
	}
}
