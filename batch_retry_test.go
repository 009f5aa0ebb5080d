package snskit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A merged request is retried as the calls it carries would be alone: an
// execute of reads only is resent after an HTTP 503, as each read alone
// would be; one carrying a write is not.
func TestBatchOfReadsIsRetriedAsReadsAre(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		n := hits[r.URL.Path]
		mu.Unlock()
		if n == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{"response":[[{"id":1}],[{"id":2}]]}`)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithoutRateLimit(), snskit.WithRetry(2, time.Millisecond))
	require.NoError(t, err)
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 2}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	require.NoError(t, res[1].Err)
	assert.Equal(t, 2, hits["/method/execute"], "resent once")

	hits = map[string]int{}
	res, err = api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
		snskit.BatchCall{Call: api.Method("wall.post"), Params: snskit.Params{"message": "hi"}})
	require.NoError(t, err)
	assert.Error(t, res[1].Err)
	assert.Equal(t, 1, hits["/method/execute"], "a write inside: never resent")
}

// A call marked Idempotent keeps its retries through WithBatching.
func TestBatchingKeepsCallIdempotent(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		n := hits
		mu.Unlock()
		if n == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{"response":{"post_id":5}}`)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithoutRateLimit(), snskit.WithRetry(2, time.Millisecond), snskit.WithBatching(0))
	require.NoError(t, err)
	res, err := api.Method("wall.post").Idempotent().Do(snskit.Params{"message": "hi"})
	require.NoError(t, err)
	assert.Equal(t, int64(5), res.Get("post_id").Int())
	assert.Equal(t, 2, hits)
}
