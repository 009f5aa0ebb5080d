package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestCallAllStreamsJSONLines(t *testing.T) {
	for _, tc := range []struct {
		args []string
		path string
		min  int
	}{
		{[]string{"call", "-sandbox", "-all", "kaixin", "friends.me"}, "uid", 51},
		{[]string{"call", "-sandbox", "-all", "renren", "user.friend.list", "userId=" + sandbox.RenrenUserID, "pageSize=2"}, "id", 3},
		{[]string{"call", "-sandbox", "-all", "vk", "friends.get", "fields=sex"}, "id", 2},
	} {
		r := runCLI(t, nil, tc.args...)
		require.Equal(t, exitOK, r.code, r.all())
		assert.Empty(t, r.stderr, "no progress when stderr is not a terminal")
		ls := lines(r.stdout)
		assert.GreaterOrEqual(t, len(ls), tc.min, tc.args)
		seen := map[string]bool{}
		for _, l := range ls {
			require.True(t, gjson.Valid(l), l)
			id := gjson.Get(l, tc.path).String()
			assert.NotEmpty(t, id, l)
			assert.False(t, seen[id], "item %s twice", id)
			seen[id] = true
		}
	}

	r := runCLI(t, nil, "call", "-sandbox", "-all=5", "-q", "uid", "kaixin", "friends.me")
	require.Equal(t, exitOK, r.code, r.all())
	ls := lines(r.stdout)
	require.Len(t, ls, 5)
	assert.NotContains(t, ls[0], `"`, "-q prints a string bare")
}

func TestCallAllRefusals(t *testing.T) {
	r := runCLI(t, nil, "call", "-sandbox", "-all", "-raw", "vk", "friends.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-all")
	r = runCLI(t, nil, "call", "-sandbox", "-all=-3", "vk", "friends.get")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "-all=N")
	r = runCLI(t, nil, "call", "-sandbox", "-all", "-timeout", "1ns", "vk", "friends.get")
	assert.Equal(t, exitTransport, r.code, r.all())
	assert.Contains(t, r.stderr, "deadline")
	r = runCLI(t, nil, "call", "-sandbox", "-all", "vk", "friends.get", "offset=x")
	assert.Equal(t, exitUsage, r.code, r.all())
	assert.Contains(t, r.stderr, `"offset"`)
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := newProgress(&buf, func() time.Time { return now })
	now = now.Add(2 * time.Second)
	p.update(snskit.WalkStats{Items: 2000, Pages: 2, Requests: 1})
	now = now.Add(10 * time.Millisecond)
	p.update(snskit.WalkStats{Items: 3000, Pages: 3, Requests: 2}) // too soon to redraw
	p.finish()
	assert.Equal(t, "\r\x1b[K2000 items, 2 pages, 1 requests, 1000 items/s\r\x1b[K3000 items, 3 pages, 2 requests, 1493 items/s\n", buf.String())

	quiet := newProgress(nil, time.Now)
	quiet.update(snskit.WalkStats{Items: 1})
	quiet.finish() // draws nothing, and does not fail
}
