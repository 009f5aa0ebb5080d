package e2e_test

import (
	"strconv"
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

func renrenClient(t *testing.T, p snskit.Platform, s *sandbox.Server, opts ...snskit.Option) *snskit.API {
	t.Helper()
	api, err := snskit.New(p, append([]snskit.Option{snskit.WithBaseURL(s.URL("renren"))}, opts...)...)
	require.NoError(t, err)
	return api
}

func TestRenren2CallsEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	api := renrenClient(t, platforms.Renren(), s, snskit.WithAuth(auth.Token(s.Token("renren").AccessToken)))

	me, err := api.NS("user").NS("login").M("get").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, sandbox.RenrenUserID, me.Get("id").String())

	user, err := api.NS("user").M("get").Do(snskit.Params{"userId": sandbox.RenrenUserID})
	require.NoError(t, err)
	assert.NotEmpty(t, user.Get("name").String())

	friends, err := api.NS("user").NS("friend").M("list").Do(snskit.Params{"userId": sandbox.RenrenUserID, "pageSize": 2, "pageNumber": 1})
	require.NoError(t, err)
	assert.Equal(t, int64(2), friends.Get("#").Int())

	_, err = api.NS("status").M("put").Do(snskit.Params{"content": "人人 e2e"})
	require.NoError(t, err)
	statuses, err := api.NS("status").M("list").Do(snskit.Params{"ownerId": sandbox.RenrenUserID})
	require.NoError(t, err)
	assert.Contains(t, statuses.String(), "人人 e2e")

	content := strings.Repeat("GIF89a", 10000)
	photo, err := api.NS("photo").M("upload").Do(snskit.Params{
		"file": snskit.Upload("test.gif", strings.NewReader(content)), "description": "上传"})
	require.NoError(t, err)
	assert.Equal(t, int64(len(content)), photo.Get("size").Int(), "the stream arrived whole")
	assert.Equal(t, "上传", photo.Get("description").String())

	_, err = api.NS("user").M("get").Do(snskit.Params{"userId": "1"})
	assert.ErrorIs(t, err, snskit.ErrNotFound, "USER_NOT_EXIST")
}

func TestRenren2TokenErrorsEndToEnd(t *testing.T) {
	s, clock := startSandbox(t)
	short, err := s.IssueToken("renren", sandbox.TokenOptions{TTL: time.Hour})
	require.NoError(t, err)
	api := renrenClient(t, platforms.Renren(), s, snskit.WithAuth(auth.Token(short.AccessToken)))
	_, err = api.NS("user").NS("login").M("get").Do(nil)
	require.NoError(t, err)
	clock.Advance(2 * time.Hour)
	_, err = api.NS("user").NS("login").M("get").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "invalid_authorization.EXPIRED-TOKEN", e.Code)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired)

	noScope, err := s.IssueToken("renren", sandbox.TokenOptions{Scope: []string{"read_user_status"}})
	require.NoError(t, err)
	_, err = renrenClient(t, platforms.Renren(), s, snskit.WithAuth(auth.Token(noScope.AccessToken))).
		NS("status").M("put").Do(snskit.Params{"content": "x"})
	assert.ErrorIs(t, err, snskit.ErrPermission)
}

func TestRenren1CallsEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	app := s.App("renren1")
	creds := s.Token("renren1")
	// Renren wants each credential's call_ids to increase: clients that
	// share a credential share one Renren1 value, which numbers the calls.
	r1 := platforms.Renren1()
	for name, opts := range map[string][]snskit.Option{
		"access token, unsigned": {snskit.WithAuth(auth.Token(creds.AccessToken))},
		"access token, signed":   {snskit.WithAuth(auth.Token(creds.AccessToken)), snskit.WithApp(app.ID, app.Secret)},
		"session key, signed":    {snskit.WithAuth(auth.Session(creds.SessionKey)), snskit.WithApp(app.ID, app.Secret)},
	} {
		t.Run(name, func(t *testing.T) {
			api := renrenClient(t, r1, s, opts...)
			me, err := api.NS("users").M("getLoggedInUser").Do(nil)
			require.NoError(t, err)
			assert.Equal(t, sandbox.RenrenUserID, me.Get("uid").String())

			info, err := api.NS("users").M("getInfo").Do(snskit.Params{"uids": []string{sandbox.RenrenUserID}, "fields": "name,sex"})
			require.NoError(t, err)
			assert.True(t, info.IsArray(), "API 1.0 lists come bare")
			assert.NotEmpty(t, info.Get("0.name").String())

			res, err := api.NS("status").M("set").Do(snskit.Params{"status": "test"})
			require.NoError(t, err)
			assert.Equal(t, int64(1), res.Get("result").Int())

			content := strings.Repeat("\xff\xd8JPEG", 3000)
			photo, err := api.NS("photos").M("upload").Do(snskit.Params{
				"upload": snskit.Upload("test.jpg", strings.NewReader(content)), "caption": "照片"})
			require.NoError(t, err)
			assert.Equal(t, "照片", photo.Get("caption").String())
			assert.NotEmpty(t, photo.Get("pid").String())
		})
	}
}

func TestRenren1SignatureCheckedEndToEnd(t *testing.T) {
	s, _ := startSandbox(t)
	app := s.App("renren1")
	wrong := renrenClient(t, platforms.Renren1(), s,
		snskit.WithAuth(auth.Session(s.Token("renren1").SessionKey)), snskit.WithApp(app.ID, app.Secret+"x"))
	_, err := wrong.NS("users").M("getLoggedInUser").Do(nil)
	var e *snskit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "104", e.Code, "incorrect signature")
	assert.ErrorIs(t, err, snskit.ErrBadParams)
	assert.NotContains(t, err.Error(), app.Secret)

	expired, err := s.IssueToken("renren1", sandbox.TokenOptions{TTL: -time.Second})
	require.NoError(t, err)
	_, err = renrenClient(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token(expired.AccessToken))).
		NS("users").M("getLoggedInUser").Do(nil)
	assert.ErrorIs(t, err, snskit.ErrTokenExpired, "error 450")
}

func TestRenren1CallIDsIncrease(t *testing.T) {
	s, _ := startSandbox(t)
	api := renrenClient(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token(s.Token("renren1").AccessToken)))
	s.ResetRequests()
	for range 3 {
		_, err := api.NS("users").M("getLoggedInUser").Do(nil)
		require.NoError(t, err)
	}
	var last int64
	for _, r := range s.Requests() {
		id, err := strconv.ParseInt(r.Form["call_id"][0], 10, 64)
		require.NoError(t, err)
		assert.Greater(t, id, last)
		last = id
	}
}
