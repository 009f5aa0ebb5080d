package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/snskit/snskit/sandbox"
)

func TestVKRateLimitsOption(t *testing.T) {
	clk := sandbox.NewClock(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	s, err := sandbox.New(sandbox.WithClock(clk.Now), sandbox.WithVKRateLimits(0, 2))
	require.NoError(t, err)
	t.Cleanup(s.Close)
	user := s.Token(sandbox.VK).AccessToken
	for i := range 50 {
		require.Zero(t, vkErrCode(vkAPI(t, s, user, "users.get", nil)), "call %d: no user limit", i+1)
	}
	comm, err := s.IssueToken(sandbox.VK, sandbox.TokenOptions{GroupID: 1})
	require.NoError(t, err)
	vkAPI(t, s, comm.AccessToken, "users.get", url.Values{"user_ids": {"1"}})
	vkAPI(t, s, comm.AccessToken, "users.get", url.Values{"user_ids": {"1"}})
	assert.Equal(t, 6, vkErrCode(vkAPI(t, s, comm.AccessToken, "users.get", url.Values{"user_ids": {"1"}})), "2 per second")

	_, err = sandbox.New(sandbox.WithVKRateLimits(-1, 20))
	assert.ErrorContains(t, err, "WithVKRateLimits")
}

// BenchmarkVKWalkBigGroupRawHTTP walks all VKBigGroupMembers members of
// VKBigGroupID with net/http and encoding/json, 1000 a page: the baseline a
// client's walk can be measured against in the same run.
func BenchmarkVKWalkBigGroupRawHTTP(b *testing.B) {
	s, err := sandbox.New(sandbox.WithVKRateLimits(0, 0))
	require.NoError(b, err)
	defer s.Close()
	tok := s.Token(sandbox.VK).AccessToken
	endpoint := s.URL(sandbox.VK) + "/method/groups.getMembers"
	b.ReportAllocs()
	for b.Loop() {
		s.ResetRequests()
		seen := 0
		for offset := 0; ; offset += 1000 {
			form := url.Values{"access_token": {tok}, "v": {"5.199"}, "group_id": {fmt.Sprint(sandbox.VKBigGroupID)},
				"offset": {fmt.Sprint(offset)}, "count": {"1000"}}
			resp, err := http.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Response struct {
					Count int     `json:"count"`
					Items []int64 `json:"items"`
				} `json:"response"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			seen += len(page.Response.Items)
			if offset+1000 >= page.Response.Count {
				break
			}
		}
		if seen != sandbox.VKBigGroupMembers {
			b.Fatalf("walked %d members, want %d", seen, sandbox.VKBigGroupMembers)
		}
	}
}
