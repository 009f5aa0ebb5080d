package snskit

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocalLimiterForgetsRefilledBudgets(t *testing.T) {
	l := NewLocalLimiter()
	ctx := context.Background()
	refills := Limit{Rate: 1, Period: time.Nanosecond, Burst: 1} // full again at once
	for i := range 10 * localSweepAt {
		require.NoError(t, l.Wait(ctx, strconv.Itoa(i), refills))
	}
	assert.LessOrEqual(t, len(l.buckets), localSweepAt+1, "idle budgets are dropped as the map grows")

	busy := Limit{Rate: 1, Period: time.Hour, Burst: 1} // spent for an hour: must be kept
	for i := range 3 * localSweepAt {
		require.NoError(t, l.Wait(ctx, "busy"+strconv.Itoa(i), busy))
	}
	assert.GreaterOrEqual(t, len(l.buckets), 3*localSweepAt, "spent budgets are kept, or their limit would be lost")
	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, l.Wait(short, "busy0", busy), context.DeadlineExceeded, "busy0 is still spent")
}

// The bucket a LocalLimiter remembers (last) is always the map's bucket of
// its key: a sweep that drops it forgets it, a new limit adjusts it, and a
// second key does not wait on it.
func TestLocalLimiterLastBucketIsTheKeysBucket(t *testing.T) {
	l := NewLocalLimiter()
	ctx := context.Background()
	hour := Limit{Rate: 1, Period: time.Hour, Burst: 1}
	require.NoError(t, l.Wait(ctx, "a", hour))
	require.NoError(t, l.Wait(ctx, "b", hour), "b has its own budget, not a's")
	short := func() error {
		c, cancel := context.WithTimeout(ctx, time.Millisecond)
		defer cancel()
		return l.Wait(c, "a", hour)
	}
	assert.ErrorIs(t, short(), context.DeadlineExceeded, "a is spent, though b was waited on last")
	assert.Same(t, l.buckets["a"], l.last)

	faster := Limit{Rate: 1, Period: time.Nanosecond, Burst: 1}
	require.NoError(t, l.Wait(ctx, "a", faster), "a's bucket follows its new limit")
	assert.Equal(t, faster, l.last.limit)
	assert.Same(t, l.buckets["a"], l.last)

	l.mu.Lock()
	l.sweepLocked(time.Now()) // a is full again: dropped, and forgotten
	l.mu.Unlock()
	assert.Nil(t, l.buckets["a"])
	assert.Nil(t, l.last, "the remembered bucket was swept but kept")
	require.NoError(t, l.Wait(ctx, "a", hour))
	assert.ErrorIs(t, short(), context.DeadlineExceeded, "one bucket for a after the sweep")
}
