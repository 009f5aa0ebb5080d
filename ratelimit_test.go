package snskit_test

import (
	"context"
	"log/slog"
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

// A gateway's 429, with or without Retry-After, is ErrRateLimited on every
// platform.
func TestHTTP429IsRateLimitedOnEveryPlatform(t *testing.T) {
	for _, body := range []string{"<html><title>429 Too Many Requests</title></html>", `{"message":"slow down"}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(body))
		}))
		for name, p := range map[string]func() snskit.Platform{
			"vk": func() snskit.Platform { return platforms.VK() }, "renren": platforms.Renren, "renren1": platforms.Renren1,
			"weixin": platforms.Weixin, "qq": platforms.QQ, "kaixin": platforms.Kaixin,
		} {
			api, err := snskit.New(p(), snskit.WithBaseURL(srv.URL), snskit.WithApp("100", "secret-0123456789"),
				snskit.WithAuth(auth.Token(secretToken).WithOpenID("OPENID")), snskit.WithRetry(0, 0))
			require.NoError(t, err)
			_, err = api.Method("users.get_info").Do(nil)
			assert.ErrorIs(t, err, snskit.ErrRateLimited, "%s, body %.20s: %v", name, body, err)
		}
		srv.Close()
	}
}

// retryLog is a slog handler that records the pause of each retry line and
// then cancels the call, so that the test does not wait the pause out.
type retryLog struct {
	pauses chan time.Duration
	cancel context.CancelFunc
}

func (h retryLog) Enabled(context.Context, slog.Level) bool { return true }
func (h retryLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h retryLog) WithGroup(string) slog.Handler            { return h }
func (h retryLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "snskit retry" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "pause" {
			h.pauses <- a.Value.Duration()
			h.cancel()
		}
		return true
	})
	return nil
}

// WithRetry waits at least what Retry-After asks, in seconds or as a date.
func TestRetryWaitsRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for header, want := range map[string]time.Duration{
		"7": 7 * time.Second,
		now.Add(12 * time.Second).Format(http.TimeFormat): 12 * time.Second,
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Retry-After", header)
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		ctx, cancel := context.WithCancel(context.Background())
		h := retryLog{pauses: make(chan time.Duration, 4), cancel: cancel}
		api, err := snskit.New(platforms.Kaixin(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token(secretToken)),
			snskit.WithRetry(3, time.Millisecond), snskit.WithLogger(slog.New(h)), snskit.WithClock(func() time.Time { return now }))
		require.NoError(t, err)
		_, err = api.Method("users.me").DoContext(ctx, nil)
		assert.ErrorIs(t, err, snskit.ErrRateLimited)
		require.Len(t, h.pauses, 1, "one retry planned, header %q", header)
		assert.GreaterOrEqual(t, <-h.pauses, want, "header %q", header)
		srv.Close()
	}
}

// An upload server's 429 is ErrRateLimited too.
func TestUploadTo429IsRateLimited(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK())
	require.NoError(t, err)
	_, err = api.UploadTo(context.Background(), srv.URL+"/upload", snskit.Params{"photo": snskit.Upload("a.jpg", strings.NewReader("x"))})
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
}

// A login's token endpoint behind a gateway that answers 429.
func TestLogin429IsRateLimited(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("<html><title>429</title></html>"))
	}))
	defer srv.Close()
	for name, p := range map[string]snskit.Platform{"renren": platforms.Renren(), "weixin": platforms.Weixin(), "qq": platforms.QQ()} {
		api, err := snskit.New(p, snskit.WithBaseURL(srv.URL), snskit.WithApp("100", "secret-0123456789"))
		require.NoError(t, err)
		login, err := api.Login("https://example.com/cb")
		require.NoError(t, err)
		_, err = login.Exchange(context.Background(), "code-0123456789")
		assert.ErrorIs(t, err, snskit.ErrRateLimited, "%s: %v", name, err)
	}
}
