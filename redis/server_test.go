package redis_test

import (
	"context"
	"os"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/snskit/snskit/redis"
	"github.com/snskit/snskit/redis/redistest"
	"github.com/stretchr/testify/require"
)

func startRedis(t *testing.T) *redistest.Server { t.Helper(); return redistest.Start(t) }

func openClient(t *testing.T, rs *redistest.Server, opts ...redis.Option) *redis.Client {
	t.Helper()
	c, err := redis.Open(rs.URL, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// quiet is a go-redis logger that drops its lines: the outage tests make
// the client log every failed dial.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	goredis.SetLogger(quiet{})
	os.Exit(m.Run())
}
