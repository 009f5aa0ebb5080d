package sandbox_test

import (
	"bytes"
	"crypto/rand"
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

// vkMultipart builds a multipart body with one file part.
func vkMultipart(t *testing.T, field, name string, data []byte, extra map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range extra {
		require.NoError(t, mw.WriteField(k, v))
	}
	if field != "" {
		fw, err := mw.CreateFormFile(field, name)
		require.NoError(t, err)
		_, err = fw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

func vkRandomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func TestVKWallPhotoUpload(t *testing.T) {
	s, clk := vkStart(t)
	call := vkCaller(t, s, clk)
	tok := s.Token(sandbox.VK).AccessToken

	m := call(tok, "photos.getWallUploadServer", nil)
	require.Zero(t, vkErrCode(m), m)
	srv := m["response"].(map[string]any)
	uploadURL := srv["upload_url"].(string)
	require.True(t, strings.HasPrefix(uploadURL, s.URL(sandbox.VK)+"/"), uploadURL)
	assert.EqualValues(t, -14, srv["album_id"])

	data := vkRandomBytes(t, 300<<10)
	body, ctype := vkMultipart(t, "photo", "cat.jpg", data, nil)
	resp, err := http.Post(uploadURL, ctype, body)
	require.NoError(t, err)
	up := vkDecode(t, resp)
	var photo []map[string]any
	require.NoError(t, json.Unmarshal([]byte(up["photo"].(string)), &photo))
	require.Len(t, photo, 1)
	assert.EqualValues(t, len(data), photo[0]["size"], "the file arrived whole")

	save := url.Values{"server": {fmt.Sprint(up["server"])}, "photo": {up["photo"].(string)}, "hash": {"forged"}}
	assert.Equal(t, 121, vkErrCode(call(tok, "photos.saveWallPhoto", save)))
	save.Set("hash", up["hash"].(string))
	m = call(tok, "photos.saveWallPhoto", save)
	require.Zero(t, vkErrCode(m), m)
	saved := m["response"].([]any)[0].(map[string]any)
	assert.EqualValues(t, 1, saved["owner_id"])
	sizes := saved["sizes"].([]any)
	require.NotEmpty(t, sizes)
	resp, err = http.Get(sizes[len(sizes)-1].(map[string]any)["url"].(string))
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "the saved photo is served back byte for byte")
	assert.Equal(t, 100, vkErrCode(call(tok, "photos.saveWallPhoto", save)), "an upload is saved once")

	att := fmt.Sprintf("photo%d_%d", int64(saved["owner_id"].(float64)), int64(saved["id"].(float64)))
	m = call(tok, "wall.post", url.Values{"attachments": {att}})
	require.Zero(t, vkErrCode(m), m)

	body, ctype = vkMultipart(t, "", "", nil, map[string]string{"note": "no file"})
	resp, err = http.Post(uploadURL, ctype, body)
	require.NoError(t, err)
	assert.Equal(t, "[]", vkDecode(t, resp)["photo"], "no photo part: VK answers an empty list")
}
