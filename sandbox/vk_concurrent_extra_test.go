package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkRawCall is an API call made from any goroutine: it reports failures as
// errors instead of failing the test.
func vkRawCall(s *sandbox.Server, tok, method string, params url.Values) (map[string]any, error) {
	form := url.Values{"access_token": {tok}, "v": {"5.199"}}
	for k, v := range params {
		form[k] = v
	}
	resp, err := http.PostForm(s.URL(sandbox.VK)+"/method/"+method, form)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

func TestVKConcurrentCaptchasAndCallbacks(t *testing.T) {
	s, _ := vkStart(t)
	const n = 20
	var mu sync.Mutex
	got := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		_ = json.NewDecoder(r.Body).Decode(&ev)
		if ev["type"] == "confirmation" {
			_, _ = w.Write([]byte(s.VKCallbackCode(1)))
			return
		}
		mu.Lock()
		got[ev["event_id"].(string)]++
		mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	defer hook.Close()
	_, err := s.VKAddCallbackServer(1, hook.URL, "")
	require.NoError(t, err)
	require.NoError(t, s.VKWaitCallbacks(t.Context()))

	s.VKRequireCaptchaStyle(n, sandbox.VKCaptchaNotRobot)
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		tok, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{UserID: strconv.Itoa(i%4 + 1)})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			params := url.Values{"peer_id": {"-1"}, "message": {"m" + strconv.Itoa(i)}, "random_id": {strconv.Itoa(i + 1)}}
			m, err := vkRawCall(s, tok.AccessToken, "messages.send", params)
			if err != nil {
				errs <- err.Error()
				return
			}
			e, _ := m["error"].(map[string]any)
			if e == nil || e["error_code"] != 14.0 {
				errs <- "no captcha on the first call"
				return
			}
			success, err := s.VKSolveCaptcha(t.Context(), e["redirect_uri"].(string))
			if err != nil {
				errs <- err.Error()
				return
			}
			params.Set("success_token", success)
			params.Set("remixstlid", strconv.FormatFloat(e["remixstlid"].(float64), 'f', -1, 64))
			if m, err = vkRawCall(s, tok.AccessToken, "messages.send", params); err != nil || m["response"] == nil {
				errs <- "the answered call failed"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	require.NoError(t, s.VKWaitCallbacks(t.Context()))
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, got, n, "one callback per message")
	for id, times := range got {
		assert.Equal(t, 1, times, "event %s delivered once", id)
	}
}

func TestVKCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := sandbox.New()
	require.NoError(t, err)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(s.VKCallbackCode(1)))
	}))
	defer hook.Close()
	for range 3 {
		_, err := s.VKAddCallbackServer(1, hook.URL, "")
		require.NoError(t, err)
	}
	require.NoError(t, s.VKWaitCallbacks(t.Context()))
	club, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	m, err := vkRawCall(s, club.AccessToken, "groups.getLongPollServer", url.Values{"group_id": {"1"}})
	require.NoError(t, err)
	lp := m["response"].(map[string]any)
	polled := make(chan error, 1)
	go func() {
		resp, err := http.Get(lp["server"].(string) + "?act=a_check&wait=90&key=" + lp["key"].(string) + "&ts=" + lp["ts"].(string))
		if err == nil {
			resp.Body.Close()
		}
		polled <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the poll wait; Close must end it either way
	s.Close()
	require.NoError(t, <-polled)
	hook.Close()
	http.DefaultClient.CloseIdleConnections()
	now := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); now > before && time.Now().Before(deadline); now = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond) // connections of the test's own client wind down
	}
	assert.LessOrEqual(t, now, before, "goroutines left after Close")
}
