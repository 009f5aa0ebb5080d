package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/require"
)

// The "Many calls" benchmarks run against the sandbox with VK's real limit
// (3 requests a second per user token, a sliding second) and snskit's
// default VK budget, each side on a token of its own. One side of a run
// takes tens of seconds, so go test stops at b.N = 1 (or pass
// -benchtime=1x): both sides run in every iteration and the ratio is taken
// within it.

// manyCallers is how many goroutines call users.get at once.
const manyCallers = 100

// sandboxUser returns a VK client of a fresh token of the sandbox's default
// user, with the default budget and retries, and opts.
func sandboxUser(b *testing.B, s *sandbox.Server, opts ...snskit.Option) *snskit.API {
	b.Helper()
	c, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{})
	require.NoError(b, err)
	api, err := snskit.New(platforms.VK(), append([]snskit.Option{
		snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(c.AccessToken))}, opts...)...)
	require.NoError(b, err)
	return api
}

// vkRequests counts the VK API requests the sandbox served since it was
// last reset.
func vkRequests(s *sandbox.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Platform == sandbox.VK {
			n++
		}
	}
	return n
}

// usersGetFromMany makes manyCallers users.get calls at once, each from its
// own goroutine, and returns how long they took together.
func usersGetFromMany(b *testing.B, api *snskit.API) time.Duration {
	b.Helper()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, manyCallers)
	for i := range manyCallers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := api.Method("users.get").DoContext(context.Background(), snskit.Params{"user_ids": i%5 + 1})
			if err == nil && res.Get("0.id").Int() != int64(i%5+1) {
				err = fmt.Errorf("users.get %d answered %s", i%5+1, res.Raw)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		require.NoError(b, err)
	}
	return elapsed
}

// BenchmarkManyCallsUsersGet: 100 independent users.get calls from 100
// goroutines on one user token, one request each versus WithBatching.
func BenchmarkManyCallsUsersGet(b *testing.B) {
	s, err := sandbox.New()
	require.NoError(b, err)
	defer s.Close()
	for b.Loop() {
		s.ResetRequests()
		alone := usersGetFromMany(b, sandboxUser(b, s))
		aloneReqs := vkRequests(s)
		s.ResetRequests()
		batched := usersGetFromMany(b, sandboxUser(b, s, snskit.WithBatching(0)))
		batchedReqs := vkRequests(s)

		speedup := alone.Seconds() / batched.Seconds()
		b.ReportMetric(alone.Seconds(), "s-alone")
		b.ReportMetric(batched.Seconds(), "s-batched")
		b.ReportMetric(speedup, "x-sooner")
		b.ReportMetric(float64(aloneReqs), "requests-alone")
		b.ReportMetric(float64(batchedReqs), "requests-batched")
		if speedup < 15 {
			b.Errorf("batched calls were done only %.1fx sooner (%v against %v); the goal is at least 15x", speedup, batched, alone)
		}
	}
}

// walkBigGroup walks the sandbox's 25,000-member community and returns the
// time taken and the walk's counts.
func walkBigGroup(b *testing.B, api *snskit.API, opts ...snskit.WalkOption) (time.Duration, snskit.WalkStats) {
	b.Helper()
	var stats snskit.WalkStats
	opts = append(opts, snskit.WalkProgress(func(s snskit.WalkStats) { stats = s }))
	start := time.Now()
	n := 0
	for _, err := range api.Method("groups.getMembers").All(context.Background(), snskit.Params{"group_id": sandbox.VKBigGroupID}, opts...) {
		require.NoError(b, err)
		n++
	}
	elapsed := time.Since(start)
	require.Equal(b, sandbox.VKBigGroupMembers, n)
	return elapsed, stats
}

// BenchmarkManyCallsGroupMembers: every member of a 25,000-member
// community, one page (1000 members) a request versus 25 pages an execute.
func BenchmarkManyCallsGroupMembers(b *testing.B) {
	s, err := sandbox.New()
	require.NoError(b, err)
	defer s.Close()
	for b.Loop() {
		paged, pagedStats := walkBigGroup(b, sandboxUser(b, s), snskit.WalkPagesPerRequest(1))
		merged, mergedStats := walkBigGroup(b, sandboxUser(b, s))

		fewer := float64(pagedStats.Requests) / float64(mergedStats.Requests)
		b.ReportMetric(paged.Seconds(), "s-paged")
		b.ReportMetric(merged.Seconds(), "s-execute")
		b.ReportMetric(float64(pagedStats.Requests), "requests-paged")
		b.ReportMetric(float64(mergedStats.Requests), "requests-execute")
		b.ReportMetric(fewer, "x-fewer-requests")
		if fewer < 20 {
			b.Errorf("25 pages an execute took %d requests against %d paged one by one (%.1fx fewer); the goal is at least 20x", mergedStats.Requests, pagedStats.Requests, fewer)
		}
	}
}
