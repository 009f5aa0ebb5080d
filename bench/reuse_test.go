package bench

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// TestSidesAgree checks that the benchmarks' two sides send what the
// servers accept and read the same result, and that the servers refuse a
// call without the token, so that neither side can cheat.
func TestSidesAgree(t *testing.T) {
	ctx := context.Background()
	t.Run("vk", func(t *testing.T) {
		srv := newLoopback(t, vkHandler(false))
		got, err := snskitVKUsersGet(newVKAPI(t, srv.URL))
		require.NoError(t, err)
		hand := newVKClient(srv.URL, newTransport())
		want, err := hand.usersGet(ctx, vkIDs, vkFields)
		require.NoError(t, err)
		assert.Equal(t, want.Raw, got.Raw)
		assert.Equal(t, "Дуров", got.Get("0.last_name").String())

		hand.token = "wrong"
		_, err = hand.usersGet(ctx, vkIDs, vkFields)
		assert.ErrorContains(t, err, "error 5")
		_, err = snskitVKUsersGet(newVKAPI(t, srv.URL, snskit.WithAuth(auth.Token("wrong"))))
		assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	})
	t.Run("renren", func(t *testing.T) {
		srv := newLoopback(t, renrenHandler(false))
		got, err := snskitRenrenUserGet(newRenrenAPI(t, srv.URL))
		require.NoError(t, err)
		hand := newRenrenClient(srv.URL, newTransport())
		want, err := hand.userGet(ctx, renrenUserID)
		require.NoError(t, err)
		assert.Equal(t, want.Raw, got.Raw)
		assert.Equal(t, "三体", got.Get("like.2.name").String())

		hand.token = "wrong"
		_, err = hand.userGet(ctx, renrenUserID)
		assert.ErrorContains(t, err, "INVALID-TOKEN")
		_, err = snskitRenrenUserGet(newRenrenAPI(t, srv.URL, snskit.WithAuth(auth.Token("wrong"))))
		assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	})
}

// TestConnectionReuse checks that snskit drains and closes every reply body,
// so that sequential calls share one keep-alive connection: for replies with
// and without a Content-Length, and for platform errors (Renren's come with
// 4xx statuses).
func TestConnectionReuse(t *testing.T) {
	const calls = 25
	vkCall := func(ids []int) func(*snskit.API) (gjson.Result, error) {
		return func(api *snskit.API) (gjson.Result, error) {
			return api.NS("users").M("get").Do(snskit.Params{"user_ids": ids, "fields": vkFields})
		}
	}
	renrenCall := func(id int) func(*snskit.API) (gjson.Result, error) {
		return func(api *snskit.API) (gjson.Result, error) {
			return api.NS("user").M("get").Do(snskit.Params{"userId": id})
		}
	}
	for _, tc := range []struct {
		name     string
		handler  func(chunked bool) http.HandlerFunc
		newAPI   func(testing.TB, string, ...snskit.Option) *snskit.API
		call     func(*snskit.API) (gjson.Result, error)
		wantCode string // a platform error, or "" for the fixture's result
	}{
		{name: "vk", handler: vkHandler, newAPI: newVKAPI, call: vkCall(vkIDs)},
		{name: "vk error", handler: vkHandler, newAPI: newVKAPI, call: vkCall([]int{0}), wantCode: "113"},
		{name: "renren", handler: renrenHandler, newAPI: newRenrenAPI, call: renrenCall(renrenUserID)},
		{name: "renren 404 error", handler: renrenHandler, newAPI: newRenrenAPI, call: renrenCall(0), wantCode: "invalid_request.USER_NOT_EXIST"},
	} {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/chunked=%t", tc.name, chunked), func(t *testing.T) {
				srv := newLoopback(t, tc.handler(chunked))
				tr := newTransport()
				defer tr.CloseIdleConnections()
				api := tc.newAPI(t, srv.URL, snskit.WithHTTPClient(&http.Client{Transport: tr}))
				for i := range calls {
					res, err := tc.call(api)
					if tc.wantCode != "" {
						var e *snskit.Error
						require.ErrorAs(t, err, &e, "call %d", i)
						require.Equal(t, tc.wantCode, e.Code)
						continue
					}
					require.NoError(t, err, "call %d", i)
					require.True(t, res.IsArray() || res.IsObject(), "call %d: %.80s", i, res.Raw)
				}
				assert.Equal(t, int64(1), srv.conns.Load(), "new connections over %d sequential calls", calls)
			})
		}
	}
}

// TestConnectionCount checks that the server counts connections, so that
// TestConnectionReuse can fail: without keep-alives, every call dials anew.
func TestConnectionCount(t *testing.T) {
	srv := newLoopback(t, vkHandler(false))
	tr := newTransport()
	tr.DisableKeepAlives = true
	api := newVKAPI(t, srv.URL, snskit.WithHTTPClient(&http.Client{Transport: tr}))
	for range 3 {
		_, err := snskitVKUsersGet(api)
		require.NoError(t, err)
	}
	assert.Equal(t, int64(3), srv.conns.Load())
}
