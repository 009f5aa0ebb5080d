package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

func TestRequestsRecordTimeTokenAndErrorCode(t *testing.T) {
	s, clk := vkStart(t)
	tok := s.Token(sandbox.VK).AccessToken
	s.ResetRequests()
	for range 4 { // the fourth call of the second is over VK's 3/s
		vkAPI(t, s, tok, "users.get", nil)
	}
	clk.Advance(time.Second)
	vkBearerCall(t, s, "Bearer "+tok, "users.get", url.Values{"v": {"5.199"}})
	vkAPI(t, s, "vk1.a.forged", "users.get", nil)

	perSecond := map[string]map[int64]int{}
	var codes []string
	for _, r := range s.Requests() {
		if perSecond[r.Token] == nil {
			perSecond[r.Token] = map[int64]int{}
		}
		perSecond[r.Token][r.Time.Unix()]++
		codes = append(codes, r.Error)
	}
	t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC).Unix()
	assert.Equal(t, map[int64]int{t0: 4, t0 + 1: 1}, perSecond[tok], "requests per second of the token, by the sandbox clock")
	assert.Equal(t, []string{"", "", "", "6", "", "5"}, codes)

	// the error codes of the other platforms
	s.ResetRequests()
	rrDo(t, s, http.MethodGet, "/v2/user/login/get", "forged", nil)
	seedRR1(t, s, "forged", "users.getInfo", nil)
	getJSON(t, s.URL(sandbox.Weixin)+"/sns/auth?access_token=forged&openid=x")
	getJSON(t, s.URL(sandbox.QQ)+"/user/get_user_info?access_token=0123456789ABCDEF0123456789ABCDEF&oauth_consumer_key=1&openid=x")
	getJSON(t, s.URL(sandbox.Kaixin)+"/users/me.json?access_token=forged")
	vkPostForm(t, s.URL(sandbox.VK)+"/access_token", url.Values{"client_id": {"1"}})
	resp, err := http.Get(s.URL(sandbox.QQ) + "/oauth2.0/me?access_token=forged")
	require.NoError(t, err)
	resp.Body.Close()
	codes = nil
	for _, r := range s.Requests() {
		codes = append(codes, r.Error)
		assert.NotEmpty(t, r.Time)
	}
	assert.Equal(t, []string{"invalid_authorization.INVALID-TOKEN", "102", "40014", "100016", "40102", "invalid_client", "100013"}, codes)
	assert.Equal(t, "forged", s.Requests()[0].Token, "a Bearer header's token")
}
