package main

import (
	"context"
	"encoding/json"
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

// listening is "snskit listen" running until its context is cancelled, as
// SIGINT does in main.
type listening struct {
	stdout, stderr syncBuffer
	cancel         context.CancelFunc
	code           chan int
}

func startListen(t *testing.T, env map[string]string, args ...string) *listening {
	t.Helper()
	l := &listening{code: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	con := console{stdin: strings.NewReader(""), stdout: &l.stdout, stderr: &l.stderr}
	e := testEnv(t, env)
	go func() { l.code <- run(ctx, append([]string{"listen"}, args...), con, e) }()
	t.Cleanup(cancel)
	return l
}

// stop interrupts the listener and returns its exit code.
func (l *listening) stop(t *testing.T) int {
	t.Helper()
	l.cancel()
	select {
	case c := <-l.code:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("snskit listen did not stop")
		return -1
	}
}

func TestListenStreamsEventsAsJSONLines(t *testing.T) {
	s := newSandbox(t)
	group, err := s.IssueToken("vk", sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	l := startListen(t, nil, "-base-url", s.URL("vk"), "-token", group.AccessToken, "-wait", "2s", "-ts", "0", "vk", "-group", "1")

	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(s.URL("vk")), snskit.WithAuth(auth.Token(s.Token("vk").AccessToken)))
	require.NoError(t, err)
	for _, msg := range []string{"first", "second"} {
		_, err := api.Method("wall.post").Do(snskit.Params{"owner_id": -1, "from_group": 1, "message": msg})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return strings.Count(l.stdout.String(), "\n") >= 2 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, exitOK, l.stop(t), l.stderr.String())
	lines := strings.Split(strings.TrimSpace(l.stdout.String()), "\n")
	require.Len(t, lines, 2)
	var prev string
	for i, line := range lines {
		var ev struct {
			Type    string          `json:"type"`
			Object  json.RawMessage `json:"object"`
			GroupID int64           `json:"group_id"`
			EventID string          `json:"event_id"`
			TS      string          `json:"ts"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &ev), line)
		assert.Equal(t, "wall_post_new", ev.Type)
		assert.Equal(t, int64(1), ev.GroupID)
		assert.NotEmpty(t, ev.EventID)
		assert.Contains(t, string(ev.Object), []string{"first", "second"}[i])
		assert.NotEqual(t, prev, ev.TS, "each line carries its own position")
		prev = ev.TS
	}
	assert.Contains(t, l.stderr.String(), "stopped listening")
	assert.NotContains(t, l.stdout.String()+l.stderr.String(), group.AccessToken)
}

func TestListenSandboxStopsCleanly(t *testing.T) {
	l := startListen(t, nil, "-sandbox", "-wait", "1s", "vk", "-group", "1")
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, exitOK, l.stop(t), l.stderr.String())
	assert.Empty(t, l.stdout.String())
}

func TestListenRefusals(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"qq"}, "listen needs the platform vk"},
		{[]string{"-sandbox", "-group", "-3", "vk"}, "-group -3"},
		{[]string{"-sandbox", "-wait", "120s", "vk"}, "-wait 2m0s"},
		{[]string{"-sandbox", "-ts", "abc", "vk"}, `-ts "abc"`},
	} {
		r := runCLI(t, nil, append([]string{"listen"}, tt.args...)...)
		assert.Equal(t, exitUsage, r.code, tt.args)
		assert.Contains(t, r.stderr, tt.want)
	}
	s := newSandbox(t)
	r := runCLI(t, nil, "listen", "-base-url", s.URL("vk"), "-token", "not-a-token", "vk", "-group", "1")
	assert.Equal(t, exitPlatform, r.code)
	assert.Contains(t, r.stderr, "error 5")
}
