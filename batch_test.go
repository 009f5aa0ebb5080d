package snskit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// vkSandbox starts a sandbox and returns it with a VK client of a fresh
// user token (each test has its own 3 requests a second).
func vkSandbox(t *testing.T, opts ...snskit.Option) (*sandbox.Server, *snskit.API) {
	t.Helper()
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	c, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{})
	require.NoError(t, err)
	api, err := snskit.New(platforms.VK(), append([]snskit.Option{
		snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(c.AccessToken))}, opts...)...)
	require.NoError(t, err)
	return s, api
}

// vkMethods lists the VK methods of the requests the sandbox served.
func vkMethods(s *sandbox.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Platform == sandbox.VK {
			out = append(out, strings.TrimPrefix(r.Path, "/method/"))
		}
	}
	return out
}

func TestBatchSlotsWithMixedResultsErrorsAndFalse(t *testing.T) {
	s, api := vkSandbox(t)
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": []int{1, 2}}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": "no-such-user"}},
		snskit.BatchCall{Call: api.NS("wall").M("post"), Params: snskit.Params{"owner_id": 1}},
		snskit.BatchCall{Call: api.Method("friends.get"), Params: snskit.Params{"count": 2}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 3}},
	)
	require.NoError(t, err)
	require.Len(t, res, 5)
	assert.Equal(t, []string{"execute"}, vkMethods(s), "five calls, one request")

	require.NoError(t, res[0].Err)
	assert.Equal(t, "users.get", res[0].Response.Method)
	assert.Equal(t, []int64{1, 2}, ids(res[0].Response.Result))

	var e *snskit.Error
	require.ErrorAs(t, res[1].Err, &e)
	assert.Equal(t, "113", e.Code)
	assert.Equal(t, "users.get", e.Method, "the error names the sub-call, not execute")
	assert.ErrorIs(t, res[1].Err, snskit.ErrBadParams)
	assert.NotNil(t, res[1].Response, "as with a direct call, the reply comes with the error")

	require.ErrorAs(t, res[2].Err, &e)
	assert.Equal(t, "100", e.Code)
	assert.Equal(t, "wall.post", e.Method)

	require.NoError(t, res[3].Err)
	assert.Len(t, res[3].Response.Result.Get("items").Array(), 2)
	require.NoError(t, res[4].Err)
	assert.Equal(t, []int64{3}, ids(res[4].Response.Result))
}

func ids(r gjson.Result) []int64 {
	var out []int64
	for _, x := range r.Array() {
		out = append(out, x.Get("id").Int())
	}
	return out
}

func TestBatchInjectionArrivesLiterally(t *testing.T) {
	s, api := vkSandbox(t)
	hostile := []string{
		`"]);return API.wall.post({"message":"x"});//`,
		`'}); API.wall.post({message: 'y'}); ({'`,
		"\\\"\u2028</script>\x00&amp;",
	}
	calls := make([]snskit.BatchCall, len(hostile))
	for i, m := range hostile {
		calls[i] = snskit.BatchCall{Call: api.Method("wall.post"), Params: snskit.Params{"message": m}}
	}
	res, err := api.Batch(context.Background(), calls...)
	require.NoError(t, err)
	for i, r := range res {
		require.NoError(t, r.Err, hostile[i])
	}
	wall, err := api.Method("wall.get").Do(snskit.Params{"count": 10})
	require.NoError(t, err)
	var texts []string
	for _, p := range wall.Get("items").Array() {
		texts = append(texts, p.Get("text").String())
	}
	for _, m := range hostile {
		assert.Contains(t, texts, m, "the value reached VK as the literal string")
	}
	assert.NotContains(t, texts, "x", "no post was smuggled in")
	assert.NotContains(t, texts, "y", "no post was smuggled in")
	assert.Equal(t, []string{"execute", "wall.get"}, vkMethods(s))
}

func TestBatchRefusals(t *testing.T) {
	_, api := vkSandbox(t)
	other, err := api.With()
	require.NoError(t, err)
	_, err = api.Batch(context.Background())
	assert.ErrorContains(t, err, "1 to 25 calls")
	many := make([]snskit.BatchCall, 26)
	for i := range many {
		many[i] = snskit.BatchCall{Call: api.Method("users.get")}
	}
	_, err = api.Batch(context.Background(), many...)
	assert.ErrorContains(t, err, "not 26")
	_, err = api.Batch(context.Background(), snskit.BatchCall{Call: other.Method("users.get")})
	assert.ErrorContains(t, err, "another client")

	rr, err := snskit.New(platforms.Renren(), snskit.WithAuth(auth.Token("t")))
	require.NoError(t, err)
	_, err = rr.Batch(context.Background(), snskit.BatchCall{Call: rr.Method("user.get")})
	assert.ErrorContains(t, err, "cannot merge")

	// Calls that must go alone get their own error; the others are sent.
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
		snskit.BatchCall{Call: api.Method("execute"), Params: snskit.Params{"code": "return 1;"}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"captcha_sid": "1", "captcha_key": "k"}},
		snskit.BatchCall{Call: api.Method("photos.saveWallPhoto"), Params: snskit.Params{"photo": "[]"}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"bad": make(chan int)}},
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"f": snskit.Upload("a.txt", strings.NewReader("x"))}},
		snskit.BatchCall{Call: api.Method("bad name!")},
		snskit.BatchCall{Call: api.Method("account.setInfo"), Params: snskit.Params{"client_secret": "s3cret"}},
	)
	require.NoError(t, err)
	assert.NoError(t, res[0].Err)
	for i := 1; i < len(res); i++ {
		var ce *snskit.CallError
		assert.ErrorAs(t, res[i].Err, &ce, i)
		assert.Nil(t, res[i].Response, i)
	}
}

// tooBigServer answers every execute of more than max calls with VK's error
// 13 "response size is too big", and each call inside one it runs with its
// position in the script.
func tooBigServer(t *testing.T, max int, executes *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		if r.URL.Path == "/method/users.get" { // a single call sent alone
			w.Write([]byte(`{"response":[{"id":` + r.Form.Get("user_ids") + `}]}`))
			return
		}
		executes.Add(1)
		code := r.Form.Get("code")
		n := strings.Count(code, "API.")
		if n > max {
			w.Write([]byte(`{"error":{"error_code":13,"error_msg":"Runtime error occurred during code invocation: response size is too big"}}`))
			return
		}
		var parts []string
		for _, c := range strings.Split(code, "API.users.get(")[1:] {
			id := gjson.Get(c[:strings.Index(c, "})")+1], "user_ids").String()
			parts = append(parts, `[{"id":`+id+`}]`)
		}
		w.Write([]byte(`{"response":[` + strings.Join(parts, ",") + `]}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBatchTooBigSplitsInHalves(t *testing.T) {
	var executes atomic.Int32
	srv := tooBigServer(t, 2, &executes)
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit())
	require.NoError(t, err)
	var calls []snskit.BatchCall
	for i := range 8 {
		calls = append(calls, snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 100 + i}})
	}
	res, err := api.Batch(context.Background(), calls...)
	require.NoError(t, err)
	for i, r := range res {
		require.NoError(t, r.Err, i)
		assert.Equal(t, []int64{int64(100 + i)}, ids(r.Response.Result), "each call gets its own result after the splits")
	}
	assert.Equal(t, int32(1+2+4), executes.Load(), "8 refused, two 4s refused, four 2s answered")

	// Down to single calls, which go alone.
	executes.Store(0)
	srv1 := tooBigServer(t, 0, &executes)
	api1, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv1.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit())
	require.NoError(t, err)
	res, err = api1.Batch(context.Background(),
		snskit.BatchCall{Call: api1.Method("users.get"), Params: snskit.Params{"user_ids": 7}},
		snskit.BatchCall{Call: api1.Method("users.get"), Params: snskit.Params{"user_ids": 8}})
	require.NoError(t, err)
	require.NoError(t, res[1].Err)
	assert.Equal(t, []int64{8}, ids(res[1].Response.Result))
	assert.Equal(t, int32(1), executes.Load())
}

func TestBatchResendsACaptchaSlotAlone(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/method/execute":
			fmt.Fprint(w, `{"response":[[{"id":1}],false],"execute_errors":[{"method":"wall.post","error_code":14,"error_msg":"Captcha needed","captcha_sid":"4242","captcha_img":"https://api.vk.ru/captcha.php?sid=4242"}]}`)
		case "/method/wall.post":
			if r.Form.Get("captcha_sid") != "4242" || r.Form.Get("captcha_key") != "answer" || r.Form.Get("message") != "hi" {
				fmt.Fprint(w, `{"error":{"error_code":14,"error_msg":"Captcha needed","captcha_sid":"1","captcha_img":"x"}}`)
				return
			}
			fmt.Fprint(w, `{"response":{"post_id":9}}`)
		}
	}))
	defer srv.Close()
	var asked []snskit.Challenge
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")), snskit.WithoutRateLimit(),
		snskit.WithCaptcha(func(ctx context.Context, c snskit.Challenge) (snskit.Answer, error) {
			asked = append(asked, c)
			return snskit.Answer{Key: "answer"}, nil
		}))
	require.NoError(t, err)
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
		snskit.BatchCall{Call: api.Method("wall.post"), Params: snskit.Params{"message": "hi"}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	require.NoError(t, res[1].Err)
	assert.Equal(t, int64(9), res[1].Response.Result.Get("post_id").Int())
	require.Len(t, asked, 1)
	assert.Equal(t, "wall.post", asked[0].Method)
	assert.Equal(t, "4242", asked[0].SID)
	assert.Equal(t, []string{"/method/execute", "/method/wall.post"}, paths, "only the challenged call is resent, alone")
}

func TestBatchAgainstSandboxCaptchaAndSizeLimit(t *testing.T) {
	s, err := sandbox.New(sandbox.WithVKExecuteLimit(400))
	require.NoError(t, err)
	defer s.Close()
	c := s.Token(sandbox.VK)
	s.VKRequireCaptchaStyle(1, sandbox.VKCaptchaLegacy, "wall.post")
	var asked []snskit.Challenge
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(c.AccessToken)),
		snskit.WithCaptcha(func(ctx context.Context, ch snskit.Challenge) (snskit.Answer, error) {
			asked = append(asked, ch)
			return snskit.Answer{Key: sandbox.VKCaptchaAnswer}, nil
		}))
	require.NoError(t, err)
	res, err := api.Batch(context.Background(),
		snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": 1}},
		snskit.BatchCall{Call: api.Method("wall.post"), Params: snskit.Params{"message": "behind a captcha"}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	require.NoError(t, res[1].Err, "the challenged call was answered and resent alone")
	assert.True(t, res[1].Response.Result.Get("post_id").Exists())
	require.Len(t, asked, 1)
	assert.Equal(t, "wall.post", asked[0].Method)
	assert.Equal(t, []string{"execute", "wall.post"}, vkMethods(s))

	// Replies over the sandbox's 400-byte execute limit are error 13: the
	// batch is split until each part fits.
	s.ResetRequests()
	api = communityAPI(t, s, false) // 20 requests a second for the splits
	var calls []snskit.BatchCall
	for i := range 6 {
		calls = append(calls, snskit.BatchCall{Call: api.Method("users.get"), Params: snskit.Params{"user_ids": i%5 + 1, "fields": "photo_100,sex,bdate,city"}})
	}
	res, err = api.Batch(context.Background(), calls...)
	require.NoError(t, err)
	for i, r := range res {
		require.NoError(t, r.Err, i)
		assert.Equal(t, []int64{int64(i%5 + 1)}, ids(r.Response.Result))
	}
	assert.Greater(t, len(vkMethods(s)), 1, "the first execute was refused as too big and split: %v", vkMethods(s))
}
