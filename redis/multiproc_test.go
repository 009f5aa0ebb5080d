package redis_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/redis"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The multi-process tests re-run this test binary as worker processes:
// TestWorker does a worker's part when SNSKIT_REDIS_WORKER names one.
const (
	workers        = 8
	callsPerWorker = 50
)

// runWorkers starts n copies of this test binary as workers of role with
// env, and returns their combined output once all have exited, failing the
// test when any failed.
func runWorkers(t *testing.T, n int, role string, env ...string) {
	t.Helper()
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, n)
	errs := make([]error, n)
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWorker$", "-test.count=1")
		cmd.Env = append(os.Environ(), append(env, "SNSKIT_REDIS_WORKER="+role, "SNSKIT_WORKER_ID="+strconv.Itoa(i))...)
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		require.NoError(t, cmd.Start())
		wg.Go(func() { errs[i] = cmd.Wait() })
	}
	wg.Wait()
	for i := range n {
		assert.NoError(t, errs[i], "worker %d:\n%s", i, outs[i].String())
	}
}

func TestWorker(t *testing.T) {
	role := os.Getenv("SNSKIT_REDIS_WORKER")
	if role == "" {
		t.Skip("run by the multi-process tests")
	}
	rc, err := redis.Open(os.Getenv("SNSKIT_TEST_REDIS"))
	require.NoError(t, err)
	defer rc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	base := os.Getenv("SNSKIT_TEST_BASE")
	switch role {
	case "vk":
		// Retries off: an error 6 fails the call, and so the test.
		api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(base), snskit.WithAuth(auth.Token(os.Getenv("SNSKIT_TEST_TOKEN"))),
			snskit.WithLimiter(rc), snskit.WithRetry(0, 0))
		require.NoError(t, err)
		for i := range callsPerWorker {
			_, err := api.Method("users.get").DoContext(ctx, snskit.Params{"user_ids": 1})
			require.NoError(t, err, "call %d", i+1)
		}
	case "weixin":
		app, err := snskit.New(platforms.Weixin(), snskit.WithBaseURL(base),
			snskit.WithApp(os.Getenv("SNSKIT_TEST_APP"), os.Getenv("SNSKIT_TEST_SECRET")))
		require.NoError(t, err)
		login, err := app.Login("http://127.0.0.1/callback")
		require.NoError(t, err)
		src := rc.TokenSource("weixin", login.Refresh, redis.Leeway(0)) // a refresh after the expiry: the sandbox then replaces the token and revokes the old one
		api, err := snskit.New(platforms.Weixin(), snskit.WithBaseURL(base), snskit.WithAuth(auth.TokenSource(src)),
			snskit.WithRateLimit(8, 1), snskit.WithRetry(0, 0))
		require.NoError(t, err)
		for i := range callsPerWorker {
			res, err := api.Method("sns.userinfo").DoContext(ctx, nil)
			require.NoError(t, err, "call %d", i+1)
			require.NotEmpty(t, res.Get("openid").String())
		}
	default:
		t.Fatalf("unknown worker role %q", role)
	}
}

func TestEightProcessesShareOneVKBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 150 s: 400 calls at 3 a second")
	}
	rs := startRedis(t)
	s, err := sandbox.New() // the real clock, and VK's real 3/s limit per user token
	require.NoError(t, err)
	defer s.Close()
	tok := s.Token(sandbox.VK).AccessToken
	s.ResetRequests()
	start := time.Now()
	runWorkers(t, workers, "vk", "SNSKIT_TEST_REDIS="+rs.URL, "SNSKIT_TEST_BASE="+s.URL(sandbox.VK), "SNSKIT_TEST_TOKEN="+tok)
	elapsed := time.Since(start)

	var times []time.Time
	refused := 0
	for _, r := range s.Requests() {
		if r.Platform == sandbox.VK && r.Path == "/method/users.get" {
			times = append(times, r.Time)
			if r.Error == "6" {
				refused++
			}
		}
	}
	assert.Zero(t, refused, "the sandbox answered error 6")
	require.Equal(t, workers*callsPerWorker, len(times), "every call was sent once")
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	worst := time.Hour
	for i := 3; i < len(times); i++ {
		worst = min(worst, times[i].Sub(times[i-3]))
	}
	assert.GreaterOrEqual(t, worst, time.Second, "at most 3 requests in any second, as the sandbox counted them")
	t.Logf("%d calls from %d processes in %v; the closest 4 requests spanned %v", len(times), workers, elapsed.Round(time.Millisecond), worst)
}

func TestEightProcessesShareOneWeChatRefresh(t *testing.T) {
	rs := startRedis(t)
	s, err := sandbox.New()
	require.NoError(t, err)
	defer s.Close()
	cred, err := s.IssueToken(sandbox.Weixin, sandbox.TokenOptions{TTL: 3 * time.Second}) // expires mid-run
	require.NoError(t, err)
	rc := openClient(t, rs)
	require.NoError(t, rc.Save(context.Background(), "weixin", &auth.Saved{Platform: "weixin", AccessToken: cred.AccessToken,
		RefreshToken: cred.RefreshToken, OpenID: cred.OpenID, Expiry: cred.ExpiresAt}))
	s.ResetRequests()
	app := s.App(sandbox.Weixin)
	runWorkers(t, workers, "weixin", "SNSKIT_TEST_REDIS="+rs.URL, "SNSKIT_TEST_BASE="+s.URL(sandbox.Weixin),
		"SNSKIT_TEST_APP="+app.ID, "SNSKIT_TEST_SECRET="+app.Secret)

	refreshes, calls := 0, 0
	for _, r := range s.Requests() {
		switch r.Path {
		case "/sns/oauth2/refresh_token":
			refreshes++
		case "/sns/userinfo":
			calls++
		}
	}
	assert.Equal(t, 1, refreshes, "one refresh for eight processes")
	assert.GreaterOrEqual(t, calls, workers*callsPerWorker)
	rec, err := rc.Load(context.Background(), "weixin")
	require.NoError(t, err)
	assert.NotEqual(t, cred.AccessToken, rec.AccessToken, "the new token is the shared one")
	t.Logf("%d userinfo requests (a call that met the replaced token is resent once with the new one)", calls)
}
