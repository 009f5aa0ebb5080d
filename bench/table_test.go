package bench

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// A tableCase is one row of the speed table: the same call through snskit
// and through the hand-written client, against one loopback server.
type tableCase struct {
	name   string  // as the table shows it
	budget float64 // snskit's time over the hand-written one, at most
	// allocBudget is at most how many more allocations per call snskit
	// may make; -1 when the row has none.
	allocBudget int
	perRound    int // calls of each side per round
	snskit      func() error
	hand        func() error
}

// tableRow is what was measured of a tableCase.
type tableRow struct {
	tableCase
	snskitNs, handNs         float64 // median process CPU time per call of each side
	ratio                    float64 // median of the per-round ratios of CPU time
	lowRatio, highRatio      float64 // the middle half of the per-round ratios
	wallRatio                float64 // median of the per-round ratios of wall time
	snskitAllocs, handAllocs float64 // allocations per call, whole process
}

// heapRow is the memory row of the table: a reply of size bytes.
type heapRow struct {
	size                   int
	withLength, chunked    float64 // bytes allocated per call beyond the body
	handLength, handChunks float64 // the same for the hand-written client
}

// tableRounds is how many interleaved rounds each row takes.
const tableRounds = 61

// BenchmarkTable measures the speed table of bench/README.md and README.md
// and writes it there, with the chart bench/ratios.svg: run
//
//	go test -run '^$' -bench . ./bench/
//
// Each row runs tableRounds rounds; a round times perRound calls of each
// side, in halves ordered ABBA or BAAB (alternating from round to round),
// so both sides see the same load, and keeps their ratio. The table shows the
// median of those ratios: a preemption or a busy neighbour spoils one
// round, not the result. Allocations are counted over 200 calls of each
// side, for the whole process (the server's share is the same on both).
func BenchmarkTable(b *testing.B) {
	ctx := context.Background()
	vkSrv := newLoopback(b, vkHandler(false))
	friendsSrv := newLoopback(b, vkFriendsHandler())
	renrenSrv := newLoopback(b, renrenHandler(false))
	vkAPI, friendsAPI, renrenAPI := newVKAPI(b, vkSrv.URL), newVKAPI(b, friendsSrv.URL), newRenrenAPI(b, renrenSrv.URL)
	vkHand := newVKClient(vkSrv.URL, newTransport())
	friendsHand := newVKClient(friendsSrv.URL, newTransport())
	renrenHand := newRenrenClient(renrenSrv.URL, newTransport())
	cases := []tableCase{
		{"VK `users.get`, small reply (816 bytes)", 1.05, 10, 2000,
			func() error { return checkVK(snskitVKUsersGet(vkAPI)) },
			func() error { return checkVK(vkHand.usersGet(ctx, vkIDs, vkFields)) }},
		{fmt.Sprintf("VK `friends.get`, 5,000 users with fields (%.1f MB), one field read from each", float64(len(vkFriends()))/1e6), 1.10, -1, 2,
			func() error { return checkFriends(snskitVKFriendsGet(friendsAPI)) },
			func() error { return checkFriends(friendsHand.friendsGet(ctx)) }},
		{"Renren 2.0 `user.get` (1,487 bytes)", 1.05, -1, 2000,
			func() error { return checkRenren(snskitRenrenUserGet(renrenAPI)) },
			func() error { return checkRenren(renrenHand.userGet(ctx, renrenUserID)) }},
	}
	var rows []tableRow
	for _, c := range cases {
		rows = append(rows, measureRow(b, c))
	}
	heap := measureHeap(b, 16<<20)
	for b.Loop() { // the work above is the measurement; b.N is not used
	}
	for _, r := range rows {
		b.ReportMetric(r.ratio, "x-"+metricName(r.name))
	}
	b.ReportMetric(100*heap.withLength/float64(heap.size), "heap-%-16MiB")
	env := fmt.Sprintf("%s %s/%s, GOMAXPROCS=%d, %d rounds", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), tableRounds)
	if err := writeTable(rows, heap, env); err != nil {
		b.Fatal(err)
	}
}

// metricName is the first words of a row name, fit for a metric unit.
func metricName(name string) string {
	f := strings.Fields(strings.NewReplacer("`", "", ",", "").Replace(name))
	return strings.Join(f[:2], "-")
}

// measureRow runs c's rounds.
func measureRow(b *testing.B, c tableCase) tableRow {
	for range c.perRound { // warm: connections open, both sides checked
		must(b, c.snskit())
		must(b, c.hand())
	}
	// timed returns the process CPU time and the wall time of n calls.
	timed := func(call func() error, n int) (cpu, wall time.Duration) {
		start, cpu0 := time.Now(), cpuTime()
		for range n {
			must(b, call())
		}
		wall = time.Since(start)
		if cpu0 < 0 { // no CPU clock on this system
			return wall, wall
		}
		return cpuTime() - cpu0, wall
	}
	// A round runs each side twice, in the order ABBA or BAAB (alternating
	// from round to round): a side measured first, or a drift in the
	// machine's speed during the round, weighs on both sides alike.
	half := max(c.perRound/2, 1)
	var ratios, walls, sNs, hNs []float64
	for round := range tableRounds {
		first, second := c.snskit, c.hand
		if round%2 == 1 {
			first, second = second, first
		}
		c1, w1 := timed(first, half)
		c2, w2 := timed(second, half)
		c3, w3 := timed(second, half)
		c4, w4 := timed(first, half)
		s, h, sw, hw := c1+c4, c2+c3, w1+w4, w2+w3
		if round%2 == 1 {
			s, h, sw, hw = h, s, hw, sw
		}
		ratios = append(ratios, float64(s)/float64(h))
		walls = append(walls, float64(sw)/float64(hw))
		sNs = append(sNs, float64(s)/float64(2*half))
		hNs = append(hNs, float64(h)/float64(2*half))
	}
	slices.Sort(ratios)
	n := len(ratios)
	return tableRow{tableCase: c, ratio: ratios[n/2], lowRatio: ratios[n/4], highRatio: ratios[n-1-n/4],
		wallRatio: medianOf(walls), snskitNs: medianOf(sNs), handNs: medianOf(hNs),
		snskitAllocs: allocsPerCall(b, c.snskit), handAllocs: allocsPerCall(b, c.hand)}
}

// medianOf returns the median of xs.
func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// allocsPerCall counts the allocations of one call, whole process.
func allocsPerCall(b *testing.B, call func() error) float64 {
	var err error
	n := testing.AllocsPerRun(200, func() {
		if e := call(); e != nil {
			err = e
		}
	})
	must(b, err)
	return n
}

// measureHeap measures the bytes allocated by a call beyond the body of a
// reply of size bytes, with a Content-Length and chunked, on both sides.
func measureHeap(b *testing.B, size int) heapRow {
	body := bigUsers(size)
	row := heapRow{size: size}
	for _, chunked := range []bool{false, true} {
		srv := newLoopback(b, func(w http.ResponseWriter, r *http.Request) { body.write(w, http.StatusOK, chunked) })
		api := newVKAPI(b, srv.URL)
		hand := newVKClient(srv.URL, newTransport())
		s := bytesPerCall(b, func() error { return checkBig(snskitVKUsersGet(api)) }) - float64(size)
		h := bytesPerCall(b, func() error { return checkBig(hand.usersGet(context.Background(), vkIDs, vkFields)) }) - float64(size)
		if chunked {
			row.chunked, row.handChunks = s, h
		} else {
			row.withLength, row.handLength = s, h
		}
	}
	return row
}

// bytesPerCall returns the fewest bytes the process allocated over one call
// in 5 tries (the fewest: a concurrent allocation elsewhere only adds).
func bytesPerCall(b *testing.B, call func() error) float64 {
	must(b, call())
	best := -1.0
	var ms runtime.MemStats
	for range 5 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		must(b, call())
		runtime.ReadMemStats(&ms)
		if got := float64(ms.TotalAlloc - before); best < 0 || got < best {
			best = got
		}
	}
	return best
}
