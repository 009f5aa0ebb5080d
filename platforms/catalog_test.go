package platforms_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/snskit/snskit/catalog"
	"github.com/snskit/snskit/driver"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// catalogOf returns the catalog of platform p, which must have one.
func catalogOf(t *testing.T, p driver.Platform) *catalog.Catalog {
	t.Helper()
	cr, ok := p.(driver.Cataloger)
	require.True(t, ok, "%s implements driver.Cataloger", p.Name())
	c := cr.Catalog()
	require.NotNil(t, c)
	require.NoError(t, c.Err(), p.Name())
	return c
}

func TestCatalogsLoad(t *testing.T) {
	for _, p := range []driver.Platform{platforms.VK(), platforms.Renren(), platforms.Renren1(), platforms.Weixin(), platforms.QQ(), platforms.Kaixin()} {
		c := catalogOf(t, p)
		assert.Equal(t, p.Name(), c.Name())
		assert.NotZero(t, c.Len(), p.Name())
		assert.Same(t, c, catalogOf(t, p), "the same catalog every time")
		for _, m := range c.Methods("") {
			assert.NotEmpty(t, m.Name)
			if m.Paging.Kind != catalog.NoPaging && m.Paging.Count != "" {
				assert.NotNil(t, m.Param(m.Paging.Count), "%s %s: the paging's count parameter is listed", p.Name(), m.Name)
			}
		}
	}
	vk := catalogOf(t, platforms.VK())
	assert.Equal(t, 567, vk.Len(), "every method of VK's schema, and execute.*")
	users, ok := vk.Method("users.get")
	require.True(t, ok)
	assert.Equal(t, []string{"user", "group", "service"}, users.Tokens)
	assert.Equal(t, 1000, users.Param("user_ids").MaxItems)
	friends, _ := vk.Method("friends.get")
	assert.Equal(t, catalog.Paging{Kind: catalog.OffsetPaging, Offset: "offset", Count: "count", MaxCount: 5000, DefaultCount: 5000}, friends.Paging)
	feed, _ := vk.Method("newsfeed.get")
	assert.Equal(t, catalog.CursorPaging, feed.Paging.Kind)
	assert.Equal(t, "next_from", feed.Paging.Next)
	assert.Equal(t, 100, feed.Paging.MaxCount)

	rr := catalogOf(t, platforms.Renren())
	list, ok := rr.Method("user.friend.list")
	require.True(t, ok)
	assert.Equal(t, catalog.Paging{Kind: catalog.PagePaging, Page: "pageNumber", FirstPage: 1, Count: "pageSize", MinCount: 1, MaxCount: 100, DefaultCount: 20}, list.Paging)
	checkins, _ := rr.Method("checkin.list")
	assert.Equal(t, "pageNo", checkins.Paging.Page)

	kx := catalogOf(t, platforms.Kaixin())
	me, _ := kx.Method("friends.me")
	assert.Equal(t, catalog.Paging{Kind: catalog.OffsetPaging, Offset: "start", Count: "num", MaxCount: 50, DefaultCount: 20}, me.Paging)
}

// seedCall is a call one of the seeds makes.
type seedCall struct {
	platform driver.Platform
	method   string
	params   map[string]any
}

// seedCalls are the calls of the seeds in /work/shared/seeds, with the
// parameters they pass: each must be in its platform's catalog and pass its
// checks.
var seedCalls = []seedCall{
	// 000 (renrenpy), API 2.0.
	{platforms.Renren(), "user.get", map[string]any{"userId": "262156164"}},
	{platforms.Renren(), "status.put", map[string]any{"content": "test"}},
	{platforms.Renren(), "photo.upload", map[string]any{"file": struct{}{}}},
	// 000 (renrenpy), API 1.0.
	{platforms.Renren1(), "users.getInfo", nil},
	{platforms.Renren1(), "users.getLoggedInUser", nil},
	{platforms.Renren1(), "users.getVisitors", nil},
	{platforms.Renren1(), "status.set", map[string]any{"status": "test"}},
	{platforms.Renren1(), "status.gets", nil},
	{platforms.Renren1(), "photos.upload", map[string]any{"upload": struct{}{}}},
	// 001 (python-weixin): the scope table's endpoints.
	{platforms.Weixin(), "sns.oauth2.access_token", map[string]any{"appid": "a", "secret": "s", "code": "c", "grant_type": "authorization_code"}},
	{platforms.Weixin(), "sns.oauth2.refresh_token", map[string]any{"appid": "a", "grant_type": "refresh_token", "refresh_token": "r"}},
	{platforms.Weixin(), "sns.auth", map[string]any{"openid": "o"}},
	{platforms.Weixin(), "sns.userinfo", map[string]any{"openid": "o"}},
	// 002 (vk).
	{platforms.VK(), "users.get", map[string]any{"user_ids": 1}},
	{platforms.VK(), "users.get", map[string]any{"group_id": 654321, "user_ids": 1}},
	// 003 (QQ Connect's API list).
	{platforms.QQ(), "user.get_user_info", nil},
	{platforms.QQ(), "user.get_vip_info", nil},
	{platforms.QQ(), "user.get_vip_rich_info", nil},
	{platforms.QQ(), "photo.list_album", nil},
	{platforms.QQ(), "photo.upload_pic", map[string]any{"picture": struct{}{}}},
	{platforms.QQ(), "photo.add_album", nil},
	{platforms.QQ(), "photo.list_photo", map[string]any{"albumid": "1"}},
	{platforms.QQ(), "user.get_info", nil},
	{platforms.QQ(), "t.add_t", nil},
	{platforms.QQ(), "t.del_t", nil},
	{platforms.QQ(), "t.add_pic_t", map[string]any{"pic": struct{}{}}},
	{platforms.QQ(), "t.get_repost_list", nil},
	{platforms.QQ(), "user.get_other_info", nil},
	{platforms.QQ(), "relation.get_fanslist", nil},
	{platforms.QQ(), "relation.get_idollist", nil},
	{platforms.QQ(), "relation.add_idol", nil},
	{platforms.QQ(), "relation.del_idol", nil},
	{platforms.QQ(), "cft_info.get_tenpay_addr", nil},
	// 004 (Kaixin friends/me).
	{platforms.Kaixin(), "friends.me", map[string]any{"fields": "uid,name,gender,logo50", "start": 0, "num": 50, "gid": "1"}},
}

func TestSeedCallsInCatalogs(t *testing.T) {
	for _, sc := range seedCalls {
		c := catalogOf(t, sc.platform)
		_, ok := c.Method(sc.method)
		assert.True(t, ok, "%s %s", sc.platform.Name(), sc.method)
		assert.Empty(t, c.Check(sc.method, sc.params), "%s %s", sc.platform.Name(), sc.method)
	}
}

// sharedDir returns the project's shared directory (the repository's
// ../shared, or $SNSKIT_SHARED), or skips the test.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SNSKIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "seeds")); err != nil {
		t.Skipf("no shared directory at %s (set SNSKIT_SHARED to check the seeds themselves): %v", dir, err)
	}
	return dir
}

// TestSeedsThemselves reads the seeds and checks that every method they
// name is in seedCalls, so that the list above cannot fall behind them.
func TestSeedsThemselves(t *testing.T) {
	dir := sharedDir(t)
	read := func(name string) string {
		matches, err := filepath.Glob(filepath.Join(dir, "seeds", name+"_*.txt"))
		require.NoError(t, err)
		require.Len(t, matches, 1, name)
		b, err := os.ReadFile(matches[0])
		require.NoError(t, err)
		return string(b)
	}
	listed := map[string]bool{}
	for _, sc := range seedCalls {
		listed[sc.method] = true
		name := sc.method
		if sc.platform.Name() == "qq" {
			name = name[strings.LastIndex(name, ".")+1:] // the seed names the method only
		}
		listed[name] = true
	}
	var found []string
	calls := regexp.MustCompile(`\b(?:client|api)\.([a-z]+(?:\.[A-Za-z_]+)+)\(`)
	for _, seed := range []string{"000", "002"} {
		for _, m := range calls.FindAllStringSubmatch(read(seed), -1) {
			found = append(found, m[1])
		}
	}
	for _, m := range regexp.MustCompile(`/sns/[a-z0-9_/]+`).FindAllString(read("001"), -1) {
		found = append(found, strings.ReplaceAll(strings.TrimPrefix(m, "/"), "/", "."))
	}
	qqList, _, _ := strings.Cut(read("003"), "特别声明")
	found = append(found, regexp.MustCompile(`\b(?:get|list|add|del|upload)_[a-z_]+\b`).FindAllString(qqList, -1)...)
	for _, m := range regexp.MustCompile(`api\.kaixin001\.com/([a-z]+)/([a-z]+)\.`).FindAllStringSubmatch(read("004"), -1) {
		found = append(found, m[1]+"."+m[2])
	}
	require.GreaterOrEqual(t, len(found), 30, "the seeds' calls were found: %v", found)
	for _, m := range found {
		assert.True(t, listed[m], "the seeds call %s: list it in seedCalls", m)
	}
}

func TestVKStoredProcedures(t *testing.T) {
	vk := catalogOf(t, platforms.VK())
	assert.Empty(t, vk.Check("execute.myProcedure", map[string]any{"owner_id": 1}), "stored procedures are the application's")
	assert.Empty(t, vk.Check("execute", map[string]any{"code": "return 1;", "func_v": 2}))
	ps := vk.Check("execute", nil)
	require.Len(t, ps, 1)
	assert.Equal(t, catalog.MissingParam, ps[0].Kind)
}
