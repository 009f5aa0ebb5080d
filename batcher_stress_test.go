package snskit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hundreds of goroutines call through the batcher while a third of them
// give up at random moments (before their batch is sealed, while it is in
// flight): every caller that stays gets its own user back, every one that
// gives up an error satisfying errors.Is(err, ctx.Err()) or its result, and
// no goroutine outlives the calls.
func TestBatchingStressWithCallersGivingUp(t *testing.T) {
	arg := regexp.MustCompile(`API\.users\.get\(\{"user_ids":"(\d+)"\}\)`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		time.Sleep(time.Duration(rand.N(3)) * time.Millisecond)
		if r.URL.Path == "/method/users.get" {
			fmt.Fprintf(w, `{"response":[{"id":%s}]}`, r.Form.Get("user_ids"))
			return
		}
		var parts []string
		for _, m := range arg.FindAllStringSubmatch(r.Form.Get("code"), -1) {
			parts = append(parts, `[{"id":`+m[1]+`}]`)
		}
		fmt.Fprintf(w, `{"response":[%s]}`, strings.Join(parts, ","))
	}))
	defer srv.Close()
	api, err := snskit.New(platforms.VK(), snskit.WithBaseURL(srv.URL), snskit.WithAuth(auth.Token("tok")),
		snskit.WithoutRateLimit(), snskit.WithBatching(time.Millisecond))
	require.NoError(t, err)
	base := runtime.NumGoroutine()
	for round := range 5 {
		var wg sync.WaitGroup
		for i := range 300 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				quits := i%3 == 0
				if quits {
					time.AfterFunc(time.Duration(rand.N(4000))*time.Microsecond, cancel)
				}
				res, err := api.Method("users.get").DoContext(ctx, snskit.Params{"user_ids": i + 1})
				if quits && err != nil {
					assert.ErrorIs(t, err, context.Canceled, "round %d call %d", round, i)
					return
				}
				if assert.NoError(t, err, "round %d call %d", round, i) {
					assert.Equal(t, int64(i+1), res.Get("0.id").Int(), "round %d call %d got another's result", round, i)
				}
			}()
		}
		wg.Wait()
	}
	srv.CloseClientConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), base+2, "goroutines left behind")
}
