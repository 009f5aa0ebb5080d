package snskit_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTruncatedBodyIsReported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, `{"ok":`)
	}))
	defer srv.Close()
	_, err := fakeAPI(t, srv.URL).Method("x.get").Do(nil)
	var re *snskit.ReplyError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "truncated")
}

func TestTransportErrorsMaskSecrets(t *testing.T) {
	srv, _ := fakeServer(t, `{"ok":1}`)
	base := srv.URL
	srv.Close() // connection refused from now on
	_, err := fakeAPI(t, base).Method("x.get").Do(nil)
	var te *snskit.TransportError
	require.ErrorAs(t, err, &te)
	assert.NotContains(t, err.Error(), secretToken)
	assert.Contains(t, err.Error(), "token=****cdef")
	var ue *url.Error
	assert.ErrorAs(t, err, &ue, "the *url.Error stays reachable")
}

func TestContextCancellation(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := fakeAPI(t, srv.URL).Method("x.get").DoContext(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = fakeAPI(t, srv.URL).Method("x.get").DoContext(done, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestMultipartUploadStreams(t *testing.T) {
	var got struct {
		field, name, ctype, content, caption string
		length                               int64
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.length = r.ContentLength
		require.NoError(t, r.ParseMultipartForm(1<<20))
		for field, fhs := range r.MultipartForm.File {
			f, _ := fhs[0].Open()
			b, _ := io.ReadAll(f)
			got.field, got.name, got.content = field, fhs[0].Filename, string(b)
			got.ctype = fhs[0].Header.Get("Content-Type")
		}
		got.caption = r.FormValue("caption")
		_, _ = io.WriteString(w, `{"ok":1}`)
	}))
	defer srv.Close()
	content := strings.Repeat("PNGDATA", 1000)
	_, err := fakeAPI(t, srv.URL).Method("photo.upload").Do(snskit.Params{
		"file": snskit.Upload(`a"b.png`, strings.NewReader(content)), "caption": "海"})
	require.NoError(t, err)
	assert.Equal(t, "file", got.field)
	assert.Equal(t, `a"b.png`, got.name)
	assert.Equal(t, "image/png", got.ctype)
	assert.Equal(t, content, got.content)
	assert.Equal(t, "海", got.caption)
	assert.Greater(t, got.length, int64(len(content)), "a known size gives a Content-Length")

	// A reader of unknown size is sent chunked, still whole.
	_, err = fakeAPI(t, srv.URL).Method("photo.upload").Do(snskit.Params{
		"file": snskit.File{Name: "x.bin", Reader: io.MultiReader(strings.NewReader("ab"), strings.NewReader("cd")), Size: -1}})
	require.NoError(t, err)
	assert.Equal(t, "abcd", got.content)
	assert.Equal(t, int64(-1), got.length)
	assert.Equal(t, "application/octet-stream", got.ctype)
}

func TestUploadDoesNotReadWholeFileIntoMemory(t *testing.T) {
	// A 64 MiB file streams through a pipe-like reader; the server counts
	// bytes. If snskit buffered it, allocations would exceed its size.
	const size = 64 << 20
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		require.NoError(t, err)
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			n, _ := io.Copy(io.Discard, p)
			received.Add(n)
		}
		_, _ = io.WriteString(w, `{"ok":1}`)
	}))
	defer srv.Close()
	api := fakeAPI(t, srv.URL)
	before := heapAlloc()
	_, err := api.Method("photo.upload").Do(snskit.Params{
		"file": snskit.Upload("big.bin", io.LimitReader(zeros{}, size))})
	require.NoError(t, err)
	assert.Equal(t, int64(size), received.Load())
	assert.Less(t, heapAlloc()-before, uint64(size/4), "the upload was buffered in memory")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestDryRunBuildsSignedRequestWithoutSending(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	req, err := api.Method("x.set").Request(context.Background(), snskit.Params{"a": 1})
	require.NoError(t, err)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, srv.URL+"/api/x/set?token="+secretToken, req.URL.String())
	b, _ := io.ReadAll(req.Body)
	assert.Equal(t, "a=1", string(b))
	assert.Equal(t, int64(3), req.ContentLength)
	assert.NotNil(t, req.GetBody, "form bodies can be replayed")
	assert.Empty(t, *hits, "a dry run sends nothing")

	masked := driver.RedactURL(req.URL, nil)
	assert.NotContains(t, masked, secretToken)
}

func TestWithVerbForcesVerb(t *testing.T) {
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	_, err := api.Method("x.get").WithVerb("post").Do(snskit.Params{"a": 1})
	require.NoError(t, err)
	assert.Equal(t, "POST", (*hits)[0].method)
	_, err = api.Method("x.get").WithVerb("DELETE").Do(nil)
	assert.ErrorContains(t, err, "use GET or POST")
}

func TestLoggerMasksSecrets(t *testing.T) {
	srv, _ := fakeServer(t, `{"ok":1}`)
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, err := fakeAPI(t, srv.URL, snskit.WithLogger(logger)).Method("x.get").Do(nil)
	require.NoError(t, err)
	out := buf.String()
	assert.Contains(t, out, "snskit request")
	assert.Contains(t, out, "method=x.get")
	assert.Contains(t, out, "status=200")
	assert.NotContains(t, out, secretToken)
}

func TestRedactQuery(t *testing.T) {
	q := "a=1&access_token=abcdefghijklmnop&access_token_123=groupsecret12345&sig=ff&client_secret=s&code=c0de&openid=o"
	got := driver.RedactQuery(q)
	for _, s := range []string{"abcdefghijklmnop", "groupsecret12345", "sig=ff", "client_secret=s&", "code=c0de"} {
		assert.NotContains(t, got, s)
	}
	assert.Contains(t, got, "a=1")
	assert.Contains(t, got, "openid=o", "an openid is an identifier, not a secret")
}

func TestErrorMessages(t *testing.T) {
	e := &snskit.Error{Platform: "vk", Method: "users.get", Code: "6", Message: "Too many requests per second", HTTPStatus: 200, Class: snskit.ErrRateLimited}
	assert.Equal(t, "snskit: vk users.get: error 6: Too many requests per second", e.Error())
	e.HTTPStatus = 503
	assert.Equal(t, "snskit: vk users.get: error 6: Too many requests per second (http 503)", e.Error())
	assert.True(t, errors.Is(e, snskit.ErrRateLimited))
	assert.False(t, errors.Is(e, errors.New("snskit: rate limited")))

	pe := &snskit.PartialError{Platform: "vk", Method: "execute", Errors: []*snskit.Error{
		{Platform: "vk", Method: "users.get", Code: "113", Class: snskit.ErrBadParams},
	}}
	assert.Contains(t, pe.Error(), "1 sub-request(s) failed; users.get: error 113")
	assert.ErrorIs(t, pe, snskit.ErrBadParams)
	var sub *snskit.Error
	require.ErrorAs(t, pe, &sub)
	assert.Equal(t, "113", sub.Code)

	for c := snskit.ErrUnclassified; c <= snskit.ErrServer; c++ {
		assert.True(t, strings.HasPrefix(c.Error(), "snskit: "))
	}
}

func TestCredentialsMaskWhenPrinted(t *testing.T) {
	creds := []auth.Credential{
		auth.Token(secretToken),
		auth.OAuth1Token("ck", "consumer-secret-xyz", secretToken, "token-secret-xyz123"),
		auth.Session(secretToken),
	}
	for _, c := range creds {
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			out := sprintf(format, c)
			assert.NotContains(t, out, secretToken, format)
			assert.NotContains(t, out, "consumer-secret-xyz", format)
			assert.NotContains(t, out, "token-secret-xyz123", format)
		}
	}
}

func TestEndpointRouting(t *testing.T) {
	api, err := snskit.New(fake{}, snskit.WithBaseURL("http://127.0.0.1:9/sb/vk/"))
	require.NoError(t, err)
	u, err := api.Driver().Endpoint("https://oauth.vk.ru/authorize?client_id=1#frag")
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/sb/vk/authorize?client_id=1#frag", u.String())

	plain, _ := snskit.New(fake{})
	u, err = plain.Driver().Endpoint("https://oauth.vk.ru/authorize")
	require.NoError(t, err)
	assert.Equal(t, "https://oauth.vk.ru/authorize", u.String())
}

func TestHostileBodiesDoNotPanic(t *testing.T) {
	// strings.ToLower can change a string's byte length (invalid UTF-8,
	// 'İ'); the error snippet must not slice with such indexes.
	for _, body := range []string{
		"‹" + strings.Repeat("\xff", 30) + "<title>x</title>",
		strings.Repeat("İ", 40) + "<TITLE>x</TITLE>",
		"<title>", "<title></title>", "\xff\xfe", "callback(", ")(",
	} {
		srv, _ := fakeServer(t, body)
		_, err := fakeAPI(t, srv.URL).Method("x.get").Do(nil)
		var re *snskit.ReplyError
		assert.ErrorAs(t, err, &re, "%q", body)
	}
}

func TestUploadToPostsMultipartToTheGivenURL(t *testing.T) {
	var field, content, hash, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path + "?" + r.URL.RawQuery
		require.NoError(t, r.ParseMultipartForm(1<<20))
		for f, fhs := range r.MultipartForm.File {
			fh, _ := fhs[0].Open()
			b, _ := io.ReadAll(fh)
			field, content = f, string(b)
		}
		hash = r.FormValue("extra")
		if content == "bad" {
			_, _ = io.WriteString(w, `{"error":"ERR_UPLOAD_BAD_IMAGE_SIZE: too small"}`)
			return
		}
		_, _ = io.WriteString(w, `{"server":7,"photo":"[{}]","hash":"abc"}`)
	}))
	defer srv.Close()
	// The base URL does not apply: the platform chose the upload address.
	api := fakeAPI(t, "http://127.0.0.1:1/unused")
	res, err := api.UploadTo(context.Background(), srv.URL+"/upload.php?act=do_add&mid=1", snskit.Params{
		"photo": snskit.Upload("a.jpg", strings.NewReader("JPEG")), "extra": "x"})
	require.NoError(t, err)
	assert.Equal(t, int64(7), res.Get("server").Int())
	assert.Equal(t, "photo", field)
	assert.Equal(t, "JPEG", content)
	assert.Equal(t, "x", hash)
	assert.Equal(t, "/upload.php?act=do_add&mid=1", path)

	_, err = api.UploadTo(context.Background(), srv.URL, snskit.Params{"photo": snskit.Upload("a.jpg", strings.NewReader("bad"))})
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Contains(t, e.Message, "ERR_UPLOAD_BAD_IMAGE_SIZE")
	assert.ErrorIs(t, err, snskit.ErrBadParams)

	_, err = api.UploadTo(context.Background(), "/relative", snskit.Params{"photo": snskit.Upload("a.jpg", strings.NewReader("x"))})
	assert.ErrorContains(t, err, "not an absolute")
	_, err = api.UploadTo(context.Background(), srv.URL, snskit.Params{"caption": "no file"})
	assert.ErrorContains(t, err, "no file")
}
