package platforms_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

func TestRenren1TokenStaysInBody(t *testing.T) {
	const tok = "renren1-access-token-0123456789"
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token(tok)))
	_, err := api.NS("users").M("getInfo").Do(nil)
	require.NoError(t, err)
	got := s.last(t)
	assert.Equal(t, tok, got.Form.Get("access_token"))
	assert.Empty(t, got.Query)
	assert.Empty(t, got.Header.Get("Authorization"))

	_, err = api.NS("users").M("getInfo").WithVerb(http.MethodGet).Do(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "do not force GET")
	assert.Len(t, s.requests(), 1, "the forced GET was not sent")
}

func TestRenren1CallOwnCredential(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	bare := renren1API(t, platforms.Renren1(), s)
	_, err := bare.NS("users").M("getInfo").Do(snskit.Params{"access_token": "own-token-1234567890"})
	require.NoError(t, err)
	assert.Equal(t, "own-token-1234567890", s.last(t).Form.Get("access_token"))

	withApp := renren1API(t, platforms.Renren1(), s, snskit.WithApp("key", "s3cret"))
	_, err = withApp.NS("users").M("getInfo").Do(snskit.Params{"session_key": "own-session-123456"})
	require.NoError(t, err)
	got := s.last(t).Form
	assert.Equal(t, "own-session-123456", got.Get("session_key"))
	assert.Equal(t, "key", got.Get("api_key"))
	assert.NotEmpty(t, got.Get("sig"), "session-key calls are signed")
}

func TestRenren1CredentialErrorsSendNothing(t *testing.T) {
	cases := []struct {
		name string
		opts []snskit.Option
		want string
	}{
		{"missing", nil, "snskit.WithAuth"},
		{"session key without app", []snskit.Option{snskit.WithAuth(auth.Session(renren1SessionKey))}, "snskit.WithApp"},
		{"session key without secret", []snskit.Option{snskit.WithAuth(auth.Session(renren1SessionKey)), snskit.WithApp("key", "")}, "must be signed"},
		{"empty session key", []snskit.Option{snskit.WithAuth(auth.Session("")), snskit.WithApp("key", "s")}, "session key is empty"},
		{"oauth1", []snskit.Option{snskit.WithAuth(auth.OAuth1Token("ck", "cs", "tk", "ts"))}, "cannot use the credential given (oauth1 token)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, fixed(`{}`))
			_, err := renren1API(t, platforms.Renren1(), s, c.opts...).NS("users").M("getInfo").Do(nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "snskit: renren1 users.getInfo:")
			assert.NotContains(t, err.Error(), renren1SessionKey)
			assert.Empty(t, s.requests(), "nothing may be sent")
		})
	}
}

func TestRenren1PhotoUpload(t *testing.T) {
	s := newServer(t, fixed(`{"pid":1,"aid":2,"src":"http://fmn.rrimg.com/x.jpg"}`))
	api := renren1API(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Token("tok")), snskit.WithApp("key", "s3cret"), renren1Clock(1700000000000))
	res, err := api.NS("photos").M("upload").Do(snskit.Params{
		"upload":  snskit.Upload("test.png", strings.NewReader("\x89PNG image bytes")),
		"caption": "猫",
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("pid").Int())

	got := s.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/renren1/restserver.do", got.Path)
	assert.True(t, strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/form-data"))
	require.Contains(t, got.Files, "upload")
	assert.Equal(t, "test.png", got.Files["upload"].Name)
	assert.Equal(t, "\x89PNG image bytes", got.Files["upload"].Content)
	assert.Equal(t, "photos.upload", got.Form.Get("method"))
	assert.Equal(t, "猫", got.Form.Get("caption"))
	assert.Equal(t, "tok", got.Form.Get("access_token"))
	assert.Empty(t, got.Query)
	// The file is not signed: md5 of
	// "access_token=tokcall_id=1700000000000caption=猫format=JSONmethod=photos.uploadv=1.0s3cret".
	assert.Equal(t, "b58b1d230a915f5e5ccf12459067280d", got.Form.Get("sig"))
}

func TestRenren1UploadWrongFieldFailsBeforeSending(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok")))
	_, err := api.NS("photos").M("upload").Do(snskit.Params{"file": snskit.Upload("a.png", strings.NewReader("x"))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"upload"`)
	assert.Empty(t, s.requests())
}

func TestRenren1ErrorCodes(t *testing.T) {
	cases := []struct {
		code  string
		class snskit.Class
	}{
		{"1", snskit.ErrServer},
		{"2", snskit.ErrServer},
		{"3", snskit.ErrNotFound},
		{"4", snskit.ErrRateLimited},
		{"5", snskit.ErrPermission},
		{"9", snskit.ErrRateLimited},
		{"10", snskit.ErrPermission},
		{"100", snskit.ErrBadParams},
		{"101", snskit.ErrBadParams},
		{"102", snskit.ErrTokenInvalid},
		{"103", snskit.ErrBadParams},
		{"104", snskit.ErrBadParams},
		{"110", snskit.ErrBadParams},
		{"200", snskit.ErrPermission},
		{"210", snskit.ErrPermission},
		{"450", snskit.ErrTokenExpired},
		{"451", snskit.ErrTokenInvalid},
		{"452", snskit.ErrTokenInvalid},
		{"453", snskit.ErrTokenInvalid},
		{"455", snskit.ErrTokenInvalid},
		{"20001", snskit.ErrUnclassified},
		{`"450"`, snskit.ErrTokenExpired}, // codes may come quoted
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			body := `{"error_code":` + c.code + `,"error_msg":"msg ` + strings.Trim(c.code, `"`) + `","request_args":[{"key":"method","value":"users.getInfo"}]}`
			s := newServer(t, fixed(body))
			_, err := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok"))).NS("users").M("getInfo").Do(nil)
			var e *snskit.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "renren1", e.Platform)
			assert.Equal(t, "users.getInfo", e.Method)
			code := strings.Trim(c.code, `"`)
			assert.Equal(t, code, e.Code)
			assert.Equal(t, "msg "+code, e.Message)
			assert.Equal(t, c.class, e.Class)
			assert.ErrorIs(t, err, c.class)
			if c.class == snskit.ErrTokenExpired {
				assert.ErrorIs(t, err, snskit.ErrTokenInvalid, "an expired session is an invalid one")
			}
			assert.Equal(t, "users.getInfo", e.Detail.Get("request_args.0.value").String(), "Detail is the whole error reply")
			assert.Equal(t, 200, e.HTTPStatus)
		})
	}
}

func TestRenren1Results(t *testing.T) {
	cases := []struct {
		body string
		path string
		want string
	}{
		{`[{"uid":262156164,"name":"张三"}]`, "0.name", "张三"},
		{`{"result":1}`, "result", "1"},
		{`{"error_code":0,"result":1}`, "result", "1"}, // error_code 0 is no error
		{`1`, "", "1"},
	}
	for _, c := range cases {
		s := newServer(t, fixed(c.body))
		res, err := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok"))).NS("users").M("getInfo").Do(nil)
		require.NoError(t, err, c.body)
		if c.path != "" {
			res = res.Get(c.path)
		}
		assert.Equal(t, c.want, res.String(), c.body)
	}
}

func TestRenren1BadReplies(t *testing.T) {
	cases := []struct {
		name string
		rp   reply
		want string
	}{
		{"html 502", reply{Status: 502, ContentType: "text/html", Body: "<html><title>502 Bad Gateway</title></html>"}, "HTML"},
		{"xml format", reply{Body: `<?xml version="1.0"?><users_getInfo_response/>`}, "HTML or XML"},
		{"truncated", reply{Body: `[{"uid":1,"name":"`}, "not complete JSON"},
		{"empty", reply{Body: "  "}, "empty reply"},
		{"json at 500", reply{Status: 500, Body: `{"message":"oops"}`}, "without a Renren error_code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, func(seen) reply { return c.rp })
			_, err := renren1API(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token("tok"))).NS("users").M("getInfo").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Reason, c.want)
			assert.Equal(t, "renren1", re.Platform)
		})
	}
}

func TestRenren1DryRun(t *testing.T) {
	s := newServer(t, fixed(`{}`))
	api := renren1API(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Token("tok")), snskit.WithApp("key", "secret"), renren1Clock(1))
	req, err := api.NS("users").M("getInfo").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, s.URL+"/renren1/restserver.do", req.URL.String())
	assert.Equal(t, "application/x-www-form-urlencoded", req.Header.Get("Content-Type"))
	b, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	form, err := url.ParseQuery(string(b))
	require.NoError(t, err)
	assert.Equal(t, "08f9047634a42fd001c9196c04a48dc5", form.Get("sig"))
	assert.Equal(t, "1", form.Get("call_id"))
	assert.Empty(t, s.requests(), "a dry run sends nothing")
}

func TestRenren1DefaultHost(t *testing.T) {
	api, err := snskit.New(platforms.Renren1(), snskit.WithAuth(auth.Token("tok")))
	require.NoError(t, err)
	req, err := api.NS("users").M("getInfo").Request(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://api.renren.com/restserver.do", req.URL.String())
	assert.Equal(t, platforms.Renren1APIURL, req.URL.String())
}
