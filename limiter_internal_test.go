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
