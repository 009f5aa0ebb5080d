package bench

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/snskit/snskit"
)

// BenchmarkVKUsersGetInterleaved is a second measure of the table's VK
// users.get row, with less noise: three snskit clients and three
// hand-written ones (each its own transport and connection, so that where
// one client's memory happens to sit does not weigh on one side), their
// calls interleaved one by one against one loopback server, each call timed
// alone. Per block of calls it takes the median call of each client and
// reports, as medians over the blocks:
//
//   - x-snskit: snskit's mean median over the hand-written clients';
//   - x-control: one hand-written client over the other two, which
//     should be 1.
//
// Wall time per call, where the table has the process's CPU time per
// round: a call's median is what a call costs when nothing else gets in
// the way, and interleaving gives both sides the same machine, call by
// call. b.N counts blocks of 1,000 calls of each client.
func BenchmarkVKUsersGetInterleaved(b *testing.B) {
	srv := newLoopback(b, vkHandler(false))
	ctx := context.Background()
	var calls []func() error
	for range 3 {
		h := newVKClient(srv.URL, newTransport())
		calls = append(calls, func() error { return checkVK(h.usersGet(ctx, vkIDs, vkFields)) })
	}
	for range 3 {
		api := newVKAPI(b, srv.URL, snskit.WithHTTPClient(&http.Client{Transport: newTransport()}))
		calls = append(calls, func() error { return checkVK(snskitVKUsersGet(api)) })
	}
	for _, call := range calls {
		for range 200 { // warm: connections open, every client checked
			must(b, call())
		}
	}
	const perBlock = 1000
	var ratios, controls []float64
	times := make([][]float64, len(calls))
	for b.Loop() {
		for k := range times {
			times[k] = times[k][:0]
		}
		for i := range perBlock {
			for j := range calls { // the order rotates: each client follows each other one
				k := (i + j) % len(calls)
				start := time.Now()
				must(b, calls[k]())
				times[k] = append(times[k], float64(time.Since(start)))
			}
		}
		m := make([]float64, len(calls))
		for k := range times {
			m[k] = medianOf(times[k])
		}
		ratios = append(ratios, (m[3]+m[4]+m[5])/(m[0]+m[1]+m[2]))
		controls = append(controls, 2*m[0]/(m[1]+m[2]))
	}
	b.ReportMetric(medianOf(ratios), "x-snskit")
	b.ReportMetric(medianOf(controls), "x-control")
	b.ReportMetric(slices.Min(ratios), "x-snskit-min")
	b.ReportMetric(slices.Max(ratios), "x-snskit-max")
}
