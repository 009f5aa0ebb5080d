package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

// revokeStart starts a sandbox whose refreshes revoke the old token.
func revokeStart(t *testing.T, opts ...sandbox.Option) *sandbox.Server {
	t.Helper()
	clk := sandbox.NewClock(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := sandbox.New(append([]sandbox.Option{sandbox.WithClock(clk.Now)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// getJSON GETs u and decodes a JSON (or QQ's text/html JSON) reply.
func getJSON(t *testing.T, u string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return resp.StatusCode, m
}

func TestRefreshRevokesTheOldTokenWhenAsked(t *testing.T) {
	s := revokeStart(t, sandbox.WithRevokeOnRefresh(sandbox.Renren, sandbox.QQ, sandbox.Kaixin))

	t.Run("renren", func(t *testing.T) {
		c := s.Token(sandbox.Renren)
		app := s.App(sandbox.Renren)
		status, r := vkPostForm(t, s.URL(sandbox.Renren)+"/oauth/token", url.Values{"grant_type": {"refresh_token"},
			"client_id": {app.ID}, "client_secret": {app.Secret}, "refresh_token": {c.RefreshToken}})
		require.Equal(t, http.StatusOK, status, r)
		status, m := rrDo(t, s, http.MethodGet, "/v2/user/login/get", c.AccessToken, nil)
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Equal(t, "invalid_authorization.INVALID-TOKEN", rrErrCode(m))
		status, _ = rrDo(t, s, http.MethodGet, "/v2/user/login/get", r["access_token"].(string), nil)
		assert.Equal(t, http.StatusOK, status)
		v := seedRR1(t, s, c.AccessToken, "users.getLoggedInUser", nil)
		assert.EqualValues(t, 102, v.(map[string]any)["error_code"], "API 1.0 refuses it too")
	})
	t.Run("qq", func(t *testing.T) {
		c := s.Token(sandbox.QQ)
		app := s.App(sandbox.QQ)
		_, r := getJSON(t, s.URL(sandbox.QQ)+"/oauth2.0/token?"+url.Values{"grant_type": {"refresh_token"},
			"client_id": {app.ID}, "client_secret": {app.Secret}, "refresh_token": {c.RefreshToken}, "fmt": {"json"}}.Encode())
		require.NotEmpty(t, r["access_token"], r)
		q := url.Values{"access_token": {c.AccessToken}, "oauth_consumer_key": {app.ID}, "openid": {c.OpenID}}
		_, m := getJSON(t, s.URL(sandbox.QQ)+"/user/get_user_info?"+q.Encode())
		assert.EqualValues(t, 100015, m["ret"], m)
		q.Set("access_token", r["access_token"].(string))
		_, m = getJSON(t, s.URL(sandbox.QQ)+"/user/get_user_info?"+q.Encode())
		assert.EqualValues(t, 0, m["ret"], m)
	})
	t.Run("kaixin", func(t *testing.T) {
		c := s.Token(sandbox.Kaixin)
		app := s.App(sandbox.Kaixin)
		status, r := vkPostForm(t, s.URL(sandbox.Kaixin)+"/oauth2/access_token", url.Values{"grant_type": {"refresh_token"},
			"client_id": {app.ID}, "client_secret": {app.Secret}, "refresh_token": {c.RefreshToken}})
		require.Equal(t, http.StatusOK, status, r)
		status, m := getJSON(t, s.URL(sandbox.Kaixin)+"/users/me.json?access_token="+url.QueryEscape(c.AccessToken))
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.EqualValues(t, 40102, m["error_code"])
		status, _ = getJSON(t, s.URL(sandbox.Kaixin)+"/users/me.json?access_token="+url.QueryEscape(r["access_token"].(string)))
		assert.Equal(t, http.StatusOK, status)
	})
}

func TestRevokeOnRefreshOptionChecksItsPlatforms(t *testing.T) {
	for _, bad := range [][]string{nil, {"weixin"}, {"vk"}, {"myspace"}} {
		_, err := sandbox.New(sandbox.WithRevokeOnRefresh(bad...))
		assert.ErrorContains(t, err, "WithRevokeOnRefresh", bad)
	}
	s, err := sandbox.New(sandbox.WithRevokeOnRefresh("renren1", "KAIXIN"))
	require.NoError(t, err)
	s.Close()
}

func TestWeixinRefreshReplacesOnlyAnExpiredToken(t *testing.T) {
	clk := sandbox.NewClock(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := sandbox.New(sandbox.WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	c := s.Token(sandbox.Weixin)
	app := s.App(sandbox.Weixin)
	refresh := func() map[string]any {
		_, m := getJSON(t, s.URL(sandbox.Weixin)+"/sns/oauth2/refresh_token?"+url.Values{"appid": {app.ID},
			"grant_type": {"refresh_token"}, "refresh_token": {c.RefreshToken}}.Encode())
		return m
	}
	check := func(tok string) float64 {
		_, m := getJSON(t, s.URL(sandbox.Weixin)+"/sns/auth?"+url.Values{"access_token": {tok}, "openid": {c.OpenID}}.Encode())
		return m["errcode"].(float64)
	}
	assert.Equal(t, c.AccessToken, refresh()["access_token"], "a live token is renewed, not replaced")
	assert.Zero(t, check(c.AccessToken))
	clk.Advance(3 * time.Hour)
	fresh := refresh()["access_token"].(string)
	assert.NotEqual(t, c.AccessToken, fresh, "an expired token is replaced")
	assert.EqualValues(t, 40001, check(c.AccessToken), "the replaced token is refused as not latest")
	assert.Zero(t, check(fresh))
}

// TestInFlightCallsWithTheOldTokenAcrossARefresh has 1,000 goroutines call
// with a token while it is refreshed: each call is answered either as the
// old token's last success or with the invalid-token error, never anything
// else, and every call that started after the refresh answered is refused.
func TestInFlightCallsWithTheOldTokenAcrossARefresh(t *testing.T) {
	s := revokeStart(t, sandbox.WithRevokeOnRefresh(sandbox.Renren))
	c := s.Token(sandbox.Renren)
	app := s.App(sandbox.Renren)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 64, MaxIdleConnsPerHost: 64}}
	t.Cleanup(client.CloseIdleConnections)
	call := func() (int, string) {
		req, err := http.NewRequest(http.MethodGet, s.URL(sandbox.Renren)+"/v2/user/login/get", nil)
		if err != nil {
			return 0, err.Error()
		}
		req.Header.Set("Authorization", "Bearer "+c.AccessToken)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, rrErrCode(m)
	}

	const n = 1000
	var wg sync.WaitGroup
	var mu sync.Mutex
	var refreshed bool
	late, answers := 0, map[string]int{}
	start := make(chan struct{})
	finished := make(chan struct{}, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			mu.Lock()
			after := refreshed
			mu.Unlock()
			status, code := call()
			finished <- struct{}{}
			mu.Lock()
			defer mu.Unlock()
			answers[strconv.Itoa(status)+" "+code]++
			if after {
				late++
				assert.Equal(t, "401 invalid_authorization.INVALID-TOKEN", strconv.Itoa(status)+" "+code, "call %d after the refresh", i)
			}
		}()
	}
	close(start)
	for range n / 4 { // a quarter answered with the old token, the rest in flight
		<-finished
	}
	status, r := vkPostForm(t, s.URL(sandbox.Renren)+"/oauth/token", url.Values{"grant_type": {"refresh_token"},
		"client_id": {app.ID}, "client_secret": {app.Secret}, "refresh_token": {c.RefreshToken}})
	require.Equal(t, http.StatusOK, status, r)
	mu.Lock()
	refreshed = true
	mu.Unlock()
	wg.Wait()

	total := 0
	for answer, k := range answers {
		total += k
		assert.Contains(t, []string{"200 ", "401 invalid_authorization.INVALID-TOKEN"}, answer)
	}
	assert.Equal(t, n, total)
	status, code := call()
	assert.Equal(t, "401 invalid_authorization.INVALID-TOKEN", strconv.Itoa(status)+" "+code)
	refused := 0
	for _, req := range s.Requests() {
		if req.Token == c.AccessToken && req.Error != "" {
			refused++
			assert.Equal(t, "invalid_authorization.INVALID-TOKEN", req.Error)
		}
	}
	assert.Equal(t, answers["401 invalid_authorization.INVALID-TOKEN"]+1, refused, "Requests records each refusal")
	t.Logf("%d calls: %v, %d started after the refresh", n, answers, late)
	assert.GreaterOrEqual(t, answers["200 "], n/4, "the calls before the refresh succeeded")
	assert.False(t, strings.Contains(r["access_token"].(string), c.AccessToken))
}
