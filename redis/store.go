package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	goredis "github.com/redis/go-redis/v9"
	"github.com/snskit/snskit/auth"
)

// Tokens are stored one Redis hash per account key: "key" (the account key
// as given), "saved" (the auth.Saved record as JSON) and "v" (its version,
// raised by every write), under a name hashed from the account key.

// casSave writes ARGV[2] as the record of KEYS[1] when its version is still
// ARGV[3] ("" for any), and returns the new version, or -1 when the
// version moved.
const casSave = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[3] ~= '' and v ~= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], 'key', ARGV[1], 'saved', ARGV[2], 'v', v + 1)
return v + 1`

// Load implements auth.Store: the token stored under key, or an error
// wrapping auth.ErrNotFound.
func (c *Client) Load(ctx context.Context, key string) (*auth.Saved, error) {
	s, _, err := c.load(ctx, key)
	return s, err
}

// load returns the record under key and its version.
func (c *Client) load(ctx context.Context, key string) (*auth.Saved, int64, error) {
	var fields map[string]string
	err := c.op(ctx, func(ctx context.Context) error {
		var err error
		fields, err = c.rdb.HGetAll(ctx, c.key("token", key)).Result()
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("snskit: redis: loading the token of %q: %w", key, err)
	}
	if fields["saved"] == "" {
		return nil, 0, fmt.Errorf("%w: %q (snskit/redis)", auth.ErrNotFound, key)
	}
	var s auth.Saved
	if err := json.Unmarshal([]byte(fields["saved"]), &s); err != nil {
		return nil, 0, fmt.Errorf("snskit: redis: the token stored under %q is not a token record; save it again", key)
	}
	v, _ := strconv.ParseInt(fields["v"], 10, 64)
	return &s, v, nil
}

// Save implements auth.Store: it stores s under key, replacing what was
// there.
func (c *Client) Save(ctx context.Context, key string, s *auth.Saved) error {
	_, err := c.save(ctx, key, s, -1)
	return err
}

// save writes s under key when the stored version is still version (-1:
// whatever it is) and returns the new version, or 0 when the version moved.
func (c *Client) save(ctx context.Context, key string, s *auth.Saved, version int64) (int64, error) {
	if s == nil {
		return 0, errors.New("snskit: redis: Save(nil); pass the token record to store")
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return 0, fmt.Errorf("snskit: redis: encoding the token of %q: %v", key, err)
	}
	want := ""
	if version >= 0 {
		want = strconv.FormatInt(version, 10)
	}
	var v int64
	err = c.op(ctx, func(ctx context.Context) error {
		var err error
		v, err = c.rdb.Eval(ctx, casSave, []string{c.key("token", key)}, key, raw, want).Int64()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("snskit: redis: saving the token of %q: %w", key, err)
	}
	return max(v, 0), nil
}

// Delete implements auth.Store.
func (c *Client) Delete(ctx context.Context, key string) error {
	var n int64
	err := c.op(ctx, func(ctx context.Context) error {
		var err error
		n, err = c.rdb.Del(ctx, c.key("token", key)).Result()
		return err
	})
	if err != nil {
		return fmt.Errorf("snskit: redis: deleting the token of %q: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %q (snskit/redis)", auth.ErrNotFound, key)
	}
	return nil
}

// Keys implements auth.Store: the account keys that have a token, sorted.
func (c *Client) Keys(ctx context.Context) ([]string, error) {
	var keys []string
	err := c.op(ctx, func(ctx context.Context) error {
		keys = keys[:0]
		iter := c.rdb.Scan(ctx, 0, c.prefix+"token:*", 100).Iterator()
		for iter.Next(ctx) {
			k, err := c.rdb.HGet(ctx, iter.Val(), "key").Result()
			if errors.Is(err, goredis.Nil) {
				continue
			}
			if err != nil {
				return err
			}
			keys = append(keys, k)
		}
		return iter.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("snskit: redis: listing the stored tokens: %w", err)
	}
	sort.Strings(keys)
	return keys, nil
}
