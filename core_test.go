package snskit_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// fake is a minimal platform for testing the core: GET when the method
// ends in "get", the token in the query as "token", {"ok": X} envelopes and
// {"fail": code} errors.
type fake struct{}

func (fake) Name() string        { return "fake" }
func (fake) Style() driver.Style { return driver.Style{} }
func (fake) Prepare(ctx context.Context, d *driver.Draft) error {
	u, err := d.Endpoint("https://api.example.com/api/" + strings.Join(d.Segments, "/"))
	if err != nil {
		return err
	}
	d.URL = u
	if d.Verb == "" && strings.HasSuffix(d.Method, "get") {
		d.Verb = http.MethodGet
	}
	c, ok := d.Auth.(*auth.OAuth2)
	if !ok {
		return d.MissingAuth("auth.Token")
	}
	tok, err := d.AccessToken(ctx, c)
	if err != nil {
		return d.Err("%w", err)
	}
	d.Query = url.Values{"token": {tok.AccessToken}}
	return nil
}
func (fake) Decode(r *snskit.Response) (gjson.Result, error) {
	doc, err := driver.ParseJSON(r)
	if err != nil {
		return gjson.Result{}, err
	}
	if f := doc.Get("fail"); f.Exists() {
		return gjson.Result{}, &snskit.Error{Code: f.String(), Message: doc.Get("msg").String(),
			HTTPStatus: r.StatusCode, Class: snskit.ErrTokenExpired, Detail: doc}
	}
	return doc.Get("ok"), nil
}

const secretToken = "tok-0123456789abcdef"

type hit struct {
	method, path, query, body, ctype string
}

func fakeServer(t *testing.T, answer string) (*httptest.Server, *[]hit) {
	t.Helper()
	var mu sync.Mutex
	hits := &[]hit{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		*hits = append(*hits, hit{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("Content-Type")})
		mu.Unlock()
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func fakeAPI(t *testing.T, base string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	api, err := snskit.New(fake{}, append([]snskit.Option{snskit.WithBaseURL(base), snskit.WithAuth(auth.Token(secretToken))}, opts...)...)
	require.NoError(t, err)
	return api
}

func TestChainBuildsPathAndRoutesToBaseURL(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":{"n":1}}`)
	api := fakeAPI(t, srv.URL+"/prefix/")
	res, err := api.NS("user").NS("friend").M("list").Do(snskit.Params{"page": 2})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("n").Int())
	require.Len(t, *hits, 1)
	h := (*hits)[0]
	assert.Equal(t, "POST", h.method)
	assert.Equal(t, "/prefix/api/user/friend/list", h.path)
	assert.Equal(t, "token="+secretToken, h.query)
	assert.Equal(t, "page=2", h.body)
	assert.Equal(t, "application/x-www-form-urlencoded", h.ctype)

	_, err = api.Method("users.get").Do(snskit.Params{"ids": []int{1, 2, 3}})
	require.NoError(t, err)
	h = (*hits)[1]
	assert.Equal(t, "GET", h.method)
	assert.Equal(t, "/prefix/api/users/get", h.path)
	assert.Equal(t, "ids=1%2C2%2C3&token="+secretToken, h.query)
	assert.Empty(t, h.body)
}

func TestChainValuesAreImmutable(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	user := api.NS("user")
	a := user.NS("a")
	b := user.NS("b")
	ma, mb := a.M("x"), b.M("y")
	assert.Equal(t, "user.a.x", ma.Name())
	assert.Equal(t, "user.b.y", mb.Name())
	assert.Equal(t, "user", user.Name())

	// Extending a deep namespace twice must not let the two share storage
	// (the append-aliasing bug).
	deep := api.NS("a").NS("b").NS("c")
	one, two := deep.M("get"), deep.NS("d").M("list")
	three := deep.M("set")
	assert.Equal(t, "a.b.c.get", one.Name())
	assert.Equal(t, "a.b.c.d.list", two.Name())
	assert.Equal(t, "a.b.c.set", three.Name())

	// The zero Namespace has no step yet, and no API to call.
	var zero snskit.Namespace
	assert.Equal(t, "a.get", zero.NS("a").M("get").Name())
	_, err := zero.M("get").Do(nil)
	require.ErrorContains(t, err, "nil API")

	_, err = one.Do(nil)
	require.NoError(t, err)
	assert.Equal(t, "/api/a/b/c/get", (*hits)[0].path)
	*hits = (*hits)[:0]

	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := user.NS("n").M("get").Do(snskit.Params{"i": i})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Len(t, *hits, 20)
	for _, h := range *hits {
		assert.Equal(t, "/api/user/n/get", h.path)
	}
}

func TestInvalidNamesFailBeforeSending(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	for _, call := range []snskit.Call{
		api.Method(""),
		api.Method("users..get"),
		api.Method("users.get "),
		api.Method("users/get"),
		api.Method("users.get?x=1"),
		api.Method("users.get#x"),
		api.Method(".users"),
		api.NS("users").M(""),
		api.NS("us ers").M("get"),
		api.NS("users").M("get/../../admin"),
		api.NS("пользователи").M("get"),
		// A step holding a dot is not two steps, wherever it stands.
		api.NS("users.x").M("get"),
		api.NS("users").NS("x.y").M("get"),
		api.NS("users").M("get.x"),
		api.NS("").M("get"),
		api.NS("users").NS("").M("get"),
		api.NS("bad name").NS("friends").M("get"),
	} {
		_, err := call.Do(nil)
		require.Error(t, err, "name %q", call.Name())
		assert.Contains(t, err.Error(), "invalid method name")
		assert.Contains(t, err.Error(), `like "users.get"`)
	}
	assert.Empty(t, *hits)
}

func TestUnencodableParamsFailBeforeSending(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	cases := map[string]any{
		"chan":    make(chan int),
		"func":    func() {},
		"complex": complex(1, 2),
		"nan":     nan(),
		"nilptr":  (*int)(nil),
		"badjson": map[string]any{"f": func() {}},
	}
	for name, v := range cases {
		_, err := api.Method("x.get").Do(snskit.Params{name: v})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), `parameter "`+name+`"`, name)
	}
	_, err := api.Method("x.get").Do(snskit.Params{"f": snskit.File{Name: "a.png"}})
	require.ErrorContains(t, err, "has no Reader")
	_, err = api.Method("x.get").Do(snskit.Params{"f": snskit.Upload("", strings.NewReader("x"))})
	require.ErrorContains(t, err, "has no Name")
	_, err = api.Method("x.get").WithVerb("GET").Do(snskit.Params{"f": snskit.Upload("a.png", strings.NewReader("x"))})
	require.ErrorContains(t, err, "uploaded with POST")
	assert.Empty(t, *hits)
}

func nan() float64 { var z float64; return z / z }

type color int

func (c color) String() string { return [...]string{"red", "green"}[c] }

type level int

func TestParamEncoding(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	_, err := api.Method("x.set").Do(snskit.Params{
		"s": "a b&c", "i": -3, "i64": int64(1) << 40, "u8": uint8(7), "f": 1.5, "f32": float32(0.25),
		"t": true, "fl": false, "time": ts, "ss": []string{"a", "b"}, "is": []int64{1, 2},
		"any": []any{1, "x", true}, "named": level(4), "levels": []level{1, 2}, "str": color(1),
		"obj":  map[string]any{"k": []int{1}},
		"objs": []map[string]int{{"a": 1}},
		"nil":  nil, "bytes": []byte("raw"),
	})
	require.NoError(t, err)
	form, err := url.ParseQuery((*hits)[0].body)
	require.NoError(t, err)
	want := map[string]string{
		"s": "a b&c", "i": "-3", "i64": "1099511627776", "u8": "7", "f": "1.5", "f32": "0.25",
		"t": "true", "fl": "false", "time": "1704164645", "ss": "a,b", "is": "1,2",
		"any": "1,x,true", "named": "4", "levels": "1,2", "str": "green",
		"obj": `{"k":[1]}`, "objs": `[{"a":1}]`, "bytes": "raw",
	}
	for k, v := range want {
		assert.Equal(t, v, form.Get(k), k)
	}
	assert.False(t, form.Has("nil"), "nil values are left out")
	assert.Len(t, form, len(want))
}

func TestDefaultParamsAndCallParamsWin(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL, snskit.WithParams(snskit.Params{"lang": "en", "test_mode": 1}))
	_, err := api.Method("x.set").Do(snskit.Params{"lang": "ru"})
	require.NoError(t, err)
	form, _ := url.ParseQuery((*hits)[0].body)
	assert.Equal(t, "ru", form.Get("lang"))
	assert.Equal(t, "1", form.Get("test_mode"))

	_, err = snskit.New(fake{}, snskit.WithParams(snskit.Params{"c": make(chan int)}))
	assert.ErrorContains(t, err, `parameter "c"`)
}

func TestOptionsValidate(t *testing.T) {
	bad := map[string]snskit.Option{
		"auth":      snskit.WithAuth(nil),
		"client":    snskit.WithHTTPClient(nil),
		"base":      snskit.WithBaseURL("127.0.0.1:80"),
		"baseq":     snskit.WithBaseURL("http://x/y?q=1"),
		"baseparse": snskit.WithBaseURL("http://[::1"),
		"ua":        snskit.WithUserAgent("a\nb"),
		"logger":    snskit.WithLogger(nil),
		"app":       snskit.WithApp(" ", "s"),
		"version":   snskit.WithAPIVersion(""),
		"max":       snskit.WithMaxBodySize(0),
		"clock":     snskit.WithClock(nil),
		"nonce":     snskit.WithNonce(nil),
	}
	for name, opt := range bad {
		_, err := snskit.New(fake{}, opt)
		require.Error(t, err, name)
		assert.True(t, strings.HasPrefix(err.Error(), "snskit: "), name)
	}
	_, err := snskit.New(nil)
	assert.ErrorContains(t, err, "platforms.VK()")
}

func TestHTTPClientIsCopiedNotMutated(t *testing.T) {
	c := &http.Client{Timeout: time.Second}
	api, err := snskit.New(fake{}, snskit.WithHTTPClient(c))
	require.NoError(t, err)
	got := api.Driver().HTTPClient()
	assert.NotSame(t, c, got)
	assert.Equal(t, time.Second, got.Timeout)
	got.Timeout = 5 * time.Second
	assert.Equal(t, time.Second, api.Driver().HTTPClient().Timeout)
	assert.Equal(t, time.Second, c.Timeout)
}

func TestMissingCredentialFailsBeforeSending(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api, err := snskit.New(fake{}, snskit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = api.Method("x.get").Do(nil)
	require.ErrorContains(t, err, "needs a credential")
	assert.ErrorContains(t, err, "snskit.WithAuth")

	api = fakeAPI(t, srv.URL, snskit.WithAuth(auth.Token("")))
	_, err = api.Method("x.get").Do(nil)
	assert.ErrorContains(t, err, "access token is empty")
	assert.Empty(t, *hits)
}

func TestPlatformErrorsAreTypedAndClassified(t *testing.T) {
	srv, _ := fakeServer(t, `{"fail":42,"msg":"token `+secretToken+` expired"}`)
	api := fakeAPI(t, srv.URL)
	r, err := api.Method("x.get").Response(context.Background(), nil)
	require.Error(t, err)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "fake", e.Platform)
	assert.Equal(t, "x.get", e.Method)
	assert.Equal(t, "42", e.Code)
	assert.Equal(t, 200, e.HTTPStatus)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid, "an expired token is an invalid one")
	assert.NotErrorIs(t, err, snskit.ErrRateLimited)
	assert.NotContains(t, err.Error(), secretToken, "secrets are masked in platform messages")
	assert.Contains(t, err.Error(), "****cdef")
	require.NotNil(t, r, "the response comes with a platform error")
	assert.Equal(t, 200, r.StatusCode)
	assert.Contains(t, r.Body, `"fail":42`)
}

func TestBadRepliesAreReplyErrors(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"empty":     {"", "empty reply body"},
		"html":      {"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", "HTML or XML page"},
		"truncated": {`{"ok":{"a":[1,2`, "not complete JSON"},
		"garbage":   {`hello`, "not valid JSON"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv, _ := fakeServer(t, c.body)
			_, err := fakeAPI(t, srv.URL).Method("x.get").Do(nil)
			var re *snskit.ReplyError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Error(), c.want)
			assert.Equal(t, "fake", re.Platform)
		})
	}
	srv, _ := fakeServer(t, "<html><title>502 Bad Gateway</title></html>")
	_, err := fakeAPI(t, srv.URL).Method("x.get").Do(nil)
	assert.ErrorContains(t, err, `"502 Bad Gateway"`, "HTML pages are summed up by their title")
}

func TestJSONPAndBOMAreAccepted(t *testing.T) {
	for _, body := range []string{
		`callback( {"ok":{"openid":"X"}} );`,
		"\uFEFF {\"ok\":{\"openid\":\"X\"}}\n",
		`jQuery_12.cb({"ok":{"openid":"X"}})`,
	} {
		srv, _ := fakeServer(t, body)
		res, err := fakeAPI(t, srv.URL).Method("x.get").Do(nil)
		require.NoError(t, err, body)
		assert.Equal(t, "X", res.Get("openid").String())
	}
	_, ok := driver.UnwrapJSONP(`cb({"a":1}) trailing`)
	assert.False(t, ok)
	_, ok = driver.UnwrapJSONP(`<p>(x)</p>`)
	assert.False(t, ok)
}

func TestBodySizeIsBounded(t *testing.T) {
	big := `{"ok":"` + strings.Repeat("x", 4096) + `"}`
	srv, _ := fakeServer(t, big)
	_, err := fakeAPI(t, srv.URL, snskit.WithMaxBodySize(1024)).Method("x.get").Do(nil)
	var re *snskit.ReplyError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "limit of 1024 bytes")
	assert.Contains(t, err.Error(), "WithMaxBodySize")

	// Without a Content-Length (chunked), the limit holds too.
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 8 {
			_, _ = io.WriteString(w, strings.Repeat(" ", 512))
			w.(http.Flusher).Flush()
		}
		_, _ = io.WriteString(w, `{"ok":1}`)
	}))
	defer chunked.Close()
	_, err = fakeAPI(t, chunked.URL, snskit.WithMaxBodySize(1024)).Method("x.get").Do(nil)
	require.ErrorAs(t, err, &re)
	res, err := fakeAPI(t, chunked.URL).Method("x.get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Int())
}
