package bench

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/snskit/snskit"
)

// cannedRT is a RoundTripper that answers every request with body, without a
// network: the benchmarks below measure what each client itself costs per
// call, which the loopback benchmarks dilute with the transport's and the
// server's share (and with their noise).
type cannedRT string

func (c cannedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(c)), Body: io.NopCloser(strings.NewReader(string(c))), Request: r}, nil
}

// BenchmarkVKInMemory is BenchmarkVKUsersGet with cannedRT replies: the whole
// call but the network.
func BenchmarkVKInMemory(b *testing.B) {
	const base = "http://127.0.0.1:9" // never dialled
	api := newVKAPI(b, base, snskit.WithHTTPClient(&http.Client{Transport: cannedRT(vkUsers)}))
	hand := &vkClient{client: &http.Client{Transport: cannedRT(vkUsers)}, endpoint: base + "/method/", token: vkToken}
	ctx := context.Background()
	runInMemory(b, "snskit", func() error { return checkVK(snskitVKUsersGet(api)) })
	runInMemory(b, "handwritten", func() error { return checkVK(hand.usersGet(ctx, vkIDs, vkFields)) })
}

// BenchmarkRenrenInMemory is BenchmarkRenrenUserGet with cannedRT replies.
func BenchmarkRenrenInMemory(b *testing.B) {
	const base = "http://127.0.0.1:9" // never dialled
	api := newRenrenAPI(b, base, snskit.WithHTTPClient(&http.Client{Transport: cannedRT(renrenUser)}))
	hand := &renrenClient{client: &http.Client{Transport: cannedRT(renrenUser)}, base: base + "/v2/", token: renrenToken}
	ctx := context.Background()
	runInMemory(b, "snskit", func() error { return checkRenren(snskitRenrenUserGet(api)) })
	runInMemory(b, "handwritten", func() error { return checkRenren(hand.userGet(ctx, renrenUserID)) })
}

func runInMemory(b *testing.B, name string, call func() error) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		must(b, call())
		cpu := cpuTime()
		for b.Loop() {
			must(b, call())
		}
		reportCPU(b, cpu)
	})
}
