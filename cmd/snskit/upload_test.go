package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

func TestCallUploadRunsTheThreeSteps(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(doc, []byte("uploaded from the shell"), 0o600))
	r := runCLI(t, nil, "call", "-sandbox", "-upload", "doc", "vk", "file=@"+doc, "title=shell notes")
	require.Equal(t, exitOK, r.code, r.all())
	res := gjson.Parse(r.stdout)
	assert.Equal(t, "doc", res.Get("type").String())
	assert.Equal(t, "shell notes", res.Get("doc.title").String())
	assert.Equal(t, int64(len("uploaded from the shell")), res.Get("doc.size").Int())

	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewGray(image.Rect(0, 0, 8, 8))))
	for _, n := range []string{"a.png", "b.png"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), img.Bytes(), 0o600))
	}
	r = runCLI(t, nil, "call", "-sandbox", "-upload", "album", "-q", "#", "vk",
		"file2=@"+filepath.Join(dir, "b.png"), "file1=@"+filepath.Join(dir, "a.png"), "album_id=281000001", "caption=two")
	require.Equal(t, exitOK, r.code, r.all())
	assert.Equal(t, "2\n", r.stdout, "both files saved in the album")
}

func TestCallUploadRefusals(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "a.txt")
	require.NoError(t, os.WriteFile(doc, []byte("x"), 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"call", "-sandbox", "-upload", "wall", "vk"}, "needs a file"},
		{[]string{"call", "-sandbox", "-upload", "nope", "vk", "photo=@" + doc}, `-upload "nope"`},
		{[]string{"call", "-sandbox", "-upload", "wall", "qq", "photo=@" + doc}, "-upload is for vk"},
		{[]string{"call", "-sandbox", "-upload", "wall", "-all", "vk", "photo=@" + doc}, "cannot be combined"},
		{[]string{"call", "-sandbox", "-upload", "wall"}, "needs a PLATFORM"},
		{[]string{"call", "-sandbox", "-upload", "wall", "vk", "a=@" + doc, "b=@" + doc}, "exactly 1 file, not 2"},
	} {
		r := runCLI(t, nil, tc.args...)
		assert.Equal(t, exitUsage, r.code, r.all())
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
	r := runCLI(t, nil, "call", "-sandbox", "-upload", "album", "vk", "file1=@"+doc, "album_id=281000003")
	assert.Equal(t, exitPlatform, r.code, r.all())
	assert.Contains(t, r.stderr, "photos.getUploadServer: error 114")
}
