package snskit_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vkRateLimited answers VK's error 6 to the first fails requests.
func vkRateLimited(t *testing.T, fails int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= fails {
			_, _ = io.WriteString(w, `{"error":{"error_code":6,"error_msg":"Too many requests per second","request_params":[]}}`)
			return
		}
		_, _ = io.WriteString(w, `{"response":[{"id":1}]}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetryResendsRateLimitedCalls(t *testing.T) {
	srv, n := vkRateLimited(t, 2)
	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL),
		snskit.WithRetry(3, time.Millisecond))
	require.NoError(t, err)
	res, err := api.Method("users.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("0.id").Int())
	assert.Equal(t, int32(3), n.Load())
}

func TestRetryIsBounded(t *testing.T) {
	srv, n := vkRateLimited(t, 100)
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL),
		snskit.WithRetry(2, time.Millisecond))
	_, err := api.Method("users.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
	assert.Equal(t, int32(3), n.Load(), "one try and two retries")

	// WithRetry(0, 0) turns retries off.
	n.Store(0)
	plain, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL), snskit.WithRetry(0, 0))
	require.NoError(t, err)
	_, err = plain.Method("users.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
	assert.Equal(t, int32(1), n.Load())
}

func TestRetryIsOnByDefault(t *testing.T) {
	srv, n := vkRateLimited(t, 1)
	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = api.Method("users.get").Do(nil)
	require.NoError(t, err, "error 6 is resent after a pause without any option")
	assert.Equal(t, int32(2), n.Load())
}

func TestRetryStopsWhenContextIsDone(t *testing.T) {
	srv, n := vkRateLimited(t, 100)
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL),
		snskit.WithRetry(10, time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := api.Method("users.get").DoContext(ctx, nil)
	assert.ErrorIs(t, err, snskit.ErrRateLimited, "the platform's error is what the caller sees")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "and the context's, which stopped the retries")
	assert.ErrorIs(t, err, ctx.Err())
	assert.Less(t, time.Since(start), 10*time.Second, "not the hour of the pause")
	assert.Equal(t, int32(1), n.Load())
}

func TestRetrySkipsUploads(t *testing.T) {
	srv, n := vkRateLimited(t, 100)
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL),
		snskit.WithRetry(3, time.Millisecond))
	_, err := api.Method("photos.save").Do(snskit.Params{"photo": snskit.Upload("a.jpg", strings.NewReader("x"))})
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
	assert.Equal(t, int32(1), n.Load(), "a file reader cannot be read twice")
}

func TestRateLimiterWaitsAndHonoursContext(t *testing.T) {
	srv, n := vkRateLimited(t, 0)
	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL),
		snskit.WithRateLimit(1, 1))
	require.NoError(t, err)
	_, err = api.Method("users.get").Do(nil)
	require.NoError(t, err)
	// The bucket is empty: a call whose context ends before the next slot
	// (one second away) fails without being sent.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = api.Method("users.get").DoContext(ctx, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rate limiter")
	assert.Equal(t, int32(1), n.Load())

	_, err = snskit.New(platforms.VK(), snskit.WithRateLimit(0, 1))
	assert.Error(t, err)
	_, err = snskit.New(platforms.VK(), snskit.WithRetry(-1, time.Second))
	assert.Error(t, err)
}

func TestPartialErrorsAreNeverResent(t *testing.T) {
	// A VK execute that posted and then hit the rate limit: resending it
	// would post again.
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.WriteString(w, `{"response":[{"post_id":7},false],"execute_errors":[{"method":"wall.post","error_code":6,"error_msg":"Too many requests per second"}]}`)
	}))
	defer srv.Close()
	api, _ := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token("token-abcdef123456")), snskit.WithBaseURL(srv.URL),
		snskit.WithRetry(3, time.Millisecond))
	res, err := api.Method("execute").Do(snskit.Params{"code": "return [API.wall.post({}), API.wall.post({})];"})
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
	assert.Equal(t, int64(7), res.Get("0.post_id").Int())
	assert.Equal(t, int32(1), n.Load(), "sent once")
}
