package main

import (
	"context"
	"fmt"
	"net/url"

	goredis "github.com/redis/go-redis/v9"
	"github.com/snskit/snskit/auth"
	snsredis "github.com/snskit/snskit/redis"
)

// redisUsage is the help of -redis.
const redisUsage = "share budgets, stored tokens and their refresh with other processes through the Redis at this `URL` (redis://host:6379/0 or unix:///path/redis.sock)"

// quietRedis drops the lines the Redis client logs on its own (a failed
// dial on every try): snskit reports what matters as its errors. The
// client's logger is process-wide, so only main sets it.
func quietRedis() { goredis.SetLogger(dropLog{}) }

type dropLog struct{}

func (dropLog) Printf(context.Context, string, ...any) {}

// openRedis connects to the Redis of -redis (or SNSKIT_REDIS), or returns
// nil when none is given. The URL's password joins the secrets masked in
// output.
func openRedis(rawURL string, mask func(...string)) (*snsredis.Client, error) {
	if rawURL == "" {
		return nil, nil
	}
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			mask(p)
		}
	}
	rc, err := snsredis.Open(rawURL)
	if err != nil {
		return nil, fmt.Errorf("-redis: %v", err)
	}
	return rc, nil
}

// tokenStore returns where stored tokens live: the Redis of -redis when
// given, else the token file.
func tokenStore(rc *snsredis.Client, tokenFile string) (auth.Store, error) {
	if rc != nil {
		return rc, nil
	}
	return openStore(tokenFile)
}

// storeName says where a store keeps its tokens, for messages.
func storeName(st auth.Store) string {
	if fs, ok := st.(*auth.FileStore); ok {
		return fs.Path()
	}
	return "Redis (-redis)"
}
