// Package redis shares what several processes on one account must agree
// on, through Redis: the request budget of each credential (a GCRA limiter,
// github.com/go-redis/redis_rate, that is a snskit.Limiter), and the
// current token of each account with a refresh that runs once across all
// processes (a lock with an expiry, github.com/bsm/redislock, and a
// compare-and-set on a version, so that a slow refresher cannot overwrite a
// newer token). Client is also an auth.Store, so that snskit's command line
// and applications keep their tokens there.
//
// It is a module of its own (github.com/snskit/snskit/redis), so that
// programs that never need Redis never build its client.
//
//	rc, err := redis.Open("redis://127.0.0.1:6379/0")
//	api, err := snskit.New(platforms.VK(), snskit.WithAuth(auth.Token(tok)), snskit.WithLimiter(rc))
//
// Budgets are keyed by snskit's budget keys (a hash of the credential),
// hashed once more, so Redis never holds a budget's secret. The token store
// holds tokens: protect the Redis server as the tokens deserve (a password,
// ACLs, TLS or a unix socket).
//
// When Redis cannot be reached, or answers slower than the client's
// operation timeout (OpTimeout, 250 ms by default), no call waits past its
// context: a budget falls back to this process's own (a snskit.LocalLimiter
// with the same limit), so calls go on at one process's rate, and VK's
// error 6, should the processes together exceed the limit, is resent by
// snskit; a token is served from this process's last copy while it is
// valid; a refresh fails with an error that says Redis is unreachable,
// since refreshing in one process alone would revoke the token the others
// use on platforms that revoke the old token (WeChat).
//
// A Client is safe for concurrent use.
package redis
