package snskit_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const retryToken = "vk1.a.retry-token-0123456789"

// failFirst answers its first request with fail and the others with a VK
// success, counting requests.
func failFirst(t *testing.T, fail http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			fail(w, r)
			return
		}
		_, _ = io.WriteString(w, `{"response":{"post_id":7}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// resetBeforeReply drops the connection with a TCP reset before writing any
// byte of the reply.
func resetBeforeReply(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.(*net.TCPConn).SetLinger(0)
	_ = conn.Close()
}

// resetMidReply sends the status line, headers and part of the body, then
// drops the connection with a TCP reset: the platform had the request.
func resetMidReply(w http.ResponseWriter, _ *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"response\":{\"po")
	_ = buf.Flush()
	time.Sleep(10 * time.Millisecond)
	_ = conn.(*net.TCPConn).SetLinger(0)
	_ = conn.Close()
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "<html><title>"+http.StatusText(code)+"</title></html>")
	}
}

func retryClient(t *testing.T, url string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	api, err := snskit.New(platforms.VK(), append([]snskit.Option{snskit.WithAuth(auth.Token(retryToken)),
		snskit.WithBaseURL(url), snskit.WithRetry(3, time.Millisecond), snskit.WithoutRateLimit()}, opts...)...)
	require.NoError(t, err)
	return api
}

func TestRetryRulesKeepWritesFromRepeating(t *testing.T) {
	post := snskit.Params{"owner_id": 1, "message": "once"}
	withGUID := snskit.Params{"owner_id": 1, "message": "once", "guid": "post-7f3a"}
	cases := []struct {
		name   string
		fail   http.HandlerFunc
		method string
		params snskit.Params
		sent   int32 // requests the server saw
	}{
		{"read after a reset before the reply", resetBeforeReply, "users.get", nil, 2},
		{"write after a reset before the reply", resetBeforeReply, "wall.post", post, 1},
		{"deduplicated write after a reset before the reply", resetBeforeReply, "wall.post", withGUID, 2},
		{"messages.send with random_id", resetBeforeReply, "messages.send", snskit.Params{"peer_id": 1, "random_id": 42}, 2},
		{"messages.send without random_id", resetBeforeReply, "messages.send", snskit.Params{"peer_id": 1}, 1},
		{"messages.send with random_id 0", resetBeforeReply, "messages.send", snskit.Params{"peer_id": 1, "random_id": 0}, 1},
		{"read after a reset mid-reply", resetMidReply, "users.get", nil, 1},
		{"write after a reset mid-reply", resetMidReply, "wall.post", post, 1},
		{"read after 502", status(http.StatusBadGateway), "users.get", nil, 2},
		{"read after 503", status(http.StatusServiceUnavailable), "users.get", nil, 2},
		{"read after 504", status(http.StatusGatewayTimeout), "friends.get", nil, 2},
		{"write after 503", status(http.StatusServiceUnavailable), "wall.post", post, 1},
		{"execute after 503", status(http.StatusServiceUnavailable), "execute", snskit.Params{"code": "return 1;"}, 1},
		{"read after 500", status(http.StatusInternalServerError), "users.get", nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, n := failFirst(t, c.fail)
			_, err := retryClient(t, srv.URL).Method(c.method).Do(c.params)
			assert.Equal(t, c.sent, n.Load())
			if c.sent == 2 {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestIdempotentCallsAreResent(t *testing.T) {
	srv, n := failFirst(t, resetBeforeReply)
	api := retryClient(t, srv.URL)
	_, err := api.Method("execute").Idempotent().Do(snskit.Params{"code": `return API.users.get({"user_ids":1});`})
	require.NoError(t, err, "the caller said the execute only reads")
	assert.Equal(t, int32(2), n.Load())
}

func TestFloodControlAndQuotaAreTypedAndNeverResent(t *testing.T) {
	for code, class := range map[string]snskit.Class{"9": snskit.ErrFloodControl, "29": snskit.ErrQuotaExceeded} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			_, _ = io.WriteString(w, `{"error":{"error_code":`+code+`,"error_msg":"limit","request_params":[]}}`)
		}))
		_, err := retryClient(t, srv.URL).Method("users.get").Do(nil)
		srv.Close()
		assert.ErrorIs(t, err, class, code)
		assert.ErrorIs(t, err, snskit.ErrRateLimited, "%s is a kind of rate limit", code)
		assert.NotErrorIs(t, err, map[string]snskit.Class{"9": snskit.ErrQuotaExceeded, "29": snskit.ErrFloodControl}[code])
		assert.Equal(t, int32(1), n.Load(), "error %s is not resent", code)
	}
	assert.ErrorIs(t, snskit.ErrQuotaExceeded, snskit.ErrRateLimited, "the classes nest as the errors do")
	assert.NotErrorIs(t, snskit.ErrRateLimited, snskit.ErrQuotaExceeded)
}

func TestWeixinBusyIsResentForReads(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			_, _ = io.WriteString(w, `{"errcode":-1,"errmsg":"system error"}`)
			return
		}
		_, _ = io.WriteString(w, `{"openid":"o1","nickname":"n"}`)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.Weixin(), snskit.WithAuth(auth.Token("wx-token-0123456789").WithOpenID("o1")),
		snskit.WithBaseURL(srv.URL), snskit.WithRetry(2, time.Millisecond))
	require.NoError(t, err)
	res, err := api.Method("sns.userinfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "n", res.Get("nickname").String())
	assert.Equal(t, int32(2), n.Load())

	n.Store(0)
	_, err = api.Method("sns.userinfo").WithVerb("POST").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrServer)
	assert.Equal(t, int32(1), n.Load(), "a forced POST counts as a write")
}

func TestRetriesAndWaitsAreLoggedWithoutSecrets(t *testing.T) {
	srv, _ := failFirst(t, status(http.StatusServiceUnavailable))
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := retryClient(t, srv.URL, snskit.WithLogger(log), snskit.WithRateLimit(4, 1))
	_, err := api.Method("users.get").Do(nil)
	require.NoError(t, err)

	var retries, waits int
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		line := sc.Text()
		assert.NotContains(t, line, retryToken)
		assert.NotContains(t, line, retryToken[len(retryToken)-8:], "not even a part of the token")
		switch {
		case bytes.Contains([]byte(line), []byte(`msg="snskit retry"`)):
			retries++
			assert.Contains(t, line, "reason=\"http 503\"")
			assert.Contains(t, line, "try=2")
		case bytes.Contains([]byte(line), []byte(`msg="snskit budget wait"`)):
			waits++
			assert.Contains(t, line, "budget=vk:")
			assert.Contains(t, line, "limit=4/1s")
		}
	}
	assert.Equal(t, 1, retries, "one line per retry:\n%s", buf.String())
	assert.Equal(t, 1, waits, "the retry waited for the budget's next slot (250 ms at 4/s):\n%s", buf.String())
}

// rotating hands out "old" once, then "new": another process refreshed the
// token between the call's start and its reply.
type rotating struct{ n atomic.Int32 }

func (r *rotating) Token() (*oauth2.Token, error) {
	if r.n.Add(1) == 1 {
		return &oauth2.Token{AccessToken: "wx-old-token-0123"}, nil
	}
	return &oauth2.Token{AccessToken: "wx-new-token-0123"}, nil
}

func (r *rotating) Refresh(context.Context, string) error { return nil }

func TestACallThatMetAReplacedTokenIsResentWithTheNewOne(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Query().Get("access_token") != "wx-new-token-0123" {
			_, _ = io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}`)
			return
		}
		_, _ = io.WriteString(w, `{"openid":"o1"}`)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.Weixin(), snskit.WithAuth(auth.TokenSource(&rotating{}).WithOpenID("o1")), snskit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = api.Method("sns.userinfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int32(2), n.Load(), "resent once, with the token that replaced the refused one")

	n.Store(0)
	static, err := snskit.New(platforms.Weixin(), snskit.WithAuth(auth.Token("wx-old-token-0123").WithOpenID("o1")), snskit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = static.Method("sns.userinfo").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.Equal(t, int32(1), n.Load(), "a token that nothing replaced is not resent")
}
