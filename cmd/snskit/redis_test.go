package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit/auth"
	snsredis "github.com/snskit/snskit/redis"
	"github.com/snskit/snskit/redis/redistest"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parallelCalls runs n "snskit call" commands at once, as shell scripts in
// parallel do, and returns how many requests the sandbox refused with VK's
// error 6.
func parallelCalls(t *testing.T, s *sandbox.Server, n int, env map[string]string, args ...string) int {
	t.Helper()
	s.ResetRequests()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r := runCLI(t, env, append([]string{"call", "-base-url", s.URL(sandbox.VK)}, append(args, "vk", "users.get", "user_ids=1")...)...)
			assert.Equal(t, exitOK, r.code, r.stderr)
		})
	}
	wg.Wait()
	refused := 0
	for _, r := range s.Requests() {
		if r.Error == "6" {
			refused++
		}
	}
	return refused
}

func TestCallsShareABudgetAndTokenThroughRedis(t *testing.T) {
	rs := redistest.Start(t)
	s, err := sandbox.New() // the real clock, and VK's 3 calls a second
	require.NoError(t, err)
	defer s.Close()
	tok := s.Token(sandbox.VK).AccessToken

	// Each command alone keeps its own budget: six at once on one token
	// exceed VK's limit (the refused calls are resent after a pause).
	assert.NotZero(t, parallelCalls(t, s, 6, nil, "-token", tok), "without Redis, parallel commands meet error 6")

	// With -redis they share one: none is refused. The token comes from
	// the store in Redis, as "snskit login -redis" leaves it.
	rc, err := snsredis.Open(rs.URL)
	require.NoError(t, err)
	defer rc.Close()
	require.NoError(t, rc.Save(context.Background(), tokenKey("vk", s.URL(sandbox.VK), false), &auth.Saved{Platform: "vk", AccessToken: tok}))
	time.Sleep(1100 * time.Millisecond) // let the sandbox's second pass
	assert.Zero(t, parallelCalls(t, s, 6, map[string]string{"SNSKIT_REDIS": rs.URL}), "one budget for every command on this Redis")

	r := runCLI(t, nil, "call", "-redis", "redis://:hunter2-password@127.0.0.1:1/0", "-timeout", "5s", "-base-url", s.URL(sandbox.VK), "vk", "users.get")
	assert.NotEqual(t, exitOK, r.code)
	assert.NotContains(t, r.all(), "hunter2-password")
	r = runCLI(t, nil, "call", "-redis", "ftp://x", "vk", "users.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-redis")
}

func TestLoginStoresTheTokenInRedis(t *testing.T) {
	rs := redistest.Start(t)
	r := runCLI(t, map[string]string{"SNSKIT_REDIS": rs.URL}, "login", "-sandbox", "weixin")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Redis")
	rc, err := snsredis.Open(rs.URL)
	require.NoError(t, err)
	defer rc.Close()
	saved, err := rc.Load(context.Background(), tokenKey("weixin", "", true))
	require.NoError(t, err, "the token is in Redis, for the other processes")
	assert.NotEmpty(t, saved.AccessToken)
	assert.NotContains(t, r.all(), saved.AccessToken, "printed masked")
}
