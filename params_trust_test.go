package snskit_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A reader passed as a parameter, or a File inside a list or object, was
// sent as "{}" or as the File's JSON: the upload never happened and the
// call "succeeded".
func TestReadersAndNestedFilesAreRefused(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "cat.jpg"))
	require.NoError(t, err)
	defer f.Close()
	up := snskit.Upload("cat.jpg", strings.NewReader("jpeg"))
	for name, v := range map[string]any{
		"*os.File":        f,
		"strings.Reader":  strings.NewReader("jpeg"),
		"*bytes.Buffer":   bytes.NewBufferString("jpeg"),
		"File in []any":   []any{up},
		"File in []File":  []snskit.File{up},
		"File in a map":   map[string]any{"photo": up},
		"*File in struct": struct{ Photo *snskit.File }{&up},
		"reader in map":   map[string]any{"photo": strings.NewReader("jpeg")},
	} {
		t.Run(name, func(t *testing.T) {
			srv, hits := fakeServer(t, `{"ok":1}`)
			api := fakeAPI(t, srv.URL)
			_, err := api.Method("photos.upload").Do(snskit.Params{"photo": v})
			var ce *snskit.CallError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), `"photo"`)
			assert.Contains(t, err.Error(), "snskit.Upload")
			assert.Empty(t, *hits, "nothing sent")
		})
	}
}

// A GET with a huge list built a 46 MB URL and sent it.
func TestOverlongURLIsRefusedBeforeSending(t *testing.T) {
	ids := make([]int, 200_000) // a 1.3 MB query
	for i := range ids {
		ids[i] = i
	}
	srv, hits := fakeServer(t, `{"ok":1}`)
	api := fakeAPI(t, srv.URL)
	_, err := api.Method("users.get").Do(snskit.Params{"user_ids": ids, "fields": "name"})
	var ce *snskit.CallError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), `"user_ids"`)
	assert.Contains(t, err.Error(), "snskit.MaxURLLength")
	assert.Contains(t, err.Error(), `WithVerb("POST")`, "the fake platform takes a forced POST")
	assert.Empty(t, *hits)

	_, err = api.Method("users.get").WithVerb("POST").Do(snskit.Params{"user_ids": ids[:3000]})
	assert.NoError(t, err, "as POST the same call goes")
	_, err = api.Method("users.get").Do(snskit.Params{"user_ids": ids[:100]})
	assert.NoError(t, err, "a short GET goes")

	// QQ picks GET for get_ methods and takes a forced POST.
	qq, err := snskit.New(platforms.QQ(), snskit.WithBaseURL(srv.URL), snskit.WithApp("100", "k"),
		snskit.WithAuth(auth.Token(secretToken).WithOpenID("OPENID")))
	require.NoError(t, err)
	_, err = qq.Method("user.get_user_info").Request(context.Background(), snskit.Params{"ids": ids[:5000]})
	assert.ErrorContains(t, err, `WithVerb("POST")`)
}
