package e2e_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One Renren1 client shared by many goroutines: the sandbox, as Renren,
// refuses a call_id not greater than the credential's previous one (error
// 103), so the calls must reach it in the order of their call_ids.
func TestRenren1SharedByManyGoroutines(t *testing.T) {
	s, _ := startSandbox(t)
	creds := s.Token("renren1")
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 16, MaxIdleConnsPerHost: 16}}
	api := renrenClient(t, platforms.Renren1(), s, snskit.WithAuth(auth.Token(creds.AccessToken)), snskit.WithHTTPClient(client), snskit.WithRetry(0, 0))
	const n = 1000
	var wg sync.WaitGroup
	var failed atomic.Int32
	var first atomic.Value
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := api.NS("users").M("getLoggedInUser").Do(nil); err != nil {
				failed.Add(1)
				first.CompareAndSwap(nil, fmt.Sprint(err))
			}
		}()
	}
	wg.Wait()
	require.Zero(t, failed.Load(), "calls failed; the first: %v", first.Load())
	_, err := api.NS("users").M("getLoggedInUser").Do(nil)
	assert.NoError(t, err)
}
