package platforms_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 103 (call_id not increasing, from another user of the credential) is
// resent with a fresh call_id.
func TestRenren1ResendsA103WithAFreshCallID(t *testing.T) {
	var mu sync.Mutex
	var ids []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		v, _ := url.ParseQuery(string(b))
		mu.Lock()
		ids = append(ids, v.Get("call_id"))
		n := len(ids)
		mu.Unlock()
		if n == 1 {
			io.WriteString(w, `{"error_code":103,"error_msg":"call_id must be greater than the previous call_id"}`)
			return
		}
		io.WriteString(w, `{"uid":1}`)
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.Renren1(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok-0123456789abcdef")),
		snskit.WithRetry(1, time.Millisecond))
	require.NoError(t, err)
	res, err := api.NS("users").M("getLoggedInUser").Do(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Get("uid").Int())
	require.Len(t, ids, 2)
	assert.Greater(t, ids[1], ids[0], "a fresh call_id")
}
