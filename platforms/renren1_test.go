package platforms_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const renren1SessionKey = "sk-legacy-0001"

// renren1Clock returns a clock frozen at ms milliseconds since the epoch.
func renren1Clock(ms int64) snskit.Option {
	return snskit.WithClock(func() time.Time { return time.UnixMilli(ms) })
}

// renren1API builds a Renren 1.0 client routed to s.
func renren1API(t *testing.T, p snskit.Platform, s *server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	return newAPI(t, p, s, "/renren1", opts...)
}

func TestRenren1ReferenceSignature(t *testing.T) {
	s := newServer(t, fixed(`[{"uid":1,"name":"a"}]`))
	api := renren1API(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Token("tok")), snskit.WithApp("key", "secret"), renren1Clock(1))
	res, err := api.NS("users").M("getInfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "a", res.Get("0.name").String(), "a list is the result")

	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/renren1/restserver.do", got.Path)
	assert.Empty(t, got.Query)
	want := url.Values{
		"method":       {"users.getInfo"},
		"v":            {"1.0"},
		"access_token": {"tok"},
		"format":       {"JSON"},
		"call_id":      {"1"},
		// md5("access_token=tokcall_id=1format=JSONmethod=users.getInfov=1.0secret")
		"sig": {"08f9047634a42fd001c9196c04a48dc5"},
	}
	assert.Equal(t, want, got.Form)
}

func TestRenren1SessionKeySignature(t *testing.T) {
	s := newServer(t, fixed(`{"result":1}`))
	api := renren1API(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Session(renren1SessionKey)), snskit.WithApp("key", "s3cret"), renren1Clock(1700000000000))
	res, err := api.NS("status").M("set").Do(snskit.Params{"status": "测试 a&b=c", "private": true})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("result").Int())

	got := s.last(t).Form
	assert.Equal(t, renren1SessionKey, got.Get("session_key"))
	assert.Equal(t, "key", got.Get("api_key"))
	assert.False(t, got.Has("access_token"))
	assert.Equal(t, "1", got.Get("private"), "bools are 1/0")
	assert.Equal(t, "测试 a&b=c", got.Get("status"))
	// md5 of "api_key=keycall_id=1700000000000format=JSONmethod=status.setprivate=1" +
	// "session_key=sk-legacy-0001status=测试 a&b=cv=1.0s3cret", computed with md5sum.
	assert.Equal(t, "ac4cbaebeed9e6eb5cfbb6fcffa04503", got.Get("sig"))
}

func TestRenren1NoSecretNoSig(t *testing.T) {
	s := newServer(t, fixed(`{"uid":1}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")), renren1Clock(5))
	_, err := api.NS("users").M("getLoggedInUser").Do(nil)
	require.NoError(t, err)
	got := s.last(t).Form
	assert.False(t, got.Has("sig"))
	assert.False(t, got.Has("api_key"), "an access token needs no api_key")
	assert.Equal(t, "5", got.Get("call_id"))
}

func TestRenren1CommonParams(t *testing.T) {
	s := newServer(t, fixed(`{"ok":1}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")), renren1Clock(10))
	_, err := api.NS("users").M("getVisitors").Do(snskit.Params{"format": "json", "v": "1.1", "call_id": "99"})
	require.NoError(t, err)
	got := s.last(t).Form
	assert.Equal(t, "json", got.Get("format"), "a call's own format wins")
	assert.Equal(t, "1.1", got.Get("v"), "a call's own v wins")
	assert.Equal(t, "99", got.Get("call_id"), "a call's own call_id wins")
	assert.Equal(t, "users.getVisitors", got.Get("method"))

	versioned := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")), snskit.WithAPIVersion("1.2"))
	_, err = versioned.NS("status").M("gets").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "1.2", s.last(t).Form.Get("v"))
	assert.Equal(t, "JSON", s.last(t).Form.Get("format"))
}

func TestRenren1MethodParamConflict(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")))
	_, err := api.NS("users").M("getInfo").Do(snskit.Params{"method": "friends.get"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "drop the parameter")
	assert.Empty(t, s.requests())
}

func TestRenren1CallIDFrozenClock(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	p := platforms.Renren1()
	api := renren1API(t, p, s, snskit.WithAuth(auth.Token("tok")), renren1Clock(1000))
	var ids []string
	for range 3 {
		_, err := api.NS("users").M("getInfo").Do(nil)
		require.NoError(t, err)
		ids = append(ids, s.last(t).Form.Get("call_id"))
	}
	assert.Equal(t, []string{"1000", "1001", "1002"}, ids)

	// Another client of the same platform value continues the sequence.
	other := renren1API(t, p, s, snskit.WithAuth(auth.Token("tok2")), renren1Clock(1000))
	_, err := other.NS("users").M("getInfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "1003", s.last(t).Form.Get("call_id"))

	// A fresh platform value has its own sequence.
	fresh := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")), renren1Clock(1000))
	_, err = fresh.NS("users").M("getInfo").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "1000", s.last(t).Form.Get("call_id"))
}

func TestRenren1CallIDClockGoesBack(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	times := []int64{2000, 1500, 2000, 3000}
	var i atomic.Int64
	clock := snskit.WithClock(func() time.Time { return time.UnixMilli(times[i.Add(1)-1]) })
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")), clock)
	var ids []string
	for range times {
		_, err := api.NS("users").M("getInfo").Do(nil)
		require.NoError(t, err)
		ids = append(ids, s.last(t).Form.Get("call_id"))
	}
	assert.Equal(t, []string{"2000", "2001", "2002", "3000"}, ids)
}

func TestRenren1CallIDConcurrent(t *testing.T) {
	const n = 64
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")), renren1Clock(5000))
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := api.NS("users").M("getInfo").Do(nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	seenIDs := map[int64]bool{}
	for _, r := range s.requests() {
		id, err := strconv.ParseInt(r.Form.Get("call_id"), 10, 64)
		require.NoError(t, err)
		assert.False(t, seenIDs[id], "call_id %d given twice", id)
		seenIDs[id] = true
		assert.GreaterOrEqual(t, id, int64(5000))
		assert.Less(t, id, int64(5000+n))
	}
	assert.Len(t, seenIDs, n)
}

func TestRenren1CallIDConcurrentDryRuns(t *testing.T) {
	// Many goroutines building requests at once, with a frozen clock, on
	// one platform value: every call_id is given out exactly once.
	const workers, each = 8, 400
	api, err := snskit.New(platforms.Renren1(), snskit.WithAuth(auth.Token("tok")), renren1Clock(7000))
	require.NoError(t, err)
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				req, err := api.NS("users").M("getInfo").Request(context.Background(), nil)
				if !assert.NoError(t, err) {
					return
				}
				b, _ := io.ReadAll(req.Body)
				form, _ := url.ParseQuery(string(b))
				ids <- form.Get("call_id")
			}
		}()
	}
	wg.Wait()
	close(ids)
	unique := map[string]bool{}
	for id := range ids {
		assert.False(t, unique[id], "call_id %s given twice", id)
		unique[id] = true
	}
	assert.Len(t, unique, workers*each)
	assert.True(t, unique["7000"] && unique[strconv.Itoa(7000+workers*each-1)], "ids run from 7000 without gaps")
}
