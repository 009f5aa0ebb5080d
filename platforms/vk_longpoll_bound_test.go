package platforms_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Long Poll server that answers every a_check with failed 1 (without a
// ts) or failed 2 at once must not be polled in a tight loop: after the
// first such answer the poller backs off as for any failure.
func TestVKBotsLongPollBacksOffOnRepeatedFailed(t *testing.T) {
	for _, answer := range []string{`{"failed":1}`, `{"failed":2}`, `{"failed":3}`} {
		t.Run(answer, func(t *testing.T) {
			var requests atomic.Int64
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				if strings.HasSuffix(r.URL.Path, "/method/groups.getLongPollServer") {
					fmt.Fprintf(w, `{"response":{"key":"k","server":"%s/lp","ts":"1"}}`, srv.URL)
					return
				}
				fmt.Fprint(w, answer)
			}))
			defer srv.Close()
			api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("group-token-123456")), snskit.WithoutRateLimit())
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
			defer cancel()
			n := 0
			for _, err := range (platforms.VKBotsLongPoll{GroupID: 7}).Events(ctx, api) {
				require.ErrorIs(t, err, context.DeadlineExceeded, "failed is handled, not yielded; the loop ends with ctx")
				n++
			}
			assert.Equal(t, 1, n, "one error, the end of ctx")
			assert.Less(t, requests.Load(), int64(20), "requests in 0.7 s")
		})
	}
}
