package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/driver"
)

// BenchmarkVKColdCaches times one call with the caches cold, as a call
// through a real transport runs: between two calls the kernel, the server
// and the transport's goroutines evict what the client had in the caches.
// Here a 3 MiB write (more than this machine's 2 MiB of L2 per core)
// evicts them before each call, and only the call is timed (ns-per-call);
// the calls answer in memory (cannedRT), so the network adds no noise.
// limiter is LocalLimiter.Wait alone, and limiter-warm the same without
// the eviction.
func BenchmarkVKColdCaches(b *testing.B) {
	const base = "http://127.0.0.1:9" // never dialled
	api := newVKAPI(b, base, snskit.WithHTTPClient(&http.Client{Transport: cannedRT(vkUsers)}))
	hand := &vkClient{client: &http.Client{Transport: cannedRT(vkUsers)}, endpoint: base + "/method/", token: vkToken}
	ctx := context.Background()
	lim := snskit.NewLocalLimiter()
	key, budget := driver.BudgetKey("vk", vkToken), snskit.Limit{Rate: 1e9, Period: time.Second, Burst: 1 << 30}
	evict := make([]byte, 3<<20)
	for _, c := range []struct {
		name string
		cold bool
		call func() error
	}{
		{"snskit", true, func() error { return checkVK(snskitVKUsersGet(api)) }},
		{"handwritten", true, func() error { return checkVK(hand.usersGet(ctx, vkIDs, vkFields)) }},
		{"limiter", true, func() error { return lim.Wait(ctx, key, budget) }},
		{"limiter-warm", false, func() error { return lim.Wait(ctx, key, budget) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			must(b, c.call())
			var spent time.Duration
			for b.Loop() {
				if c.cold {
					for i := 0; i < len(evict); i += 64 {
						evict[i]++
					}
				}
				start := time.Now()
				must(b, c.call())
				spent += time.Since(start)
			}
			b.ReportMetric(float64(spent)/float64(b.N), "ns-per-call")
		})
	}
}
