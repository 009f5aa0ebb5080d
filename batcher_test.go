package snskit_test

import (
	"context"
	"errors"
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
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

func TestWithBatchingOptionChecks(t *testing.T) {
	_, err := snskit.New(platforms.Renren(), snskit.WithBatching(0))
	assert.ErrorContains(t, err, "renren cannot merge calls")
	_, err = snskit.New(platforms.VK(), snskit.WithBatching(-time.Millisecond))
	assert.ErrorContains(t, err, "WithBatching(-1ms)")
	_, err = snskit.New(platforms.VK(), snskit.WithBatching(2*time.Second))
	assert.ErrorContains(t, err, "to 1s")
	rr, err := snskit.New(platforms.Renren())
	require.NoError(t, err)
	_, err = rr.With(snskit.WithBatching(0))
	assert.Error(t, err)
}

// communityAPI returns a batching VK client of a sandbox community token,
// whose 20 requests a second leave room for several executes.
func communityAPI(t *testing.T, s *sandbox.Server, batching bool) *snskit.API {
	t.Helper()
	c, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	opts := []snskit.Option{snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(c.AccessToken)),
		snskit.WithRateLimit(18, 1)} // a community token's budget, with a margin
	if batching {
		opts = append(opts, snskit.WithBatching(20*time.Millisecond))
	}
	api, err := snskit.New(platforms.VK(), opts...)
	require.NoError(t, err)
	return api
}

func TestBatchingCoalescesAndRoutesEachResult(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	api := communityAPI(t, s, true)
	plain := communityAPI(t, s, false) // for the shapes of direct calls

	const n = 100
	type got struct {
		r   *snskit.Response
		err error
	}
	out := make([]got, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := snskit.Params{"user_ids": i%5 + 1}
			if i%10 == 3 {
				p = snskit.Params{"user_ids": "nobody"}
			}
			r, err := api.Method("users.get").Response(context.Background(), p)
			out[i] = got{r, err}
		}()
	}
	wg.Wait()
	reqs := vkMethods(s)
	assert.Less(t, len(reqs), 12, "100 calls went in a few executes: %v", reqs)
	assert.Contains(t, reqs, "execute")

	for i, g := range out {
		if i%10 == 3 {
			var e *snskit.Error
			require.ErrorAs(t, g.err, &e, i)
			assert.Equal(t, "users.get", e.Method)
			assert.Equal(t, "113", e.Code)
			assert.ErrorIs(t, g.err, snskit.ErrBadParams)
			continue
		}
		require.NoError(t, g.err, i)
		assert.Equal(t, []int64{int64(i%5 + 1)}, ids(g.r.Result), i)
		assert.Equal(t, "users.get", g.r.Method)
	}

	// The same shapes as a direct call's.
	s.ResetRequests()
	direct, derr := plain.Method("users.get").Response(context.Background(), snskit.Params{"user_ids": "nobody"})
	var de, be *snskit.Error
	require.ErrorAs(t, derr, &de)
	require.ErrorAs(t, out[3].err, &be)
	assert.Equal(t, de.Code, be.Code)
	assert.Equal(t, de.Class, be.Class)
	assert.Equal(t, de.Message, be.Message)
	assert.Equal(t, de.Platform, be.Platform)
	ok, err := plain.Method("users.get").Response(context.Background(), snskit.Params{"user_ids": 1})
	require.NoError(t, err)
	assert.JSONEq(t, ok.Result.Raw, out[0].r.Result.Raw)
	assert.Equal(t, direct.StatusCode, out[3].r.StatusCode)
	assert.Equal(t, []string{"users.get", "users.get"}, vkMethods(s))
}

func TestBatchingNeverMergesCallsThatGoAlone(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	api := communityAPI(t, s, true)
	own := s.Token(sandbox.VK).AccessToken
	calls := []struct {
		method string
		p      snskit.Params
	}{
		{"users.get", snskit.Params{"access_token": own}},
		{"users.get", snskit.Params{"captcha_sid": "1", "captcha_key": "x"}},
		{"execute", snskit.Params{"code": "return 1;"}},
		{"photos.saveWallPhoto", snskit.Params{"photo": "[]"}},
		{"users.get", snskit.Params{"file": snskit.Upload("a.txt", strings.NewReader("x"))}},
	}
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = api.Method(c.method).Response(context.Background(), c.p)
		}()
	}
	wg.Wait()
	got := vkMethods(s)
	assert.ElementsMatch(t, []string{"users.get", "users.get", "execute", "photos.saveWallPhoto", "users.get"}, got)
	for _, r := range s.Requests() {
		assert.NotContains(t, r.Form["code"], "API.", "no call went inside an execute")
	}
}

func TestBatchingKeepsCredentialsApart(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]string{} // access token -> codes
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		seen[r.Form.Get("access_token")] = append(seen[r.Form.Get("access_token")], r.URL.Path+" "+r.Form.Get("code"))
		mu.Unlock()
		n := strings.Count(r.Form.Get("code"), "API.")
		if n == 0 {
			fmt.Fprint(w, `{"response":1}`)
			return
		}
		fmt.Fprint(w, `{"response":[`+strings.TrimSuffix(strings.Repeat("1,", n), ",")+`]}`)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithBatching(50*time.Millisecond),
		snskit.WithAuth(platforms.VKCommunity(map[int64]string{1: "tok-one", 2: "tok-two"}, 1)))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := snskit.Params{"group_id": i%2 + 1, "n": i}
			if i == 9 {
				p = snskit.Params{"n": i} // the default community, 1
			}
			_, err := api.Method("groups.getById").Do(p)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	require.Len(t, seen["tok-one"], 1, "%v", seen)
	require.Len(t, seen["tok-two"], 1, "%v", seen)
	assert.Equal(t, 6, strings.Count(seen["tok-one"][0], "API."), "five with group_id 1 and one with the default")
	assert.NotContains(t, seen["tok-one"][0], `"group_id":"2"`)
	assert.NotContains(t, seen["tok-two"][0], `"group_id":"1"`)
	assert.Equal(t, 4, strings.Count(seen["tok-two"][0], `"group_id":"2"`))
}

// blockingServer answers executes only when release is closed; arrived
// gets each execute's request context when it arrives.
func blockingServer(t *testing.T, arrived chan<- context.Context, release <-chan struct{}) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		n := strings.Count(r.Form.Get("code"), "API.")
		if n == 0 {
			fmt.Fprint(w, `{"response":["alone"]}`)
			return
		}
		arrived <- r.Context()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `{"response":[`+strings.TrimSuffix(strings.Repeat(`["ok"],`, n), ",")+`]}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBatchingHonoursEachCallersContext(t *testing.T) {
	base := runtime.NumGoroutine()
	tr := &http.Transport{}
	arrived := make(chan context.Context, 4)
	release := make(chan struct{})
	srv := blockingServer(t, arrived, release)
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit(),
		snskit.WithBatching(30*time.Millisecond), snskit.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)

	// One caller of three gives up while the execute is on its way: it
	// returns at once; the others get their results.
	ctxA, cancelA := context.WithCancel(context.Background())
	errs := make([]error, 3)
	gaveUp := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i == 0 {
				ctx = ctxA
				defer close(gaveUp)
			}
			_, errs[i] = api.Method("users.get").DoContext(ctx, snskit.Params{"i": i})
		}()
	}
	<-arrived
	cancelA()
	select {
	case <-gaveUp:
	case <-time.After(5 * time.Second):
		t.Fatal("the caller that gave up still waits")
	}
	close(release)
	wg.Wait()
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.NoError(t, errs[1])
	assert.NoError(t, errs[2])

	// When every caller gives up, the execute itself is cancelled.
	release2 := make(chan struct{})
	defer close(release2)
	srv2 := blockingServer(t, arrived, release2)
	api2, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv2.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit(),
		snskit.WithBatching(30*time.Millisecond), snskit.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := api2.Method("users.get").DoContext(ctx, snskit.Params{"i": i})
			assert.ErrorIs(t, err, context.Canceled)
		}()
	}
	reqCtx := <-arrived
	cancel()
	wg.Wait()
	select {
	case <-reqCtx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the execute went on after all its callers gave up")
	}

	// A caller that gives up inside the window is left out of the request.
	var got []error
	ctxB, cancelB := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancelB()
	api3, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit(),
		snskit.WithBatching(300*time.Millisecond), snskit.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	var mu sync.Mutex
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i == 0 {
				ctx = ctxB
			}
			res, err := api3.Method("users.get").DoContext(ctx, nil)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				assert.Equal(t, "alone", res.Get("0").String(), "the one caller left was sent alone")
			}
			got = append(got, err)
		}()
	}
	wg.Wait()
	assert.Len(t, got, 2)
	var n int
	for _, e := range got {
		if errors.Is(e, context.DeadlineExceeded) {
			n++
		} else {
			assert.NoError(t, e)
		}
	}
	assert.Equal(t, 1, n)

	// Nothing is left running.
	srv.Close()
	srv2.Close()
	tr.CloseIdleConnections()
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= base+1 }, 5*time.Second, 10*time.Millisecond,
		"goroutines: %d before, %d after", base, runtime.NumGoroutine())
}

func TestBatchingUnderManyGoroutines(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		code := r.Form.Get("code")
		if code == "" { // a call sent alone
			fmt.Fprintf(w, `{"response":[{"id":%s}]}`, r.Form.Get("user_ids"))
			return
		}
		var parts []string
		for _, c := range strings.Split(code, "API.users.get(")[1:] {
			id := gjson.Get(c[:strings.Index(c, "})")+1], "user_ids").String()
			parts = append(parts, `[{"id":`+id+`}]`)
		}
		fmt.Fprintf(w, `{"response":[%s]}`, strings.Join(parts, ","))
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithoutRateLimit(), snskit.WithBatching(time.Millisecond),
		snskit.WithAuth(platforms.VKCommunity(map[int64]string{1: "tok-one", 2: "tok-two"}, 1)))
	require.NoError(t, err)
	const n = 400
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i%7 == 0 { // some give up at once, some while waiting
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Duration(i%3)*time.Millisecond)
				defer cancel()
			}
			res, err := api.Method("users.get").DoContext(ctx, snskit.Params{"user_ids": i, "group_id": i%2 + 1})
			if err != nil {
				assert.ErrorIs(t, err, ctx.Err(), i)
				return
			}
			assert.Equal(t, int64(i), res.Get("0.id").Int(), "call %d got another call's result", i)
		}()
	}
	wg.Wait()
}
