package snskit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vkCounter is a VK-shaped server that answers every call and counts them.
func vkCounter(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"response":[{"id":1,"first_name":"Pavel"}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// logLines decodes the JSON log lines in b.
func logLines(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		out = append(out, m)
	}
	return out
}

func TestCatalogChecksWarn(t *testing.T) {
	srv, n := vkCounter(t)
	var logs bytes.Buffer
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok-secret")),
		snskit.WithApp("123", "app-secret-value"),
		snskit.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))),
		snskit.WithCatalogChecks(snskit.CheckWarn))
	require.NoError(t, err)

	res, err := api.NS("users").M("get").Do(snskit.Params{"user_id": 1, "name_case": "nom"})
	require.NoError(t, err, "warn mode sends the call")
	assert.Equal(t, "Pavel", res.Get("0.first_name").String())
	assert.EqualValues(t, 1, n.Load())
	lines := logLines(t, &logs)
	require.Len(t, lines, 1, logs.String())
	assert.Equal(t, "WARN", lines[0]["level"])
	assert.Equal(t, "snskit catalog check", lines[0]["msg"])
	assert.Equal(t, "vk", lines[0]["platform"])
	assert.Equal(t, "users.get", lines[0]["method"])
	assert.Equal(t, "unknown parameter", lines[0]["kind"])
	assert.Equal(t, "user_id", lines[0]["param"])
	assert.Equal(t, "user_ids", lines[0]["suggestion"])
	assert.Equal(t, `unknown parameter "user_id"; did you mean user_ids?`, lines[0]["problem"])

	logs.Reset()
	_, err = api.Method("users.gett").Do(snskit.Params{"count": 5})
	require.NoError(t, err)
	assert.EqualValues(t, 2, n.Load(), "an unknown method is still sent: the schema lags the live API")
	lines = logLines(t, &logs)
	require.Len(t, lines, 1)
	assert.Equal(t, "unknown method", lines[0]["kind"])
	assert.Equal(t, "users.get", lines[0]["suggestion"])

	logs.Reset()
	_, err = api.Method("users.get").Do(snskit.Params{"user_ids": []int{1, 2}, "lang": "en"})
	require.NoError(t, err)
	assert.Empty(t, logs.String(), "a good call logs nothing")
	assert.NotContains(t, logs.String(), "secret")
}

func TestCatalogChecksStrict(t *testing.T) {
	srv, n := vkCounter(t)
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithParams(snskit.Params{"lang": "en"}),
		snskit.WithCatalogChecks(snskit.CheckStrict))
	require.NoError(t, err)

	for _, tc := range []struct {
		method string
		params snskit.Params
		want   string
	}{
		{"users.gett", nil, `snskit: vk users.gett: refused by the catalog check (snskit.CheckStrict): unknown method "users.gett" (not in the vk catalog); did you mean users.get?`},
		{"users.get", snskit.Params{"user_id": 1}, `unknown parameter "user_id"; did you mean user_ids?`},
		{"wall.post", snskit.Params{"owner_id": "me"}, `parameter "owner_id" wants integer, got text that is not an integer`},
		{"friends.get", snskit.Params{"count": -5}, `parameter "count" is -5, less than the minimum 0`},
		{"account.changePassword", snskit.Params{"new_password": "short"}, `is 5 characters long, less than the minimum 6`},
		{"users.get", snskit.Params{"user_ids": make([]int, 1001)}, `has 1001 elements, more than the maximum 1000`},
	} {
		_, err := api.Method(tc.method).Do(tc.params)
		var ce *snskit.CallError
		require.True(t, errors.As(err, &ce), "%s: %v", tc.method, err)
		assert.Contains(t, err.Error(), tc.want)
		assert.Contains(t, err.Error(), "snskit.CheckWarn sends such calls anyway")
		var ps catalog.Problems
		require.True(t, errors.As(err, &ps))
		assert.NotEmpty(t, ps)
		_, err = api.Method(tc.method).Request(context.Background(), tc.params)
		assert.Error(t, err, "a dry run is checked too")
	}
	assert.Zero(t, n.Load(), "strict mode sends nothing it refuses")
	_, err = api.Method("account.changePassword").Do(snskit.Params{"new_password": "Zq9x"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "Zq9x", "values are never shown")

	_, err = api.Method("users.get").Do(snskit.Params{"user_ids": []int{1}, "fields": "photo_100"})
	require.NoError(t, err, "a good call goes through (the client's lang is a common parameter)")
	assert.EqualValues(t, 1, n.Load())
}

func TestCatalogChecksOffAndUncataloged(t *testing.T) {
	srv, n := vkCounter(t)
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")))
	require.NoError(t, err)
	_, err = api.Method("users.gett").Do(nil)
	require.NoError(t, err, "no checks by default")
	assert.EqualValues(t, 1, n.Load())
	assert.NotNil(t, api.Catalog())

	// A platform without a catalog is not checked, even in strict mode.
	fs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"ok": 1}`)) }))
	defer fs.Close()
	f, err := snskit.New(fake{}, snskit.WithBaseURL(fs.URL), snskit.WithAuth(auth.Token("t")), snskit.WithCatalogChecks(snskit.CheckStrict))
	require.NoError(t, err)
	assert.Nil(t, f.Catalog())
	_, err = f.Method("any.thing").Do(snskit.Params{"x": 1})
	assert.NoError(t, err)

	_, err = snskit.New(platforms.VK(), snskit.WithCatalogChecks(snskit.CheckMode(7)))
	assert.ErrorContains(t, err, "snskit: WithCatalogChecks(7): want snskit.CheckOff, CheckWarn or CheckStrict")
	assert.Equal(t, "strict", snskit.CheckStrict.String())
}

func TestCatalogChecksConcurrent(t *testing.T) {
	srv, n := vkCounter(t)
	var logs syncBuffer
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), snskit.WithCatalogChecks(snskit.CheckWarn), snskit.WithoutRateLimit())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 10 {
				p := snskit.Params{"user_ids": []int{i, j}}
				if j%2 == 1 {
					p = snskit.Params{"user_idz": i}
				}
				_, err := api.NS("users").M("get").Do(p)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 160, n.Load())
	assert.Equal(t, 80, strings.Count(logs.String(), "snskit catalog check"))
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestCatalogChecksInBatches(t *testing.T) {
	srv, n := vkCounter(t) // answers the merged execute with one result
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithCatalogChecks(snskit.CheckStrict))
	require.NoError(t, err)
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": []int{1}}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_idz": 2}},
	)
	require.NoError(t, err)
	require.Len(t, res, 2)
	assert.NoError(t, res[0].Err)
	var ce *snskit.CallError
	require.ErrorAs(t, res[1].Err, &ce, "a call the check refuses gets its error in its slot")
	assert.Contains(t, ce.Reason, `unknown parameter "user_idz"; did you mean user_ids?`)
	assert.EqualValues(t, 1, n.Load(), "one request, for the good call")
}

// TestCatalogChecksMergedBatch: the execute request a Batch sends is
// checked too, and passes (execute's code is in the catalog).
func TestCatalogChecksMergedBatch(t *testing.T) {
	s, api := vkSandbox(t, snskit.WithCatalogChecks(snskit.CheckStrict))
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": []int{1}}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": []int{2}}},
	)
	require.NoError(t, err)
	require.Len(t, res, 2)
	for _, r := range res {
		assert.NoError(t, r.Err)
	}
	assert.Equal(t, []string{"execute"}, vkMethods(s))
}
