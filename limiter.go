package snskit

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter keeps request budgets. Wait blocks until one more request under
// key may be sent at limit, or returns an error wrapping ctx.Err() as soon
// as ctx ends. Keys are BudgetKey values: they name a credential without
// revealing it. A Limiter must be safe for concurrent use.
//
// Every client has its own LocalLimiter unless WithLimiter gives it
// another: pass one Limiter to several clients to make them share budgets,
// or a shared one (the Redis limiter of github.com/snskit/snskit/redis) to
// share them between processes.
type Limiter interface {
	Wait(ctx context.Context, key string, limit Limit) error
}

// LocalLimiter is the in-process Limiter: a token bucket
// (golang.org/x/time/rate) per key. Waiting holds no lock, so a wait on one
// key never delays another key. A budget that has been idle long enough to
// refill is forgotten when the limiter next grows, since a fresh one is the
// same; memory grows with the number of keys used within one refill period.
// The zero value is ready to use; a LocalLimiter is safe for concurrent use
// and must not be copied after first use.
type LocalLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	// last is the bucket of the key waited on last, which is where a
	// client with one token always waits: it is found without hashing
	// the key (a call touches as little memory as it can; see
	// bench/README.md). It is always in buckets.
	last    *bucket
	sweepAt int // size of buckets at which idle ones are dropped
}

type bucket struct {
	key   string
	lim   *rate.Limiter
	limit Limit
}

// NewLocalLimiter returns an empty in-process limiter.
func NewLocalLimiter() *LocalLimiter { return &LocalLimiter{} }

// localSweepAt is the size at which a LocalLimiter first looks for idle
// budgets to drop.
const localSweepAt = 1024

// Wait implements Limiter. When ctx has a deadline before the next slot,
// Wait gives the slot back at once and returns when ctx ends.
func (l *LocalLimiter) Wait(ctx context.Context, key string, limit Limit) error {
	if err := limit.Check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := l.reserve(key, limit, time.Now())
	if r == nil {
		return nil // a slot was free
	}
	delay := r.Delay()
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
		r.Cancel() // the slot is someone else's
		<-ctx.Done()
		return ctx.Err()
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// reserve takes a free slot of key's bucket and returns nil, or reserves
// the next one, creating or adjusting the bucket to limit.
func (l *LocalLimiter) reserve(key string, limit Limit, now time.Time) *rate.Reservation {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.last
	if b == nil || b.key != key || b.limit != limit {
		b = l.bucketLocked(key, limit, now)
		l.last = b
	}
	if b.lim.AllowN(now, 1) {
		return nil // the usual case, without allocating a reservation
	}
	return b.lim.ReserveN(now, 1)
}

// bucketLocked returns key's bucket, set to limit, creating it if need be.
func (l *LocalLimiter) bucketLocked(key string, limit Limit, now time.Time) *bucket {
	every := rate.Every(limit.Every())
	burst := max(limit.Burst, 1)
	b := l.buckets[key]
	switch {
	case b == nil:
		if l.buckets == nil {
			l.buckets = make(map[string]*bucket)
		}
		if len(l.buckets) >= max(l.sweepAt, localSweepAt) {
			l.sweepLocked(now)
		}
		b = &bucket{key: key, lim: rate.NewLimiter(every, burst), limit: limit}
		l.buckets[key] = b
	case b.limit != limit:
		b.lim.SetLimitAt(now, every)
		b.lim.SetBurstAt(now, burst)
		b.limit = limit
	}
	return b
}

// sweepLocked drops the buckets that are full again: forgetting them changes
// nothing. The next sweep waits until the map has doubled.
func (l *LocalLimiter) sweepLocked(now time.Time) {
	for k, b := range l.buckets {
		if b.lim.TokensAt(now) >= float64(b.lim.Burst()) {
			delete(l.buckets, k)
			if b == l.last {
				l.last = nil
			}
		}
	}
	l.sweepAt = 2 * len(l.buckets)
}
