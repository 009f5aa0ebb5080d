package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bsm/redislock"
	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"
	"github.com/snskit/snskit"
)

// DefaultOpTimeout bounds one Redis operation of a Client; see OpTimeout.
const DefaultOpTimeout = 250 * time.Millisecond

// DefaultPrefix starts the name of every Redis key a Client uses.
const DefaultPrefix = "snskit:"

// Client keeps budgets and tokens in Redis. It is a snskit.Limiter (pass it
// to snskit.WithLimiter) and an auth.Store, and makes shared token sources
// (TokenSource). It is safe for concurrent use.
type Client struct {
	rdb     goredis.UniversalClient
	rate    *redis_rate.Limiter
	locks   *redislock.Client
	local   *snskit.LocalLimiter // the budgets used while Redis is unreachable
	prefix  string
	timeout time.Duration
	owned   bool // Close closes rdb
}

// Option configures a Client.
type Option func(*Client) error

// OpTimeout bounds each Redis operation (DefaultOpTimeout by default):
// past it, a budget falls back to this process's own and a token to this
// process's last copy. A call's own deadline still wins when it is sooner.
func OpTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("snskit: redis: OpTimeout(%v): want a positive duration", d)
		}
		c.timeout = d
		return nil
	}
}

// Prefix sets the start of every key the Client uses (DefaultPrefix by
// default), so that several deployments can share one Redis.
func Prefix(p string) Option {
	return func(c *Client) error {
		if p == "" {
			return errors.New("snskit: redis: Prefix(\"\"); leave the option out for the default, " + strings.TrimSuffix(DefaultPrefix, ":"))
		}
		c.prefix = p
		return nil
	}
}

// Open connects to the Redis server at rawURL: "redis://[:password@]host:port/db",
// "rediss://..." for TLS, or "unix:///path/to/redis.sock". The connection
// honours each operation's deadline. Close the Client when done.
func Open(rawURL string, opts ...Option) (*Client, error) {
	var o *goredis.Options
	var err error
	if strings.HasPrefix(rawURL, "/") { // a bare socket path
		o = &goredis.Options{Network: "unix", Addr: rawURL}
	} else if o, err = goredis.ParseURL(rawURL); err != nil {
		return nil, fmt.Errorf("snskit: redis: bad Redis URL %q: %v; want redis://host:port/0 or unix:///path/redis.sock", redactURL(rawURL), redactErr(err, rawURL))
	}
	o.ContextTimeoutEnabled = true
	o.MaxRetries = -1 // a retry would outlast the operation's timeout; the caller falls back instead
	o.DialTimeout = DefaultOpTimeout
	o.DialerRetries, o.DialerRetryTimeout = 1, 10*time.Millisecond // a refused dial is an answer: fall back now
	c, err := New(goredis.NewClient(o), opts...)
	if err != nil {
		return nil, err
	}
	c.owned = true
	return c, nil
}

// New returns a Client on rdb. Build rdb with ContextTimeoutEnabled, so that
// a stalled server cannot hold an operation past its deadline; Open does.
func New(rdb goredis.UniversalClient, opts ...Option) (*Client, error) {
	if rdb == nil {
		return nil, errors.New("snskit: redis: New(nil); pass a client from github.com/redis/go-redis/v9, or use Open")
	}
	c := &Client{rdb: rdb, rate: redis_rate.NewLimiter(rdb), locks: redislock.New(rdb),
		local: snskit.NewLocalLimiter(), prefix: DefaultPrefix, timeout: DefaultOpTimeout}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Close closes the connection Open made; a Client made by New leaves its
// client open.
func (c *Client) Close() error {
	if c.owned {
		return c.rdb.Close()
	}
	return nil
}

// Ping reports whether the Redis server answers within the operation
// timeout.
func (c *Client) Ping(ctx context.Context) error {
	return c.op(ctx, func(ctx context.Context) error { return c.rdb.Ping(ctx).Err() })
}

// op runs f with the operation timeout, and returns as soon as ctx or the
// timeout ends even if f does not (a client built without
// ContextTimeoutEnabled). Its error wraps ctx.Err() when ctx ended.
func (c *Client) op(ctx context.Context, f func(context.Context) error) error {
	octx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f(octx) }()
	select {
	case err := <-done:
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("snskit: redis: %w", ctx.Err())
		}
		return err
	case <-octx.Done():
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("snskit: redis: %w", err)
		}
		return fmt.Errorf("snskit: redis: no answer from Redis within %v", c.timeout)
	}
}

// key returns the Redis key of kind for name: a hash of name, so that no
// budget key or account key, whatever it holds, is written into Redis as is.
func (c *Client) key(kind, name string) string {
	sum := sha256.Sum256([]byte(name))
	return c.prefix + kind + ":" + hex.EncodeToString(sum[:16])
}

// redactURL hides the password of a Redis URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparsable)"
		}
		return raw
	}
	return u.Redacted()
}

// redactErr returns err's message without the URL it may quote.
func redactErr(err error, raw string) string {
	return strings.ReplaceAll(err.Error(), raw, redactURL(raw))
}
