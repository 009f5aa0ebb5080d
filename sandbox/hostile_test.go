package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostileRequests sends the sandbox execute code and JSON parameters
// nested millions of levels deep (as much as its 10 MB form limit lets
// through): it answers each with VK's error and keeps serving. Its own parsers bound nesting (VKScript at 16 levels,
// encoding/json at 10,000), without the client's code.
func TestHostileRequests(t *testing.T) {
	clock := sandbox.NewClock(time.Unix(1_800_000_000, 0))
	s, err := sandbox.New(sandbox.WithClock(clock.Now))
	require.NoError(t, err)
	defer s.Close()
	tok := s.Token("vk").AccessToken
	cases := []struct {
		method string
		params url.Values
		code   int
	}{
		{"execute", url.Values{"code": {"return " + strings.Repeat("[", 3_000_000) + ";"}}, 12},
		{"execute", url.Values{"code": {"return API.users.get(" + strings.Repeat(`{"a":`, 600_000) + ");"}}, 12},
		{"execute", url.Values{"code": {"return API.users.get(" + strings.Repeat(`[{"a":[`, 400_000) + ");"}}, 12},
		{"photos.saveWallPhoto", url.Values{"photo": {strings.Repeat("[", 3_000_000)}}, 100},
		{"users.get", url.Values{"user_ids": {"1"}}, 0}, // still serving
	}
	for _, c := range cases {
		clock.Advance(time.Second) // under VK's 3 requests a second
		c.params.Set("access_token", tok)
		c.params.Set("v", "5.199")
		resp, err := http.PostForm(s.URL("vk")+"/method/"+c.method, c.params)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		var reply struct {
			Error *struct {
				Code int `json:"error_code"`
			} `json:"error"`
			Response json.RawMessage `json:"response"`
		}
		require.NoError(t, json.Unmarshal(body, &reply), "%.200s", body)
		if c.code == 0 {
			assert.Nil(t, reply.Error, "%.200s", body)
			assert.NotEmpty(t, reply.Response)
			continue
		}
		require.NotNil(t, reply.Error, "%.200s", body)
		assert.Equal(t, c.code, reply.Error.Code, "%s: %.200s", c.method, body)
	}
}
