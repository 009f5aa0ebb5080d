package bench

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/snskit/snskit"
)

// BenchmarkVKCatalogCheck measures what snskit.WithCatalogChecks adds to a
// call: the same VK users.get as BenchmarkVKUsersGet, through a client
// without checks (unchecked) and one with strict checks (checked: the whole
// check runs, and refuses nothing, since the call is a good one), against
// one loopback server in the same run. Compare the two with benchstat on
// the /impl key (see README.md).
func BenchmarkVKCatalogCheck(b *testing.B) {
	srv := newLoopback(b, vkHandler(false))
	plain := newVKAPI(b, srv.URL)
	checked := newVKAPI(b, srv.URL, snskit.WithCatalogChecks(snskit.CheckStrict))
	runSequential(b, srv, "unchecked", func() error { return checkVK(snskitVKUsersGet(plain)) })
	runSequential(b, srv, "checked", func() error { return checkVK(snskitVKUsersGet(checked)) })
}

// BenchmarkVKBuildCatalogCheck is the same comparison on building the
// request alone (Call.Request, nothing sent), where the check is a far
// larger share of the work: an upper bound on its cost, with little noise.
func BenchmarkVKBuildCatalogCheck(b *testing.B) {
	const base = "http://127.0.0.1:9" // never dialled
	ctx := context.Background()
	for _, side := range []struct {
		name string
		opts []snskit.Option
	}{
		{"unchecked", nil},
		{"checked", []snskit.Option{snskit.WithCatalogChecks(snskit.CheckStrict)}},
	} {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			api := newVKAPI(b, base, side.opts...)
			for b.Loop() {
				req, err := api.NS("users").M("get").Request(ctx, snskit.Params{"user_ids": vkIDs, "fields": vkFields})
				if err != nil || req.ContentLength == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVKCheck measures the check alone: catalog.Check of the
// benchmark's users.get call against VK's catalog.
func BenchmarkVKCheck(b *testing.B) {
	b.ReportAllocs()
	cat := newVKAPI(b, "http://127.0.0.1:9").Catalog()
	params := snskit.Params{"user_ids": vkIDs, "fields": vkFields}
	if ps := cat.Check("users.get", params); len(ps) > 0 {
		b.Fatal(ps)
	}
	for b.Loop() {
		if ps := cat.Check("users.get", params); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

// BenchmarkVKCatalogCheckInterleaved answers "what share of a call is the
// check" on a busy machine: each iteration makes one call without checks
// and one with strict checks (in alternating order), then runs
// catalog.Check alone right after (its data as cold in the CPU's caches as
// in a real call), timing each, so that all three see the same load. It
// reports the median time of each (medians shrug off the preemptions of a
// shared machine) and two ratios: overhead-% (checked against unchecked
// calls: a difference of two noisy numbers) and check-% (the check alone
// against an unchecked call: steady). The budget is 2%.
func BenchmarkVKCatalogCheckInterleaved(b *testing.B) {
	srv := newLoopback(b, vkHandler(false))
	plain := newVKAPI(b, srv.URL)
	checked := newVKAPI(b, srv.URL, snskit.WithCatalogChecks(snskit.CheckStrict))
	cat := checked.Catalog()
	params := snskit.Params{"user_ids": vkIDs, "fields": vkFields}
	must(b, checkVK(snskitVKUsersGet(checked))) // parses the catalog, opens the connection
	var tPlain, tChecked, tCheck []time.Duration
	timed := func(api *snskit.API, into *[]time.Duration) {
		start := time.Now()
		err := checkVK(snskitVKUsersGet(api))
		*into = append(*into, time.Since(start))
		must(b, err)
	}
	b.ReportAllocs()
	for n := 0; b.Loop(); n++ {
		if n%2 == 0 {
			timed(plain, &tPlain)
			timed(checked, &tChecked)
		} else {
			timed(checked, &tChecked)
			timed(plain, &tPlain)
		}
		start := time.Now()
		ps := cat.Check("users.get", params)
		tCheck = append(tCheck, time.Since(start))
		if len(ps) > 0 {
			b.Fatal(ps)
		}
	}
	plainNs, checkedNs, checkNs := median(tPlain), median(tChecked), median(tCheck)
	b.ReportMetric(plainNs, "unchecked-ns/call")
	b.ReportMetric(checkedNs, "checked-ns/call")
	b.ReportMetric(checkNs, "check-ns")
	b.ReportMetric(100*(checkedNs-plainNs)/plainNs, "overhead-%")
	b.ReportMetric(100*checkNs/plainNs, "check-%")
}

// median returns the median of ds in nanoseconds.
func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2])
}
