package sandbox_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

func TestApproveReturnsTheRedirect(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	ctx := context.Background()
	vk := s.App(sandbox.VK)

	// The code flow: code and state in the query; nothing listens there.
	q := url.Values{"client_id": {vk.ID}, "redirect_uri": {"http://127.0.0.1:1/cb?keep=1"}, "response_type": {"code"},
		"scope": {"wall"}, "state": {"st4te"}, "v": {"5.199"}}
	back, err := s.Approve(ctx, s.URL(sandbox.VK)+"/authorize?"+q.Encode())
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:1", back.Host)
	assert.Equal(t, "/cb", back.Path)
	assert.Equal(t, "st4te", back.Query().Get("state"))
	assert.Equal(t, "1", back.Query().Get("keep"))
	assert.NotEmpty(t, back.Query().Get("code"))
	last := s.Requests()[len(s.Requests())-1]
	assert.Equal(t, "/authorize", last.Path, "the redirect was not followed")

	// The implicit flow: the tokens come back in the fragment.
	q.Set("response_type", "token")
	q.Set("redirect_uri", "https://oauth.vk.ru/blank.html")
	q.Set("group_ids", "1,2")
	q.Set("scope", "manage")
	back, err = s.Approve(ctx, s.URL(sandbox.VK)+"/authorize?"+q.Encode())
	require.NoError(t, err)
	assert.Equal(t, "oauth.vk.ru", back.Host)
	frag, err := url.ParseQuery(back.Fragment)
	require.NoError(t, err)
	assert.NotEmpty(t, frag.Get("access_token_1"))
	assert.NotEmpty(t, frag.Get("access_token_2"))
	assert.Equal(t, "st4te", frag.Get("state"))

	// WeChat's strict link, fragment included.
	wx := s.App(sandbox.Weixin)
	link := s.URL(sandbox.Weixin) + "/connect/qrconnect?appid=" + wx.ID + "&redirect_uri=" +
		url.QueryEscape("https://example.test/authorization") + "&response_type=code&scope=snsapi_login&state=abc#wechat_redirect"
	back, err = s.Approve(ctx, link)
	require.NoError(t, err)
	assert.Equal(t, "example.test", back.Host)
	assert.Equal(t, "abc", back.Query().Get("state"))
	assert.NotEmpty(t, back.Query().Get("code"))
}

func TestApproveRefusals(t *testing.T) {
	s, err := sandbox.New()
	require.NoError(t, err)
	t.Cleanup(s.Close)
	ctx := context.Background()

	_, err = s.Approve(ctx, "https://oauth.vk.ru/authorize?client_id=1")
	assert.ErrorContains(t, err, "not on this sandbox", "it never opens another site")
	_, err = s.Approve(ctx, "/vk/authorize")
	assert.ErrorContains(t, err, "not an absolute URL")

	// A page that does not redirect: its status and reason are reported.
	q := url.Values{"client_id": {"000"}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "response_type": {"code"}, "state": {"s"}}
	_, err = s.Approve(ctx, s.URL(sandbox.VK)+"/authorize?"+q.Encode())
	assert.ErrorContains(t, err, "401")
	assert.ErrorContains(t, err, "client_id is incorrect")
	wx := s.App(sandbox.Weixin)
	_, err = s.Approve(ctx, s.URL(sandbox.Weixin)+"/connect/qrconnect?appid="+wx.ID+
		"&redirect_uri=https%3A%2F%2Fexample.test%2F&response_type=code&scope=snsapi_login&state=s&lang=en#wechat_redirect")
	assert.ErrorContains(t, err, "without redirecting", "WeChat refuses a link with an extra parameter")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	q.Set("client_id", s.App(sandbox.VK).ID)
	_, err = s.Approve(cancelled, s.URL(sandbox.VK)+"/authorize?"+q.Encode())
	assert.ErrorIs(t, err, context.Canceled)
}
