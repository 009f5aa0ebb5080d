// Package e2e runs the client's calls for every platform against the
// offline sandbox: the client (platforms/) and the emulator (sandbox/) are
// written independently from the same rules, so a passing call here means
// both sides read the rules alike.
package e2e_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startSandbox starts a sandbox on a manual clock.
func startSandbox(t *testing.T) (*sandbox.Server, *sandbox.Clock) {
	t.Helper()
	clock := sandbox.NewClock(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC))
	s, err := sandbox.New(sandbox.WithClock(clock.Now))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, clock
}

func vkClient(t *testing.T, s *sandbox.Server, token string, opts ...snskit.Option) *snskit.API {
	t.Helper()
	// The sandbox runs on a manual clock, so budgets and retries, which
	// wait in real time, are off unless opts turn them on.
	api, err := snskit.New(platforms.VK(), append([]snskit.Option{
		snskit.WithBaseURL(s.URL("vk")), snskit.WithAuth(auth.Token(token)), snskit.WithoutRateLimit(), snskit.WithRetry(0, 0)}, opts...)...)
	require.NoError(t, err)
	return api
}

func TestVKCallsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := vkClient(t, s, s.Token("vk").AccessToken)

	users, err := api.NS("users").M("get").Do(snskit.Params{"user_ids": []int{1, 2}, "fields": []string{"screen_name"}})
	require.NoError(t, err)
	require.Equal(t, int64(2), users.Get("#").Int())
	assert.Equal(t, int64(1), users.Get("0.id").Int())
	assert.NotEmpty(t, users.Get("0.first_name").String())

	clock.Advance(time.Second) // VK allows 3 calls a second per user token
	friends, err := api.Method("friends.get").Do(snskit.Params{"user_id": 1, "count": 2})
	require.NoError(t, err)
	assert.Equal(t, int64(2), friends.Get("items.#").Int(), "count pages the list")
	assert.GreaterOrEqual(t, friends.Get("count").Int(), int64(3))

	clock.Advance(time.Second)
	post, err := api.Method("wall.post").Do(snskit.Params{"message": "снскит e2e"})
	require.NoError(t, err)
	id := post.Get("post_id").Int()
	require.Positive(t, id)
	clock.Advance(time.Second)
	wall, err := api.Method("wall.get").Do(snskit.Params{"count": 5})
	require.NoError(t, err)
	assert.Contains(t, wall.Get("items.#.text").String(), "снскит e2e")

	clock.Advance(time.Second)
	_, err = api.Method("users.get").Do(snskit.Params{"user_ids": 987654321})
	assert.ErrorIs(t, err, snskit.ErrBadParams, "113 invalid user id")
}

func TestVKExecutePartialErrorsEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	api := vkClient(t, s, s.Token("vk").AccessToken)
	res, err := api.Method("execute").Do(snskit.Params{
		"code": `return [API.users.get({"user_ids": 1}), API.users.get({"user_ids": 987654321})];`})
	var pe *snskit.PartialError
	require.ErrorAs(t, err, &pe)
	require.Len(t, pe.Errors, 1)
	assert.Equal(t, "users.get", pe.Errors[0].Method)
	assert.Equal(t, int64(1), res.Get("0.0.id").Int(), "the partial result is kept")
	assert.Equal(t, "false", res.Get("1").Raw)
}

func TestVKTokenErrorsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	short, err := s.IssueToken("vk", sandbox.TokenOptions{TTL: time.Minute})
	require.NoError(t, err)
	api := vkClient(t, s, short.AccessToken)
	_, err = api.Method("users.get").Do(nil)
	require.NoError(t, err)
	clock.Advance(2 * time.Minute)
	_, err = api.Method("users.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)

	_, err = vkClient(t, s, "not-a-real-token-000").Method("users.get").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenInvalid)
	assert.NotErrorIs(t, err, snskit.ErrTokenExpired)

	noWall, err := s.IssueToken("vk", sandbox.TokenOptions{Scope: []string{"friends"}})
	require.NoError(t, err)
	_, err = vkClient(t, s, noWall.AccessToken).Method("wall.post").Do(snskit.Params{"message": "x"})
	assert.ErrorIs(t, err, snskit.ErrPermission)

	_, err = vkClient(t, s, s.Token("vk").AccessToken).Method("nosuch.method").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrNotFound)
}

func TestVKRateLimitEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	api := vkClient(t, s, s.Token("vk").AccessToken)
	for i := range 3 {
		_, err := api.Method("users.get").Do(nil)
		require.NoError(t, err, "call %d", i+1)
	}
	_, err := api.Method("users.get").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e, "a fourth call within a second")
	assert.Equal(t, "6", e.Code)
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
	clock.Advance(time.Second)
	_, err = api.Method("users.get").Do(nil)
	require.NoError(t, err, "the window has passed")

	// Community tokens allow 20 a second.
	group, err := s.IssueToken("vk", sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	gapi := vkClient(t, s, group.AccessToken)
	for i := range 20 {
		_, err := gapi.Method("users.get").Do(snskit.Params{"user_ids": 1})
		require.NoError(t, err, "community call %d", i+1)
	}
	_, err = gapi.Method("users.get").Do(snskit.Params{"user_ids": 1})
	assert.ErrorIs(t, err, snskit.ErrRateLimited)
}

func TestVKCaptchaEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	api := vkClient(t, s, s.Token("vk").AccessToken)
	s.VKRequireCaptcha(1)
	params := snskit.Params{"message": "needs a captcha"}
	_, err := api.Method("wall.post").Do(params)
	require.ErrorIs(t, err, snskit.ErrCaptcha)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	require.NotEmpty(t, e.Detail.Get("captcha_sid").String())
	assert.NotEmpty(t, e.Detail.Get("captcha_img").String())

	params["captcha_sid"] = e.Detail.Get("captcha_sid").String()
	params["captcha_key"] = sandbox.VKCaptchaAnswer
	res, err := api.Method("wall.post").Do(params)
	require.NoError(t, err)
	assert.Positive(t, res.Get("post_id").Int())
}

func TestVKUploadEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	api := vkClient(t, s, s.Token("vk").AccessToken)
	ctx := context.Background()
	srv, err := api.Method("photos.getWallUploadServer").Do(nil)
	require.NoError(t, err)
	content := strings.Repeat("\x89PNG\r\n\x1a\n", 4096)
	up, err := api.UploadTo(ctx, srv.Get("upload_url").String(), snskit.Params{
		"photo": snskit.Upload("cat.png", strings.NewReader(content))})
	require.NoError(t, err)
	saved, err := api.Method("photos.saveWallPhoto").Do(snskit.Params{
		"server": up.Get("server").Int(), "photo": up.Get("photo").String(), "hash": up.Get("hash").String()})
	require.NoError(t, err)
	assert.Positive(t, saved.Get("0.id").Int())
	assert.Contains(t, up.Get("photo").String(), `"size":`+strconv.Itoa(len(content)), "the file arrived whole")
}

func TestVKConcurrentCallsShareOneClient(t *testing.T) {
	s, _ := startSandbox(t)
	group, err := s.IssueToken("vk", sandbox.TokenOptions{GroupID: 2})
	require.NoError(t, err)
	api := vkClient(t, s, group.AccessToken)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := api.NS("users").M("get").Do(snskit.Params{"user_ids": 1 + i%4})
			if err == nil && res.Get("0.id").Int() != int64(1+i%4) {
				err = errors.New("wrong user in reply")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}
