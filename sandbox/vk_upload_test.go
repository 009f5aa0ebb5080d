package sandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// vkUploadFiles posts files (field -> content) to an upload URL and decodes
// the reply.
func vkUploadFiles(t *testing.T, uploadURL string, files map[string][]byte) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for field, data := range files {
		fw, err := mw.CreateFormFile(field, field+".png")
		require.NoError(t, err)
		_, err = fw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	resp, err := http.Post(uploadURL, mw.FormDataContentType(), &buf)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return vkDecode(t, resp)
}

// vkFetch GETs a URL and returns its body.
func vkFetch(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, u)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func vkLargestURL(t *testing.T, photo map[string]any) string {
	t.Helper()
	sizes := photo["sizes"].([]any)
	require.NotEmpty(t, sizes)
	return sizes[len(sizes)-1].(map[string]any)["url"].(string)
}

func TestVKAlbumUpload(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken

	assert.Equal(t, 114, vkErrCode(call(tok, "photos.getUploadServer", url.Values{"album_id": {"281000003"}})), "Maria's album")
	m := call(tok, "photos.getUploadServer", url.Values{"album_id": {"281000001"}})
	require.Zero(t, vkErrCode(m), m)
	srv := m["response"].(map[string]any)
	assert.EqualValues(t, 281000001, srv["album_id"])
	assert.EqualValues(t, 1, srv["user_id"])
	uploadURL := srv["upload_url"].(string)

	one, two := vkRandomBytes(t, 2000), vkRandomBytes(t, 3000)
	up := vkUploadFiles(t, uploadURL, map[string][]byte{"file1": one, "file2": two})
	assert.EqualValues(t, sandbox.VKUploadServer, up["server"])
	assert.EqualValues(t, 281000001, up["aid"])
	list, ok := up["photos_list"].(string)
	require.True(t, ok, "photos_list is JSON text: %v", up)
	var entries []map[string]any
	require.NoError(t, json.Unmarshal([]byte(list), &entries))
	require.Len(t, entries, 2)
	hash := up["hash"].(string)

	save := url.Values{"album_id": {"281000001"}, "server": {fmt.Sprint(up["server"])}, "photos_list": {list}, "hash": {hash}}
	bad := url.Values{}
	for k, v := range save {
		bad[k] = v
	}
	bad.Set("hash", strings.Repeat("f", len(hash)))
	assert.Equal(t, 121, vkErrCode(call(tok, "photos.save", bad)), "invalid hash")
	bad.Set("hash", hash)
	bad.Set("server", "1")
	assert.Equal(t, 118, vkErrCode(call(tok, "photos.save", bad)), "invalid server")
	bad.Set("server", fmt.Sprint(up["server"]))
	bad.Set("album_id", "281000002")
	assert.Equal(t, 114, vkErrCode(call(tok, "photos.save", bad)), "invalid album id")

	m = call(tok, "photos.save", save)
	require.Zero(t, vkErrCode(m), m)
	saved := m["response"].([]any)
	require.Len(t, saved, 2)
	got := [][]byte{vkFetch(t, vkLargestURL(t, saved[0].(map[string]any))), vkFetch(t, vkLargestURL(t, saved[1].(map[string]any)))}
	assert.ElementsMatch(t, [][]byte{one, two}, got, "both files arrived whole")
	assert.EqualValues(t, 281000001, saved[0].(map[string]any)["album_id"])
	assert.Equal(t, 100, vkErrCode(call(tok, "photos.save", save)), "an upload is saved once")

	// the upload URL takes more uploads until it expires
	up = vkUploadFiles(t, uploadURL, map[string][]byte{"file5": one})
	assert.NotEqual(t, "[]", up["photos_list"])
	up = vkUploadFiles(t, uploadURL, map[string][]byte{"photo": one})
	assert.Contains(t, up["error"], "ERR_UPLOAD_FILE_FIELD", "album servers read file1..file5")
	assert.NotZero(t, up["error_code"])
	assert.Contains(t, up, "error_descr")
	clk.Advance(sandbox.VKUploadURLTTL)
	up = vkUploadFiles(t, uploadURL, map[string][]byte{"file1": one})
	assert.Contains(t, up["error"], "ERR_UPLOAD_BAD_SIGNATURE", "the URL has expired")
}

func TestVKMessagePhotoUpload(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	comm, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)

	m := call(comm.AccessToken, "photos.getMessagesUploadServer", url.Values{"peer_id": {"2"}})
	require.Zero(t, vkErrCode(m), m)
	srv := m["response"].(map[string]any)
	assert.EqualValues(t, 1, srv["group_id"])
	data := vkRandomBytes(t, 5000)
	up := vkUploadFiles(t, srv["upload_url"].(string), map[string][]byte{"photo": data})
	photo, ok := up["photo"].(string)
	require.True(t, ok, up)
	save := url.Values{"photo": {photo}, "server": {fmt.Sprint(up["server"])}, "hash": {up["hash"].(string)}}

	user := s.Token(sandbox.VK).AccessToken
	assert.Equal(t, 100, vkErrCode(call(user, "photos.saveMessagesPhoto", save)), "another caller's upload")
	m = call(comm.AccessToken, "photos.saveMessagesPhoto", save)
	require.Zero(t, vkErrCode(m), m)
	saved := m["response"].([]any)[0].(map[string]any)
	assert.EqualValues(t, -1, saved["owner_id"])
	assert.Equal(t, data, vkFetch(t, vkLargestURL(t, saved)))
}

func TestVKDocumentUpload(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken
	for _, tc := range []struct{ method, typ string }{
		{"docs.getUploadServer", ""},
		{"docs.getWallUploadServer", ""},
		{"docs.getMessagesUploadServer", "doc"},
		{"docs.getMessagesUploadServer", "audio_message"},
		{"docs.getMessagesUploadServer", "graffiti"},
	} {
		t.Run(tc.method+tc.typ, func(t *testing.T) {
			params := url.Values{}
			if tc.typ != "" {
				params.Set("type", tc.typ)
			}
			m := call(tok, tc.method, params)
			require.Zero(t, vkErrCode(m), m)
			uploadURL := m["response"].(map[string]any)["upload_url"].(string)

			up := vkUploadFiles(t, uploadURL, nil)
			assert.Contains(t, up["error"], "ERR_UPLOAD_NO_FILE")
			up = vkUploadFiles(t, uploadURL, map[string][]byte{"photo": {1}})
			assert.Contains(t, up["error"], "ERR_UPLOAD_FILE_FIELD")

			data := []byte("%PDF-1.4 sandbox document " + tc.method + tc.typ)
			up = vkUploadFiles(t, uploadURL, map[string][]byte{"file": data})
			file, ok := up["file"].(string)
			require.True(t, ok, up)
			assert.Equal(t, 105, vkErrCode(call(tok, "docs.save", url.Values{"file": {file + "x"}})), "an altered file string")
			m = call(tok, "docs.save", url.Values{"file": {file}, "title": {"report"}})
			require.Zero(t, vkErrCode(m), m)
			res := m["response"].(map[string]any)
			want := tc.typ
			if want == "" {
				want = "doc"
			}
			assert.Equal(t, want, res["type"], "the reply is keyed by type")
			obj, ok := res[want].(map[string]any)
			require.True(t, ok, res)
			assert.EqualValues(t, 1, obj["owner_id"])
			link, _ := obj["url"].(string)
			if want == "audio_message" {
				link = obj["link_ogg"].(string)
			}
			assert.Equal(t, data, vkFetch(t, link))
			if want == "doc" {
				assert.Equal(t, "report", obj["title"])
				assert.EqualValues(t, len(data), obj["size"])
			}
			assert.Equal(t, 105, vkErrCode(call(tok, "docs.save", url.Values{"file": {file}})), "a document is saved once")
		})
	}
	assert.Equal(t, 100, vkErrCode(call(tok, "docs.getMessagesUploadServer", url.Values{"type": {"video"}})))
	noDocs, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{Scope: []string{"photos"}})
	require.NoError(t, err)
	assert.Equal(t, 15, vkErrCode(call(noDocs.AccessToken, "docs.getUploadServer", nil)))
	assert.False(t, strings.Contains(fmt.Sprint(call(tok, "docs.save", nil)), "response"), "no file, no document")
}
