package platforms_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vkSandboxAPI returns a VK client of a fresh sandbox's default user, over
// client when not nil.
func vkSandboxAPI(t *testing.T, client *http.Client) (*snskit.API, *sandbox.Server) {
	t.Helper()
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	opts := []snskit.Option{snskit.WithBaseURL(s.URL(sandbox.VK)), snskit.WithAuth(auth.Token(s.Token(sandbox.VK).AccessToken))}
	if client != nil {
		opts = append(opts, snskit.WithHTTPClient(client))
	}
	api, err := snskit.New(platforms.VK(), opts...)
	require.NoError(t, err)
	return api, s
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))))
	return b.Bytes()
}

// fetch returns the body at url.
func fetch(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, string(b))
	return b
}

// freshToken returns api with a new token of the sandbox's default user:
// each has its own 3 calls a second.
func freshToken(t *testing.T, api *snskit.API, s *sandbox.Server) *snskit.API {
	t.Helper()
	c, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{})
	require.NoError(t, err)
	api, err = api.With(snskit.WithAuth(auth.Token(c.AccessToken)))
	require.NoError(t, err)
	return api
}

func TestVKUploadEveryFlow(t *testing.T) {
	base, s := vkSandboxAPI(t, nil)
	api := base
	ctx := context.Background()
	img := pngBytes(t, 40, 30)
	upload := func(name string) snskit.File { return snskit.Upload(name, bytes.NewReader(img)) }

	photos, err := platforms.VKUpload(ctx, api, platforms.VKAlbumPhotos, snskit.Params{"album_id": 281000002, "caption": "cats"},
		upload("a.png"), upload("b.png"), upload("c.png"))
	require.NoError(t, err)
	require.Len(t, photos.Array(), 3)
	assert.Equal(t, int64(281000002), photos.Get("0.album_id").Int())
	assert.Equal(t, "cats", photos.Get("2.text").String())
	largest := photos.Get("0.sizes.@reverse.0.url").String()
	require.NotEmpty(t, largest)
	assert.Equal(t, img, fetch(t, largest), "the photo arrived byte for byte")

	api = freshToken(t, base, s)
	wall, err := platforms.VKUpload(ctx, api, platforms.VKWallPhoto, snskit.Params{"caption": "on the wall"}, upload("w.png"))
	require.NoError(t, err)
	assert.Equal(t, int64(-14), wall.Get("0.album_id").Int())
	assert.Equal(t, int64(1), wall.Get("0.owner_id").Int())

	api = freshToken(t, base, s)
	msg, err := platforms.VKUpload(ctx, api, platforms.VKMessagePhoto, snskit.Params{"peer_id": 2}, upload("m.png"))
	require.NoError(t, err)
	assert.True(t, msg.Get("0.id").Exists())

	text := "a document, streamed"
	for _, kind := range []platforms.VKUploadKind{platforms.VKDocument, platforms.VKWallDocument, platforms.VKMessageDocument} {
		p := snskit.Params{"title": "notes " + kind.String()}
		if kind == platforms.VKMessageDocument {
			p["peer_id"], p["type"] = 2, "doc"
		}
		doc, err := platforms.VKUpload(ctx, freshToken(t, base, s), kind, p, snskit.Upload("notes.txt", strings.NewReader(text)))
		require.NoError(t, err, kind)
		assert.Equal(t, "doc", doc.Get("type").String(), kind)
		assert.Equal(t, "notes "+kind.String(), doc.Get("doc.title").String())
		assert.Equal(t, text, string(fetch(t, doc.Get("doc.url").String())), kind)
	}

	var methods []string
	for _, r := range s.Requests() {
		methods = append(methods, r.Path)
	}
	assert.Contains(t, methods, "/method/photos.getUploadServer")
	assert.Contains(t, methods, "/method/photos.save")
	assert.Contains(t, methods, "/method/docs.getMessagesUploadServer")
	assert.Contains(t, methods, "/method/docs.save")
}

func TestVKUploadErrors(t *testing.T) {
	api, _ := vkSandboxAPI(t, nil)
	ctx := context.Background()
	img := pngBytes(t, 4, 4)
	f := func() snskit.File { return snskit.Upload("a.png", bytes.NewReader(img)) }

	_, err := platforms.VKUpload(ctx, api, platforms.VKWallPhoto, nil)
	assert.ErrorContains(t, err, "exactly 1 file, not 0")
	_, err = platforms.VKUpload(ctx, api, platforms.VKAlbumPhotos, nil, f(), f(), f(), f(), f(), f())
	assert.ErrorContains(t, err, "1 to 5 files, not 6")
	_, err = platforms.VKUpload(ctx, api, platforms.VKUploadKind(42), nil, f())
	assert.ErrorContains(t, err, "unknown kind 42")
	_, err = platforms.VKUpload(ctx, api, platforms.VKWallPhoto, snskit.Params{"x": f()}, f())
	assert.ErrorContains(t, err, `parameter "x" is a file`)
	rr, err := snskit.New(platforms.Renren())
	require.NoError(t, err)
	_, err = platforms.VKUpload(ctx, rr, platforms.VKWallPhoto, nil, f())
	assert.ErrorContains(t, err, "renren, not vk")

	// Step 1 refused: the method's own error.
	_, err = platforms.VKUpload(ctx, api, platforms.VKAlbumPhotos, snskit.Params{"album_id": 281000003}, f())
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "114", e.Code)
	assert.Equal(t, "photos.getUploadServer", e.Method)

	// The upload server's own errors, typed.
	for _, tc := range []struct{ reply, code, msg string }{
		{`{"error":"ERR_UPLOAD_FILE_READ: broken","error_code":4,"error_descr":"broken","error_is_logged":false}`, "4", "ERR_UPLOAD_FILE_READ"},
		{`{"error":"ERR_UPLOAD_BAD_SIGNATURE"}`, "upload", "ERR_UPLOAD_BAD_SIGNATURE"},
		{`{"server":1,"photo":"[]","hash":"h"}`, "upload", "stored nothing"},
		{`{"server":1,"hash":"h"}`, "upload", `no "photo"`},
	} {
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/method/photos.getWallUploadServer" {
				fmt.Fprintf(w, `{"response":{"upload_url":%q,"album_id":-14,"user_id":1}}`, srv.URL+"/upload.php?act=do_add")
				return
			}
			_, _ = io.Copy(io.Discard, r.Body)
			fmt.Fprint(w, tc.reply)
		}))
		api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")))
		require.NoError(t, err)
		_, err = platforms.VKUpload(ctx, api, platforms.VKWallPhoto, nil, f())
		srv.Close()
		require.ErrorAs(t, err, &e, tc.reply)
		assert.Equal(t, "upload", e.Method)
		assert.Equal(t, tc.code, e.Code)
		assert.Contains(t, e.Error(), tc.msg)
		assert.ErrorIs(t, err, snskit.ErrBadParams)
	}
}

// streamingTransport signals when a request to an upload path starts to be
// sent, which happens before its body is read.
type streamingTransport struct {
	started chan struct{}
}

func (s *streamingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/upload/") {
		close(s.started)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestVKUploadStreamsTheFile(t *testing.T) {
	tr := &streamingTransport{started: make(chan struct{})}
	api, _ := vkSandboxAPI(t, &http.Client{Transport: tr})
	pr, pw := io.Pipe()
	content := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	go func() {
		// Only once the request is on its way is the file written: a
		// client that read the file whole before sending would wait forever.
		select {
		case <-tr.started:
			_, _ = pw.Write(content)
			_ = pw.Close()
		case <-time.After(10 * time.Second):
			pw.CloseWithError(io.ErrUnexpectedEOF)
		}
	}()
	doc, err := platforms.VKUpload(context.Background(), api, platforms.VKDocument, snskit.Params{"title": "big"}, snskit.Upload("big.bin", pr))
	require.NoError(t, err)
	got := fetch(t, doc.Get("doc.url").String())
	sum, want := md5.Sum(got), md5.Sum(content)
	assert.Equal(t, hex.EncodeToString(want[:]), hex.EncodeToString(sum[:]))
	assert.Equal(t, len(content), len(got))
}
