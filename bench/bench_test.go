// Package bench measures what snskit costs over the code a careful engineer
// writes by hand with net/http and gjson. Every benchmark runs both sides in
// the same run against the same loopback server, as sub-benchmarks named
// snskit and handwritten, so that benchstat can compare them. See README.md.
package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snskit/snskit"
	"github.com/snskit/snskit/auth"
	"github.com/snskit/snskit/platforms"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// newVKAPI returns a snskit client of VK at baseURL with the fixture's
// token.
func newVKAPI(tb testing.TB, baseURL string, opts ...snskit.Option) *snskit.API {
	tb.Helper()
	api, err := snskit.New(platforms.VK(), append([]snskit.Option{snskit.WithAuth(auth.Token(vkToken)), snskit.WithBaseURL(baseURL), unbounded}, opts...)...)
	require.NoError(tb, err)
	return api
}

// unbounded is a budget no benchmark reaches: the calls still take their
// slot (the cost is measured), but never wait for one.
var unbounded = snskit.WithRateLimit(1e9, 1<<30)

// snskitVKUsersGet is the snskit side of every VK benchmark: the whole
// chain, as an application writes it.
func snskitVKUsersGet(api *snskit.API) (gjson.Result, error) {
	return api.NS("users").M("get").Do(snskit.Params{"user_ids": vkIDs, "fields": vkFields})
}

// newRenrenAPI returns a snskit client of Renren 2.0 at baseURL with the
// fixture's token.
func newRenrenAPI(tb testing.TB, baseURL string, opts ...snskit.Option) *snskit.API {
	tb.Helper()
	api, err := snskit.New(platforms.Renren(), append([]snskit.Option{snskit.WithAuth(auth.Token(renrenToken)), snskit.WithBaseURL(baseURL)}, opts...)...)
	require.NoError(tb, err)
	return api
}

// snskitRenrenUserGet is the snskit side of every Renren benchmark.
func snskitRenrenUserGet(api *snskit.API) (gjson.Result, error) {
	return api.NS("user").M("get").Do(snskit.Params{"userId": renrenUserID})
}

// checkRenren returns an error unless res is the user of the fixture.
func checkRenren(res gjson.Result, err error) error {
	if err != nil {
		return err
	}
	if res.Get("name").String() != "王小明" {
		return fmt.Errorf("unexpected result %.80s", res.Raw)
	}
	return nil
}

// checkVK returns an error unless res is the users of the fixture. Both
// sides check their result the same way.
func checkVK(res gjson.Result, err error) error {
	if err != nil {
		return err
	}
	if res.Get("0.first_name").String() != "Павел" {
		return fmt.Errorf("unexpected result %.80s", res.Raw)
	}
	return nil
}

// must fails b on err. It is for the benchmark's own goroutine only.
func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}

// Each benchmark below builds both sides' clients once, then runs the
// sub-benchmarks snskit and handwritten against one loopback server. Besides
// ns/op, B/op and allocs/op they report:
//
//   - cpu-ns/op: the CPU time of the whole process (client, server, GC) per
//     call, which other processes on a busy machine disturb far less than
//     the wall time;
//   - conns: the connections the server accepted since the sub-benchmark
//     first started (over all its -count runs): 1 sequentially, about
//     GOMAXPROCS in parallel, when connections are reused.

func BenchmarkVKUsersGet(b *testing.B) {
	srv := newLoopback(b, vkHandler(false))
	api := newVKAPI(b, srv.URL) // the default client: http.DefaultTransport
	hand := newVKClient(srv.URL, newTransport())
	ctx := context.Background()
	runSequential(b, srv, "snskit", func() error { return checkVK(snskitVKUsersGet(api)) })
	runSequential(b, srv, "handwritten", func() error { return checkVK(hand.usersGet(ctx, vkIDs, vkFields)) })
}

func BenchmarkVKUsersGetParallel(b *testing.B) {
	srv := newLoopback(b, vkHandler(false))
	api := newVKAPI(b, srv.URL, snskit.WithHTTPClient(&http.Client{Transport: newParallelTransport()}))
	hand := newVKClient(srv.URL, newParallelTransport())
	ctx := context.Background()
	runParallel(b, srv, "snskit", func() error { return checkVK(snskitVKUsersGet(api)) })
	runParallel(b, srv, "handwritten", func() error { return checkVK(hand.usersGet(ctx, vkIDs, vkFields)) })
}

func BenchmarkRenrenUserGet(b *testing.B) {
	srv := newLoopback(b, renrenHandler(false))
	api := newRenrenAPI(b, srv.URL) // the default client: http.DefaultTransport
	hand := newRenrenClient(srv.URL, newTransport())
	ctx := context.Background()
	runSequential(b, srv, "snskit", func() error { return checkRenren(snskitRenrenUserGet(api)) })
	runSequential(b, srv, "handwritten", func() error { return checkRenren(hand.userGet(ctx, renrenUserID)) })
}

func BenchmarkRenrenUserGetParallel(b *testing.B) {
	srv := newLoopback(b, renrenHandler(false))
	api := newRenrenAPI(b, srv.URL, snskit.WithHTTPClient(&http.Client{Transport: newParallelTransport()}))
	hand := newRenrenClient(srv.URL, newParallelTransport())
	ctx := context.Background()
	runParallel(b, srv, "snskit", func() error { return checkRenren(snskitRenrenUserGet(api)) })
	runParallel(b, srv, "handwritten", func() error { return checkRenren(hand.userGet(ctx, renrenUserID)) })
}

// runSequential runs call in a sub-benchmark named name, once untimed to
// check it, then in a b.Loop.
func runSequential(b *testing.B, srv *loopback, name string, call func() error) {
	start := srv.conns.Load()
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		must(b, call())
		cpu := cpuTime()
		for b.Loop() {
			must(b, call())
		}
		reportCPU(b, cpu)
		b.ReportMetric(float64(srv.conns.Load()-start), "conns")
	})
}

// runParallel runs call in a sub-benchmark named name from GOMAXPROCS
// goroutines.
func runParallel(b *testing.B, srv *loopback, name string, call func() error) {
	start := srv.conns.Load()
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		must(b, call())
		cpu := cpuTime()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := call(); err != nil {
					b.Error(err) // not Fatal: this is not the benchmark's goroutine
					return
				}
			}
		})
		reportCPU(b, cpu)
		b.ReportMetric(float64(srv.conns.Load()-start), "conns")
	})
}

// reportCPU reports the process's CPU time per iteration since start.
func reportCPU(b *testing.B, start time.Duration) {
	if end := cpuTime(); start >= 0 && end >= 0 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkVKBuild measures building the request without sending it: the
// chain, parameter encoding, the platform's Prepare and the *http.Request.
func BenchmarkVKBuild(b *testing.B) {
	const base = "http://127.0.0.1:9" // never dialled
	ctx := context.Background()
	b.Run("snskit", func(b *testing.B) {
		b.ReportAllocs()
		api := newVKAPI(b, base)
		for b.Loop() {
			req, err := api.NS("users").M("get").Request(ctx, snskit.Params{"user_ids": vkIDs, "fields": vkFields})
			if err != nil || req.ContentLength == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			form := url.Values{"user_ids": {joinInts(vkIDs)}, "fields": {vkFields}}
			form.Set("access_token", vkToken)
			form.Set("v", vkVersion)
			enc := form.Encode()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/method/"+"users.get", strings.NewReader(enc))
			if err != nil || req.ContentLength == 0 {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("User-Agent", userAgent)
		}
	})
}

// BenchmarkVKDecode measures reading a reply that is already in memory: the
// envelope, the error check and the result.
func BenchmarkVKDecode(b *testing.B) {
	b.Run("snskit", func(b *testing.B) {
		b.ReportAllocs()
		vk := platforms.VK()
		r := &snskit.Response{Platform: "vk", Method: "users.get", StatusCode: http.StatusOK, Body: vkUsers}
		for b.Loop() {
			must(b, checkVK(vk.Decode(r)))
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		body := []byte(vkUsers)
		errorOf := func(e gjson.Result) error { return errors.New(e.Raw) }
		for b.Loop() {
			must(b, checkVK(unwrap(http.StatusOK, body, errorOf)))
		}
	})
}

// BenchmarkRenrenBuild is BenchmarkVKBuild for Renren 2.0's user.get: a GET
// with the query and the bearer header.
func BenchmarkRenrenBuild(b *testing.B) {
	const base = "http://127.0.0.1:9" // never dialled
	ctx := context.Background()
	b.Run("snskit", func(b *testing.B) {
		b.ReportAllocs()
		api := newRenrenAPI(b, base)
		for b.Loop() {
			req, err := api.NS("user").M("get").Request(ctx, snskit.Params{"userId": renrenUserID})
			if err != nil || req.Header.Get("Authorization") == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q := url.Values{"userId": {strconv.Itoa(renrenUserID)}}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v2/"+"user/get"+"?"+q.Encode(), nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+renrenToken)
			req.Header.Set("User-Agent", userAgent)
		}
	})
}

// BenchmarkRenrenDecode is BenchmarkVKDecode for Renren 2.0's user.get.
func BenchmarkRenrenDecode(b *testing.B) {
	b.Run("snskit", func(b *testing.B) {
		b.ReportAllocs()
		renren := platforms.Renren()
		r := &snskit.Response{Platform: "renren", Method: "user.get", StatusCode: http.StatusOK, Body: renrenUser}
		for b.Loop() {
			must(b, checkRenren(renren.Decode(r)))
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		body := []byte(renrenUser)
		errorOf := func(e gjson.Result) error { return errors.New(e.Raw) }
		for b.Loop() {
			must(b, checkRenren(unwrap(http.StatusOK, body, errorOf)))
		}
	})
}
