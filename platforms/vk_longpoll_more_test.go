package platforms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
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

func TestVKBotsLongPollStopsAtOnceAndLeaksNothing(t *testing.T) {
	f := newFakeLP(t)
	api := lpAPI(t, f)
	before := runtime.NumGoroutine()
	for range 30 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, err := range (platforms.VKBotsLongPoll{GroupID: 7, Wait: 60 * time.Second}).Events(ctx, api) {
				assert.ErrorIs(t, err, context.Canceled, "no event was posted: the one thing yielded is the end of ctx")
				assert.ErrorContains(t, err, "vk bots long poll: stopped")
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
